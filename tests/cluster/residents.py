"""Simulated residents and a staff member for the cluster test (tests/cluster/test_cluster.py).

A ``WidgetResident`` talks as the widget does: python-socketio over WebSocket to the web gateways
through nginx, ``session_request`` on every (re)connect, ``user_uttered`` and the ``bot_uttered``
replies. It connects from an address of its own on 127.0.0.0/8 so that nginx's ``ip_hash`` spreads
residents over the gateways as it spreads real ones. A ``RestResident`` talks to the REST channel
through nginx's Rasa port, naming its conversation in ``X-Conversation-Id`` as the gateways do.

When a message gets no answer (the widget's "not answering, try again" notice, a dropped
connection), a resident does what a person at the widget would see to do: reads the history the
gateway sends on reconnect, and sends the message again only when it is not there. So a message
is in the conversation once, whichever process died while it was on its way. The stored
conversation has personal data redacted (a street address is ``<ADDRESS>``), so a message is
looked for in its stored form.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import aiohttp
import socketio

from citizenbot.redact import redact

REPLY_TIMEOUT = 45.0  # longer than the gateway's own Rasa timeout (30 s), so it answers first
ATTEMPTS = 8


class StaffCallFailed(AssertionError):
    """A staff API call that failed (recorded in ``Staff.failures``)."""


class NoAnswer(AssertionError):
    """A message that got no answer after every attempt."""


async def wait_for(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(step)
    return condition()


def source_address(n: int) -> str:
    """Residents' own loopback addresses: nginx's ip_hash looks at the first three octets."""
    return f"127.0.{1 + n % 250}.1"


@dataclass
class WidgetResident:
    url: str
    name: str
    source: str
    lang: str = "fi"
    sent: list[str] = field(default_factory=list)
    received: list[dict] = field(default_factory=list)
    history: list[dict] | None = None
    session: dict | None = None
    disconnects: int = 0
    retries: int = 0
    error: str | None = None

    async def open(self) -> None:
        self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(self.source, 0)))
        self.sio = socketio.AsyncClient(reconnection=True, reconnection_delay=0.3, reconnection_delay_max=1.0,
                                        http_session=self._http)
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("session_confirm", self._on_session)
        self.sio.on("history", self._on_history)
        self.sio.on("bot_uttered", self._on_bot)
        self.sio.on("error_notice", self._on_error)
        await self.sio.connect(self.url, socketio_path="/socket.io/", transports=["websocket"], wait_timeout=30)
        await self._history_after_connect()

    async def close(self) -> None:
        await self.sio.disconnect()
        await self._http.close()

    # --- events ----------------------------------------------------------------------------------

    async def _on_connect(self) -> None:  # every (re)connect: the widget asks for its session again
        self.history = None
        await self.sio.emit("session_request", self.session or {})

    async def _on_disconnect(self) -> None:
        self.disconnects += 1

    async def _on_session(self, data) -> None:
        self.session = {"session_id": data["session_id"], "token": data["token"]}

    async def _on_history(self, data) -> None:
        self.history = data["messages"]

    async def _on_bot(self, data) -> None:
        self.received.append(data)

    async def _on_error(self, data) -> None:
        self.error = data.get("code")

    async def _history_after_connect(self) -> list[dict]:
        if not await wait_for(lambda: self.history is not None and self.sio.connected, 60):
            raise NoAnswer(f"{self.name}: no session and history after connecting")
        return self.history

    @property
    def conversation_id(self) -> str:
        return self.session["session_id"]

    # --- talking ---------------------------------------------------------------------------------

    async def say(self, text: str, answered: bool = True) -> list[dict]:
        """Send a message until it is in the conversation; returns the replies it got.
        ``answered=False``: a message to a person (the bot is paused), done once it is stored."""
        for attempt in range(ATTEMPTS):
            if attempt:
                self.retries += 1
                await asyncio.sleep(1)
            await self._history_after_connect()
            mark, disconnects, self.error = len(self.received), self.disconnects, None
            try:
                await self.sio.emit("user_uttered", {**self.session, "message": text, "metadata": {"lang": self.lang}})
            except socketio.exceptions.BadNamespaceError:
                continue  # the connection dropped just now: reconnect first
            if not answered:
                await wait_for(lambda d=disconnects: self.error or self.disconnects > d, 1.0)
                if await self._stored(text, answered=False):
                    self.sent.append(text)
                    return []
                continue
            await wait_for(lambda m=mark, d=disconnects: len(self.received) > m or self.error or self.disconnects > d,
                           REPLY_TIMEOUT)
            if len(self.received) > mark:
                await asyncio.sleep(0.3)  # an answer may be several messages
                self.sent.append(text)
                return self.received[mark:]
            if await self._stored(text):
                self.sent.append(text)
                return []
        raise NoAnswer(f"{self.name}: {text!r} was not answered in {ATTEMPTS} attempts")

    async def _stored(self, text: str, answered: bool = True) -> bool:
        """Whether the message is in the conversation's history with an answer after it (the
        process that died had finished it). Reconnecting gives the history; otherwise ask again."""
        # (the gateway answers at most 10 session requests a connection a minute: ask sparingly)
        for _ in range(3 if answered else 4):
            if self.sio.connected and self.history is not None:
                self.history = None
                try:
                    await self.sio.emit("session_request", self.session)
                except socketio.exceptions.BadNamespaceError:
                    pass
            history = await self._history_after_connect()
            mine = [i for i, m in enumerate(history) if m.get("from") == "resident"]
            said = [history[i]["text"] for i in mine]
            assert said[:len(self.sent)] == stored(self.sent), f"{self.name}: the history has {said}, sent {self.sent}"
            # after what this tab knows: its message, maybe among another tab's
            found = [i for i in mine[len(self.sent):] if history[i]["text"] == redact(text)]
            if found:
                if not answered or any(m.get("from") != "resident" for m in history[found[0] + 1:]):
                    return True
                await asyncio.sleep(2)  # stored, its answer still on the way: look again
                continue
            if answered:
                return False
            await asyncio.sleep(1.5)  # the gateway hands it to Rasa after telling the staff
        return False

    async def wait_bot(self, condition, timeout: float = 60) -> dict:
        """The first bot message (from now on or already received) that matches: received live,
        or in the history the gateway sent on reconnecting (a message sent to the conversation while
        this resident's gateway was down reached nobody live, as in the widget)."""
        def seen() -> list[dict]:
            return [m for m in [*self.received, *(self.history or [])] if m.get("from") != "resident" and condition(m)]

        if not await wait_for(lambda: bool(seen()), timeout):
            raise NoAnswer(f"{self.name}: no matching bot message in {timeout}s")
        return seen()[0]


@dataclass
class RestResident:
    rasa_url: str
    token: str
    name: str
    lang: str = "en"
    sent: list[str] = field(default_factory=list)
    retries: int = 0

    @property
    def conversation_id(self) -> str:
        return self.name

    async def open(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=40))

    async def close(self) -> None:
        await self._http.close()

    async def say(self, text: str) -> list[dict]:
        headers = {"X-Conversation-Id": quote(self.name, safe="")}
        body = {"sender": self.name, "message": text, "metadata": {"lang": self.lang}}
        for attempt in range(ATTEMPTS):
            if attempt:
                self.retries += 1
                await asyncio.sleep(1)
            try:
                async with self._http.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body,
                                           headers=headers) as response:
                    if response.status == 200:
                        replies = await response.json()
                        self.sent.append(text)
                        return replies
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            if await self._stored(text):
                self.sent.append(text)
                return []
        raise NoAnswer(f"{self.name}: {text!r} was not answered in {ATTEMPTS} attempts")

    async def tracker(self) -> dict:
        headers = {"X-Conversation-Id": quote(self.name, safe="")}
        url = f"{self.rasa_url}/conversations/{quote(self.name, safe='')}/tracker"
        async with self._http.get(url, params={"token": self.token}, headers=headers) as response:
            response.raise_for_status()
            return await response.json()

    async def _stored(self, text: str) -> bool:
        for _ in range(3):
            try:
                events = (await self.tracker())["events"]
            except (aiohttp.ClientError, asyncio.TimeoutError):
                await asyncio.sleep(1)
                continue
            said = [e["text"] for e in events if e["event"] == "user"]
            if said == stored([*self.sent, text]):
                if events and any(e["event"] == "bot" for e in events[-3:]):
                    return True
                await asyncio.sleep(2)
                continue
            return False
        return False


class Staff:
    """A staff member using the console's API through nginx (cookie session, CSRF header)."""

    CSRF = {"X-Requested-With": "citizenbot"}

    def __init__(self, url: str, username: str, password: str):
        self.url, self.username, self.password = url.rstrip("/"), username, password
        self.calls = 0
        self.failures: list[str] = []

    async def open(self) -> None:
        self._http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                           timeout=aiohttp.ClientTimeout(total=30))
        await self.call("POST", "/api/staff/login", {"username": self.username, "password": self.password})

    async def close(self) -> None:
        await self._http.close()

    async def call(self, method: str, path: str, body: dict | None = None, ok=(200, 201)) -> dict:
        """One API call; a failure is recorded (the console must keep working) and raised."""
        self.calls += 1
        try:
            async with self._http.request(method, self.url + path, json=body, headers=self.CSRF) as response:
                text = await response.text()
                if response.status in ok:
                    return json.loads(text)
                failure = f"{method} {path}: {response.status} {text[:200]}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            failure = f"{method} {path}: {type(exc).__name__} {exc}"
        self.failures.append(failure)
        raise StaffCallFailed(failure)

    async def claim(self, handoff_id: int) -> None:
        """Claim; when the answer was lost (the gateway died under the call) look before trying
        again, as a person at the console would: it may have been claimed."""
        for _ in range(ATTEMPTS):
            try:
                await self.call("POST", f"/api/staff/handoffs/{handoff_id}/claim", {})
                return
            except StaffCallFailed:
                await asyncio.sleep(1)
            handoff = (await self.call("GET", f"/api/staff/handoffs/{handoff_id}"))["handoff"]
            if handoff["status"] == "active":
                return
        raise AssertionError(f"could not claim {handoff_id}")

    async def send(self, handoff_id: int, text: str) -> None:
        """A message to the resident; sent again only when it is not in the transcript."""
        for _ in range(ATTEMPTS):
            try:
                await self.call("POST", f"/api/staff/handoffs/{handoff_id}/messages", {"text": text})
                return
            except StaffCallFailed:
                await asyncio.sleep(1)
            if await self.sees(handoff_id, text):
                return
        raise AssertionError(f"could not send {text!r} to {handoff_id}")

    async def sees(self, handoff_id: int, text: str) -> bool:
        """Whether the conversation's transcript in the console has the text."""
        try:
            detail = await self.call("GET", f"/api/staff/handoffs/{handoff_id}")
        except StaffCallFailed:
            return False
        return any(m.get("text") == text for m in detail["transcript"])

    async def hand_back(self, handoff_id: int) -> None:
        for _ in range(ATTEMPTS):
            try:
                await self.call("POST", f"/api/staff/handoffs/{handoff_id}/return", {})
                return
            except StaffCallFailed:
                await asyncio.sleep(1)
            handoff = (await self.call("GET", f"/api/staff/handoffs/{handoff_id}"))["handoff"]
            if handoff["status"] != "active":
                return
        raise AssertionError(f"could not hand {handoff_id} back")

    async def find_waiting(self, conversation_id: str, queue: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                queues = (await self.call("GET", "/api/staff/queue"))["queues"]
            except StaffCallFailed:
                queues = {}
            found = [h for h in queues.get(queue, []) if h["conversation_id"] == conversation_id]
            if found:
                return found[0]
            await asyncio.sleep(0.5)
        raise AssertionError(f"{conversation_id} did not appear in the {queue} queue")


def stored(texts: list[str]) -> list[str]:
    """Messages as the conversation keeps them (personal data redacted)."""
    return [redact(t) for t in texts]
