"""Stored conversations: the tracker store's ``events`` table, read and deleted in one place.

Rasa's SQL tracker store (``citizenbot.rasa_ext.tracker_store``, in the project's one database)
keeps every event of every conversation as a row of the table ``events``: ``id`` (increasing),
``sender_id`` (the conversation id), ``type_name`` (the event kind), ``timestamp`` (seconds since
1970) and ``data`` (the event as JSON, the format ``citizenbot.conversation.events`` reads). Rasa
creates the table when it stores the first conversation; until then there is nothing to read.

The trainers' review inbox reads events here incrementally (by id, after a watermark), without a
running Rasa server; retention and a resident's request delete them here. Rasa's own code writes
the table; no other module of this project touches it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import column, delete, func, inspect, or_, select, table
from sqlalchemy.orm import Session

from citizenbot.store.db import Database

EVENTS_TABLE = "events"
# The columns this project reads, as Rasa 3.6's SQLTrackerStore defines them.
_events = table(
    EVENTS_TABLE,
    column("id"), column("sender_id"), column("type_name"), column("timestamp"), column("data"),
)


@dataclass(frozen=True)
class StoredEvent:
    id: int
    sender: str
    kind: str
    timestamp: float | None
    event: dict[str, Any]  # the event dict (see citizenbot.conversation.events)


def conversation_key(sender: str) -> str:
    """The short hash that names a conversation outside the tracker store (the review inbox keeps
    this, not the id, so a trainer cannot look the conversation up)."""
    return hashlib.sha256(sender.encode("utf-8")).hexdigest()[:16]


def has_conversations(database: Database) -> bool:
    """Whether the tracker store's table exists (Rasa creates it with the first conversation)."""
    return inspect(database.engine).has_table(EVENTS_TABLE)


def last_event_id(database: Database) -> int:
    """The id of the newest stored event (0 when there is none)."""
    if not has_conversations(database):
        return 0
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.coalesce(func.max(_events.c.id), 0))).scalar_one())


def read_events(database: Database, *, after: int = 0, until: int | None = None, sender: str | None = None,
                kinds: Iterable[str] | None = None, newest_first: bool = False, limit: int | None = None,
                batch: int = 5000) -> Iterator[StoredEvent]:
    """Stored events in id order (``newest_first`` reverses it), optionally only those after the
    id ``after``, up to the id ``until``, of one conversation, of some kinds, at most ``limit``.

    Rows are fetched ``batch`` at a time, so scanning a large store keeps little in memory; nothing
    is read when the table does not exist yet.
    """
    if not has_conversations(database):
        return
    query = select(_events.c.id, _events.c.sender_id, _events.c.type_name, _events.c.timestamp, _events.c.data)
    if sender is not None:
        query = query.where(_events.c.sender_id == sender)
    if kinds is not None:
        query = query.where(_events.c.type_name.in_(list(kinds)))
    order = _events.c.id.desc() if newest_first else _events.c.id.asc()
    lower, upper, remaining = after, until, limit
    while remaining is None or remaining > 0:
        page = query.where(_events.c.id > lower)
        if upper is not None:
            page = page.where(_events.c.id <= upper)
        size = batch if remaining is None else min(batch, remaining)
        with database.engine.connect() as connection:
            rows = connection.execute(page.order_by(order).limit(size)).all()
        for row_id, row_sender, row_kind, row_time, raw in rows:
            yield StoredEvent(int(row_id), row_sender, row_kind, row_time, _json(raw))
        if len(rows) < size:
            return
        # the next page continues after the last row (keyset paging: no OFFSET over a large table)
        if newest_first:
            upper = int(rows[-1][0]) - 1
        else:
            lower = int(rows[-1][0])
        if remaining is not None:
            remaining -= len(rows)


def latest_per_sender(database: Database, senders: Iterable[str], *, until: int, kinds: Iterable[str],
                      chunk: int = 500) -> dict[str, StoredEvent]:
    """For each of these conversations, its newest event of these kinds up to the id ``until``
    (two statements per ``chunk`` conversations, not one per conversation)."""
    found: dict[str, StoredEvent] = {}
    names, kinds = sorted(set(senders)), list(kinds)
    if not names or not has_conversations(database):
        return found
    with database.engine.connect() as connection:
        for start in range(0, len(names), chunk):
            newest = (select(func.max(_events.c.id))
                      .where(_events.c.sender_id.in_(names[start:start + chunk]), _events.c.type_name.in_(kinds),
                             _events.c.id <= until)
                      .group_by(_events.c.sender_id))
            ids = [row[0] for row in connection.execute(newest)]
            if not ids:
                continue
            rows = connection.execute(select(_events.c.id, _events.c.sender_id, _events.c.type_name,
                                             _events.c.timestamp, _events.c.data).where(_events.c.id.in_(ids)))
            for row_id, row_sender, row_kind, row_time, raw in rows:
                found[row_sender] = StoredEvent(int(row_id), row_sender, row_kind, row_time, _json(raw))
    return found


def senders_saying(database: Database, senders: Iterable[str], text: str, *, chunk: int = 500) -> set[str]:
    """Which of these conversations have a message (the resident's or an answer) containing
    ``text``, case-insensitively. ``data`` is the event as JSON, where Rasa writes non-ASCII
    letters as ``\\u00e4`` escapes, so the text is looked for both as typed and as JSON writes it;
    the statement binds every value (LIKE wildcards in the text are escaped)."""
    names = sorted(set(senders))
    if not names or not text or not has_conversations(database):
        return set()
    forms = {text.lower(), json.dumps(text.lower())[1:-1]}
    patterns = [_events.c.data.ilike(f"%{_like_escape(form)}%", escape="\\") for form in forms]
    found: set[str] = set()
    with database.engine.connect() as connection:
        for start in range(0, len(names), chunk):
            query = (select(_events.c.sender_id).distinct()
                     .where(_events.c.sender_id.in_(names[start:start + chunk]),
                            _events.c.type_name.in_(["user", "bot"]), or_(*patterns)))
            found |= {row[0] for row in connection.execute(query)}
    return found


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def delete_events(session: Session, *, sender: str | None = None, before: float | None = None) -> int:
    """Delete the stored events of one conversation and/or older than ``before`` (a timestamp),
    inside the caller's transaction; returns how many. The caller checks has_conversations."""
    if sender is None and before is None:
        raise ValueError("say which events to delete")
    statement = delete(_events)
    if sender is not None:
        statement = statement.where(_events.c.sender_id == sender)
    if before is not None:
        statement = statement.where(_events.c.timestamp < before)
    return session.execute(statement).rowcount


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    if "\\ud" in value.lower():
        # Rasa stored a lone UTF-16 surrogate as a JSON escape (before the channels cleaned text):
        # as a Python string it cannot be encoded, hashed or stored again, so every reader gets U+FFFD
        data = _valid_unicode(data)
    return data if isinstance(data, dict) else {}


def _valid_unicode(value: Any) -> Any:
    from citizenbot.door import clean

    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_valid_unicode(v) for v in value]
    if isinstance(value, dict):
        return {_valid_unicode(k): _valid_unicode(v) for k, v in value.items()}
    return value
