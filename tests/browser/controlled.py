"""Servers a browser test controls: a Rasa in front of the real one that can be made slow or
stopped, and a second web process (the gateway) that talks to it. Both run in a thread with
their own event loop, on free ports of this machine."""

from __future__ import annotations

import asyncio
import os
import socket
import threading

import aiohttp
from aiohttp import web

RASA_URL = os.environ.get("RASA_URL", "http://localhost:5105")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerThread:
    """An aiohttp application served from a thread until stop()."""

    def __init__(self, make_app):
        self.make_app = make_app  # called inside the thread's loop (apps bind to their loop)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.make_app(), access_log=None)
        self.loop.run_until_complete(self.runner.setup())
        self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    def start(self) -> ServerThread:
        self._thread.start()
        if not self._ready.wait(60):
            raise RuntimeError("the server did not start")
        return self

    def call(self, fn, *args):
        """Run fn(*args) in the server's loop (to touch its state safely)."""
        return self.loop.call_soon_threadsafe(fn, *args)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)


class ControlledRasa:
    """Passes every call on to the real Rasa server, except that resident messages can be held
    (a slow Rasa: handled only on release()) or dropped (a stopped Rasa: the connection closes
    without an answer, nothing reaches the real one)."""

    def __init__(self, target: str = RASA_URL):
        self.target = target.rstrip("/")
        self.mode = "pass"  # "hold" | "drop"
        self.messages: list[str] = []  # the texts that reached the real Rasa
        self.answer = None  # answer(body) -> replies or None: answered here instead of by the real Rasa
        self.server = ServerThread(self._app)

    def _app(self) -> web.Application:
        self._released = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        return app

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if request.path == "/webhooks/rest/webhook":
            if self.mode == "drop":
                request.transport.close()  # like a killed process: no answer at all
                raise asyncio.CancelledError
            if self.mode == "hold":
                await self._released.wait()
            own = self.answer(await request.json()) if self.answer else None
            if own is not None:
                return web.json_response(own)
            self.messages.append((await request.json()).get("message"))
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type", "authorization", "x-conversation-id")}
        async with aiohttp.ClientSession() as http, http.request(
            request.method, self.target + request.path_qs, data=body, headers=headers
        ) as answer:
            return web.Response(body=await answer.read(), status=answer.status, content_type=answer.content_type)

    def start(self) -> ControlledRasa:
        self.server.start()
        return self

    @property
    def url(self) -> str:
        return self.server.url

    def hold(self) -> None:
        """From now on resident messages wait for release()."""
        self.server.call(self._released.clear)
        self.mode = "hold"

    def release(self) -> None:
        self.mode = "pass"
        self.server.call(self._released.set)

    def stop(self) -> None:
        self.server.stop()


def web_process(rasa_url: str) -> ServerThread:
    """A web process (demo pages, widget, gateway) whose Rasa is rasa_url; the same database and
    settings as the one under test."""
    from citizenbot.web.app import create_app

    return ServerThread(lambda: create_app(rasa_url=rasa_url)).start()
