"""A tracker store that cannot be used is an error, never Rasa's silent in-memory fallback
(a real SQLite database, locked by another connection)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from citizenbot.rasa_ext import tracker_store
from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore, StoreUnavailable


@pytest.fixture
def locked_store(tmp_path, monkeypatch):
    """(Rasa's wrapped store, a function that locks the database, a function that unlocks it)."""
    # wait 0.2 s for a lock instead of the 10 s the server waits
    monkeypatch.setattr(tracker_store, "TRACKER_PRAGMAS", ("journal_mode=WAL", "busy_timeout=200"))
    path = tmp_path / "conversations.db"
    store = DatabaseUrlTrackerStore(host=f"sqlite:///{path}")
    wrapped = Agent._create_tracker_store(store, Domain.empty())  # what Rasa's agent does with it
    holder = sqlite3.connect(path, isolation_level=None)

    def lock():
        holder.execute("BEGIN EXCLUSIVE")

    def unlock():
        holder.execute("COMMIT")

    yield wrapped, lock, unlock
    holder.close()
    store.engine.dispose()


def conversation(sender: str, *texts: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [SessionStarted(), *(UserUttered(t) for t in texts)])


def test_a_locked_database_fails_the_message_and_nothing_goes_to_memory(locked_store):
    wrapped, lock, unlock = locked_store
    asyncio.run(wrapped.save(conversation("a", "hei")))
    lock()
    with pytest.raises(StoreUnavailable, match="locked"):
        asyncio.run(wrapped.save(conversation("a", "hei", "toinen viesti")))
    # (in WAL mode readers go on during a write lock) the history is what was stored, no more
    said = [e.text for e in asyncio.run(wrapped.retrieve("a")).events if isinstance(e, UserUttered)]
    assert said == ["hei"]
    assert wrapped._fallback_tracker_store is None  # Rasa's in-memory fallback was never made
    unlock()
    asyncio.run(wrapped.save(conversation("a", "hei", "kolmas viesti")))
    said = [e.text for e in asyncio.run(wrapped.retrieve("a")).events if isinstance(e, UserUttered)]
    assert said == ["hei", "kolmas viesti"]


def test_a_conversation_that_cannot_be_read_is_an_error_not_a_new_empty_one(tmp_path):
    path = tmp_path / "broken.db"
    store = DatabaseUrlTrackerStore(host=f"sqlite:///{path}")
    wrapped = Agent._create_tracker_store(store, Domain.empty())
    asyncio.run(wrapped.save(conversation("b", "hei")))
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE events")  # the store's table is gone (a broken database)
    with pytest.raises(StoreUnavailable):
        asyncio.run(wrapped.retrieve("b"))
    store.engine.dispose()
