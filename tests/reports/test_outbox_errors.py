"""What the city says when it refuses a report is kept with it, and failures are bounded and alerted.

A local server answers the create call in each error style servers use: the GeoReport list, the
reference server's ``{"code", "detail"}``, ``{"code", "description"}``, field errors, HTML pages of
proxies and application servers, plain text.
"""

import logging

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from citizenbot.reports import outbox
from citizenbot.reports.outbox import Open311Config, deliver
from citizenbot.reports.store import RETRY_LIMIT, ReportStore

from .open311_fake import create_app, state_of
from .test_outbox import CODES, KEY, make_due_now, new_report

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
    "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

STYLES = [
    # (status, body, content type, sync state after one attempt, the reason stored)
    (400, '[{"code": 400, "description": "Unknown service_code: 171"}]', "application/json", "failed",
     "HTTP 400 Bad Request: Unknown service_code: 171"),
    (400, '{"code": 400, "detail": "jurisdiction_id is required"}', "application/json", "failed",
     "HTTP 400 Bad Request: jurisdiction_id is required"),
    (403, '{"code": 403, "description": "Invalid api_key received"}', "application/json", "failed",
     "HTTP 403 Forbidden: Invalid api_key received"),
    (400, '{"description": ["description must be at least 10 characters"]}', "application/json", "failed",
     "HTTP 400 Bad Request: description must be at least 10 characters"),  # the field is named already
    (404, "<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>Not Found</h1>"
          "<p>The requested URL was not found on this server.</p></body></html>", "text/html", "failed",
     "HTTP 404 Not Found: Not Found - The requested URL was not found on this server."),
    (422, "service_code 171 is closed for the winter", "text/plain", "failed",
     "HTTP 422 Unprocessable Entity: service_code 171 is closed for the winter"),
    (502, NGINX_502, "text/html", "pending", "HTTP 502 Bad Gateway: 502 Bad Gateway - nginx"),
    (500, '{"code": 500, "detail": "Database unavailable"}', "application/json", "pending",
     "HTTP 500 Internal Server Error: Database unavailable"),
    (429, "Too many requests, slow down", "text/plain", "pending",
     "HTTP 429 Too Many Requests: Too many requests, slow down"),
]


def city_answering(status: int, body: str, content_type: str) -> web.Application:
    async def create(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(status=status, body=body.encode(), content_type=content_type)

    app = web.Application()
    app.router.add_post("/requests.json", create)
    return app


@pytest.mark.asyncio
@pytest.mark.parametrize(("status", "body", "content_type", "state", "reason"), STYLES)
async def test_the_citys_reason_is_stored_whatever_its_style(
    fresh_database, caplog, status, body, content_type, state, reason
):
    store = ReportStore(fresh_database)
    number = new_report(store)
    async with TestServer(city_answering(status, body, content_type), host="127.0.0.1") as server:
        config = Open311Config(str(server.make_url("")).rstrip("/"), KEY, 2.0, CODES, "199")
        with caplog.at_level(logging.WARNING, logger="citizenbot.reports.outbox"):
            assert not await deliver(store, config, number, "Kuoppa")
    row = store.get_row(number)
    assert (row["sync_state"], row["last_error"], row["error_status"], row["attempts"]) == (state, reason, status, 1)
    alerts = [r for r in caplog.records if r.levelno == logging.ERROR]
    if state == "failed":  # a permanent refusal is not retried: an alert for staff
        assert len(alerts) == 1 and reason in alerts[0].getMessage() and row["next_attempt_at"] is None
    else:
        assert alerts == [] and row["next_attempt_at"] is not None


@pytest.mark.asyncio
async def test_a_city_that_keeps_failing_raises_an_alert_and_the_report_is_kept_as_failed(fresh_database, caplog):
    store = ReportStore(fresh_database)
    number = new_report(store)
    async with TestServer(create_app(api_key=KEY), host="127.0.0.1") as server:
        state = state_of(server.app)
        state.fail_next = RETRY_LIMIT  # a configuration error at the city: 500 to everything
        config = Open311Config(str(server.make_url("")).rstrip("/"), KEY, 2.0, CODES, "199")
        with caplog.at_level(logging.WARNING, logger="citizenbot.reports.outbox"):
            for attempt in range(1, RETRY_LIMIT + 1):
                make_due_now(fresh_database, number)
                assert not await deliver(store, config, number, "Kuoppa")
                row = store.get_row(number)
                assert row["attempts"] == attempt
                assert row["sync_state"] == ("failed" if attempt == RETRY_LIMIT else "pending")
            make_due_now(fresh_database, number)
            assert not await deliver(store, config, number, "Kuoppa")  # failed: not sent again
        assert state.creates() == RETRY_LIMIT
    alerts = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(alerts) == 2
    assert f"after {outbox.RETRY_ALERT_AFTER} attempts" in alerts[0] and "kept as failed" in alerts[1]
    assert row["last_error"] == "HTTP 500 Internal Server Error: Internal Server Error"


@pytest.mark.asyncio
async def test_a_category_without_a_service_code_fails_with_the_reason(fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store, category="maintenance.tree")
    config = Open311Config("http://127.0.0.1:9", KEY, 2.0, CODES, None)  # never called
    assert not await deliver(store, config, number, "Puu")
    row = store.get_row(number)
    assert row["sync_state"] == "failed" and "no service code for maintenance.tree" in row["last_error"]


@pytest.mark.asyncio
async def test_a_gateway_timeout_is_not_retried_blindly(fresh_database):
    """A 504 means the gateway gave up, not that the city did: the report may be there."""
    store = ReportStore(fresh_database)
    number = new_report(store)
    app = city_answering(504, "<html><head><title>504 Gateway Time-out</title></head></html>", "text/html")
    async with TestServer(app, host="127.0.0.1") as server:  # it lists nothing: the lookup fails too
        config = Open311Config(str(server.make_url("")).rstrip("/"), KEY, 2.0, CODES, "199")
        assert not await deliver(store, config, number, "Kuoppa")
    row = store.get_row(number)
    assert row["sync_state"] == "uncertain" and "504 Gateway Time-out" in row["last_error"]
