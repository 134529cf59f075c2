"""How a conversation is shown: the widget's history and the staff console's transcript."""

from citizenbot.conversation.transcript import for_resident, for_staff, widget_message, widget_reply


def test_transcript_shows_what_the_resident_saw():
    tracker = {"events": [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "moi", "timestamp": 1},
        {"event": "bot", "text": "Hei!", "data": {"custom": {"topic": "meta.greet", "lang": "fi", "id": "a"}}, "timestamp": 2},
        {"event": "user", "text": "/affirm", "metadata": {}},
        {"event": "user", "text": "/maintenance.pothole", "metadata": {"display": "Kuoppa tiessä"}},
        {"event": "bot", "text": "Hoitaja tässä", "metadata": {"staff": {"role": "nurse", "first_name": "Anna", "email": "x"}}},
        {"event": "slot", "name": "lang", "value": "fi"},
    ]}
    assert for_resident(tracker) == [
        {"from": "resident", "text": "moi", "ts": 1},
        {"from": "bot", "text": "Hei!", "custom": {"topic": "meta.greet", "lang": "fi", "id": "a"}, "ts": 2},
        {"from": "resident", "text": "Kuoppa tiessä", "ts": None},
        {"from": "staff", "text": "Hoitaja tässä", "staff": {"role": "nurse", "first_name": "Anna"}},
    ]


def test_empty_tracker():
    assert for_resident({}) == []


def test_staff_see_what_was_understood_answered_and_the_pauses():
    tracker = {"events": [
        {"event": "user", "text": "lapsella kuumetta", "timestamp": 1,
         "parse_data": {"intent": {"name": "health.child_fever", "confidence": 0.91}}},
        {"event": "bot", "text": "Kuume...", "timestamp": 2, "data": {"custom": {"topic": "health.child_fever", "lang": "fi"}}},
        {"event": "pause", "timestamp": 3},
        {"event": "user", "text": "/affirm", "metadata": {"display": "Kyllä"}, "timestamp": 4},
        {"event": "bot", "text": "Hei, olen Anna", "timestamp": 5, "data": {"custom": {"topic": "handoff.nurse.staff"}},
         "metadata": {"staff": {"role": "nurse", "first_name": "Anna", "id": 7}}},
        {"event": "bot", "text": None, "data": {"buttons": [{"title": "x", "payload": "/x"}]}},
        {"event": "resume", "timestamp": 6},
    ]}
    assert for_staff(tracker) == [
        {"from": "resident", "text": "lapsella kuumetta", "ts": 1, "intent": "health.child_fever", "confidence": 0.91},
        {"from": "bot", "text": "Kuume...", "ts": 2, "topic": "health.child_fever", "lang": "fi", "staff": None},
        {"from": "system", "text": "pause", "ts": 3},
        {"from": "resident", "text": "Kyllä", "ts": 4, "intent": None, "confidence": None},
        {"from": "staff", "text": "Hei, olen Anna", "ts": 5, "topic": "handoff.nurse.staff", "lang": None,
         "staff": {"first_name": "Anna", "role": "nurse"}},
        {"from": "system", "text": "resume", "ts": 6},
    ]


def test_live_messages_have_the_shape_of_the_history():
    custom = {"topic": "handoff.nurse.staff", "lang": "fi", "id": "b" * 32}
    live = widget_message("Hei", custom, staff={"role": "nurse", "first_name": "Anna", "id": 7})
    stored = {"events": [{"event": "bot", "text": "Hei", "data": {"custom": custom},
                          "metadata": {"staff": {"role": "nurse", "first_name": "Anna", "id": 7}}}]}
    assert for_resident(stored) == [live]
    assert live["staff"] == {"role": "nurse", "first_name": "Anna"}  # never the account id
    reply = {"recipient_id": "abc", "text": "Moi", "custom": custom, "buttons": [{"title": "a", "payload": "/a"}]}
    assert widget_reply(reply) == {"from": "bot", "text": "Moi", "custom": custom, "buttons": reply["buttons"]}


def test_a_resident_message_keeps_the_widgets_client_id_in_the_history():
    tracker = {"events": [
        {"event": "user", "text": "hei", "metadata": {"lang": "fi", "client_id": "c0ffee-0001"}, "timestamp": 1},
        {"event": "user", "text": "moi", "metadata": {"lang": "fi"}, "timestamp": 2},
    ]}
    assert [m.get("client_id") for m in for_resident(tracker)] == ["c0ffee-0001", None]
