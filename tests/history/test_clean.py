"""Links, boilerplate, names in signatures and personal data out of history messages."""

from citizenbot.history.clean import clean_text
from citizenbot.text import strip_signature_names


def test_boilerplate_links_and_signature_names_go_the_words_stay():
    text = ("Hej, tämä taas täynnä... Eikö tähän saisi vähän isompi säiliö?  Terveisin Mattias Lindroth\n"
            "Katso lisää ja osallistu keskusteluun osoitteessa http:////msg/5608cc65a9aca6ac2c997217 ")
    cleaned = clean_text(text)
    assert cleaned == "Hej, tämä taas täynnä... Eikö tähän saisi vähän isompi säiliö? Terveisin"
    assert "Mattias" not in cleaned and "http" not in cleaned


def test_signatures_in_every_language():
    assert strip_signature_names("Lumet auraamatta.\nt. Matti") == "Lumet auraamatta.\nt."
    assert "Johan" not in strip_signature_names("Gatan är inte plogad. Mvh Johan")
    assert "Tom" not in strip_signature_names("The bin is full. Regards, Tom")
    assert strip_signature_names("Thanks for fixing it - Mark") == "Thanks for fixing it"


def test_words_after_a_greeting_that_are_not_names_stay():
    assert strip_signature_names("Graniittitie aurataan hyvin. Terveisin kaikille") == \
        "Graniittitie aurataan hyvin. Terveisin kaikille"


def test_phone_numbers_and_addresses_become_neutral_values_and_the_words_around_them_stay():
    cleaned = clean_text("Kuoppa Teiskontie 12 kohdalla. Soittakaa 045 111 2233.")
    assert cleaned.startswith("Kuoppa ")  # the word before the street is not part of the address
    assert "111 2233" not in cleaned
    assert "040 123 4567" in cleaned or "050 765 4321" in cleaned
    assert "Teiskontie 12 " not in cleaned


def test_one_line_whatever_the_line_breaks():
    assert clean_text("Rivi yksi\r\n\r\nrivi kaksi") == "Rivi yksi rivi kaksi"
