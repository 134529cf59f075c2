"""The staff console's API and real-time namespace against a fake Rasa: auth, queue, the claim
race, two-way messages, typing, notes, hand back, transfer, close, emergency, escaping."""

import asyncio
from datetime import timedelta

import aiohttp
import pytest
import pytest_asyncio
import socketio
import yaml
from aiohttp.test_utils import TestServer

from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore
from citizenbot.settings import PROJECT_ROOT
from citizenbot.store.models import utcnow
from citizenbot.web.app import create_app

from .fake_rasa import TOKEN, FakeRasa
from .test_gateway import SECRET, Widget

PASSWORD = "correct horse battery"
CSRF = {"X-Requested-With": "citizenbot"}


@pytest_asyncio.fixture
async def env(seeded_database):

    rasa = FakeRasa()
    directory = StaffDirectory(seeded_database)
    for username, role in (("anna", "nurse"), ("ville", "nurse"), ("aino", "agent"), ("admin", "admin")):
        directory.create(username, username.capitalize(), role, PASSWORD)
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token=TOKEN, secret=SECRET,
                         database_url=seeded_database.url)
        async with TestServer(app, host="127.0.0.1") as web_server:
            yield {"rasa": rasa, "url": str(web_server.make_url("")).rstrip("/"), "db": seeded_database,
                   "store": HandoffStore(seeded_database)}


async def login(env, username) -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.post(f"{env['url']}/api/staff/login", json={"username": username, "password": PASSWORD},
                            headers=CSRF) as r:
        assert r.status == 200, await r.text()
    return session


async def resident_in_queue(env, queue="nurse", text="mun lapsella on korvakipua"):
    widget = Widget(env["url"])
    await widget.connect()
    session = await widget.session()
    await widget.client.emit("user_uttered", {**session, "message": text})
    await widget.wait_for("bot_uttered")
    handoff, _ = env["store"].request(session["session_id"], queue, "fi", "health.child_fever", text)
    return widget, session, handoff


@pytest.mark.asyncio
async def test_endpoints_need_a_session_and_the_csrf_header(env):
    async with aiohttp.ClientSession() as anonymous:
        async with anonymous.get(f"{env['url']}/api/staff/queue") as r:
            assert r.status == 401
        async with anonymous.post(f"{env['url']}/api/staff/login", json={"username": "anna", "password": PASSWORD}) as r:
            assert r.status == 403  # no X-Requested-With
        async with anonymous.post(f"{env['url']}/api/staff/login", json={"username": "anna", "password": "nope nope nope"}, headers=CSRF) as r:
            assert r.status == 401
    anna = await login(env, "anna")
    async with anna.post(f"{env['url']}/api/staff/handoffs/1/claim") as r:
        assert r.status == 403  # logged in, but no CSRF header
    async with anna.get(f"{env['url']}/api/staff/me") as r:
        assert (await r.json())["staff"]["role"] == "nurse"
    await anna.close()


@pytest.mark.asyncio
async def test_a_cookie_is_http_only_and_strict(env):
    async with aiohttp.ClientSession() as s:
        async with s.post(f"{env['url']}/api/staff/login", json={"username": "anna", "password": PASSWORD}, headers=CSRF) as r:
            cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


@pytest.mark.asyncio
async def test_an_expired_session_is_refused(env):
    from citizenbot.store.staff_models import StaffSession

    anna = await login(env, "anna")
    with env["db"].session() as session:
        for row in session.query(StaffSession).all():
            row.last_seen = utcnow() - timedelta(hours=1)
    async with anna.get(f"{env['url']}/api/staff/queue") as r:
        assert r.status == 401
    await anna.close()


@pytest.mark.asyncio
async def test_login_attempts_are_rate_limited(env):
    async with aiohttp.ClientSession() as s:
        statuses = []
        for _ in range(6):
            async with s.post(f"{env['url']}/api/staff/login", json={"username": "ville", "password": "wrong password!"}, headers=CSRF) as r:
                statuses.append(r.status)
        async with s.post(f"{env['url']}/api/staff/login", json={"username": "ville", "password": PASSWORD}, headers=CSRF) as r:
            statuses.append(r.status)
    assert statuses == [401] * 5 + [429, 429]


@pytest.mark.asyncio
async def test_behind_a_trusted_proxy_one_address_failing_does_not_lock_out_the_others(fresh_database, monkeypatch):
    from citizenbot.handoff.staff import MAX_FAILURES_PER_ADDRESS

    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1")
    directory = StaffDirectory(fresh_database)
    directory.create("anna", "Anna", "nurse", PASSWORD)
    app = create_app(rasa_url="http://127.0.0.1:9", rasa_token=TOKEN, secret=SECRET, database_url=fresh_database.url)
    async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as s:
        url = f"{str(server.make_url('')).rstrip('/')}/api/staff/login"
        statuses = []
        for i in range(MAX_FAILURES_PER_ADDRESS + 1):  # many usernames from one address
            async with s.post(url, json={"username": f"guess{i}", "password": "wrong password!"},
                              headers={**CSRF, "X-Forwarded-For": "198.51.100.7"}) as r:
                statuses.append(r.status)
        async with s.post(url, json={"username": "anna", "password": PASSWORD},
                          headers={**CSRF, "X-Forwarded-For": "198.51.100.8"}) as r:
            other_address = r.status
        async with s.post(url, json={"username": "anna", "password": PASSWORD},
                          headers={**CSRF, "X-Forwarded-For": "198.51.100.7"}) as r:
            same_address = r.status
    assert statuses == [401] * MAX_FAILURES_PER_ADDRESS + [429]
    assert other_address == 200 and same_address == 429


@pytest.mark.asyncio
async def test_queue_shows_language_topic_waiting_time_and_first_message_per_role(env):
    widget, _session, handoff = await resident_in_queue(env)
    anna, aino = await login(env, "anna"), await login(env, "aino")
    async with anna.get(f"{env['url']}/api/staff/queue") as r:
        data = await r.json()
    (item,) = data["queues"]["nurse"]
    assert (item["id"], item["lang"], item["topic"], item["first_message"]) == (handoff.id, "fi", "health.child_fever", "mun lapsella on korvakipua")
    assert item["waiting_seconds"] >= 0 and "agent" not in data["queues"]
    assert item["topic_title"] == "Lapsen kuume"  # in plain words for the console
    async with aino.get(f"{env['url']}/api/staff/queue") as r:
        assert (await r.json())["queues"] == {"agent": []}
    async with aino.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/claim", headers=CSRF) as r:
        assert r.status == 403  # an agent cannot take the nurse queue
    for s in (anna, aino):
        await s.close()
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_two_simultaneous_claims_have_one_winner(env):
    widget, session, handoff = await resident_in_queue(env)
    anna, ville = await login(env, "anna"), await login(env, "ville")

    async def claim(s):
        async with s.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/claim", headers=CSRF) as r:
            return r.status

    assert sorted(await asyncio.gather(claim(anna), claim(ville))) == [200, 409]
    events = env["rasa"].events[session["session_id"]]
    assert [e["event"] for e in events].count("pause") == 1
    assert (await widget.wait_for("handoff_status", 2))[-1]["state"] == "active"
    for s in (anna, ville):
        await s.close()
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_a_conversation_with_a_person_from_claim_to_hand_back(env):
    widget, session, handoff = await resident_in_queue(env)
    anna = await login(env, "anna")
    console = socketio.AsyncClient(reconnection=False)
    seen = []
    console.on("resident_message", lambda d: seen.append(("message", d)), namespace="/staff")
    console.on("resident_typing", lambda d: seen.append(("typing", d)), namespace="/staff")
    console.on("unread", lambda d: seen.append(("unread", d)), namespace="/staff")
    cookie = "; ".join(f"{c.key}={c.value}" for c in anna.cookie_jar)
    await console.connect(env["url"], namespaces=["/staff"], headers={"Cookie": cookie}, transports=["websocket"])
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/claim", headers=CSRF) as r:
        assert r.status == 200
    assert (await console.call("watch", {"handoff_id": handoff.id}, namespace="/staff")) == {"ok": True}

    # the resident is told who joined; the bot is paused
    joined = await widget.wait_for("bot_uttered", 2)
    assert "Anna" in joined[-1]["text"]
    # staff -> resident, with role and first name, stored in the transcript
    script = "<script>alert(1)</script> Hei, olen hoitaja"
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/messages", json={"text": script}, headers=CSRF) as r:
        assert r.status == 201
    staff_msg = (await widget.wait_for("bot_uttered", 3))[-1]
    assert staff_msg["from"] == "staff" and staff_msg["staff"] == {"role": "nurse", "first_name": "Anna"}
    assert staff_msg["text"] == script  # delivered as text; the widget and console render it as text
    stored = env["rasa"].events[session["session_id"]][-1]
    assert stored["event"] == "bot" and stored["metadata"]["staff"]["first_name"] == "Anna"
    # resident -> staff: typing, then the message; the bot stays silent
    async def seen_kind(kind: str) -> None:
        for _ in range(250):
            if any(k == kind for k, _ in seen):
                return
            await asyncio.sleep(0.02)

    await widget.client.emit("resident_typing", {**session, "on": True})
    await seen_kind("typing")
    assert ("typing", {"handoff_id": handoff.id, "on": True}) in seen
    await widget.client.emit("user_uttered", {**session, "message": "korvaa särkee yöllä"})
    await seen_kind("message")
    assert [d["text"] for k, d in seen if k == "message"] == ["korvaa särkee yöllä"]
    await seen_kind("unread")
    assert ("unread", {"handoff_id": handoff.id, "emergency": False}) in seen  # to Anna's own room
    assert len(await widget.wait_for("bot_uttered", 3)) == 3  # no bot answer while paused
    # internal note: visible to staff, never in the resident's history
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/notes", json={"text": "ohjattu 116117"}, headers=CSRF) as r:
        assert r.status == 201
    async with anna.get(f"{env['url']}/api/staff/handoffs/{handoff.id}") as r:
        detail = await r.json()
    assert [n["text"] for n in detail["notes"]] == ["ohjattu 116117"]
    assert any(m["from"] == "resident" and m["text"] == "korvaa särkee yöllä" for m in detail["transcript"])
    assert all("ohjattu" not in e.get("text", "") for e in env["rasa"].events[session["session_id"]])
    # hand back: resumed, told, and the bot answers again
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/return", headers=CSRF) as r:
        assert r.status == 200
    assert "Anna" in (await widget.wait_for("bot_uttered", 4))[-1]["text"]
    assert env["rasa"].events[session["session_id"]][-2]["event"] == "resume"
    await widget.client.emit("user_uttered", {**session, "message": "kiitos"})
    assert (await widget.wait_for("bot_uttered", 5))[-1]["text"] == "vastaus: kiitos"
    await console.disconnect()
    await anna.close()
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_an_emergency_during_a_handoff_still_gets_112_first(env):
    widget, session, handoff = await resident_in_queue(env)
    anna = await login(env, "anna")
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/claim", headers=CSRF) as r:
        assert r.status == 200
    await widget.wait_for("bot_uttered", 2)
    await widget.client.emit("user_uttered", {**session, "message": "apua isä ei hengitä"})
    answer = (await widget.wait_for("bot_uttered", 3))[-1]
    assert answer["custom"]["topic"] == "health.emergency" and "112" in answer["text"].split("\n\n")[0]
    assert env["store"].get(handoff.id).emergency
    await anna.close()
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_an_emergency_while_queued_flags_the_queue_item_and_reaches_the_console_at_once(env):
    widget, session, handoff = await resident_in_queue(env)
    anna = await login(env, "anna")
    console = socketio.AsyncClient(reconnection=False)
    seen: list[tuple[str, dict]] = []
    for event in ("resident_message", "bot_message", "queue_changed"):
        console.on(event, lambda d, event=event: seen.append((event, d)), namespace="/staff")
    cookie = "; ".join(f"{c.key}={c.value}" for c in anna.cookie_jar)
    await console.connect(env["url"], namespaces=["/staff"], headers={"Cookie": cookie}, transports=["websocket"])
    assert (await console.call("watch", {"handoff_id": handoff.id}, namespace="/staff")) == {"ok": True}

    await widget.client.emit("user_uttered", {**session, "message": "apua isä ei hengitä"})
    answer = (await widget.wait_for("bot_uttered", 2))[-1]
    assert answer["custom"]["topic"] == "health.emergency"  # the bot answered: the resident only waits
    for _ in range(250):
        if any(e == "queue_changed" for e, _ in seen):
            break
        await asyncio.sleep(0.02)
    assert [e for e, _ in seen] == ["resident_message", "bot_message", "queue_changed"]
    said, told = seen[0][1], seen[1][1]
    assert (said["text"], said["emergency"]) == ("apua isä ei hengitä", True)
    assert (told["text"], told["topic"], told["emergency"], told["handoff_id"]) == (
        "Soita heti 112.", "health.emergency", True, handoff.id)
    async with anna.get(f"{env['url']}/api/staff/queue") as r:
        (item,) = (await r.json())["queues"]["nurse"]
    assert (item["id"], item["emergency"]) == (handoff.id, True)
    # the flag stays with the conversation when it is claimed
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/claim", headers=CSRF) as r:
        assert (await r.json())["handoff"]["emergency"] is True
    await console.disconnect()
    await anna.close()
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_an_ordinary_message_while_queued_is_not_flagged(env):
    widget, session, handoff = await resident_in_queue(env)
    await widget.client.emit("user_uttered", {**session, "message": "kauanko joudun odottamaan"})
    await widget.wait_for("bot_uttered", 2)
    assert not env["store"].get(handoff.id).emergency
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_transfer_and_close(env):
    widget, session, handoff = await resident_in_queue(env, text="katu on auraamatta ja lapsella kuumetta")
    anna, aino = await login(env, "anna"), await login(env, "aino")
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/claim", headers=CSRF) as r:
        assert r.status == 200
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/transfer", json={"queue": "moon"}, headers=CSRF) as r:
        assert r.status == 400
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/transfer", json={"queue": "agent"}, headers=CSRF) as r:
        assert (await r.json())["handoff"]["status"] == "queued"
    assert env["rasa"].events[session["session_id"]][-2]["event"] == "resume"  # the bot answers while waiting
    async with aino.get(f"{env['url']}/api/staff/queue") as r:
        assert [h["id"] for h in (await r.json())["queues"]["agent"]] == [handoff.id]
    async with aino.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/claim", headers=CSRF) as r:
        assert r.status == 200
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/messages", json={"text": "x"}, headers=CSRF) as r:
        assert r.status in (403, 409)  # no longer Anna's
    async with aino.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/close", json={"outcome": "resolved"}, headers=CSRF) as r:
        assert (await r.json())["handoff"]["outcome"] == "resolved"
    for _ in range(100):
        if [d for e, d in widget.received if e == "handoff_status"][-1]["state"] == "closed":
            break
        await asyncio.sleep(0.02)
    assert [d for e, d in widget.received if e == "handoff_status"][-1]["state"] == "closed"
    for s in (anna, aino):
        await s.close()
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_the_resident_can_leave_the_queue(env):
    widget, session, handoff = await resident_in_queue(env)
    assert await widget.client.call("handoff_cancel", session) == {"ok": True}
    assert env["store"].get(handoff.id).status == "cancelled"
    intruder = Widget(env["url"])
    await intruder.connect()
    assert await intruder.client.call("handoff_cancel", {"session_id": session["session_id"], "token": "0" * 40}) == {"ok": False}
    await intruder.client.disconnect()
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_the_staff_namespace_refuses_connections_without_a_session(env):
    console = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await console.connect(env["url"], namespaces=["/staff"], transports=["websocket"])


@pytest.mark.asyncio
async def test_canned_responses_in_the_conversations_language(env):
    anna = await login(env, "anna")
    async with anna.get(f"{env['url']}/api/staff/canned?lang=sv") as r:
        data = await r.json()
    assert set(data["canned"]) == {"nurse"}
    texts = [c["text"] for c in data["canned"]["nurse"]]
    assert any("116117" in t for t in texts) and all("{" not in t for t in texts)
    async with anna.get(f"{env['url']}/api/staff/canned?lang=de") as r:
        assert r.status == 400
    await anna.close()


@pytest.mark.asyncio
async def test_every_staff_route_is_in_the_openapi_document(env):
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{env['url']}/api/staff/openapi.json") as r:
            spec = await r.json()
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    app = create_app(database_url=env["db"].url)
    served = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        if path.startswith("/api/staff") and route.method in ("GET", "POST"):
            served.add((path.replace("{id:\\d+}", "{id}").replace("{id}", "{id}"), route.method.lower()))
    assert served == documented


def test_topic_titles_come_from_the_topic_or_the_topic_above_a_finer_id(fresh_database):
    from citizenbot.kb import KnowledgeBase
    from citizenbot.seed import seed
    from citizenbot.web.staff_api import topic_title

    from ..conftest import KB_DIR

    seed(fresh_database, KB_DIR, "tampere")
    kb = KnowledgeBase(fresh_database)
    assert topic_title(kb, "health.child_fever") == "Lapsen kuume"
    assert topic_title(kb, "health.child_fever", "sv") == "Barnets feber"
    assert topic_title(kb, "maintenance.snow_plowing.street") == topic_title(kb, "maintenance.snow_plowing")
    assert topic_title(kb, "maintenance.snow_plowing") and topic_title(kb, None) is None
    assert topic_title(kb, "no.such.topic") is None


def test_canned_file_has_every_language():
    data = yaml.safe_load((PROJECT_ROOT / "kb" / "staff" / "canned.yml").read_text(encoding="utf-8"))
    for queue, items in data["canned"].items():
        for item in items:
            for part in ("title", "text"):
                assert set(item[part]) == {"fi", "sv", "en"}, (queue, item["id"], part)
