"""The widget's real-time gateway against a fake Rasa server, through a real Socket.IO client."""

import asyncio

import pytest
import pytest_asyncio
import socketio
from aiohttp.test_utils import TestServer

from citizenbot.feedback import FeedbackStore
from citizenbot.web import sessions
from citizenbot.web.app import create_app
from citizenbot.web.gateway import RateLimiter, clean_metadata

from .fake_rasa import TOKEN, FakeRasa

SECRET = "test-secret"


class Widget:
    """A Socket.IO client that records what the server sends, like the widget does."""

    def __init__(self, url: str):
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[tuple[str, object]] = []
        for event in ("session_confirm", "history", "bot_uttered", "typing", "error_notice", "resident_message",
                      "handoff_status"):
            self.client.on(event, self._recorder(event))

    def _recorder(self, event):
        async def record(data=None):
            self.received.append((event, data))
        return record

    async def connect(self):
        await self.client.connect(self.url, socketio_path="socket.io", transports=["websocket"])

    async def wait_for(self, event: str, count: int = 1, timeout: float = 5.0):
        for _ in range(int(timeout / 0.02)):
            found = [d for e, d in self.received if e == event]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {event} after {timeout}s; got {self.received}")

    async def session(self, **data):
        await self.client.emit("session_request", data)
        return (await self.wait_for("session_confirm"))[-1]


@pytest_asyncio.fixture
async def servers(fresh_database):
    rasa = FakeRasa()
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        rasa.url = str(rasa_server.make_url("")).rstrip("/")
        app = create_app(rasa_url=rasa.url, rasa_token=TOKEN, secret=SECRET, database_url=fresh_database.url)
        async with TestServer(app, host="127.0.0.1") as web_server:
            yield rasa, str(web_server.make_url("")).rstrip("/"), fresh_database


@pytest_asyncio.fixture
async def widget(servers):
    _rasa, url, _db = servers
    client = Widget(url)
    await client.connect()
    yield client
    await client.client.disconnect()


@pytest.mark.asyncio
async def test_a_new_resident_gets_a_signed_session_and_an_empty_history(widget):
    session = await widget.session()
    assert sessions.verify(SECRET, session["session_id"], session["token"])
    assert (await widget.wait_for("history"))[0] == {"messages": []}


@pytest.mark.asyncio
async def test_a_message_is_answered_with_typing_indicator_and_tagged_reply(widget, servers):
    rasa, _url, _db = servers
    session = await widget.session()
    await widget.client.emit("user_uttered", {**session, "message": "moi", "metadata": {"lang": "fi", "evil": 1}})
    (reply,) = await widget.wait_for("bot_uttered")
    assert reply["text"] == "vastaus: moi" and reply["custom"]["topic"] == "meta.greet"
    assert [d["on"] for e, d in widget.received if e == "typing"] == [True, False]
    assert rasa.events[session["session_id"]][0]["metadata"] == {"lang": "fi"}  # only allowed metadata


@pytest.mark.asyncio
async def test_history_comes_back_after_a_reload(widget, servers):
    _rasa, url, _db = servers
    session = await widget.session()
    await widget.client.emit("user_uttered", {**session, "message": "buttons please"})
    await widget.wait_for("bot_uttered")
    await widget.client.emit("user_uttered", {**session, "message": "/maintenance.snow_plowing",
                                              "metadata": {"display": "Katujen auraus"}})
    await widget.wait_for("bot_uttered", 2)
    reloaded = Widget(url)
    await reloaded.connect()
    again = await reloaded.session(**session)
    assert again == session
    (history,) = await reloaded.wait_for("history")
    texts = [(m["from"], m["text"]) for m in history["messages"]]
    assert texts == [("resident", "buttons please"), ("bot", "vastaus: buttons please"),
                     ("resident", "Katujen auraus"), ("bot", "vastaus: /maintenance.snow_plowing")]
    assert history["messages"][1]["buttons"][0]["payload"] == "/maintenance.snow_plowing"
    await reloaded.client.disconnect()


@pytest.mark.asyncio
async def test_another_residents_conversation_cannot_be_read_or_written(widget, servers):
    rasa, url, _db = servers
    victim = await widget.session()
    await widget.client.emit("user_uttered", {**victim, "message": "salaisuus"})
    await widget.wait_for("bot_uttered")
    intruder = Widget(url)
    await intruder.connect()
    forged = await intruder.session(session_id=victim["session_id"], token="0" * 40)
    assert forged["session_id"] != victim["session_id"]  # a new conversation, not the victim's
    assert (await intruder.wait_for("history"))[0] == {"messages": []}
    await intruder.client.emit("user_uttered", {"session_id": victim["session_id"], "token": "x", "message": "hi"})
    assert (await intruder.wait_for("error_notice"))[0] == {"code": "session"}
    assert len(rasa.events[victim["session_id"]]) == 2
    await intruder.client.disconnect()


@pytest.mark.asyncio
async def test_feedback_is_stored_with_the_answers_topic_and_language(widget, servers):
    _rasa, _url, database = servers
    session = await widget.session()
    await widget.client.emit("user_uttered", {**session, "message": "hej", "metadata": {"lang": "sv"}})
    (reply,) = await widget.wait_for("bot_uttered")
    ack = await widget.client.call("feedback", {**session, "message_id": reply["custom"]["id"], "value": "down"})
    assert ack == {"ok": True}
    (vote,) = FeedbackStore(database).for_conversation(session["session_id"])
    assert (vote.topic, vote.lang, vote.value) == ("meta.greet", "sv", "down")
    bad = await widget.client.call("feedback", {**session, "message_id": "not-in-this-chat", "value": "up"})
    assert bad == {"ok": False, "error": "unknown_message"}


@pytest.mark.asyncio
async def test_the_language_switch_sets_the_conversation_language(widget, servers):
    rasa, _url, _db = servers
    session = await widget.session()
    assert await widget.client.call("set_language", {**session, "lang": "en"}) == {"ok": True}
    assert await widget.client.call("set_language", {**session, "lang": "de"}) == {"ok": False}
    assert rasa.events[session["session_id"]][-1]["name"] == "lang"
    assert rasa.events[session["session_id"]][-1]["value"] == "en"


@pytest.mark.asyncio
async def test_rasa_down_gives_a_clear_notice_not_a_crash(widget, servers):
    rasa, _url, _db = servers
    session = await widget.session()
    rasa.down = True
    await widget.client.emit("user_uttered", {**session, "message": "moi"})
    assert (await widget.wait_for("error_notice"))[0] == {"code": "unavailable"}
    rasa.down = False
    await widget.client.emit("user_uttered", {**session, "message": "moi taas"})
    assert (await widget.wait_for("bot_uttered"))[0]["text"] == "vastaus: moi taas"


@pytest.mark.asyncio
async def test_no_answer_gives_an_apology_in_the_residents_language_and_the_message_is_kept(widget, servers):
    from citizenbot import door

    rasa, _url, _db = servers
    rasa.actions_down = True
    session = await widget.session()
    await widget.client.emit("user_uttered", {**session, "message": "onko uimahalli auki", "metadata": {"lang": "sv"}})
    (reply,) = await widget.wait_for("bot_uttered")
    assert reply["text"] == door.notice(door.NO_ANSWER, "sv") and reply["custom"]["lang"] == "sv"
    assert [e["text"] for e in rasa.events[session["session_id"]] if e["event"] == "user"] == ["onko uimahalli auki"]


@pytest.mark.asyncio
async def test_no_apology_when_a_person_took_the_conversation_while_rasa_was_handling_the_message(widget, servers):
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.handoff.store import HandoffStore

    rasa, _url, db = servers
    session = await widget.session()
    sender = session["session_id"]
    handoffs = HandoffStore(db)
    handoff, _ = handoffs.request(sender, "nurse", "fi", None, "hammasta särkee")
    nurse = StaffDirectory(db).create("anna", "Anna", "nurse", "correct horse battery")

    def claimed_meanwhile(conversation):  # the nurse claims it; Rasa's bot is paused and says nothing
        assert handoffs.claim(handoff.id, nurse.id)
        rasa.events[conversation].append({"event": "pause"})

    rasa.during_message = claimed_meanwhile
    await widget.client.call("user_uttered", {**session, "message": "onko ketään paikalla"})  # returns when handled
    assert not [d for e, d in widget.received if e == "bot_uttered"]
    assert [e["text"] for e in rasa.events[sender] if e["event"] == "user"] == ["onko ketään paikalla"]


@pytest.mark.asyncio
async def test_a_long_message_is_cut_with_a_notice_and_a_lone_surrogate_replaced(widget, servers, monkeypatch):
    from citizenbot import door

    monkeypatch.setenv("MAX_MESSAGE_CHARS", "20")
    rasa, _url, _db = servers
    session = await widget.session()
    await widget.client.emit("user_uttered", {**session, "message": "hei \ud800 " + "x" * 100, "metadata": {"lang": "en"}})
    reply, notice = await widget.wait_for("bot_uttered", 2)  # the answer first, then the notice
    sent = rasa.events[session["session_id"]][0]["text"]
    assert sent == ("hei \ufffd " + "x" * 100)[:20]
    assert notice["text"] == door.notice(door.MESSAGE_CUT, "en") and "20 characters" in notice["text"]
    assert reply["text"] == f"vastaus: {sent}"


@pytest.mark.asyncio
async def test_empty_messages_are_refused(widget):
    session = await widget.session()
    await widget.client.emit("user_uttered", {**session, "message": "   "})
    assert (await widget.wait_for("error_notice"))[0] == {"code": "empty"}


def test_rate_limiter():
    limiter = RateLimiter(2, window=60)
    assert limiter.allow("a", 0) and limiter.allow("a", 1) and not limiter.allow("a", 2)
    assert limiter.allow("a", 61.5)
    assert limiter.allow("b", 2)


def test_the_rate_limiter_forgets_idle_keys_so_memory_stays_bounded():
    limiter = RateLimiter(5, window=60)
    for i in range(RateLimiter.PRUNE_EVERY - 1):
        limiter.allow(f"conversation-{i}", 0)
    assert limiter.allow("late", 120)  # the 1000th call, a window later: the idle ones go
    assert set(limiter._hits) == {"late"}


@pytest.mark.asyncio
async def test_a_new_connection_does_not_reset_a_conversations_rate_limit(servers):
    from citizenbot.web.gateway import RATE_LIMIT

    _rasa, url, _db = servers
    first = Widget(url)
    await first.connect()
    session = await first.session()
    for i in range(RATE_LIMIT):
        await first.client.emit("user_uttered", {**session, "message": f"viesti {i}"})
    await first.wait_for("bot_uttered", RATE_LIMIT, timeout=20)
    second = Widget(url)
    await second.connect()
    await second.session(**session)
    await second.client.emit("user_uttered", {**session, "message": "vielä yksi"})
    assert (await second.wait_for("error_notice"))[0] == {"code": "rate_limited"}
    for client in (first, second):
        await client.client.disconnect()


@pytest.mark.asyncio
async def test_sessions_cannot_be_requested_without_limit(widget):
    from citizenbot.web.gateway import SESSION_RATE_LIMIT

    for _ in range(SESSION_RATE_LIMIT + 1):
        await widget.client.emit("session_request", {})
    await widget.wait_for("session_confirm", SESSION_RATE_LIMIT)
    assert (await widget.wait_for("error_notice"))[0] == {"code": "rate_limited"}


def test_clean_metadata_keeps_only_known_keys():
    assert clean_metadata({"lang": "sv", "lang_selected": True, "display": "x" * 500, "x": 1}) == {
        "lang": "sv", "lang_selected": True, "display": "x" * 200}
    assert clean_metadata({"lang": "de"}) == {}
    assert clean_metadata("nope") == {}


def test_sessions_are_signed():
    session_id, token = sessions.new_session(SECRET)
    assert sessions.verify(SECRET, session_id, token)
    assert not sessions.verify("other", session_id, token)
    assert not sessions.verify(SECRET, "../etc", token)
    assert not sessions.verify(SECRET, None, None)


@pytest.mark.asyncio
async def test_the_socket_door_allows_any_page_but_never_with_credentials(servers):
    import aiohttp

    _rasa, url, _db = servers
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/socket.io/?EIO=4&transport=polling",
                            headers={"Origin": "https://elsewhere.example"}) as response:
            assert response.status == 200
            assert response.headers.get("Access-Control-Allow-Credentials") != "true"


@pytest.mark.asyncio
async def test_a_resident_downloads_and_deletes_their_own_conversation_and_its_copies(widget, servers):
    from rasa.shared.core.events import SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import func, select

    from citizenbot.conversation.store import conversation_key, read_events
    from citizenbot.feedback import Vote
    from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
    from citizenbot.store.models import InboxMessage

    rasa, _url, db = servers
    session = await widget.session()
    sender = session["session_id"]
    await widget.client.emit("user_uttered", {**session, "message": "soita 040 123 4567"})
    await widget.wait_for("bot_uttered")
    # what the real servers keep of it: the stored conversation, a vote, a review-inbox copy
    store = DatabaseUrlTrackerStore(host=db.url)
    await store.save(DialogueStateTracker.from_events(sender, [SessionStarted(), UserUttered("soita 040 123 4567")]))
    await store.save(DialogueStateTracker.from_events("someone-else", [SessionStarted(), UserUttered("moi")]))
    FeedbackStore(db).record(Vote(sender, "m1", "meta.greet", "fi", "down"))
    with db.session() as s:
        s.add(InboxMessage(source_key="k1", conversation=conversation_key(sender), text="soita <PHONE>", lang="fi",
                           reasons="thumbs_down"))

    exported = await widget.client.call("conversation_export", session)
    assert exported["ok"] and [m["text"] for m in exported["messages"]] == ["soita 040 123 4567", "vastaus: soita 040 123 4567"]
    assert (await widget.client.call("conversation_delete", {**session, "token": "forged"}))["ok"] is False

    result = await widget.client.call("conversation_delete", session)
    assert result == {"ok": True, "deleted": {"messages": 2, "feedback": 1, "inbox": 1}}
    assert [e.sender for e in read_events(db)] == ["someone-else", "someone-else"]
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(InboxMessage)).scalar_one() == 0
    assert (await widget.wait_for("history", 2))[-1] == {"messages": []}
    store.engine.dispose()


@pytest.mark.asyncio
async def test_the_newer_languages_are_accepted_and_a_city_can_serve_fewer(widget, servers, monkeypatch):
    rasa, _url, _db = servers
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    session = await widget.session()
    for lang in ("ru", "uk", "et", "ar", "so", "fa"):
        assert clean_metadata({"lang": lang}) == {"lang": lang}
    assert await widget.client.call("set_language", {**session, "lang": "fa"}) == {"ok": True}
    assert rasa.events[session["session_id"]][-1]["value"] == "fa"
    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en")
    assert clean_metadata({"lang": "fa"}) == {}
    assert await widget.client.call("set_language", {**session, "lang": "fa"}) == {"ok": False}


@pytest.mark.asyncio
async def test_a_demo_page_per_served_language_with_its_direction_and_a_language_menu(servers):
    import re

    import aiohttp

    from citizenbot.settings import DEFAULT_LANGUAGES

    _rasa, url, _db = servers
    async with aiohttp.ClientSession() as http:
        for lang in DEFAULT_LANGUAGES:
            async with http.get(f"{url}/" if lang == "fi" else f"{url}/{lang}/") as response:
                assert response.status == 200
                html = await response.text()
            opening = re.search(r"<html [^>]*>", html).group(0)
            assert f'lang="{lang}"' in opening
            assert ('dir="rtl"' in opening) == (lang in ("ar", "fa"))
            menu = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
            assert re.findall(r'hreflang="(\w+)"', menu) == list(DEFAULT_LANGUAGES)
            assert re.search(rf'hreflang="{lang}"[^>]*aria-current="true"', menu)
