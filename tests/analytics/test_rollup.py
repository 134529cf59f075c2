"""The roll-up: residents' messages, votes, handoffs and reports counted once, incrementally, and
kept when retention deletes the conversations."""

import asyncio
from datetime import date, datetime, timedelta, timezone

import pytest
from rasa.shared.core.events import ActiveLoop, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from citizenbot import privacy
from citizenbot.analytics.rollup import rollup
from citizenbot.feedback import FeedbackStore, Vote
from citizenbot.handoff.store import HandoffStore
from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
from citizenbot.store.analytics_models import (
    FeedbackCount,
    HandoffCount,
    MessageCount,
    MessageDayCount,
    ReportCount,
    WaitBucket,
)
from citizenbot.store.models import Report
from citizenbot.store.staff_models import Handoff

T0 = datetime(2026, 11, 2, 9, 15, tzinfo=timezone.utc).timestamp()  # a Monday morning
HOUR = int(T0 // 3600)


def save(url: str, sender: str, *events) -> None:
    asyncio.run(DatabaseUrlTrackerStore(host=url).save(DialogueStateTracker.from_events(sender, list(events))))


def said(text, intent, at, lang="fi"):
    return UserUttered(text, {"name": intent, "confidence": 0.9},
                       parse_data={"intent": {"name": intent, "confidence": 0.9},
                                   "language": {"lang": lang, "confidence": 0.99, "clear": True}},
                       metadata={"lang": "fi"}, timestamp=at)


def messages(database):
    with database.session() as session:
        return sorted((r.hour, r.lang, r.domain, r.topic, r.outcome, r.messages, r.conversations)
                      for r in session.execute(select(MessageCount)).scalars())


def add_conversations(url, start=T0):
    save(url, "a", SessionStarted(timestamp=start), said("milloin aurataan", "maintenance.snow_plowing", start + 1),
         BotUttered("...", {"custom": {"topic": "maintenance.snow_plowing", "lang": "fi", "id": "m1"}},
                    timestamp=start + 2),
         said("blaa blaa", "nlu_fallback", start + 3))
    save(url, "b", SessionStarted(timestamp=start + 10), said("when is my street plowed", "maintenance.snow_plowing",
                                                             start + 11, lang="en"),
         said("I need a nurse", "handoff.nurse", start + 12, lang="en"))
    save(url, "c", SessionStarted(timestamp=start + 20), said("kuoppa tiessä", "maintenance.pothole", start + 21),
         ActiveLoop("report_form", timestamp=start + 22), said("Hämeenkatu 10", "nlu_fallback", start + 23),
         ActiveLoop(None, timestamp=start + 24), said("äiti ei hengitä", "health.emergency", start + 25),
         said("mikä on kaupungin budjetti", "out_of_scope", start + 26))


def test_messages_are_counted_once_by_hour_language_topic_and_outcome(fresh_database):
    add_conversations(fresh_database.url)
    first = rollup(fresh_database)
    assert first.messages == 8 and first.conversations == 3
    expected = [
        (HOUR, "en", "handoff", "handoff.nurse", "handoff", 1, 0),
        (HOUR, "en", "maintenance", "maintenance.snow_plowing", "answered", 1, 1),
        (HOUR, "fi", "", "", "not_understood", 1, 0),
        (HOUR, "fi", "form", "form", "answered", 1, 0),  # the address typed into the report form
        (HOUR, "fi", "health", "health.emergency", "emergency", 1, 0),
        (HOUR, "fi", "maintenance", "maintenance.pothole", "answered", 1, 1),
        (HOUR, "fi", "maintenance", "maintenance.snow_plowing", "answered", 1, 1),
        (HOUR, "fi", "out_of_scope", "out_of_scope", "out_of_scope", 1, 0),
    ]
    assert messages(fresh_database) == expected
    with fresh_database.session() as session:  # the daily table: the same counts on the city's date
        daily = sorted((r.day, r.lang, r.topic, r.outcome, r.messages, r.conversations)
                       for r in session.execute(select(MessageDayCount)).scalars())
    day = date(2026, 11, 2).toordinal()
    assert daily == sorted((day, lang, topic, outcome, n, c) for _h, lang, _d, topic, outcome, n, c in expected)
    again = rollup(fresh_database)  # nothing new: nothing counted twice
    assert again.messages == 0 and messages(fresh_database) == expected
    # a conversation that goes on later is not new; its messages join the same rows
    tracker = asyncio.run(DatabaseUrlTrackerStore(host=fresh_database.url).retrieve("a"))
    tracker.update(said("entä jalkakäytävät", "maintenance.snow_plowing", T0 + 60))
    asyncio.run(DatabaseUrlTrackerStore(host=fresh_database.url).save(tracker))
    assert rollup(fresh_database).conversations == 0
    row = [r for r in messages(fresh_database) if r[3] == "maintenance.snow_plowing" and r[1] == "fi"]
    assert row == [(HOUR, "fi", "maintenance", "maintenance.snow_plowing", "answered", 2, 1)]


def test_a_run_that_lost_the_race_adds_nothing(fresh_database, monkeypatch):
    from citizenbot.analytics import rollup as module

    add_conversations(fresh_database.url)
    real = module._move_mark
    # another process moves the watermark between this run's reading and its writing
    monkeypatch.setattr(module, "_move_mark", lambda session, key, old, new: False)
    assert "messages" in rollup(fresh_database).skipped and messages(fresh_database) == []
    monkeypatch.setattr(module, "_move_mark", real)
    assert rollup(fresh_database).messages == 8


def test_figures_stay_when_retention_deletes_the_conversations(fresh_database):
    old = (datetime.now(timezone.utc) - timedelta(days=40)).timestamp()
    add_conversations(fresh_database.url, start=old)
    votes = FeedbackStore(fresh_database)
    votes.record(Vote("a", "m1", "maintenance.snow_plowing", "fi", "up"))
    votes.record(Vote("b", "m2", "maintenance.snow_plowing", "en", "down"))
    with fresh_database.session() as session:  # the votes were given 40 days ago too
        for row in session.execute(select(privacy.Feedback)).scalars():
            row.created_at = datetime.fromtimestamp(old, tz=timezone.utc)
    # retention rolls up first, then deletes
    purged = privacy.purge(fresh_database, 30)
    assert purged.events > 0 and purged.feedback == 2
    assert sum(r[5] for r in messages(fresh_database)) == 8
    rollup(fresh_database)  # nothing left to read: the figures do not change
    assert sum(r[5] for r in messages(fresh_database)) == 8
    with fresh_database.session() as session:
        votes_kept = sorted((r.topic, r.lang, r.up, r.down) for r in session.execute(select(FeedbackCount)).scalars())
    assert votes_kept == [("maintenance.snow_plowing", "en", 0, 1), ("maintenance.snow_plowing", "fi", 1, 0)]


def test_a_changed_vote_is_counted_as_it_is_now(fresh_database):
    votes = FeedbackStore(fresh_database)
    votes.record(Vote("a", "m1", "health.dental", "sv", "up"))
    rollup(fresh_database)
    votes.record(Vote("a", "m1", "health.dental", "sv", "down"))
    rollup(fresh_database)
    rollup(fresh_database)
    with fresh_database.session() as session:
        rows = [(r.topic, r.lang, r.up, r.down) for r in session.execute(select(FeedbackCount)).scalars()]
    assert rows == [("health.dental", "sv", 0, 1)]


def test_handoff_waits_gave_up_and_handling_per_queue_and_hour(fresh_database):
    store = HandoffStore(fresh_database)
    claimed, _ = store.request("c1", "nurse", "fi", "health.child_fever", "kuumetta")
    left, _ = store.request("c2", "nurse", "fi", None, None)
    waiting, _ = store.request("c3", "agent", "sv", None, None)
    queued = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    with fresh_database.session() as session:
        for row in session.execute(select(Handoff)).scalars():
            row.queued_at = row.created_at = queued
    store.cancel("c2")
    rollup(fresh_database, now=queued + timedelta(minutes=1))
    with fresh_database.session() as session:
        first = {r.queue: (r.requests, r.claimed, r.gave_up) for r in session.execute(select(HandoffCount)).scalars()}
    assert first == {"nurse": (2, 0, 1), "agent": (1, 0, 0)}
    # later a nurse takes c1 after 4 minutes (the request was open at the previous run: counted again)
    with fresh_database.session() as session:
        row = session.get(Handoff, claimed.id)
        row.status, row.claimed_at = "active", queued + timedelta(minutes=4)
        row.ended_at = queued + timedelta(minutes=10)
    rollup(fresh_database, now=queued + timedelta(minutes=20))
    rollup(fresh_database, now=queued + timedelta(minutes=21))
    with fresh_database.session() as session:
        nurse = session.get(HandoffCount, (HOUR - 0, "nurse")) or session.execute(
            select(HandoffCount).where(HandoffCount.queue == "nurse")).scalar_one()
        buckets = [(b.queue, b.upper, b.count) for b in session.execute(select(WaitBucket)).scalars()]
    assert (nurse.requests, nurse.claimed, nurse.gave_up, nurse.wait_seconds) == (2, 1, 1, 240)
    assert (nurse.handled, nurse.handling_seconds) == (1, 360)
    assert buckets == [("nurse", 300, 1)]
    assert waiting.queue == "agent" and left.queue == "nurse"


def test_reports_by_day_category_and_current_state(fresh_database):
    day = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    with fresh_database.session() as session:
        for category, status in (("maintenance.pothole", "received"), ("maintenance.pothole", "received"),
                                 ("maintenance.street_light", "sent")):
            session.add(Report(category=category, location="x", lang="fi", status=status, created_at=day,
                               updated_at=day))
    rollup(fresh_database, now=day + timedelta(hours=1))
    with fresh_database.session() as session:
        first = session.execute(select(Report).where(Report.status == "received")).scalars().first()
        first.status, first.updated_at = "closed", day + timedelta(hours=2)
    rollup(fresh_database, now=day + timedelta(hours=3))
    rollup(fresh_database, now=day + timedelta(hours=3))
    with fresh_database.session() as session:
        rows = sorted((r.category, r.state, r.count) for r in session.execute(select(ReportCount)).scalars())
    assert rows == [("maintenance.pothole", "closed", 1), ("maintenance.pothole", "received", 1),
                    ("maintenance.street_light", "sent", 1)]


def test_reports_are_counted_in_the_district_of_their_place(fresh_database):
    from citizenbot.seed import seed
    from tests.conftest import KB_DIR

    seed(fresh_database, KB_DIR, "tampere")
    day = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    with fresh_database.session() as session:
        for location in ("Insinöörinkadulla 5", "Hämeenkatu 10", "Hervannassa kirjaston edessä",
                         "kaupan takapihalla"):
            session.add(Report(category="maintenance.pothole", location=location, lang="fi", status="received",
                               created_at=day, updated_at=day))
    rollup(fresh_database, now=day + timedelta(hours=1))
    with fresh_database.session() as session:
        rows = sorted((r.district, r.count) for r in session.execute(select(ReportCount)).scalars())
    # a street's district from streets.csv, a district named as such, "" when no place is known
    assert rows == [("", 1), ("Hervanta", 2), ("Keskusta", 1)]


@pytest.mark.parametrize("runs", [1, 3])
def test_empty_database_rolls_up_to_nothing(fresh_database, runs):
    for _ in range(runs):
        result = rollup(fresh_database)
    assert result.messages == 0 and messages(fresh_database) == []


def test_the_command_rolls_up(fresh_database, monkeypatch, capsys):
    import json

    from citizenbot.cli import main

    add_conversations(fresh_database.url)
    monkeypatch.setenv("DATABASE_URL", fresh_database.url)
    assert main(["analytics", "rollup"]) == 0 and json.loads(capsys.readouterr().out)["messages"] == 8
    assert main(["analytics", "rollup"]) == 0 and json.loads(capsys.readouterr().out)["messages"] == 0


def test_a_form_still_open_at_the_previous_run_is_remembered(fresh_database):
    store = DatabaseUrlTrackerStore(host=fresh_database.url)
    save(fresh_database.url, "f", SessionStarted(timestamp=T0), said("katuvalo rikki", "maintenance.street_light", T0 + 1),
         ActiveLoop("report_form", timestamp=T0 + 2))
    rollup(fresh_database)
    tracker = asyncio.run(store.retrieve("f"))
    tracker.update(said("Hämeenkatu 10", "nlu_fallback", T0 + 3))  # the address, typed into the form
    asyncio.run(store.save(tracker))
    rollup(fresh_database)
    assert [(r[3], r[4], r[5], r[6]) for r in messages(fresh_database)] == [
        ("form", "answered", 1, 0), ("maintenance.street_light", "answered", 1, 1)]


def test_time_until_the_city_had_each_report(fresh_database):
    from citizenbot.analytics.rollup import delivery_bucket
    from citizenbot.store.analytics_models import NOT_DELIVERED, DeliveryBucket

    day = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    with fresh_database.session() as session:
        for seconds in (3, 40, 7200, None):
            session.add(Report(category="maintenance.pothole", location="x", lang="fi", created_at=day, updated_at=day,
                               delivered_at=None if seconds is None else day + timedelta(seconds=seconds)))
    rollup(fresh_database, now=day + timedelta(hours=3))
    with fresh_database.session() as session:
        late = session.execute(select(Report).where(Report.delivered_at.is_(None))).scalar_one()
        late.delivered_at, late.updated_at = day + timedelta(hours=5), day + timedelta(hours=5)
    rollup(fresh_database, now=day + timedelta(hours=6))
    with fresh_database.session() as session:
        buckets = sorted((b.upper, b.count) for b in session.execute(select(DeliveryBucket)).scalars())
    assert buckets == [(5, 1), (60, 1), (4 * 3600, 1), (12 * 3600, 1)]
    assert delivery_bucket(day, None) == NOT_DELIVERED


def test_messages_are_counted_by_the_page_they_were_written_on(fresh_database):
    from citizenbot.analytics.pages import page_of
    from citizenbot.store.analytics_models import PageDayCount

    def on(page, text, intent, at):
        event = said(text, intent, at)
        event.metadata = {"lang": "fi", "page": page}
        return event

    save(fresh_database.url, "p1", SessionStarted(timestamp=T0), on("/kadut.html", "milloin aurataan", "maintenance.snow_plowing", T0 + 1),
         on("/kadut.html", "kiitos", "meta.thanks", T0 + 2))
    save(fresh_database.url, "p2", SessionStarted(timestamp=T0), on("/asiakas/12345678?x=1", "kuoppa", "maintenance.pothole", T0 + 3))
    save(fresh_database.url, "p3", SessionStarted(timestamp=T0), said("hei", "meta.greet", T0 + 4))  # no page: REST
    rollup(fresh_database, now=datetime.fromtimestamp(T0 + 60, timezone.utc))
    with fresh_database.session() as session:
        rows = sorted((r.page, r.messages, r.conversations) for r in session.execute(select(PageDayCount)).scalars())
    assert rows == [("", 1, 1), ("/asiakas/#", 1, 1), ("/kadut.html", 2, 1)]
    assert page_of({"page": "/en/#top"}) == "/en/" and page_of({}) == "" and len(page_of({"page": "/" + "a" * 300})) == 120
