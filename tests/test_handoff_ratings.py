"""The end-of-chat rating: once per ended chat of the resident's own conversation, no link to the
conversation kept, the comment redacted; averages per queue for staff."""

from datetime import date

import pytest

from citizenbot.handoff.ratings import RatingStore
from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore
from citizenbot.store.staff_models import ChatRating

PASSWORD = "correct horse battery"


@pytest.fixture
def chats(fresh_database):
    store = HandoffStore(fresh_database)
    nurse = StaffDirectory(fresh_database).create("anna", "Anna", "nurse", PASSWORD)

    def chat(conversation: str, queue: str = "nurse", lang: str = "fi", end: str | None = "close"):
        handoff, _ = store.request(conversation, queue, lang, None, None)
        assert store.claim(handoff.id, nurse.id)
        if end == "close":
            store.close(handoff.id, "resolved")
        elif end == "return":
            store.hand_back(handoff.id)
        return handoff.id

    return chat


def test_an_ended_chat_is_rated_once_by_its_own_conversation(fresh_database, chats):
    ratings = RatingStore(fresh_database)
    closed, returned, ongoing = chats("a"), chats("b", end="return"), chats("c", end=None)
    assert ratings.rate("someone-else", closed, 1) is False
    assert ratings.rate("c", ongoing, 5) is False  # still talking
    assert ratings.rate("a", closed, 4, "Anna oli ystävällinen, soita 040 123 4567", today=date(2026, 12, 6)) is True
    assert ratings.rate("a", closed, 1) is False  # the same chat again
    assert ratings.rate("b", returned, 2) is True
    with fresh_database.session() as session:
        rows = session.query(ChatRating).order_by(ChatRating.id).all()
        stored = [(r.day, r.queue, r.lang, r.score, r.comment) for r in rows]
        columns = set(ChatRating.__table__.columns.keys())
    assert stored[0][:4] == (date(2026, 12, 6), "nurse", "fi", 4)
    assert "040 123 4567" not in stored[0][4] and stored[0][4].startswith("Anna oli ystävällinen")
    assert stored[1][3:] == (2, None)
    assert columns == {"id", "day", "queue", "lang", "score", "comment"}  # nothing that names a person or chat


def test_a_queued_chat_nobody_took_cannot_be_rated(fresh_database):
    store = HandoffStore(fresh_database)
    handoff, _ = store.request("a", "agent", "sv", None, None)
    store.cancel("a")
    assert RatingStore(fresh_database).rate("a", handoff.id, 5) is False


@pytest.mark.parametrize("score", [0, 6, "5", 4.5, True, None])
def test_only_whole_scores_1_to_5(fresh_database, chats, score):
    with pytest.raises(ValueError):
        RatingStore(fresh_database).rate("a", chats("a"), score)


def test_average_and_count_per_queue_within_dates(fresh_database, chats):
    ratings = RatingStore(fresh_database)
    for n, (queue, score, day) in enumerate([("nurse", 5, 1), ("nurse", 4, 2), ("nurse", 2, 3), ("agent", 3, 2)]):
        conversation = f"c{n}"
        assert ratings.rate(conversation, chats(conversation, queue), score, today=date(2026, 12, day))
    assert [r.as_json() for r in ratings.per_queue()] == [
        {"queue": "agent", "average": 3.0, "count": 1},
        {"queue": "nurse", "average": 3.67, "count": 3},
    ]
    assert [r.as_json() for r in ratings.per_queue(date(2026, 12, 2), date(2026, 12, 2))] == [
        {"queue": "agent", "average": 3.0, "count": 1},
        {"queue": "nurse", "average": 4.0, "count": 1},
    ]
