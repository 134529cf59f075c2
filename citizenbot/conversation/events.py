"""Reading and writing a conversation's events in Rasa's format.

The same event dicts come from three places: a tracker of Rasa's HTTP API
(``GET /conversations/<id>/tracker``, its ``events``), rasa-sdk's ``Tracker.events`` in an action,
and the ``data`` column of the tracker store. The kinds this project reads:

* ``user``: a resident's message with what the NLU made of it (``parse_data``: intent, ranking,
  entities, and the language the NLU detected under ``language``) and the widget's ``metadata``
  (``lang`` the page language, ``lang_selected`` an explicit choice, ``display`` a pressed button's
  title, ``client_id`` the widget's id of the message, which makes a resend recognisable). A text starting with ``/`` is a button payload, not typed words.
* ``bot``: a bot message; ``data.custom`` is its envelope (``citizenbot.conversation.envelope``),
  ``data.buttons`` its buttons. A **staff message** is a bot event with ``metadata.staff``
  (``{"role", "first_name", "id"}``) appended by the web process during a handoff.
* ``pause`` / ``resume``: a person took the conversation / gave it back to the assistant.
* ``slot`` ``lang``: the conversation's language. ``active_loop``: a form (the fault report)
  started (``name``) or ended (``name`` null); ``session_started`` and ``restart`` end it too.

Nothing else in the project parses these dicts: it uses the functions and types below.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .envelope import Envelope

USER, BOT, SLOT, PAUSE, RESUME = "user", "bot", "slot", "pause", "resume"
ACTIVE_LOOP, SESSION_STARTED, RESTART = "active_loop", "session_started", "restart"
LANG_SLOT = "lang"
# The kinds that tell whether a form was active (see form_after).
FORM_KINDS = (ACTIVE_LOOP, SESSION_STARTED, RESTART)


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ResidentMessage:
    """A resident's message and what the NLU understood of it."""

    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    ranking: tuple[tuple[str, float], ...] = ()
    entities: tuple[dict[str, Any], ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    message_id: str | None = None
    timestamp: float | None = None
    detected_lang: str | None = None  # the NLU's language detection of this text
    detected_confidence: float = 0.0
    unserved_lang: str | None = None  # an unserved language the NLU found the text written in (ru, zh...)
    language: dict[str, Any] = field(default_factory=dict)  # the NLU's stored detection, whole
    possible_emergency: bool = False  # the classifier, unsure and without a safety rule, said emergency
    safety_rule: str | None = None  # the emergency rule the text matched ("et.suicide"), if any

    @classmethod
    def from_parse(cls, parse: Mapping[str, Any] | None, *, metadata: Any = None, message_id: Any = None,
                   timestamp: Any = None) -> ResidentMessage:
        """From the NLU's parse result (rasa-sdk's ``Tracker.latest_message`` is one)."""
        parse = _dict(parse)
        intent = _dict(parse.get("intent"))
        ranking = tuple(
            (str(item["name"]), _float(item.get("confidence")) or 0.0)
            for item in parse.get("intent_ranking") or [] if isinstance(item, Mapping) and item.get("name")
        )
        detected = _dict(parse.get("language"))
        meta = _dict(metadata if metadata is not None else parse.get("metadata"))
        return cls(
            text=str(parse.get("text") or ""),
            intent=intent.get("name") or None,
            confidence=_float(intent.get("confidence")),
            ranking=ranking,
            entities=tuple(e for e in parse.get("entities") or [] if isinstance(e, Mapping)),
            metadata=meta,
            message_id=(message_id or parse.get("message_id")) or None,
            timestamp=_float(timestamp),
            detected_lang=detected.get("lang") if isinstance(detected.get("lang"), str) else None,
            detected_confidence=_float(detected.get("confidence")) or 0.0,
            unserved_lang=detected.get("unserved") if isinstance(detected.get("unserved"), str) else None,
            language=dict(detected),
            possible_emergency=_float(parse.get("possible_emergency")) is not None,
            safety_rule=parse.get("safety_rule") if isinstance(parse.get("safety_rule"), str) else None,
        )

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> ResidentMessage:
        """From a ``user`` event (its text is the event's, whatever the parse data says)."""
        parse = {**_dict(event.get("parse_data")), "text": event.get("text") or ""}
        return cls.from_parse(parse, metadata=event.get("metadata") or {}, message_id=event.get("message_id"),
                              timestamp=event.get("timestamp"))

    @property
    def is_button(self) -> bool:
        """A pressed button ("/topic"), not words the resident typed."""
        return self.text.startswith("/")

    @property
    def display(self) -> str | None:
        """The title of the button the resident pressed, as the widget showed it."""
        display = self.metadata.get("display")
        return display if isinstance(display, str) and display else None

    @property
    def shown(self) -> str:
        """What the resident saw as their message: a button's title, else the text."""
        return self.display or self.text

    @property
    def client_id(self) -> str | None:
        """The widget's own id of this message (``metadata.client_id``): a resend has the same."""
        value = self.metadata.get("client_id")
        return value if isinstance(value, str) and value else None

    @property
    def page_lang(self) -> Any:
        """The page's language hint as sent (unchecked: the language decision checks it)."""
        return self.metadata.get("lang")

    @property
    def lang_selected(self) -> bool:
        """The widget's language switch: the resident chose the page language explicitly."""
        return bool(self.metadata.get("lang_selected"))

    def entity(self, name: str) -> str | None:
        """The first string value of an entity (e.g. ``lang`` of a "continue in Swedish" button)."""
        for entity in self.entities:
            if entity.get("entity") == name and isinstance(entity.get("value"), str):
                return entity["value"]
        return None


@dataclass(frozen=True)
class BotMessage:
    """A message of the assistant, or of a staff member when ``staff`` is set."""

    text: str
    envelope: Envelope
    buttons: tuple[dict[str, Any], ...] = ()
    staff: dict[str, Any] | None = None
    timestamp: float | None = None
    custom: dict[str, Any] = field(default_factory=dict)  # the envelope as stored

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> BotMessage:
        data = _dict(event.get("data"))
        custom = _dict(data.get("custom"))
        staff = _dict(event.get("metadata")).get("staff")
        return cls(
            text=str(event.get("text") or ""),
            envelope=Envelope.read(custom),
            buttons=tuple(b for b in data.get("buttons") or [] if isinstance(b, Mapping)),
            staff=dict(staff) if isinstance(staff, Mapping) and staff else None,
            timestamp=_float(event.get("timestamp")),
            custom=custom,
        )


def tracker_events(tracker: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The events of a tracker as Rasa's HTTP API returns it (``{"sender_id", "events", ...}``)."""
    events = (tracker or {}).get("events")
    return [e for e in events if isinstance(e, Mapping)] if isinstance(events, list) else []


def kind(event: Mapping[str, Any]) -> str | None:
    return event.get("event") if isinstance(event, Mapping) else None


def resident_messages(events: Iterable[Mapping[str, Any]]) -> Iterator[ResidentMessage]:
    for event in events:
        if kind(event) == USER:
            yield ResidentMessage.from_event(event)


def bot_messages(events: Iterable[Mapping[str, Any]]) -> Iterator[BotMessage]:
    for event in events:
        if kind(event) == BOT:
            yield BotMessage.from_event(event)


def has_client_message(events: Iterable[Mapping[str, Any]], client_id: str) -> bool:
    """Whether the conversation already has the resident's message the widget gave this id."""
    return any(message.client_id == client_id for message in resident_messages(events))


def find_bot_message(events: Iterable[Mapping[str, Any]], message_id: str) -> BotMessage | None:
    """The bot message whose envelope has this id (what a "Was this helpful?" vote names)."""
    for message in bot_messages(events):
        if message.envelope.id == message_id:
            return message
    return None


def question_answered_by(events: Iterable[Mapping[str, Any]], message_id: str) -> ResidentMessage | None:
    """The resident's question a bot message replied to: the latest typed message before it
    (a button pressed in between is not the question)."""
    asked: list[ResidentMessage] = []
    for event in events:
        if kind(event) == USER:
            message = ResidentMessage.from_event(event)
            if not message.is_button:
                asked.append(message)
        elif kind(event) == BOT and BotMessage.from_event(event).envelope.id == message_id:
            return asked[-1] if asked else None
    return None


def latest_answered_topic(events: Iterable[Mapping[str, Any]], skip: tuple[str, ...] = ()) -> str | None:
    """The topic of the latest bot message, ignoring topics that start with one of ``skip``."""
    for message in reversed(list(bot_messages(events))):
        topic = message.envelope.topic
        if topic and not topic.startswith(skip):
            return topic
    return None


def first_typed_text(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The first message the resident typed in the conversation."""
    for message in resident_messages(events):
        if message.text and not message.is_button:
            return message.text
    return None


def typed_before_latest(events: Iterable[Mapping[str, Any]]) -> str:
    """The resident's latest typed words before their latest message (when that was a button
    press, the question the buttons were offered for); empty when there are none."""
    messages = list(resident_messages(events))
    for message in reversed(messages[:-1]):
        if not message.is_button:
            return message.text
    return ""


def form_after(event: Mapping[str, Any], current: str | None) -> str | None:
    """The form (active loop) a conversation is in after this event, given the one before it."""
    if kind(event) == ACTIVE_LOOP:
        return event.get("name") or None
    if kind(event) in (SESSION_STARTED, RESTART):
        return None
    return current


# --- events to append (Rasa's HTTP API: POST /conversations/<id>/tracker/events) ----------------


def bot_event(text: str, custom: Mapping[str, Any], staff: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A message to store in the transcript; with ``staff`` it is a staff member's message."""
    event: dict[str, Any] = {"event": BOT, "text": text, "data": {"custom": dict(custom)}, "timestamp": time.time()}
    if staff is not None:
        event["metadata"] = {"staff": dict(staff)}
    return event


def pause_event() -> dict[str, Any]:
    """The assistant stops answering: a person has the conversation."""
    return {"event": PAUSE, "timestamp": time.time()}


def resume_event() -> dict[str, Any]:
    return {"event": RESUME, "timestamp": time.time()}


def language_event(lang: str) -> dict[str, Any]:
    """The conversation continues in ``lang`` (the ``lang`` slot the actions answer in)."""
    return {"event": SLOT, "name": LANG_SLOT, "value": lang, "timestamp": time.time()}
