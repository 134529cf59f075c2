"""Async client for Open311 GeoReport v2 fault-report services (see shared spec ``open311.md``).

Speaks the subset the assistant uses against the feedback systems of Finnish cities
(Tampere, Helsinki, Turku, the 6Aika common spec):

- ``services()``            GET  {base}/services.json
- ``create_request()``      POST {base}/requests.json (form-encoded, UTF-8, ``api_key`` in the body)
- ``request_status()``      GET  {base}/requests/{id}.json
- ``requests_status()``     GET  {base}/requests.json?service_request_id=a,b
- ``find_request()``        GET  {base}/requests.json?service_code=..&start_date=..&end_date=..
- ``token()``               GET  {base}/tokens/{token}.json (batch servers)

Every failure is raised as :class:`Open311Error`, whose ``retryable`` flag tells the caller (the
outbox) whether sending again later can help: timeouts, connection errors, HTTP 408/429/5xx are
retryable; 400/403/404 and answers that cannot be understood are not. ``errors`` holds the
server's messages as ``{"code", "description"}`` dicts, parsed from the standard GeoReport list
body or from Tampere's JSON object of field errors.

What is sent and how answers are read (forms, error bodies, statuses) is
``citizenbot.reports.georeport``; this module does the HTTP calls.

Nothing happens at import; the HTTP session is created on first use and the client keeps no
global state. Dates are returned as the ISO 8601 strings the server sent.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp

from citizenbot.reports.georeport import (
    CreateResult,
    carries_reference,
    create_form,
    create_result,
    error_reason,
    parse_errors,
    said_in,
    snippet,
)

__all__ = ["CreateResult", "Open311Client", "Open311Error"]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


class Open311Error(Exception):
    """A failed Open311 call.

    ``status`` is the HTTP status (None when no answer came: timeout, connection error);
    ``errors`` the server's messages, each ``{"code": ..., "description": ...}``; ``reason`` one
    readable line for staff (the status and what the server said, without the URL);
    ``retryable`` whether the same call may succeed later; ``may_have_arrived`` whether the server
    may have received and acted on the call although no clear answer came (a timeout, a connection
    dropped after the request was sent, a gateway's 504): sending a create again could duplicate it.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: list[dict] | None = None,
        retryable: bool = False,
        may_have_arrived: bool = False,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or message
        self.status = status
        self.errors: list[dict] = list(errors or [])
        self.retryable = retryable
        self.may_have_arrived = may_have_arrived

    @property
    def descriptions(self) -> list[str]:
        """The servers' error descriptions (meant for the user), non-empty ones only."""
        return [str(e.get("description")) for e in self.errors if e.get("description")]

    def __repr__(self) -> str:
        return (
            f"Open311Error({self.message!r}, status={self.status!r}, "
            f"errors={self.errors!r}, retryable={self.retryable!r})"
        )


def _iso_utc(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_retryable_status(status: int) -> bool:
    return status >= 500 or status in (408, 429)


def read_answer(what: str, status: int, body: bytes, not_found_ok: bool = False) -> Any:
    """The parsed JSON of an answer; Open311Error for an error status or a body that is not JSON.

    With ``not_found_ok`` a 404 gives None.
    """
    text = body.decode("utf-8", errors="replace")
    try:
        payload: Any = json.loads(text) if text.strip() else None
        is_json = payload is not None
    except ValueError:
        payload, is_json = None, False

    if status == 404 and not_found_ok:
        return None
    if not 200 <= status < 300:
        reason = error_reason(status, payload if is_json else None, text)
        raise Open311Error(
            f"{what}: {reason}",
            status=status,
            errors=parse_errors(payload, status) if is_json else [],
            retryable=is_retryable_status(status),
            may_have_arrived=status == 504,  # the gateway gave up; the city may have stored it
            reason=reason,
        )
    if not is_json:  # a success status: the server may well have done what was asked
        reason = f"HTTP {status} but the answer is not JSON: {said_in(None, text) or '(empty)'}"
        raise Open311Error(
            f"{what}: {reason}", status=status, retryable=False, may_have_arrived=True, reason=reason,
        )
    return payload


def unexpected_answer(what: str, status: int, payload: Any) -> Open311Error:
    """The error for a JSON answer that does not have the shape the call expects."""
    reason = f"unexpected answer: {snippet(json.dumps(payload, ensure_ascii=False))}"
    return Open311Error(
        f"{what}: {reason}",
        status=status,
        retryable=False,
        may_have_arrived=200 <= status < 300,
        reason=reason,
    )


class Open311Client:
    """Async GeoReport v2 client.

    ``base_url`` is the endpoint root, e.g. ``https://feedback.tampere.fi/v1``. ``timeout`` is
    the total time in seconds allowed for one call. ``jurisdiction_id``, when given, goes with every
    call (a query parameter, or a form field of a create), as servers of several cities require. A ``session`` passed in is used and left
    open; otherwise the client creates its own on first use and closes it in :meth:`close`
    (or on leaving ``async with``).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float = 5.0,
        session: aiohttp.ClientSession | None = None,
        jurisdiction_id: str | None = None,
    ) -> None:
        if not base_url or not base_url.strip():
            raise ValueError("Open311 base_url is empty")
        self.base_url = base_url.strip().rstrip("/")
        self.api_key = api_key
        self.timeout = float(timeout)
        self._session = session
        self._owns_session = session is None
        self.jurisdiction_id = (jurisdiction_id or "").strip() or None

    def __repr__(self) -> str:  # never show the api_key
        return f"Open311Client(base_url={self.base_url!r}, timeout={self.timeout!r})"

    async def __aenter__(self) -> Open311Client:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this client created it; a session passed in is left open."""
        if self._owns_session and self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or (self._owns_session and self._session.closed):
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    def _url(self, *segments: str) -> str:
        return self.base_url + "/" + "/".join(segments)

    # ------------------------------------------------------------------ transport

    async def _call(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        not_found_ok: bool = False,
    ) -> tuple[int, Any]:
        """Send one request; return ``(status, parsed JSON)``.

        Raises Open311Error for every failure. With ``not_found_ok`` a 404 returns
        ``(404, None)`` instead.
        """
        headers = {"Accept": "application/json"}
        data: bytes | None = None
        if self.jurisdiction_id:
            if form is not None:
                form = {**form, "jurisdiction_id": self.jurisdiction_id}
            else:
                params = {**(params or {}), "jurisdiction_id": self.jurisdiction_id}
        if form is not None:
            headers["Content-Type"] = FORM_CONTENT_TYPE
            data = urlencode(form, encoding="utf-8").encode("ascii")
        session = self._get_session()
        what = f"{method} {url}"
        try:
            async with session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as resp:
                status = resp.status
                body = await resp.read()
        except asyncio.TimeoutError:
            reason = f"no answer within {self.timeout:g} s"
            raise Open311Error(f"{what}: {reason}", retryable=True, may_have_arrived=True, reason=reason) from None
        except aiohttp.ClientConnectorError as exc:  # no connection was made: nothing was sent
            reason = f"could not connect: {exc}"
            raise Open311Error(f"{what}: {reason}", retryable=True, reason=reason) from exc
        except aiohttp.ClientResponseError as exc:  # a session made with raise_for_status
            reason = f"HTTP {exc.status} {exc.message}"
            raise Open311Error(
                f"{what}: {reason}",
                status=exc.status,
                retryable=is_retryable_status(exc.status),
                reason=reason,
            ) from exc
        except aiohttp.ClientError as exc:  # e.g. the server closed the connection mid-answer
            reason = f"the connection failed: {type(exc).__name__}: {exc}"
            raise Open311Error(
                f"{what}: {reason}", retryable=True, may_have_arrived=True, reason=reason
            ) from exc

        return status, read_answer(what, status, body, not_found_ok)

    # ------------------------------------------------------------------ calls

    async def services(self, locale: str | None = None) -> list[dict]:
        """The service list (``service_code``, ``service_name``, ``group``, ...)."""
        params = {"locale": locale} if locale else None
        url = self._url("services.json")
        status, payload = await self._call("GET", url, params=params)
        if isinstance(payload, dict) and isinstance(payload.get("services"), list):
            payload = payload["services"]
        if not isinstance(payload, list) or not all(isinstance(s, dict) for s in payload):
            raise unexpected_answer(f"GET {url}", status, payload)
        return payload

    async def create_request(self, **fields: str | float | None) -> CreateResult:
        """Send a new service request (fault report). ``fields`` are those of
        ``georeport.create_form`` (service_code, description, address_string or lat and long,
        email, phone, names, title, media_url, locale): a missing location or an unknown field
        raises before anything is sent.
        """
        form = create_form(self.api_key, **fields)
        url = self._url("requests.json")
        status, payload = await self._call("POST", url, form=form)
        result = create_result(payload)
        if result is None:
            raise unexpected_answer(f"POST {url}", status, payload)
        return result

    async def request_status(self, service_request_id: str, extensions: bool = True) -> dict | None:
        """One request's current state, or None when the server does not know the id."""
        if not str(service_request_id).strip():
            raise ValueError("service_request_id is empty")
        url = self._url("requests", quote(str(service_request_id), safe="") + ".json")
        params = {"extensions": "true"} if extensions else None
        status, payload = await self._call("GET", url, params=params, not_found_ok=True)
        if status == 404:
            return None
        if isinstance(payload, dict) and "service_request_id" in payload:
            return payload
        if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
            raise unexpected_answer(f"GET {url}", status, payload)
        return payload[0] if payload else None

    async def requests_status(self, ids: list[str], extensions: bool = True) -> list[dict]:
        """The state of several requests in one call; unknown ids are simply missing."""
        wanted = [str(i) for i in ids if str(i).strip()]
        if not wanted:
            return []
        url = self._url("requests.json")
        params = {"service_request_id": ",".join(wanted)}
        if extensions:
            params["extensions"] = "true"
        status, payload = await self._call("GET", url, params=params, not_found_ok=True)
        if status == 404:
            return []
        if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
            raise unexpected_answer(f"GET {url}", status, payload)
        return payload

    async def find_request(
        self, service_code: str, reference: str, start: datetime, end: datetime
    ) -> dict | None:
        """The city's request whose description carries ``reference``, created in [start, end].

        For a create whose answer never came: ``requests.json`` filtered by service code and
        time window. None when the server does not list it (yet); Open311Error when it cannot say.
        """
        url = self._url("requests.json")
        params = {
            "service_code": str(service_code),
            "start_date": _iso_utc(start),
            "end_date": _iso_utc(end),
        }
        status, payload = await self._call("GET", url, params=params, not_found_ok=True)
        if status == 404:
            return None
        if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
            raise unexpected_answer(f"GET {url}", status, payload)
        return next((r for r in payload if carries_reference(r.get("description"), reference)), None)

    async def token(self, token: str) -> str | None:
        """The service_request_id behind a batch server's token, or None while not known."""
        if not str(token).strip():
            raise ValueError("token is empty")
        url = self._url("tokens", quote(str(token), safe="") + ".json")
        status, payload = await self._call("GET", url, not_found_ok=True)
        if status == 404:
            return None
        if isinstance(payload, list) and not payload:
            return None
        item = payload[0] if isinstance(payload, list) else payload
        if not isinstance(item, dict):
            raise unexpected_answer(f"GET {url}", status, payload)
        request_id = item.get("service_request_id")
        return str(request_id) if request_id not in (None, "") else None
