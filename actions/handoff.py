"""Talking to a person: the nurse chat or customer service."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import blocking, language_events, latest_intent, resolve_language, send, services
from citizenbot.replies import faq


class ActionHandoff(Action):
    """Tells where and when a person can be reached (health -> nurse, else customer service)."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        lang = resolve_language(tracker)
        topic = latest_intent(tracker)
        if topic not in {"handoff.nurse", "handoff.agent"}:
            topic = "handoff.agent"
        send(dispatcher, await blocking(faq, services().kb, topic, lang), lang)
        return language_events(tracker, lang) + [SlotSet("failures", 0.0)]
