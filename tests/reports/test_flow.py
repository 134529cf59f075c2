"""The report form's pure logic: pre-filling, checking answers, messages, report numbers."""

import pytest

from citizenbot.reports import flow


def test_prefill_takes_street_and_long_description(kb):
    filled = flow.prefill(kb, "Teiskontiellä 12 on tosi syvä kuoppa keskellä ajokaistaa", "fi")
    assert filled["report_location"] == "Teiskontie 12"
    assert filled["report_description"].startswith("Teiskontiellä 12 on tosi syvä kuoppa")


def test_prefill_guesses_an_unknown_street_and_leaves_short_messages(kb):
    filled = flow.prefill(kb, "Kuusikujalla kuoppa", "fi")
    assert filled == {"report_location": "Kuusikuja", "report_description": None}


def test_the_description_keeps_the_words_but_not_a_signature_name(kb):
    text = "Hei! Teiskontiellä 12 on syvä kuoppa keskellä ajokaistaa, autot väistelevät.\nTerveisin Matti Virtanen"
    description = flow.prefill(kb, text, "fi")["report_description"]
    assert "syvä kuoppa keskellä ajokaistaa" in description and description.endswith("Terveisin")
    assert "Matti" not in description and "Virtanen" not in description


def test_prefill_without_a_place(kb):
    assert flow.prefill(kb, "tiessä on kuoppa", "fi")["report_location"] is None


@pytest.mark.parametrize("text, expected", [("Hämeenkatu 5", "Hämeenkatu 5"), ("  a ", None), ("/affirm", None), ("", None)])
def test_check_location(text, expected):
    assert flow.check_location(text) == expected


def test_check_contact_accepts_email_phone_or_skip():
    assert flow.check_contact("anna@example.com", None) == "anna@example.com"
    assert flow.check_contact("ohita", None) == flow.SKIPPED
    assert flow.check_contact("/deny", "deny") == flow.SKIPPED
    assert flow.check_contact("Hämeenkatu", None) is None


@pytest.mark.parametrize(
    "text, intent, expected",
    [("kyllä", None, "yes"), ("joo lähetä", None, "yes"), ("/affirm", "affirm", "yes"), ("Ja", None, "yes"),
     ("ei", None, "no"), ("nej", None, "no"), ("no", None, "no"), ("peruuta", "cancel", "no"), ("hmm en tiedä", None, None),
     ("mikä tää on", None, None)],
)
def test_check_confirm(text, intent, expected):
    assert flow.check_confirm(text, intent) == expected


def test_confirm_summary_has_every_field_and_yes_no_buttons(kb):
    reply = flow.confirm(kb, "maintenance.pothole", "Hämeenkatu 5", "Syvä kuoppa", flow.SKIPPED, "fi")
    assert reply.topic == "maintenance.pothole.report.confirm"
    assert "Hämeenkatu 5" in reply.text and "Syvä kuoppa" in reply.text
    assert kb.label("skipped", "fi") in reply.text
    assert [b["payload"] for b in reply.buttons] == ["/affirm", "/deny"]


def test_questions_are_tagged_with_the_report_topic(kb):
    reply = flow.ask(kb, "maintenance.street_light", "report_contact", "sv")
    assert reply.topic == "maintenance.street_light.report.ask_contact"
    assert reply.text == kb.answer("maintenance.report.ask_contact", "sv")
    assert [b["payload"] for b in reply.buttons] == ["/deny", "/cancel"]


@pytest.mark.parametrize(
    "text, number",
    [
        ("status of my report 1234", 1234),
        ("mikä on ilmoituksen #1042 tilanne", 1042),
        ("ilmoitus nro 2213", 2213),
        ("anmälan 3050?", 3050),
        ("what happened to the report I sent last week", None),
        ("soitin 12.11.2026", None),
        ("report 999", None),  # below the first report number
    ],
)
def test_report_numbers_in_messages(text, number):
    assert flow.parse_report_number(text) == number


@pytest.mark.parametrize(
    "text, contact",
    [
        ("matti.meikalainen@example.fi", "matti.meikalainen@example.fi"),
        (" anna@example.com. ", "anna@example.com"),
        ("040 123 4567", "040 123 4567"),
        ("+358 40 1234567", "+358 40 1234567"),
        ("Hämeenkatu 5", None),
        ("12", None),
        ("ei@", None),
    ],
)
def test_contacts(text, contact):
    assert flow.normalise_contact(text) == contact


@pytest.mark.parametrize("text", ["ohita", "Skip", "hoppa över", "ei kiitos", "no thanks", "nej", "-", "/deny"])
def test_skip_words(text):
    assert flow.is_skip(text)


def test_not_skip():
    assert not flow.is_skip("lamppu vilkkuu")
    assert flow.is_skip("whatever", intent="deny")


# ---------------------------------------------------------------- a report started without a place


@pytest.mark.parametrize(
    "text, lang, description",
    [
        ("I want to report graffiti", "en", None),
        ("haluan ilmoittaa graffitista", "fi", None),
        ("Jag vill anmäla klotter", "sv", None),
        ("kuoppa", "fi", None),
        ("Katuvalo on rikki kotini edessä", "fi", "Katuvalo on rikki kotini edessä"),
        ("katuvalo ei pala", "fi", "katuvalo ei pala"),
        ("Hei, haluaisin ilmoittaa rikkinäisestä katuvalosta", "fi", "Hei, haluaisin ilmoittaa rikkinäisestä katuvalosta"),
        ("gatlyktan lyser inte", "sv", "gatlyktan lyser inte"),
    ],
)
def test_a_first_message_that_says_what_is_wrong_becomes_the_description(kb, text, lang, description):
    assert flow.prefill(kb, text, lang) == {"report_location": None, "report_description": description}


def test_a_place_and_a_bare_topic_are_not_a_description(kb):
    assert flow.prefill(kb, "Kuusikujalla kuoppa", "fi")["report_description"] is None
    assert flow.prefill(kb, "I want to report a pothole on Hämeenkatu", "en")["report_description"] is None


def test_slots_not_yet_answered_are_not_answers():
    """Rasa validates the slots the report's start cleared (value None) before anything is asked."""
    assert flow.check_description(None, "maintenance.graffiti") is None
    assert flow.check_contact(None, "maintenance.graffiti") is None
    assert not flow.is_invalid_contact(None, "maintenance.graffiti")
    assert flow.check_location(None) is None


@pytest.mark.parametrize("text, intent", [("kyllä", None), ("Yes", None), ("ja", None), ("joo kiitos", None),
                                          ("/affirm", "affirm"), ("yes please", None)])
def test_yes_to_the_contact_question_asks_for_the_address(kb, text, intent):
    assert flow.wants_reply(text, intent)
    assert flow.check_contact(text, intent) is None and not flow.is_invalid_contact(text, intent)
    reply = flow.ask(kb, "maintenance.graffiti", "report_contact", "sv", text, intent)
    assert reply.topic == "maintenance.graffiti.report.ask_contact_address"
    assert reply.text == kb.answer("maintenance.report.ask_contact_address", "sv")


@pytest.mark.parametrize("text", ["anna@example.com", "040 123 4567", "Hämeenkatu 5", "ei", "no thanks"])
def test_an_answer_that_is_not_yes_is_not_a_wish_for_a_reply(text):
    assert not flow.wants_reply(text, None)


def test_only_an_unusable_typed_contact_is_invalid():
    assert flow.is_invalid_contact("Hämeenkatu", None)
    assert not flow.is_invalid_contact("anna@example.com", None)
    assert not flow.is_invalid_contact("ohita", None)


def test_a_long_request_without_details_is_not_a_description(kb):
    assert flow.prefill(kb, "I would like to make a report about a pothole", "en")["report_description"] is None
