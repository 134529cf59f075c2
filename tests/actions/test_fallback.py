from actions.fallback import ActionFallback

from ..conftest import make_tracker, run_action, slot_events, tag

RANKING = [("nlu_fallback", 0.45), ("maintenance.street_light", 0.3), ("maintenance.traffic_light", 0.2), ("out_of_scope", 0.1)]


def test_not_understood_offers_the_two_likeliest_topics(services):
    tracker = make_tracker("valo ei toimi siellä", "nlu_fallback", ranking=RANKING, slots={"lang": "fi"})
    messages, events = run_action(ActionFallback(), tracker)
    (message,) = messages
    assert tag(message) == {"topic": "fallback.not_understood", "lang": "fi"}
    assert [b["payload"] for b in message["buttons"]] == ["/maintenance.street_light", "/maintenance.traffic_light"]
    assert message["buttons"][0]["title"] == services.kb.label("topic.maintenance.street_light", "fi")
    assert events[0]["event"] == "rewind"
    assert slot_events(events)["failures"] == 1.0


def test_the_second_failure_in_a_row_offers_a_person(services):
    ranking = [("nlu_fallback", 0.45), ("health.cold_flu", 0.3), ("health.appointment", 0.2)]
    tracker = make_tracker("olo on outo", "nlu_fallback", ranking=ranking, slots={"lang": "fi", "failures": 1.0})
    messages, events = run_action(ActionFallback(), tracker)
    assert messages[0]["custom"]["topic"] == "fallback.offer_person"
    assert messages[0]["buttons"][0]["payload"] == "/handoff.nurse"  # a health question goes to the nurse
    assert slot_events(events)["failures"] == 0.0


def test_without_suggestions_the_answer_asks_to_rephrase(services):
    tracker = make_tracker("asdfgh", "nlu_fallback", ranking=[("nlu_fallback", 0.4), ("out_of_scope", 0.3)], slots={"lang": "en"})
    messages, _ = run_action(ActionFallback(), tracker)
    assert messages[0]["text"] == services.kb.answer("fallback.not_understood_plain", "en")
    assert not messages[0].get("buttons")


def test_gibberish_is_not_offered_emergency_or_poisoning(services):
    ranking = [("nlu_fallback", 0.2), ("health.poisoning", 0.06), ("health.emergency", 0.055), ("meta.feedback", 0.052)]
    tracker = make_tracker("hsjd kdkd", "nlu_fallback", ranking=ranking, slots={"lang": "fi"})
    messages, _ = run_action(ActionFallback(), tracker)
    payloads = [b["payload"] for b in messages[0].get("buttons") or []]
    assert payloads == ["/meta.feedback"]


def test_an_unsure_emergency_of_the_classifier_leads_with_112_then_is_not_understood(services):
    ranking = [("health.emergency", 0.36), ("maintenance.slipperiness", 0.11), ("health.medical_helpline", 0.08)]
    tracker = make_tracker("this heat is killing me", "nlu_fallback", confidence=0.36, ranking=ranking,
                           slots={"lang": "en"})
    tracker.latest_message["possible_emergency"] = 0.36  # set by EmergencyOverride
    messages, events = run_action(ActionFallback(), tracker)
    assert [tag(m)["topic"] for m in messages] == ["fallback.possible_emergency", "fallback.not_understood"]
    assert "112" in messages[0]["text"] and messages[0]["text"].startswith("If someone's life")
    assert "/health.emergency" not in [b["payload"] for b in messages[1].get("buttons") or []]
    assert events[0]["event"] == "rewind"
