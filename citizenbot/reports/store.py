"""The ``report`` table: filing reports, reading them by number, the outbox's bookkeeping.

This module owns the table. Blocking (SQL); async callers use a worker thread. Report numbers
shown to residents are ids plus ``REPORT_NUMBER_OFFSET``. Checking what residents type is
``citizenbot.reports.flow``; delivery to the city's Open311 endpoint is ``citizenbot.reports.outbox``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from citizenbot.store.db import Database
from citizenbot.store.models import Report, utcnow

# Report numbers shown to residents start from 1001 whatever the database's id sequence does.
REPORT_NUMBER_OFFSET = 1000
MAX_LOCATION = 300
MAX_DESCRIPTION = 4000
MAX_CONTACT = 200


def number_of(report_id: int) -> int:
    return report_id + REPORT_NUMBER_OFFSET


def id_of(number: int) -> int:
    return number - REPORT_NUMBER_OFFSET


def clean_text(text: str | None, limit: int) -> str:
    value = re.sub(r"\s+", " ", (text or "")).strip()
    return value[:limit]


@dataclass(frozen=True)
class ReportView:
    """What may be shown about a report to whoever knows its number (no contact details)."""

    number: int
    category: str
    location: str
    status: str
    status_notes: str | None
    created_at: datetime
    updated_at: datetime
    lang: str


def _view(row: Report) -> ReportView:
    return ReportView(
        number=number_of(row.id), category=row.category, location=row.location, status=row.status,
        status_notes=row.status_notes, created_at=row.created_at, updated_at=row.updated_at, lang=row.lang,
    )


class ReportStore:
    """Reports in the database, by the numbers residents are given."""

    def __init__(self, database: Database):
        self.database = database

    def create(
        self, *, category: str, location: str, description: str | None, contact: str | None, lang: str,
        conversation_id: str | None, deliver: bool,
    ) -> int:
        """Store a report; returns its number. ``deliver`` queues it for the Open311 outbox."""
        location = clean_text(location, MAX_LOCATION)
        if not location:
            raise ValueError("a report needs a location")
        now = utcnow()
        row = Report(
            category=category, location=location,
            description=clean_text(description, MAX_DESCRIPTION) or None,
            contact=clean_text(contact, MAX_CONTACT) or None, lang=lang, conversation_id=conversation_id,
            status="received", created_at=now, updated_at=now,
            sync_state="pending" if deliver else "local", next_attempt_at=now if deliver else None,
        )
        with self.database.session() as session:
            session.add(row)
            session.flush()
            return number_of(row.id)

    def get(self, number: int) -> ReportView | None:
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            return _view(row) if row else None

    def get_row(self, number: int) -> dict | None:
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            if row is None:
                return None
            return {c.name: getattr(row, c.name) for c in Report.__table__.columns}

    # --- outbox --------------------------------------------------------------------------------

    def due(self, now: datetime | None = None, limit: int = 20) -> list[int]:
        """Numbers of reports waiting for delivery whose next attempt is due."""
        now = now or utcnow()
        with self.database.session() as session:
            ids = session.execute(
                select(Report.id)
                .where(Report.sync_state == "pending")
                .where(or_(Report.next_attempt_at.is_(None), Report.next_attempt_at <= now))
                .order_by(Report.id)
                .limit(limit)
            ).scalars()
            return [number_of(i) for i in ids]

    def mark_sent(self, number: int, remote_id: str | None, token: str | None) -> None:
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            row.sync_state = "sent"
            row.remote_id = remote_id
            row.remote_token = token
            row.status = "sent"
            row.attempts += 1
            row.last_error = None
            row.next_attempt_at = None
            row.updated_at = utcnow()

    def mark_failed(self, number: int, error: str, retryable: bool, now: datetime | None = None) -> None:
        """Record a failed delivery. Retryable failures back off (30 s doubling, at most 1 h);
        a report the endpoint refuses is kept as ``failed`` for staff to handle, never dropped."""
        now = now or utcnow()
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            row.attempts += 1
            row.last_error = error[:1000]
            if retryable:
                delay = min(30 * 2 ** (row.attempts - 1), 3600)
                row.next_attempt_at = now + timedelta(seconds=delay)
            else:
                row.sync_state = "failed"
                row.next_attempt_at = None

    def set_remote_id(self, number: int, remote_id: str) -> None:
        with self.database.session() as session:
            session.get(Report, id_of(number)).remote_id = remote_id

    def update_status(self, number: int, status: str, notes: str | None, updated_at: datetime | None = None) -> None:
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            if row.status != status or (notes or None) != row.status_notes:
                row.status = status
                row.status_notes = notes or None
                row.updated_at = updated_at or utcnow()

