"""The Open311 GeoReport v2 client against the local fake server (loopback only, no network)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from citizenbot.reports.georeport import CreateResult
from citizenbot.reports.open311 import Open311Client, Open311Error

from .open311_fake import FakeOpen311State, create_app, state_of

pytestmark = pytest.mark.asyncio

KEY = "test-key"
LONG_ENOUGH = "Syvä kuoppa pyörätiellä Hämeenkadun kohdalla."


class Fake:
    def __init__(self, server: TestServer, client: Open311Client) -> None:
        self.server = server
        self.client = client
        self.state: FakeOpen311State = state_of(server.app)

    @property
    def base_url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")


@pytest_asyncio.fixture
async def make_fake() -> AsyncIterator[Callable[..., Any]]:
    """Start a fake server (on an ephemeral 127.0.0.1 port) and a client for it."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(*, timeout: float = 2.0, client_key: str = KEY, **app_kwargs: Any) -> Fake:
            app_kwargs.setdefault("api_key", KEY)
            server = await stack.enter_async_context(TestServer(create_app(**app_kwargs), host="127.0.0.1"))
            client = Open311Client(str(server.make_url("")), client_key, timeout=timeout)
            await stack.enter_async_context(client)
            return Fake(server, client)

        yield start


@pytest_asyncio.fixture
async def fake(make_fake: Callable[..., Any]) -> Fake:
    return await make_fake()


async def create(fake: Fake, **kwargs: Any) -> CreateResult:
    kwargs.setdefault("service_code", "171")
    kwargs.setdefault("description", LONG_ENOUGH)
    if "lat" not in kwargs and "address_string" not in kwargs:
        kwargs["address_string"] = "Hämeenkatu 1, Tampere"
    return await fake.client.create_request(**kwargs)


# ---------------------------------------------------------------- services


async def test_services_default_list(fake: Fake) -> None:
    services = await fake.client.services()
    names = {s["service_name"] for s in services}
    assert len(services) == 11
    assert {"Kuoppa tai päällystevaurio", "Katuvalo", "Liikennevalot", "Muu palaute"} <= names
    for s in services:
        assert {"service_code", "service_name", "description", "metadata", "type", "group"} <= set(s)


async def test_services_locale(fake: Fake) -> None:
    services = await fake.client.services(locale="en")
    assert "Street light" in {s["service_name"] for s in services}
    assert fake.state.calls[-1]["query"] == {"locale": "en"}


async def test_services_custom_list(make_fake: Callable[..., Any]) -> None:
    custom = [{"service_code": "X1", "service_name": "Lumi", "group": "Talvi"}]
    f = await make_fake(services=custom)
    assert await f.client.services() == custom


# ---------------------------------------------------------------- create


async def test_create_with_address(fake: Fake) -> None:
    result = await create(fake, address_string="Hämeenkatu 1, Tampere", email="a@example.org")
    assert result.service_request_id
    assert result.token is None
    assert result.service_notice
    record = fake.state.requests[result.service_request_id]
    assert record["address"] == "Hämeenkatu 1, Tampere"
    assert record["lat"] is None and record["long"] is None
    assert record["private"]["email"] == "a@example.org"
    call = fake.state.calls[-1]
    assert call["method"] == "POST"
    assert call["content_type"] == "application/x-www-form-urlencoded; charset=utf-8"


async def test_create_with_lat_long(fake: Fake) -> None:
    result = await create(fake, service_code="172", lat=61.4978, long=23.7610, title="Valo rikki")
    record = fake.state.requests[result.service_request_id]
    assert record["lat"] == pytest.approx(61.4978)
    assert record["long"] == pytest.approx(23.7610)
    assert record["address"] is None
    assert record["service_code"] == "172"
    assert record["title"] == "Valo rikki"


async def test_create_omits_none_fields(make_fake: Callable[..., Any]) -> None:
    seen: dict[str, str] = {}

    async def capture(request: aiohttp.web.Request) -> aiohttp.web.Response:
        seen.update({k: str(v) for k, v in (await request.post()).items()})
        return aiohttp.web.json_response([{"service_request_id": "7", "service_notice": None}])

    app = aiohttp.web.Application()
    app.router.add_post("/requests.json", capture)
    async with TestServer(app, host="127.0.0.1") as server:
        async with Open311Client(str(server.make_url("")), "k") as client:
            result = await client.create_request(service_code="171", description=LONG_ENOUGH, lat=61.5, long=23.75)
    assert result == CreateResult(service_request_id="7", token=None, service_notice=None)
    assert seen == {
        "api_key": "k",
        "service_code": "171",
        "description": LONG_ENOUGH,
        "lat": "61.5",
        "long": "23.75",
    }


@pytest.mark.parametrize(
    "location",
    [{}, {"address_string": "   "}, {"lat": 61.5}, {"long": 23.7}, {"lat": None, "long": None}],
)
async def test_create_without_location_raises_value_error(fake: Fake, location: dict) -> None:
    with pytest.raises(ValueError):
        await fake.client.create_request(service_code="171", description=LONG_ENOUGH, **location)
    assert fake.state.calls == []  # nothing was sent
    assert fake.state.requests == {}


async def test_bad_api_key_is_403_not_retryable(make_fake: Callable[..., Any]) -> None:
    f = await make_fake(client_key="wrong")
    with pytest.raises(Open311Error) as info:
        await create(f)
    err = info.value
    assert err.status == 403
    assert err.retryable is False
    assert err.errors == [{"code": 403, "description": "Invalid api_key received"}]
    assert "wrong" not in str(err)
    assert f.state.requests == {}


async def test_400_list_style(fake: Fake) -> None:
    with pytest.raises(Open311Error) as info:
        await create(fake, service_code="nope", description="lyhyt")
    err = info.value
    assert err.status == 400
    assert err.retryable is False
    assert all(e["code"] == 400 for e in err.errors)
    descriptions = " | ".join(err.descriptions)
    assert "Unknown service_code" in descriptions
    assert "at least 10 characters" in descriptions
    assert len(err.errors) == 2


async def test_400_tampere_style(make_fake: Callable[..., Any]) -> None:
    f = await make_fake(error_style="tampere")
    with pytest.raises(Open311Error) as info:
        await create(f, description="lyhyt")
    err = info.value
    assert err.status == 400
    assert err.retryable is False
    assert err.errors == [{"code": "description", "description": "description must be at least 10 characters"}]


async def test_400_too_long_and_missing_description(fake: Fake) -> None:
    with pytest.raises(Open311Error) as info:
        await create(fake, description="ä" * 5001)
    assert info.value.status == 400 and "at most 5000" in info.value.descriptions[0]
    with pytest.raises(Open311Error) as info:
        await create(fake, description="")
    assert info.value.status == 400 and "required" in info.value.descriptions[0]
    # exactly 5,000 characters (10,000 bytes in UTF-8) is fine
    assert (await create(fake, description="ä" * 5000)).service_request_id


# ---------------------------------------------------------------- retryable failures


async def test_500_is_retryable_and_next_call_succeeds(fake: Fake) -> None:
    fake.state.fail_next = 1
    with pytest.raises(Open311Error) as info:
        await create(fake)
    assert info.value.status == 500
    assert info.value.retryable is True
    assert info.value.errors == []  # non-JSON body tolerated
    assert (await create(fake)).service_request_id


async def test_503_when_down_is_retryable(fake: Fake) -> None:
    fake.state.down = True
    for call in (fake.client.services(), create(fake), fake.client.request_status("1")):
        with pytest.raises(Open311Error) as info:
            await call
        assert info.value.status == 503
        assert info.value.retryable is True


async def test_timeout_is_retryable(make_fake: Callable[..., Any]) -> None:
    f = await make_fake(timeout=0.2)
    f.state.delay = 5.0
    started = time.monotonic()
    with pytest.raises(Open311Error) as info:
        await create(f)
    assert time.monotonic() - started < 2.0
    assert info.value.status is None
    assert info.value.retryable is True
    f.state.delay = 0.0


async def test_an_answer_that_never_came_may_have_arrived(make_fake: Callable[..., Any]) -> None:
    f = await make_fake(timeout=0.2)
    f.state.answer_delay = 30.0  # stored, then answered far too late
    with pytest.raises(Open311Error) as info:
        await create(f)
    assert info.value.may_have_arrived and info.value.retryable and len(f.state.requests) == 1
    f.state.answer_delay = 0.0
    f.state.drop_after_store = 1  # stored, then the connection closed without an answer
    with pytest.raises(Open311Error) as info:
        await create(f)
    assert info.value.may_have_arrived and info.value.status is None and len(f.state.requests) == 2
    f.state.fail_next = 1  # a clear refusal: the city did not store it
    with pytest.raises(Open311Error) as info:
        await create(f)
    assert not info.value.may_have_arrived and len(f.state.requests) == 2


async def test_find_request_by_reference_in_a_time_window(fake: Fake) -> None:
    from datetime import datetime, timedelta, timezone

    await create(fake, description="Kuoppa Hämeenkadulla [ref CB-10421-aa]")
    wanted = await create(fake, description="Kuoppa Hämeenkadulla [ref CB-1042-bb]")
    await create(fake, service_code="172", description="Katuvalo rikki [ref CB-1043-cc]")
    now = datetime.now(timezone.utc)
    hour = timedelta(hours=1)
    found = await fake.client.find_request("171", "CB-1042-bb", now - hour, now + hour)
    assert found is not None and found["service_request_id"] == wanted.service_request_id
    assert await fake.client.find_request("171", "CB-1042", now - hour, now + hour) is None  # not a prefix match
    assert await fake.client.find_request("172", "CB-1042-bb", now - hour, now + hour) is None
    assert await fake.client.find_request("171", "CB-1042-bb", now + hour, now + 2 * hour) is None
    query = fake.state.calls[-1]["query"]
    assert query["start_date"].endswith("Z") and query["service_code"] == "171"


async def test_connection_refused_is_retryable() -> None:
    async with TestServer(aiohttp.web.Application(), host="127.0.0.1") as server:
        url = str(server.make_url(""))
    # the server is closed now: nothing listens on that port
    async with Open311Client(url, KEY, timeout=2) as client:
        with pytest.raises(Open311Error) as info:
            await client.services()
    assert info.value.status is None
    assert info.value.retryable is True
    assert info.value.may_have_arrived is False  # no connection: nothing was sent


async def test_invalid_json_answer_is_not_retryable() -> None:
    async def html(request: aiohttp.web.Request) -> aiohttp.web.Response:
        return aiohttp.web.Response(text="<html>maintenance</html>", content_type="text/html")

    async def weird(request: aiohttp.web.Request) -> aiohttp.web.Response:
        return aiohttp.web.json_response([{"unexpected": True}])

    app = aiohttp.web.Application()
    app.router.add_get("/services.json", html)
    app.router.add_post("/requests.json", weird)
    async with TestServer(app, host="127.0.0.1") as server:
        async with Open311Client(str(server.make_url("")), KEY) as client:
            with pytest.raises(Open311Error) as info:
                await client.services()
            assert info.value.status == 200 and info.value.retryable is False
            with pytest.raises(Open311Error) as info:
                await client.create_request(service_code="171", description=LONG_ENOUGH, address_string="Katu 1")
            assert info.value.status == 200 and info.value.retryable is False


# ---------------------------------------------------------------- batch / tokens


async def test_batch_token_resolves_id(make_fake: Callable[..., Any]) -> None:
    f = await make_fake(batch=True)
    result = await create(f)
    assert result.service_request_id is None
    assert result.token
    request_id = await f.client.token(result.token)
    assert request_id in f.state.requests
    status = await f.client.request_status(request_id)
    assert status is not None and status["service_request_id"] == request_id


async def test_batch_token_pending_then_resolved(make_fake: Callable[..., Any]) -> None:
    f = await make_fake(batch=True)
    f.state.auto_resolve_tokens = False
    result = await create(f)
    assert await f.client.token(result.token) is None
    f.state.resolve_tokens()
    assert await f.client.token(result.token) in f.state.requests
    assert await f.client.token("no-such-token") is None


# ---------------------------------------------------------------- status


async def test_request_status_open_then_closed(fake: Fake) -> None:
    result = await create(fake, lat=61.4978, long=23.7610)
    rid = result.service_request_id
    status = await fake.client.request_status(rid)
    assert status["service_request_id"] == rid
    assert status["status"] == "open"
    assert status["status_notes"] is None
    assert status["service_code"] == "171"
    assert status["extended_attributes"]["detailed_status"] == "RECEIVED"
    assert isinstance(status["requested_datetime"], str)
    assert status["requested_datetime"].endswith("+00:00")
    assert "email" not in status and "private" not in status

    fake.state.set_status(rid, "open", detailed_status="IN_PROCESS")
    status = await fake.client.request_status(rid)
    assert status["status"] == "open"
    assert status["extended_attributes"]["detailed_status"] == "IN_PROCESS"

    fake.state.set_status(
        rid,
        "closed",
        status_notes="Kuoppa paikattu.",
        expected_datetime="2024-06-01T12:00:00+03:00",
    )
    status = await fake.client.request_status(rid)
    assert status["status"] == "closed"
    assert status["status_notes"] == "Kuoppa paikattu."
    assert status["expected_datetime"] == "2024-06-01T12:00:00+03:00"
    assert status["extended_attributes"]["detailed_status"] == "PROCESSED"
    assert status["updated_datetime"] >= status["requested_datetime"]

    plain = await fake.client.request_status(rid, extensions=False)
    assert "extended_attributes" not in plain
    assert fake.state.calls[-1]["query"] == {}


async def test_requests_status_two_ids(fake: Fake) -> None:
    a = (await create(fake)).service_request_id
    b = (await create(fake, service_code="177")).service_request_id
    fake.state.set_status(b, "closed", status_notes="Tyhjennetty.")
    rows = await fake.client.requests_status([a, b, "unknown-id"])
    by_id = {r["service_request_id"]: r for r in rows}
    assert set(by_id) == {a, b}
    assert by_id[a]["status"] == "open"
    assert by_id[b]["status"] == "closed" and by_id[b]["status_notes"] == "Tyhjennetty."
    assert fake.state.calls[-1]["query"]["service_request_id"] == f"{a},{b},unknown-id"
    assert await fake.client.requests_status([]) == []


async def test_unknown_id_is_none(fake: Fake) -> None:
    assert await fake.client.request_status("2024-999999") is None
    assert await fake.client.request_status("a/b ä") is None


# ---------------------------------------------------------------- UTF-8


async def test_utf8_round_trip(fake: Fake) -> None:
    text = "Äänekosken Översti-kadulla on iso kuoppa; Åbo-laiset ihmettelevät: ä ö å Ä Ö Å €."
    result = await create(fake, description=text, address_string="Öljytie 5, Åland", first_name="Jöns")
    status = await fake.client.request_status(result.service_request_id)
    assert status["description"] == text
    assert status["address"] == "Öljytie 5, Åland"
    assert fake.state.requests[result.service_request_id]["private"]["first_name"] == "Jöns"
    rows = await fake.client.requests_status([result.service_request_id])
    assert rows[0]["description"] == text


# ---------------------------------------------------------------- session handling


async def test_passed_session_is_not_closed(fake: Fake) -> None:
    async with aiohttp.ClientSession() as session:
        async with Open311Client(fake.base_url, KEY, session=session) as client:
            assert len(await client.services()) == 11
        assert not session.closed


async def test_own_session_is_closed() -> None:
    client = Open311Client("http://127.0.0.1:9/", KEY)
    assert client._session is None  # nothing created before the first call
    async with client:
        session = client._get_session()
    assert session.closed


async def test_empty_base_url_rejected() -> None:
    with pytest.raises(ValueError):
        Open311Client("", KEY)

