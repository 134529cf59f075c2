"""The handoff state of conversations. This module owns the handoff and handoff_note tables.

Claiming is one conditional UPDATE (``... WHERE status = 'queued'``), so when two staff members
click at once exactly one gets the conversation, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, update

from citizenbot.store.db import Database
from citizenbot.store.models import as_utc, utcnow
from citizenbot.store.staff_models import Handoff, HandoffNote, StaffUser

OPEN_STATES = ("queued", "active")
OUTCOMES = ("resolved", "referred", "no_response", "other")


@dataclass(frozen=True)
class HandoffView:
    id: int
    conversation_id: str
    queue: str
    status: str
    lang: str
    topic: str | None
    first_message: str | None
    created_at: datetime
    queued_at: datetime
    claimed_at: datetime | None
    claimed_by: int | None
    staff_first_name: str | None
    staff_role: str | None
    outcome: str | None
    emergency: bool
    kind: str = "chat"  # "message": left outside service hours (first_message is the message)
    contact: str | None = None  # a left message's contact, for the staff member who answers

    @property
    def left_message(self) -> bool:
        return self.kind == "message"

    def as_json(self, now: datetime | None = None) -> dict:
        now = now or utcnow()
        return {
            "id": self.id, "conversation_id": self.conversation_id, "queue": self.queue, "status": self.status,
            "lang": self.lang, "topic": self.topic, "first_message": self.first_message,
            "created_at": _iso(self.created_at), "queued_at": _iso(self.queued_at),
            "claimed_at": _iso(self.claimed_at), "claimed_by": self.claimed_by,
            "staff": {"first_name": self.staff_first_name, "role": self.staff_role} if self.claimed_by else None,
            "waiting_seconds": int((now - as_utc(self.queued_at)).total_seconds()) if self.status == "queued" else None,
            "outcome": self.outcome, "emergency": self.emergency, "kind": self.kind, "contact": self.contact,
        }




def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def estimate_wait_minutes(position: int, average_handling_minutes: float) -> int:
    """A resident at position N waits for about N people to be helped (rounded up, at least 1)."""
    return max(1, math.ceil(position * average_handling_minutes)) if position > 0 else 0


class HandoffStore:
    def __init__(self, database: Database):
        self.database = database

    def _view(self, session, row: Handoff) -> HandoffView:
        staff = session.get(StaffUser, row.claimed_by) if row.claimed_by else None
        return HandoffView(
            id=row.id, conversation_id=row.conversation_id, queue=row.queue, status=row.status, lang=row.lang,
            topic=row.topic, first_message=row.first_message, created_at=row.created_at, queued_at=row.queued_at,
            claimed_at=row.claimed_at, claimed_by=row.claimed_by,
            staff_first_name=staff.first_name if staff else None, staff_role=staff.role if staff else None,
            outcome=row.outcome, emergency=bool(row.emergency), kind=row.kind or "chat", contact=row.contact,
        )

    # --- residents ------------------------------------------------------------------------------

    def request(self, conversation_id: str, queue: str, lang: str, topic: str | None, first_message: str | None) -> tuple[HandoffView, bool]:
        """Queue a conversation; a conversation already queued or with a person stays as it is."""
        with self.database.session() as session:
            existing = session.execute(
                select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATES))
            ).scalars().first()
            if existing is not None:
                return self._view(session, existing), False
            now = utcnow()
            row = Handoff(conversation_id=conversation_id, queue=queue, status="queued", lang=lang, topic=topic,
                          first_message=(first_message or "")[:1000] or None, created_at=now, queued_at=now)
            session.add(row)
            session.flush()
            return self._view(session, row), True

    def leave_message(self, conversation_id: str, queue: str, lang: str, text: str, contact: str | None,
                      topic: str | None = None) -> tuple[HandoffView, bool]:
        """A message left outside service hours: a queue item like a chat request, answered by the
        first staff member on duty. A conversation already queued or with a person stays as it is."""
        with self.database.session() as session:
            existing = session.execute(
                select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATES))
            ).scalars().first()
            if existing is not None:
                return self._view(session, existing), False
            now = utcnow()
            row = Handoff(conversation_id=conversation_id, queue=queue, status="queued", lang=lang, topic=topic,
                          first_message=text[:2000], contact=(contact or "")[:200] or None, kind="message",
                          created_at=now, queued_at=now)
            session.add(row)
            session.flush()
            return self._view(session, row), True

    def current(self, conversation_id: str) -> HandoffView | None:
        with self.database.session() as session:
            row = session.execute(
                select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATES))
                .order_by(Handoff.id.desc())
            ).scalars().first()
            return self._view(session, row) if row else None

    def get(self, handoff_id: int) -> HandoffView | None:
        with self.database.session() as session:
            row = session.get(Handoff, handoff_id)
            return self._view(session, row) if row else None

    def position(self, handoff_id: int) -> int:
        """1 for the next in line; 0 when not queued."""
        with self.database.session() as session:
            row = session.get(Handoff, handoff_id)
            if row is None or row.status != "queued":
                return 0
            ahead = session.execute(
                select(func.count()).select_from(Handoff).where(
                    Handoff.queue == row.queue, Handoff.status == "queued",
                    (Handoff.queued_at < row.queued_at) | and_(Handoff.queued_at == row.queued_at, Handoff.id < row.id),
                )
            ).scalar_one()
            return ahead + 1

    def cancel(self, conversation_id: str) -> HandoffView | None:
        """The resident leaves the queue (only a queued request can be cancelled by the resident)."""
        with self.database.session() as session:
            row = session.execute(
                select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status == "queued")
            ).scalars().first()
            if row is None:
                return None
            row.status, row.ended_at, row.outcome = "cancelled", utcnow(), "cancelled_by_resident"
            return self._view(session, row)

    def mark_emergency(self, handoff_id: int) -> None:
        with self.database.session() as session:
            session.execute(update(Handoff).where(Handoff.id == handoff_id).values(emergency=True))

    # --- staff ----------------------------------------------------------------------------------

    def waiting(self, queues: tuple[str, ...]) -> list[HandoffView]:
        with self.database.session() as session:
            rows = session.execute(
                select(Handoff).where(Handoff.status == "queued", Handoff.queue.in_(queues))
                .order_by(Handoff.queued_at, Handoff.id)
            ).scalars()
            return [self._view(session, r) for r in rows]

    def active_for(self, user_id: int) -> list[HandoffView]:
        with self.database.session() as session:
            rows = session.execute(
                select(Handoff).where(Handoff.status == "active", Handoff.claimed_by == user_id).order_by(Handoff.claimed_at)
            ).scalars()
            return [self._view(session, r) for r in rows]

    def claim(self, handoff_id: int, user_id: int) -> bool:
        """Take a queued conversation; False when someone else was first (or it left the queue)."""
        with self.database.session() as session:
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == "queued")
                .values(status="active", claimed_by=user_id, claimed_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    def _finish(self, handoff_id: int, status: str, outcome: str | None) -> HandoffView | None:
        with self.database.session() as session:
            row = session.get(Handoff, handoff_id)
            if row is None or row.status != "active":
                return None
            row.status, row.ended_at, row.outcome = status, utcnow(), outcome
            return self._view(session, row)

    def hand_back(self, handoff_id: int) -> HandoffView | None:
        return self._finish(handoff_id, "returned", "returned_to_bot")

    def close(self, handoff_id: int, outcome: str) -> HandoffView | None:
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        return self._finish(handoff_id, "closed", outcome)

    def transfer(self, handoff_id: int, queue: str) -> HandoffView | None:
        """Back into a queue (another skill): the conversation waits for someone there."""
        with self.database.session() as session:
            row = session.get(Handoff, handoff_id)
            if row is None or row.status not in OPEN_STATES:
                return None
            row.queue, row.status, row.claimed_by, row.claimed_at, row.queued_at = queue, "queued", None, None, utcnow()
            return self._view(session, row)

    def add_note(self, handoff_id: int, author_id: int, text: str) -> dict:
        with self.database.session() as session:
            note = HandoffNote(handoff_id=handoff_id, author_id=author_id, text=text[:4000])
            session.add(note)
            session.flush()
            author = session.get(StaffUser, author_id)
            return {"id": note.id, "text": note.text, "author": author.first_name if author else None,
                    "created_at": _iso(note.created_at)}

    def notes(self, handoff_id: int) -> list[dict]:
        with self.database.session() as session:
            rows = session.execute(
                select(HandoffNote, StaffUser.first_name).join(StaffUser, StaffUser.id == HandoffNote.author_id)
                .where(HandoffNote.handoff_id == handoff_id).order_by(HandoffNote.id)
            ).all()
            return [{"id": n.id, "text": n.text, "author": name, "created_at": _iso(n.created_at)} for n, name in rows]
