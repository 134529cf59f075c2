"""Fault reports in the staff console: the reports not at the city with the city's reason, and
retry, check, resend and handled, against the fake Open311 server and the real outbox."""

import aiohttp
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from citizenbot.handoff.staff import StaffDirectory
from citizenbot.reports.outbox import Open311Config, deliver, deliver_due
from citizenbot.reports.store import ReportStore
from citizenbot.web.app import create_app

from ..reports.open311_fake import create_app as create_city
from ..reports.open311_fake import state_of
from .fake_rasa import TOKEN, FakeRasa
from .test_staff_api import CSRF, PASSWORD, login

KEY = "test-key"


@pytest_asyncio.fixture
async def env(seeded_database, monkeypatch):

    directory = StaffDirectory(seeded_database)
    for username, role in (("aino", "agent"), ("anna", "nurse"), ("admin", "admin"), ("tiina", "trainer")):
        directory.create(username, username.capitalize(), role, PASSWORD)
    rasa = FakeRasa()
    async with TestServer(create_city(api_key=KEY), host="127.0.0.1") as city, \
            TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        city_url = str(city.make_url("")).rstrip("/")
        monkeypatch.setenv("OPEN311_BASE_URL", city_url)
        monkeypatch.setenv("OPEN311_API_KEY", KEY)
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token=TOKEN, secret="s",
                         database_url=seeded_database.url)
        async with TestServer(app, host="127.0.0.1") as web_server:
            yield {
                "url": str(web_server.make_url("")).rstrip("/"), "store": ReportStore(seeded_database),
                "city": state_of(city.app),
                "open311": Open311Config(city_url, KEY, 0.3, {"maintenance.pothole": "171"}, "199"),
            }


def file_report(store: ReportStore, description="Syvä kuoppa pyörätiellä") -> int:
    return store.create(category="maintenance.pothole", location="Hämeenkatu 5", description=description,
                        contact="anna@example.com", lang="fi", conversation_id="c", deliver=True)


async def reports(session, env, query="") -> dict:
    async with session.get(f"{env['url']}/api/staff/reports{query}") as r:
        assert r.status == 200, await r.text()
        return await r.json()


async def act(session, env, number, action) -> tuple[int, dict]:
    async with session.post(f"{env['url']}/api/staff/reports/{number}/{action}", headers=CSRF) as r:
        return r.status, await r.json()


@pytest.mark.asyncio
async def test_only_customer_service_sees_reports(env):
    for username in ("anna", "tiina"):
        session = await login(env, username)
        async with session.get(f"{env['url']}/api/staff/reports") as r:
            assert r.status == 403
        await session.close()
    async with aiohttp.ClientSession() as anonymous:
        async with anonymous.get(f"{env['url']}/api/staff/reports") as r:
            assert r.status == 401
    admin = await login(env, "admin")
    assert (await reports(admin, env))["reports"] == []
    await admin.close()


@pytest.mark.asyncio
async def test_a_refused_report_is_listed_with_the_citys_reason_and_retried_after_the_fix(env):
    store, city, config = env["store"], env["city"], env["open311"]
    number = file_report(store)
    wrong_key = Open311Config(config.base_url, "wrong", config.timeout, config.service_codes, "199")
    assert not await deliver(store, wrong_key, number, "Kuoppa")
    aino = await login(env, "aino")
    listed = await reports(aino, env)
    assert listed["counts"] == {"pending": 0, "failed": 1, "uncertain": 0}
    (report,) = listed["reports"]
    assert report["number"] == number and report["state"] == "failed" and report["error_status"] == 403
    assert report["reason"] == "HTTP 403 Forbidden: Invalid api_key received"
    assert report["description"] == "Syvä kuoppa pyörätiellä" and report["contact"] == "anna@example.com"
    assert report["public_ref"] == store.get(number).public_ref  # staff can find what a resident asks about
    assert (await act(aino, env, number, "resend"))[0] == 409  # resend is for uncertain reports
    status, body = await act(aino, env, number, "retry")
    assert status == 200 and body["report"]["state"] == "pending" and body["report"]["attempts"] == 0
    assert await deliver_due(store, config, {}) == 1  # the key is fixed now
    assert store.get_row(number)["sync_state"] == "sent" and city.creates() == 2
    assert (await reports(aino, env))["reports"] == []
    assert (await act(aino, env, number, "retry"))[0] == 409  # delivered: nothing to retry
    assert (await act(aino, env, 9999, "retry"))[0] == 404
    await aino.close()


@pytest.mark.asyncio
async def test_an_uncertain_report_is_checked_at_the_city_before_anything_is_sent(env):
    store, city, config = env["store"], env["city"], env["open311"]
    found, missing = file_report(store), file_report(store, "Toinen kuoppa")
    city.premoderation = True  # stored but not listed: both become uncertain
    city.drop_after_store = 2
    for number in (found, missing):
        assert not await deliver(store, config, number, "Kuoppa")
    aino = await login(env, "aino")
    listed = await reports(aino, env, "?state=uncertain")
    assert [r["number"] for r in listed["reports"]] == [found, missing]
    assert all("Check at the city" in r["reason"] for r in listed["reports"])
    assert (await act(aino, env, found, "retry"))[0] == 409  # never resent without a check
    # the city's moderator publishes the first one; a check finds it
    city.premoderation = False
    first_id = next(i for i, r in city.requests.items() if store.get_row(found)["reference"] in r["description"])
    for request_id, record in city.requests.items():
        record["moderated"] = request_id == first_id
    status, body = await act(aino, env, found, "check")
    assert status == 200 and body["found"] and body["report"]["state"] == "sent"
    assert body["report"]["remote_id"] == first_id
    status, body = await act(aino, env, missing, "check")
    assert status == 200 and not body["found"] and body["report"]["state"] == "uncertain"
    # staff made sure the city does not have it after all (say, it was lost): resend
    status, body = await act(aino, env, missing, "resend")
    assert status == 200 and body["report"]["state"] == "pending"
    assert await deliver_due(store, config, {}) == 1
    assert city.creates() == 3 and store.get_row(missing)["sync_state"] == "sent"
    await aino.close()


@pytest.mark.asyncio
async def test_the_city_down_during_a_check_says_so_and_a_report_can_be_marked_handled(env):
    store, city, config = env["store"], env["city"], env["open311"]
    number = file_report(store)
    city.drop_after_store, city.premoderation = 1, True
    assert not await deliver(store, config, number, "Kuoppa")
    city.down = True
    admin = await login(env, "admin")
    status, body = await act(admin, env, number, "check")
    assert status == 502 and "503" in body["error"]
    status, body = await act(admin, env, number, "handled")
    assert status == 200 and body["report"]["state"] == "handled" and body["report"]["handled_by"] == "admin"
    assert (await reports(admin, env))["reports"] == []
    assert (await act(admin, env, number, "handled"))[0] == 409
    await admin.close()


@pytest.mark.asyncio
async def test_staff_see_the_photo_a_resident_added_and_nobody_else_does(env):
    from citizenbot.reports.photos import PhotoStore, reencode

    from ..reports.test_photos import png_with_text

    store = env["store"]
    photos = PhotoStore(store.database)
    store.hold_draft("with-photo", new=True, location="Hämeenkatu 5")
    photos.hold("with-photo", reencode(png_with_text()))
    with_photo = store.create(category="maintenance.pothole", location="Hämeenkatu 5", description="Kuoppa",
                              contact=None, lang="fi", conversation_id="with-photo", deliver=True, with_photo=True)
    without = file_report(store)
    for number in (with_photo, without):
        store.mark_failed(number, "HTTP 400: bad", retryable=False)
    aino = await login(env, "aino")
    listed = {r["number"]: r["photo"] for r in (await reports(aino, env))["reports"]}
    assert listed == {with_photo: True, without: False}
    async with aino.get(f"{env['url']}/api/staff/reports/{with_photo}/photo") as r:
        assert r.status == 200 and r.content_type == "image/jpeg"
        assert await r.read() == photos.of_report(with_photo)
    async with aino.get(f"{env['url']}/api/staff/reports/{without}/photo") as r:
        assert r.status == 404
    await aino.close()
    nurse = await login(env, "anna")
    async with nurse.get(f"{env['url']}/api/staff/reports/{with_photo}/photo") as r:
        assert r.status == 403
    await nurse.close()
    async with aiohttp.ClientSession() as anonymous:
        async with anonymous.get(f"{env['url']}/api/staff/reports/{with_photo}/photo") as r:
            assert r.status == 401
