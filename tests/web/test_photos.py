"""A photo with a fault report through the real web process: the widget's session proves whose
report it is, only the re-encoded picture is kept while a report is being made, the city can fetch
it once the report is filed, and a body sent slowly in small pieces (a phone on a poor connection)
arrives whole."""

import asyncio

import aiohttp
import pytest

from citizenbot.reports.photos import MAX_BYTES, PhotoStore
from citizenbot.reports.store import ReportStore
from citizenbot.web.photos import PHOTOS_PER_MINUTE, SESSION_HEADER, TOKEN_HEADER
from citizenbot.web.sessions import new_session

from ..reports.test_photos import SECRET as HIDDEN
from ..reports.test_photos import phone_jpeg
from .test_gateway import SECRET, servers  # noqa: F401  (the fixture)


def headers(session_id: str, token: str) -> dict:
    return {SESSION_HEADER: session_id, TOKEN_HEADER: token, "Content-Type": "image/jpeg"}


async def post(http, url, session, data) -> tuple[int, dict]:
    async with http.post(f"{url}/widget/photo", data=data, headers=headers(*session)) as r:
        return r.status, await r.json()


@pytest.mark.asyncio
async def test_a_photo_sent_during_a_report_is_stored_clean_and_served_only_when_filed(servers):  # noqa: F811
    _rasa, url, database = servers
    session_id, token = session = new_session(SECRET)
    original = phone_jpeg(2400, 1800)
    async with aiohttp.ClientSession() as http:
        # another page embeds the widget: the browser asks first, and the answer allows it
        async with http.options(f"{url}/widget/photo", headers={"Origin": "https://www.tampere.fi",
                                                                "Access-Control-Request-Method": "POST"}) as r:
            assert r.status == 204 and r.headers["Access-Control-Allow-Origin"] == "*"
            assert TOKEN_HEADER in r.headers["Access-Control-Allow-Headers"]
        assert await post(http, url, (session_id, "forged"), original) == (401, {"ok": False, "error": "session"})
        # no report being made: nothing is kept
        assert await post(http, url, session, original) == (409, {"ok": False, "error": "no_report"})

        reports, photos = ReportStore(database), PhotoStore(database)
        reports.hold_draft(session_id, new=True, location="Teiskontie 12", description="kuoppa")
        assert await post(http, url, session, b"<html>502 Bad Gateway</html>") == (
            415, {"ok": False, "error": "not_image"})
        assert await post(http, url, session, b"\xff" * (MAX_BYTES + 10)) == (413, {"ok": False, "error": "too_large"})
        status, answer = await post(http, url, session, original)
        assert (status, answer) == (200, {"ok": True, "width": 1600, "height": 1200})
        assert photos.held(session_id)
        # the widget shows it again after a reload: only to the conversation's own session
        async with http.get(f"{url}/widget/photo", headers=headers(*session)) as r:
            assert (r.status, r.content_type) == (200, "image/jpeg")
            assert await r.read() == photos.held_photo(session_id)
        async with http.get(f"{url}/widget/photo", headers=headers(session_id, "forged")) as r:
            assert r.status == 401

        number = reports.create(category="maintenance.pothole", location="Teiskontie 12", description="kuoppa",
                                contact=None, lang="fi", conversation_id=session_id, deliver=True, with_photo=True)
        media = f"{url}/media/{photos.token_of(number)}.jpg"
        async with http.get(media) as r:
            body = await r.read()
            assert (r.status, r.content_type) == (200, "image/jpeg") and body.startswith(b"\xff\xd8")
        assert HIDDEN not in body and b"Exif" not in body
        # a token that does not exist, and a malformed one, are not found
        for missing in (f"{url}/media/{'0' * 32}.jpg", f"{url}/media/..%2f..%2fetc.jpg"):
            async with http.get(missing) as r:
                assert r.status == 404

        # removing: the held photo of the next report goes, the filed one stays
        reports.hold_draft(session_id, new=True, location="Hämeenkatu 1")
        assert (await post(http, url, session, original))[1]["ok"] is True
        async with http.delete(f"{url}/widget/photo", headers=headers(*session)) as r:
            assert (r.status, await r.json()) == (200, {"ok": True, "removed": True})
        assert not photos.held(session_id)
        async with http.get(f"{url}/widget/photo", headers=headers(*session)) as r:
            assert r.status == 404
        async with http.get(media) as r:
            assert r.status == 200


@pytest.mark.asyncio
async def test_a_slow_upload_in_pieces_arrives_whole_and_photos_are_rate_limited(servers):  # noqa: F811
    _rasa, url, database = servers
    session = new_session(SECRET)
    ReportStore(database).hold_draft(session[0], new=True, location="Teiskontie 12")
    photo = phone_jpeg(3000, 2000)

    async def trickle():
        for start in range(0, len(photo), 16 * 1024):
            await asyncio.sleep(0.01)
            yield photo[start:start + 16 * 1024]

    async with aiohttp.ClientSession() as http:
        assert await post(http, url, session, trickle()) == (200, {"ok": True, "width": 1600, "height": 1067})
        answers = [await post(http, url, session, photo) for _ in range(PHOTOS_PER_MINUTE)]
    assert all(status == 200 for status, _ in answers[:PHOTOS_PER_MINUTE - 1])
    assert answers[-1] == (429, {"ok": False, "error": "rate_limited"})
