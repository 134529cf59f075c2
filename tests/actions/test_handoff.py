"""action_handoff and action_cancel: queue when open, hours and alternatives when closed."""

from datetime import datetime, timezone

import pytest

import actions.handoff as handoff_actions
from actions.handoff import ActionCancel, ActionHandoff

from ..conftest import make_tracker, run_action, tag

OPEN = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)  # Friday 11:00 in Helsinki
CLOSED = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)  # Saturday


@pytest.fixture
def at(monkeypatch):
    def set_time(when):
        monkeypatch.setattr(handoff_actions, "utc_now", lambda: when)
    return set_time


def test_a_health_question_goes_to_the_nurse_queue_with_place_and_wait(services, at):
    at(OPEN)
    earlier = [{"event": "user", "text": "lapsella on kuumetta", "parse_data": {}},
               {"event": "bot", "text": "...", "data": {"custom": {"topic": "health.child_fever"}}}]
    tracker = make_tracker("haluan puhua hoitajan kanssa", "handoff.nurse", events=earlier, sender_id="c1")
    messages, _ = run_action(ActionHandoff(), tracker)
    (message,) = messages
    assert tag(message) == {"topic": "handoff.nurse.queued", "lang": "fi"}
    assert message["custom"]["handoff"]["position"] == 1 and message["custom"]["handoff"]["wait_minutes"] == 6
    assert message["buttons"] == [{"title": services.kb.label("button.leave_queue", "fi"), "payload": "/cancel"}]
    queued = services.handoffs.current("c1")
    assert (queued.queue, queued.topic, queued.first_message) == ("nurse", "health.child_fever", "lapsella on kuumetta")
    second, _ = run_action(ActionHandoff(), make_tracker("hoitaja kiitos", "handoff.nurse", sender_id="c2"))
    assert second[0]["custom"]["handoff"]["position"] == 2
    again, _ = run_action(ActionHandoff(), make_tracker("no tuleeko hoitaja", "handoff.nurse", sender_id="c1"))
    assert tag(again[0])["topic"] == "handoff.nurse.queued" and "1" in again[0]["text"]


def test_outside_hours_the_hours_and_the_alternative(services, at):
    at(CLOSED)
    messages, _ = run_action(ActionHandoff(), make_tracker("can I talk to a nurse", "handoff.nurse", sender_id="c3"))
    assert tag(messages[0]) == {"topic": "handoff.nurse.closed", "lang": "en"}
    assert "Mon–Fri 8–15" in messages[0]["text"] and "116117" in messages[0]["text"]
    assert services.handoffs.current("c3") is None
    messages, _ = run_action(ActionHandoff(), make_tracker("jag vill tala med kundtjänst", "handoff.agent", sender_id="c4"))
    assert tag(messages[0]) == {"topic": "handoff.agent.closed", "lang": "sv"}
    assert "palaute.tampere.fi" in messages[0]["text"]


def test_cancel_leaves_the_queue(services, at):
    at(OPEN)
    run_action(ActionHandoff(), make_tracker("asiakaspalvelu", "handoff.agent", sender_id="c5"))
    messages, _ = run_action(ActionCancel(), make_tracker("/cancel", "cancel", sender_id="c5", slots={"lang": "fi"}))
    assert tag(messages[0]) == {"topic": "handoff.agent.cancelled", "lang": "fi"}
    assert services.handoffs.current("c5") is None
    messages, _ = run_action(ActionCancel(), make_tracker("peruuta", "cancel", sender_id="c5"))
    assert tag(messages[0])["topic"] == "meta.capabilities.acknowledge"


def test_a_queue_that_does_not_serve_the_language_says_which_do_and_queues_on_a_button(services, at, monkeypatch):
    import dataclasses

    at(OPEN)
    nurse = dataclasses.replace(services.handoff.queues["nurse"], languages=("fi", "sv"))
    handoff = dataclasses.replace(services.handoff, queues={**services.handoff.queues, "nurse": nurse})
    monkeypatch.setattr(services, "handoff", handoff)
    messages, events = run_action(ActionHandoff(), make_tracker("can I talk to a nurse", "handoff.nurse", sender_id="c7"))
    (message,) = messages
    assert tag(message) == {"topic": "handoff.nurse.language", "lang": "en"}
    assert "in Finnish or in Swedish" in message["text"] and "116117" in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["Jatka suomeksi", "Fortsätt på svenska"]
    assert message["buttons"][1]["payload"] == '/handoff.nurse{"lang": "sv"}'
    assert services.handoffs.current("c7") is None  # not queued for staff who cannot read it
    # the button: queued, answered and from now on talked to in Swedish
    pressed = make_tracker(message["buttons"][1]["payload"], "handoff.nurse", sender_id="c7", slots={"lang": "en"})
    pressed.latest_message["entities"] = [{"entity": "lang", "value": "sv"}]
    messages, events = run_action(ActionHandoff(), pressed)
    assert tag(messages[0]) == {"topic": "handoff.nurse.queued", "lang": "sv"}
    assert services.handoffs.current("c7").lang == "sv"
    assert {"event": "slot", "name": "lang", "value": "sv"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]
    # a language the queue does not serve cannot be chosen with a hand-written payload
    forged = make_tracker('/handoff.nurse{"lang": "en"}', "handoff.nurse", sender_id="c8", slots={"lang": "en"})
    forged.latest_message["entities"] = [{"entity": "lang", "value": "en"}]
    messages, _ = run_action(ActionHandoff(), forged)
    assert tag(messages[0])["topic"] == "handoff.nurse.language"


def test_a_russian_speaking_resident_is_told_in_russian_which_languages_the_nurses_chat_in(services, at):
    at(OPEN)
    messages, _ = run_action(ActionHandoff(), make_tracker("можно поговорить с медсестрой", "handoff.nurse",
                                                           sender_id="c9", slots={"lang": "ru"}))
    (message,) = messages
    assert tag(message) == {"topic": "handoff.nurse.language", "lang": "ru"}
    assert "на финском, на шведском или на английском" in message["text"]  # the city's staff languages
    assert [b["title"] for b in message["buttons"]] == ["Jatka suomeksi", "Fortsätt på svenska", "Continue in English"]
    assert services.handoffs.current("c9") is None
