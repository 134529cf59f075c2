"""The widget's files as the browser loads them: its modules, its texts in the strings/ folder,
and nothing outside web/src."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from citizenbot.web.app import create_app

from .fake_rasa import TOKEN, FakeRasa


@pytest.mark.asyncio
async def test_the_widget_and_its_texts_are_served_and_nothing_beside_them(fresh_database):
    rasa = FakeRasa()
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token=TOKEN, secret="s",
                         database_url=fresh_database.url)
        async with TestServer(app, host="127.0.0.1") as web_server, aiohttp.ClientSession() as http:
            async def get(path: str) -> tuple[int, str, str]:
                async with http.get(web_server.make_url(path)) as answer:
                    return answer.status, answer.content_type, await answer.text()

            status, kind, body = await get("/widget/strings/fi.js")
            assert (status, kind) == (200, "text/javascript")
            assert 'languageName: "Suomi"' in body
            status, _, body = await get("/widget/strings/index.js")
            assert status == 200 and 'import sv from "./sv.js"' in body
            assert (await get("/widget/core.js"))[0] == 200
            assert (await get("/widget/strings/de.js"))[0] == 404
            assert (await get("/widget/strings/..%2F..%2Fpyproject.toml"))[0] == 404
            assert (await get("/widget/strings/.."))[0] == 404
            assert (await get("/widget/a/b/c.js"))[0] == 404
