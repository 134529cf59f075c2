"""Shared fixtures: a seeded database per test session, services pointed at it, trackers in code."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
KB_DIR = ROOT / "kb"


@pytest.fixture(scope="session")
def seeded_url(tmp_path_factory) -> str:
    from citizenbot.seed import seed
    from citizenbot.store.db import get_database

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    seed(get_database(url), KB_DIR, "tampere")
    return url


@pytest.fixture(scope="session")
def database(seeded_url):
    from citizenbot.store.db import get_database

    return get_database(seeded_url)


@pytest.fixture(scope="session")
def kb(database):
    from citizenbot.kb import KnowledgeBase

    return KnowledgeBase(database)


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of its own (schema created), for tests that write."""
    from citizenbot.store.db import Database

    database = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """A database with the demo city's knowledge base, seeded once per session and never written
    by a test: seeding takes about 2 s, copying the file a few milliseconds."""
    from citizenbot.seed import seed
    from citizenbot.store.db import Database

    path = tmp_path_factory.mktemp("template") / "seeded.db"
    database = Database(f"sqlite:///{path}")
    database.create_schema()
    seed(database, KB_DIR, "tampere")
    with database.engine.connect() as connection:  # everything in the file itself, not in its WAL
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


def seeded_copy(template: Path, path: Path) -> str:
    """The URL of a copy of the seeded template at ``path``."""
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def seeded_database(seeded_template, tmp_path):
    """A seeded database of its own (as ``seed`` makes it), for tests that write."""
    from citizenbot.store.db import Database

    database = Database(seeded_copy(seeded_template, tmp_path / "seeded.db"))
    yield database
    database.dispose()


@pytest.fixture
def services(monkeypatch, tmp_path, seeded_template):
    """The action server's services (citizenbot.services) on a fresh seeded database, without Open311."""
    from citizenbot import services as wiring

    url = seeded_copy(seeded_template, tmp_path / "actions.db")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("OPEN311_BASE_URL", "")
    wiring.services.cache_clear()
    yield wiring.services()
    wiring.services.cache_clear()


def make_tracker(
    text: str = "",
    intent: str | None = None,
    *,
    confidence: float = 0.95,
    ranking: list[tuple[str, float]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    events: list[dict] | None = None,
    active_loop: str | None = None,
    sender_id: str = "test-resident",
):
    from rasa_sdk import Tracker

    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [])],
        "entities": [],
        "metadata": metadata or {},
    }
    history = list(events or []) + [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}}]
    return Tracker(
        sender_id, dict(slots or {}), latest, history, False, None,
        {"name": active_loop} if active_loop else {}, "action_listen",
    )


def run_action(action, tracker, domain: dict | None = None):
    """Run a custom action; returns (messages, events)."""
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return dispatcher.messages, events


def slot_events(events) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def tag(message: dict) -> dict:
    """A bot message's topic and language (its custom payload without the message id)."""
    custom = message.get("custom") or {}
    assert len(custom.get("id", "")) == 32, f"message without an id: {message}"
    return {"topic": custom.get("topic"), "lang": custom.get("lang")}
