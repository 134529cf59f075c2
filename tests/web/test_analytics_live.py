"""Live analytics: when a roll-up changes the figures, the analysts and admins connected to the
console's real-time namespace are told (the time only); other staff are not; and the district map's
shapes are served to analysts."""

import asyncio
from datetime import datetime, timezone

import pytest
import pytest_asyncio
import socketio
from aiohttp.test_utils import TestServer

from citizenbot.analytics.rollup import last_update, mark_updated, rollup
from citizenbot.handoff.staff import StaffDirectory
from citizenbot.store.models import Report
from citizenbot.web import analytics_live
from citizenbot.web.app import HANDOFF_KEY, create_app
from citizenbot.web.handoff_service import staff_room

from .fake_rasa import TOKEN, FakeRasa
from .test_staff_api import PASSWORD, login


@pytest_asyncio.fixture
async def env(seeded_database, monkeypatch):


    monkeypatch.setattr(analytics_live, "WATCH_SECONDS", 0.05)
    directory = StaffDirectory(seeded_database)
    ids = {username: directory.create(username, username.capitalize(), role, PASSWORD).id
           for username, role in (("aino", "analyst"), ("aapo", "admin"), ("eero", "agent"))}
    rasa = FakeRasa()
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token=TOKEN, secret="s",
                         database_url=seeded_database.url)
        async with TestServer(app, host="127.0.0.1") as web_server:
            yield {"url": str(web_server.make_url("")).rstrip("/"), "database": seeded_database, "ids": ids,
                   "sio": app[HANDOFF_KEY].sio}


class Console:
    """A console's real-time connection that records what it is sent, in order."""

    def __init__(self):
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: list[tuple[str, object]] = []
        self.arrived = asyncio.Event()
        for name in ("analytics_updated", "probe"):
            self.client.on(name, lambda data, name=name: self._got(name, data), namespace="/staff")

    def _got(self, name, data):
        self.events.append((name, data))
        self.arrived.set()

    async def connect(self, env, username):
        self.session = await login(env, username)
        cookie = "; ".join(f"{c.key}={c.value}" for c in self.session.cookie_jar)
        await self.client.connect(env["url"], namespaces=["/staff"], headers={"Cookie": cookie},
                                  transports=["websocket"])
        return self

    async def next(self, name, timeout=10):
        while not any(event == name for event, _ in self.events):
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), timeout)
        return [data for event, data in self.events if event == name]

    async def close(self):
        await self.client.disconnect()
        await self.session.close()


@pytest.mark.asyncio
async def test_analysts_and_admins_hear_of_a_roll_up_that_changed_the_figures(env):
    analyst, admin, agent = [await Console().connect(env, name) for name in ("aino", "aapo", "eero")]
    day = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    with env["database"].session() as session:
        session.add(Report(category="maintenance.pothole", location="Hämeenkatu 3", lang="fi", status="received",
                           created_at=day, updated_at=day))
    assert (await asyncio.to_thread(rollup, env["database"], day)).report_days == 1
    for console in (analyst, admin):
        [told] = await console.next("analytics_updated")
        assert told == {"updated_at": day.timestamp()}  # the time only: the page asks for the figures
    # the agent is not in the analytics room: a probe sent after it arrives with nothing before it
    await env["sio"].emit("probe", {}, room=staff_room(env["ids"]["eero"]), namespace="/staff")
    await agent.next("probe")
    assert [name for name, _ in agent.events] == ["probe"]
    for console in (analyst, admin, agent):
        await console.close()


@pytest.mark.asyncio
async def test_a_roll_up_that_changed_nothing_tells_nobody(env):
    database = env["database"]
    assert (await asyncio.to_thread(rollup, database)).changed() is False
    assert await asyncio.to_thread(last_update, database) is None
    await asyncio.to_thread(mark_updated, database, datetime(2026, 11, 2, tzinfo=timezone.utc))
    assert await asyncio.to_thread(last_update, database) == str(datetime(2026, 11, 2, tzinfo=timezone.utc).timestamp())


@pytest.mark.asyncio
async def test_the_watcher_emits_once_per_change(env):
    sent = []

    class Sio:
        async def emit(self, event, data, room, namespace):
            sent.append((event, data, room, namespace))

    live = analytics_live.AnalyticsLive(Sio(), env["database"])
    assert await live.check() is False and sent == []  # no roll-up yet
    await asyncio.to_thread(mark_updated, env["database"], datetime(2026, 11, 2, tzinfo=timezone.utc))
    assert await live.check() is True and await live.check() is False
    fresh = analytics_live.AnalyticsLive(Sio(), env["database"])  # after a restart: pages fetch once more
    assert await fresh.check() is True and await fresh.check() is False
    assert sent == 2 * [("analytics_updated", {"updated_at": datetime(2026, 11, 2, tzinfo=timezone.utc).timestamp()},
                     analytics_live.ANALYTICS_ROOM, "/staff")]


@pytest.mark.asyncio
async def test_district_shapes_are_served_to_analysts_only(env):
    for username, status in (("aino", 200), ("eero", 403)):
        session = await login(env, username)
        async with session.get(f"{env['url']}/api/staff/analytics/districts.geojson") as r:
            assert r.status == status
            if status == 200:
                shapes = await r.json(content_type=None)
                assert "Hervanta" in {f["properties"]["name"] for f in shapes["features"]}
        await session.close()


@pytest.mark.asyncio
async def test_a_city_without_district_shapes_has_no_map(fresh_database, monkeypatch, tmp_path):
    import shutil

    import yaml

    from ..conftest import KB_DIR

    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    config = yaml.safe_load((kb / "city" / "tampere.yml").read_text(encoding="utf-8"))
    del config["analytics"]
    (kb / "city" / "tampere.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("KB_DIR", str(kb))
    StaffDirectory(fresh_database).create("aino", "Aino", "analyst", PASSWORD)
    app = create_app(rasa_url="http://127.0.0.1:9", rasa_token=TOKEN, secret="s", database_url=fresh_database.url)
    async with TestServer(app, host="127.0.0.1") as server:
        env = {"url": str(server.make_url("")).rstrip("/")}
        session = await login(env, "aino")
        async with session.get(f"{env['url']}/api/staff/analytics/districts.geojson") as r:
            assert r.status == 404  # the page then shows the districts as bars and a table
        await session.close()
