"""Schema migrations (citizenbot.store.schema) on SQLite and, when TEST_POSTGRES_URL is set, on
PostgreSQL: a database of the previous release keeps its rows, a create_all-made one is stamped,
starting processes race safely, the revisions equal the models."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from citizenbot.reports.store import ReportStore
from citizenbot.store import schema
from citizenbot.store.db import Database
from citizenbot.store.models import Base

PG_URL = os.environ.get("TEST_POSTGRES_URL")
NEW_REPORT_COLUMNS = {"reference", "claim_token", "claimed_at", "error_status", "handled_by", "handled_at", "public_ref"}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """The URL of an empty database of this test's own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'schema.db'}"
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL server (TEST_POSTGRES_URL)")
    name = f"migrate_{uuid.uuid4().hex[:12]}"
    server = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield str(make_url(PG_URL).set(database=name))
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


def previous_release(url: str) -> Database:
    """A database as the release before Alembic left it: the baseline's tables, no version table,
    a pending report, a vote, a staff member with a closed handoff."""
    database = Database(url)
    schema.upgrade(database.engine, schema.BASELINE)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text(
            "INSERT INTO report (category, location, lang, status, created_at, updated_at, sync_state, attempts)"
            " VALUES ('maintenance.pothole', 'Hämeenkatu 5', 'fi', 'received', '2026-11-01 10:00:00+00',"
            " '2026-11-01 10:00:00+00', 'pending', 2)"))
        connection.execute(text(
            "INSERT INTO feedback (conversation_id, message_id, topic, lang, value, created_at, updated_at)"
            " VALUES ('c1', 'm1', 'waste.sorting', 'sv', 'up', '2026-11-01 10:00:00+00', '2026-11-01 10:00:00+00')"))
        connection.execute(text(
            "INSERT INTO staff_user (username, first_name, role, password_hash, active, created_at)"
            " VALUES ('anna', 'Anna', 'nurse', 'x', true, '2026-11-01 10:00:00+00')"))
        connection.execute(text(
            "INSERT INTO handoff (conversation_id, queue, status, lang, created_at, queued_at, claimed_by, emergency)"
            " VALUES ('c1', 'nurse', 'closed', 'fi', '2026-11-01 10:00:00+00', '2026-11-01 10:00:00+00', 1, false)"))
    return database


def columns(database: Database, table: str) -> set[str]:
    return {c["name"] for c in inspect(database.engine).get_columns(table)}


def rows(database: Database) -> dict[str, list[tuple]]:
    with database.engine.connect() as connection:
        return {
            "report": connection.execute(text("SELECT id, location, sync_state, attempts FROM report")).all(),
            "feedback": connection.execute(text("SELECT conversation_id, topic, value FROM feedback")).all(),
            "handoff": connection.execute(text("SELECT conversation_id, status, claimed_by FROM handoff")).all(),
        }


def test_a_database_of_the_previous_release_is_upgraded_at_start_and_keeps_its_rows(url):
    database = previous_release(url)
    before = rows(database)
    assert not NEW_REPORT_COLUMNS & columns(database, "report")

    database.create_schema()  # what every process does at start
    assert schema.status(database.engine) == (schema.head_revision(),) * 2
    assert NEW_REPORT_COLUMNS <= columns(database, "report")
    assert rows(database) == before and before["report"] and before["feedback"] and before["handoff"]

    store = ReportStore(database)  # the old pending report is delivered with the new columns
    claim = store.claim(1001)
    assert claim is not None and claim.row["reference"] == "CB-1001" and claim.row["attempts"] == 2
    assert store.mark_sent(1001, "2026-000001", None, claim=claim.token)
    assert store.get_row(1001)["attempts"] == 3
    public_ref = store.get(1001).public_ref  # the migration 0004 gave the old report a reference
    assert public_ref and store.get_by_ref(public_ref).number == 1001

    after = rows(database)
    assert schema.upgrade(database.engine) == schema.head_revision()  # a second upgrade changes nothing
    assert rows(database) == after
    database.dispose()


def test_a_database_made_by_create_all_is_stamped_without_changes(url):
    database = Database(url)
    Base.metadata.create_all(database.engine)  # as the release just before Alembic started
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO kb_meta (key, value) VALUES ('digest', 'abc')"))
    assert schema.status(database.engine)[0] is None
    assert schema.upgrade(database.engine) is None
    assert schema.status(database.engine) == (schema.head_revision(),) * 2
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT value FROM kb_meta")).scalar_one() == "abc"
    database.dispose()


def test_columns_an_earlier_start_added_one_by_one_are_completed(url):
    database = previous_release(url)
    with database.engine.begin() as connection:  # the add_missing_columns of that release stopped half-way
        connection.execute(text("ALTER TABLE report ADD COLUMN reference VARCHAR(40)"))
    database.create_schema()
    assert schema.status(database.engine)[0] == schema.head_revision()
    assert NEW_REPORT_COLUMNS <= columns(database, "report")
    database.dispose()


def test_the_revisions_can_be_undone_without_losing_rows(url):
    database = previous_release(url)
    database.create_schema()
    before = rows(database)
    schema.downgrade(database.engine, "0001")  # through every revision back to the baseline
    assert schema.status(database.engine)[0] == "0001"
    assert not {"analytics_messages", "analytics_meta"} & set(inspect(database.engine).get_table_names())
    assert not NEW_REPORT_COLUMNS & columns(database, "report")
    assert rows(database) == before
    assert "ix_report_sync" in {i["name"] for i in inspect(database.engine).get_indexes("report")}
    database.create_schema()
    assert schema.status(database.engine)[0] == schema.head_revision() and rows(database) == before
    database.dispose()


def test_the_revisions_make_exactly_the_models_tables(url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = Database(url)
    schema.upgrade(database.engine, schema.BASELINE)
    schema.upgrade(database.engine)  # through every revision, not the new-database shortcut
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": schema.include_name})
        assert compare_metadata(context, schema.target_metadata()) == []
    database.dispose()


def test_rasa_tables_are_left_alone_and_a_new_database_is_created(url):
    database = Database(url)
    with database.engine.begin() as connection:  # Rasa may have started first
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255))"))
        connection.execute(text("INSERT INTO events (id, sender_id) VALUES (1, 'r1')"))
    database.create_schema()
    assert schema.status(database.engine)[0] == schema.head_revision()
    assert set(schema.target_metadata().tables) <= set(inspect(database.engine).get_table_names())
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT sender_id FROM events")).scalar_one() == "r1"
    database.dispose()


def test_a_database_with_only_some_of_our_tables_is_refused(url):
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE report (id INTEGER PRIMARY KEY)"))
    with pytest.raises(schema.SchemaError, match="kb_text"):
        database.create_schema()
    assert schema.status(database.engine)[0] is None
    database.dispose()


@pytest.mark.parametrize("start", ["new", "previous release"])
def test_processes_starting_at_once_migrate_once(url, start):
    if start == "previous release":
        previous_release(url).dispose()
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def process() -> None:
        database = Database(url)  # an engine of its own, like another process
        try:
            barrier.wait()
            database.create_schema()
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)
        finally:
            database.dispose()

    threads = [threading.Thread(target=process) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    database = Database(url)
    assert schema.status(database.engine)[0] == schema.head_revision()
    assert NEW_REPORT_COLUMNS <= columns(database, "report")
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        assert connection.execute(text("SELECT count(*) FROM report")).scalar_one() == (start != "new")
    database.dispose()
