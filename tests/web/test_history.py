from citizenbot.web.history import transcript


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
    assert transcript(tracker) == [
        {"from": "resident", "text": "moi", "ts": 1},
        {"from": "bot", "text": "Hei!", "custom": {"topic": "meta.greet", "lang": "fi", "id": "a"}, "ts": 2},
        {"from": "resident", "text": "Kuoppa tiessä", "ts": None},
        {"from": "staff", "text": "Hoitaja tässä", "staff": {"role": "nurse", "first_name": "Anna"}},
    ]


def test_empty_tracker():
    assert transcript({}) == []
