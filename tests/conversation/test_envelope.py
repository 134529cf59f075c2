"""The envelope of a bot message: built once, read back tolerantly."""

from citizenbot.conversation import Envelope, make_envelope


def test_a_new_envelope_has_topic_language_and_a_fresh_id():
    first, second = make_envelope("meta.greet", "sv"), make_envelope("meta.greet", "sv")
    assert (first["topic"], first["lang"]) == ("meta.greet", "sv") and set(first) == {"topic", "lang", "id"}
    assert len(first["id"]) == 32 and first["id"] != second["id"]


def test_a_handoff_notice_carries_its_state():
    custom = make_envelope("handoff.nurse.queued", "fi", handoff={"id": 3, "state": "queued", "queue": "nurse"})
    envelope = Envelope.of_reply({"text": "...", "custom": custom})
    assert envelope.handoff == {"id": 3, "state": "queued", "queue": "nurse"} and envelope.id == custom["id"]


def test_missing_or_malformed_payloads_read_empty():
    assert Envelope.read(None) == Envelope() == Envelope.of_reply({"text": "stock Rasa reply"})
    assert Envelope.read({"topic": 5, "lang": "", "handoff": "x"}) == Envelope()
    assert Envelope.read({"topic": "meta.greet"}).lang is None


def test_the_112_answer_is_told_by_its_topic():
    assert Envelope.read({"topic": "health.emergency"}).is_emergency
    assert Envelope.read({"topic": "health.emergency.during_report"}).is_emergency
    for topic in ("health.emergency_number", "health.poisoning", "fallback.not_understood", None):
        assert not Envelope.read({"topic": topic}).is_emergency, topic
