"""Schema-based fuzzing of the staff API against its OpenAPI document (docs/staff-api.yaml), the
way schemathesis does it: for each documented operation, requests generated from the document
(path and query parameters, JSON bodies; hypothesis-jsonschema) are sent to a real app with a
logged-in admin session, and every answer must be no server error, a documented status code, and
for a documented JSON body one that matches its schema.

schemathesis itself cannot be installed beside the pinned dependencies (every release needs
either jsonschema >= 4.18, which Rasa 3.6 forbids, or pytest < 8), so this is its core loop on
hypothesis-jsonschema, the generator schemathesis uses.
"""

from __future__ import annotations

import asyncio
import copy
import re
import threading

import jsonschema
import pytest
import requests
import yaml
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore
from citizenbot.reports import ReportStore
from citizenbot.web.app import create_app
from citizenbot.web.staff_api import OPENAPI_FILE

from .fake_rasa import TOKEN, FakeRasa
from .test_gateway import SECRET

PASSWORD = "correct horse battery"
CSRF = {"X-Requested-With": "citizenbot"}
# Not fuzzed: logout ends the session every other request needs; decide writes into the
# project's training data (tests/web/test_review_api.py covers it on a copy).
SKIPPED = {("post", "/api/staff/logout"), ("post", "/api/staff/review/decide")}


def resolve(node, spec):
    """The document with every local $ref replaced by what it points at."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return resolve(target, spec)
        return {k: resolve(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, spec) for v in node]
    return node


def json_schema(schema: dict) -> dict:
    """OpenAPI 3.0's schema dialect as JSON Schema: ``nullable`` becomes a type with null."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.pop("nullable", False) and "type" in node:
                node["type"] = [node["type"], "null"]
            node.pop("example", None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def operations() -> list[dict]:
    spec = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if (method, path) in SKIPPED:
                continue
            op = resolve(op, spec)
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
            out.append({"method": method, "path": path, "params": op.get("parameters", []),
                        "body": json_schema(body) if body else None, "responses": op["responses"]})
    return out


OPERATIONS = operations()


@st.composite
def requests_for(draw, op: dict) -> dict:
    path, query = op["path"], {}
    for param in op["params"]:
        if param["in"] == "header":
            continue  # the CSRF header is always sent (its absence is tested in test_staff_api.py)
        schema = json_schema(param.get("schema", {}))
        if param["in"] == "path":
            value = draw(from_schema(schema))
            path = path.replace("{" + param["name"] + "}", str(value))
        elif param["in"] == "query" and (param.get("required") or draw(st.booleans())):
            query[param["name"]] = draw(from_schema(schema))
    body = draw(from_schema(op["body"])) if op["body"] else None
    return {"method": op["method"], "path": path, "params": query, "json": body}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real web app (fake Rasa behind it) on a loop of its own, some data, an admin session."""
    from citizenbot.seed import seed
    from citizenbot.store.db import Database

    from ..conftest import KB_DIR

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('schema') / 'staff.db'}")
    database.create_schema()
    seed(database, KB_DIR, "tampere")
    StaffDirectory(database).create("admin", "Admin", "admin", PASSWORD)
    HandoffStore(database).request("resident-1", "nurse", "fi", "health.child_fever", "korvakipua")
    ReportStore(database).create(category="maintenance.pothole", location="Hämeenkatu 5", description=None,
                                 contact=None, lang="fi", conversation_id="resident-2", deliver=True)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start():
        rasa = web.AppRunner(FakeRasa().app)
        await rasa.setup()
        rasa_site = web.TCPSite(rasa, "127.0.0.1", 0)
        await rasa_site.start()
        rasa_url = f"http://127.0.0.1:{rasa_site._server.sockets[0].getsockname()[1]}"
        app = web.AppRunner(create_app(rasa_url=rasa_url, rasa_token=TOKEN, secret=SECRET, database_url=database.url))
        await app.setup()
        site = web.TCPSite(app, "127.0.0.1", 0)
        await site.start()
        return rasa, app, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    rasa, app, url = asyncio.run_coroutine_threadsafe(start(), loop).result(60)
    session = requests.Session()
    answer = session.post(f"{url}/api/staff/login", json={"username": "admin", "password": PASSWORD}, headers=CSRF,
                          timeout=30)
    assert answer.status_code == 200, answer.text
    yield url, session
    for runner in (app, rasa):
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    database.dispose()


def check(op: dict, request: dict, response: requests.Response) -> None:
    where = f"{request['method'].upper()} {request['path']} {request['params']} {request['json']!r}"
    assert response.status_code < 500 or str(response.status_code) in op["responses"], \
        f"{where}: server error {response.status_code} {response.text[:300]}"
    documented = op["responses"].get(str(response.status_code)) or op["responses"].get("default")
    assert documented is not None, f"{where}: undocumented status {response.status_code} {response.text[:300]}"
    schema = (documented.get("content") or {}).get("application/json", {}).get("schema")
    if schema:
        assert response.headers.get("Content-Type", "").startswith("application/json"), where
        try:
            jsonschema.validate(response.json(), json_schema(schema))
        except jsonschema.ValidationError as exc:
            pytest.fail(f"{where}: the answer does not match the document: {exc.message}")


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op['method']} {op['path']}")
def test_every_operation_answers_as_documented(server, op):
    url, session = server

    @settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(requests_for(op))
    def run(request):
        response = session.request(request["method"], url + request["path"], params=request["params"],
                                   json=request["json"], headers=CSRF, timeout=30)
        check(op, request, response)

    run()


def test_the_document_lists_what_is_fuzzed():
    fuzzed = {(op["method"], op["path"]) for op in OPERATIONS}
    assert len(fuzzed) >= 20 and not fuzzed & SKIPPED
    assert all(re.match(r"^/api/staff/", path) for _method, path in fuzzed)
