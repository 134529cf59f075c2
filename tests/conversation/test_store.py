"""Stored conversations: read from and deleted in the tracker store's table, as Rasa writes it."""

import asyncio

import pytest
from rasa.shared.core.events import ActiveLoop, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from citizenbot.conversation import ResidentMessage
from citizenbot.conversation import store as stored
from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore


def save(url: str, sender: str, *events) -> None:
    asyncio.run(DatabaseUrlTrackerStore(host=url).save(DialogueStateTracker.from_events(sender, list(events))))


@pytest.fixture
def conversations(fresh_database):
    url = fresh_database.url
    save(url, "a", SessionStarted(timestamp=1), UserUttered("moi", {"name": "meta.greet"}, timestamp=2),
         BotUttered("Hei", {"custom": {"topic": "meta.greet", "lang": "fi", "id": "m1"}}, timestamp=3))
    save(url, "b", SessionStarted(timestamp=4), ActiveLoop("report_form", timestamp=5),
         UserUttered("Teiskontie 12", {"name": "nlu_fallback"}, timestamp=6))
    return fresh_database


def test_nothing_is_read_before_rasa_stored_a_conversation(fresh_database):
    assert not stored.has_conversations(fresh_database)
    assert list(stored.read_events(fresh_database)) == [] and stored.last_event_id(fresh_database) == 0


def test_reading_by_id_conversation_and_kind(conversations):
    everything = list(stored.read_events(conversations, batch=2))  # several pages
    assert [e.id for e in everything] == sorted(e.id for e in everything) and len(everything) == 6
    assert stored.last_event_id(conversations) == everything[-1].id
    users = list(stored.read_events(conversations, kinds=("user",)))
    assert [ResidentMessage.from_event(e.event).text for e in users] == ["moi", "<ADDRESS>"]  # stored redacted
    assert [e.sender for e in users] == ["a", "b"] and users[0].timestamp == 2
    later = list(stored.read_events(conversations, after=everything[2].id, until=everything[4].id))
    assert [e.id for e in later] == [everything[3].id, everything[4].id]
    newest = list(stored.read_events(conversations, sender="b", newest_first=True, limit=2, batch=1))
    assert [e.kind for e in newest] == ["user", "active_loop"]


def test_deleting_one_conversation_or_old_events(conversations):
    with conversations.session() as session:
        assert stored.delete_events(session, sender="a") == 3
    with conversations.session() as session:
        assert stored.delete_events(session, before=5.5) == 2  # b's session start and form
    assert [e.kind for e in stored.read_events(conversations)] == ["user"]
    with pytest.raises(ValueError), conversations.session() as session:
        stored.delete_events(session)


def test_the_newest_event_of_some_kinds_per_conversation(conversations):
    everything = list(stored.read_events(conversations))
    newest = stored.latest_per_sender(conversations, ["a", "b", "nobody"], until=everything[-1].id,
                                      kinds=("user", "active_loop"), chunk=1)
    assert {s: (e.kind, e.id) for s, e in newest.items()} == {"a": ("user", everything[1].id),
                                                               "b": ("user", everything[-1].id)}
    before = stored.latest_per_sender(conversations, ["b"], until=everything[-2].id, kinds=("user", "active_loop"))
    assert before["b"].kind == "active_loop" and before["b"].event["name"] == "report_form"
    assert stored.latest_per_sender(conversations, [], until=99, kinds=("user",)) == {}
