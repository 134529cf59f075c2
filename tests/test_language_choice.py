"""The language decision on clear messages (three or more words) under every page language and
conversation language: a clear message is answered in its own language whatever the page says
(tests/data/language_choice.tsv, written for this test, not taken from the training data)."""

import csv
from pathlib import Path

import pytest

from citizenbot.language import Detection, decide, detect

ROWS = list(csv.DictReader(open(Path(__file__).parent / "data" / "language_choice.tsv", encoding="utf-8"),
                           delimiter="\t"))
LANGS = ("fi", "sv", "en")


def test_the_set_has_thirty_clear_messages_of_three_or_more_words_per_language():
    for lang in LANGS:
        texts = [r["text"] for r in ROWS if r["lang"] == lang]
        assert len(texts) >= 30
        assert all(len(t.split()) >= 3 for t in texts)


def test_a_clear_message_is_answered_in_its_language_under_every_page_language():
    decisions = [
        (row["lang"], row["text"], page, current, decide(row["text"], current=current, hint=page))
        for row in ROWS for page in LANGS for current in (None, *LANGS)  # first message, then mid-conversation
    ]
    wrong = [d for d in decisions if d[4] != d[0]]
    assert len(decisions) >= 30 * 3 * 3 * 4
    assert len(wrong) <= 0.01 * len(decisions), wrong


@pytest.mark.parametrize(
    "text, page, lang",
    [
        ("my baby has a fever of 38.5", "fi", "en"),
        ("I found a tick on my leg", "fi", "en"),
        ("let me talk to a real person", "fi", "en"),
        ("Where can I get a flu vaccine?", "fi", "en"),
        ("När plogas min gata?", "fi", "sv"),
        ("Katuvalo ei pala Sammonkadulla", "sv", "fi"),
    ],
)
def test_the_reported_cases(text, page, lang):
    assert decide(text, hint=page) == lang  # the first message
    assert decide(text, hint=page, current=page) == lang  # mid-conversation


def test_short_messages_still_follow_the_conversation_then_the_page():
    assert decide("ok", current="sv", hint="fi") == "sv"
    assert decide("Hervanta?", hint="sv") == "sv"
    assert decide("ok tack", current="en", hint="fi") == "en"


def test_a_street_light_is_no_street_name():
    assert detect("Katuvalo ei pala").n_words == 3
    assert detect("Katuvalo ei pala Sammonkadulla").n_words == 3  # the street is left out


def test_the_nlu_detection_is_used_not_detected_again():
    stored = detect("let me talk to a real person").stored()
    assert stored["clear"] and stored["lang"] == "en"
    restored = Detection.from_stored(stored)
    assert (restored.lang, restored.n_words, restored.supported, restored.clear) == ("en", 7, True, True)
    # the decision follows the stored detection (here deliberately another one)
    assert decide("let me talk to a real person", hint="fi", detection=Detection("sv", 0.99, 7, True)) == "sv"
    assert Detection.from_stored({"lang": "fi", "confidence": 0.9}) is None  # stored by an older version
    assert decide("/maintenance.park", current="sv", detection=Detection("fi", 0.99, 3, True)) == "sv"
