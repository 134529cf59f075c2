"""action_answer: the topic's answer in the resident's language, tagged with topic and language."""

from actions.answers import ActionAnswer

from ..conftest import make_tracker, run_action, slot_events, tag


def test_a_faq_answer_in_finnish(services):
    messages, events = run_action(ActionAnswer(), make_tracker("Kuka poistaa aurausvallin pihatieltä?", "maintenance.plow_berm"))
    (message,) = messages
    assert tag(message) == {"topic": "maintenance.plow_berm", "lang": "fi"}
    assert message["text"] == services.kb.answer("maintenance.plow_berm", "fi")
    assert slot_events(events)["lang"] == "fi"


def test_the_page_hint_decides_a_short_first_message(services):
    messages, events = run_action(ActionAnswer(), make_tracker("hej", "meta.greet", metadata={"lang": "sv"}))
    assert tag(messages[0]) == {"topic": "meta.greet", "lang": "sv"}
    assert slot_events(events)["lang"] == "sv"


def test_the_conversation_language_sticks_for_short_messages(services):
    messages, events = run_action(ActionAnswer(), make_tracker("ok tack", "meta.thanks", slots={"lang": "en"}))
    # "ok tack" is Swedish but short: the conversation stays in English
    assert messages[0]["custom"]["lang"] == "en"
    assert "lang" not in slot_events(events)


def test_a_lookup_with_an_inflected_street(services):
    messages, _ = run_action(ActionAnswer(), make_tracker("milloin Itsenäisyydenkadulla aurataan", "maintenance.snow_plowing"))
    assert messages[0]["custom"]["topic"] == "maintenance.snow_plowing.street"
    assert "Itsenäisyydenkatu" in messages[0]["text"]


def test_a_button_press_uses_the_words_of_the_message_before_it(services):
    earlier = {"event": "user", "text": "Hämeenkadun auraus??", "parse_data": {}}
    tracker = make_tracker("/maintenance.snow_plowing", "maintenance.snow_plowing", events=[earlier], slots={"lang": "fi"})
    messages, _ = run_action(ActionAnswer(), tracker)
    assert messages[0]["custom"]["topic"] == "maintenance.snow_plowing.street"


def test_out_of_scope_twice_in_a_row_offers_a_person(services):
    messages, events = run_action(ActionAnswer(), make_tracker("what is the weather tomorrow", "out_of_scope"))
    assert [m["custom"]["topic"] for m in messages] == ["out_of_scope"]
    assert slot_events(events)["failures"] == 1.0
    messages, events = run_action(ActionAnswer(), make_tracker("who won the hockey game", "out_of_scope", slots={"failures": 1.0, "lang": "en"}))
    assert [m["custom"]["topic"] for m in messages] == ["out_of_scope", "fallback.offer_person"]
    assert {b["payload"] for b in messages[1]["buttons"]} == {"/handoff.agent", "/deny"}
    assert slot_events(events)["failures"] == 0.0


def test_an_answer_resets_the_failure_count(services):
    _, events = run_action(ActionAnswer(), make_tracker("kiitos", "meta.thanks", slots={"failures": 1.0, "lang": "fi"}))
    assert slot_events(events)["failures"] == 0.0


def test_yes_or_no_outside_a_form_is_acknowledged(services):
    messages, _ = run_action(ActionAnswer(), make_tracker("joo", "affirm", slots={"lang": "fi"}))
    assert messages[0]["custom"]["topic"] == "meta.capabilities.acknowledge"


def test_health_answers_where_a_nurse_helps_offer_the_nurse_chat(services):
    messages, _ = run_action(ActionAnswer(), make_tracker("lapsella on kuumetta 39", "health.child_fever"))
    assert messages[0]["buttons"] == [{"title": services.kb.label("topic.handoff.nurse", "fi"), "payload": "/handoff.nurse"}]
    messages, _ = run_action(ActionAnswer(), make_tracker("where do I renew a prescription", "health.prescription"))
    assert not messages[0].get("buttons")


def test_a_clear_english_question_on_a_finnish_page_is_answered_in_english(services):
    from citizenbot.language import detect

    text = "my baby has a fever of 38.5"
    tracker = make_tracker(text, "health.child_fever", metadata={"lang": "fi"})
    tracker.latest_message["language"] = detect(text).stored()  # as the NLU stores it
    messages, events = run_action(ActionAnswer(), tracker)
    assert tag(messages[0]) == {"topic": "health.child_fever", "lang": "en"}
    assert slot_events(events)["lang"] == "en"
