"""The inbox table (``inbox_messages``): its vocabulary, reading it, counting it, and the
collection's watermarks (``trainer_meta``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from citizenbot.store.db import Database
from citizenbot.store.models import InboxMessage, TrainerMeta

# Why a message is in the inbox (a message can have several reasons).
NOT_UNDERSTOOD, LOW_CONFIDENCE, OUT_OF_SCOPE, THUMBS_DOWN = "not_understood", "low_confidence", "out_of_scope", "thumbs_down"
# Confident answers can be wrong too: a small random share of them, and every message the resident
# wrote again in other words right after the answer (it did not help).
SAMPLED, REPHRASED = "sampled", "rephrased"
REASONS = (NOT_UNDERSTOOD, LOW_CONFIDENCE, OUT_OF_SCOPE, THUMBS_DOWN, REPHRASED, SAMPLED)
# What became of it: waiting ("new"), or the trainer's decision.
STATUSES = ("new", "assigned", "out_of_scope", "new_topic", "ignored")
# How far the collection has read: the last event id of the tracker store, the last vote's time.
EVENTS_WATERMARK = "inbox.events_watermark"
FEEDBACK_WATERMARK = "inbox.feedback_watermark"


def inbox_rows(database: Database, status: str | None = "new", lang: str | None = None,
               reason: str | None = None) -> list[InboxMessage]:
    with database.session() as session:
        query = select(InboxMessage).order_by(InboxMessage.id)
        if status:
            query = query.where(InboxMessage.status == status)
        if lang:
            query = query.where(InboxMessage.lang == lang)
        rows = list(session.execute(query).scalars())
    if reason:
        rows = [r for r in rows if reason in r.reasons.split(",")]
    return rows


def summary(database: Database) -> dict[str, Any]:
    """Counts by status, language and reason (for the console's inbox badge and the CLI)."""
    by_status: Counter = Counter()
    waiting_lang: Counter = Counter()
    waiting_reason: Counter = Counter()
    for row in inbox_rows(database, status=None):
        by_status[row.status] += 1
        if row.status == "new":
            waiting_lang[row.lang] += 1
            waiting_reason.update(row.reasons.split(","))
    with database.session() as session:
        mark = get_meta(session, EVENTS_WATERMARK)
    return {"by_status": {s: by_status.get(s, 0) for s in STATUSES}, "waiting_by_lang": dict(waiting_lang),
            "waiting_by_reason": dict(waiting_reason), "events_read_up_to": int(mark) if mark else 0}


def get_meta(session, key: str, default: str | None = None) -> str | None:
    row = session.get(TrainerMeta, key)
    return row.value if row else default


def set_meta(session, key: str, value: str) -> None:
    row = session.get(TrainerMeta, key)
    if row is None:
        session.add(TrainerMeta(key=key, value=value))
    else:
        row.value = value
