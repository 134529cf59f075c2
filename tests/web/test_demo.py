"""The demo city's pages: one template and one file of texts make a page per language."""

from __future__ import annotations

import re

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from citizenbot.web.app import DEMO_DIR
from citizenbot.web.demo import DemoSite, demo_site


@pytest.fixture
def site() -> DemoSite:
    return demo_site(DEMO_DIR)


def test_every_language_has_its_page_with_a_menu_of_all_languages(site):
    languages = [entry["lang"] for entry in yaml.safe_load((DEMO_DIR / "pages.yml").read_text())["languages"]]
    assert languages[:3] == ["fi", "sv", "en"] and len(languages) == 9
    for lang in languages:
        page = site.render("/" if lang == "fi" else f"/{lang}/")
        assert page is not None, lang
        assert re.search(rf'<html lang="{lang}"( dir="rtl")?>', page)
        assert ('dir="rtl">' in page.split("\n")[1]) == (lang in ("ar", "fa"))
        assert page.count('aria-current="true"') == 1 and f'lang="{lang}" hreflang="{lang}" ' in page
        assert all(f'hreflang="{other}"' in page for other in languages)
        assert "$" not in page and "<h1>" in page and 'src="/widget/widget.js" data-citizenbot' in page


def test_the_finnish_streets_page_and_what_is_not_a_page(site):
    streets = site.render("/kadut.html")
    assert '<a href="/kadut.html" aria-current="page">' in streets and '<a href="/">Etusivu</a>' in streets
    assert site.render("/sv/kadut.html") is None  # only in Finnish
    assert site.render("/xx/") is None and site.render("/sv/a/b") is None


def test_texts_are_escaped(tmp_path):
    (tmp_path / "page.html").write_text((DEMO_DIR / "page.html").read_text())
    (tmp_path / "pages.yml").write_text(yaml.safe_dump({
        "languages": [{"lang": "fi", "name": "Suomi <b>"}],
        "texts": {"fi": {"skip": "a", "menu": 'x" onmouseover="y', "languages": "k", "footer": "<script>"}},
        "pages": {"fi": [{"file": "index.html", "menu": "Etusivu", "title": "T", "heading": "<i>h</i>",
                          "paragraphs": ["rock 'n' roll & <img src=x>"]}]}}))
    page = demo_site(tmp_path).render("/")
    assert "<script>" not in page.split("<!-- The whole chat")[0] and "&lt;script&gt;" in page
    assert 'aria-label="x&quot; onmouseover=&quot;y"' in page and "Suomi &lt;b&gt;" in page
    assert "<p>rock 'n' roll &amp; &lt;img src=x&gt;</p>" in page


async def test_the_web_server_serves_the_pages_and_not_their_sources():
    from aiohttp import web

    from citizenbot.web.app import demo_page

    app = web.Application()
    app.router.add_get("/", demo_page)
    app.router.add_get("/{page:[a-z0-9_/.-]+}", demo_page)
    async with TestClient(TestServer(app)) as client:
        for path, status in (("/", 200), ("/ar/", 200), ("/kadut.html", 200), ("/demo.css", 200),
                             ("/page.html", 404), ("/pages.yml", 404), ("/nothing.html", 404)):
            response = await client.get(path)
            assert response.status == status, path
        response = await client.get("/fa/")
        assert response.content_type == "text/html" and 'lang="fa" dir="rtl"' in await response.text()
