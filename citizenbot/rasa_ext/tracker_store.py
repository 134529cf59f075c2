"""Rasa's SQL tracker store configured by one DATABASE_URL (the same database as the KB)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from citizenbot.settings import get_settings
from citizenbot.store.db import sqlite_engine


class DatabaseUrlTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        url = host or get_settings().database_url
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain, dialect=parsed.get_backend_name(), host=url, event_broker=event_broker, **kwargs
        )
        if parsed.get_backend_name() == "sqlite":
            # Rasa writes the conversation on every message from inside its event loop. In WAL mode
            # synchronous=NORMAL skips the fsync per commit (a power cut can lose the last moments of
            # a chat, never corrupt the file), which keeps those writes from stalling other residents.
            # Rasa opens two sessions per message, from its event loop only, one at a time: a small
            # pool of open connections (sqlite_engine) saves opening one per session.
            self.engine.dispose()
            self.engine = sqlite_engine(str(self.engine.url), TRACKER_PRAGMAS, future=False, pool_size=2,
                                        max_overflow=8)
            self.sessionmaker = sessionmaker(bind=self.engine)


TRACKER_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000")
