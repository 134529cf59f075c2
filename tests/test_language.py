import pytest

from citizenbot.language import choose_language, detect, requested_language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Milloin Hämeenkatu aurataan?", "fi"),
        ("milloin hameenkatu aurataan", "fi"),
        ("When is Hämeenkatu plowed?", "en"),  # a Finnish street name must not make it Finnish
        ("Vilka planer är på gång i Lielahti?", "sv"),
        ("Sparas mina uppgifter?", "sv"),
        ("My friend is unconscious", "en"),
        ("Hän ei saa henkeä", "fi"),
        ("Är isbanan öppen?", "sv"),
        ("the street lamp outside my house is out", "en"),
        ("jag har kräkts hela natten", "sv"),
    ],
)
def test_clear_sentences_are_detected(text, lang):
    detection = detect(text)
    assert detection.lang == lang
    assert detection.clear


@pytest.mark.parametrize("text, lang", [("moi", "fi"), ("hej", "sv"), ("hi", "en"), ("kiitos", "fi"), ("tack", "sv"), ("thanks", "en"), ("Hej då", "sv")])
def test_short_words_come_from_the_lexicon(text, lang):
    assert choose_language(text) == lang


def test_page_hint_decides_the_first_short_message():
    assert choose_language("hi", hint="sv") == "sv"
    assert choose_language("moi", hint="en") == "en"
    assert choose_language("Hervanta?", hint="sv") == "sv"


def test_a_clear_message_wins_over_the_page_hint():
    assert choose_language("Milloin Hämeenkatu aurataan?", hint="sv") == "fi"


def test_language_sticks_for_short_and_ambiguous_messages():
    assert choose_language("ok", current="sv") == "sv"
    assert choose_language("Hämeenkatu 10", current="en") == "en"
    assert choose_language("1234", current="sv", hint="fi") == "sv"
    assert choose_language("ja", current="fi") == "fi"


def test_a_clear_switch_changes_the_language():
    assert choose_language("Vem ansvarar för snöröjningen på trottoaren?", current="fi") == "sv"
    assert choose_language("When is my street plowed?", current="fi") == "en"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Can we switch to Finnish?", "fi"),
        ("på svenska tack", "sv"),
        ("voitko vastata englanniksi", "en"),
        ("puhu ruotsia", "sv"),
        ("in English please", "en"),
        ("what languages do you speak", None),
    ],
)
def test_explicit_requests(text, lang):
    assert requested_language(text) == lang


def test_an_explicit_request_wins():
    assert choose_language("Can we switch to Finnish?", current="en", requested="fi") == "fi"


def test_unknown_values_are_ignored():
    assert choose_language("moi", current="de", hint="xx") == "fi"
    assert choose_language("", default="sv") == "sv"
