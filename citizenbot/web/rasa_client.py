"""Talking to the Rasa server from the web gateway: the REST channel and the HTTP API."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import aiohttp

# Several Rasa replicas behind nginx (scripts/run_cluster.sh): nginx hashes this header so every
# call about one conversation reaches the same replica (Rasa 3.6's Redis lock store alone does not
# keep two replicas from interleaving one conversation: rasa issue #9213). The value is the id as
# it appears in the API's paths, which nginx hashes when the header is absent.
CONVERSATION_HEADER = "X-Conversation-Id"


def route(sender: str) -> dict[str, str]:
    return {CONVERSATION_HEADER: quote(sender, safe="")}


class RasaUnavailable(Exception):
    """The Rasa server did not answer usefully (down, starting, too slow, or not Rasa at all)."""


class RasaClient:
    """Every call either returns Rasa's JSON or raises RasaUnavailable: callers tell the resident
    or the staff member once, instead of handling each network failure."""

    def __init__(self, base_url: str, token: str, timeout: float = 30.0, session: aiohttp.ClientSession | None = None,
                 rest_key: str = ""):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.rest_key = rest_key  # REST_CHANNEL_KEY, when the REST channel asks for one
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._own_session = session is None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
            self._own_session = True
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None and not self._session.closed:
            await self._session.close()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            async with self._http().request(method, f"{self.base_url}{path}", **kwargs) as response:
                if response.status >= 500:
                    raise RasaUnavailable(f"Rasa answered {response.status}")
                response.raise_for_status()
                try:
                    return await response.json(content_type=None)
                except ValueError as exc:  # a page that is not JSON (a proxy's error page, a wrong RASA_URL)
                    raise RasaUnavailable("the answer was not JSON: is RASA_URL the Rasa server?") from exc
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError, TimeoutError) as exc:
            # (a total timeout is asyncio.TimeoutError, which Python 3.10 does not count as TimeoutError)
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        except aiohttp.ClientResponseError as exc:
            raise RasaUnavailable(f"Rasa answered {exc.status}") from exc

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict]:
        """A resident's message through the REST channel; returns the bot's messages."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        headers = {**route(sender), **({"Authorization": f"Bearer {self.rest_key}"} if self.rest_key else {})}
        result = await self._request("POST", "/webhooks/rest/webhook", json=body, headers=headers)
        return result if isinstance(result, list) else []

    async def tracker(self, sender: str) -> dict:
        return await self._request(
            "GET", f"/conversations/{quote(sender, safe='')}/tracker", params={"token": self.token},
            headers=route(sender),
        )

    async def append_events(self, sender: str, events: list[dict]) -> dict:
        return await self._request(
            "POST", f"/conversations/{quote(sender, safe='')}/tracker/events",
            params={"token": self.token}, json=events, headers=route(sender),
        )

    async def ready(self, timeout: float = 5.0) -> bool:
        """Whether Rasa has a model loaded and accepts our token: GET /status (409 while no model
        is loaded, 401 with a wrong token). Its REST channel answers before that is known."""
        try:
            status = await self._request("GET", "/status", params={"token": self.token},
                                         timeout=aiohttp.ClientTimeout(total=timeout))
        except RasaUnavailable:
            return False
        return isinstance(status, dict) and bool(status.get("model_file"))
