"""The console's search and transcript file over HTTP: bound to the staff member's queues, bad
input answered 400, the transcript without notes or technical details, in the chosen language."""

import aiohttp
import pytest

from .test_staff_api import env, login, resident_in_queue  # noqa: F401  (env is a fixture)


@pytest.mark.asyncio
async def test_search_endpoint_checks_input_and_sees_only_own_queues(env):  # noqa: F811
    widget, _session, handoff = await resident_in_queue(env, text="mun lapsella on korvakipua")
    anna, aino = await login(env, "anna"), await login(env, "aino")
    async with anna.get(f"{env['url']}/api/staff/search", params={"q": "korvakipua"}) as r:
        assert r.status == 200
        results = (await r.json())["results"]
    assert [x["id"] for x in results] == [handoff.id] and "first" in results[0]["matches"]
    async with aino.get(f"{env['url']}/api/staff/search", params={"q": "korvakipua"}) as r:
        assert (await r.json())["results"] == []  # the agent does not see the nurses' queue
    for bad in ({"from": "6.12.2026"}, {"q": "x" * 201}, {"from": "2026-12-06", "to": "2026-12-01"}):
        async with anna.get(f"{env['url']}/api/staff/search", params=bad) as r:
            assert r.status == 400, bad
    async with aiohttp.ClientSession() as anonymous:
        async with anonymous.get(f"{env['url']}/api/staff/search", params={"q": "x"}) as r:
            assert r.status == 401
    for session in (anna, aino):
        await session.close()
    await widget.client.disconnect()


@pytest.mark.asyncio
async def test_transcript_file(env):  # noqa: F811
    widget, _session, handoff = await resident_in_queue(env, text="mun lapsella on korvakipua")
    anna = await login(env, "anna")
    async with anna.post(f"{env['url']}/api/staff/handoffs/{handoff.id}/notes", json={"text": "sisäinen huomio"},
                         headers={"X-Requested-With": "citizenbot"}) as r:
        assert r.status == 201
    async with anna.get(f"{env['url']}/api/staff/handoffs/{handoff.id}/transcript.txt", params={"lang": "sv"}) as r:
        assert r.status == 200 and r.content_type == "text/plain"
        assert f'filename="samtal-{handoff.id}.txt"' in r.headers["Content-Disposition"]
        text = await r.text()
    assert text.startswith(f"Samtal {handoff.id}") and "Invånare" in text and "mun lapsella on korvakipua" in text
    assert "sisäinen huomio" not in text and "confidence" not in text and "health." not in text, text
    aino = await login(env, "aino")
    async with aino.get(f"{env['url']}/api/staff/handoffs/{handoff.id}/transcript.txt") as r:
        assert r.status == 403
    for session in (anna, aino):
        await session.close()
    await widget.client.disconnect()
