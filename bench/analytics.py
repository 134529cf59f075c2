"""The analytics page at city scale: a synthetic year of roll-up rows (about 2 million residents'
messages, Tampere's size) and the time the page's summary takes for a day, a week and a year;
and the incremental roll-up's time per 10,000 messages stored as Rasa stores them.

Baseline in the same run: one plain SQL statement through the driver that sums the messages of
the same range (no grouping, no Python): the floor the machine and the database give.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bench.stats import summary as stats_summary

LANGS = (("fi", 80), ("en", 12), ("sv", 6), ("ru", 1), ("und", 1))
OUTCOMES = (("answered", 82), ("not_understood", 9), ("out_of_scope", 5), ("handoff", 3), ("emergency", 1))
# busier in the day than at night (share of a day's messages per local hour, roughly)
DIURNAL = (1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 7, 7, 7, 6, 6, 6, 6, 5, 4, 3, 2, 1)


def _topics() -> list[tuple[str, float]]:
    import yaml

    from citizenbot.settings import get_settings

    entries = yaml.safe_load((get_settings().kb_dir / "topics.yml").read_text(encoding="utf-8"))
    ids = [t["id"] for t in (entries.get("topics") if isinstance(entries, dict) else entries)]
    # a few topics are asked a lot, most rarely (Zipf-like)
    return [(topic, 1 / (rank + 1)) for rank, topic in enumerate(ids)]


def seed_year(database, last_day: date, days: int, messages: int, seed: int = 17, chunk: int = 20_000) -> dict:
    """Fill the roll-up tables with ``days`` days of hourly rows ending at ``last_day``."""
    from sqlalchemy import delete, insert

    from citizenbot.analytics.rollup import WAIT_BUCKETS, domain_of, local_day
    from citizenbot.store.analytics_models import (
        FeedbackCount,
        HandoffCount,
        MessageCount,
        MessageDayCount,
        ReportCount,
        WaitBucket,
    )

    rng = random.Random(seed)
    topics = _topics()
    keys, weights = [], []
    for lang, lw in LANGS:
        for outcome, ow in OUTCOMES:
            if outcome in ("answered",):
                for topic, tw in topics:
                    keys.append((lang, topic, outcome))
                    weights.append(lw * ow * tw)
            else:
                topic = {"not_understood": "", "out_of_scope": "out_of_scope", "handoff": "handoff.nurse",
                         "emergency": "health.emergency"}[outcome]
                keys.append((lang, topic, outcome))
                weights.append(lw * ow * 3)
    first_hour = int(datetime.combine(last_day - timedelta(days=days - 1), datetime.min.time(),
                                      tzinfo=timezone.utc).timestamp() // 3600)
    per_day = messages / days
    with database.engine.begin() as connection:
        for table in (MessageCount, MessageDayCount, FeedbackCount, HandoffCount, WaitBucket, ReportCount):
            connection.execute(delete(table))
    rows: list[dict] = []
    counts = {"message_rows": 0, "messages": 0}
    begin = time.perf_counter()

    def flush(table, force=False):
        nonlocal rows
        if rows and (force or len(rows) >= chunk):
            with database.engine.begin() as connection:
                connection.execute(insert(table), rows)
            rows = []

    daily: Counter = Counter()
    daily_new: Counter = Counter()
    for h in range(days * 24):
        day = local_day(first_hour + h)
        n = max(1, round(per_day * DIURNAL[h % 24] / sum(DIURNAL) * rng.uniform(0.7, 1.3)))
        drawn = Counter(rng.choices(range(len(keys)), weights, k=n))
        for index, count in drawn.items():
            lang, topic, outcome = keys[index]
            rows.append({"hour": first_hour + h, "lang": lang, "topic": topic, "outcome": outcome,
                         "domain": domain_of(topic), "messages": count, "conversations": max(0, count // 3)})
            daily[(day, lang, topic, outcome)] += count
            daily_new[(day, lang, topic, outcome)] += max(0, count // 3)
        counts["messages"] += n
        counts["message_rows"] += len(drawn)
        flush(MessageCount)
    flush(MessageCount, force=True)
    for (day, lang, topic, outcome), count in daily.items():
        rows.append({"day": day, "lang": lang, "topic": topic, "outcome": outcome, "domain": domain_of(topic),
                     "messages": count, "conversations": daily_new[(day, lang, topic, outcome)]})
        flush(MessageDayCount)
    flush(MessageDayCount, force=True)
    counts["day_rows"] = len(daily)
    for h in range(days * 24):
        for queue in ("nurse", "agent"):
            requests = rng.randint(0, 6)
            rows.append({"hour": first_hour + h, "queue": queue, "requests": requests, "claimed": requests,
                         "gave_up": rng.randint(0, 1), "wait_seconds": requests * 240, "handled": requests,
                         "handling_seconds": requests * 600})
        flush(HandoffCount)
    flush(HandoffCount, force=True)
    for h in range(days * 24):
        for queue in ("nurse", "agent"):
            for upper in rng.sample(WAIT_BUCKETS, 3):
                rows.append({"hour": first_hour + h, "queue": queue, "upper": upper, "count": rng.randint(1, 3)})
        flush(WaitBucket)
    flush(WaitBucket, force=True)
    first_day = first_hour // 24
    for d in range(days):
        for topic, _ in topics[:40]:
            for lang in ("fi", "sv", "en"):
                rows.append({"day": first_day + d, "topic": topic, "lang": lang, "up": rng.randint(0, 9),
                             "down": rng.randint(0, 4)})
        for category in ("maintenance.pothole", "maintenance.street_light", "maintenance.litter_bin",
                         "maintenance.graffiti", "maintenance.park"):
            for state in ("received", "sent", "in_process", "closed"):
                rows.append({"day": first_day + d, "category": category, "state": state, "count": rng.randint(0, 8),
                             "district": rng.choice(("Keskusta", "Hervanta", "Kaleva", "Tesoma", ""))})
        if len(rows) >= chunk:
            _flush_mixed(database, rows)
            rows = []
    _flush_mixed(database, rows)
    if database.engine.dialect.name == "postgresql":
        # fresh statistics, as autovacuum would gather after such an insert on a running server
        from sqlalchemy import text

        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    counts["seconds"] = time.perf_counter() - begin
    return counts


def _flush_mixed(database, rows: list[dict]) -> None:
    from sqlalchemy import insert

    from citizenbot.store.analytics_models import FeedbackCount, ReportCount

    votes = [r for r in rows if "up" in r]
    reports = [r for r in rows if "category" in r]
    with database.engine.begin() as connection:
        if votes:
            connection.execute(insert(FeedbackCount), votes)
        if reports:
            connection.execute(insert(ReportCount), reports)


def _time(fn, repeats: int) -> dict:
    fn()  # warm-up: connection pool, statement caches
    seconds = []
    for _ in range(repeats):
        begin = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - begin)
    return stats_summary(seconds)


def _baseline(database, first: date, last: date) -> float:
    """One SQL statement summing the range's messages (the daily table), through the driver."""
    begin, end = first.toordinal(), last.toordinal() + 1
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        marker = "?" if database.engine.dialect.name == "sqlite" else "%s"
        cursor.execute(f"SELECT sum(messages) FROM analytics_messages_day WHERE day >= {marker} AND day < {marker}",
                       (begin, end))
        return float(cursor.fetchone()[0] or 0)
    finally:
        connection.close()


def time_rollup(url: str, messages: int, per_conversation: int = 5) -> dict:
    """Store ``messages`` residents' messages through Rasa's tracker store, then time one roll-up."""
    from rasa.shared.core.events import SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from citizenbot.analytics.rollup import rollup
    from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
    from citizenbot.store.db import Database

    database = Database(url)
    try:
        database.create_schema()
        rollup(database)  # whatever was there before
        store = DatabaseUrlTrackerStore(host=url)
        rng = random.Random(5)
        topics = [t for t, _ in _topics()]
        now = time.time()
        begin = time.perf_counter()
        for c in range(messages // per_conversation):
            events = [SessionStarted(timestamp=now)]
            for m in range(per_conversation):
                topic = rng.choice(topics)
                events.append(UserUttered(f"kysymys {m}", {"name": topic, "confidence": 0.9},
                                          parse_data={"intent": {"name": topic, "confidence": 0.9},
                                                      "language": {"lang": "fi", "confidence": 0.99, "clear": True}},
                                          metadata={"lang": "fi"}, timestamp=now + m))
            asyncio.run(store.save(DialogueStateTracker.from_events(f"bench-{now}-{c}", events)))
        store_seconds = time.perf_counter() - begin
        begin = time.perf_counter()
        result = rollup(database)
        seconds = time.perf_counter() - begin
        return {"messages": result.messages, "events": result.events, "seconds": seconds,
                "per_10000": seconds * 10_000 / max(1, result.messages), "store_seconds": store_seconds}
    finally:
        database.dispose()


def bench_backend(name: str, url: str, days: int, messages: int, repeats: int, rollup_messages: int, log=print) -> dict:
    from citizenbot.analytics import queries
    from citizenbot.store.db import Database

    database = Database(url)
    try:
        database.create_schema()
        last = date(2026, 11, 30)
        seeded = seed_year(database, last, days, messages)
        log(f"  {name}: {seeded['messages']:,} messages in {seeded['message_rows']:,} hourly and "
            f"{seeded['day_rows']:,} daily rows, "
            f"seeded in {seeded['seconds']:.1f} s")
        ranges = {"day": (last, last), "week": (last - timedelta(days=6), last),
                  "year": (last - timedelta(days=days - 1), last)}
        timings = {}
        for label, (first, end) in ranges.items():
            timings[label] = {
                "summary": _time(lambda f=first, e=end: queries.summary(database, f, e), repeats),
                "baseline": _time(lambda f=first, e=end: _baseline(database, f, e), repeats),
            }
            log(f"  {name} {label}: summary p50 {1000 * timings[label]['summary']['p50']:.1f} ms, "
                f"baseline p50 {1000 * timings[label]['baseline']['p50']:.2f} ms")
    finally:
        database.dispose()
    rolled = time_rollup(url, rollup_messages)
    log(f"  {name}: roll-up of {rolled['messages']:,} new messages in {rolled['seconds']:.2f} s")
    return {"backend": name, "seeded": seeded, "timings": timings, "rollup": rolled}


def run(work: Path, quick: bool, postgres_url: str | None, log=print) -> dict:
    sizes = ({"days": 30, "messages": 20_000, "repeats": 3, "rollup_messages": 500} if quick else
             {"days": 365, "messages": 2_000_000, "repeats": 10, "rollup_messages": 10_000})
    work.mkdir(parents=True, exist_ok=True)
    sqlite = work / "analytics.db"
    if sqlite.exists():
        sqlite.unlink()
    backends = [("SQLite", f"sqlite:///{sqlite}")]
    if postgres_url:
        backends.append(("PostgreSQL", postgres_url))
    results = [bench_backend(name, url, sizes["days"], sizes["messages"], sizes["repeats"], sizes["rollup_messages"],
                             log=log) for name, url in backends]
    return {"quick": quick, "sizes": sizes, "backends": results, "postgres": bool(postgres_url)}

# --- the report's section ------------------------------------------------------------------------


def report_section(analytics: dict, aim: str) -> list[str]:
    from bench.report import _table
    from bench.stats import fmt_duration

    sizes = analytics["sizes"]
    lines = [
        "## 2b. The analytics page at city scale",
        "",
        f"A synthetic {sizes['days']} days of roll-up rows (about {sizes['messages']:,} residents' messages, "
        "hourly and daily by language, topic and outcome, plus queue waits, votes and fault reports), "
        "bulk-inserted (then ANALYZE on PostgreSQL, as autovacuum would). "
        "The summary is `citizenbot.analytics.queries.summary`, everything the page shows for the range "
        f"(median of {sizes['repeats']} runs after a warm-up). The baseline is one SQL statement through the "
        "driver summing the same range's messages, in the same run. The roll-up row times "
        f"`citizenbot.analytics.rollup.rollup` on {sizes['rollup_messages']:,} new messages stored through "
        "Rasa's tracker store.",
        "",
    ]
    rows = []
    for backend in analytics["backends"]:
        for label, timing in backend["timings"].items():
            shown = f"{sizes['days']} days" if label == "year" else label
            rows.append([backend["backend"], shown, f"{1000 * timing['summary']['p50']:.1f}",
                         f"{1000 * timing['summary']['p95']:.1f}", f"{1000 * timing['baseline']['p50']:.2f}"])
    lines += _table(["database", "range", "summary p50 ms", "summary p95 ms", "baseline p50 ms"], rows)
    lines.append("")
    for backend in analytics["backends"]:
        seeded, rolled = backend["seeded"], backend["rollup"]
        lines.append(f"- {backend['backend']}: {seeded['message_rows']:,} hourly message rows seeded in "
                     f"{fmt_duration(seeded['seconds'])}; roll-up {rolled['seconds']:.2f} s for {rolled['messages']:,} "
                     f"new messages ({rolled['per_10000']:.2f} s per 10,000).")
    worst_day = max(b["timings"]["day"]["summary"]["p50"] for b in analytics["backends"])
    worst_year = max(b["timings"]["year"]["summary"]["p50"] for b in analytics["backends"])
    met = worst_day < 0.1 and worst_year < 1.0
    lines += ["", f"Aim ({aim}): day {1000 * worst_day:.1f} ms, {sizes['days']} days "
                  f"{1000 * worst_year:.0f} ms ({'met' if met else 'not met'}).", ""]
    return lines

