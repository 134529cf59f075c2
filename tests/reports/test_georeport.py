"""GeoReport v2 payloads: the create form, create answers, error bodies, statuses, descriptions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from citizenbot.reports.georeport import (
    CreateResult,
    create_form,
    create_result,
    error_reason,
    parse_errors,
    remote_status,
    request_description,
)

# ---------------------------------------------------------------- requests


def test_create_form_leaves_out_what_is_not_given():
    form = create_form("k", service_code=171, description="Syvä kuoppa", lat=61.5, long=23.75, email=None)
    assert form == {"api_key": "k", "service_code": "171", "description": "Syvä kuoppa", "lat": "61.5", "long": "23.75"}
    form = create_form("k", service_code="171", description="Syvä kuoppa", address_string="Katu 1", locale="sv")
    assert form["address_string"] == "Katu 1" and form["locale"] == "sv" and "lat" not in form


@pytest.mark.parametrize(
    "fields",
    [{}, {"address_string": "   "}, {"lat": 61.5}, {"long": 23.7}, {"lat": 91.0, "long": 23.7}, {"service_code": " "}],
)
def test_create_form_refuses_a_request_without_a_location_or_code(fields: dict) -> None:
    fields = {"service_code": "171", **fields}
    with pytest.raises(ValueError):
        create_form("k", description="Syvä kuoppa", **fields)


@pytest.mark.filterwarnings("ignore")
def test_request_description_is_long_enough_for_the_city():
    text = request_description({"description": None, "location": "X"}, "Kuoppa")
    assert len(text) >= 10
    assert request_description({"description": "Syvä kuoppa", "location": "Hämeenkatu 5"}, "Kuoppa") == "Kuoppa. Syvä kuoppa (Hämeenkatu 5)"

# ---------------------------------------------------------------- answers


def test_create_result_reads_an_id_or_a_token():
    assert create_result([{"service_request_id": 7, "service_notice": ""}]) == CreateResult("7", None, None)
    assert create_result({"token": "abc"}) == CreateResult(None, "abc", None)
    assert create_result([{"service_request_id": ""}]) is None
    assert create_result([]) is None
    assert create_result("ok") is None


def test_remote_status_mapping():
    assert remote_status({"status": "open"})[0] == "open"
    assert remote_status({"status": "open", "extended_attributes": {"detailed_status": "IN_PROCESS"}})[0] == "in_process"
    status, notes, updated = remote_status({"status": "closed", "status_notes": "Korjattu", "updated_datetime": "2026-11-27T10:00:00+02:00"})
    assert (status, notes) == ("closed", "Korjattu")
    assert updated.utcoffset() == timedelta(hours=2)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ([{"code": 400, "description": "Bad"}], [{"code": 400, "description": "Bad"}]),
        ({"description": ["too short"]}, [{"code": "description", "description": "too short"}]),
        (
            {"errors": {"lat": ["invalid"], "long": "invalid too"}},
            [
                {"code": "lat", "description": "invalid"},
                {"code": "long", "description": "invalid too"},
            ],
        ),
        ({"errors": [{"code": "E1", "description": "x"}]}, [{"code": "E1", "description": "x"}]),
        ({"detail": "Not found."}, [{"code": 404, "description": "Not found."}]),
        ({"code": 404, "description": "Nope"}, [{"code": 404, "description": "Nope"}]),
        ({"code": 400, "detail": "No such jurisdiction"}, [{"code": 400, "description": "No such jurisdiction"}]),
        ({"location": {"lat": ["bad"]}}, [{"code": "location.lat", "description": "bad"}]),
        ("plain text", [{"code": 404, "description": "plain text"}]),
        (None, []),
        (42, []),
    ],
)
def test_parse_errors(payload: Any, expected: list[dict]) -> None:
    assert parse_errors(payload, 404) == expected


NGINX_502 = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.24.0</center>
</body>
</html>"""

TOMCAT_400 = """<!doctype html><html lang="en"><head><title>HTTP Status 400 – Bad Request</title>
<style type="text/css">body {font-family:Tahoma,Arial,sans-serif;}</style></head><body>
<h1>HTTP Status 400 – Bad Request</h1><hr class="line" /><p><b>Message</b> Invalid jurisdiction_id</p>
<script>console.log("x")</script></body></html>"""


@pytest.mark.parametrize(
    ("status", "payload", "text", "expected"),
    [
        (400, [{"code": 400, "description": "service_code not found"}], "",
         "HTTP 400 Bad Request: service_code not found"),
        (400, {"code": 400, "detail": "jurisdiction_id is required"}, "",
         "HTTP 400 Bad Request: jurisdiction_id is required"),
        (403, {"code": 403, "description": "Invalid api_key"}, "", "HTTP 403 Forbidden: Invalid api_key"),
        (400, {"description": ["must be at least 10 characters"], "lat": ["invalid"]}, "",
         "HTTP 400 Bad Request: description: must be at least 10 characters; lat: invalid"),
        (400, {"detail": "Not allowed."}, "", "HTTP 400 Bad Request: Not allowed."),
        (502, None, NGINX_502, "HTTP 502 Bad Gateway: 502 Bad Gateway - nginx/1.24.0"),
        (400, None, TOMCAT_400,
         "HTTP 400 Bad Request: HTTP Status 400 – Bad Request - Message Invalid jurisdiction_id"),
        (500, None, "Internal Server Error\n\n  database   down", "HTTP 500 Internal Server Error: Internal Server Error database down"),
        (500, None, "", "HTTP 500 Internal Server Error"),
        (599, "quota exceeded", "", "HTTP 599: quota exceeded"),
    ],
)
def test_every_error_style_gives_a_readable_reason(status, payload, text, expected) -> None:
    assert error_reason(status, payload, text) == expected
