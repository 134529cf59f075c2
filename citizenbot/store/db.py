"""Engine and sessions (SQLAlchemy 1.4, 2.0-style API).

SQLite is the embedded default (a file under ``var/``); set ``DATABASE_URL`` to a PostgreSQL URL
(``postgresql+psycopg2://user:pass@host/db``) for production. The Rasa tracker store uses the same
database (see ``citizenbot.rasa_ext.tracker_store``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from citizenbot.store import analytics_models, staff_models  # noqa: F401  (registers their tables)
from citizenbot.store.models import Base

logger = logging.getLogger(__name__)

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


def add_missing_columns(engine: Engine) -> list[str]:
    """Add the nullable columns a model has and an existing table lacks; returns "table.column"s.

    The project has no migration tool yet; ``create_all`` makes missing tables but never changes
    existing ones, so a database made by an older release would lack the columns added since.
    Only nullable columns are added (an old row has no value for them). Several processes start
    at once, so a column another process has just added is not an error.
    """
    added: list[str] = []
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                logger.error("table %s lacks the NOT NULL column %s: migrate it by hand", table.name, column.name)
                continue
            kind = column.type.compile(dialect=engine.dialect)
            preparer = engine.dialect.identifier_preparer
            statement = f"ALTER TABLE {preparer.quote(table.name)} ADD COLUMN {preparer.quote(column.name)} {kind}"
            try:
                with engine.begin() as connection:
                    connection.exec_driver_sql(statement)
            except (OperationalError, ProgrammingError):
                if column.name not in {c["name"] for c in inspect(engine).get_columns(table.name)}:
                    raise
            else:
                logger.warning("added the column %s.%s to an existing database", table.name, column.name)
                added.append(f"{table.name}.{column.name}")
    return added


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)

    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)
        add_missing_columns(self.engine)

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
