"""The report table: numbering, what is shown, and the outbox's bookkeeping."""

from datetime import datetime, timedelta, timezone

import pytest

from citizenbot.reports import store as report_store
from citizenbot.reports.names import REF_ALPHABET, parse_public_ref
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


def test_each_report_has_a_random_public_reference(fresh_database):
    store = ReportStore(fresh_database)
    numbers = [store.create(category="maintenance.pothole", location="Hämeenkatu 5", description=None,
                            contact=None, lang="fi", conversation_id=f"c{i}", deliver=False) for i in range(30)]
    refs = [store.get(n).public_ref for n in numbers]
    assert len(set(refs)) == 30
    for ref in refs:
        assert len(ref) == 9 and ref[4] == "-" and set(ref.replace("-", "")) <= set(REF_ALPHABET)
        assert any(c.isdigit() for c in ref)
        assert store.get_by_ref(ref).number == numbers[refs.index(ref)]
    assert store.get_by_ref("2222-2222") is None


def test_a_reference_drawn_twice_is_drawn_again(fresh_database, monkeypatch):
    store = ReportStore(fresh_database)
    draws = iter(["AB23-CD45", "AB23-CD45", "XY67-ZW89"])
    monkeypatch.setattr(report_store, "new_public_ref", lambda: next(draws))
    first = store.create(category="maintenance.pothole", location="Hämeenkatu 5", description=None,
                         contact=None, lang="fi", conversation_id="c1", deliver=False)
    second = store.create(category="maintenance.pothole", location="Hämeenkatu 7", description=None,
                          contact=None, lang="fi", conversation_id="c2", deliver=False)
    assert store.get(first).public_ref == "AB23-CD45" and store.get(second).public_ref == "XY67-ZW89"
    assert store.get_by_ref("XY67-ZW89").location == "Hämeenkatu 7"


@pytest.mark.parametrize("text, ref", [
    ("ilmoitus 7K3M-Q9PX", "7K3M-Q9PX"),
    ("status of 7k3m-q9px?", "7K3M-Q9PX"),
    ("7k3m q9px", "7K3M-Q9PX"),
    ("anmälan 7K3MQ9PX", "7K3M-Q9PX"),
    ("ilmoitus 1042", None),
    ("raskaana olen", None),  # a word of the alphabet's letters, no digit
    ("HELP-DESK", None),
    ("7K3M-Q9PXY", None),
    ("0K3M-Q9PX", None),  # 0 is not in the alphabet
])
def test_public_references_in_messages(text, ref):
    assert parse_public_ref(text) == ref


def test_the_same_report_of_a_conversation_sent_again_is_the_one_already_filed(fresh_database):
    store = ReportStore(fresh_database)
    report = dict(category="maintenance.pothole", location="Hämeenkatu 5", description="Syvä kuoppa", contact=None,
                  lang="fi", deliver=True)
    first = store.create(**report, conversation_id="c1")
    assert store.create(**report, conversation_id="c1") == first  # the submit action run again
    assert store.due() == [first]
    # another conversation, another place, another contact, or no conversation: new reports
    others = [store.create(**report, conversation_id="c2"),
              store.create(**{**report, "location": "Hämeenkatu 7"}, conversation_id="c1"),
              store.create(**{**report, "contact": "anna@example.com"}, conversation_id="c1"),
              store.create(**report, conversation_id=None), store.create(**report, conversation_id=None)]
    assert len({first, *others}) == 6


def test_the_same_report_much_later_is_a_new_report(fresh_database, monkeypatch):
    from citizenbot.reports import store as store_module

    store = ReportStore(fresh_database)
    report = dict(category="maintenance.pothole", location="Hämeenkatu 5", description=None, contact=None,
                  lang="fi", conversation_id="c1", deliver=False)
    first = store.create(**report)
    later = datetime.now(timezone.utc) + timedelta(seconds=store_module.SAME_REPORT_SECONDS + 60)
    monkeypatch.setattr(store_module, "utcnow", lambda: later)
    assert store.create(**report) != first


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



def test_the_time_the_city_had_a_report_is_kept(fresh_database):
    from citizenbot.store.models import Report, as_utc

    store = ReportStore(fresh_database)
    sent, unclear = (store.create(category="maintenance.pothole", location="Hämeenkatu 5", description=None,
                                  contact=None, lang="fi", conversation_id=f"c{i}", deliver=True) for i in range(2))
    claim = store.claim(sent)
    assert store.mark_sent(sent, "city-1", None, claim=claim.token)
    claim = store.claim(unclear)
    assert store.mark_uncertain(unclear, "no answer", claim=claim.token)
    assert store.found_at_city(unclear, "city-2")
    with fresh_database.session() as session:
        rows = {r.id + 1000: r for r in session.query(Report).all()}
        sent_at, posted = as_utc(rows[sent].delivered_at), as_utc(rows[unclear].claimed_at)
        found_at = as_utc(rows[unclear].delivered_at)
    assert sent_at >= as_utc(rows[sent].claimed_at)
    # found later: it got there during the attempt whose answer was lost
    assert found_at == posted
