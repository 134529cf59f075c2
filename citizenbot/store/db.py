"""Engine and sessions (SQLAlchemy 1.4, 2.0-style API).

SQLite is the embedded default (a file under ``var/``); set ``DATABASE_URL`` to a PostgreSQL URL
(``postgresql+psycopg2://user:pass@host/db``) for production. The Rasa tracker store uses the same
database (see ``citizenbot.rasa_ext.tracker_store``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from citizenbot.store import (  # noqa: F401  (Base.metadata holds every table once a Database exists)
    analytics_models,
    staff_models,
)

# WAL lets the Rasa server, the action server and the CLI read while one of them writes.
KB_PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000")


def sqlite_engine(url: str, pragmas: tuple[str, ...], *, future: bool = True, pool_size: int = 5,
                  max_overflow: int = 10) -> Engine:
    """An SQLite engine whose connections run ``pragmas`` when opened. A file database keeps its
    connections open in a pool (SQLAlchemy 1.4 would open one per session, pragmas included)."""
    parsed = make_url(url)
    pool: dict = {}
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        pool = {"poolclass": QueuePool, "pool_size": pool_size, "max_overflow": max_overflow}
    engine = create_engine(url, future=future, connect_args={"check_same_thread": False, "timeout": 30}, **pool)

    def run_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    event.listen(engine, "connect", run_pragmas)
    return engine


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return sqlite_engine(url, KB_PRAGMAS)
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)

    def create_schema(self) -> None:
        """The project's tables at the newest revision (``citizenbot.store.schema``: created, or
        migrated from an earlier release, under a lock several starting processes share)."""
        from citizenbot.store import schema  # Alembic is loaded only by processes that use the database

        schema.upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


_databases: dict[str, Database] = {}
_lock = threading.Lock()


def get_database(url: str | None = None) -> Database:
    """The process-wide Database for a URL (default: settings.database_url), schema created."""
    if url is None:
        from citizenbot.settings import get_settings

        url = get_settings().database_url
    with _lock:
        database = _databases.get(url)
        if database is None:
            database = Database(url)
            database.create_schema()
            _databases[url] = database
        return database
