"""Numbers become placeholders for the classifier; public service numbers keep their digits."""

from citizenbot.nlu.placeholders import DATE, EMAIL, NUMBER, PHONE, TIME, URL, spans, token_placeholder
from citizenbot.text import word_spans

PUBLIC = frozenset({"112", "116117", "0800147111"})


def lemmas(text: str) -> list[str]:
    """Word tokens as the classifier sees them; a placeholder repeated by adjacent tokens once."""
    found = spans(text, PUBLIC)
    out: list[str] = []
    for w, s, e in word_spans(text):
        lemma = token_placeholder(w, s, e, found, PUBLIC) or w
        if not (out and lemma == out[-1] and lemma.startswith("__")):
            out.append(lemma)
    return out


def test_phone_numbers_dates_times_links_and_other_numbers():
    assert lemmas("roskis täynnä, numeroni 040 123 4567") == ["roskis", "täynnä", "numeroni", PHONE]
    assert lemmas("kuoppa 6.6.2015 klo 9.00 Teiskontie 12") == ["kuoppa", DATE, TIME, "Teiskontie", NUMBER]
    assert lemmas("katso www.hel.fi/kartta tai mail matti@example.com") == \
        ["katso", URL, "tai", "mail", EMAIL]
    assert lemmas("ilmoitus 1042 ja 14:30") == ["ilmoitus", NUMBER, "ja", TIME]


def test_public_service_numbers_keep_their_digits():
    assert lemmas("soitanko 112 vai 116117") == ["soitanko", "112", "vai", "116117"]
    assert PHONE not in lemmas("Myrkytystietokeskus 0800 147 111")


def test_words_without_digits_are_left_alone():
    assert lemmas("Kolmannen linjan suojatielle kasataan lumia") == \
        ["Kolmannen", "linjan", "suojatielle", "kasataan", "lumia"]
