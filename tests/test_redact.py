"""Personal data is replaced by placeholders before a trainer sees a message; the rest stays."""

import pytest

from citizenbot.redact import ADDRESS, PLACEHOLDERS, redact, surrogate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # personal identity codes, including the century signs of 2023
        ("hetu 131052-308T, auttakaa", "hetu <HETU>, auttakaa"),
        ("mun henkilötunnus on 010594Y9021", "mun henkilötunnus on <HETU>"),
        ("syntynyt 020304a123b", "syntynyt <HETU>"),
        # e-mail addresses
        ("vastatkaa osoitteeseen matti.meikalainen@gmail.com kiitos", "vastatkaa osoitteeseen <EMAIL> kiitos"),
        ("my email is Anna_K+city@posti.example.fi.", "my email is <EMAIL>."),
        # phone numbers in Finnish formats
        ("soita 040 123 4567", "soita <PHONE>"),
        ("numero +358 40 1234567 tai 0401234567", "numero <PHONE> tai <PHONE>"),
        ("toimisto 03 5656 1111 tai (09) 310 1111", "toimisto <PHONE> tai <PHONE>"),
        ("ring mig på 050-765 4321", "ring mig på <PHONE>"),
        ("call 00358 50 123 4567!", "call <PHONE>!"),
        # street addresses with a house number
        ("Teiskontiellä 12 on iso kuoppa", "<ADDRESS> on iso kuoppa"),
        ("asun Hämeenkadulla 10 B 12, valo ei pala", "asun <ADDRESS>, valo ei pala"),
        ("Koivukujalla 3 as 4 ei ole aurattu", "<ADDRESS> ei ole aurattu"),
        ("Hatanpään valtatie 24 edessä", "<ADDRESS> edessä"),
        ("det finns ett hål på Storgatan 5", "det finns ett hål på <ADDRESS>"),
        ("pothole outside 12 Main Street", "pothole outside <ADDRESS>"),
        ("Sammonkatu 5a:n kohdalla", "<ADDRESS>:n kohdalla"),
        # kept: streets without a number, public service numbers, dates, report numbers, postcodes
        ("milloin Hämeenkatu aurataan", "milloin Hämeenkatu aurataan"),
        ("asun Hervannassa Insinöörinkadulla", "asun Hervannassa Insinöörinkadulla"),
        ("myrkytystietokeskus 0800 147 111 vai 116117 vai 112", "myrkytystietokeskus 0800 147 111 vai 116117 vai 112"),
        ("kriisipuhelin 09 2525 0111", "kriisipuhelin 09 2525 0111"),
        ("ilmoituksen 1042 tila", "ilmoituksen 1042 tila"),
        ("15.3.2026 klo 14.30", "15.3.2026 klo 14.30"),
        ("33100 Tampere", "33100 Tampere"),
    ],
)
def test_redaction(text, expected):
    assert redact(text) == expected


def test_everything_at_once_keeps_the_rest_of_the_text():
    text = ("Hei, olen Matti (131052-308T), Teiskontie 12 B 5, puh. 040 123 4567, matti@example.com. "
            "Katuvalo on ollut rikki viikon.")
    assert redact(text) == ("Hei, olen Matti (<HETU>), <ADDRESS>, puh. <PHONE>, <EMAIL>. "
                            "Katuvalo on ollut rikki viikon.")


def test_surrogates_replace_every_placeholder_with_a_stable_demo_value():
    redacted = "kuoppa <ADDRESS> kohdalla, soita <PHONE> tai <EMAIL>, hetu <HETU>"
    first = surrogate(redacted)
    assert first == surrogate(redacted)
    assert not any(p in first for p in PLACEHOLDERS)
    assert redact(first).count(ADDRESS) == 1  # the demo address is still an address...
    assert "example.com" in first  # ...and the e-mail a reserved demo domain
