"""Faults injected into the running servers (scripts/test_dialogue.sh runs this with FAULT set):

* ``actions_down``: the action server is stopped. The resident's message is kept in the
  conversation and the widget gets the fixed apology in the resident's language, not silence.
* ``store_locked``: the SQLite database is held by an exclusive lock longer than Rasa waits. The
  message is refused with 503 and "try again"; nothing of it is stored; after the lock it works.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid

import pytest
import requests

from .conftest import E2E_URL

FAULT = os.environ.get("FAULT")
WIDGET_URL = os.environ.get("WIDGET_URL")


def said(sender: str) -> list[str]:
    tracker = requests.get(f"{E2E_URL}/conversations/{sender}/tracker", params={"token": os.environ["RASA_TOKEN"]},
                           timeout=30).json()
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


@pytest.mark.skipif(FAULT != "actions_down" or not WIDGET_URL, reason="run by scripts/test_dialogue.sh, action server stopped")
def test_with_the_action_server_down_the_resident_gets_an_apology_and_the_message_is_kept():
    from citizenbot import door
    from tests.web.test_gateway import Widget

    async def talk():
        widget = Widget(WIDGET_URL)
        await widget.connect()
        session = await widget.session()
        await widget.client.emit("user_uttered", {**session, "message": "när plogas Tavastgatan?",
                                                  "metadata": {"lang": "sv"}})
        (reply,) = await widget.wait_for("bot_uttered", timeout=60)
        await widget.client.disconnect()
        return session["session_id"], reply

    sender, reply = asyncio.run(talk())
    assert reply["text"] == door.notice(door.NO_ANSWER, "sv")
    assert said(sender) == ["när plogas Tavastgatan?"]


@pytest.mark.skipif(FAULT != "store_locked" or not (os.environ.get("DATABASE_URL") or "").startswith("sqlite:///"),
                    reason="run by scripts/test_dialogue.sh on its SQLite test database")
def test_with_the_database_locked_the_message_is_refused_not_lost_silently():
    from citizenbot import door

    sender = f"fault-{uuid.uuid4().hex}"
    path = os.environ["DATABASE_URL"][len("sqlite:///"):]
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        refused = requests.post(f"{E2E_URL}/webhooks/rest/webhook", timeout=120,
                                json={"sender": sender, "message": "hello", "metadata": {"lang": "en"}})
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert refused.status_code == 503
    assert refused.json()["messages"][0]["text"] == door.notice(door.TRY_AGAIN, "en")
    assert said(sender) == []
    again = requests.post(f"{E2E_URL}/webhooks/rest/webhook", json={"sender": sender, "message": "hello again"}, timeout=60)
    assert again.status_code == 200 and said(sender) == ["hello again"]
