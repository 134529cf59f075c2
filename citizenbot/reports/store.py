"""The ``report`` table: filing reports, reading them by number, the outbox's bookkeeping.

This module owns the table. Blocking (SQL); async callers use a worker thread. A report's two
names (its number for staff, its public reference for residents) are ``citizenbot.reports.names``.
Checking what residents type is
``citizenbot.reports.flow``; delivery to the city's Open311 endpoint is ``citizenbot.reports.outbox``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from citizenbot.reports.names import REFERENCE_PREFIX, id_of, new_public_ref, number_of
from citizenbot.reports.photos import attach_held
from citizenbot.store.db import Database
from citizenbot.store.models import Report, ReportDraft, as_utc, utcnow

MAX_LOCATION = 300
MAX_DESCRIPTION = 4000
MAX_CONTACT = 200
# A claim older than this belongs to a sender that stopped (a crash, a restart): far longer than
# one delivery can take (two HTTP calls, each bounded by the Open311 timeout).
STALE_CLAIM_SECONDS = 600.0
# Retryable failures (no answer, 5xx, 408, 429) are retried this many times, about 14 h with the
# back-off, before the report is kept as failed for staff.
RETRY_LIMIT = 20
# An uncertain report is looked up at the city again after this long, then less and less often.
RECHECK_SECONDS = 900.0
DRAFT_FIELDS = frozenset({"location", "description", "contact"})
# The same report from the same conversation within this long is the one already filed: a message
# sent again after its Rasa replica died under it (the report stored, the conversation not) runs
# the submit action a second time with the same answers (README "Scaling").
SAME_REPORT_SECONDS = 600.0
# Reports staff see: waiting for a retry, refused or out of retries, or perhaps at the city.
ATTENTION_STATES = ("pending", "failed", "uncertain")


def clean_text(text: str | None, limit: int) -> str:
    value = re.sub(r"\s+", " ", (text or "")).strip()
    return value[:limit]


@dataclass(frozen=True)
class ReportView:
    """A report as the status answer sees it (no contact details). Its place and the city's notes
    are for the reporter's own conversation only (``conversation_id``): ``flow.status_reply``."""

    number: int
    category: str
    location: str
    status: str
    status_notes: str | None
    created_at: datetime
    updated_at: datetime
    lang: str
    delivery: str = "local"  # the outbox's sync state: local, pending, sending, sent, failed, uncertain
    attempts: int = 0
    public_ref: str | None = None
    conversation_id: str | None = None

    @property
    def held(self) -> bool:
        """Kept by us, not (knowingly) at the city: refused, unclear, or still being retried."""
        return self.delivery in ("failed", "uncertain") or (self.delivery in ("pending", "sending") and self.attempts > 0)


@dataclass(frozen=True)
class Claim:
    """A report taken for sending: ``token`` proves the claim when the outcome is recorded."""

    number: int
    token: str
    resumed: bool  # a stale claim taken over: the report may already be at the city
    row: dict


def _as_dict(row: Report) -> dict:
    return {c.name: getattr(row, c.name) for c in Report.__table__.columns}


def _view(row: Report) -> ReportView:
    return ReportView(
        number=number_of(row.id), category=row.category, location=row.location, status=row.status,
        status_notes=row.status_notes, created_at=row.created_at, updated_at=row.updated_at, lang=row.lang,
        delivery=row.sync_state, attempts=row.attempts or 0, public_ref=row.public_ref,
        conversation_id=row.conversation_id,
    )


class ReportStore:
    """Reports in the database, by the numbers residents are given."""

    def __init__(self, database: Database):
        self.database = database

    def create(
        self, *, category: str, location: str, description: str | None, contact: str | None, lang: str,
        conversation_id: str | None, deliver: bool, with_photo: bool = False,
        point: tuple[float, float] | None = None,
    ) -> int:
        """Store a report; returns its number. ``deliver`` queues it for the Open311 outbox;
        ``with_photo`` gives it the photo the conversation holds (``citizenbot.reports.photos``);
        ``point`` is the place's (lat, long) when it is known (``citizenbot.places``).
        The same report of the same conversation filed within SAME_REPORT_SECONDS gets that number."""
        location = clean_text(location, MAX_LOCATION)
        if not location:
            raise ValueError("a report needs a location")
        now = utcnow()
        if conversation_id:
            with self.database.session() as session:
                same = session.execute(select(Report.id).where(
                    Report.conversation_id == conversation_id, Report.category == category,
                    Report.location == location, _same(Report.description, clean_text(description, MAX_DESCRIPTION) or None),
                    _same(Report.contact, clean_text(contact, MAX_CONTACT) or None),
                    Report.created_at >= now - timedelta(seconds=SAME_REPORT_SECONDS),
                ).order_by(Report.id.desc()).limit(1)).scalar()
            if same is not None:
                return number_of(same)
        # Two reports drawing the same reference is unlikely but possible over the years (birthday
        # bound): the unique index refuses the second, which draws again.
        for attempt in range(5):
            row = Report(
                category=category, location=location,
                description=clean_text(description, MAX_DESCRIPTION) or None,
                contact=clean_text(contact, MAX_CONTACT) or None, lang=lang, conversation_id=conversation_id,
                status="received", created_at=now, updated_at=now,
                sync_state="pending" if deliver else "local", next_attempt_at=now if deliver else None,
                public_ref=new_public_ref(), lat=point[0] if point else None, long=point[1] if point else None,
            )
            try:
                with self.database.session() as session:
                    session.add(row)
                    session.flush()
                    row.reference = f"{REFERENCE_PREFIX}{number_of(row.id)}-{secrets.token_hex(3)}"
                    if with_photo and conversation_id:
                        attach_held(session, conversation_id, row.id)
                    return number_of(row.id)
            except IntegrityError:
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def get(self, number: int) -> ReportView | None:
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            return _view(row) if row else None

    def get_by_ref(self, public_ref: str) -> ReportView | None:
        with self.database.session() as session:
            row = session.execute(select(Report).where(Report.public_ref == public_ref)).scalar_one_or_none()
            return _view(row) if row else None

    def get_row(self, number: int) -> dict | None:
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            return _as_dict(row) if row is not None else None

    # --- drafts --------------------------------------------------------------------------------
    #
    # The form's answers in the resident's own words, one draft per conversation: the stored
    # conversation keeps them redacted, so the report is filed from here (``take_draft``).

    def hold_draft(self, conversation_id: str, *, new: bool = False, **fields: str | None) -> None:
        """Keep answers (``location``, ``description``, ``contact``); ``new`` starts a fresh draft."""
        unknown = set(fields) - DRAFT_FIELDS
        if unknown:
            raise ValueError(f"not a draft field: {sorted(unknown)}")
        limits = {"location": MAX_LOCATION, "description": MAX_DESCRIPTION, "contact": MAX_CONTACT}
        values = {k: (clean_text(v, limits[k]) or None) if v is not None else None for k, v in fields.items()}
        with self.database.session() as session:
            row = session.get(ReportDraft, conversation_id)
            if row is None:
                session.add(ReportDraft(conversation_id=conversation_id, updated_at=utcnow(), **values))
                return
            if new:
                row.location = row.description = row.contact = None
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = utcnow()

    def draft(self, conversation_id: str) -> dict | None:
        with self.database.session() as session:
            row = session.get(ReportDraft, conversation_id)
            return {k: getattr(row, k) for k in DRAFT_FIELDS} if row else None

    def drop_draft(self, conversation_id: str) -> None:
        with self.database.session() as session:
            session.execute(delete(ReportDraft).where(ReportDraft.conversation_id == conversation_id))

    # --- outbox --------------------------------------------------------------------------------
    #
    # One sender per report: a sender first claims the row with a conditional UPDATE (only one of
    # several racing senders, in any process, changes it) and records the outcome only while it
    # still holds the claim. Attempts are counted by SQL expressions, never read-modify-write.

    def due(self, now: datetime | None = None, limit: int = 20, stale_after: float = STALE_CLAIM_SECONDS) -> list[int]:
        """Numbers of reports to deliver now: pending ones whose next attempt is due, and those whose
        sender's claim has gone stale (it stopped without recording what happened)."""
        now = now or utcnow()
        with self.database.session() as session:
            ids = session.execute(
                select(Report.id)
                .where(or_(_due_pending(now), _stale_sending(now, stale_after)))
                .order_by(Report.id)
                .limit(limit)
            ).scalars()
            return [number_of(i) for i in ids]

    def claim(self, number: int, now: datetime | None = None, stale_after: float = STALE_CLAIM_SECONDS) -> Claim | None:
        """Take a report for sending, or None when it is not due or another sender has it.

        A stale claim is taken over with ``resumed`` set: the previous sender may have sent the
        report, so the new one must look it up at the city before sending anything.
        """
        now = now or utcnow()
        token = secrets.token_hex(16)
        with self.database.session() as session:
            resumed = session.execute(
                select(Report.sync_state).where(Report.id == id_of(number))
            ).scalar_one_or_none() == "sending"
            condition = _stale_sending(now, stale_after) if resumed else _due_pending(now)
            result = session.execute(
                update(Report)
                .where(Report.id == id_of(number), condition)
                .values(sync_state="sending", claim_token=token, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                return None
            row = session.get(Report, id_of(number))
            if not row.reference:  # a report filed before references existed
                row.reference = f"{REFERENCE_PREFIX}{number}"
            return Claim(number=number, token=token, resumed=resumed, row=_as_dict(row))

    def _finish(self, session, number: int, claim: str | None, values: dict) -> bool:
        """Record an attempt's outcome (attempts + 1) while holding ``claim`` (None: unconditional)."""
        statement = update(Report).where(Report.id == id_of(number))
        if claim is not None:
            statement = statement.where(Report.sync_state == "sending", Report.claim_token == claim)
        values = {"attempts": Report.attempts + 1, "claim_token": None, **values}
        result = session.execute(statement.values(**values).execution_options(synchronize_session=False))
        return result.rowcount == 1

    def mark_sent(self, number: int, remote_id: str | None, token: str | None, claim: str | None = None) -> bool:
        """The city has the report (``remote_id`` or a batch server's ``token``)."""
        with self.database.session() as session:
            return self._finish(session, number, claim, {
                "sync_state": "sent", "remote_id": remote_id, "remote_token": token, "status": "sent",
                "last_error": None, "error_status": None, "next_attempt_at": None, "updated_at": utcnow(),
                "delivered_at": utcnow(),
            })

    def mark_failed(
        self, number: int, error: str, retryable: bool, now: datetime | None = None, *, claim: str | None = None,
        status: int | None = None,
    ) -> tuple[str, int] | None:
        """Record a failed delivery; returns the report's new sync state and attempts (None: the claim
        was lost).

        Retryable failures back off (30 s doubling, at most 1 h) for up to ``RETRY_LIMIT`` attempts;
        a report the endpoint refuses, or one still not delivered after them, is kept as ``failed``
        with the reason for staff to handle, never dropped.
        """
        now = now or utcnow()
        with self.database.session() as session:
            if not self._finish(session, number, claim, {
                "sync_state": "pending", "last_error": error[:1000], "error_status": status,
            }):
                return None
            # The row is locked by the update above until commit, so this read sees our attempts.
            row = session.get(Report, id_of(number))
            session.refresh(row)
            if retryable and row.attempts < RETRY_LIMIT:
                row.next_attempt_at = now + timedelta(seconds=min(30 * 2 ** (row.attempts - 1), 3600))
            else:
                row.sync_state = "failed"
                row.next_attempt_at = None
            return row.sync_state, row.attempts

    def mark_uncertain(self, number: int, reason: str, claim: str | None = None, now: datetime | None = None) -> bool:
        """The city may have the report but we could not see it: held for staff, never resent; the
        outbox looks it up again later (``next_attempt_at``), as a city may list it only later."""
        with self.database.session() as session:
            return self._finish(session, number, claim, {
                "sync_state": "uncertain", "last_error": reason[:1000], "error_status": None,
                "next_attempt_at": (now or utcnow()) + timedelta(seconds=RECHECK_SECONDS),
            })

    def uncertain_due(self, now: datetime | None = None, limit: int = 20) -> list[int]:
        """Uncertain reports whose next look-up at the city is due."""
        now = now or utcnow()
        with self.database.session() as session:
            ids = session.execute(
                select(Report.id)
                .where(Report.sync_state == "uncertain", Report.next_attempt_at <= now)
                .order_by(Report.id)
                .limit(limit)
            ).scalars()
            return [number_of(i) for i in ids]

    def recheck_later(self, number: int, now: datetime | None = None) -> None:
        """Not found at the city (yet): look again later, less and less often, for a week."""
        now = now or utcnow()
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            if row is None or row.sync_state != "uncertain" or row.next_attempt_at is None:
                return
            waited = max(RECHECK_SECONDS, (now - as_utc(row.claimed_at or row.created_at)).total_seconds())
            give_up = now - as_utc(row.created_at) > timedelta(days=7)
            row.next_attempt_at = None if give_up else now + timedelta(seconds=min(waited, 6 * 3600))

    # --- staff ---------------------------------------------------------------------------------
    #
    # Each change is conditional on the state staff saw, so that it never overrides a sender.

    def needing_attention(self, states: tuple[str, ...] = ATTENTION_STATES, limit: int = 200) -> list[dict]:
        """Reports not (knowingly) at the city, oldest first, for staff."""
        with self.database.session() as session:
            rows = session.execute(
                select(Report).where(Report.sync_state.in_(states)).order_by(Report.id).limit(limit)
            ).scalars()
            return [_as_dict(row) for row in rows]

    def _staff_change(self, number: int, from_states: tuple[str, ...], values: dict) -> bool:
        with self.database.session() as session:
            result = session.execute(
                update(Report)
                .where(Report.id == id_of(number), Report.sync_state.in_(from_states))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    def retry(self, number: int, now: datetime | None = None) -> bool:
        """Staff fixed the cause: a failed or backing-off report is sent again now, in a new round
        of attempts. Not for an uncertain report (the city may have it): ``resend`` or look it up."""
        now = now or utcnow()
        return self._staff_change(number, ("failed", "pending"), {
            "sync_state": "pending", "next_attempt_at": now, "attempts": 0,
        })

    def resend(self, number: int, now: datetime | None = None) -> bool:
        """Staff checked that the city does not have an uncertain report: it is sent again."""
        now = now or utcnow()
        return self._staff_change(number, ("uncertain",), {
            "sync_state": "pending", "next_attempt_at": now, "attempts": 0,
        })

    def found_at_city(self, number: int, remote_id: str) -> bool:
        """An uncertain report was found at the city after all: it got there during the sending
        attempt whose answer was lost (``claimed_at``), so that is when the city had it."""
        return self._staff_change(number, ("uncertain",), {
            "sync_state": "sent", "remote_id": remote_id, "status": "sent", "last_error": None,
            "error_status": None, "next_attempt_at": None, "updated_at": utcnow(),
            "delivered_at": func.coalesce(Report.claimed_at, utcnow()),
        })

    def mark_handled(self, number: int, by: str, now: datetime | None = None) -> bool:
        """Staff took care of the report some other way (passed it on by hand, a duplicate)."""
        return self._staff_change(number, ATTENTION_STATES, {
            "sync_state": "handled", "handled_by": by[:100], "handled_at": now or utcnow(), "next_attempt_at": None,
        })

    def set_remote_id(self, number: int, remote_id: str) -> None:
        with self.database.session() as session:
            session.get(Report, id_of(number)).remote_id = remote_id

    def update_status(self, number: int, status: str, notes: str | None, updated_at: datetime | None = None) -> None:
        with self.database.session() as session:
            row = session.get(Report, id_of(number))
            if row.status != status or (notes or None) != row.status_notes:
                row.status = status
                row.status_notes = notes or None
                # Stored in UTC: SQLite keeps no offset, and every reader takes a stored time as UTC.
                row.updated_at = as_utc(updated_at).astimezone(timezone.utc) if updated_at else utcnow()


def _same(column, value):
    return column.is_(None) if value is None else column == value


def _due_pending(now: datetime):
    return and_(Report.sync_state == "pending", or_(Report.next_attempt_at.is_(None), Report.next_attempt_at <= now))


def _stale_sending(now: datetime, stale_after: float):
    return and_(Report.sync_state == "sending", Report.claimed_at < now - timedelta(seconds=stale_after))
