"""The gateway's client of the Rasa server against small aiohttp servers: a Rasa that answers, one
that is too slow, one that answers with an HTML error page or something that is not JSON, and a
port where nothing listens. Every failure is RasaUnavailable, never another exception."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from citizenbot.web.rasa_client import RasaClient, RasaUnavailable

from .fake_rasa import TOKEN, FakeRasa


async def serve(app: web.Application) -> TestServer:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


def url_of(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


@pytest.mark.asyncio
async def test_messages_trackers_and_events_go_through_the_rest_channel_and_the_api():
    rasa = FakeRasa()
    server = await serve(rasa.app)
    client = RasaClient(url_of(server) + "/", TOKEN)  # a trailing slash is fine
    try:
        replies = await client.send("res/1", "moi", {"lang": "sv"})
        assert replies[0]["text"] == "vastaus: moi" and replies[0]["custom"]["lang"] == "sv"
        await client.append_events("res/1", [{"event": "pause"}])
        assert await client.send("res/1", "onko siellä joku?") == []  # paused: logged, not answered
        tracker = await client.tracker("res/1")  # the id is quoted into the path
        assert tracker["sender_id"] == "res/1"
        assert [e["event"] for e in tracker["events"]] == ["user", "bot", "pause", "user"]
        assert tracker["events"][0]["metadata"] == {"lang": "sv"}
        # every call names the conversation for nginx's hash, as the API's paths write it
        assert {header for path, header in rasa.routed if path != "/status"} == {"res%2F1"}
        assert await client.ready()
    finally:
        await client.close()
        await server.close()


@pytest.mark.asyncio
async def test_a_wrong_token_and_a_down_server_are_unavailable():
    rasa = FakeRasa()
    server = await serve(rasa.app)
    client = RasaClient(url_of(server), "wrong-token")
    try:
        with pytest.raises(RasaUnavailable, match="401"):
            await client.tracker("x")
        assert not await client.ready()  # the web process could not use Rasa's API
        rasa.down = True
        with pytest.raises(RasaUnavailable, match="503"):
            await client.send("x", "moi")
        assert not await client.ready()
    finally:
        await client.close()
        await server.close()


@pytest.mark.asyncio
async def test_a_slow_server_times_out():
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response([])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", slow)
    server = await serve(app)
    client = RasaClient(url_of(server), TOKEN, timeout=0.3)
    try:
        started = asyncio.get_running_loop().time()
        with pytest.raises(RasaUnavailable):
            await client.send("x", "moi")
        assert asyncio.get_running_loop().time() - started < 3
    finally:
        await client.close()
        await server.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [200, 404, 502])
async def test_an_html_page_is_unavailable(status):
    async def page(request: web.Request) -> web.Response:
        return web.Response(status=status, text="<html><body><h1>Bad Gateway</h1></body></html>",
                            content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    server = await serve(app)
    client = RasaClient(url_of(server), TOKEN)
    try:
        with pytest.raises(RasaUnavailable):
            await client.send("x", "moi")
        with pytest.raises(RasaUnavailable):
            await client.tracker("x")
        assert not await client.ready()
    finally:
        await client.close()
        await server.close()


@pytest.mark.asyncio
async def test_a_refused_connection_is_unavailable():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = RasaClient(f"http://127.0.0.1:{port}", TOKEN, timeout=2)
    try:
        with pytest.raises(RasaUnavailable):
            await client.send("x", "moi")
        assert not await client.ready()
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_an_answer_that_is_not_a_list_of_messages_is_no_reply():
    async def odd(request: web.Request) -> web.Response:
        return web.json_response({"error": "unexpected"})

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", odd)
    server = await serve(app)
    client = RasaClient(url_of(server), TOKEN)
    try:
        assert await client.send("x", "moi") == []
    finally:
        await client.close()
        await server.close()


@pytest.mark.asyncio
async def test_a_given_session_is_used_and_left_open_and_an_own_one_is_reopened():
    rasa = FakeRasa()
    server = await serve(rasa.app)
    async with aiohttp.ClientSession() as session:
        client = RasaClient(url_of(server), TOKEN, session=session)
        assert await client.ready()
        await client.close()
        assert not session.closed  # the caller's session stays the caller's
    own = RasaClient(url_of(server), TOKEN)
    assert await own.ready()
    await own.close()
    assert await own.ready()  # a closed own session is opened again on the next call
    await own.close()
    await server.close()


@pytest.mark.asyncio
async def test_rasa_is_ready_only_with_a_model_loaded():
    rasa = FakeRasa()
    rasa.model_loaded = False
    server = await serve(rasa.app)
    client = RasaClient(url_of(server), TOKEN)
    try:
        assert not await client.ready()  # the REST channel already answers, the model is not there
        rasa.model_loaded = True
        assert await client.ready()
    finally:
        await client.close()
        await server.close()


@pytest.mark.asyncio
async def test_a_hanging_rasa_is_not_ready_after_the_readiness_timeout():
    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({"model_file": "m"})

    app = web.Application()
    app.router.add_get("/status", hang)
    server = await serve(app)
    client = RasaClient(url_of(server), TOKEN)  # the client's own timeout is 30 s; readiness has its own
    try:
        assert not await client.ready(timeout=0.3)
    finally:
        await client.close()
        await server.close()
