"""Leaving a message outside service hours: it becomes a queue item that staff see when they come
on duty, and the resident is told when the queue opens (the gateway through a real Socket.IO
client, the stand-in Rasa, the city's real hours)."""

from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestServer

from citizenbot.handoff.store import HandoffStore
from citizenbot.web.app import HANDOFF_KEY, create_app

from .fake_rasa import TOKEN, FakeRasa
from .test_gateway import SECRET, Widget

SATURDAY_NIGHT = datetime(2026, 12, 5, 22, 30, tzinfo=timezone.utc)  # Sun 00:30 in Helsinki
TUESDAY_NOON = datetime(2026, 12, 8, 10, 0, tzinfo=timezone.utc)


@pytest.mark.asyncio
async def test_a_message_left_at_night_waits_in_the_queue_for_monday_morning(fresh_database):
    rasa = FakeRasa()
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token=TOKEN, secret=SECRET,
                         database_url=fresh_database.url)
        app[HANDOFF_KEY].clock = lambda: SATURDAY_NIGHT
        async with TestServer(app, host="127.0.0.1") as web_server:
            widget = Widget(str(web_server.make_url("")).rstrip("/"))
            await widget.connect()
            session = await widget.session()
            message = {**session, "queue": "nurse", "lang": "sv", "text": "Mitt barn har hosta, ring mig gärna",
                       "contact": "anna@example.com"}
            assert await widget.client.call("leave_message", {**message, "text": "  "}) == {"ok": False, "error": "invalid"}
            assert await widget.client.call("leave_message", {**message, "queue": "nope"}) == {"ok": False, "error": "invalid"}
            assert await widget.client.call("leave_message", {**message, "token": "x"}) == {"ok": False, "error": "session"}
            answer = await widget.client.call("leave_message", message)
            assert answer == {"ok": True, "created": True, "opens_at": "2026-12-07T08:00:00+02:00",
                              "timezone": "Europe/Helsinki"}
            status = (await widget.wait_for("handoff_status", 2))[-1]
            assert status["state"] == "message_left" and status["opens_at"] == answer["opens_at"]
            # a second message does not make a second queue item
            again = await widget.client.call("leave_message", {**message, "text": "och en sak till"})
            assert again["ok"] is True and again["created"] is False

            (item,) = HandoffStore(fresh_database).waiting(("nurse",))
            assert (item.kind, item.lang, item.first_message, item.contact) == (
                "message", "sv", "Mitt barn har hosta, ring mig gärna", "anna@example.com")
            assert item.as_json()["kind"] == "message" and item.as_json()["contact"] == "anna@example.com"

            # while the queue is open a person can chat now: nothing is left
            app[HANDOFF_KEY].clock = lambda: TUESDAY_NOON
            other = Widget(str(web_server.make_url("")).rstrip("/"))
            await other.connect()
            mine = await other.session()
            assert await other.client.call("leave_message", {**message, **mine}) == {"ok": False, "error": "open"}
            await other.client.disconnect()
            await widget.client.disconnect()


def test_deleting_the_conversation_removes_the_left_messages_contact(fresh_database):
    from citizenbot import privacy

    store = HandoffStore(fresh_database)
    store.leave_message("c1", "agent", "fi", "Soittakaa", "040 123 4567")
    store.leave_message("c2", "agent", "fi", "Toinen", "b@example.com")
    privacy.delete_conversation(fresh_database, "c1")
    assert [(h.conversation_id, h.contact) for h in store.waiting(("agent",))] == [("c1", None), ("c2", "b@example.com")]
