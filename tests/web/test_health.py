"""The web process's liveness (/healthz) and readiness (/readyz: the database and a Rasa with a
model) against a stand-in Rasa, and the readiness checks themselves against a real database and
a port where no database listens."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from citizenbot import health
from citizenbot.store.db import Database
from citizenbot.web.app import create_app

from .fake_rasa import TOKEN, FakeRasa


@pytest.mark.asyncio
async def test_liveness_does_not_depend_on_rasa_and_readiness_does(fresh_database):
    rasa = FakeRasa()
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token=TOKEN, secret="s",
                         database_url=fresh_database.url)
        async with TestServer(app, host="127.0.0.1") as web_server, aiohttp.ClientSession() as http:
            async def get(path: str) -> tuple[int, dict]:
                async with http.get(web_server.make_url(path)) as answer:
                    return answer.status, await answer.json()

            assert await get("/readyz") == (200, {"status": "ready", "database": "ok", "rasa": "ok"})
            rasa.model_loaded = False  # Rasa restarting: its REST channel up, the model not yet
            assert await get("/readyz") == (503, {"status": "not ready", "database": "ok", "rasa": "failing"})
            rasa.down = True
            assert (await get("/readyz"))[0] == 503
            assert await get("/healthz") == (200, {"status": "ok"})


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_database_check_fails_where_no_database_answers(fresh_database):
    assert asyncio.run(health.database_ok(fresh_database))
    away = Database(f"postgresql+psycopg2://citizenbot@127.0.0.1:{closed_port()}/none")
    try:
        status, body = asyncio.run(health.readiness({"database": health.database_ok(away, timeout=10)}))
    finally:
        away.dispose()
    assert (status, body) == (503, {"status": "not ready", "database": "failing"})
