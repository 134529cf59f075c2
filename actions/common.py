"""Shared pieces of the actions: services, language, sending replies. Not an action module."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from citizenbot import language
from citizenbot.conversation import ResidentMessage, make_envelope
from citizenbot.conversation.events import LANG_SLOT, typed_before_latest
from citizenbot.handoff.hours import HandoffConfig, parse_config
from citizenbot.handoff.store import HandoffStore
from citizenbot.kb import KnowledgeBase
from citizenbot.outbox import Open311Config
from citizenbot.replies import Reply
from citizenbot.reports import ReportStore
from citizenbot.settings import get_settings
from citizenbot.store.db import get_database

T = TypeVar("T")

# Intents that are not topics: they only steer forms and buttons.
CONTROL_INTENTS = frozenset({"affirm", "deny", "cancel", "nlu_fallback"})
MAX_FAILURES_BEFORE_PERSON = 2


@dataclass
class Services:
    kb: KnowledgeBase
    reports: ReportStore
    handoffs: HandoffStore
    open311: Open311Config
    handoff: HandoffConfig
    default_lang: str


@functools.lru_cache(maxsize=1)
def services() -> Services:
    """Created on first use (not at import), then shared by every action in the process."""
    from citizenbot.content import load_content  # city configuration (service codes, hours) is content

    settings = get_settings()
    database = get_database(settings.database_url)
    city = load_content(settings.kb_dir, settings.city).city_config
    return Services(
        kb=KnowledgeBase(database),
        reports=ReportStore(database),
        handoffs=HandoffStore(database),
        open311=open311_config(city.get("open311") or {}, settings),
        handoff=parse_config(city.get("handoff")),
        default_lang=settings.default_lang,
    )


def open311_config(city: dict, settings=None) -> Open311Config:
    settings = settings or get_settings()
    return Open311Config(
        base_url=settings.open311_base_url or city.get("base_url") or "",
        api_key=settings.open311_api_key,
        timeout=settings.open311_timeout,
        service_codes=dict(city.get("service_codes") or {}),
        default_service_code=city.get("default_service_code"),
    )


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
    return language.decide(
        message.text, current=tracker.get_slot(LANG_SLOT), hint=message.page_lang, chosen=message.lang_selected,
        about_language=message.intent == "meta.language", default=default or services().default_lang,
    )


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
