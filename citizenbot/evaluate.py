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
from citizenbot.settings import PROJECT_ROOT

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
        questions.append(Question(row["lang"].strip(), topics, row["text"].strip(), path.name))
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
    async with session.post(f"{url.rstrip('/')}/webhooks/rest/webhook", json=body) as response:
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


def domain_of(topics: tuple[str, ...]) -> str:
    return topics[0].split(".")[0]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summarise(outcomes: list[Outcome]) -> tuple[str, dict[str, float]]:
    by_lang: dict[str, list[Outcome]] = defaultdict(list)
    by_domain: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_lang[o.question.lang].append(o)
        by_domain[domain_of(o.question.topics)].append(o)

    def acc(items: list[Outcome]) -> str:
        right = sum(o.correct for o in items)
        return f"{right}/{len(items)} = {100 * right / len(items):.1f} %"

    lines = ["| language | topic and language right | topic right |", "|---|---|---|"]
    accuracy = {}
    for lang in sorted(by_lang):
        items = by_lang[lang]
        accuracy[lang] = sum(o.correct for o in items) / len(items)
        topic_right = sum(o.topic_ok for o in items)
        lines.append(f"| {lang} | {acc(items)} | {topic_right}/{len(items)} |")
    lines.append(f"| all | {acc(outcomes)} | {sum(o.topic_ok for o in outcomes)}/{len(outcomes)} |")
    lines += ["", "| domain | topic and language right |", "|---|---|"]
    for domain in sorted(by_domain):
        lines.append(f"| {domain} | {acc(by_domain[domain])} |")
    emergencies = [o for o in outcomes if "health.emergency" in o.question.topics and len(o.question.topics) == 1]
    if emergencies:
        lines += ["", f"Emergencies answered with the emergency answer: {acc(emergencies)}"]
        accuracy["emergency"] = sum(o.correct for o in emergencies) / len(emergencies)
    seconds = [o.seconds for o in outcomes]
    lines += ["", f"Reply time over HTTP: p50 {1000 * percentile(seconds, 50):.0f} ms, "
              f"p95 {1000 * percentile(seconds, 95):.0f} ms ({len(seconds)} questions)"]
    misses = [o for o in outcomes if not o.correct]
    if misses:
        lines += ["", "Misses (expected -> got):", ""]
        for o in misses:
            lines.append(
                f"- [{o.question.lang}] {o.question.text!r}: {'|'.join(o.question.topics)} -> "
                f"{o.topic or 'no topic'} ({o.lang or '-'})"
            )
    return "\n".join(lines), accuracy


def main(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.files] or [DEFAULT_FILE]
    questions = [q for f in files for q in read_questions(f)]
    try:
        outcomes = asyncio.run(run(questions, args.url, args.page_lang, args.concurrency))
    except aiohttp.ClientError as exc:
        print(f"could not reach the bot at {args.url}: {exc} (is `make run` running?)", file=sys.stderr)
        return 2
    text, accuracy = summarise(outcomes)
    title = f"Evaluation of {', '.join(f.name for f in files)} against {args.url}"
    print(f"{title}\n\n{text}")
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(f"# {title}\n\n{text}\n", encoding="utf-8")
    if args.min_accuracy is not None:
        low = {k: v for k, v in accuracy.items() if k != "emergency" and v < args.min_accuracy}
        if low or accuracy.get("emergency", 1.0) < 1.0:
            print(f"below the bar: {low or ''} emergency={accuracy.get('emergency')}", file=sys.stderr)
            return 1
    return 0
