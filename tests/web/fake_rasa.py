"""A stand-in for the Rasa server's REST channel and HTTP API, for gateway tests."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiohttp import web

from citizenbot import safety

TOKEN = "test-token"


class FakeRasa:
    def __init__(self):
        self.events: dict[str, list[dict]] = {}
        self.down = False
        self.actions_down = False  # like Rasa when its action server is down: the message kept, no reply
        self.during_message = None  # called while a message is being handled (to inject a race)
        self.routed: list[tuple[str, str | None]] = []  # (path, X-Conversation-Id) of each call
        self.model_loaded = True  # False: like Rasa before its model is loaded (GET /status is 409)
        self.hold: asyncio.Event | None = None  # set: a slow Rasa, each message handled once it is set
        self.app = web.Application()
        self.app.router.add_post("/webhooks/rest/webhook", self.webhook)
        self.app.router.add_get("/webhooks/rest/", self.health)
        self.app.router.add_get("/status", self.status)
        self.app.router.add_get("/conversations/{sid}/tracker", self.tracker)
        self.app.router.add_post("/conversations/{sid}/tracker/events", self.append)

    def _check(self, request):
        self.routed.append((request.path, request.headers.get("X-Conversation-Id")))
        if self.down:
            raise web.HTTPServiceUnavailable()

    async def health(self, request):
        self._check(request)
        return web.json_response({"status": "ok"})

    async def status(self, request):
        self._check(request)
        if request.query.get("token") != TOKEN:
            raise web.HTTPUnauthorized()
        if not self.model_loaded:  # Rasa's answer while no agent is loaded
            return web.json_response({"status": "failure", "reason": "Conflict", "code": 409}, status=409)
        return web.json_response({"model_file": "models/test.tar.gz", "model_id": "abc", "num_active_training_jobs": 0})

    async def webhook(self, request):
        self._check(request)
        body = await request.json()
        if self.hold is not None:  # like Rasa, the message is stored only once it is handled
            await self.hold.wait()
            self._check(request)
        sender, text, metadata = body["sender"], body["message"], body.get("metadata") or {}
        events = self.events.setdefault(sender, [])
        events.append({"event": "user", "text": text, "metadata": metadata, "timestamp": time.time()})
        if self.during_message is not None:
            self.during_message(sender)
        if self.paused(sender) or self.actions_down:  # like Rasa: the message logged, no reply
            return web.json_response([])
        lang = metadata.get("lang") or next((e["value"] for e in reversed(events) if e.get("event") == "slot"), "fi")
        reply = {"recipient_id": sender, "text": f"vastaus: {text}",
                 "custom": {"topic": "meta.greet", "lang": lang, "id": uuid.uuid4().hex}}
        if safety.is_emergency(text):  # like Rasa's EmergencyOverride: the 112 answer
            reply.update(text="Soita heti 112.", custom={**reply["custom"], "topic": "health.emergency"})
        if text == "buttons please":
            reply["buttons"] = [{"title": "Katujen auraus", "payload": "/maintenance.snow_plowing"}]
        events.append({"event": "bot", "text": reply["text"], "data": {"custom": reply["custom"], "buttons": reply.get("buttons")},
                       "timestamp": time.time()})
        return web.json_response([reply])

    def paused(self, sender: str) -> bool:
        for event in reversed(self.events.get(sender, [])):
            if event.get("event") in ("pause", "resume"):
                return event["event"] == "pause"
        return False

    async def tracker(self, request):
        self._check(request)
        if request.query.get("token") != TOKEN:
            raise web.HTTPUnauthorized()
        sid = request.match_info["sid"]
        return web.json_response({"sender_id": sid, "events": self.events.get(sid, [])})

    async def append(self, request):
        self._check(request)
        if request.query.get("token") != TOKEN:
            raise web.HTTPUnauthorized()
        sid = request.match_info["sid"]
        self.events.setdefault(sid, []).extend(await request.json())
        return web.json_response({"sender_id": sid})
