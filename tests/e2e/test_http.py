"""The REST channel as a website uses it: tagged replies, languages, reports, safety, bad input."""

import csv
import re
from pathlib import Path

import pytest
import requests

from .conftest import E2E_URL

ROOT = Path(__file__).resolve().parents[2]


def topics(messages):
    return [(m.get("custom") or {}).get("topic") for m in messages]


def test_every_reply_message_names_its_topic_and_language(resident):
    bot = resident()
    for text in ["moi", "milloin Hämeenkadulla aurataan?", "mikä on huomisen sää", "kiitos"]:
        messages = bot.say(text)
        assert messages, text
        for message in messages:
            assert message["custom"]["topic"] and message["custom"]["lang"] == "fi", (text, message)
            assert message["text"]


def test_the_page_language_hint_and_stickiness(resident):
    bot = resident(page_lang="sv")
    assert bot.say("hi")[0]["custom"]["lang"] == "sv"
    assert bot.say("Hämeenkatu?")[0]["custom"]["lang"] == "sv"
    custom = bot.say("When is Hämeenkatu plowed?")[0]["custom"]
    assert (custom["topic"], custom["lang"]) == ("maintenance.snow_plowing.street", "en")
    assert bot.say("ok")[0]["custom"]["lang"] == "en"


def test_a_fault_report_gets_a_reference_whose_status_only_its_reporter_sees_in_full(resident):
    bot = resident()
    first = bot.say("Teiskontiellä 12 on tosi syvä kuoppa keskellä ajokaistaa, rengas meinasi hajota")
    assert topics(first)[0] == "maintenance.pothole"
    assert topics(first)[-1] == "maintenance.pothole.report.ask_contact"
    assert topics(bot.say("ei kiitos")) == ["maintenance.pothole.report.confirm"]
    done = bot.say("kyllä")
    assert topics(done) == ["maintenance.pothole.report.submitted"]
    public_ref = re.search(r"\b([2-9A-Z]{4}-[2-9A-Z]{4})\b", done[0]["text"]).group(1)
    status = bot.say(f"mikä on ilmoituksen {public_ref} tilanne?")
    assert topics(status) == ["maintenance.report_status.found"]
    assert "Teiskontie 12" in status[0]["text"]
    stranger = resident().say(f"mikä on ilmoituksen {public_ref} tilanne?")
    assert topics(stranger) == ["maintenance.report_status.state"]
    assert "Teiskontie" not in stranger[0]["text"]


def test_an_emergency_during_a_report_gets_the_emergency_answer(resident):
    bot = resident()
    bot.say("the street lamp outside our house is broken")
    reply = bot.say("help, my dad collapsed and is not breathing")
    assert (reply[0]["custom"]["topic"], reply[0]["custom"]["lang"]) == ("health.emergency", "en")
    assert "112" in reply[0]["text"].split("\n\n")[0]


EMERGENCIES = [
    row
    for name in ("emergency_phrases.tsv", "emergency_holdout.tsv", "emergency_reports.tsv")
    for row in csv.DictReader(open(ROOT / "tests" / "data" / name, encoding="utf-8"), delimiter="\t")
    if row["expected"] == "emergency"
]


@pytest.mark.parametrize("row", EMERGENCIES, ids=lambda r: r["text"][:40])
def test_every_emergency_phrase_gets_112_first_in_its_language(resident, row):
    reply = resident().say(row["text"])
    assert (reply[0]["custom"]["topic"], reply[0]["custom"]["lang"]) == ("health.emergency", row["lang"])
    assert "112" in reply[0]["text"].split("\n\n")[0]


@pytest.mark.parametrize(
    "body",
    [{"message": "moi"}, {"sender": "x"}, {"sender": "", "message": "moi"}, {"sender": "x", "message": 5},
     {"sender": "x", "message": "moi", "metadata": "sv"}, ["not", "an", "object"]],
)
def test_bad_requests_get_a_clear_error(body):
    response = requests.post(f"{E2E_URL}/webhooks/rest/webhook", json=body, timeout=30)
    assert response.status_code == 400
    assert "error" in response.json()


def test_the_http_api_needs_the_token():
    assert requests.get(f"{E2E_URL}/status", timeout=30).status_code == 401
