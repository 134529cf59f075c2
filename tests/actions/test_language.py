from actions.language import ActionSwitchLanguage

from ..conftest import make_tracker, run_action, slot_events, tag


def test_a_switch_request_is_answered_in_its_language_then_continues_in_the_new_one(services):
    messages, events = run_action(ActionSwitchLanguage(), make_tracker("Can we switch to Finnish?", "meta.language", slots={"lang": "en"}))
    assert [tag(m) for m in messages] == [
        {"topic": "meta.language", "lang": "en"},
        {"topic": "meta.language.switched", "lang": "fi"},
    ]
    assert "in Finnish" in messages[0]["text"]
    assert slot_events(events)["lang"] == "fi"


def test_a_request_written_in_the_target_language_gets_one_message(services):
    messages, events = run_action(ActionSwitchLanguage(), make_tracker("voidaanko jatkaa suomeksi", "meta.language", slots={"lang": "sv"}))
    assert [tag(m) for m in messages] == [{"topic": "meta.language.switched", "lang": "fi"}]
    assert slot_events(events)["lang"] == "fi"


def test_a_question_about_languages_gets_the_overview(services):
    messages, events = run_action(ActionSwitchLanguage(), make_tracker("vilka språk kan du?", "meta.language"))
    assert tag(messages[0]) == {"topic": "meta.language", "lang": "sv"}
    assert messages[0]["text"] == services.kb.answer("meta.language", "sv")


def test_the_widget_language_switch_is_an_explicit_choice(services):
    tracker = make_tracker("hello", "meta.greet", metadata={"lang": "sv", "lang_selected": True}, slots={"lang": "fi"})
    from actions.answers import ActionAnswer

    messages, _ = run_action(ActionAnswer(), tracker)
    assert messages[0]["custom"]["lang"] == "sv"
