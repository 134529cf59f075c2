"""A Rasa tracker as the widget shows it: resident, bot and staff messages in order."""

from __future__ import annotations

from typing import Any


def bot_message(event_data: dict[str, Any], text: str | None, timestamp: float | None) -> dict[str, Any]:
    message: dict[str, Any] = {"from": "bot", "text": text or ""}
    data = event_data or {}
    if data.get("buttons"):
        message["buttons"] = data["buttons"]
    if data.get("custom"):
        message["custom"] = data["custom"]
    if timestamp:
        message["ts"] = timestamp
    return message


def transcript(tracker: dict[str, Any]) -> list[dict[str, Any]]:
    """Messages of a tracker (``GET /conversations/{id}/tracker``) in the widget's format."""
    messages: list[dict[str, Any]] = []
    for event in tracker.get("events") or []:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            metadata = event.get("metadata") or {}
            shown = metadata.get("display") if isinstance(metadata, dict) else None
            if text.startswith("/") and not shown:
                continue  # a button payload without a title: nothing the resident typed
            messages.append({"from": "resident", "text": shown or text, "ts": event.get("timestamp")})
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            staff = metadata.get("staff") if isinstance(metadata, dict) else None
            message = bot_message(event.get("data") or {}, event.get("text"), event.get("timestamp"))
            if staff:
                message["from"] = "staff"
                message["staff"] = {k: staff.get(k) for k in ("role", "first_name") if staff.get(k)}
            if message["text"] or message.get("buttons"):
                messages.append(message)
    return messages
