"""Retention: old conversations, notes and feedback go, reports lose their contact details."""

import asyncio
from datetime import timedelta

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from citizenbot import privacy
from citizenbot.feedback import FeedbackStore, Vote
from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore
from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
from citizenbot.reports import ReportStore
from citizenbot.store.models import Report, ReportDraft, utcnow


def test_purge_and_delete(fresh_database, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", fresh_database.url)
    trackers = DatabaseUrlTrackerStore()
    now = utcnow()
    old, new = (now - timedelta(days=40)).timestamp(), now.timestamp()
    for sender, ts in (("old", old), ("new", new)):
        asyncio.run(trackers.save(DialogueStateTracker.from_events(sender, [UserUttered("moi", {"name": "meta.greet"}, timestamp=ts)])))
    reports = ReportStore(fresh_database)
    number = reports.create(category="maintenance.pothole", location="Hämeenkatu 5", description=None,
                            contact="anna@example.com", lang="fi", conversation_id="old", deliver=False)
    with fresh_database.session() as session:
        session.query(Report).update({"created_at": now - timedelta(days=40)})
    FeedbackStore(fresh_database).record(Vote("new", "m1", "meta.greet", "fi", "up"))
    nurse = StaffDirectory(fresh_database).create("anna", "Anna", "nurse", "correct horse battery")
    handoff, _ = HandoffStore(fresh_database).request("new", "nurse", "fi", None, None)
    HandoffStore(fresh_database).add_note(handoff.id, nurse.id, "soittaa huomenna")

    result = privacy.purge(fresh_database, 30, now=now)
    assert (result.events, result.contacts) == (1, 1)
    assert asyncio.run(trackers.retrieve("old")) is None
    assert asyncio.run(trackers.retrieve("new")).latest_message.text == "moi"
    assert reports.get_row(number)["contact"] is None and reports.get(number) is not None

    gone = privacy.delete_conversation(fresh_database, "new")
    assert (gone.events, gone.notes, gone.feedback) == (1, 1, 1)
    assert asyncio.run(trackers.retrieve("new")) is None


def test_an_unfinished_reports_draft_goes_after_a_day_and_with_its_conversation(fresh_database):
    reports = ReportStore(fresh_database)
    reports.hold_draft("stale", new=True, location="Teiskontie 12", contact="anna@example.com")
    reports.hold_draft("fresh", new=True, location="Hämeenkatu 5")
    reports.hold_draft("asked", new=True, contact="040 123 4567")
    now = utcnow()
    privacy.purge(fresh_database, 30, now=now + timedelta(hours=25) - timedelta(hours=2))  # 23 h: kept
    assert reports.draft("stale") is not None
    reports.hold_draft("fresh", description="kuoppa")  # touched later than the others
    with fresh_database.session() as session:
        session.query(ReportDraft).filter(ReportDraft.conversation_id == "fresh").update({"updated_at": now + timedelta(hours=20)})
    privacy.purge(fresh_database, 30, now=now + timedelta(hours=25))
    assert reports.draft("stale") is None and reports.draft("fresh")["description"] == "kuoppa"
    privacy.delete_conversation(fresh_database, "asked")
    assert reports.draft("asked") is None
