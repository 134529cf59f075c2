"""Shared pieces of the actions: the latest message, language, sending replies. Not an action module.

The services (knowledge base, stores, city configuration) are wired in ``citizenbot.services``;
``services`` is re-exported here for the action modules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from citizenbot import language
from citizenbot.conversation import ResidentMessage, make_envelope
from citizenbot.conversation.events import LANG_SLOT, typed_before_latest
from citizenbot.intents import EMERGENCY_INTENT
from citizenbot.replies import Reply, faq, unserved_language_reply
from citizenbot.services import Services, services
from citizenbot.settings import served_languages

__all__ = ["Services", "services"]  # the actions' entry to the shared services (see the docstring)

T = TypeVar("T")

MAX_FAILURES_BEFORE_PERSON = 2


async def blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (SQL) in a worker thread so the action server's event loop stays free."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def latest(tracker: Tracker) -> ResidentMessage:
    """The resident's latest message and what the NLU understood of it."""
    return ResidentMessage.from_parse(tracker.latest_message)


def latest_intent(tracker: Tracker) -> str | None:
    return latest(tracker).intent


def latest_text(tracker: Tracker) -> str:
    return latest(tracker).text


def resident_text(tracker: Tracker) -> str:
    """The resident's own words for lookups: when they pressed a button ("/topic"), the message
    before it (the one the buttons were offered for)."""
    message = latest(tracker)
    return typed_before_latest(tracker.events) if message.is_button else message.text


def resolve_language(tracker: Tracker, default: str | None = None) -> str:
    """The language to answer the latest message in (decided by citizenbot.language.decide)."""
    message = latest(tracker)
    detection = language.Detection.from_stored(message.language)
    decided = language.decide(
        message.text, current=tracker.get_slot(LANG_SLOT), hint=message.page_lang, chosen=message.lang_selected,
        about_language=message.intent == "meta.language", default=default or services().default_lang,
        detection=detection,
    )
    # An emergency the detector is unsure of ("ma ei taha enam elada" reads half Somali) is answered
    # in the language of the safety rule it matched, when that language is served.
    rule_lang = (message.safety_rule or "").split(".", 1)[0]
    if (message.intent == EMERGENCY_INTENT and rule_lang in served_languages() and not message.lang_selected
            and not (detection and detection.clear)):
        return rule_lang
    return decided


def unserved_language(tracker: Tracker) -> str | None:
    """The unserved language (ru, so, zh...) the NLU found the latest message written in, if any."""
    message = latest(tracker)
    return None if message.is_button else message.unserved_lang


async def answer_unserved(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A message in a language we do not serve gets a fixed reply in it: the 112 answer for an
    emergency, else which languages the assistant speaks (never an answer in another language).
    The conversation's language stays as it was. False when the message is in no such language."""
    lang = unserved_language(tracker)
    if lang is None:
        return False
    kb = services().kb
    if latest(tracker).intent == EMERGENCY_INTENT:
        reply = await blocking(faq, kb, EMERGENCY_INTENT, lang)
    else:
        reply = await blocking(unserved_language_reply, kb, lang, served_languages())
    send(dispatcher, reply, lang)
    return True


def send(dispatcher: CollectingDispatcher, reply: Reply, lang: str) -> None:
    """One bot message: text, buttons, and its envelope (citizenbot.conversation.envelope)."""
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None, json_message=make_envelope(reply.topic, lang))


def send_all(dispatcher: CollectingDispatcher, replies: Iterable[Reply], lang: str) -> None:
    for reply in replies:
        send(dispatcher, reply, lang)


def language_events(tracker: Tracker, lang: str) -> list[dict]:
    return [SlotSet(LANG_SLOT, lang)] if tracker.get_slot(LANG_SLOT) != lang else []


def failures(tracker: Tracker) -> int:
    try:
        return int(tracker.get_slot("failures") or 0)
    except (TypeError, ValueError):
        return 0
