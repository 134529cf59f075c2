"""Talking to a person: the nurse chat or customer service (queue, hours, leaving the queue)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import blocking, language_events, latest, latest_intent, resolve_language, send, services
from citizenbot.conversation import make_envelope
from citizenbot.conversation.events import first_typed_text, latest_answered_topic
from citizenbot.handoff.hours import format_hours, is_open
from citizenbot.handoff.store import estimate_wait_minutes
from citizenbot.replies import Reply, faq

QUEUE_OF_INTENT = {"handoff.nurse": "nurse", "handoff.agent": "agent"}


def utc_now() -> datetime:
    """The clock of the opening-hours check (tests set it)."""
    return datetime.now(timezone.utc)


def conversation_topic(tracker: Tracker) -> str | None:
    """The latest topic the assistant answered before the request (for the staff's queue view)."""
    return latest_answered_topic(tracker.events, skip=("handoff.", "fallback."))


class ActionHandoff(Action):
    """Queues the conversation for a nurse (health) or customer service, or tells the hours."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        svc = services()
        lang = resolve_language(tracker)
        intent = latest_intent(tracker)
        queue_name = QUEUE_OF_INTENT.get(intent or "", "agent")
        topic = f"handoff.{queue_name}"
        queue = svc.handoff.queues.get(queue_name)
        chosen = chosen_queue_language(tracker)
        if queue is not None and chosen in queue.languages:
            lang = chosen  # the resident pressed "continue in <language>" (language_unavailable)
        events = language_events(tracker, lang) + [SlotSet("failures", 0.0)]
        if queue is None:  # no live chat configured: where and when to reach a person
            send(dispatcher, await blocking(faq, svc.kb, topic, lang), lang)
            return events
        if not is_open(queue, utc_now(), svc.handoff.timezone):
            text = await blocking(svc.kb.answer, f"{topic}.closed", lang, hours=format_hours(queue, lang))
            send(dispatcher, Reply(text, f"{topic}.closed"), lang)
            return events
        if lang not in queue.languages:
            send(dispatcher, await blocking(language_unavailable, svc.kb, queue, lang), lang)
            return events
        handoff, created = await blocking(
            svc.handoffs.request, tracker.sender_id, queue_name, lang,
            conversation_topic(tracker), first_typed_text(tracker.events),
        )
        if handoff.status == "active":
            text = await blocking(svc.kb.answer, "handoff.already_connected", lang)
            send(dispatcher, Reply(text, "handoff.already_connected"), lang)
            return events
        position = await blocking(svc.handoffs.position, handoff.id)
        wait = estimate_wait_minutes(position, svc.handoff.average_handling_minutes)
        key = f"handoff.{handoff.queue}.queued" if created else "handoff.already_queued"
        text = await blocking(svc.kb.answer, key, lang, position=position, wait=wait)
        button = {"title": await blocking(svc.kb.label, "button.leave_queue", lang), "payload": "/cancel"}
        dispatcher.utter_message(
            text=text, buttons=[button],
            json_message=make_envelope(f"handoff.{handoff.queue}.queued", lang, handoff={
                "id": handoff.id, "state": "queued", "queue": handoff.queue, "position": position, "wait_minutes": wait}),
        )
        return events


def chosen_queue_language(tracker: Tracker) -> str | None:
    """The language of a "continue in Finnish" button: ``/handoff.nurse{"lang": "fi"}``."""
    return latest(tracker).entity("lang")


def language_unavailable(kb, queue, lang: str) -> Reply:
    """The queue's staff do not chat in the resident's language: which languages they do, the
    alternative, and a button per served language that switches and queues at once."""
    names = [kb.label(f"language.{served}", lang) for served in queue.languages]
    joined = names[0] if len(names) == 1 else f' {kb.label("word.or", lang)} '.join(
        [", ".join(names[:-1]), names[-1]])
    topic = f"handoff.{queue.name}.language"
    text = kb.answer(topic, lang, languages=joined)
    buttons = [{"title": kb.label(f"button.continue_in.{served}", served),
                "payload": f'/handoff.{queue.name}{{"lang": "{served}"}}'} for served in queue.languages]
    return Reply(text, topic, buttons)


class ActionCancel(Action):
    """"Cancel" outside a form: leaves the handoff queue when waiting, otherwise acknowledges."""

    def name(self) -> str:
        return "action_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        svc = services()
        lang = resolve_language(tracker)
        cancelled = await blocking(svc.handoffs.cancel, tracker.sender_id)
        if cancelled is None:
            send(dispatcher, await blocking(faq, svc.kb, "meta.capabilities.acknowledge", lang), lang)
        else:
            text = await blocking(svc.kb.answer, "handoff.cancelled", lang)
            dispatcher.utter_message(
                text=text,
                json_message=make_envelope(f"handoff.{cancelled.queue}.cancelled", lang, handoff={
                    "id": cancelled.id, "state": "cancelled", "queue": cancelled.queue}),
            )
        return language_events(tracker, lang)
