"""A conversation as people see it: the resident's widget and the staff console.

The widget's messages are ``{"from": "resident" | "bot" | "staff", "text", "ts", "custom",
"buttons", "staff": {"role", "first_name"}}``; live messages (a reply, a staff message pushed
over Socket.IO) and the history after a reload have the same shape, so the widget draws both
alike. The staff transcript adds what the assistant understood and answered (intent and
confidence of each resident message, topic and language of each answer) and the pauses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .events import BOT, PAUSE, RESUME, USER, BotMessage, ResidentMessage, kind, tracker_events

# What a resident may learn of a staff member (the stored metadata also has their account id).
PUBLIC_STAFF_FIELDS = ("role", "first_name")


def public_staff(staff: Mapping[str, Any]) -> dict[str, Any]:
    return {k: staff.get(k) for k in PUBLIC_STAFF_FIELDS if staff.get(k)}


def widget_message(text: str | None, custom: Mapping[str, Any] | None = None, buttons: Any = None,
                   staff: Mapping[str, Any] | None = None, ts: float | None = None) -> dict[str, Any]:
    """One bot or staff message in the widget's format."""
    message: dict[str, Any] = {"from": "bot", "text": text or ""}
    if buttons:
        message["buttons"] = list(buttons)
    if custom:
        message["custom"] = dict(custom)
    if ts:
        message["ts"] = ts
    if staff:
        message["from"] = "staff"
        message["staff"] = public_staff(staff)
    return message


def widget_reply(reply: Mapping[str, Any]) -> dict[str, Any]:
    """A bot message as the REST channel returned it, for the widget (same fields, no recipient)."""
    message = {k: v for k, v in reply.items() if k != "recipient_id"}
    message["from"] = "bot"
    return message


def for_resident(tracker: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The widget's history of a tracker (``GET /conversations/{id}/tracker``): what the resident
    typed or pressed (by the button's title) and every bot and staff message."""
    messages: list[dict[str, Any]] = []
    for event in tracker_events(tracker):
        if kind(event) == USER:
            said = ResidentMessage.from_event(event)
            if said.is_button and not said.display:
                continue  # a button payload without a title: nothing the resident typed
            message = {"from": "resident", "text": said.shown, "ts": event.get("timestamp")}
            if said.client_id:  # the widget knows a message it is still resending got through
                message["client_id"] = said.client_id
            messages.append(message)
        elif kind(event) == BOT:
            bot = BotMessage.from_event(event)
            message = widget_message(bot.text, bot.custom, bot.buttons, bot.staff, bot.timestamp)
            if message["text"] or message.get("buttons"):
                messages.append(message)
    return messages


def for_staff(tracker: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The whole conversation for staff: the bot part with the topics it answered, and the
    resident's messages with what the classifier understood."""
    out: list[dict[str, Any]] = []
    for event in tracker_events(tracker):
        if kind(event) == USER:
            said = ResidentMessage.from_event(event)
            out.append({"from": "resident", "text": said.shown, "ts": event.get("timestamp"),
                        "intent": said.intent, "confidence": said.confidence})
        elif kind(event) == BOT and event.get("text"):
            bot = BotMessage.from_event(event)
            out.append({"from": "staff" if bot.staff else "bot", "text": bot.text, "ts": event.get("timestamp"),
                        "topic": bot.envelope.topic, "lang": bot.envelope.lang,
                        "staff": {"first_name": bot.staff.get("first_name"), "role": bot.staff.get("role")}
                        if bot.staff else None})
        elif kind(event) in (PAUSE, RESUME):
            out.append({"from": "system", "text": kind(event), "ts": event.get("timestamp")})
    return out


# The words of a transcript kept as a file, in the staff member's language.
TEXT_LABELS = {
    "fi": {"title": "Keskustelu", "resident": "Asukas", "bot": "Avustaja", "staff": "Henkilöstö",
           "pause": "Henkilöstö otti keskustelun, avustaja on hiljaa.", "resume": "Avustaja vastaa taas."},
    "sv": {"title": "Samtal", "resident": "Invånare", "bot": "Assistent", "staff": "Personal",
           "pause": "Personalen tog över samtalet, assistenten är tyst.", "resume": "Assistenten svarar igen."},
    "en": {"title": "Conversation", "resident": "Resident", "bot": "Assistant", "staff": "Staff",
           "pause": "Staff took the conversation; the assistant is silent.", "resume": "The assistant answers again."},
}


def as_text(messages: list[dict[str, Any]], heading: str, lang: str = "fi", tz: Any = None) -> str:
    """A staff transcript (``for_staff``) as plain text to keep: who said what and when, without
    what the classifier understood (intents, confidences, topics)."""
    from datetime import datetime

    labels = TEXT_LABELS.get(lang, TEXT_LABELS["en"])
    lines = [f"{labels['title']} {heading}", ""]
    for m in messages:
        when = datetime.fromtimestamp(m["ts"], tz).strftime("%Y-%m-%d %H:%M") if m.get("ts") else ""
        if m["from"] == "system":
            lines += [f"[{when}] {labels.get(m['text'], m['text'])}", ""]
            continue
        who = labels.get(m["from"], m["from"])
        if m["from"] == "staff" and m.get("staff") and m["staff"].get("first_name"):
            who = f"{m['staff']['first_name']} ({who})"
        lines += [f"{who} {when}:".replace("  ", " "), m.get("text") or "", ""]
    return "\n".join(lines)
