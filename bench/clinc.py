"""The project's NLU pipeline (config.yml) on CLINC150: in-scope accuracy and out-of-scope recall.

Out-of-scope handling is the production mechanism: an out-of-scope intent (``oos``) learned from
the ``oos_train`` examples, plus the FallbackClassifier threshold of config.yml. A test query
counts as out of scope when the prediction is ``oos`` or ``nlu_fallback``. Training is ``rasa
train nlu`` with a copy of config.yml; the copy is identical except, by default, the
EmergencyOverride (the 112 safety net: it would turn a query about e.g. a heart attack into a
``health.emergency`` intent CLINC does not have). How often it would have fired on the test set is
measured and reported.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.proc import BIN, run_measured
from bench.stats import summary

OOS = "oos"
FALLBACK = "nlu_fallback"
EMERGENCY_COMPONENT = "citizenbot.nlu.components.EmergencyOverride"
DEFAULT_DIR = Path("/work/shared/benchmarks/clinc150")
_MARKUP_RE = re.compile(r"[\[\]{}]")


def find_dataset(project_root: Path) -> Path:
    """../shared/benchmarks/clinc150 next to the checkout (CI and developers), else the default."""
    for candidate in (project_root.parent / "shared" / "benchmarks" / "clinc150", DEFAULT_DIR):
        if (candidate / "data_full.json").is_file():
            return candidate
    raise FileNotFoundError("CLINC150 not found: expected ../shared/benchmarks/clinc150/data_full.json")


def load(path: Path) -> dict[str, list[tuple[str, str]]]:
    data = json.loads((path / "data_full.json").read_text(encoding="utf-8"))
    return {split: [(text, intent) for text, intent in items] for split, items in data.items()}


def published_baselines(path: Path) -> list[dict[str, str]]:
    """Rows of published_baselines.csv for the full data set (oos-train and oos-threshold)."""
    import csv

    lines = [line for line in (path / "published_baselines.csv").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    return [r for r in rows if r["method"] in ("oos-train", "oos-threshold")]


def subset(data: dict[str, list[tuple[str, str]]], intents: int, train_per_intent: int, test_per_intent: int,
           oos_train: int, oos_test: int, seed: int = 0) -> dict[str, list[tuple[str, str]]]:
    """A small, deterministic CLINC: the first ``intents`` intents (sorted), a few examples each."""
    rng = random.Random(seed)
    chosen = sorted({intent for _t, intent in data["train"]})[:intents]

    def take(items: list[tuple[str, str]], per_intent: int) -> list[tuple[str, str]]:
        by_intent: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for text, intent in items:
            if intent in chosen:
                by_intent[intent].append((text, intent))
        out = []
        for intent in chosen:
            out += rng.sample(by_intent[intent], min(per_intent, len(by_intent[intent])))
        return out

    return {
        "train": take(data["train"], train_per_intent),
        "test": take(data["test"], test_per_intent),
        "oos_train": data["oos_train"][:oos_train],
        "oos_test": data["oos_test"][:oos_test],
    }


def clean(text: str) -> str:
    """Rasa's YAML examples read [text](entity) and {..} as entity markup: drop those brackets."""
    return _MARKUP_RE.sub(" ", text).strip()


def nlu_yaml(examples: list[tuple[str, str]]) -> str:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in examples:
        by_intent[intent].append(clean(text))
    nlu = [{"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)} for intent, texts in sorted(by_intent.items())]
    return yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False, width=10_000)


def pipeline_config(config_path: Path, keep_emergency: bool) -> tuple[dict, float]:
    """config.yml's NLU part (policies dropped: NLU only), and its fallback threshold."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    pipeline = [dict(c) for c in config["pipeline"] if keep_emergency or c["name"] != EMERGENCY_COMPONENT]
    threshold = next((c.get("threshold", 0.3) for c in pipeline if c["name"] == "FallbackClassifier"), 0.0)
    config = {k: v for k, v in config.items() if k != "policies"}
    config["pipeline"] = pipeline
    config["policies"] = []
    return config, float(threshold)


@dataclass
class Prediction:
    gold: str
    intent: str  # what the pipeline returned (may be nlu_fallback)
    top: str  # the classifier's own top intent (before the fallback)
    confidence: float  # the classifier's confidence of ``top``
    emergency: bool = False  # the safety rules match this text


def is_oos(intent: str) -> bool:
    return intent in (OOS, FALLBACK)


def score(predictions: list[Prediction], threshold: float | None = None) -> dict[str, float | int]:
    """In-scope accuracy and out-of-scope recall.

    With ``threshold`` the fallback is re-applied to the classifier's own top intent (for the
    threshold curve); without it the pipeline's actual answer counts.
    """

    def answer(p: Prediction) -> str:
        if threshold is None:
            return p.intent
        return FALLBACK if p.confidence < threshold else p.top

    inscope = [p for p in predictions if p.gold != OOS]
    oos = [p for p in predictions if p.gold == OOS]
    right = sum(answer(p) == p.gold for p in inscope)
    caught = sum(is_oos(answer(p)) for p in oos)
    false_oos = sum(is_oos(answer(p)) for p in inscope)
    return {
        "inscope_n": len(inscope),
        "oos_n": len(oos),
        "inscope_acc": right / len(inscope) if inscope else 0.0,
        "oos_recall": caught / len(oos) if oos else 0.0,
        "inscope_flagged_oos": false_oos / len(inscope) if inscope else 0.0,
    }


def curve(predictions: list[Prediction], thresholds: list[float]) -> list[dict[str, float]]:
    return [{"threshold": t, **score(predictions, t)} for t in thresholds]


def prediction_from_parse(gold: str, parsed: dict) -> Prediction:
    intent = (parsed.get("intent") or {}).get("name") or FALLBACK
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    if ranking:
        top, confidence = ranking[0]["name"], float(ranking[0]["confidence"])
    else:
        top, confidence = intent, float((parsed.get("intent") or {}).get("confidence") or 0.0)
    return Prediction(gold, intent, top, confidence)


async def _parse_all(model: Path, examples: list[tuple[str, str]]) -> tuple[list[Prediction], list[float], float]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no debug line per parsed message
    begin = time.perf_counter()
    agent = Agent.load(str(model))
    load_seconds = time.perf_counter() - begin
    predictions, times = [], []
    for text, gold in examples:
        t = time.perf_counter()
        parsed = await agent.parse_message(clean(text))
        times.append(time.perf_counter() - t)
        predictions.append(prediction_from_parse(gold, parsed))
    return predictions, times, load_seconds


def emergency_hits(examples: list[tuple[str, str]]) -> list[str]:
    """Test texts the safety rules (EmergencyOverride) would turn into health.emergency."""
    from citizenbot import safety

    rules = safety.load_rules()
    return [text for text, _gold in examples if safety.emergency_rule(clean(text), rules) is not None]


def converged(train_log: Path) -> bool:
    """False when scikit-learn warned that logistic regression stopped at max_iter."""
    return "ConvergenceWarning" not in train_log.read_text(encoding="utf-8", errors="replace")


def run(project_root: Path, work: Path, quick: bool, keep_emergency: bool = False, log=print) -> dict:
    dataset_dir = find_dataset(project_root)
    data = load(dataset_dir)
    if quick:
        data = subset(data, intents=8, train_per_intent=12, test_per_intent=4, oos_train=20, oos_test=16)
    train = data["train"] + data["oos_train"]
    test = data["test"] + data["oos_test"]
    work.mkdir(parents=True, exist_ok=True)
    (work / "data").mkdir(exist_ok=True)
    (work / "data" / "clinc.yml").write_text(nlu_yaml(train), encoding="utf-8")
    config, threshold = pipeline_config(project_root / "config.yml", keep_emergency)
    (work / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    log(f"  CLINC150{' (quick subset)' if quick else ''}: {len(train)} training, {len(test)} test examples; training...")
    measured = run_measured(
        [str(BIN / "rasa"), "train", "nlu", "--config", str(work / "config.yml"), "--nlu", str(work / "data"),
         "--out", str(work / "models"), "--fixed-model-name", "clinc", "--num-threads", "2"],
        log=work / "train.log", cwd=project_root, env={"RASA_CACHE_DIRECTORY": str(work / "cache")},
        timeout=3600,
    )
    if measured.returncode != 0:
        raise RuntimeError(f"CLINC training failed ({measured.returncode}); see {measured.log}")
    log(f"  trained in {measured.seconds:.0f} s; parsing {len(test)} test queries...")
    predictions, times, load_seconds = asyncio.run(_parse_all(work / "models" / "clinc.tar.gz", test))
    result = score(predictions)
    confusions = Counter((p.gold, p.intent) for p in predictions if p.intent != p.gold and not (p.gold == OOS and is_oos(p.intent)))
    return {
        "quick": quick,
        "dataset": str(dataset_dir),
        "train_examples": len(train),
        "test_examples": len(test),
        "intents": len({i for _t, i in train}),
        "threshold": threshold,
        "emergency_override": "kept" if keep_emergency else "dropped",
        "cleaned_texts": sum(1 for t, _i in train + test if clean(t) != t.strip()),
        "train_seconds": measured.seconds,
        "train_peak_rss_kib": measured.peak_rss_kib,
        "converged": converged(measured.log),
        "model_load_seconds": load_seconds,
        "parse": summary(times),
        **result,
        "curve": curve(predictions, [round(0.05 * i, 2) for i in range(0, 13)]),
        "oos_predicted_as_oos_intent": sum(p.intent == OOS for p in predictions if p.gold == OOS),
        "oos_predicted_as_fallback": sum(p.intent == FALLBACK for p in predictions if p.gold == OOS),
        "top_confusions": [[g, i, n] for (g, i), n in confusions.most_common(10)],
        "emergency_rule_hits": emergency_hits(test),
        "baselines": published_baselines(dataset_dir),
    }
