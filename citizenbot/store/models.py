"""Tables of the knowledge base and of the things the assistant records.

Multilingual fields are JSON objects keyed by language code ({"fi": ..., "sv": ..., "en": ...}),
so adding a language needs content, not a schema change.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite returns naive ones)."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# --- knowledge base (replaced as a whole by seeding) ---------------------------------------------


class KbText(Base):
    """Answers and labels: one row per text id and language."""

    __tablename__ = "kb_text"
    key = Column(String(200), primary_key=True)
    lang = Column(String(8), primary_key=True)
    kind = Column(String(16), nullable=False)  # "answer" or "label"
    text = Column(Text, nullable=False)


class KbFact(Base):
    """National and city facts used as answer placeholders; lang "*" when the same for all."""

    __tablename__ = "kb_fact"
    key = Column(String(100), primary_key=True)
    lang = Column(String(8), primary_key=True)
    value = Column(Text, nullable=False)
    source = Column(Text)


class KbMeta(Base):
    __tablename__ = "kb_meta"
    key = Column(String(100), primary_key=True)
    value = Column(Text, nullable=False)


class District(Base):
    __tablename__ = "kb_district"
    id = Column(Integer, primary_key=True, autoincrement=True)
    name_fi = Column(String(200), nullable=False, unique=True)
    name_sv = Column(String(200))
    aliases = Column(JSON, nullable=False, default=list)
    sand_removal_area = Column(String(100))


class Street(Base):
    __tablename__ = "kb_street"
    id = Column(Integer, primary_key=True, autoincrement=True)
    name_fi = Column(String(200), nullable=False, unique=True)
    name_sv = Column(String(200))
    district = Column(String(200))
    maintenance_class = Column(String(20), nullable=False)


class RoadWork(Base):
    __tablename__ = "kb_road_work"
    id = Column(String(50), primary_key=True)
    street = Column(String(200))
    district = Column(String(200))
    start = Column(Date, nullable=False)
    end = Column(Date, nullable=False)
    description = Column(JSON, nullable=False)
    __table_args__ = (Index("ix_road_work_street", "street"), Index("ix_road_work_district", "district"))


class Venue(Base):
    __tablename__ = "kb_venue"
    id = Column(String(50), primary_key=True)
    kind = Column(String(20), nullable=False)  # ski_track | ice_rink
    name = Column(JSON, nullable=False)
    district = Column(String(200))
    status = Column(String(20), nullable=False)
    note = Column(JSON)
    length_km = Column(Float)
    updated = Column(DateTime(timezone=True))
    lat = Column(Float)  # the venue's point (WGS84), when the city gives one (migration 0010)
    long = Column(Float)
    __table_args__ = (Index("ix_venue_district", "district"),)


class AddressPoint(Base):
    """A street address's point (WGS84) from the city's address register (``kb/address_points.csv``,
    migration 0010): a fault report at a known address is sent to the city with its coordinates."""

    __tablename__ = "kb_address_point"
    street = Column(String(200), primary_key=True)  # a street's name_fi
    number = Column(String(10), primary_key=True)  # house number, upper case: "12", "12A"
    lat = Column(Float, nullable=False)
    long = Column(Float, nullable=False)


class Plan(Base):
    __tablename__ = "kb_plan"
    number = Column(String(30), primary_key=True)
    name = Column(JSON, nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    district = Column(String(200))
    stage = Column(String(20), nullable=False)
    next_step = Column(JSON)
    next_date = Column(String(10))
    planner_name = Column(String(200))
    planner_title = Column(JSON)
    planner_email = Column(String(200))
    url = Column(Text)
    __table_args__ = (Index("ix_plan_district", "district"),)


KB_TABLES = (KbText, KbFact, District, Street, RoadWork, Venue, Plan, AddressPoint)


# --- what residents send (never touched by seeding) ----------------------------------------------


class Report(Base):
    """A fault report filed through the chat; also the outbox of the Open311 client."""

    __tablename__ = "report"
    id = Column(Integer, primary_key=True, autoincrement=True)
    category = Column(String(100), nullable=False)  # topic id, e.g. maintenance.pothole
    location = Column(Text, nullable=False)
    description = Column(Text)
    contact = Column(Text)  # e-mail or phone, only to reply about this report
    lang = Column(String(8), nullable=False)
    conversation_id = Column(String(200))
    status = Column(String(20), nullable=False, default="received")  # received|sent|open|in_process|closed
    status_notes = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    # Open311 delivery
    remote_id = Column(String(100))
    remote_token = Column(String(100))
    # local | pending | sending (claimed by one sender) | sent | failed (refused: staff) |
    # uncertain (the city may have it: staff check before anything is sent again) |
    # handled (staff took care of it some other way)
    sync_state = Column(String(20), nullable=False, default="local")
    attempts = Column(Integer, nullable=False, default=0)  # finished attempts, counted in SQL
    next_attempt_at = Column(DateTime(timezone=True))
    last_error = Column(Text)  # the city's reason, readable
    # Added by the migration 0002 (citizenbot/store/migrations/): a change here needs a revision.
    reference = Column(String(40))  # carried in the request so the city's copy can be found again
    claim_token = Column(String(32))  # the sender holding the report while sync_state is "sending"
    claimed_at = Column(DateTime(timezone=True))
    error_status = Column(Integer)  # the city's HTTP status of the last failure, None: no answer
    handled_by = Column(String(100))  # the staff member who marked a report handled (sync_state "handled")
    handled_at = Column(DateTime(timezone=True))
    # Added by the migration 0004: the random reference residents are given (reports.store).
    public_ref = Column(String(20))
    # Added by the migration 0008: when the city's system had it (the analytics' delivery times).
    delivered_at = Column(DateTime(timezone=True))
    # Added by the migration 0010: the place's point (WGS84) when it is a known address or venue.
    lat = Column(Float)
    long = Column(Float)
    __table_args__ = (
        Index("ix_report_sync", "sync_state", "next_attempt_at"),
        Index("ix_report_public_ref", "public_ref", unique=True),
    )


class ReportDraft(Base):
    """A report being filled in: the resident's own words (place, description, contact) while the
    stored conversation keeps them only redacted (``citizenbot.conversation.redaction``). Taken by
    the report when it is filed, dropped when it is cancelled, purged after a day."""

    __tablename__ = "report_draft"
    conversation_id = Column(String(200), primary_key=True)
    location = Column(Text)
    description = Column(Text)
    contact = Column(Text)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ReportPhoto(Base):
    """A photo a resident added to a fault report (migration 0010): re-encoded as JPEG on arrival,
    so that its location data and anything else hidden in the file are gone
    (``citizenbot.reports.photos``). Held for the conversation's report draft until the report is
    filed (``report_id``), then served to the city at ``/media/<token>.jpg``. Deleted with the
    conversation, after the retention period, and unfiled after a day (``citizenbot.privacy``)."""

    __tablename__ = "report_photo"
    id = Column(Integer, primary_key=True, autoincrement=True)
    token = Column(String(32), nullable=False)  # random: the photo's unguessable public name
    conversation_id = Column(String(200), nullable=False)
    report_id = Column(Integer)  # None while the report is being filled in
    content = Column(LargeBinary, nullable=False)  # JPEG
    width = Column(Integer, nullable=False)
    height = Column(Integer, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    __table_args__ = (
        Index("ux_report_photo_token", "token", unique=True),
        Index("ix_report_photo_conversation", "conversation_id"),
        Index("ix_report_photo_report", "report_id"),
    )


class Feedback(Base):
    """"Was this helpful?" on one answer: the answer's topic and language, per conversation."""

    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(200), nullable=False)
    message_id = Column(String(64), nullable=False)
    topic = Column(String(200), nullable=False)
    lang = Column(String(8), nullable=False)
    value = Column(String(8), nullable=False)  # up | down
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    __table_args__ = (
        Index("ux_feedback_message", "conversation_id", "message_id", unique=True),
        Index("ix_feedback_topic", "topic"),
    )


# --- trainers' review inbox (citizenbot.trainer.inbox; never touched by seeding) ------------------


class InboxMessage(Base):
    """A resident message the assistant did not handle well, redacted, waiting for a trainer.

    One row per resident message (``source_key`` = hash of conversation and message, so collecting
    again adds nothing twice); ``reasons`` is a comma-separated set: not_understood,
    low_confidence, out_of_scope, thumbs_down. The text is stored only after redaction.
    """

    __tablename__ = "trainer_inbox"
    id = Column(Integer, primary_key=True, autoincrement=True)
    source_key = Column(String(64), nullable=False, unique=True)
    conversation = Column(String(16), nullable=False)  # a short hash of the conversation id, not the id
    text = Column(Text, nullable=False)  # redacted
    lang = Column(String(8), nullable=False)
    reasons = Column(String(100), nullable=False)
    predicted = Column(String(200))  # the intent the classifier chose (nlu_fallback when none)
    confidence = Column(Float)
    asked_at = Column(DateTime(timezone=True))
    collected_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    status = Column(String(20), nullable=False, default="new")  # new|assigned|out_of_scope|new_topic|ignored
    topic = Column(String(200))  # the trainer's decision: the topic the message belongs to
    example = Column(Text)  # the example written to the training data (the trainer may edit it)
    reviewed_by = Column(String(200))
    reviewed_at = Column(DateTime(timezone=True))
    written_to = Column(String(300))  # the training data file the example went into
    __table_args__ = (Index("ix_trainer_inbox_status", "status", "lang"),)


class TrainerMeta(Base):
    """Small bookkeeping of the trainer tools (how far the tracker store has been read)."""

    __tablename__ = "trainer_meta"
    key = Column(String(100), primary_key=True)
    value = Column(Text, nullable=False)
