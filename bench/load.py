"""Simulated residents: conversations of several turns through the website's Socket.IO gateway.

Each resident is one python-socketio ``AsyncClient`` (one connection, like one open widget):
``session_request`` -> ``session_confirm`` + ``history``, then for each turn ``user_uttered`` and
the time until the first ``bot_uttered`` (what the resident waits for), then think time. When a
conversation ends the resident disconnects and a new one takes its place, so ``concurrency``
conversations are open at any time (closed loop). Everything is bounded: a run stops starting turns
at its deadline and is cancelled ``reply_timeout`` + 15 s later; only loopback addresses are used.

The gateway allows 20 messages per connection per minute; think time (3.2-4.5 s) keeps a resident
at most at about 17 per minute.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml

from bench.stats import rate, summary

THINK = (3.2, 4.5)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
GREETING = {"fi": "hei", "sv": "hej", "en": "hello"}
THANKS = {"fi": "kiitos", "sv": "tack", "en": "thanks"}
# a full fault report, as in tests/e2e (files a report into the database)
REPORT_SCRIPT = ("fi", ["Teiskontiellä 12 on tosi syvä kuoppa keskellä ajokaistaa, rengas meinasi hajota",
                        "ei kiitos", "kyllä", "kiitos"])
# The stock `rasa init` assistant's own topics (moodbot): greet, mood, bot challenge, goodbye.
STOCK_SCRIPTS = [
    ["hello there", "I am sad", "yes", "bye"],
    ["hi", "are you a bot?", "great", "goodbye"],
    ["good morning", "my day was horrible", "no", "see you around"],
    ["hey", "I am feeling very good", "are you a human?", "have a nice day"],
]


@dataclass
class Turn:
    at: float  # seconds since the start of the run when the message was sent
    latency: float | None  # seconds to the first bot message; None on error
    error: str | None = None


@dataclass
class RunResult:
    concurrency: int
    duration: float
    turns: list[Turn] = field(default_factory=list)
    conversations: int = 0
    errors: Counter = field(default_factory=Counter)

    def stats(self) -> dict:
        latencies = [t.latency for t in self.turns if t.latency is not None]
        return {
            "concurrency": self.concurrency,
            "duration_s": self.duration,
            "messages": len(latencies),
            "conversations": self.conversations,
            "msg_per_s": rate(len(latencies), self.duration),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "latency": summary(latencies),
        }


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname
    if host not in LOOPBACK and not (host or "").startswith("127."):
        raise ValueError(f"the load client only talks to loopback addresses, not {host}")


def resident_questions(project_root: Path) -> dict[str, list[str]]:
    """Residents' questions per language from the evaluation sets, without the report topics
    (those open the report form; the report scenario covers it)."""
    from citizenbot.evaluate import read_questions

    topics = yaml.safe_load((project_root / "kb" / "topics.yml").read_text(encoding="utf-8"))["topics"]
    actions = {t["id"] for t in topics if t.get("kind") == "action"}
    out: dict[str, list[str]] = {"fi": [], "sv": [], "en": []}
    for name in ("dev.tsv", "heldout.tsv"):
        for q in read_questions(project_root / "tests" / "eval" / name):
            if q.lang in out and not set(q.topics) & actions:
                out[q.lang].append(q.text)
    return out


def our_scripts(questions: dict[str, list[str]], report_share: float = 0.15) -> Callable[[random.Random], tuple[str, list[str]]]:
    """Conversations for the assistant: greeting, two questions, thanks (or a fault report)."""

    def script(rng: random.Random) -> tuple[str, list[str]]:
        if rng.random() < report_share:
            return REPORT_SCRIPT
        lang = rng.choice(("fi", "fi", "sv", "en"))
        return lang, [GREETING[lang], *rng.sample(questions[lang], 2), THANKS[lang]]

    return script


def stock_scripts(rng: random.Random) -> tuple[str, list[str]]:
    return "en", list(rng.choice(STOCK_SCRIPTS))


async def conversation(url: str, lang: str, texts: list[str], result: RunResult, start: float, deadline: float,
                       rng: random.Random, reply_timeout: float, record: list | None = None) -> None:
    """One resident's conversation; ``record`` (the soak) gets (session id, text, answered) per message."""
    import socketio

    sio = socketio.AsyncClient(reconnection=False)
    inbox: asyncio.Queue = asyncio.Queue()
    session: dict = {}
    ready = asyncio.Event()

    async def on_confirm(data):
        session.update(data)

    async def on_history(data):
        ready.set()

    async def on_bot(data):
        inbox.put_nowait(("bot", time.perf_counter(), data))

    async def on_error(data):
        inbox.put_nowait(("error", time.perf_counter(), data))

    sio.on("session_confirm", on_confirm)
    sio.on("history", on_history)
    sio.on("bot_uttered", on_bot)
    sio.on("error_notice", on_error)
    try:
        try:
            await asyncio.wait_for(sio.connect(url, transports=["websocket"], socketio_path="socket.io"), reply_timeout)
            await sio.emit("session_request", {})
            await asyncio.wait_for(ready.wait(), reply_timeout)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, the run goes on
            result.errors[f"connect: {type(exc).__name__}"] += 1
            return
        for i, text in enumerate(texts):
            if time.perf_counter() >= deadline:
                return  # the run is over: this conversation does not count as finished
            while not inbox.empty():  # the rest of the previous answer
                inbox.get_nowait()
            sent = time.perf_counter()
            try:
                await sio.emit("user_uttered", {"session_id": session.get("session_id"), "token": session.get("token"),
                                                "message": text, "metadata": {"lang": lang}})
                kind, received, data = await asyncio.wait_for(inbox.get(), reply_timeout)
            except asyncio.TimeoutError:
                if record is not None:
                    record.append((session.get("session_id"), text, False))
                result.turns.append(Turn(sent - start, None, "timeout"))
                result.errors["reply timeout"] += 1
                return  # a late reply would be taken for the next turn's
            except Exception as exc:  # noqa: BLE001
                if record is not None:
                    record.append((session.get("session_id"), text, False))
                result.turns.append(Turn(sent - start, None, type(exc).__name__))
                result.errors[f"send: {type(exc).__name__}"] += 1
                return
            if record is not None:
                record.append((session.get("session_id"), text, kind != "error"))
            if kind == "error":
                code = (data or {}).get("code", "?")
                result.turns.append(Turn(sent - start, None, code))
                result.errors[f"error_notice: {code}"] += 1
            else:
                result.turns.append(Turn(sent - start, received - sent))
            if i < len(texts) - 1:
                await asyncio.sleep(rng.uniform(*THINK))
        result.conversations += 1
    finally:
        try:
            await sio.disconnect()
        except Exception:  # noqa: BLE001
            pass


async def run_level(url: str, concurrency: int, duration: float,
                    script: Callable[[random.Random], tuple[str, list[str]]], seed: int = 1,
                    reply_timeout: float = 30.0) -> RunResult:
    """``concurrency`` residents talking for ``duration`` seconds (then their current turn ends)."""
    check_loopback(url)
    result = RunResult(concurrency, duration)
    start = time.perf_counter()
    deadline = start + duration

    async def slot(n: int) -> None:
        rng = random.Random(seed * 100_003 + n)
        await asyncio.sleep(rng.uniform(0, THINK[1]))  # residents arrive spread over a think time
        while time.perf_counter() < deadline:
            lang, texts = script(rng)
            await conversation(url, lang, texts, result, start, deadline, rng, reply_timeout)

    tasks = [asyncio.create_task(slot(n)) for n in range(concurrency)]
    done, pending = await asyncio.wait(tasks, timeout=duration + reply_timeout + 15)
    for task in pending:
        task.cancel()
        result.errors["cancelled at the hard time limit"] += 1
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            result.errors[f"client: {type(task.exception()).__name__}"] += 1
    last = max((t.at + (t.latency or 0) for t in result.turns), default=duration)
    result.duration = max(min(last, duration + reply_timeout), 1e-9)
    return result
