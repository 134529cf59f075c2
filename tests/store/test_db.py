"""Schema creation on a database made by an older release: the columns added since are added."""

from sqlalchemy import inspect, text

from citizenbot.reports.store import ReportStore
from citizenbot.store.db import Database, add_missing_columns

# The report table as the first release made it, with one report in it.
OLD_REPORT_TABLE = """
CREATE TABLE report (
    id INTEGER PRIMARY KEY AUTOINCREMENT, category VARCHAR(100) NOT NULL, location TEXT NOT NULL,
    description TEXT, contact TEXT, lang VARCHAR(8) NOT NULL, conversation_id VARCHAR(200),
    status VARCHAR(20) NOT NULL, status_notes TEXT, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
    remote_id VARCHAR(100), remote_token VARCHAR(100), sync_state VARCHAR(20) NOT NULL, attempts INTEGER NOT NULL,
    next_attempt_at DATETIME, last_error TEXT
)
"""


def test_an_old_report_table_gets_the_new_columns_and_its_reports_can_be_delivered(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text(OLD_REPORT_TABLE))
        connection.execute(text(
            "INSERT INTO report (category, location, lang, status, created_at, updated_at, sync_state, attempts)"
            " VALUES ('maintenance.pothole', 'Hämeenkatu 5', 'fi', 'received', '2026-11-01 10:00:00',"
            " '2026-11-01 10:00:00', 'pending', 2)"
        ))
    database.create_schema()
    columns = {c["name"] for c in inspect(database.engine).get_columns("report")}
    assert {"reference", "claim_token", "claimed_at", "error_status"} <= columns
    assert add_missing_columns(database.engine) == []  # a second start changes nothing

    store = ReportStore(database)
    claim = store.claim(1001)
    assert claim is not None and claim.row["reference"] == "CB-1001" and claim.row["attempts"] == 2
    assert store.mark_sent(1001, "2026-000001", None, claim=claim.token)
    assert store.get_row(1001)["attempts"] == 3
    database.dispose()
