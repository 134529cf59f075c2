"""The REST channel as a website calls it, on a real Sanic server: text admitted at the door (valid
UTF-8, cut with a notice), a store failure answered 503 "try again", never an empty 200."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sqlite3
import threading

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from sanic import Sanic

from citizenbot import door
from citizenbot.channels.rest import CitizenRestInput
from citizenbot.rasa_ext import tracker_store
from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bot:
    """What Rasa does with a message, in small: read the conversation, store the message, answer."""

    def __init__(self, store):
        self.store = store
        self.received: list[str] = []
        self.fail = False

    async def __call__(self, message) -> None:
        if self.fail:  # an error that quotes the message, as some of Rasa's and the drivers' do
            raise ValueError(f"could not handle {message.text!r}")
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text))
        await self.store.save(tracker)
        self.received.append(message.text)
        await message.output_channel.send_response(
            message.sender_id, {"text": "vastaus", "custom": {"topic": "meta.greet", "lang": "sv", "id": "x"}})


@pytest.fixture(scope="module")
def server():
    """One real Sanic server with the channel (Sanic prepares its app class once per process)."""
    bot = Bot(None)
    app = Sanic("rest_channel_test")
    app.blueprint(CitizenRestInput().blueprint(bot), url_prefix="/webhooks/rest")
    port = _free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    async def serve():
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        await server.startup()
        started.set()
        return server

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    running = asyncio.run_coroutine_threadsafe(serve(), loop).result(30)
    started.wait(30)
    yield bot, f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    running.close()
    asyncio.run_coroutine_threadsafe(running.wait_closed(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def bot(server, tmp_path, monkeypatch):
    """(the bot on a fresh SQLite conversation store, the webhook's URL, the database file)."""
    bot, url = server
    monkeypatch.setattr(tracker_store, "TRACKER_PRAGMAS", ("journal_mode=WAL", "busy_timeout=200"))
    store = DatabaseUrlTrackerStore(host=f"sqlite:///{tmp_path / 'c.db'}")
    bot.store, bot.received, bot.fail = Agent._create_tracker_store(store, Domain.empty()), [], False
    yield bot, url, tmp_path / "c.db"
    store.engine.dispose()


def post(url: str, body: bytes) -> tuple[int, object]:
    response = requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    return response.status_code, response.json()


def test_a_long_message_is_cut_and_the_resident_told_in_the_reply_language(bot, monkeypatch):
    bot, url, _path = bot
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "50")
    long_text = "Hämeenkatu " * 100
    status, replies = post(url, ('{"sender": "s1", "message": "%s"}' % long_text).encode())
    assert status == 200 and bot.received == [long_text[:50]]
    assert replies[0]["text"] == "vastaus"  # the answer first (an emergency answer must lead), then the notice
    assert replies[1]["text"] == door.notice(door.MESSAGE_CUT, "sv") and "50" in replies[1]["text"]
    assert replies[1]["custom"]["topic"] == door.MESSAGE_CUT


def test_a_lone_surrogate_is_replaced_before_anything_stores_it(bot):
    bot, url, _path = bot
    status, replies = post(url, b'{"sender": "s2", "message": "hei \\ud800 kaikki\\u0000"}')
    assert status == 200 and bot.received == ["hei \ufffd kaikki"]
    assert [r["text"] for r in replies] == ["vastaus"]


def test_a_locked_store_answers_503_try_again_and_nothing_is_acknowledged(bot):
    bot, url, path = bot
    holder = sqlite3.connect(path, isolation_level=None)
    first = post(url, b'{"sender": "s3", "message": "hei"}')
    holder.execute("BEGIN EXCLUSIVE")
    try:
        status, answer = post(url, b'{"sender": "s3", "message": "onko tama tallessa", "metadata": {"lang": "en"}}')
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert first[0] == 200
    assert status == 503 and answer["error"] == "unavailable"
    assert answer["messages"][0]["text"] == door.notice(door.TRY_AGAIN, "en")
    assert bot.received == ["hei"]


def test_no_message_text_reaches_the_log_when_a_message_fails(bot, caplog):
    bot, url, path = bot
    caplog.set_level(logging.INFO)
    secret = "minun salaisuuteni anna@example.com"
    holder = sqlite3.connect(path, isolation_level=None)
    post(url, json.dumps({"sender": "s6", "message": "hei"}).encode())
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert post(url, json.dumps({"sender": "s6", "message": secret}).encode())[0] == 503
    finally:
        holder.execute("COMMIT")
        holder.close()
    bot.fail = True
    assert post(url, json.dumps({"sender": "s6", "message": secret}).encode())[0] == 503
    failures = [r.getMessage() for r in caplog.records if "not handled" in r.getMessage()]
    assert len(failures) == 2 and "s6" in failures[0]  # the log names the conversation
    assert "salaisuuteni" not in caplog.text and "anna@" not in caplog.text


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
BODIES = st.fixed_dictionaries(
    {}, optional={"sender": JSON_VALUES | st.text(min_size=1, max_size=20), "message": JSON_VALUES | st.text(max_size=300),
                  "metadata": JSON_VALUES}
) | JSON_VALUES


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(BODIES)
def test_any_json_body_is_answered_or_refused_never_an_error(bot, body):
    bot, url, _path = bot
    response = requests.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code in (200, 400), (body, response.text)
    answer = response.json()
    if response.status_code == 200:
        assert isinstance(answer, list) and all(isinstance(m.get("text"), str) for m in answer)
    else:
        assert "error" in answer


def test_with_a_channel_key_only_callers_presenting_it_are_heard(bot, monkeypatch):
    from citizenbot.web.rasa_client import RasaClient, RasaUnavailable

    bot, url, _path = bot
    monkeypatch.setenv("REST_CHANNEL_KEY", "k" * 32)
    body = b'{"sender": "s5", "message": "hei"}'
    assert post(url, body)[0] == 401
    wrong = requests.post(url, data=body, headers={"Authorization": "Bearer nope"}, timeout=30)
    assert wrong.status_code == 401 and bot.received == []
    base = url.rsplit("/webhooks/", 1)[0]

    async def send(key: str):
        client = RasaClient(base, "token", rest_key=key)
        try:
            return await client.send("s5", "hei gatewaysta")
        finally:
            await client.close()

    assert [m["text"] for m in asyncio.run(send("k" * 32))] == ["vastaus"]  # the web gateway's client
    with pytest.raises(RasaUnavailable, match="401"):
        asyncio.run(send(""))
    assert bot.received == ["hei gatewaysta"]
    monkeypatch.delenv("REST_CHANNEL_KEY")
    assert post(url, body)[0] == 200  # in development without a key the channel is open (local tools)
    monkeypatch.setenv("CITIZENBOT_ENV", "production")
    assert post(url, body)[0] == 401  # never outside development


def test_an_integration_reaches_only_the_conversations_it_opened(bot, monkeypatch):
    from citizenbot.channels.integrations import new_key

    bot, url, _path = bot
    city_key, city_entry = new_key("city-web")
    kiosk_key, kiosk_entry = new_key("kiosk")
    monkeypatch.setenv("CITIZENBOT_ENV", "production")
    monkeypatch.setenv("REST_CHANNEL_KEY", "g" * 32)
    monkeypatch.setenv("REST_INTEGRATIONS", f"{city_entry}, {kiosk_entry}")

    def say(key: str, sender: str, text: str):
        return requests.post(url, json={"sender": sender, "message": text},
                             headers={"Authorization": f"Bearer {key}"}, timeout=30)

    answer = say(city_key, "resident-1", "hei kaupungin sivuilta")
    assert answer.status_code == 200 and answer.json()[0]["recipient_id"] == "resident-1"
    assert say(kiosk_key, "resident-1", "hei kioskista").status_code == 200
    assert say("g" * 32, "resident-1", "hei gatewaysta").status_code == 200
    assert say(city_entry.split("=")[1], "resident-1", "the hash is not the key").status_code == 401

    def said(conversation: str) -> list[str]:
        tracker = asyncio.run(bot.store.retrieve(conversation))
        return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []

    # one sender id, three conversations: each integration's own, the widget's untouched by them
    assert said("ext:city-web:resident-1") == ["hei kaupungin sivuilta"]
    assert said("ext:kiosk:resident-1") == ["hei kioskista"]
    assert said("resident-1") == ["hei gatewaysta"]
    assert said("ext:city-web:ext:kiosk:resident-1") == []
    say(city_key, "ext:kiosk:resident-1", "toisen keskusteluun?")  # an attempt to step out of its space
    assert said("ext:kiosk:resident-1") == ["hei kioskista"]
    assert say(city_key, "x" * 129, "liian pitkä tunnus").status_code == 400
