"""Photos with fault reports on the web side: the widget sends one, removes it, and the city fetches
it.

- ``POST /widget/photo`` (the JPEG or PNG as the body; the session in the headers
  ``X-Citizenbot-Session`` and ``X-Citizenbot-Token``): a photo for the report the resident is
  filling in. Only while the conversation has a report draft (the report form is open); the photo
  is re-encoded (``citizenbot.reports.photos``) before anything is stored.
- ``GET /widget/photo`` (the same headers): the held photo, for the widget to show it again after
  a reload; 404 when there is none.
- ``DELETE /widget/photo`` (the same headers): the held photo is deleted.
- ``GET /media/<token>.jpg``: a filed report's photo (the ``media_url`` sent to the city). A photo
  not attached to a report, or deleted, is a 404, the same as a token that never existed.

Plain HTTP, not the Socket.IO connection: python-engineio 4.10 reads a long-polling POST with one
``read(length)`` on aiohttp's stream, which returns whatever has arrived, so a photo-sized message
over long-polling arrives cut and is lost; the minified socket.io-client build also mangles binary
attachments. Any page may embed the widget, so these answer CORS (no credentials: the signed token
in the headers is the authority, as on the Socket.IO side).

Answers are ``{"ok": true, ...}`` or ``{"ok": false, "error": code}`` with code session,
rate_limited, too_large, not_image, no_report, none (no photo held) or unavailable: the widget tells
the resident which.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from citizenbot.reports.photos import MAX_BYTES, PhotoError, PhotoStore, reencode
from citizenbot.web import sessions
from citizenbot.web.gateway import RateLimiter

logger = logging.getLogger(__name__)
PHOTOS_PER_MINUTE = 6  # per conversation: choosing again a few times, not a stream of uploads
SESSION_HEADER, TOKEN_HEADER = "X-Citizenbot-Session", "X-Citizenbot-Token"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, DELETE",
    "Access-Control-Allow-Headers": f"Content-Type, {SESSION_HEADER}, {TOKEN_HEADER}",
    "Access-Control-Max-Age": "600",
}
STATUS = {"session": 401, "rate_limited": 429, "too_large": 413, "not_image": 415, "no_report": 409,
          "none": 404, "unavailable": 503}


def _answer(error: str | None = None, **data) -> web.Response:
    body = {"ok": False, "error": error} if error else {"ok": True, **data}
    return web.json_response(body, status=STATUS.get(error, 200), headers=CORS)


async def read_limited(request: web.Request, limit: int = MAX_BYTES) -> bytes | None:
    """The request body, or None as soon as it is longer than ``limit`` (the app's own body limit
    is for small JSON; this route streams)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


class PhotoEndpoints:
    def __init__(self, secret: str, store: PhotoStore):
        self.secret, self.store = secret, store
        self.limiter = RateLimiter(PHOTOS_PER_MINUTE)

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/widget/photo", self.held)
        app.router.add_post("/widget/photo", self.upload)
        app.router.add_delete("/widget/photo", self.remove)
        app.router.add_route("OPTIONS", "/widget/photo", self.preflight)
        app.router.add_get("/media/{token:[0-9a-f]{32}}.jpg", self.media)

    def _session(self, request: web.Request) -> str | None:
        session_id = request.headers.get(SESSION_HEADER)
        return session_id if sessions.verify(self.secret, session_id, request.headers.get(TOKEN_HEADER)) else None

    async def preflight(self, request: web.Request) -> web.Response:
        return web.Response(status=204, headers=CORS)

    async def upload(self, request: web.Request) -> web.Response:
        session_id = self._session(request)
        if session_id is None:
            return _answer("session")
        if not self.limiter.allow(session_id):
            return _answer("rate_limited")
        data = await read_limited(request)
        if data is None:
            return _answer("too_large")
        try:
            photo = await asyncio.to_thread(reencode, data)  # decoding is CPU work
        except PhotoError as exc:
            logger.info("photo refused (%s): %s", exc.code, exc)
            return _answer(exc.code)
        try:
            token = await asyncio.to_thread(self.store.hold, session_id, photo)
        except Exception:
            logger.exception("photo not stored")
            return _answer("unavailable")
        if token is None:
            return _answer("no_report")
        return _answer(width=photo.width, height=photo.height)

    async def held(self, request: web.Request) -> web.Response:
        session_id = self._session(request)
        if session_id is None:
            return _answer("session")
        content = await asyncio.to_thread(self.store.held_photo, session_id)
        if content is None:
            return _answer("none")
        return web.Response(body=content, content_type="image/jpeg", headers={**CORS, "Cache-Control": "no-store"})

    async def remove(self, request: web.Request) -> web.Response:
        session_id = self._session(request)
        if session_id is None:
            return _answer("session")
        try:
            removed = await asyncio.to_thread(self.store.drop_held, session_id)
        except Exception:
            logger.exception("photo not removed")
            return _answer("unavailable")
        return _answer(removed=removed)

    async def media(self, request: web.Request) -> web.Response:
        content = await asyncio.to_thread(self.store.served, request.match_info["token"])
        if content is None:
            raise web.HTTPNotFound()
        return web.Response(body=content, content_type="image/jpeg", headers={
            "Cache-Control": "private, max-age=3600",
            "Content-Disposition": "inline",
        })
