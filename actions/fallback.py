"""Not understood: an honest answer with the two likeliest topics, then the offer of a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    MAX_FAILURES_BEFORE_PERSON,
    answer_unserved,
    blocking,
    failures,
    language_events,
    latest,
    resolve_language,
    send,
    services,
)
from citizenbot.fallback import not_understood, offer_person
from citizenbot.replies import faq

# "If someone's life or health is in danger now, call 112": before "not understood" when the
# classifier said emergency without being sure (citizenbot.nlu.components.EmergencyOverride).
POSSIBLE_EMERGENCY_TOPIC = "fallback.possible_emergency"


class ActionFallback(Action):
    """Runs for low NLU confidence (nlu_fallback) and when no rule applies (core fallback)."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        if await answer_unserved(dispatcher, tracker):
            return [UserUtteranceReverted()]
        svc = services()
        lang = resolve_language(tracker)
        count = failures(tracker) + 1
        ranking = latest(tracker).ranking
        if latest(tracker).possible_emergency:  # safety first, even when unsure
            send(dispatcher, await blocking(faq, svc.kb, POSSIBLE_EMERGENCY_TOPIC, lang), lang)
        if count >= MAX_FAILURES_BEFORE_PERSON:
            send(dispatcher, await blocking(offer_person, svc.kb, ranking, lang), lang)
            count = 0
        else:
            send(dispatcher, await blocking(not_understood, svc.kb, ranking, lang), lang)
        # The misunderstood message is forgotten by the dialogue (not by the transcript), so the
        # conversation continues as if it had not happened, e.g. inside an active report form.
        # (the revert comes first: events after it in the same list are kept)
        return [UserUtteranceReverted(), SlotSet("failures", float(count))] + language_events(tracker, lang)
