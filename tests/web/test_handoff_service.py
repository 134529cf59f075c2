"""The web process's handoff service against a fake Rasa server, with the real stores: what it
changes, what it stores in the transcript (pause, resume, messages with their envelope, staff
messages with metadata.staff) and what it tells the widget and the staff consoles."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from citizenbot.conversation.events import bot_messages
from citizenbot.handoff.hours import parse_config
from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore
from citizenbot.kb import KnowledgeBase
from citizenbot.web.handoff_service import STAFF_NS, HandoffService, handoff_room, queue_room, staff_room
from citizenbot.web.rasa_client import RasaClient

from .fake_rasa import TOKEN, FakeRasa

PASSWORD = "correct horse battery"


class Rooms:
    """Stands in for the Socket.IO server: records what is emitted to which room."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str | None, str | None]] = []

    async def emit(self, event: str, data: Any = None, room: str | None = None, namespace: str | None = None,
                   **_: Any) -> None:
        self.emitted.append((event, data, room, namespace))

    def to(self, room: str, event: str | None = None) -> list[Any]:
        return [d for e, d, r, _ns in self.emitted if r == room and (event is None or e == event)]


@pytest_asyncio.fixture
async def env(seeded_database):
    rasa = FakeRasa()
    directory = StaffDirectory(seeded_database)
    staff = {name: directory.create(name, name.capitalize(), role, PASSWORD)
             for name, role in (("anna", "nurse"), ("boss", "admin"))}
    config = parse_config({"average_handling_minutes": 5, "queues": {
        "nurse": {"hours": {"mon-sun": "00:00-23:59"}}, "agent": {"hours": {"mon-sun": "00:00-23:59"}}}})
    async with TestServer(rasa.app, host="127.0.0.1") as server:
        client = RasaClient(str(server.make_url("")).rstrip("/"), TOKEN)
        rooms = Rooms()
        store = HandoffStore(seeded_database)
        service = HandoffService(rooms, client, store, KnowledgeBase(seeded_database), config)
        yield {"service": service, "rasa": rasa, "rooms": rooms, "store": store, "staff": staff}
        await client.close()


def queued(env, conversation: str = "c1", queue: str = "nurse"):
    handoff, created = env["store"].request(conversation, queue, "fi", "health.child_fever", "lapsella kuumetta")
    assert created
    return handoff


@pytest.mark.asyncio
async def test_the_status_a_widget_shows(env):
    service = env["service"]
    assert await service.status_for(None) == {"state": "none"}
    first, second = queued(env, "c1"), queued(env, "c2")
    assert await service.status_for(second) == {"state": "queued", "queue": "nurse", "id": second.id,
                                                  "position": 2, "wait_minutes": 10}
    await service.claim(first.id, env["staff"]["boss"])
    active = await service.current("c1")
    # an admin answers as customer service, by first name only
    assert (await service.status_for(active))["staff"] == {"role": "agent", "first_name": "Boss"}


@pytest.mark.asyncio
async def test_leaving_the_queue_is_stored_and_told_everywhere(env):
    service, rooms = env["service"], env["rooms"]
    assert not await service.resident_cancel("nobody")
    handoff = queued(env)
    assert await service.resident_cancel("c1")
    (stored,) = bot_messages(env["rasa"].events["c1"])
    assert (stored.envelope.topic, stored.envelope.lang) == ("handoff.nurse.cancelled", "fi")
    (shown,) = rooms.to("c1", "bot_uttered")
    assert shown["custom"] == stored.custom and shown["from"] == "bot"  # the same message, live and stored
    assert rooms.to("c1", "handoff_status")[-1] == {"state": "cancelled", "queue": "nurse", "id": handoff.id}
    assert ("queue_changed", {"queue": "nurse"}, queue_room("nurse"), STAFF_NS) in rooms.emitted


@pytest.mark.asyncio
async def test_a_claim_pauses_the_bot_and_only_one_wins(env):
    service, rooms = env["service"], env["rooms"]
    handoff = queued(env)
    claimed = await service.claim(handoff.id, env["staff"]["anna"])
    assert claimed.status == "active" and await service.claim(handoff.id, env["staff"]["boss"]) is None
    events = env["rasa"].events["c1"]
    assert events[0]["event"] == "pause"
    (connected,) = bot_messages(events)
    assert connected.envelope.topic == "handoff.nurse.connected" and "Anna" in connected.text
    assert rooms.to("c1", "handoff_status")[-1]["staff"] == {"role": "nurse", "first_name": "Anna"}


@pytest.mark.asyncio
async def test_staff_and_resident_messages_while_a_person_has_the_conversation(env):
    service, rooms, anna = env["service"], env["rooms"], env["staff"]["anna"]
    handoff = await service.claim(queued(env).id, anna)
    live = await service.staff_message(handoff, anna, "Hei, kuinka voin auttaa?")
    assert live["from"] == "staff" and live["staff"] == {"role": "nurse", "first_name": "Anna"}  # no account id
    stored = list(bot_messages(env["rasa"].events["c1"]))[-1]
    assert stored.staff == {"role": "nurse", "first_name": "Anna", "id": anna.id}
    assert stored.envelope.topic == "handoff.nurse.staff" and stored.text == "Hei, kuinka voin auttaa?"

    await service.resident_message(handoff, "kuume on 39", {"lang": "fi"})
    said = env["rasa"].events["c1"][-1]
    assert (said["event"], said["text"]) == ("user", "kuume on 39")  # logged in the transcript, not answered
    (to_staff,) = rooms.to(handoff_room(handoff.id), "resident_message")
    assert to_staff["text"] == "kuume on 39" and not to_staff["emergency"]
    # Anna's consoles mark it unread if another conversation is open there
    assert rooms.to(staff_room(anna.id), "unread") == [{"handoff_id": handoff.id, "emergency": False}]

    await service.resident_typing(handoff, True)
    await service.staff_typing(handoff, True)
    assert rooms.to(handoff_room(handoff.id), "resident_typing") == [{"handoff_id": handoff.id, "on": True}]
    assert rooms.to("c1", "typing") == [{"on": True, "who": "staff"}]


@pytest.mark.asyncio
async def test_an_emergency_during_a_handoff_gets_112_first_and_marks_the_conversation(env):
    service, rooms = env["service"], env["rooms"]
    handoff = await service.claim(queued(env).id, env["staff"]["anna"])
    await service.resident_message(handoff, "lapsi ei hengitä", {})
    assert env["store"].get(handoff.id).emergency
    emergency = list(bot_messages(env["rasa"].events["c1"]))[-1]
    assert emergency.envelope.topic == "health.emergency" and "112" in emergency.text
    assert rooms.to("c1", "bot_uttered")[-1]["custom"]["topic"] == "health.emergency"
    assert rooms.to(handoff_room(handoff.id), "resident_message")[-1]["emergency"]
    # the nurse's transcript gets the resident's message, then the 112 answer, at once
    staff_events = [(e, d) for e, d, r, _ns in rooms.emitted if r == handoff_room(handoff.id)]
    assert [e for e, _ in staff_events][-2:] == ["resident_message", "bot_message"]
    told = staff_events[-1][1]
    assert (told["topic"], told["emergency"], told["text"]) == ("health.emergency", True, emergency.text)
    assert ("queue_changed", {"queue": "nurse"}, queue_room("nurse"), STAFF_NS) in rooms.emitted


@pytest.mark.asyncio
async def test_a_queued_residents_turn_reaches_the_console_and_an_emergency_flags_it(env):
    service, rooms = env["service"], env["rooms"]
    handoff = queued(env)
    ordinary = [{"text": "Olet yhä jonossa.", "custom": {"topic": "handoff.already_queued", "lang": "fi", "id": "a"}}]
    await service.bot_answered(handoff, "kauanko menee", ordinary)
    assert not env["store"].get(handoff.id).emergency
    assert [d["text"] for d in rooms.to(handoff_room(handoff.id), "bot_message")] == ["Olet yhä jonossa."]
    assert not any(e == "queue_changed" for e, *_ in rooms.emitted)
    assert not any(e == "unread" for e, *_ in rooms.emitted)  # nobody has it yet

    emergency = [{"text": "Soita heti 112.", "custom": {"topic": "health.emergency", "lang": "fi", "id": "b"}}]
    await service.bot_answered(handoff, "lapsi ei hengitä", emergency)
    assert env["store"].get(handoff.id).emergency
    said = rooms.to(handoff_room(handoff.id), "resident_message")[-1]
    assert (said["text"], said["emergency"]) == ("lapsi ei hengitä", True)
    assert rooms.to(handoff_room(handoff.id), "bot_message")[-1]["emergency"] is True
    assert ("queue_changed", {"queue": "nurse"}, queue_room("nurse"), STAFF_NS) in rooms.emitted


@pytest.mark.asyncio
@pytest.mark.parametrize("served", ["fi,sv,en", None])  # Russian not served, then served (the default)
async def test_an_emergency_in_an_unserved_language_during_a_handoff_is_answered_in_it(env, served, monkeypatch):
    if served:
        monkeypatch.setenv("SERVED_LANGUAGES", served)
    else:
        monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    service, rooms = env["service"], env["rooms"]
    handoff = await service.claim(queued(env).id, env["staff"]["anna"])
    await service.resident_message(handoff, "У мужа сильная боль в груди, он задыхается", {"lang": "fi"})
    emergency = list(bot_messages(env["rasa"].events["c1"]))[-1]
    assert (emergency.envelope.topic, emergency.envelope.lang) == ("health.emergency", "ru")
    assert emergency.text == env["service"].kb.answer("health.emergency", "ru")
    assert rooms.to(handoff_room(handoff.id), "resident_message")[-1]["emergency"]


@pytest.mark.asyncio
async def test_hand_back_close_and_transfer_resume_the_bot(env):
    service, anna = env["service"], env["staff"]["anna"]
    first = await service.claim(queued(env, "c1").id, anna)
    done = await service.hand_back(first, anna)
    assert done.status == "returned" and env["rasa"].events["c1"][-2]["event"] == "resume"
    assert list(bot_messages(env["rasa"].events["c1"]))[-1].envelope.topic == "handoff.nurse.returned"
    assert await service.hand_back(first, anna) is None  # already ended

    second = await service.claim(queued(env, "c2").id, anna)
    closed = await service.close(second, anna, "resolved")
    assert closed.outcome == "resolved" and list(bot_messages(env["rasa"].events["c2"]))[-1].envelope.topic == "handoff.nurse.ended"

    third = await service.claim(queued(env, "c3").id, anna)
    moved = await service.transfer(third, "agent")
    assert (moved.queue, moved.status) == ("agent", "queued")
    assert [e["event"] for e in env["rasa"].events["c3"]][-2:] == ["resume", "bot"]
    assert list(bot_messages(env["rasa"].events["c3"]))[-1].envelope.topic == "handoff.agent.transferred"
    changed = [d["queue"] for e, d, _r, _ns in env["rooms"].emitted if e == "queue_changed"]
    assert {"nurse", "agent"} <= set(changed)


@pytest.mark.asyncio
async def test_when_rasa_is_down_the_resident_is_still_told(env, caplog):
    service, rooms = env["service"], env["rooms"]
    handoff = queued(env)
    env["rasa"].down = True
    claimed = await service.claim(handoff.id, env["staff"]["anna"])  # the claim itself is the database's
    assert claimed.status == "active" and "c1" not in env["rasa"].events
    assert rooms.to("c1", "bot_uttered")[-1]["custom"]["topic"] == "handoff.nurse.connected"
    assert "could not pause the bot" in caplog.text and "could not store a handoff message" in caplog.text
