"""Collecting: the messages residents wrote that the assistant did not handle well.

Reads the stored conversations through ``citizenbot.conversation`` (the tracker store, by event id
after a watermark) and the "Was this helpful?" votes, and keeps, **redacted**, every resident
message that was not understood (``nlu_fallback``), was answered with low confidence, was
classified out of scope, or preceded an answer that got a thumbs down. Confident mistakes never
show up that way, so it also keeps every message the resident **rephrased** right after the answer
(wrote again in similar words, or began the next message with "ei", "no", "nej"...), and a small
**sample** of confidently answered messages (chosen by a hash of the message, so collecting again
picks the same ones). Button presses and answers typed into the fault-report form are not
questions and are skipped. Collecting is incremental and idempotent: one inbox row per message,
reasons merged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from citizenbot.conversation import BotMessage, ResidentMessage
from citizenbot.conversation import store as stored
from citizenbot.conversation.events import BOT, FORM_KINDS, USER, form_after, question_answered_by
from citizenbot.intents import EMERGENCY_INTENT, FALLBACK_INTENT, NOT_SUGGESTED
from citizenbot.intents import OUT_OF_SCOPE as OUT_OF_SCOPE_INTENT
from citizenbot.language import language_of_stored
from citizenbot.redact import redact
from citizenbot.settings import served_languages
from citizenbot.store.db import Database
from citizenbot.store.models import Feedback, InboxMessage
from citizenbot.text import fold, words

from .rows import (
    EVENTS_WATERMARK,
    FEEDBACK_WATERMARK,
    LOW_CONFIDENCE,
    NOT_UNDERSTOOD,
    OUT_OF_SCOPE,
    REPHRASED,
    SAMPLED,
    THUMBS_DOWN,
    get_meta,
    set_meta,
)

DEFAULT_LOW_CONFIDENCE = 0.5
DEFAULT_SAMPLE_SHARE = 0.05  # of the confidently answered messages
REPHRASE_WITHIN_SECONDS = 180
REPHRASE_OVERLAP = 0.5  # share of the shorter message's word stems found in the other one
_CORRECTION_RE = re.compile(
    r"^\W*(ei|en|eiku|eika|tarkoitin|vaara\w*|no|not|nope|wrong|i meant|nej|inte|fel|jag menade)\b")
SCANNED_KINDS = (USER, BOT, *FORM_KINDS)


@dataclass
class Candidate:
    """A resident message that may go into the inbox (it does when it has a reason)."""

    key: str  # one per message: a hash of the conversation and the message id
    conversation: str  # a short hash of the conversation id, never the id itself
    text: str
    lang: str | None
    reasons: set[str]
    predicted: str | None
    confidence: float | None
    asked_at: datetime | None


@dataclass
class CollectResult:
    scanned_events: int = 0
    added: int = 0
    updated: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"scanned_events": self.scanned_events, "added": self.added, "updated": self.updated,
                "by_reason": dict(self.by_reason)}


class _Found(dict):
    """Candidates by key; the same message found twice (asked, then voted down) merges."""

    def keep(self, candidate: Candidate | None) -> None:
        if candidate is None or not candidate.reasons:
            return
        known = self.get(candidate.key)
        if known is None:
            self[candidate.key] = candidate
        else:
            known.reasons |= candidate.reasons
            known.lang = known.lang or candidate.lang


def collect(database: Database, kb_dir: str | Path | None = None, low_confidence: float = DEFAULT_LOW_CONFIDENCE,
            include_out_of_scope: bool = True, sample_share: float = DEFAULT_SAMPLE_SHARE) -> CollectResult:
    """Add the new problem messages of the tracker store and the thumbs-down votes to the inbox."""
    result = CollectResult()
    found = _Found()
    with database.session() as session:
        watermark = int(get_meta(session, EVENTS_WATERMARK, "0") or 0)
        feedback_mark = get_meta(session, FEEDBACK_WATERMARK)
    has_events = stored.has_conversations(database)
    last_id = watermark
    if has_events:
        last_id = _scan_conversations(database, watermark, found, result, low_confidence, include_out_of_scope,
                                      sample_share)
    down_votes, new_feedback_mark = _thumbs_down(database, feedback_mark)
    if has_events:  # (votes before any stored conversation have no question to find)
        for vote in down_votes:
            candidate = _candidate_for_vote(database, vote, low_confidence, include_out_of_scope)
            if candidate is not None:
                candidate.reasons |= {THUMBS_DOWN}
                candidate.lang = vote.lang if vote.lang in served_languages() else candidate.lang
                found.keep(candidate)
    _store(database, found.values(), kb_dir, result)
    with database.session() as session:
        set_meta(session, EVENTS_WATERMARK, str(last_id))
        if new_feedback_mark:
            set_meta(session, FEEDBACK_WATERMARK, new_feedback_mark)
    return result


def _scan_conversations(database: Database, watermark: int, found: _Found, result: CollectResult,
                        low_confidence: float, include_out_of_scope: bool, sample_share: float = 0.0) -> int:
    """Read the events stored since the watermark; returns the new watermark."""
    top = stored.last_event_id(database)
    forms: dict[str, str | None] = {}  # the form each conversation is in
    pending: dict[str, Candidate] = {}  # the last question per conversation, until the bot answers
    previous: dict[str, Candidate] = {}  # the last question per conversation (to see a rephrasing)
    for item in stored.read_events(database, after=watermark, until=top, kinds=SCANNED_KINDS):
        result.scanned_events += 1
        sender = item.sender
        if sender not in forms:
            forms[sender] = _form_before(database, sender, watermark)
        if item.kind in FORM_KINDS:
            forms[sender] = form_after(item.event, forms[sender])
        elif item.kind == USER:
            pending.pop(sender, None)
            if forms[sender]:
                continue  # an answer to the report form ("Hämeenkatu 10"), not a question
            message = ResidentMessage.from_event(item.event)
            candidate = _user_candidate(sender, message, low_confidence, include_out_of_scope, item.timestamp)
            if candidate is None:
                continue
            earlier = previous.get(sender)
            if earlier is not None and rephrased(earlier, candidate):
                earlier.reasons.add(REPHRASED)
                found.keep(earlier)
            if (not candidate.reasons and message.intent not in NOT_SUGGESTED and message.intent != EMERGENCY_INTENT
                    and sampled(candidate.key, sample_share)):
                candidate.reasons.add(SAMPLED)
            previous[sender] = candidate
            pending[sender] = candidate
            found.keep(candidate)
        elif item.kind == BOT:
            candidate = pending.pop(sender, None)
            answered_in = BotMessage.from_event(item.event).envelope.lang
            if candidate is not None and answered_in in served_languages():
                candidate.lang = answered_in  # the language the assistant answered in
    return max(top, watermark)


def _form_before(database: Database, sender: str, watermark: int) -> str | None:
    """The form a conversation was in when the previous collection stopped."""
    if watermark <= 0:
        return None
    for item in stored.read_events(database, until=watermark, sender=sender, kinds=FORM_KINDS,
                                   newest_first=True, limit=1):
        return form_after(item.event, None)
    return None


def _user_candidate(sender: str, message: ResidentMessage, low_confidence: float, include_out_of_scope: bool,
                    event_time: float | None) -> Candidate | None:
    text = message.text.strip()
    if not text or text.startswith("/"):
        return None
    intent, confidence = message.intent, _round(message.confidence)
    reasons = set()
    if intent == FALLBACK_INTENT:
        reasons.add(NOT_UNDERSTOOD)
    elif intent == OUT_OF_SCOPE_INTENT:
        if include_out_of_scope:
            reasons.add(OUT_OF_SCOPE)
    elif intent and intent != EMERGENCY_INTENT and confidence is not None and confidence < low_confidence:
        # (an emergency is the safety net's decision, whatever the classifier's confidence)
        reasons.add(LOW_CONFIDENCE)
    predicted, predicted_confidence = _best_topic(message)
    return Candidate(
        key=_hash(f"{sender}\x00{message.message_id or repr(event_time)}"),
        conversation=stored.conversation_key(sender),
        text=text,
        lang=language_of_stored(message.detected_lang, message.detected_confidence, message.page_lang,
                                message.language.get("clear") if isinstance(message.language.get("clear"), bool) else None),
        reasons=reasons,
        predicted=predicted,
        confidence=predicted_confidence,
        asked_at=datetime.fromtimestamp(event_time, tz=timezone.utc) if event_time else None,
    )


def sampled(key: str, share: float) -> bool:
    """The same messages every time: the first 32 bits of the key's hash below the share."""
    return share > 0 and int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) < share * 0x100000000


def _stems(text: str) -> set[str]:
    """Word beginnings of the longer words: "roskis", "täynnä" and "täynnä!" or "roskiksen" meet."""
    return {w[:5] for w in words(fold(text)) if len(w) >= 4 and w.isalpha()}


def rephrased(earlier: Candidate, later: Candidate) -> bool:
    """The later message, written soon after the answer, says the earlier one again or corrects it."""
    if earlier.asked_at is None or later.asked_at is None:
        return False
    if not 0 <= (later.asked_at - earlier.asked_at).total_seconds() <= REPHRASE_WITHIN_SECONDS:
        return False
    if _CORRECTION_RE.match(fold(later.text)) and len(later.text.split()) >= 3:
        return True  # "ei kun tarkoitin katuvaloa" (a bare "ei" answers a yes/no question)
    a, b = _stems(earlier.text), _stems(later.text)
    shared = len(a & b)
    return shared >= min(2, len(a), len(b)) > 0 and shared / min(len(a), len(b)) >= REPHRASE_OVERLAP


def _best_topic(message: ResidentMessage) -> tuple[str | None, float | None]:
    """The classifier's likeliest real intent (under nlu_fallback it is in the ranking)."""
    if message.intent and message.intent != FALLBACK_INTENT:
        return message.intent, _round(message.confidence)
    for name, confidence in message.ranking:
        if name != FALLBACK_INTENT:
            return name, _round(confidence)
    return None, None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _hash(value: str, length: int = 64) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:length]


def _thumbs_down(database: Database, after: str | None) -> tuple[list[Feedback], str | None]:
    """The thumbs-down votes given since the mark, and the new mark."""
    with database.session() as session:
        query = select(Feedback).where(Feedback.value == "down").order_by(Feedback.updated_at, Feedback.id)
        rows = list(session.execute(query).scalars())
    if after:
        rows = [r for r in rows if _iso(r.updated_at) > after]
    newest = max((_iso(r.updated_at) for r in rows), default=None)
    return rows, newest or after


def _iso(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def _candidate_for_vote(database: Database, vote: Feedback, low_confidence: float,
                        include_out_of_scope: bool) -> Candidate | None:
    """The resident's question that the voted answer replied to."""
    events = [item.event for item in stored.read_events(database, sender=vote.conversation_id, kinds=(USER, BOT))]
    question = question_answered_by(events, vote.message_id)
    if question is None:
        return None
    return _user_candidate(vote.conversation_id, question, low_confidence, include_out_of_scope, question.timestamp)


def _store(database: Database, candidates: Iterable[Candidate], kb_dir, result: CollectResult) -> None:
    with database.session() as session:
        for c in candidates:
            row = session.execute(select(InboxMessage).where(InboxMessage.source_key == c.key)).scalar_one_or_none()
            for reason in c.reasons:
                result.by_reason[reason] = result.by_reason.get(reason, 0) + 1
            if row is None:
                session.add(InboxMessage(
                    source_key=c.key, conversation=c.conversation, text=redact(c.text, kb_dir),
                    lang=c.lang or "fi", reasons=",".join(sorted(c.reasons)), predicted=c.predicted,
                    confidence=c.confidence, asked_at=c.asked_at, status="new",
                ))
                result.added += 1
            else:
                merged = set(row.reasons.split(",")) | c.reasons
                if merged != set(row.reasons.split(",")):
                    row.reasons = ",".join(sorted(merged))
                    result.updated += 1
