"""The analytics API of the staff console: only analysts and admins, aggregates with small counts
suppressed, CSV export."""

from collections import Counter

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from citizenbot.analytics.rollup import add_message_counts, hour_of
from citizenbot.handoff.staff import StaffDirectory
from citizenbot.web.app import create_app

from .fake_rasa import TOKEN, FakeRasa
from .test_staff_api import PASSWORD, login


@pytest_asyncio.fixture
async def env(seeded_database):

    directory = StaffDirectory(seeded_database)
    for username, role in (("aino", "analyst"), ("aapo", "admin"), ("eero", "agent"), ("tiina", "trainer")):
        directory.create(username, username.capitalize(), role, PASSWORD)
    noon = hour_of(1764928800)  # 2025-12-05 12:00 Helsinki
    with seeded_database.session() as session:
        plowing, emergency = (noon, "fi", "maintenance.snow_plowing", "answered"), (noon, "sv", "health.emergency",
                                                                                     "emergency")
        add_message_counts(session, Counter({plowing: 40, emergency: 2}), Counter({plowing: 30, emergency: 1}))
    rasa = FakeRasa()
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token=TOKEN, secret="s",
                         database_url=seeded_database.url)
        async with TestServer(app, host="127.0.0.1") as web_server:
            yield {"url": str(web_server.make_url("")).rstrip("/")}


RANGE = "from=2025-12-01&to=2025-12-07"


@pytest.mark.asyncio
@pytest.mark.parametrize("username", ["aino", "aapo"])
async def test_analysts_and_admins_see_the_figures(env, username):
    session = await login(env, username)
    async with session.get(f"{env['url']}/api/staff/analytics/summary?{RANGE}") as r:
        assert r.status == 200
        summary = await r.json()
    await session.close()
    assert summary["totals"]["messages"] == 42 and summary["totals"]["conversations"] == 31
    days = {row["day"]: row for row in summary["tables"]["emergencies"]["rows"]}
    assert days["2025-12-05"] == {"day": "2025-12-05", "emergencies": None, "emergencies_suppressed": True}
    assert days["2025-12-04"]["emergencies"] == 0
    (top,) = summary["tables"]["top_topics"]["rows"]
    assert top["topic"] == "maintenance.snow_plowing" and top["title"] not in ("", "maintenance.snow_plowing")


@pytest.mark.asyncio
@pytest.mark.parametrize("username", ["eero", "tiina"])
async def test_other_staff_do_not(env, username):
    session = await login(env, username)
    async with session.get(f"{env['url']}/api/staff/analytics/summary?{RANGE}") as r:
        assert r.status == 403
    async with session.get(f"{env['url']}/api/staff/analytics/export.csv?table=by_language&{RANGE}") as r:
        assert r.status == 403
    await session.close()


@pytest.mark.asyncio
async def test_nobody_logged_in_gets_nothing(env):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(f"{env['url']}/api/staff/analytics/summary") as r:
            assert r.status == 401


@pytest.mark.asyncio
async def test_csv_export_with_small_counts_as_less_than_five(env):
    session = await login(env, "aino")
    async with session.get(f"{env['url']}/api/staff/analytics/export.csv?table=by_language&{RANGE}") as r:
        assert r.status == 200 and r.content_type == "text/csv"
        assert "citizenbot_by_language_2025-12-01_2025-12-07.csv" in r.headers["Content-Disposition"]
        lines = (await r.text()).splitlines()
    assert lines[0] == "lang,messages,conversations,answered,not_understood,out_of_scope,handoff"
    # with the total of messages published, 40 of Finnish would tell the "< 5" of Swedish: hidden too
    assert lines[1:] == ["fi,suppressed,suppressed,1.0,0.0,0.0,0.0", "sv,<5,<5,<5,<5,<5,<5"]
    for query in ("table=messages&" + RANGE, "table=by_language&from=2025-12-09&to=2025-12-01"):
        async with session.get(f"{env['url']}/api/staff/analytics/export.csv?{query}") as r:
            assert r.status == 400
    await session.close()
