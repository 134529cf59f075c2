"""A message the widget sends again (no answer in time) is passed on and stored once: the
gateway against a slow, a stopped and a restarted stand-in Rasa, through real Socket.IO clients."""

import asyncio

import pytest
from aiohttp.test_utils import TestServer

from citizenbot.web.app import create_app
from citizenbot.web.gateway import ReceivedMessages

from . import test_gateway
from .fake_rasa import TOKEN
from .test_gateway import SECRET, Widget

servers, widget = test_gateway.servers, test_gateway.widget  # the gateway tests' fixtures

CID = "5f0c7a1e-2b9d-4c7e-9a51-0d3f8e6b2c11"


def user_texts(rasa, session):
    return [e["text"] for e in rasa.events.get(session["session_id"], []) if e["event"] == "user"]


@pytest.mark.asyncio
async def test_a_resend_while_rasa_is_slow_waits_for_the_first_try_and_is_not_stored_twice(widget, servers):
    rasa, _url, _db = servers
    session = await widget.session()
    rasa.hold = asyncio.Event()
    message = {**session, "message": "milloin aurataan?", "client_id": CID}
    first = asyncio.create_task(widget.client.call("user_uttered", message, timeout=10))
    await asyncio.sleep(0.3)
    again = asyncio.create_task(widget.client.call("user_uttered", {**message, "resend": True}, timeout=10))
    await asyncio.sleep(0.3)
    assert not first.done() and not again.done()  # nothing acknowledged that is not stored
    rasa.hold.set()
    assert await first == {"ok": True}
    assert await again == {"ok": True, "duplicate": True}
    assert user_texts(rasa, session) == ["milloin aurataan?"]
    assert rasa.events[session["session_id"]][0]["metadata"]["client_id"] == CID
    await asyncio.sleep(0.2)
    assert [d["text"] for e, d in widget.received if e == "bot_uttered"] == ["vastaus: milloin aurataan?"]


@pytest.mark.asyncio
async def test_a_message_rasa_did_not_take_is_sent_again(widget, servers):
    rasa, _url, _db = servers
    session = await widget.session()
    message = {**session, "message": "hei", "client_id": CID}
    rasa.down = True
    assert await widget.client.call("user_uttered", message, timeout=10) == {"ok": False, "error": "unavailable"}
    rasa.down = False
    assert await widget.client.call("user_uttered", {**message, "resend": True}, timeout=10) == {"ok": True}
    assert user_texts(rasa, session) == ["hei"]


@pytest.mark.asyncio
async def test_rasa_stopping_while_it_handles_the_message_fails_the_try_and_the_resend_gets_through(widget, servers):
    rasa, _url, _db = servers
    session = await widget.session()
    rasa.hold = asyncio.Event()
    message = {**session, "message": "hei", "client_id": CID}
    first = asyncio.create_task(widget.client.call("user_uttered", message, timeout=10))
    await asyncio.sleep(0.3)
    rasa.down = True  # stopped before it stored anything
    rasa.hold.set()
    assert await first == {"ok": False, "error": "unavailable"}
    rasa.down, rasa.hold = False, None
    assert await widget.client.call("user_uttered", {**message, "resend": True}, timeout=10) == {"ok": True}
    assert user_texts(rasa, session) == ["hei"]


@pytest.mark.asyncio
async def test_another_gateway_process_finds_the_first_try_in_the_stored_conversation(servers):
    rasa, url, db = servers
    one = Widget(url)
    await one.connect()
    session = await one.session()
    message = {**session, "message": "hei", "client_id": CID}
    assert await one.client.call("user_uttered", message, timeout=10) == {"ok": True}
    await one.client.disconnect()
    # a second web process on the same Rasa (the first one restarted, or behind a load balancer)
    other_app = create_app(rasa_url=rasa.url, rasa_token=TOKEN, secret=SECRET, database_url=db.url)
    async with TestServer(other_app, host="127.0.0.1") as other:
        two = Widget(str(other.make_url("")).rstrip("/"))
        await two.connect()
        await two.session(**session)
        answer = await two.client.call("user_uttered", {**message, "resend": True}, timeout=10)
        assert answer == {"ok": True, "duplicate": True}
        # not marked as a resend: an ordinary new message with its own id
        assert await two.client.call("user_uttered", {**message, "client_id": CID[:-4] + "ffff"}, timeout=10) == {"ok": True}
        await two.client.disconnect()
    assert user_texts(rasa, session) == ["hei", "hei"]


def test_the_memory_of_received_messages_is_bounded():
    received = ReceivedMessages(limit=3)
    for n in range(5):
        received.add(("c", f"id-{n}"))
    assert ("c", "id-0") not in received and ("c", "id-1") not in received
    assert all(("c", f"id-{n}") in received for n in (2, 3, 4))
    assert ("other", "id-4") not in received
