"""A local, in-memory Open311 GeoReport v2 server for tests and local development.

A test tool, not part of the runtime library. Follows the shared spec ``open311.md``:

- ``GET  /services.json[?locale=fi|sv|en]``
- ``POST /requests.json`` (form-encoded; 403 on a bad ``api_key``; 400 on an unknown or
  missing ``service_code``, no location, or a ``description`` that is missing or not
  10-5,000 characters). Success: ``[{"service_request_id", "service_notice"}]``, or
  ``[{"token"}]`` when the app is made with ``batch=True``.
- ``GET  /requests/{id}.json[?extensions=true]`` (404 for an unknown id)
- ``GET  /requests.json?service_request_id=a,b[&extensions=true]``; without ids it lists
  the (moderated) requests, filtered by ``service_code``, ``status``, ``start_date`` and
  ``end_date`` when given.
- ``GET  /tokens/{token}.json``

Error bodies are the standard GeoReport list ``[{"code", "description"}]``
(``error_style="list"``) or, like Tampere's server, a JSON object of field errors
(``error_style="tampere"``, e.g. ``{"description": ["..."]}``).

Tests reach the in-memory state with ``app["state"]`` (or ``app[STATE_KEY]`` / ``state_of(app)``)
and flip its switches: ``down`` (503 to everything), ``fail_next`` (500 to the next N creates),
``delay`` (seconds to wait before answering), ``answer_delay`` (store a create, then wait before
answering: past a client's timeout), ``drop_after_store`` (store the next N creates and close the
connection without an answer), ``jurisdiction_id`` (every call must name it, otherwise 400),
``auto_resolve_tokens`` and ``premoderation``. ``creates()`` counts
the create calls that arrived.
``state.set_status(...)`` simulates the city processing a report. The default service list
(codes 171-180 and 199, the demo codes of ``kb/city/tampere.yml``) is ``open311_fake_services``.

Run it from the repository root (every option of ``main`` is honoured)::

    uv run python -m tests.reports.open311_fake --port 8311 --api-key dev-key [--host 127.0.0.1]
        [--batch] [--error-style list|tampere]

and point the action server at it with ``OPEN311_BASE_URL=http://127.0.0.1:8311``
``OPEN311_API_KEY=dev-key``.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import secrets
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from .open311_fake_services import DEFAULT_SERVICES, NOTICES, default_services, locale_of

__all__ = [
    "DEFAULT_SERVICES",
    "DETAILED_STATUSES",
    "STATE_KEY",
    "FakeOpen311State",
    "create_app",
    "main",
    "state_of",
]

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 5000
DETAILED_STATUSES = ("RECEIVED", "IN_PROCESS", "PROCESSED")

def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class FakeOpen311State:
    """Everything the fake server knows, in memory; tests read and change it freely."""

    api_key: str = "test-key"
    services: list[dict] | None = None  # None: the localised default list
    batch: bool = False
    error_style: str = "list"  # "list" (GeoReport) or "tampere" (field-error object)
    down: bool = False  # answer 503 to everything
    fail_next: int = 0  # answer 500 to the next N create calls
    delay: float = 0.0  # seconds to wait before answering any call
    answer_delay: float = 0.0  # seconds to wait after storing a create, before answering it
    drop_after_store: int = 0  # close the connection instead of answering the next N creates
    auto_resolve_tokens: bool = True  # batch: token maps to an id at once
    premoderation: bool = False  # Helsinki: new requests listed only once moderated
    jurisdiction_id: str | None = None  # a server of several cities: every call must name this one
    requests: dict[str, dict] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # token -> service_request_id
    pending_tokens: set[str] = field(default_factory=set)  # tokens not yet resolved
    calls: list[dict] = field(default_factory=list)  # log of received calls
    in_flight: int = 0  # calls being answered now (a test waits for 0 before stopping the server)
    _next_id: int = 1

    # ---- services

    def service_list(self, locale: str | None = None) -> list[dict]:
        if self.services is not None:
            return copy.deepcopy(self.services)
        return default_services(locale)

    def service_codes(self) -> set[str]:
        return {str(s.get("service_code")) for s in self.service_list()}

    # ---- requests

    def add_request(self, fields: dict[str, Any]) -> dict:
        """Store a new request (already validated) and return its record."""
        request_id = f"{datetime.now(timezone.utc).year}-{self._next_id:06d}"
        self._next_id += 1
        now = _now_iso()
        code = str(fields["service_code"])
        name = next(
            (s.get("service_name") for s in self.service_list() if str(s.get("service_code")) == code),
            None,
        )
        record = {
            "service_request_id": request_id,
            "status": "open",
            "status_notes": None,
            "service_name": name,
            "service_code": code,
            "title": fields.get("title"),
            "description": fields.get("description"),
            "agency_responsible": None,
            "service_notice": NOTICES[locale_of(fields.get("locale"))],
            "requested_datetime": now,
            "updated_datetime": now,
            "expected_datetime": None,
            "address": fields.get("address_string"),
            "lat": fields.get("lat"),
            "long": fields.get("long"),
            "media_url": fields.get("media_url"),
            "detailed_status": "RECEIVED",
            "moderated": not self.premoderation,
            # Personal data: kept for tests, never returned by the GET calls.
            "private": {k: fields.get(k) for k in ("email", "phone", "first_name", "last_name", "locale")},
        }
        self.requests[request_id] = record
        return record

    def set_status(
        self,
        service_request_id: str,
        status: str = "closed",
        status_notes: str | None = None,
        detailed_status: str | None = None,
        expected_datetime: str | None = None,
        agency_responsible: str | None = None,
    ) -> dict:
        """Simulate the city processing a request. Raises KeyError for an unknown id.

        ``detailed_status`` defaults to PROCESSED for ``closed`` and IN_PROCESS for ``open``.
        """
        record = self.requests[service_request_id]
        if status not in ("open", "closed"):
            raise ValueError(f"status must be 'open' or 'closed', not {status!r}")
        record["status"] = status
        if status_notes is not None:
            record["status_notes"] = status_notes
        if expected_datetime is not None:
            record["expected_datetime"] = expected_datetime
        if agency_responsible is not None:
            record["agency_responsible"] = agency_responsible
        record["detailed_status"] = (detailed_status or ("PROCESSED" if status == "closed" else "IN_PROCESS")).upper()
        record["updated_datetime"] = _now_iso()
        record["moderated"] = True
        return self.public(record, extensions=True)

    def add_token(self, request_id: str) -> str:
        """Batch servers: a token for a new request, resolved at once or by resolve_tokens()."""
        token = secrets.token_hex(8)
        self.tokens[token] = request_id
        if not self.auto_resolve_tokens:
            self.pending_tokens.add(token)
        return token

    def resolve_tokens(self) -> None:
        """Batch servers: let every pending token show the id of its request."""
        self.pending_tokens.clear()

    @staticmethod
    def public(record: dict, extensions: bool = False) -> dict:
        """A request as the GET calls show it."""
        out = {
            k: v for k, v in record.items() if k not in ("private", "moderated", "detailed_status", "service_notice")
        }
        if extensions:
            out["extended_attributes"] = {"detailed_status": record["detailed_status"]}
        return out

    async def wait(self, attribute: str = "delay") -> None:
        """Sleep ``delay`` (or another attribute's) seconds; re-read each step so a test can cut it short."""
        start = time.monotonic()
        while time.monotonic() - start < getattr(self, attribute):
            await asyncio.sleep(min(0.05, max(0.0, getattr(self, attribute) - (time.monotonic() - start))))

    def creates(self) -> int:
        """How many create calls arrived (whatever was answered)."""
        return sum(1 for c in self.calls if c["method"] == "POST" and c["path"] == "/requests.json")


STATE_KEY = web.AppKey("open311_state", FakeOpen311State)


def state_of(app: web.Application) -> FakeOpen311State:
    return app[STATE_KEY]


# ---------------------------------------------------------------- helpers


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)


def _error(state: FakeOpen311State, status: int, problems: list[tuple[str, str]]) -> web.Response:
    """An error answer in the app's style; ``problems`` are (field, message) pairs."""
    if state.error_style == "tampere" and status == 400:
        body: dict[str, list[str]] = {}
        for fld, message in problems:
            body.setdefault(fld, []).append(message)
        return _json(body, status)
    if state.error_style == "tampere":
        return _json({"detail": "; ".join(m for _, m in problems)}, status)
    return _json([{"code": status, "description": m} for _, m in problems], status)


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _float(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        return None


# ---------------------------------------------------------------- handlers


@web.middleware
async def _common(request: web.Request, handler: Any) -> web.StreamResponse:
    state = state_of(request.app)
    state.calls.append(
        {
            "method": request.method,
            "path": request.path,
            "query": dict(request.query),
            "content_type": request.headers.get("Content-Type"),
        }
    )
    state.in_flight += 1
    try:
        await state.wait()
        if state.down:
            return web.Response(status=503, text="Service Unavailable")
        if state.jurisdiction_id is not None:
            given = request.query.get("jurisdiction_id")
            if request.method == "POST":
                given = (await request.post()).get("jurisdiction_id")
            if given != state.jurisdiction_id:  # the reference server's error style
                return _json({"code": 400, "detail": f"jurisdiction_id must be {state.jurisdiction_id}"}, 400)
        return await handler(request)
    finally:
        state.in_flight -= 1


async def _services(request: web.Request) -> web.Response:
    state = state_of(request.app)
    return _json(state.service_list(request.query.get("locale")))


async def _create(request: web.Request) -> web.Response:
    state = state_of(request.app)
    if state.fail_next > 0:
        state.fail_next -= 1
        return web.Response(status=500, text="Internal Server Error")
    form = await request.post()
    fields = {k: (v if isinstance(v, str) else None) for k, v in form.items()}

    if fields.get("api_key") != state.api_key:
        return _error(state, 403, [("api_key", "Invalid api_key received")])

    problems: list[tuple[str, str]] = []
    code = (fields.get("service_code") or "").strip()
    if not code:
        problems.append(("service_code", "service_code is required"))
    elif code not in state.service_codes():
        problems.append(("service_code", f"Unknown service_code: {code}"))

    lat_raw, long_raw = fields.get("lat"), fields.get("long")
    lat, long = _float(lat_raw), _float(long_raw)
    address = (fields.get("address_string") or "").strip()
    has_point = lat is not None and long is not None
    if (lat_raw or long_raw) and (
        not has_point or not (-90 <= lat <= 90) or not (-180 <= long <= 180)  # type: ignore[operator]
    ):
        problems.append(("lat", "lat and long must both be valid coordinates"))
        has_point = False
    if not has_point and not address:
        problems.append(("address_string", "A location is required: lat and long, or address_string"))

    description = fields.get("description") or ""
    if not description.strip():
        problems.append(("description", "description is required"))
    elif len(description.strip()) < DESCRIPTION_MIN:
        problems.append(("description", f"description must be at least {DESCRIPTION_MIN} characters"))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(("description", f"description must be at most {DESCRIPTION_MAX} characters"))
    if problems:
        return _error(state, 400, problems)

    record = state.add_request(
        {
            **fields,
            "service_code": code,
            "address_string": address or None,
            "lat": lat if has_point else None,
            "long": long if has_point else None,
        }
    )
    if state.drop_after_store > 0:  # stored, but the client never hears about it
        state.drop_after_store -= 1
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=200)  # written to a closed connection: the client gets nothing
    await state.wait("answer_delay")
    if state.batch:
        return _json([{"token": state.add_token(record["service_request_id"])}])
    return _json(
        [
            {
                "service_request_id": record["service_request_id"],
                "service_notice": record["service_notice"],
                "account_id": None,
            }
        ]
    )


async def _request_one(request: web.Request) -> web.Response:
    state = state_of(request.app)
    request_id = request.match_info["service_request_id"]
    record = state.requests.get(request_id)
    if record is None:
        return _error(state, 404, [("service_request_id", f"Unknown service_request_id: {request_id}")])
    return _json([state.public(record, _truthy(request.query.get("extensions")))])


async def _request_many(request: web.Request) -> web.Response:
    state = state_of(request.app)
    extensions = _truthy(request.query.get("extensions"))
    ids_raw = request.query.get("service_request_id")
    if ids_raw:
        ids = [i.strip() for i in ids_raw.split(",") if i.strip()]
        found = [state.requests[i] for i in ids if i in state.requests]
    else:
        found = [r for r in state.requests.values() if r["moderated"]]
        if request.query.get("service_code"):
            codes = set(request.query["service_code"].split(","))
            found = [r for r in found if r["service_code"] in codes]
        if request.query.get("status"):
            statuses = set(request.query["status"].split(","))
            found = [r for r in found if r["status"] in statuses]
        for key, keep in (("start_date", lambda r, t: r >= t), ("end_date", lambda r, t: r <= t)):
            if request.query.get(key):
                limit = _parse_time(request.query[key])
                if limit is None:
                    return _error(state, 400, [(key, f"{key} is not an ISO 8601 time")])
                found = [r for r in found if keep(_parse_time(r["requested_datetime"]), limit)]
    return _json([state.public(r, extensions) for r in found])


async def _token(request: web.Request) -> web.Response:
    state = state_of(request.app)
    token = request.match_info["token"]
    if token not in state.tokens:
        return _error(state, 404, [("token", f"Unknown token: {token}")])
    item: dict[str, Any] = {"token": token}
    if token not in state.pending_tokens:
        item["service_request_id"] = state.tokens[token]
    return _json([item])


def create_app(
    api_key: str = "test-key",
    services: list[dict] | None = None,
    batch: bool = False,
    error_style: str = "list",
) -> web.Application:
    """A fake GeoReport v2 server; its state is ``app["state"]`` (also ``app[STATE_KEY]``)."""
    if error_style not in ("list", "tampere"):
        raise ValueError("error_style must be 'list' or 'tampere'")
    state = FakeOpen311State(
        api_key=api_key,
        services=copy.deepcopy(services) if services is not None else None,
        batch=batch,
        error_style=error_style,
    )
    app = web.Application(middlewares=[_common])
    app[STATE_KEY] = state
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        app["state"] = state
    app.router.add_get("/services.json", _services)
    app.router.add_post("/requests.json", _create)
    app.router.add_get("/requests.json", _request_many)
    app.router.add_get("/requests/{service_request_id}.json", _request_one)
    app.router.add_get("/tokens/{token}.json", _token)
    return app


def main(argv: list[str] | None = None) -> None:
    """Serve the fake until Ctrl-C; the one entry point (``python -m tests.reports.open311_fake``)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.reports.open311_fake",
        description="Local fake Open311 GeoReport v2 server (development and tests only)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8311)
    parser.add_argument("--api-key", default="dev-key")
    parser.add_argument("--batch", action="store_true", help="answer creates with tokens")
    parser.add_argument("--error-style", choices=("list", "tampere"), default="list")
    args = parser.parse_args(argv)
    app = create_app(api_key=args.api_key, batch=args.batch, error_style=args.error_style)
    print(f"Fake Open311 server on http://{args.host}:{args.port} (api_key {args.api_key!r})")
    web.run_app(app, host=args.host, port=args.port, print=None)

if __name__ == "__main__":
    main()
