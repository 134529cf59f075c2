"""The residents' real-time connection (Socket.IO): messages to Rasa and back, history, typing,
feedback and the language switch.

Each widget session is a Socket.IO room named after its conversation id, so a message can reach
the resident at any time (staff replies later use the same room) and in every open tab. With
several gateway processes, python-socketio's Redis manager carries room messages between them
(``SOCKETIO_REDIS_URL``; see README, "Scaling").
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict, defaultdict, deque
from dataclasses import dataclass
from typing import Any

import socketio

from citizenbot import door
from citizenbot.conversation import Envelope
from citizenbot.conversation.events import find_bot_message, has_client_message, language_event, tracker_events
from citizenbot.conversation.transcript import for_resident, widget_reply
from citizenbot.feedback import FeedbackStore, Vote
from citizenbot.settings import served_languages
from citizenbot.web import sessions
from citizenbot.web.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

RATE_LIMIT = 20  # messages per connection, and per conversation, per minute
SESSION_RATE_LIMIT = 10  # new or resumed sessions per connection per minute
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")  # the widget's id of one message (outbox.js)
RECENT_CLIENT_IDS = 10_000  # messages remembered as received, across conversations


@dataclass
class GatewayConfig:
    secret: str
    rasa: RasaClient
    feedback: FeedbackStore
    handoffs: Any = None  # citizenbot.web.handoff_service.HandoffService, when handoff is enabled
    database: Any = None  # citizenbot.store.db.Database: a resident deleting their own conversation
    ratings: Any = None  # citizenbot.handoff.ratings.RatingStore: the end-of-chat rating


class RateLimiter:
    PRUNE_EVERY = 1000  # calls; keys idle for a whole window are dropped (conversations come and go)

    def __init__(self, limit: int, window: float = 60.0):
        self.limit, self.window = limit, window
        self._hits: dict[str, deque] = defaultdict(deque)
        self._calls = 0

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self._calls += 1
        if self._calls % self.PRUNE_EVERY == 0:
            for idle in [k for k, v in self._hits.items() if not v or now - v[-1] > self.window]:
                del self._hits[idle]
        hits = self._hits[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def forget(self, key: str) -> None:
        self._hits.pop(key, None)


def client_id_of(data: dict) -> str | None:
    value = data.get("client_id")
    return value if isinstance(value, str) and CLIENT_ID.match(value) else None


class ReceivedMessages:
    """The widget's message ids this process has passed on (stored by Rasa or given to the person
    who has the conversation), newest last, bounded: a resend of one of them is not passed on again."""

    def __init__(self, limit: int = RECENT_CLIENT_IDS):
        self.limit = limit
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._seen

    def add(self, key: tuple[str, str]) -> None:
        self._seen[key] = None
        self._seen.move_to_end(key)
        while len(self._seen) > self.limit:
            self._seen.popitem(last=False)


def clean_metadata(raw: Any) -> dict[str, Any]:
    """Only the metadata the widget may send: page language, explicit choice, button title."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {}
    if raw.get("lang") in served_languages():
        out["lang"] = raw["lang"]
    if raw.get("lang_selected") is True:
        out["lang_selected"] = True
    if isinstance(raw.get("display"), str):
        out["display"] = raw["display"][:200]
    if isinstance(raw.get("page"), str):
        out["page"] = raw["page"][:300]
    return out


class Gateway:
    def __init__(self, sio: socketio.AsyncServer, config: GatewayConfig):
        self.sio = sio
        self.config = config
        self.limiter = RateLimiter(RATE_LIMIT)
        # per conversation too: reconnecting (a new connection) does not reset a conversation's limit
        self.conversation_limiter = RateLimiter(RATE_LIMIT)
        self.session_limiter = RateLimiter(SESSION_RATE_LIMIT)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.received = ReceivedMessages()
        for event in ("connect", "disconnect", "session_request", "user_uttered", "set_language", "feedback",
                      "handoff_cancel", "resident_typing", "conversation_export", "conversation_delete",
                      "chat_rating", "leave_message"):
            sio.on(event, getattr(self, f"on_{event}"))

    # --- helpers ------------------------------------------------------------------------------

    def _session(self, data: Any) -> str | None:
        if not isinstance(data, dict):
            return None
        session_id, token = data.get("session_id"), data.get("token")
        return session_id if sessions.verify(self.config.secret, session_id, token) else None

    async def _error(self, sid: str, code: str) -> None:
        await self.sio.emit("error_notice", {"code": code}, to=sid)

    async def push(self, session_id: str, message: dict[str, Any]) -> None:
        """Deliver a message to every open widget of a conversation, now."""
        await self.sio.emit("bot_uttered", message, room=session_id)

    # --- events -------------------------------------------------------------------------------

    async def on_connect(self, sid: str, environ: dict, auth: Any = None) -> bool:
        return True

    async def on_disconnect(self, sid: str) -> None:
        self.limiter.forget(sid)
        self.session_limiter.forget(sid)

    async def on_session_request(self, sid: str, data: Any = None) -> None:
        if not self.session_limiter.allow(sid):
            await self._error(sid, "rate_limited")
            return
        session_id = self._session(data)
        if session_id is None:
            session_id, token = sessions.new_session(self.config.secret)
        else:
            token = data["token"]
        await self.sio.enter_room(sid, session_id)
        await self.sio.emit("session_confirm", {"session_id": session_id, "token": token}, to=sid)
        try:
            messages = for_resident(await self.config.rasa.tracker(session_id))
        except RasaUnavailable:
            logger.warning("history of %s not available: Rasa is not answering", session_id)
            await self._error(sid, "unavailable")
            messages = []
        await self.sio.emit("history", {"messages": messages}, to=sid)
        if self.config.handoffs is not None:
            handoff = await self.config.handoffs.current(session_id)
            await self.sio.emit("handoff_status", await self.config.handoffs.status_for(handoff), to=sid)

    async def on_user_uttered(self, sid: str, data: Any = None) -> dict[str, Any]:
        """A resident's message. The answer (Socket.IO's acknowledgement) comes once the message is
        stored and answered, or handed to the person who has the conversation; the widget offers
        "send again" when it does not come in time. A message with the widget's ``client_id`` is
        passed on once: a resend waits for the first try (the conversation's lock) and is answered
        ``duplicate`` when that got through, here or (``resend``) in the stored conversation."""
        session_id = self._session(data)
        if session_id is None:
            await self._error(sid, "session")
            return {"ok": False, "error": "session"}
        text = data.get("message")
        if not isinstance(text, str) or not text.strip():
            await self._error(sid, "empty")
            return {"ok": False, "error": "empty"}
        admitted = door.admit(text.strip())  # valid UTF-8, at most MAX_MESSAGE_CHARS
        text = admitted.text
        client_id = client_id_of(data)
        resend = client_id is not None and data.get("resend") is True
        if (session_id, client_id) in self.received:
            return {"ok": True, "duplicate": True}
        if not self.limiter.allow(sid) or not self.conversation_limiter.allow(session_id):
            await self._error(sid, "rate_limited")
            return {"ok": False, "error": "rate_limited"}
        metadata = clean_metadata(data.get("metadata"))
        if client_id:
            metadata["client_id"] = client_id
        shown = metadata.get("display") or text
        if not resend:  # the resident's own message appears in their other open tabs too
            await self.sio.emit("resident_message", {"text": shown}, room=session_id, skip_sid=sid)
        async with self._locks[session_id]:
            if client_id and ((session_id, client_id) in self.received or (resend and await self._stored(session_id, client_id))):
                return {"ok": True, "duplicate": True}
            handoff = await self.config.handoffs.current(session_id) if self.config.handoffs is not None else None
            if handoff is not None and handoff.status == "active":
                # a person has the conversation: the message goes to them (the bot is paused)
                await self.config.handoffs.resident_message(handoff, text, metadata)
                self._received(session_id, client_id)
                if admitted.cut:
                    await self.push(session_id, widget_reply(door.notice_message(door.MESSAGE_CUT, metadata.get("lang"))))
                return {"ok": True}
            await self.sio.emit("typing", {"on": True}, room=session_id)
            try:
                replies = await self.config.rasa.send(session_id, text, metadata)
            except RasaUnavailable as exc:
                logger.warning("message of %s not answered: %s", session_id, exc)
                await self.sio.emit("typing", {"on": False}, room=session_id)
                await self._error(sid, "unavailable")
                return {"ok": False, "error": "unavailable"}
            self._received(session_id, client_id)
            await self.sio.emit("typing", {"on": False}, room=session_id)
            await self._deliver(session_id, handoff, shown, metadata, replies, admitted.cut)
            return {"ok": True}

    def _received(self, session_id: str, client_id: str | None) -> None:
        if client_id:
            self.received.add((session_id, client_id))

    async def _stored(self, session_id: str, client_id: str) -> bool:
        """Whether the stored conversation has the message (a first try through another gateway
        process, or before this one restarted). Unknown when Rasa does not answer: not stored."""
        try:
            return has_client_message(tracker_events(await self.config.rasa.tracker(session_id)), client_id)
        except RasaUnavailable:
            return False

    async def _deliver(self, session_id: str, handoff: Any, shown: str, metadata: dict, replies: list[dict],
                       cut: bool) -> None:
        """The assistant's answers to every tab of the conversation, and what they change."""
        lang = next((Envelope.of_reply(r).lang for r in replies if Envelope.of_reply(r).lang), metadata.get("lang"))
        if cut:
            replies = [*replies, door.notice_message(door.MESSAGE_CUT, lang)]  # the answer (112 first) leads
        elif not replies and not await self._taken_over(session_id):
            # Rasa stored the message but nothing answered (the action server is down): an
            # apology in the resident's language instead of an empty reply the widget shows as nothing.
            # (A person who claimed the conversation meanwhile has paused the bot: no apology then.)
            logger.warning("message of %s got no answer (is the action server running?)", session_id)
            replies = [door.notice_message(door.NO_ANSWER, lang)]
        queues_changed = set()
        for reply in replies:
            await self.push(session_id, widget_reply(reply))
            handoff_info = Envelope.of_reply(reply).handoff
            if handoff_info and handoff_info.get("queue"):
                queues_changed.add(handoff_info["queue"])
        if handoff is not None and handoff.status == "queued":
            # the staff see what a waiting resident wrote and was told, an emergency flagged
            await self.config.handoffs.bot_answered(handoff, shown, replies)
        if queues_changed and self.config.handoffs is not None:
            # the action server queued or cancelled a request: the widget's banner and the
            # staff consoles update now (not only at the next periodic refresh)
            current = await self.config.handoffs.current(session_id)
            await self.sio.emit("handoff_status", await self.config.handoffs.status_for(current), room=session_id)
            for queue in queues_changed:
                await self.config.handoffs.queue_changed(queue)

    async def _taken_over(self, session_id: str) -> bool:
        if self.config.handoffs is None:
            return False
        handoff = await self.config.handoffs.current(session_id)
        return handoff is not None and handoff.status == "active"

    async def on_handoff_cancel(self, sid: str, data: Any = None) -> dict[str, Any]:
        """The widget's "Leave the queue" button."""
        session_id = self._session(data)
        if session_id is None or self.config.handoffs is None:
            return {"ok": False}
        return {"ok": await self.config.handoffs.resident_cancel(session_id)}

    async def on_resident_typing(self, sid: str, data: Any = None) -> None:
        session_id = self._session(data)
        if session_id is None or self.config.handoffs is None:
            return
        handoff = await self.config.handoffs.current(session_id)
        if handoff is not None and handoff.status == "active":
            await self.config.handoffs.resident_typing(handoff, bool(data.get("on")))

    async def on_set_language(self, sid: str, data: Any = None) -> dict[str, Any]:
        session_id = self._session(data)
        lang = data.get("lang") if isinstance(data, dict) else None
        if session_id is None or lang not in served_languages():
            return {"ok": False}
        try:
            await self.config.rasa.append_events(session_id, [language_event(lang)])
        except RasaUnavailable:
            return {"ok": False, "error": "unavailable"}
        return {"ok": True}

    async def on_conversation_export(self, sid: str, data: Any = None) -> dict[str, Any]:
        """The resident's own conversation, as the widget shows it (to download)."""
        session_id = self._session(data)
        if session_id is None:
            return {"ok": False, "error": "session"}
        try:
            messages = for_resident(await self.config.rasa.tracker(session_id))
        except RasaUnavailable:
            return {"ok": False, "error": "unavailable"}
        return {"ok": True, "conversation_id": session_id, "messages": messages}

    async def on_conversation_delete(self, sid: str, data: Any = None) -> dict[str, Any]:
        """The resident deletes their own conversation: its messages, feedback, handoff notes,
        review-inbox copies and report contacts (citizenbot.privacy); every open tab is cleared."""
        from citizenbot import privacy

        session_id = self._session(data)
        if session_id is None or self.config.database is None:
            return {"ok": False, "error": "session"}
        async with self._locks[session_id]:
            gone = await asyncio.to_thread(privacy.delete_conversation, self.config.database, session_id)
        logger.info("conversation %s deleted at the resident's request: %s", session_id, gone)
        # every open tab of it starts a new conversation (an older widget just clears its log)
        await self.sio.emit("conversation_deleted", {"session_id": session_id}, room=session_id)
        await self.sio.emit("history", {"messages": []}, room=session_id)
        return {"ok": True, "deleted": {"messages": gone.events, "feedback": gone.feedback, "inbox": gone.inbox}}

    async def on_chat_rating(self, sid: str, data: Any = None) -> dict[str, Any]:
        """The resident's 1-5 rating (and comment) of their ended chat with a person."""
        from citizenbot.handoff.ratings import valid_score

        session_id = self._session(data)
        if session_id is None or self.config.ratings is None:
            return {"ok": False, "error": "session"}
        handoff_id, score, comment = data.get("handoff_id"), valid_score(data.get("score")), data.get("comment")
        if not isinstance(handoff_id, int) or score is None or not (comment is None or isinstance(comment, str)):
            return {"ok": False, "error": "invalid"}
        if not self.limiter.allow(sid):
            return {"ok": False, "error": "rate_limited"}
        stored = await asyncio.to_thread(self.config.ratings.rate, session_id, handoff_id, score, comment)
        return {"ok": True} if stored else {"ok": False, "error": "not_ratable"}

    async def on_leave_message(self, sid: str, data: Any = None) -> dict[str, Any]:
        """Outside service hours: a message (and an optional contact) for the queue's next opening."""
        session_id = self._session(data)
        if session_id is None or self.config.handoffs is None:
            return {"ok": False, "error": "session"}
        text, contact = data.get("text"), data.get("contact")
        if not isinstance(text, str) or not text.strip() or not (contact is None or isinstance(contact, str)):
            return {"ok": False, "error": "invalid"}
        if not self.limiter.allow(sid) or not self.conversation_limiter.allow(session_id):
            return {"ok": False, "error": "rate_limited"}
        lang = data.get("lang") if data.get("lang") in served_languages() else "fi"
        contact = door.admit(contact.strip(), 200).text if contact and contact.strip() else None
        return await self.config.handoffs.leave_message(session_id, str(data.get("queue")), lang,
                                                        door.admit(text.strip(), 2000).text, contact)

    async def on_feedback(self, sid: str, data: Any = None) -> dict[str, Any]:
        session_id = self._session(data)
        if session_id is None or not isinstance(data, dict):
            return {"ok": False, "error": "session"}
        message_id, value = data.get("message_id"), data.get("value")
        if not isinstance(message_id, str) or value not in ("up", "down"):
            return {"ok": False, "error": "invalid"}
        try:
            tracker = await self.config.rasa.tracker(session_id)
        except RasaUnavailable:
            return {"ok": False, "error": "unavailable"}
        # topic and language come from the conversation itself, not from the browser
        answer = find_bot_message(tracker_events(tracker), message_id)
        if answer is None or not answer.envelope.topic:
            return {"ok": False, "error": "unknown_message"}
        vote = Vote(session_id, message_id, answer.envelope.topic, answer.envelope.lang or "fi", value)
        await asyncio.to_thread(self.config.feedback.record, vote)
        return {"ok": True}
