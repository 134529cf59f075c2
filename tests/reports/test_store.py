from datetime import datetime, timedelta, timezone

import pytest

from citizenbot.reports.store import (
    ReportStore,
    is_skip,
    normalise_contact,
    parse_report_number,
    remote_status,
)


@pytest.mark.parametrize(
    "text, number",
    [
        ("status of my report 1234", 1234),
        ("mikä on ilmoituksen #1042 tilanne", 1042),
        ("ilmoitus nro 2213", 2213),
        ("anmälan 3050?", 3050),
        ("what happened to the report I sent last week", None),
        ("soitin 12.11.2026", None),
        ("report 999", None),  # below the first report number
    ],
)
def test_report_numbers_in_messages(text, number):
    assert parse_report_number(text) == number


@pytest.mark.parametrize(
    "text, contact",
    [
        ("matti.meikalainen@example.fi", "matti.meikalainen@example.fi"),
        (" anna@example.com. ", "anna@example.com"),
        ("040 123 4567", "040 123 4567"),
        ("+358 40 1234567", "+358 40 1234567"),
        ("Hämeenkatu 5", None),
        ("12", None),
        ("ei@", None),
    ],
)
def test_contacts(text, contact):
    assert normalise_contact(text) == contact


@pytest.mark.parametrize("text", ["ohita", "Skip", "hoppa över", "ei kiitos", "no thanks", "nej", "-", "/deny"])
def test_skip_words(text):
    assert is_skip(text)


def test_not_skip():
    assert not is_skip("lamppu vilkkuu")
    assert is_skip("whatever", intent="deny")


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


def test_remote_status_mapping():
    assert remote_status({"status": "open"})[0] == "open"
    assert remote_status({"status": "open", "extended_attributes": {"detailed_status": "IN_PROCESS"}})[0] == "in_process"
    status, notes, updated = remote_status({"status": "closed", "status_notes": "Korjattu", "updated_datetime": "2026-11-27T10:00:00+02:00"})
    assert (status, notes) == ("closed", "Korjattu")
    assert updated.utcoffset() == timedelta(hours=2)
