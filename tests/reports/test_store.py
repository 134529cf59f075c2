"""The report table: numbering, what is shown, and the outbox's bookkeeping."""

from datetime import datetime, timedelta, timezone

import pytest

from citizenbot.reports.store import ReportStore


def test_reports_are_stored_numbered_and_shown_without_contact(fresh_database):
    store = ReportStore(fresh_database)
    first = store.create(category="maintenance.pothole", location="  Hämeenkatu   5 ", description="Syvä kuoppa",
                         contact="anna@example.com", lang="fi", conversation_id="c1", deliver=False)
    second = store.create(category="maintenance.street_light", location="Teiskontie 3", description=None,
                          contact=None, lang="sv", conversation_id="c2", deliver=True)
    assert first == 1001 and second == 1002
    view = store.get(first)
    assert view.location == "Hämeenkatu 5" and view.status == "received"
    assert not hasattr(view, "contact")
    assert store.get(9999) is None
    assert store.due() == [second]  # only reports to deliver are in the outbox


def test_a_report_needs_a_location(fresh_database):
    with pytest.raises(ValueError):
        ReportStore(fresh_database).create(category="maintenance.pothole", location="  ", description=None,
                                           contact=None, lang="fi", conversation_id=None, deliver=False)


def test_failed_deliveries_back_off_and_refused_ones_are_kept(fresh_database):
    store = ReportStore(fresh_database)
    number = store.create(category="maintenance.pothole", location="Hämeenkatu 5", description=None,
                          contact=None, lang="fi", conversation_id=None, deliver=True)
    now = datetime.now(timezone.utc)
    store.mark_failed(number, "503", retryable=True, now=now)
    assert store.due(now) == []
    assert store.due(now + timedelta(seconds=31)) == [number]
    store.mark_failed(number, "503", retryable=True, now=now)
    assert store.due(now + timedelta(seconds=31)) == []  # 60 s after the second failure
    assert store.due(now + timedelta(seconds=61)) == [number]
    store.mark_failed(number, "400 bad", retryable=False, now=now)
    row = store.get_row(number)
    assert row["sync_state"] == "failed" and row["attempts"] == 3 and row["last_error"] == "400 bad"
    assert store.due(now + timedelta(days=1)) == []

