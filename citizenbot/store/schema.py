"""The project's tables, versioned with Alembic (revisions in ``citizenbot/store/migrations/``).

Every process that used to create the tables now calls ``upgrade`` at start (through
``Database.create_schema``); ``citizenbot db upgrade`` does the same by hand. Several processes
start at once, so the whole check-and-migrate runs under a lock: a PostgreSQL advisory lock held by
the migrating transaction, or an exclusive lock on a file next to the SQLite database. The second
process then finds the database at the head revision and does nothing.

A database without Alembic's ``alembic_version`` table is one of three things:
- empty (perhaps with Rasa's ``events`` table, which is not ours): the tables are made from the
  models and stamped with the head revision (Alembic's recipe for a new database; a test keeps the
  revisions and the models equal);
- made by ``create_all`` of an earlier release: its columns say which revision it matches; it is
  stamped with that revision and upgraded from there;
- something else (some of our tables missing): left alone, with an error that says so.
"""

from __future__ import annotations

import fcntl
import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
# Columns that tell an unversioned database's revision, newest first: a database with all of a
# revision's columns was made at that revision (or later, by a release without Alembic).
REVISION_MARKERS = (
    ("0010", "report_photo", {"token", "content", "report_id"}),
    ("0009", "analytics_pages", {"day", "page", "messages", "conversations"}),
    ("0008", "analytics_delivery", {"day", "category", "upper", "count"}),
    ("0007", "analytics_reports", {"district"}),
    ("0006", "chat_rating", {"id", "day", "queue", "lang", "score", "comment"}),
    ("0005", "report_draft", {"conversation_id", "contact"}),
    ("0004", "report", {"public_ref"}),
    ("0003", "analytics_meta", {"key", "value"}),
    ("0002", "report", {"reference", "claim_token", "claimed_at", "error_status", "handled_by", "handled_at"}),
)
# Tables added by a revision after the baseline (an unversioned database made before has none of them).
ADDED_TABLES = {
    "0010": {"report_photo", "kb_address_point"},
    "0009": {"analytics_pages"},
    "0008": {"analytics_delivery"},
    "0006": {"chat_rating"},
    "0005": {"report_draft"},
    "0003": {"analytics_messages", "analytics_messages_day", "analytics_feedback", "analytics_handoff",
             "analytics_wait", "analytics_reports", "analytics_meta"},
}
# One advisory lock key for "the schema is being migrated", the same in every process.
PG_LOCK_KEY = zlib.crc32(b"citizenbot.schema")


class SchemaError(RuntimeError):
    """The database is not one this project can bring up to date by itself."""


def target_metadata() -> MetaData:
    from citizenbot.store import analytics_models, staff_models  # noqa: F401  (registers their tables)
    from citizenbot.store.models import Base

    return Base.metadata


def include_name(name: str | None, type_: str, _parents: dict) -> bool:
    """Only the project's own tables take part in a comparison (never Rasa's ``events``)."""
    return type_ != "table" or name in target_metadata().tables


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def detect_revision(connection: Connection) -> str | None:
    """The revision an unversioned database matches; None when none of our tables exists."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    ours = set(target_metadata().tables)
    if not present & ours:
        return None
    baseline_tables = ours - set().union(*ADDED_TABLES.values())
    missing = baseline_tables - present
    if missing:
        raise SchemaError(f"the database has some of the project's tables but lacks {sorted(missing)}: "
                          "it was not made by this project; migrate it by hand")
    for revision, table, columns in REVISION_MARKERS:
        if table in present and columns <= {c["name"] for c in inspector.get_columns(table)}:
            return revision
    return BASELINE


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection holding the migration lock; its transaction is committed when the block ends
    without error (which, on PostgreSQL, also releases the lock)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
            yield connection
            connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        with engine.connect() as connection:  # one process: nobody to race with
            yield connection
            connection.commit()
        return
    with open(f"{database}.migrate-lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file is closed
        with engine.connect() as connection:
            yield connection
            connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database to ``revision``; returns the revision it was at (None: new or unversioned)."""
    with _locked(engine) as connection:
        config = _config(connection)
        before = current_revision(connection)
        if before is None:
            found = detect_revision(connection)
            if found is None and revision == "head":
                target_metadata().create_all(connection)
                command.stamp(config, "head")
                logger.info("new database: tables created at revision %s", head_revision())
                return None
            if found is not None:
                logger.warning("a database without migrations matches revision %s: stamped", found)
                command.stamp(config, found)
        command.upgrade(config, revision)
        return before


def downgrade(engine: Engine, revision: str) -> None:
    with _locked(engine) as connection:
        command.downgrade(_config(connection), revision)


def stamp(engine: Engine, revision: str) -> None:
    """Record ``revision`` without changing any table (for a database migrated by hand)."""
    with _locked(engine) as connection:
        command.stamp(_config(connection), revision)


def status(engine: Engine) -> tuple[str | None, str]:
    """The database's revision and the code's head revision."""
    with engine.connect() as connection:
        return current_revision(connection), head_revision()
