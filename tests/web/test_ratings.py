"""The end-of-chat rating over the resident's Socket.IO door and the staff's ratings endpoint."""

import aiohttp
import pytest

from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore
from citizenbot.web.staff_api import CSRF_HEADER, CSRF_VALUE

from . import test_gateway

servers, widget = test_gateway.servers, test_gateway.widget  # the gateway tests' fixtures
PASSWORD = "correct horse battery"


@pytest.mark.asyncio
async def test_a_resident_rates_an_ended_chat_once_and_staff_see_the_average_per_queue(widget, servers):
    _rasa, url, db = servers
    session = await widget.session()
    store = HandoffStore(db)
    StaffDirectory(db).create("anna", "Anna", "nurse", PASSWORD)
    nurse = StaffDirectory(db).create("ville", "Ville", "nurse", PASSWORD)
    handoff, _ = store.request(session["session_id"], "nurse", "sv", None, None)
    rate = {**session, "handoff_id": handoff.id, "score": 4, "comment": "Bra hjälp"}
    assert await widget.client.call("chat_rating", rate) == {"ok": False, "error": "not_ratable"}  # still queued
    store.claim(handoff.id, nurse.id)
    store.close(handoff.id, "resolved")
    assert await widget.client.call("chat_rating", {**rate, "score": 9}) == {"ok": False, "error": "invalid"}
    assert await widget.client.call("chat_rating", {**rate, "token": "forged"}) == {"ok": False, "error": "session"}
    assert await widget.client.call("chat_rating", rate) == {"ok": True}
    assert await widget.client.call("chat_rating", rate) == {"ok": False, "error": "not_ratable"}

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{url}/api/staff/ratings") as answer:
            assert answer.status == 401
        async with http.post(f"{url}/api/staff/login", json={"username": "anna", "password": PASSWORD},
                             headers={CSRF_HEADER: CSRF_VALUE}) as answer:
            assert answer.status == 200
        async with http.get(f"{url}/api/staff/ratings", params={"comments": "nurse"}) as answer:
            body = await answer.json()
        async with http.get(f"{url}/api/staff/ratings", params={"from": "someday"}) as answer:
            assert answer.status == 400
    assert body["queues"] == [{"queue": "nurse", "average": 4.0, "count": 1}]
    assert [c["comment"] for c in body["comments"]] == ["Bra hjälp"]
