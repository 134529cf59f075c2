"""A restart of every process loses nothing: run with RESTART_PHASE=before, restart the servers,
then RESTART_PHASE=after (scripts/test_dialogue.sh does this)."""

import json
import os
from pathlib import Path

import pytest

PHASE = os.environ.get("RESTART_PHASE")
STATE = Path(os.environ.get("RESTART_STATE", "var/test/restart.json"))
pytestmark = pytest.mark.skipif(PHASE not in ("before", "after"), reason="run by scripts/test_dialogue.sh around a restart")


def test_a_waiting_resident_stays_queued_with_the_whole_transcript(resident):
    from citizenbot.handoff.store import HandoffStore
    from citizenbot.store.db import get_database

    store = HandoffStore(get_database())
    if PHASE == "before":
        bot = resident()
        bot.say("hammasta särkee kovasti")
        replies = bot.say("haluan puhua hoitajan kanssa")
        assert replies[0]["custom"]["topic"] == "handoff.nurse.queued"
        handoff = store.current(bot.sender)
        assert handoff is not None and handoff.status == "queued"
        STATE.write_text(json.dumps({"sender": bot.sender, "handoff": handoff.id}))
    else:
        state = json.loads(STATE.read_text())
        handoff = store.current(state["sender"])
        assert handoff is not None and handoff.id == state["handoff"] and handoff.status == "queued"
        import requests

        from .conftest import E2E_URL

        tracker = requests.get(f"{E2E_URL}/conversations/{state['sender']}/tracker",
                               params={"token": os.environ["RASA_TOKEN"]}, timeout=30).json()
        said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        answered = [e["data"]["custom"]["topic"] for e in tracker["events"] if e["event"] == "bot"]
        assert said == ["hammasta särkee kovasti", "haluan puhua hoitajan kanssa"]
        assert answered[-1] == "handoff.nurse.queued" and answered[0].startswith("health.dental")
