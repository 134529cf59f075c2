"""Handoff in the web process: one place that changes the handoff state, tells Rasa (pause,
resume, staff messages into the transcript), and tells the resident's widget and the staff
consoles (Socket.IO rooms ``<conversation id>``, ``staff:queue:<queue>``, ``staff:handoff:<id>``)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import socketio

from citizenbot import language, safety
from citizenbot.conversation import Envelope, make_envelope
from citizenbot.conversation.events import bot_event, pause_event, resume_event
from citizenbot.conversation.transcript import widget_message
from citizenbot.handoff.hours import HandoffConfig, is_open, next_opening
from citizenbot.handoff.staff import Staff
from citizenbot.handoff.store import HandoffStore, HandoffView, estimate_wait_minutes
from citizenbot.kb import KnowledgeBase
from citizenbot.store.models import utcnow
from citizenbot.web.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)
STAFF_NS = "/staff"


def public_role(role: str | None) -> str:
    """The role a resident sees: nurse, or customer service agent (admins answer as agents)."""
    return role if role in ("nurse", "agent") else "agent"


def queue_room(queue: str) -> str:
    return f"staff:queue:{queue}"


def handoff_room(handoff_id: int) -> str:
    return f"staff:handoff:{handoff_id}"


def staff_room(staff_id: int) -> str:
    """Every console of one staff member (their tabs): told of new messages in conversations they
    have but are not looking at."""
    return f"staff:user:{staff_id}"


class HandoffService:
    def __init__(self, sio: socketio.AsyncServer, rasa: RasaClient, store: HandoffStore, kb: KnowledgeBase,
                 config: HandoffConfig):
        self.sio, self.rasa, self.store, self.kb, self.config = sio, rasa, store, kb, config
        self.clock = utcnow  # the service-hours check's clock (tests set it)

    # --- helpers --------------------------------------------------------------------------------

    async def _text(self, key: str, lang: str, **params: Any) -> str:
        return await asyncio.to_thread(self.kb.answer, key, lang, **params)

    async def _label(self, key: str, lang: str) -> str:
        return await asyncio.to_thread(self.kb.label, key, lang, key)

    async def _bot_message(self, handoff: HandoffView, text: str, topic: str, staff: Staff | None = None,
                           lang: str | None = None) -> dict:
        """Store a message in the Rasa transcript and deliver it to the resident (``lang``: the
        text's language when it is not the conversation's)."""
        custom = make_envelope(topic, lang or handoff.lang)
        signed = None
        if staff is not None:
            signed = {"role": public_role(staff.role), "first_name": staff.first_name, "id": staff.id}
        message = widget_message(text, custom, staff=signed)
        try:
            await self.rasa.append_events(handoff.conversation_id, [bot_event(text, custom, signed)])
        except RasaUnavailable:
            logger.error("could not store a handoff message of %s in the transcript", handoff.conversation_id)
        await self.sio.emit("bot_uttered", message, room=handoff.conversation_id)
        if staff is None:  # the console adds its own staff messages; the bot's it learns here
            await self._bot_to_staff(handoff, text, custom)
        return message

    async def _bot_to_staff(self, handoff: HandoffView, text: str, custom: dict) -> None:
        """A bot message into the transcript of the consoles that have the conversation open, now
        (the 112 answer above all: a nurse must not learn of it only on a refresh)."""
        envelope = Envelope.read(custom)
        await self.sio.emit(
            "bot_message",
            {"handoff_id": handoff.id, "text": text, "topic": envelope.topic, "lang": envelope.lang,
             "emergency": envelope.is_emergency, "ts": time.time()},
            room=handoff_room(handoff.id), namespace=STAFF_NS,
        )

    async def _resident_to_staff(self, handoff: HandoffView, text: str, emergency: bool) -> None:
        await self.sio.emit(
            "resident_message",
            {"handoff_id": handoff.id, "text": text, "emergency": emergency, "ts": time.time()},
            room=handoff_room(handoff.id), namespace=STAFF_NS,
        )
        if handoff.claimed_by is not None:  # an unread marker where another conversation is open
            await self.sio.emit("unread", {"handoff_id": handoff.id, "emergency": emergency},
                                room=staff_room(handoff.claimed_by), namespace=STAFF_NS)

    async def status_for(self, handoff: HandoffView | None) -> dict:
        if handoff is None:
            return {"state": "none"}
        state: dict[str, Any] = {"state": handoff.status, "queue": handoff.queue, "id": handoff.id}
        if handoff.status == "queued" and handoff.left_message:
            state.update(state="message_left", **self.opening(handoff.queue))
        elif handoff.status == "queued":
            position = await asyncio.to_thread(self.store.position, handoff.id)
            state.update(position=position, wait_minutes=estimate_wait_minutes(position, self.config.average_handling_minutes))
        elif handoff.status == "active":
            state["staff"] = {"role": public_role(handoff.staff_role), "first_name": handoff.staff_first_name}
        return state

    async def push_status(self, handoff: HandoffView) -> None:
        await self.sio.emit("handoff_status", await self.status_for(handoff), room=handoff.conversation_id)

    async def queue_changed(self, queue: str) -> None:
        """Tell the staff consoles, and every waiting resident their new place."""
        waiting = await asyncio.to_thread(self.store.waiting, (queue,))
        await self.sio.emit("queue_changed", {"queue": queue}, room=queue_room(queue), namespace=STAFF_NS)
        for handoff in waiting:
            await self.push_status(handoff)

    async def refresh_all(self) -> None:
        for queue in self.config.queues:
            await self.queue_changed(queue)

    # --- resident side --------------------------------------------------------------------------

    async def current(self, conversation_id: str) -> HandoffView | None:
        return await asyncio.to_thread(self.store.current, conversation_id)

    async def resident_cancel(self, conversation_id: str) -> bool:
        handoff = await asyncio.to_thread(self.store.cancel, conversation_id)
        if handoff is None:
            return False
        await self._bot_message(handoff, await self._text("handoff.cancelled", handoff.lang), f"handoff.{handoff.queue}.cancelled")
        await self.push_status(handoff)
        await self.queue_changed(handoff.queue)
        return True

    def opening(self, queue_name: str) -> dict[str, Any]:
        """When the queue next opens: an ISO time and the city's time zone, which the widget
        writes out in the resident's language."""
        queue = self.config.queues.get(queue_name)
        opens = next_opening(queue, self.clock(), self.config.timezone) if queue is not None else None
        return {"opens_at": opens.isoformat() if opens else None, "timezone": self.config.timezone.key}

    async def leave_message(self, conversation_id: str, queue_name: str, lang: str, text: str,
                            contact: str | None) -> dict[str, Any]:
        """Outside service hours: the resident's message (and optional contact) becomes a queue
        item that the first staff member on duty sees; the answer says when the queue opens."""
        queue = self.config.queues.get(queue_name)
        if queue is None:
            return {"ok": False, "error": "invalid"}
        if is_open(queue, self.clock(), self.config.timezone):
            return {"ok": False, "error": "open"}  # a person can chat now: "talk to a person" queues
        lang = lang if lang in queue.languages else queue.languages[0]
        handoff, created = await asyncio.to_thread(self.store.leave_message, conversation_id, queue_name, lang, text, contact)
        if created:
            await self.queue_changed(queue_name)
        await self.push_status(handoff)
        return {"ok": True, "created": created, **self.opening(queue_name)}

    async def resident_message(self, handoff: HandoffView, text: str, metadata: dict) -> None:
        """A message while a person has the conversation: into the transcript, to the staff
        member, and the emergency answer first when it describes a life-threatening emergency (in
        the language it is written in, also when that is not a served one)."""
        rule = safety.emergency_rule(text)
        emergency = rule is not None
        try:
            await self.rasa.send(handoff.conversation_id, text, metadata)  # logged; the bot is paused
        except RasaUnavailable:
            logger.error("could not store a resident message of %s in the transcript", handoff.conversation_id)
        if emergency:
            await asyncio.to_thread(self.store.mark_emergency, handoff.id)
        await self._resident_to_staff(handoff, text, emergency)
        if emergency:  # to the resident and, in order after their message, to the staff transcript
            lang = await asyncio.to_thread(language.emergency_language, text, rule.split(".", 1)[0], handoff.lang)
            await self._bot_message(handoff, await self._text("health.emergency", lang), "health.emergency", lang=lang)
            await self.queue_changed(handoff.queue)  # "my conversations" shows the flag too

    async def bot_answered(self, handoff: HandoffView, text: str, replies: list[dict]) -> None:
        """A resident waiting in the queue wrote and the assistant answered (the gateway's turn):
        consoles watching the conversation see both now, and when the answer was the 112 answer
        the queue item is flagged for every console of the queue (and stays flagged when claimed)."""
        emergency = any(Envelope.of_reply(reply).is_emergency for reply in replies)
        if emergency:
            await asyncio.to_thread(self.store.mark_emergency, handoff.id)
        await self._resident_to_staff(handoff, text, emergency)
        for reply in replies:
            if reply.get("text"):
                await self._bot_to_staff(handoff, reply["text"], reply.get("custom") or {})
        if emergency:
            await self.queue_changed(handoff.queue)

    async def resident_typing(self, handoff: HandoffView, on: bool) -> None:
        await self.sio.emit("resident_typing", {"handoff_id": handoff.id, "on": bool(on)},
                            room=handoff_room(handoff.id), namespace=STAFF_NS)

    # --- staff side -----------------------------------------------------------------------------

    async def claim(self, handoff_id: int, staff: Staff) -> HandoffView | None:
        if not await asyncio.to_thread(self.store.claim, handoff_id, staff.id):
            return None
        handoff = await asyncio.to_thread(self.store.get, handoff_id)
        try:
            await self.rasa.append_events(handoff.conversation_id, [pause_event()])
        except RasaUnavailable:
            logger.error("could not pause the bot for %s", handoff.conversation_id)
        role = await self._label(f"handoff.role.{'nurse' if staff.role == 'nurse' else 'agent'}", handoff.lang)
        text = await self._text("handoff.connected", handoff.lang, role=role, name=staff.first_name)
        await self._bot_message(handoff, text, f"handoff.{handoff.queue}.connected")
        await self.push_status(handoff)
        await self.queue_changed(handoff.queue)
        return handoff

    async def staff_message(self, handoff: HandoffView, staff: Staff, text: str) -> dict:
        return await self._bot_message(handoff, text, f"handoff.{handoff.queue}.staff", staff)

    async def staff_typing(self, handoff: HandoffView, on: bool) -> None:
        await self.sio.emit("typing", {"on": bool(on), "who": "staff"}, room=handoff.conversation_id)

    async def _resume(self, handoff: HandoffView) -> None:
        try:
            await self.rasa.append_events(handoff.conversation_id, [resume_event()])
        except RasaUnavailable:
            logger.error("could not resume the bot for %s", handoff.conversation_id)

    async def hand_back(self, handoff: HandoffView, staff: Staff) -> HandoffView | None:
        done = await asyncio.to_thread(self.store.hand_back, handoff.id)
        if done is None:
            return None
        await self._resume(done)
        await self._bot_message(done, await self._text("handoff.returned", done.lang, name=staff.first_name),
                                f"handoff.{done.queue}.returned")
        await self.push_status(done)
        return done

    async def close(self, handoff: HandoffView, staff: Staff, outcome: str) -> HandoffView | None:
        done = await asyncio.to_thread(self.store.close, handoff.id, outcome)
        if done is None:
            return None
        await self._resume(done)
        await self._bot_message(done, await self._text("handoff.ended", done.lang, name=staff.first_name),
                                f"handoff.{done.queue}.ended")
        await self.push_status(done)
        return done

    async def transfer(self, handoff: HandoffView, queue: str) -> HandoffView | None:
        moved = await asyncio.to_thread(self.store.transfer, handoff.id, queue)
        if moved is None:
            return None
        if handoff.status == "active":
            await self._resume(moved)  # the assistant answers again while the resident waits
        position = await asyncio.to_thread(self.store.position, moved.id)
        text = await self._text("handoff.transferred", moved.lang, queue=await self._label(f"handoff.queue.{queue}", moved.lang),
                                position=position, wait=estimate_wait_minutes(position, self.config.average_handling_minutes))
        await self._bot_message(moved, text, f"handoff.{queue}.transferred")
        await self.queue_changed(handoff.queue)
        if queue != handoff.queue:
            await self.queue_changed(queue)
        return moved
