"""Evaluating a trained model file in-process, for ``citizenbot train`` and ``citizenbot deploy``.

No servers are needed: the model is loaded with Rasa's ``Agent`` and every question of the
held-out set (default ``tests/eval/heldout.tsv``; lang, topics, text) is parsed by the model's NLU
pipeline, the emergency override included. A question is right when the predicted intent is one
of its topics (``nlu_fallback`` is a miss). This measures the classifier, which is what training
changes; ``make eval`` / ``citizenbot eval`` still ask the whole running bot over HTTP (answers,
language choice). Results are cached per model and test set under ``var/trainer/evals/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from citizenbot.intents import FALLBACK_INTENT
from citizenbot.settings import served_languages

from .project import EvalQuestion, Project

DEFAULT_MAX_DROP = 2.0  # percentage points of accuracy a language may lose before deploy refuses


@dataclass
class EvalResult:
    model: str
    test_set: str
    test_digest: str
    questions: int
    right: dict[str, list[int]]  # lang -> [right, total]
    by_domain: dict[str, list[int]]
    confusions: list[list[Any]]  # [expected, predicted, count], most frequent first
    misses: list[dict[str, Any]]
    language_right: dict[str, list[int]] = field(default_factory=dict)  # detected language (information)
    seconds: float = 0.0
    evaluated_at: str = ""

    @property
    def accuracy(self) -> dict[str, float]:
        """lang -> accuracy in % (and "all")."""
        order = [*(lang for lang in served_languages() if lang in self.right), *sorted(set(self.right) - set(served_languages()))]
        out = {lang: 100.0 * self.right[lang][0] / self.right[lang][1] for lang in order if self.right[lang][1]}
        total = sum(n for _r, n in self.right.values())
        if total:
            out["all"] = 100.0 * sum(r for r, _n in self.right.values()) / total
        return out

    @property
    def domain_accuracy(self) -> dict[str, float]:
        return {d: 100.0 * r / n for d, (r, n) in sorted(self.by_domain.items()) if n}

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "accuracy": self.accuracy}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalResult:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)


def questions_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _quiet_rasa() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"rasa\..*")
    for name in ("rasa", "tensorflow", "absl", "matplotlib", "sanic", "apscheduler"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.ERROR)
    except Exception:  # older/newer Rasa without structlog: nothing to quiet
        pass


@contextlib.contextmanager
def project_kb(project: Project) -> Iterator[None]:
    """The model's tokenizer masks the place names of the project's knowledge base (KB_DIR)."""
    from citizenbot.gazetteer import load_name_index

    before = os.environ.get("KB_DIR")
    os.environ["KB_DIR"] = str(project.kb_dir)
    load_name_index.cache_clear()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KB_DIR", None)
        else:
            os.environ["KB_DIR"] = before
        load_name_index.cache_clear()


async def _parse_all(model: Path, questions: list[EvalQuestion]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    out = []
    for q in questions:
        out.append(await agent.parse_message(q.text))
    return out


def evaluate_model(project: Project, model: Path, files: list[Path] | None = None, use_cache: bool = True) -> EvalResult:
    files = files or project.heldout_files
    digest = questions_digest(files)
    cache = project.state_dir / "evals" / f"{Path(model).name}.{digest}.json"
    if use_cache and cache.exists():
        return EvalResult.from_dict(json.loads(cache.read_text(encoding="utf-8")))
    questions = project.eval_questions(files)
    _quiet_rasa()
    start = time.perf_counter()
    with project_kb(project):
        parsed = asyncio.run(_parse_all(Path(model), questions))
    result = score(Path(model).name, ", ".join(project.relative(f) for f in files), digest, questions, parsed)
    result.seconds = round(time.perf_counter() - start, 1)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def score(model: str, test_set: str, digest: str, questions: list[EvalQuestion], parsed: list[dict]) -> EvalResult:
    right: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_domain: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    language_right: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: Counter = Counter()
    misses = []
    for q, p in zip(questions, parsed, strict=True):
        intent = (p.get("intent") or {}).get("name") or FALLBACK_INTENT
        ok = any(intent == t or intent.startswith(t + ".") for t in q.topics)
        domain = q.topics[0].split(".")[0] if q.topics else "?"
        for bucket in (right[q.lang], by_domain[domain]):
            bucket[0] += ok
            bucket[1] += 1
        detected = (p.get("language") or {}).get("lang")
        language_right[q.lang][0] += detected == q.lang
        language_right[q.lang][1] += 1
        if not ok:
            confusions[(q.topics[0], intent)] += 1
            misses.append({"lang": q.lang, "text": q.text, "expected": "|".join(q.topics), "predicted": intent,
                           "confidence": round(float((p.get("intent") or {}).get("confidence") or 0), 3)})
    return EvalResult(
        model=model, test_set=test_set, test_digest=digest, questions=len(questions),
        right=dict(right), by_domain=dict(by_domain),
        confusions=[[e, p, n] for (e, p), n in confusions.most_common()],
        misses=misses, language_right=dict(language_right),
        evaluated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


# --- comparing ----------------------------------------------------------------------------------


def drops(new: EvalResult, previous: EvalResult | None) -> dict[str, float]:
    """lang -> percentage points lost against the previous model (positive = worse)."""
    if previous is None:
        return {}
    old, now = previous.accuracy, new.accuracy
    return {lang: round(old[lang] - now.get(lang, 0.0), 2) for lang in old if lang != "all"}


def uncovered_topics(project: Project, questions: list[EvalQuestion]) -> list[str]:
    """The topics the model is meant to recognise (in the taxonomy and the domain's intents) that no
    test question asks about: a model that never learned one would pass every other measure."""
    asked = {t for q in questions for t in q.topics}
    intents = set(project.domain_intents())
    return [str(t["id"]) for t in project.topics()
            if t["id"] in intents and not any(a == t["id"] or a.startswith(f"{t['id']}.") for a in asked)]


def regressions(new: EvalResult, previous: EvalResult | None, max_drop: float = DEFAULT_MAX_DROP) -> dict[str, float]:
    """The languages whose accuracy dropped by more than ``max_drop`` points."""
    return {lang: d for lang, d in drops(new, previous).items() if d > max_drop}


# --- report -------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def markdown(new: EvalResult, previous: EvalResult | None, max_drop: float = DEFAULT_MAX_DROP,
             chart: str | None = None, top: int = 15, uncovered: list[str] | None = None) -> str:
    lines = [f"# Evaluation of {new.model}", "",
             f"Test set: {new.test_set} ({new.questions} questions), evaluated in-process with Rasa's Agent "
             f"(intent right = the predicted topic is one of the question's topics).", ""]
    if previous:
        lines += [f"Compared with the previous model {previous.model}.", ""]
    lines += ["## Per language", "", "| language | new model | previous model | change (points) | detected language right |",
              "|---|---|---|---|---|"]
    old = previous.accuracy if previous else {}
    for lang in [*(lang for lang in served_languages() if lang in new.accuracy), "all"]:
        now = new.accuracy.get(lang)
        r, n = new.right.get(lang, [0, 0]) if lang != "all" else (sum(x[0] for x in new.right.values()), new.questions)
        change = "" if lang not in old or now is None else f"{now - old[lang]:+.1f}"
        detected = new.language_right.get(lang)
        lines.append(f"| {lang} | {_pct(now)} ({r}/{n}) | {_pct(old.get(lang))} | {change} | "
                     f"{_pct(100 * detected[0] / detected[1]) if detected and detected[1] else '-'} |")
    bad = regressions(new, previous, max_drop)
    lines += ["", (f"**Deploy would be refused**: accuracy dropped by more than {max_drop} points in "
                   f"{', '.join(f'{k} ({v:.1f})' for k, v in bad.items())}." if bad else
                   f"Deploy gate: no language dropped by more than {max_drop} points.")]
    if uncovered:
        lines += ["", f"**Deploy would be refused**: no test question asks about {', '.join(uncovered)} (add held-out "
                      "questions: `citizenbot topic update` or the test set file)."]
    lines += ["", "## Per domain", "", "| domain | new model | previous model |", "|---|---|---|"]
    old_domains = previous.domain_accuracy if previous else {}
    for domain, value in new.domain_accuracy.items():
        r, n = new.by_domain[domain]
        lines.append(f"| {domain} | {_pct(value)} ({r}/{n}) | {_pct(old_domains.get(domain))} |")
    if chart:
        lines += ["", f"![accuracy per language and domain]({chart})"]
    lines += ["", "## Confusions (expected -> predicted)", ""]
    if new.confusions:
        lines += ["| expected | predicted | questions |", "|---|---|---|"]
        lines += [f"| {e} | {p} | {n} |" for e, p, n in new.confusions[:top]]
    else:
        lines.append("None.")
    if new.misses:
        lines += ["", f"## Misses ({len(new.misses)})", ""]
        lines += [f"- [{m['lang']}] {m['text']!r}: {m['expected']} -> {m['predicted']} ({m['confidence']:.2f})"
                  for m in new.misses[:50]]
        if len(new.misses) > 50:
            lines.append(f"- ... and {len(new.misses) - 50} more (the JSON under var/trainer/evals/ has all)")
    return "\n".join(lines) + "\n"


def chart(new: EvalResult, previous: EvalResult | None, path: Path) -> Path:
    """Bars of accuracy per language and per domain, new next to previous (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [4, 5]})
    for ax, (title, now, old) in zip(axes, (
        ("per language", new.accuracy, previous.accuracy if previous else {}),
        ("per domain", new.domain_accuracy, previous.domain_accuracy if previous else {}),
    ), strict=True):
        keys = list(now)
        xs = range(len(keys))
        width = 0.38 if old else 0.6
        if old:
            ax.bar([x - width / 2 for x in xs], [old.get(k, 0) for k in keys], width, label=f"previous ({previous.model[:15]})",
                   color="#9fa6b2")
        bars = ax.bar([x + (width / 2 if old else 0) for x in xs], [now[k] for k in keys], width,
                      label=f"new ({new.model[:15]})", color="#0072c6")
        for bar, k in zip(bars, keys, strict=False):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.5, f"{now[k]:.1f}", ha="center", fontsize=8)
        ax.set_xticks(list(xs))
        ax.set_xticklabels(keys)
        low = min([*now.values(), *old.values()], default=0)
        ax.set_ylim(max(0, low - 10), 109)
        ax.set_ylabel("intent accuracy %")
        ax.set_title(f"Accuracy {title}")
        ax.legend(loc="upper left", fontsize=7, ncol=2, frameon=False)
    fig.suptitle(f"{new.test_set}: {new.questions} questions")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_report(project: Project, new: EvalResult, previous: EvalResult | None,
                 max_drop: float = DEFAULT_MAX_DROP, files: list[Path] | None = None) -> tuple[Path, Path]:
    """results/trainer/<model>/report.md and chart.png."""
    folder = project.results_dir / new.model.removesuffix(".tar.gz")
    png = chart(new, previous, folder / "chart.png")
    md = folder / "report.md"
    uncovered = uncovered_topics(project, project.eval_questions(files))
    md.write_text(markdown(new, previous, max_drop, chart=png.name, uncovered=uncovered), encoding="utf-8")
    return md, png
