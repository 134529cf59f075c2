"""Soak: many residents' conversations over a long time against our running stack (action server,
Rasa, web gateway on SQLite), then two questions: did memory stay flat, and was any message lost?

Conversations start at an even pace over the duration (``make bench``: 200 in 30 minutes;
``--quick``: 6 in 30 s) through the Socket.IO gateway, each the load part's resident (greeting,
two questions, thanks, or a whole fault report) with its think time. Memory is the resident set
of each server's process tree, sampled all along; "start" is after a warm-up conversation.

A message is **lost** when the resident got an answer but the stored conversation (the tracker
store's table, read after the run) does not have it; stored texts are redacted, so the sent text is
compared after the same redaction. A message without an answer (timeout, error notice) is counted
apart, with whether it was kept anyway.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path

from bench import proc
from bench.stats import summary

FULL = (200, 1800.0)  # conversations, seconds
QUICK = (6, 30.0)
GRACE = 90.0  # after the duration, the last conversations may finish their turns


async def converse(url: str, conversations: int, duration: float, script, seed: int = 7,
                   reply_timeout: float = 30.0) -> tuple[list, object]:
    """Start ``conversations`` at an even pace over ``duration`` seconds; returns what was sent
    ((session id, text, answered) per message) and the load part's result (latencies, errors)."""
    from bench import load

    load.check_loopback(url)
    result = load.RunResult(conversations, duration)
    sent: list[tuple[str | None, str, bool]] = []
    start = time.perf_counter()
    deadline = start + duration + GRACE

    async def one(n: int) -> None:
        rng = random.Random(seed * 100_003 + n)
        await asyncio.sleep(n * duration / conversations + rng.uniform(0, 1))
        lang, texts = script(rng)
        await load.conversation(url, lang, texts, result, start, deadline, rng, reply_timeout, record=sent)

    tasks = [asyncio.create_task(one(n)) for n in range(conversations)]
    _done, pending = await asyncio.wait(tasks, timeout=duration + GRACE + reply_timeout + 15)
    for task in pending:
        task.cancel()
        result.errors["cancelled at the hard time limit"] += 1
    await asyncio.gather(*pending, return_exceptions=True)
    result.duration = time.perf_counter() - start
    return sent, result


def lost_messages(database_url: str, sent: list[tuple[str | None, str, bool]]) -> dict:
    """Compare what residents sent with what the tracker store kept, per conversation."""
    from citizenbot.conversation import store as stored
    from citizenbot.redact import redact
    from citizenbot.store.db import Database

    database = Database(database_url)
    try:
        kept: dict[str, Counter] = {}
        for event in stored.read_events(database, kinds=("user",)):
            kept.setdefault(event.sender, Counter())[event.event.get("text")] += 1
    finally:
        database.dispose()
    lost = unanswered = unanswered_kept = 0
    expected: dict[str, Counter] = {}
    for session, text, answered in sent:
        if answered:
            expected.setdefault(session or "", Counter())[redact(text)] += 1
        else:
            unanswered += 1
            unanswered_kept += (kept.get(session or "") or Counter())[redact(text)] > 0
    for session, texts in expected.items():
        lost += sum((texts - kept.get(session, Counter())).values())
    return {"answered": sum(sum(c.values()) for c in expected.values()), "lost": lost,
            "unanswered": unanswered, "unanswered_kept": unanswered_kept, "conversations_stored": len(kept)}


def run(project_root: Path, out: Path, quick: bool, port_base: int, conversations: int | None = None,
        minutes: float | None = None, log=print) -> dict:
    from bench import load, stacks

    count, seconds = QUICK if quick else FULL
    count = conversations or count
    seconds = minutes * 60 if minutes else seconds
    work = out / "work" / "soak"
    (work / "var").mkdir(parents=True, exist_ok=True)
    ports = stacks.Ports.from_base(port_base)
    stacks.check_ports([ports.rasa, ports.actions, ports.web])
    model = stacks.latest_model(project_root)
    script = load.our_scripts(load.resident_questions(project_root))
    url = f"http://127.0.0.1:{ports.web}"
    with proc.Servers() as servers:
        log(f"  starting our servers (model {model.name}) on ports {ports.actions}/{ports.rasa}/{ports.web}...")
        started = stacks.start_ours(servers, project_root, work, ports, model)
        pids = {name: server.pid for name, server in started.items()}
        asyncio.run(converse(url, 2, 4.0, script, seed=999))  # warm-up (caches, pools), not counted
        interval = max(2.0, seconds / 60)
        log(f"  {count} conversations over {seconds / 60:.1f} min; memory sampled every {interval:.0f} s...")
        with proc.Sampler(pids, interval=interval) as sampler:
            sent, result = asyncio.run(converse(url, count, seconds, script))
        samples = sampler.samples
    stats = result.stats()
    messages = lost_messages(f"sqlite:///{work / 'var' / 'bench.db'}", sent)
    memory = {name: {"start_kib": values[0], "end_kib": values[-1], "peak_kib": max(values)}
              for name, values in samples.items() if values}
    log(f"  {messages['answered']} answered messages, lost {messages['lost']}, unanswered {messages['unanswered']}; "
        + ", ".join(f"{n} {m['start_kib'] // 1024}->{m['end_kib'] // 1024} MiB" for n, m in memory.items()))
    return {
        "conversations": count, "seconds": seconds, "finished": result.conversations,
        "wall_seconds": result.duration, "messages": stats["messages"], "error_kinds": stats["error_kinds"],
        "latency": summary([t.latency for t in result.turns if t.latency is not None]),
        **messages, "memory": memory, "interval_s": interval,
        "rss_series_kib": {name: values for name, values in samples.items()},
    }


def report_section(soak: dict) -> list[str]:
    minutes = soak["seconds"] / 60
    lines = ["## Soak", "",
             f"{soak['conversations']} conversations started evenly over {minutes:.1f} min through the gateway "
             f"({soak['finished']} finished, {soak['messages']} answered messages, latency p50 "
             f"{1000 * (soak['latency']['p50'] or 0):.0f} ms, p95 {1000 * (soak['latency']['p95'] or 0):.0f} ms).", "",
             f"- messages lost (answered but not stored): **{soak['lost']}** of {soak['answered']}",
             f"- messages without an answer: {soak['unanswered']} ({soak['unanswered_kept']} of them stored anyway)"
             + (f"; errors {soak['error_kinds']}" if soak["error_kinds"] else ""), "",
             "| process (tree) | RSS at start | at end | peak |", "|---|---|---|---|"]
    for name, m in soak["memory"].items():
        lines.append(f"| {name} | {m['start_kib'] / 1024:.0f} MiB | {m['end_kib'] / 1024:.0f} MiB | "
                     f"{m['peak_kib'] / 1024:.0f} MiB |")
    return lines + [""]
