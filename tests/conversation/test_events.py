"""Reading a tracker's events: resident, bot and staff messages, topics, forms; events to append."""

from citizenbot.conversation import BotMessage, ResidentMessage
from citizenbot.conversation import events as ev

BUTTON = {"event": "user", "text": "/maintenance.park", "metadata": {"display": "Puistot"}, "parse_data": {}}
EVENTS = [
    {"event": "session_started"},
    {"event": "user", "text": "puiston penkki rikki", "message_id": "u1", "timestamp": 10.0,
     "metadata": {"lang": "fi"},
     "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.2},
                    "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.2},
                                       {"name": "maintenance.park", "confidence": 0.15}, {"confidence": 0.1}],
                    "entities": [{"entity": "lang", "value": "sv"}], "language": {"lang": "fi", "confidence": 0.97}}},
    {"event": "bot", "text": "En ymmärtänyt", "data": {"custom": {"topic": "fallback.not_understood", "lang": "fi", "id": "b1"},
                                                        "buttons": [{"title": "Puistot", "payload": "/maintenance.park"}]}},
    BUTTON,
    {"event": "bot", "text": "Puistot...", "data": {"custom": {"topic": "maintenance.park", "lang": "fi", "id": "b2"}}},
    {"event": "active_loop", "name": "report_form"},
    {"event": "bot", "text": "Hei", "data": {"custom": {"topic": "handoff.nurse.staff", "lang": "fi", "id": "b3"}},
     "metadata": {"staff": {"role": "nurse", "first_name": "Anna", "id": 2}}},
]


def test_a_resident_message_and_what_the_nlu_made_of_it():
    (first, button) = ev.resident_messages(EVENTS)
    assert (first.text, first.intent, first.confidence, first.message_id, first.timestamp) == (
        "puiston penkki rikki", "nlu_fallback", 0.2, "u1", 10.0)
    assert first.ranking == (("nlu_fallback", 0.2), ("maintenance.park", 0.15))  # nameless entries dropped
    assert (first.detected_lang, first.detected_confidence, first.page_lang) == ("fi", 0.97, "fi")
    assert first.entity("lang") == "sv" and first.entity("street") is None
    assert not first.is_button and first.shown == first.text
    assert button.is_button and button.shown == "Puistot" and button.intent is None


def test_the_latest_message_of_rasa_sdk_reads_the_same():
    latest = {"text": "hello", "intent": {"name": "meta.greet", "confidence": 0.99},
              "intent_ranking": [{"name": "meta.greet", "confidence": 0.99}], "entities": [],
              "metadata": {"lang": "sv", "lang_selected": True}}
    message = ResidentMessage.from_parse(latest)
    assert (message.text, message.intent, message.page_lang, message.lang_selected) == ("hello", "meta.greet", "sv", True)
    assert ResidentMessage.from_parse(None) == ResidentMessage()


def test_bot_and_staff_messages():
    bots = list(ev.bot_messages(EVENTS))
    assert [b.envelope.topic for b in bots] == ["fallback.not_understood", "maintenance.park", "handoff.nurse.staff"]
    assert bots[0].buttons == ({"title": "Puistot", "payload": "/maintenance.park"},) and bots[0].staff is None
    assert bots[2].staff == {"role": "nurse", "first_name": "Anna", "id": 2}
    assert BotMessage.from_event({"event": "bot"}).envelope.topic is None


def test_topics_questions_and_forms():
    assert ev.latest_answered_topic(EVENTS, skip=("handoff.", "fallback.")) == "maintenance.park"
    assert ev.latest_answered_topic(EVENTS) == "handoff.nurse.staff"
    assert ev.first_typed_text(EVENTS) == "puiston penkki rikki"
    assert ev.typed_before_latest(EVENTS) == "puiston penkki rikki"  # the latest message was a button
    assert ev.typed_before_latest(EVENTS[:2]) == ""
    assert ev.find_bot_message(EVENTS, "b2").text == "Puistot..." and ev.find_bot_message(EVENTS, "zz") is None
    # the question an answer replied to is the typed one, not the button pressed in between
    assert ev.question_answered_by(EVENTS, "b2").message_id == "u1"
    assert ev.question_answered_by(EVENTS, "unknown") is None
    form = None
    for event in EVENTS:
        form = ev.form_after(event, form)
    assert form == "report_form"
    assert ev.form_after({"event": "restart"}, form) is None
    assert ev.form_after({"event": "active_loop", "name": None}, form) is None


def test_events_to_append():
    staff = ev.bot_event("Hei", {"topic": "t", "lang": "fi", "id": "x"}, {"role": "nurse", "first_name": "Anna", "id": 2})
    assert BotMessage.from_event(staff).staff["first_name"] == "Anna" and staff["timestamp"] > 0
    assert "metadata" not in ev.bot_event("Hei", {"topic": "t"})
    assert ev.pause_event()["event"] == "pause" and ev.resume_event()["event"] == "resume"
    assert {k: ev.language_event("sv")[k] for k in ("event", "name", "value")} == {"event": "slot", "name": "lang", "value": "sv"}
