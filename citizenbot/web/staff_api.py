"""The staff console's HTTP API (documented in docs/staff-api.yaml, served as OpenAPI JSON) and
its real-time namespace ``/staff``. Every endpoint but login needs a staff session cookie; every
change needs the ``X-Requested-With: citizenbot`` header (with SameSite=Strict cookies this keeps
other sites from acting in a logged-in console)."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import socketio
import yaml
from aiohttp import web

from citizenbot.conversation.transcript import as_text, for_staff
from citizenbot.handoff import search as handoff_search
from citizenbot.handoff.staff import ANALYTICS_ROLES, Staff, StaffDirectory, TooManyAttempts
from citizenbot.handoff.store import OUTCOMES, HandoffView
from citizenbot.kb import KnowledgeBase
from citizenbot.settings import PROJECT_ROOT, served_languages
from citizenbot.web.analytics_live import ANALYTICS_ROOM
from citizenbot.web.client_address import client_address
from citizenbot.web.handoff_service import STAFF_NS, HandoffService, handoff_room, queue_room, staff_room
from citizenbot.web.rasa_client import RasaUnavailable

COOKIE = "cb_staff"
CSRF_HEADER = "X-Requested-With"
CSRF_VALUE = "citizenbot"
MAX_TEXT = 4000
OPENAPI_FILE = PROJECT_ROOT / "docs" / "staff-api.yaml"
CANNED_FILE = "staff/canned.yml"


def error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def topic_title(kb: KnowledgeBase, topic: str | None, lang: str = "fi") -> str | None:
    """A topic in plain words for staff ("Lapsen kuume", not "health.child_fever"): the button title
    of the topic or of the nearest topic above a finer id (maintenance.snow_plowing.street)."""
    parts = (topic or "").split(".")
    while len(parts) > 1:
        title = kb.label(f"topic.{'.'.join(parts)}", lang, "")
        if title:
            return title
        parts.pop()
    return None


def _cookie_token(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed cookie header is no session
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


class StaffApi:
    def __init__(self, directory: StaffDirectory, service: HandoffService, kb: KnowledgeBase, kb_dir: Path,
                 secure_cookies: bool = False, trusted_proxies: frozenset[str] = frozenset()):
        self.directory, self.service, self.kb, self.kb_dir = directory, service, kb, kb_dir
        self.secure_cookies = secure_cookies
        self.trusted_proxies = trusted_proxies
        self._canned: tuple[float, dict] | None = None

    # --- plumbing -------------------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        r = app.router
        r.add_post("/api/staff/login", self.login)
        r.add_post("/api/staff/logout", self.authed(self.logout))
        r.add_get("/api/staff/me", self.authed(self.me))
        r.add_get("/api/staff/queue", self.authed(self.queue))
        r.add_get("/api/staff/canned", self.authed(self.canned))
        r.add_get("/api/staff/handoffs/{id:\\d+}", self.authed(self.handoff))
        r.add_post("/api/staff/handoffs/{id:\\d+}/claim", self.authed(self.claim))
        r.add_post("/api/staff/handoffs/{id:\\d+}/messages", self.authed(self.message))
        r.add_post("/api/staff/handoffs/{id:\\d+}/notes", self.authed(self.note))
        r.add_post("/api/staff/handoffs/{id:\\d+}/return", self.authed(self.hand_back))
        r.add_post("/api/staff/handoffs/{id:\\d+}/transfer", self.authed(self.transfer))
        r.add_post("/api/staff/handoffs/{id:\\d+}/close", self.authed(self.close))
        r.add_get("/api/staff/handoffs/{id:\\d+}/transcript.txt", self.authed(self.transcript_text))
        r.add_get("/api/staff/search", self.authed(self.search))
        r.add_get("/api/staff/openapi.json", self.openapi)

    def authed(self, handler: Callable[[web.Request, Staff], Awaitable[web.StreamResponse]]):
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            if request.method != "GET" and request.headers.get(CSRF_HEADER) != CSRF_VALUE:
                return error(403, f"missing {CSRF_HEADER} header")
            token = request.cookies.get(COOKIE)
            staff = await asyncio.to_thread(self.directory.session_staff, token)
            if staff is None:
                return error(401, "log in first")
            return await handler(request, staff)

        return wrapper

    async def _body(self, request: web.Request) -> dict:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text=json.dumps({"error": "body must be JSON"}), content_type="application/json") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text=json.dumps({"error": "body must be a JSON object"}), content_type="application/json")
        return body

    async def _handoff(self, request: web.Request, staff: Staff, *, own: bool = False) -> HandoffView:
        handoff = await asyncio.to_thread(self.service.store.get, int(request.match_info["id"]))
        if handoff is None:
            raise web.HTTPNotFound(text=json.dumps({"error": "no such conversation"}), content_type="application/json")
        allowed = handoff.queue in staff.queues or (handoff.claimed_by == staff.id)
        if own and not (handoff.status == "active" and (handoff.claimed_by == staff.id or staff.role == "admin")):
            raise web.HTTPConflict(text=json.dumps({"error": "this conversation is not yours"}), content_type="application/json")
        if not allowed:
            raise web.HTTPForbidden(text=json.dumps({"error": "not your queue"}), content_type="application/json")
        return handoff

    @staticmethod
    def _text(body: dict) -> str:
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise web.HTTPBadRequest(text=json.dumps({"error": "text is required"}), content_type="application/json")
        return text.strip()[:MAX_TEXT]

    # --- endpoints ------------------------------------------------------------------------------

    async def login(self, request: web.Request) -> web.Response:
        if request.headers.get(CSRF_HEADER) != CSRF_VALUE:
            return error(403, f"missing {CSRF_HEADER} header")
        body = await self._body(request)
        address = client_address(request.remote, request.headers.get("X-Forwarded-For"), self.trusted_proxies)
        try:
            result = await asyncio.to_thread(self.directory.login, str(body.get("username") or ""),
                                             str(body.get("password") or ""), address)
        except TooManyAttempts:
            return error(429, "too many failed attempts: wait 15 minutes")
        if result is None:
            return error(401, "wrong username or password")
        staff, token = result
        response = web.json_response({"staff": staff.as_json()})
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=self.secure_cookies, path="/")
        return response

    async def logout(self, request: web.Request, staff: Staff) -> web.Response:
        await asyncio.to_thread(self.directory.logout, request.cookies.get(COOKIE))
        response = web.json_response({"ok": True})
        response.del_cookie(COOKIE, path="/")
        return response

    async def me(self, request: web.Request, staff: Staff) -> web.Response:
        return web.json_response({"staff": staff.as_json()})

    def _json(self, handoff: HandoffView) -> dict:
        """A handoff for the console, with its topic in plain words (the console is in Finnish)."""
        return {**handoff.as_json(), "topic_title": topic_title(self.kb, handoff.topic, "fi")}

    async def queue(self, request: web.Request, staff: Staff) -> web.Response:
        waiting = await asyncio.to_thread(self.service.store.waiting, staff.queues)
        mine = await asyncio.to_thread(self.service.store.active_for, staff.id)
        queues: dict[str, list] = {q: [] for q in staff.queues}
        for h in waiting:
            queues[h.queue].append(await asyncio.to_thread(self._json, h))
        return web.json_response({"queues": queues, "mine": [await asyncio.to_thread(self._json, h) for h in mine]})

    async def handoff(self, request: web.Request, staff: Staff) -> web.Response:
        handoff = await self._handoff(request, staff)
        try:
            transcript = for_staff(await self.service.rasa.tracker(handoff.conversation_id))
        except RasaUnavailable:
            return error(503, "the assistant is not answering: transcript unavailable, try again")
        notes = await asyncio.to_thread(self.service.store.notes, handoff.id)
        return web.json_response({"handoff": await asyncio.to_thread(self._json, handoff), "transcript": transcript,
                                  "notes": notes})

    async def transcript_text(self, request: web.Request, staff: Staff) -> web.Response:
        """The conversation as a text file to keep (who said what; no notes, no technical details)."""
        handoff = await self._handoff(request, staff)
        lang = request.query.get("lang", "fi")
        try:
            messages = for_staff(await self.service.rasa.tracker(handoff.conversation_id))
        except RasaUnavailable:
            return error(503, "the assistant is not answering: transcript unavailable, try again")
        text = as_text(messages, f"{handoff.id} · {handoff.created_at:%Y-%m-%d}", lang, handoff_search.LOCAL)
        name = {"fi": "keskustelu", "sv": "samtal"}.get(lang, "conversation")
        return web.Response(text=text, content_type="text/plain", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}-{handoff.id}.txt"'})

    async def search(self, request: web.Request, staff: Staff) -> web.Response:
        """Conversations this staff member may open, by text, report number and dates."""
        from datetime import date

        try:
            query = handoff_search.SearchQuery(
                text=" ".join(request.query.get("q", "").split()),
                date_from=date.fromisoformat(request.query["from"]) if request.query.get("from") else None,
                date_to=date.fromisoformat(request.query["to"]) if request.query.get("to") else None)
        except ValueError as exc:
            return error(400, str(exc))
        results = await asyncio.to_thread(handoff_search.search, self.service.store.database, query,
                                          queues=staff.queues, staff_id=staff.id)
        return web.json_response({"results": results})

    async def claim(self, request: web.Request, staff: Staff) -> web.Response:
        handoff = await self._handoff(request, staff)
        if handoff.queue not in staff.queues:
            return error(403, "not your queue")
        claimed = await self.service.claim(handoff.id, staff)
        if claimed is None:
            return error(409, "someone else took this conversation, or the resident left the queue")
        return web.json_response({"handoff": claimed.as_json()})

    async def message(self, request: web.Request, staff: Staff) -> web.Response:
        handoff = await self._handoff(request, staff, own=True)
        text = self._text(await self._body(request))
        await self.service.staff_message(handoff, staff, text)
        return web.json_response({"ok": True}, status=201)

    async def note(self, request: web.Request, staff: Staff) -> web.Response:
        handoff = await self._handoff(request, staff)
        note = await asyncio.to_thread(self.service.store.add_note, handoff.id, staff.id, self._text(await self._body(request)))
        await self.service.sio.emit("note_added", {"handoff_id": handoff.id, "note": note},
                                    room=handoff_room(handoff.id), namespace=STAFF_NS)
        return web.json_response({"note": note}, status=201)

    async def hand_back(self, request: web.Request, staff: Staff) -> web.Response:
        handoff = await self._handoff(request, staff, own=True)
        done = await self.service.hand_back(handoff, staff)
        return web.json_response({"handoff": done.as_json()}) if done else error(409, "not active")

    async def transfer(self, request: web.Request, staff: Staff) -> web.Response:
        handoff = await self._handoff(request, staff)
        queue = (await self._body(request)).get("queue")
        if queue not in self.service.config.queues:
            return error(400, f"queue must be one of {', '.join(self.service.config.queues)}")
        if handoff.status == "active" and handoff.claimed_by != staff.id and staff.role != "admin":
            return error(409, "this conversation is not yours")
        moved = await self.service.transfer(handoff, queue)
        return web.json_response({"handoff": moved.as_json()}) if moved else error(409, "already ended")

    async def close(self, request: web.Request, staff: Staff) -> web.Response:
        handoff = await self._handoff(request, staff, own=True)
        outcome = (await self._body(request)).get("outcome")
        if outcome not in OUTCOMES:
            return error(400, f"outcome must be one of {', '.join(OUTCOMES)}")
        done = await self.service.close(handoff, staff, outcome)
        return web.json_response({"handoff": done.as_json()}) if done else error(409, "not active")

    async def canned(self, request: web.Request, staff: Staff) -> web.Response:
        lang = request.query.get("lang", "fi")
        if lang not in served_languages():
            return error(400, f"lang must be one of {', '.join(served_languages())}")
        data = await asyncio.to_thread(self._canned_data)
        out = {}
        for queue in staff.queues:
            out[queue] = [
                {"id": c["id"], "title": c["title"][lang], "text": await asyncio.to_thread(self.kb.render, c["text"][lang], lang)}
                for c in data.get(queue, [])
            ]
        return web.json_response({"lang": lang, "canned": out})

    def _canned_data(self) -> dict:
        path = self.kb_dir / CANNED_FILE
        mtime = path.stat().st_mtime if path.exists() else 0.0
        if self._canned is None or self._canned[0] != mtime:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
            self._canned = (mtime, (data or {}).get("canned") or {})
        return self._canned[1]

    async def openapi(self, request: web.Request) -> web.Response:
        spec = await asyncio.to_thread(lambda: yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8")))
        return web.json_response(spec)


class StaffSocket:
    """Real-time console updates: queue changes, resident messages and typing, notes."""

    def __init__(self, sio: socketio.AsyncServer, directory: StaffDirectory, service: HandoffService):
        self.sio, self.directory, self.service = sio, directory, service
        sio.on("connect", self.on_connect, namespace=STAFF_NS)
        sio.on("watch", self.on_watch, namespace=STAFF_NS)
        sio.on("typing", self.on_typing, namespace=STAFF_NS)

    async def _staff(self, sid: str) -> Staff | None:
        session = await self.sio.get_session(sid, namespace=STAFF_NS)
        staff = await asyncio.to_thread(self.directory.session_staff, session.get("token"))
        return staff

    async def on_connect(self, sid: str, environ: dict, auth: Any = None) -> bool:
        token = _cookie_token(environ.get("HTTP_COOKIE"))
        staff = await asyncio.to_thread(self.directory.session_staff, token)
        if staff is None:
            return False
        await self.sio.save_session(sid, {"token": token}, namespace=STAFF_NS)
        for queue in staff.queues:
            await self.sio.enter_room(sid, queue_room(queue), namespace=STAFF_NS)
        await self.sio.enter_room(sid, staff_room(staff.id), namespace=STAFF_NS)
        if staff.role in ANALYTICS_ROLES:  # told when the figures change (citizenbot.web.analytics_live)
            await self.sio.enter_room(sid, ANALYTICS_ROOM, namespace=STAFF_NS)
        return True

    async def on_watch(self, sid: str, data: Any = None) -> dict:
        staff = await self._staff(sid)
        if staff is None:
            return {"ok": False, "error": "session"}
        handoff_id = data.get("handoff_id") if isinstance(data, dict) else None
        handoff = await asyncio.to_thread(self.service.store.get, int(handoff_id)) if isinstance(handoff_id, int) else None
        if handoff is None or not (handoff.queue in staff.queues or handoff.claimed_by == staff.id):
            return {"ok": False, "error": "forbidden"}
        for room in self.sio.rooms(sid, namespace=STAFF_NS):
            if room.startswith("staff:handoff:") and room != handoff_room(handoff.id):
                await self.sio.leave_room(sid, room, namespace=STAFF_NS)
        await self.sio.enter_room(sid, handoff_room(handoff.id), namespace=STAFF_NS)
        return {"ok": True}

    async def on_typing(self, sid: str, data: Any = None) -> None:
        staff = await self._staff(sid)
        if staff is None or not isinstance(data, dict) or not isinstance(data.get("handoff_id"), int):
            return
        handoff = await asyncio.to_thread(self.service.store.get, data["handoff_id"])
        if handoff and handoff.status == "active" and handoff.claimed_by == staff.id:
            await self.service.staff_typing(handoff, bool(data.get("on")))
