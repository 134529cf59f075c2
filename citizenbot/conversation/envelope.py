"""The message envelope: what every bot message carries besides its text and buttons.

A bot message's ``custom`` payload is ``{"topic": <topic id or a finer id under it>, "lang":
<the text's language: a served one, or for the fixed replies to a message in a language we do
not serve that language>, "id": <32 hex digits>}``, plus ``"handoff": {"id", "state", "queue", ...}`` on
the notices of a handoff. The action server sends it as Rasa's ``json_message``; the REST channel
returns it as ``custom`` next to ``text`` and ``buttons``; the tracker keeps it in the bot event's
``data.custom``. The id lets "Was this helpful?" name the exact answer; the topic and language are
what feedback, evaluation and the staff console attach to. The topic also tells the 112 answer
apart (``is_emergency``): the widget shows it as an alert and the staff console flags the
conversation, without reading the text.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citizenbot.intents import EMERGENCY_INTENT


def new_message_id() -> str:
    return uuid.uuid4().hex


def is_emergency_topic(topic: str | None) -> bool:
    """Whether a message's topic is the 112 answer (the safety net's topic or a finer id under it)."""
    return bool(topic) and (topic == EMERGENCY_INTENT or topic.startswith(EMERGENCY_INTENT + "."))


def make_envelope(topic: str, lang: str, *, handoff: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A new bot message's ``custom`` payload (a fresh id every time)."""
    custom: dict[str, Any] = {"topic": topic, "lang": lang, "id": new_message_id()}
    if handoff is not None:
        custom["handoff"] = dict(handoff)
    return custom


@dataclass(frozen=True)
class Envelope:
    """A bot message's envelope as read back; every field is None when the message had none."""

    topic: str | None = None
    lang: str | None = None
    id: str | None = None
    handoff: dict[str, Any] | None = None

    @property
    def is_emergency(self) -> bool:
        return is_emergency_topic(self.topic)

    @classmethod
    def read(cls, custom: Any) -> Envelope:
        """Tolerant: a missing or malformed payload (an older message, a stock Rasa reply) reads empty."""
        if not isinstance(custom, Mapping):
            return cls()
        handoff = custom.get("handoff")
        return cls(
            topic=_str(custom.get("topic")),
            lang=_str(custom.get("lang")),
            id=_str(custom.get("id")),
            handoff=dict(handoff) if isinstance(handoff, Mapping) else None,
        )

    @classmethod
    def of_reply(cls, reply: Mapping[str, Any]) -> Envelope:
        """The envelope of a message as the REST channel returns it (``{"text", "custom", ...}``)."""
        return cls.read(reply.get("custom"))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
