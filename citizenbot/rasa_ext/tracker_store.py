"""Rasa's SQL tracker store configured by one DATABASE_URL (the same database as the KB)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from citizenbot.settings import get_settings


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
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool) and Rasa opens two
            # sessions per message; a small pool of open connections skips that and the pragmas.
            # Rasa uses the store from its event loop only, one session at a time.
            engine_url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                engine_url, poolclass=QueuePool, pool_size=2, max_overflow=8,
                connect_args={"check_same_thread": False, "timeout": 30},
            )
            event.listen(self.engine, "connect", _sqlite_fast_commits)
            self.sessionmaker = sessionmaker(bind=self.engine)


def _sqlite_fast_commits(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
