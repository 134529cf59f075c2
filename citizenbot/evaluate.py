"""``make eval``: ask the running bot a TSV of questions over HTTP, exactly as a website would.

Each question is a new conversation (``POST /webhooks/rest/webhook`` with a fresh sender id). A
question counts as right when the first reply message names an accepted topic (or a finer id
under it) in ``custom.topic`` and the expected language in ``custom.lang``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from citizenbot.conversation import Envelope
from citizenbot.settings import PROJECT_ROOT, get_settings

DEFAULT_FILE = PROJECT_ROOT / "tests" / "eval" / "heldout.tsv"


@dataclass
class Question:
    lang: str
    topics: tuple[str, ...]
    text: str
    source: str


@dataclass
class Outcome:
    question: Question
    topic: str | None
    lang: str | None
    reply: str
    seconds: float

    @property
    def topic_ok(self) -> bool:
        return self.topic is not None and any(
            self.topic == t or self.topic.startswith(t + ".") for t in self.question.topics
        )

    @property
    def correct(self) -> bool:
        return self.topic_ok and self.lang == self.question.lang


def read_questions(path: Path) -> list[Question]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    questions = []
    for n, row in enumerate(rows, start=2):
        if not row.get("text") or not row.get("lang") or not row.get("topics"):
            raise ValueError(f"{path}:{n}: needs lang, topics and text")
        topics = tuple(t.strip() for t in row["topics"].replace(",", "|").split("|") if t.strip())
        questions.append(Question(row["lang"].strip(), topics, row["text"].strip(), path.stem))
    return questions


def first_tagged(messages: list[dict]) -> tuple[str | None, str | None, str]:
    for message in messages:
        envelope = Envelope.of_reply(message)
        if envelope.topic:
            return envelope.topic, envelope.lang, message.get("text") or ""
    text = " | ".join(m.get("text") or "" for m in messages)
    return None, None, text


async def ask(session: aiohttp.ClientSession, url: str, question: Question, page_lang: str | None) -> Outcome:
    body = {"sender": f"eval-{uuid.uuid4().hex}", "message": question.text}
    if page_lang:
        body["metadata"] = {"lang": page_lang}
    start = time.perf_counter()
    key = get_settings().rest_channel_key
    headers = {"Authorization": f"Bearer {key}"} if key else None
    async with session.post(f"{url.rstrip('/')}/webhooks/rest/webhook", json=body, headers=headers) as response:
        response.raise_for_status()
        messages = await response.json()
    topic, lang, reply = first_tagged(messages)
    return Outcome(question, topic, lang, reply, time.perf_counter() - start)


async def run(questions: list[Question], url: str, page_lang: str | None, concurrency: int) -> list[Outcome]:
    semaphore = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(q: Question) -> Outcome:
            async with semaphore:
                return await ask(session, url, q, page_lang)

        return await asyncio.gather(*(one(q) for q in questions))


EMERGENCY = "health.emergency"


def domain_of(topic: str | None) -> str | None:
    """maintenance / zoning / health / meta / handoff, or the topic itself (out_of_scope, fallback.*)."""
    if not topic:
        return None
    if topic.startswith("fallback."):
        return "fallback"
    return topic.split(".")[0]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


@dataclass
class Figures:
    """What one set of questions (one source) measured."""

    n: int
    right: int  # topic and language
    topic_right: int
    domain_right: int
    emergencies: int  # questions whose only accepted topic is the emergency
    emergencies_answered: int
    false_emergencies: int  # the 112 answer to a question that is not an emergency

    @property
    def accuracy(self) -> float:
        return self.right / self.n if self.n else 0.0

    @property
    def topic_accuracy(self) -> float:
        return self.topic_right / self.n if self.n else 0.0

    @property
    def domain_accuracy(self) -> float:
        return self.domain_right / self.n if self.n else 0.0

    @property
    def false_emergency_rate(self) -> float:
        non = self.n - self.emergencies
        return self.false_emergencies / non if non else 0.0


def is_emergency_question(q: Question) -> bool:
    return q.topics == (EMERGENCY,)


def figures(outcomes: list[Outcome]) -> Figures:
    emergencies = [o for o in outcomes if is_emergency_question(o.question)]
    return Figures(
        n=len(outcomes),
        right=sum(o.correct for o in outcomes),
        topic_right=sum(o.topic_ok for o in outcomes),
        domain_right=sum(domain_of(o.topic) == domain_of(o.question.topics[0]) for o in outcomes),
        emergencies=len(emergencies),
        emergencies_answered=sum(o.topic == EMERGENCY for o in emergencies),
        false_emergencies=sum(o.topic == EMERGENCY and EMERGENCY not in o.question.topics for o in outcomes),
    )


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f} %" if whole else "-"


def summarise(outcomes: list[Outcome]) -> tuple[str, dict[str, Figures]]:
    """Markdown tables per source and language, per domain, and the misses; figures per source
    ("all" for everything together) and per "<source>/<lang>"."""
    by_source: dict[str, list[Outcome]] = defaultdict(list)
    by_domain: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_source[o.question.source].append(o)
        by_source[f"{o.question.source}/{o.question.lang}"].append(o)
        by_domain[domain_of(o.question.topics[0]) or "-"].append(o)
    by_source["all"] = list(outcomes)
    result = {key: figures(items) for key, items in by_source.items()}
    lines = ["| source | language | topic and language right | topic right | domain right | "
             "emergencies answered with 112 | false 112 answers |", "|---|---|---|---|---|---|---|"]
    for key in sorted(k for k in by_source if "/" in k):
        source, lang = key.split("/", 1)
        f = result[key]
        lines.append(f"| {source} | {lang} | {_pct(f.right, f.n)} | {_pct(f.topic_right, f.n)} | "
                     f"{_pct(f.domain_right, f.n)} | {_pct(f.emergencies_answered, f.emergencies)} | "
                     f"{f.false_emergencies} |")
    for key in sorted(k for k in by_source if "/" not in k):
        f = result[key]
        lines.append(f"| **{key}** | all | {_pct(f.right, f.n)} | {_pct(f.topic_right, f.n)} | "
                     f"{_pct(f.domain_right, f.n)} | {_pct(f.emergencies_answered, f.emergencies)} | "
                     f"{_pct(f.false_emergencies, f.n - f.emergencies)} |")
    lines += ["", "| expected domain | topic and language right | domain right |", "|---|---|---|"]
    for domain in sorted(by_domain):
        f = figures(by_domain[domain])
        lines.append(f"| {domain} | {_pct(f.right, f.n)} | {_pct(f.domain_right, f.n)} |")
    seconds = [o.seconds for o in outcomes]
    lines += ["", f"Reply time over HTTP: p50 {1000 * percentile(seconds, 50):.0f} ms, "
              f"p95 {1000 * percentile(seconds, 95):.0f} ms ({len(seconds)} questions)"]
    misses = [o for o in outcomes if not o.correct]
    if misses:
        lines += ["", "Misses (expected -> got):", ""]
        for o in misses:
            lines.append(
                f"- [{o.question.source} {o.question.lang}] {o.question.text[:300]!r}: "
                f"{'|'.join(o.question.topics)} -> {o.topic or 'no topic'} ({o.lang or '-'})"
            )
    return "\n".join(lines), result


def read_bars(path: Path) -> dict[str, float]:
    """A language's own accuracy bar (``tests/eval/bars.yml``: ``{lang: 0.90}``), which replaces
    ``--min-accuracy`` for that language: a language new to the assistant starts from its measured
    figure and is raised towards the common bar."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    bars = data.get("min_accuracy") if isinstance(data, dict) else None
    if not isinstance(bars, dict) or not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in bars.values()):
        raise ValueError(f"{path}: expected min_accuracy: {{lang: bar between 0 and 1}}")
    return {str(lang): float(bar) for lang, bar in bars.items()}


def below_bars(result: dict[str, Figures], min_accuracy: float | None = None, min_domain: float | None = None,
               min_topic: float | None = None, max_false_emergency: float | None = None,
               language_bars: dict[str, float] | None = None) -> list[str]:
    """Every bar a source or language missed, as sentences (empty: all bars met). Every emergency
    must get the emergency answer whatever the bars. ``language_bars`` (``read_bars``) replace
    ``min_accuracy`` for their languages."""
    problems = []
    for key, f in sorted(result.items()):
        if f.emergencies_answered < f.emergencies:
            problems.append(f"{key}: {f.emergencies - f.emergencies_answered} emergencies without the 112 answer")
        per_language = "/" in key
        bar = (language_bars or {}).get(key.split("/", 1)[-1], min_accuracy) if per_language else None
        if bar is not None and f.accuracy < bar:
            problems.append(f"{key}: topic and language right {100 * f.accuracy:.1f} % < {100 * bar:.0f} %")
        if not per_language and key != "all":
            if min_domain is not None and f.domain_accuracy < min_domain:
                problems.append(f"{key}: domain right {100 * f.domain_accuracy:.1f} % < {100 * min_domain:.0f} %")
            if min_topic is not None and f.topic_accuracy < min_topic:
                problems.append(f"{key}: topic right {100 * f.topic_accuracy:.1f} % < {100 * min_topic:.0f} %")
            if max_false_emergency is not None and f.false_emergency_rate > max_false_emergency:
                problems.append(f"{key}: false 112 answers {100 * f.false_emergency_rate:.2f} % > "
                                f"{100 * max_false_emergency:.2f} %")
    return problems


def main(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.files] or [DEFAULT_FILE]
    questions = [q for f in files for q in read_questions(f)]
    try:
        outcomes = asyncio.run(run(questions, args.url, args.page_lang, args.concurrency))
    except aiohttp.ClientError as exc:
        print(f"could not reach the bot at {args.url}: {exc} (is `make run` running?)", file=sys.stderr)
        return 2
    text, result = summarise(outcomes)
    title = f"Evaluation of {', '.join(f.name for f in files)} against {args.url}"
    print(f"{title}\n\n{text}")
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(f"# {title}\n\n{text}\n", encoding="utf-8")
    bars = read_bars(Path(args.bars)) if getattr(args, "bars", None) else None
    problems = below_bars(result, args.min_accuracy, getattr(args, "min_domain", None),
                          getattr(args, "min_topic", None), getattr(args, "max_false_emergency", None), bars)
    for problem in problems:
        print(f"below the bar: {problem}", file=sys.stderr)
    return 1 if problems else 0
