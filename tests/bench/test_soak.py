"""The soak's bookkeeping: a message answered but not in the tracker store is lost, compared after
the redaction the store applies; its report section."""

import asyncio

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bench import soak
from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore


def test_answered_messages_missing_from_the_store_are_lost(fresh_database):
    store = DatabaseUrlTrackerStore(host=fresh_database.url)
    kept = ["hei", "soita 040 123 4567", "kiitos"]
    asyncio.run(store.save(DialogueStateTracker.from_events("s1", [UserUttered(t) for t in kept])))
    asyncio.run(store.save(DialogueStateTracker.from_events("s2", [UserUttered("moi")])))
    store.engine.dispose()
    sent = [("s1", "hei", True), ("s1", "soita 040 123 4567", True), ("s1", "kiitos", False),
            ("s2", "moi", True), ("s2", "mitä kuuluu", True),  # answered, never stored: lost
            ("s3", "hello", False)]  # no answer, not stored
    result = soak.lost_messages(fresh_database.url, sent)
    assert result == {"answered": 4, "lost": 1, "unanswered": 2, "unanswered_kept": 1, "conversations_stored": 2}
    assert soak.lost_messages(fresh_database.url, sent[:2])["lost"] == 0


def test_the_report_section_gives_lost_messages_and_memory():
    result = {"conversations": 40, "seconds": 180.0, "finished": 40, "messages": 160, "error_kinds": {},
              "latency": {"p50": 0.2, "p95": 0.9}, "answered": 160, "lost": 0, "unanswered": 0,
              "unanswered_kept": 0,
              "memory": {"rasa": {"start_kib": 900 * 1024, "end_kib": 910 * 1024, "peak_kib": 930 * 1024}}}
    text = "\n".join(soak.report_section(result))
    assert "**0** of 160" in text and "| rasa | 900 MiB | 910 MiB | 930 MiB |" in text
