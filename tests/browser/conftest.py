"""Browser tests of the chat widget in headless Chromium (Debian's `chromium`), driven by
Playwright, against the servers `scripts/test_dialogue.sh` starts (WIDGET_URL). Screenshots are
kept in test-artifacts/ for people to look at."""

import os
import shutil
from pathlib import Path

import pytest

WIDGET_URL = os.environ.get("WIDGET_URL")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


def pytest_configure(config):
    config.addinivalue_line("markers", "own_server: starts its own web server with a stand-in for Rasa (no WIDGET_URL needed)")


def pytest_collection_modifyitems(config, items):
    if WIDGET_URL:
        return
    skip = pytest.mark.skip(reason="needs the running web server: set WIDGET_URL (make test does)")
    for item in items:
        # own_server tests too: Playwright's sync API leaves an event loop behind that breaks later
        # tests calling asyncio.run, so every browser test runs in the browser step of make test
        if "/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog opened: {dialog.message}"))
    page.errors = errors
    yield page
    assert errors == [], errors


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
