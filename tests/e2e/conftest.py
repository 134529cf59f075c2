"""End-to-end tests over HTTP against the servers `scripts/test_dialogue.sh` starts (E2E_URL)."""

import os
import uuid

import pytest
import requests

E2E_URL = os.environ.get("E2E_URL")


def pytest_collection_modifyitems(config, items):
    if E2E_URL:
        return
    skip = pytest.mark.skip(reason="needs the running bot: set E2E_URL (make test does)")
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(skip)


class Resident:
    """One conversation through the REST channel, as the website sends it."""

    def __init__(self, base_url: str, page_lang: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.sender = f"e2e-{uuid.uuid4().hex}"
        self.page_lang = page_lang

    def say(self, text: str, **metadata) -> list[dict]:
        body = {"sender": self.sender, "message": text}
        meta = {**({"lang": self.page_lang} if self.page_lang else {}), **metadata}
        if meta:
            body["metadata"] = meta
        response = requests.post(f"{self.base_url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def resident():
    return lambda page_lang=None: Resident(E2E_URL, page_lang)
