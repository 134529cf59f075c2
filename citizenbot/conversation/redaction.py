"""Redaction at storage: what of a Rasa event is kept only as ``<EMAIL>``, ``<PHONE>``...

The tracker store (``citizenbot.rasa_ext.tracker_store``) passes every event through
``redact_event`` before it is written, so a stored conversation (the widget's history, the staff
transcript, a download, the review inbox) never holds the e-mail address, phone number, identity
code, account, card, plate or street address a resident typed, nor a bot message that repeats one
(the report's confirmation). What Rasa and the actions see while a message is handled is the text
as typed: only the copy written to the database is redacted. A report's own details live with the
report (``citizenbot.reports.store``, draft and report), for the report's own retention.

The text redaction itself is ``citizenbot.redact.redact`` (one owner of the patterns).
"""

from __future__ import annotations

from typing import Any

from citizenbot.redact import redact

# The slots filled from what residents type (``from_text`` in domain.yml); the others (lang,
# failures, report_category, requested_slot) hold the assistant's own values.
FREE_TEXT_SLOTS = ("report_location", "report_description", "report_contact", "report_confirm")


def redact_event(data: dict[str, Any]) -> dict[str, Any]:
    """The serialised event (``Event.as_dict()``) as it may be stored; the input is not changed."""
    kind = data.get("event")
    if kind == "user":
        out = dict(data)
        out["text"] = _text(data.get("text"))
        parse = data.get("parse_data")
        if isinstance(parse, dict):
            parse = dict(parse)
            parse["text"] = _text(parse.get("text"))
            if isinstance(parse.get("entities"), list):
                parse["entities"] = [_entity(e) for e in parse["entities"]]
            out["parse_data"] = parse
        return out
    if kind == "bot":
        out = dict(data)
        out["text"] = _text(data.get("text"))
        return out
    if kind == "slot" and data.get("name") in FREE_TEXT_SLOTS:
        return {**data, "value": _text(data.get("value"))}
    return data


def _text(value: Any) -> Any:
    return redact(value) if isinstance(value, str) and value else value


def _entity(entity: Any) -> Any:
    if isinstance(entity, dict) and isinstance(entity.get("value"), str):
        return {**entity, "value": _text(entity["value"])}
    return entity

