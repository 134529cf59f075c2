"""The simulated residents, against the real web gateway in front of a stand-in Rasa (no timing)."""

import asyncio
import random
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bench import load

ROOT = Path(__file__).resolve().parents[2]


def test_only_loopback_addresses_are_load_targets():
    load.check_loopback("http://127.0.0.1:8280")
    load.check_loopback("http://localhost:8280")
    for url in ("http://10.0.0.5:80", "http://example.com", "http://192.168.1.2:8080"):
        with pytest.raises(ValueError):
            load.check_loopback(url)


def test_resident_questions_leave_out_the_report_topics_and_cover_every_language():
    questions = load.resident_questions(ROOT)
    assert all(len(questions[lang]) >= 10 for lang in ("fi", "sv", "en"))
    script = load.our_scripts(questions)
    rng = random.Random(0)
    for _ in range(50):
        lang, texts = script(rng)
        assert lang in ("fi", "sv", "en") and len(texts) == 4


def test_the_pace_stays_under_the_gateways_rate_limit():
    from citizenbot.web.gateway import RATE_LIMIT

    assert 60 / load.THINK[0] < RATE_LIMIT


class FakeRasa:
    """Answers every message with one bot message; an 'error' message makes it fail."""

    def __init__(self):
        self.messages = 0
        self.app = web.Application()
        self.app.router.add_post("/webhooks/rest/webhook", self.webhook)
        self.app.router.add_get("/webhooks/rest/", lambda request: web.json_response({"status": "ok"}))
        self.app.router.add_get("/conversations/{sid}/tracker",
                                lambda request: web.json_response({"sender_id": request.match_info["sid"], "events": []}))

    async def webhook(self, request):
        body = await request.json()
        self.messages += 1
        if body["message"] == "error":
            raise web.HTTPServiceUnavailable()
        return web.json_response([{"recipient_id": body["sender"], "text": f"re: {body['message']}"}])


@pytest.mark.asyncio
async def test_residents_hold_conversations_through_the_gateway(tmp_path, monkeypatch):
    from citizenbot.web.app import create_app

    monkeypatch.setattr(load, "THINK", (0.01, 0.05))
    rasa = FakeRasa()
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token="t", secret="s",
                         database_url=f"sqlite:///{tmp_path / 'web.db'}")
        async with TestServer(app, host="127.0.0.1") as web_server:
            url = str(web_server.make_url("")).rstrip("/")
            ok = await load.run_level(url, 3, 1.0, lambda rng: ("fi", ["hei", "kysymys", "kiitos"]), reply_timeout=5)
            failing = await load.run_level(url, 2, 0.5, lambda rng: ("fi", ["error"]), reply_timeout=5)
    # engine.io leaves a ping task per closed connection sleeping: end them with the test
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)
    stats = ok.stats()
    assert stats["messages"] > 0 and stats["errors"] == 0 and stats["conversations"] > 0
    assert stats["latency"]["n"] == stats["messages"] == len([t for t in ok.turns if t.latency is not None])
    assert failing.stats()["messages"] == 0
    assert failing.errors["error_notice: unavailable"] >= 2
