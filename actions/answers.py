"""Answering a recognised topic from the knowledge base (FAQ answers and lookups)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    MAX_FAILURES_BEFORE_PERSON,
    answer_unserved,
    blocking,
    failures,
    language_events,
    latest,
    latest_intent,
    resident_text,
    resolve_language,
    send_all,
    services,
)
from citizenbot.fallback import offer_person
from citizenbot.intents import OUT_OF_SCOPE, is_topic
from citizenbot.replies import answer_topic, faq

# Health topics where a nurse's judgement often helps: the answer offers the nurse chat.
NURSE_OFFER_TOPICS = frozenset({
    "health.cold_flu", "health.child_fever", "health.stomach_flu", "health.tick_bite", "health.symptom_check",
    "health.medical_helpline", "health.mental_health", "health.poisoning",
})


class ActionAnswer(Action):
    """Answers the topic the classifier recognised, in the resident's language."""

    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        if await answer_unserved(dispatcher, tracker):
            return []
        svc = services()
        lang = resolve_language(tracker)
        topic = latest_intent(tracker)
        events = language_events(tracker, lang)
        if not is_topic(topic):
            send_all(dispatcher, [await blocking(faq, svc.kb, "meta.capabilities.acknowledge", lang)], lang)
            return events
        replies = await blocking(answer_topic, svc.kb, topic, resident_text(tracker), lang)
        if topic in NURSE_OFFER_TOPICS and replies:
            title = await blocking(svc.kb.label, "topic.handoff.nurse", lang)
            replies[-1].buttons.append({"title": title, "payload": "/handoff.nurse"})
        if topic == OUT_OF_SCOPE:
            count = failures(tracker) + 1
            if count >= MAX_FAILURES_BEFORE_PERSON:
                replies.append(await blocking(offer_person, svc.kb, latest(tracker).ranking, lang))
                count = 0
            events.append(SlotSet("failures", float(count)))
        elif failures(tracker):
            events.append(SlotSet("failures", 0.0))
        send_all(dispatcher, replies, lang)
        return events
