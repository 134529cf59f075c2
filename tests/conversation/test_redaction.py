"""Redaction at storage: the events Rasa writes keep <EMAIL>, <PHONE>... and never the input."""

import copy

import yaml
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered

from citizenbot.conversation.redaction import FREE_TEXT_SLOTS, redact_event

from ..conftest import ROOT

TYPED = "sähköposti anna.virtanen@example.fi, puh. 040 123 4567, hetu 131052-308T"


def test_a_residents_message_is_stored_with_placeholders():
    event = UserUttered(TYPED, {"name": "nlu_fallback", "confidence": 0.1},
                        [{"entity": "x", "value": "anna.virtanen@example.fi"}]).as_dict()
    before = copy.deepcopy(event)
    stored = redact_event(event)
    assert event == before  # what Rasa holds in memory is not changed
    assert stored["text"] == "sähköposti <EMAIL>, puh. <PHONE>, hetu <HETU>"
    assert stored["parse_data"]["text"] == stored["text"]
    assert stored["parse_data"]["entities"][0]["value"] == "<EMAIL>"
    assert stored["parse_data"]["intent"] == before["parse_data"]["intent"]


def test_a_bot_message_repeating_a_contact_and_the_form_slots_are_redacted():
    bot = redact_event(BotUttered("Yhteystieto: anna@example.com", {"custom": {"topic": "t"}}).as_dict())
    assert bot["text"] == "Yhteystieto: <EMAIL>" and bot["data"]["custom"] == {"topic": "t"}
    assert redact_event(SlotSet("report_contact", "+358 40 1234567").as_dict())["value"] == "<PHONE>"
    assert redact_event(SlotSet("report_location", "Teiskontie 12").as_dict())["value"] == "<ADDRESS>"
    # the assistant's own values stay, public numbers too
    assert redact_event(SlotSet("lang", "fi").as_dict())["value"] == "fi"
    assert redact_event(BotUttered("Soita 112.").as_dict())["text"] == "Soita 112."


def test_every_slot_filled_from_what_residents_type_is_redacted():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    from_text = {name for name, slot in domain["slots"].items()
                 if any(m.get("type") == "from_text" for m in slot.get("mappings", []))}
    assert from_text == set(FREE_TEXT_SLOTS)
