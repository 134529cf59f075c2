"""Keeping what residents wrote only as long as the city says (`conversation_retention_days`).

Conversations (the tracker store, through ``citizenbot.conversation.store``), handoff notes and feedback older
than the retention period are deleted (after ``citizenbot.analytics`` has counted them); reports stay as the city's records but lose the contact
details the resident gave and their photo (the city's system has had the retention period to copy it); a report left unfinished (its draft, its
photo) goes after a day. One conversation can also be deleted on request. Run daily by the
action server and on demand with ``citizenbot privacy purge`` / ``privacy delete``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update

from citizenbot.analytics.rollup import rollup
from citizenbot.conversation import store as conversations
from citizenbot.store.db import Database
from citizenbot.store.models import Feedback, InboxMessage, Report, ReportDraft, ReportPhoto, utcnow
from citizenbot.store.staff_models import Handoff, HandoffNote

logger = logging.getLogger(__name__)
# A report not filed within a day will not be: its draft (the resident's own words) is deleted.
DRAFT_DAYS = 1


@dataclass(frozen=True)
class Purged:
    events: int
    notes: int
    feedback: int
    contacts: int
    inbox: int = 0  # review-inbox copies (redacted) of the conversation's messages
    photos: int = 0  # fault reports' photos


def purge(database: Database, retention_days: int, now: datetime | None = None) -> Purged:
    if retention_days < 1:
        raise ValueError("retention must be at least one day")
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    # the figures for decision makers are taken before anything is deleted (they remain after)
    rollup(database, now)
    stored = conversations.has_conversations(database)
    with database.session() as session:
        deleted_events = conversations.delete_events(session, before=cutoff.timestamp()) if stored else 0
        old_handoffs = select(Handoff.id).where(Handoff.created_at < cutoff)
        notes = session.execute(delete(HandoffNote).where(HandoffNote.handoff_id.in_(old_handoffs))
                                .execution_options(synchronize_session=False)).rowcount
        feedback = session.execute(delete(Feedback).where(Feedback.created_at < cutoff)).rowcount
        contacts = session.execute(
            update(Report).where(Report.created_at < cutoff, Report.contact.is_not(None)).values(contact=None)
        ).rowcount
        session.execute(delete(ReportDraft).where(ReportDraft.updated_at < now - timedelta(days=DRAFT_DAYS)))
        photos = session.execute(delete(ReportPhoto).where(or_(
            ReportPhoto.created_at < cutoff,
            and_(ReportPhoto.report_id.is_(None), ReportPhoto.created_at < now - timedelta(days=DRAFT_DAYS))))).rowcount
    result = Purged(deleted_events, notes, feedback, contacts, photos=photos)
    logger.info("retention %s days: %s", retention_days, result)
    return result


def delete_conversation(database: Database, conversation_id: str) -> Purged:
    """A resident's request: their conversation, its feedback, handoff notes and review-inbox
    copies, and the contacts and photos of its reports."""
    stored = conversations.has_conversations(database)
    with database.session() as session:
        deleted_events = conversations.delete_events(session, sender=conversation_id) if stored else 0
        handoffs = select(Handoff.id).where(Handoff.conversation_id == conversation_id)
        notes = session.execute(delete(HandoffNote).where(HandoffNote.handoff_id.in_(handoffs))
                                .execution_options(synchronize_session=False)).rowcount
        feedback = session.execute(delete(Feedback).where(Feedback.conversation_id == conversation_id)).rowcount
        contacts = session.execute(
            update(Report).where(Report.conversation_id == conversation_id).values(contact=None)
        ).rowcount
        session.execute(delete(ReportDraft).where(ReportDraft.conversation_id == conversation_id))
        photos = session.execute(delete(ReportPhoto).where(ReportPhoto.conversation_id == conversation_id)).rowcount
        # a message left outside service hours: its contact goes with the conversation
        contacts += session.execute(
            update(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.contact.is_not(None))
            .values(contact=None).execution_options(synchronize_session=False)
        ).rowcount
        inbox = session.execute(
            delete(InboxMessage).where(InboxMessage.conversation == conversations.conversation_key(conversation_id))
        ).rowcount
    return Purged(deleted_events, notes, feedback, contacts, inbox, photos)


def retention_days(kb) -> int:
    value = kb.fact("conversation_retention_days", "fi")
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 30
