"""The same store on PostgreSQL (DATABASE_URL for production): seeding, lookups, reports, tracker
store. Runs when TEST_POSTGRES_URL points at a server (`make pytest` starts a throwaway one)."""

import os

import pytest

from .conftest import KB_DIR

URL = os.environ.get("TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="no PostgreSQL server (TEST_POSTGRES_URL)")


@pytest.fixture(scope="module")
def pg():
    from sqlalchemy import text

    from citizenbot.store.db import Database
    from citizenbot.store.models import Base

    database = Database(URL)
    with database.engine.begin() as connection:  # tables another test left
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Base.metadata.drop_all(database.engine)
    database.create_schema()
    yield database
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS events, alembic_version"))
    Base.metadata.drop_all(database.engine)
    database.dispose()


def test_seeding_and_lookups_on_postgresql(pg):
    from citizenbot.kb import KnowledgeBase
    from citizenbot.replies import answer_topic
    from citizenbot.seed import seed

    assert seed(pg, KB_DIR, "tampere").changed
    assert not seed(pg, KB_DIR, "tampere").changed
    kb = KnowledgeBase(pg)
    assert kb.best_name("Hämeenkadulla", ["street"]).entry.key == "Hämeenkatu"
    (reply,) = answer_topic(kb, "maintenance.snow_plowing", "milloin Hämeenkadulla aurataan", "sv")
    assert reply.topic == "maintenance.snow_plowing.street"
    assert kb.plans_in_district("Lielahti")


def test_reports_on_postgresql(pg):
    from citizenbot.reports import ReportStore

    store = ReportStore(pg)
    number = store.create(category="maintenance.pothole", location="Hämeenkatu 5", description="Kuoppa",
                          contact=None, lang="fi", conversation_id="pg", deliver=True)
    assert store.get(number).location == "Hämeenkatu 5"
    assert number in store.due()
    store.mark_failed(number, "503", retryable=True)
    assert number not in store.due()


def test_photos_and_points_on_postgresql(pg):
    from citizenbot import privacy
    from citizenbot.reports import ReportStore
    from citizenbot.reports.photos import PhotoStore, reencode

    from .reports.test_photos import phone_jpeg

    store, photos = ReportStore(pg), PhotoStore(pg)
    store.hold_draft("pg-photo", new=True, location="Teiskontie 12")
    photo = reencode(phone_jpeg())
    token = photos.hold("pg-photo", photo)
    number = store.create(category="maintenance.pothole", location="Teiskontie 12", description=None, contact=None,
                          lang="fi", conversation_id="pg-photo", deliver=True, with_photo=True, point=(61.504, 23.804))
    assert photos.served(token) == photo.jpeg  # bytea round trip
    assert (store.get_row(number)["lat"], store.get_row(number)["long"]) == (61.504, 23.804)
    assert privacy.delete_conversation(pg, "pg-photo").photos == 1 and photos.served(token) is None


def test_racing_senders_claim_each_report_once_on_postgresql(pg):
    import threading

    from citizenbot.reports import ReportStore
    from citizenbot.store.db import Database

    store = ReportStore(pg)
    numbers = [store.create(category="maintenance.pothole", location="Hämeenkatu 5", description="Kuoppa",
                            contact=None, lang="fi", conversation_id=f"pg-{i}", deliver=True) for i in range(20)]
    claimed: list[int] = []
    lock = threading.Lock()

    def sender() -> None:
        database = Database(URL)  # connections of its own, like another process
        mine = ReportStore(database)
        for number in numbers:
            claim = mine.claim(number)
            if claim is not None:
                with lock:
                    claimed.append(number)
                mine.mark_sent(number, f"r-{number}", None, claim=claim.token)
        database.dispose()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == numbers
    assert all(store.get_row(n)["sync_state"] == "sent" and store.get_row(n)["attempts"] == 1 for n in numbers)


def test_the_rasa_tracker_store_uses_the_same_database(pg, monkeypatch):
    import asyncio

    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore

    monkeypatch.setenv("DATABASE_URL", URL)
    store = DatabaseUrlTrackerStore()
    tracker = DialogueStateTracker.from_events("pg-resident", [UserUttered("moi", {"name": "meta.greet"})])
    asyncio.run(store.save(tracker))
    loaded = asyncio.run(store.retrieve("pg-resident"))
    assert loaded.latest_message.text == "moi"


def test_analytics_rollup_counts_once_on_postgresql(pg):
    from citizenbot.analytics.rollup import rollup
    from citizenbot.feedback import FeedbackStore, Vote
    from citizenbot.handoff.store import HandoffStore
    from citizenbot.store.analytics_models import FeedbackCount, HandoffCount, MessageCount
    from tests.analytics.test_rollup import add_conversations

    rollup(pg)  # what the other tests stored
    with pg.session() as session:
        before = sum(r.messages for r in session.query(MessageCount))
    add_conversations(URL)
    FeedbackStore(pg).record(Vote("pg-a", "m1", "maintenance.snow_plowing", "fi", "up"))
    HandoffStore(pg).request("pg-h", "agent", "fi", None, None)
    assert rollup(pg).messages == 8
    assert rollup(pg).messages == 0
    with pg.session() as session:
        assert sum(r.messages for r in session.query(MessageCount)) == before + 8
        assert [(r.topic, r.up) for r in session.query(FeedbackCount)] == [("maintenance.snow_plowing", 1)]
        assert sum(r.requests for r in session.query(HandoffCount)) == 1


def test_analytics_rollups_racing_count_once_on_postgresql(pg):
    from concurrent.futures import ThreadPoolExecutor

    from citizenbot.analytics.rollup import rollup
    from citizenbot.feedback import FeedbackStore, Vote
    from citizenbot.store.analytics_models import FeedbackCount, MessageCount
    from tests.analytics.test_rollup import said, save

    rollup(pg)
    with pg.session() as session:
        before = sum(r.messages for r in session.query(MessageCount))
        votes_before = sum(r.up for r in session.query(FeedbackCount))
    for n in range(5):
        save(URL, f"race-{n}", said("milloin aurataan", "maintenance.snow_plowing", 1_790_000_000 + n))
    FeedbackStore(pg).record(Vote("race-0", "r1", "maintenance.snow_plowing", "fi", "up"))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: rollup(pg), range(4)))
    assert sum(r.messages for r in results) == 5
    with pg.session() as session:
        assert sum(r.messages for r in session.query(MessageCount)) == before + 5
        assert sum(r.up for r in session.query(FeedbackCount)) == votes_before + 1
