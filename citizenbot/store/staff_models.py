"""Tables of the handoff to a person and of the staff who take conversations over."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.sql.expression import false as sa_false

from citizenbot.store.models import Base, utcnow


class StaffUser(Base):
    __tablename__ = "staff_user"
    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(100), nullable=False, unique=True)
    first_name = Column(String(100), nullable=False)
    role = Column(String(20), nullable=False)  # nurse | agent | admin | trainer | analyst
    password_hash = Column(String(300), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class StaffSession(Base):
    """A logged-in staff member: the cookie holds a random token, the table only its hash."""

    __tablename__ = "staff_session"
    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    last_seen = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class LoginAttempt(Base):
    __tablename__ = "staff_login_attempt"
    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(100), nullable=False)
    address = Column(String(64), nullable=False)
    success = Column(Boolean, nullable=False)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    __table_args__ = (Index("ix_login_attempt_user", "username", "at"), Index("ix_login_attempt_addr", "address", "at"))


class Handoff(Base):
    """One request of a resident to talk to a person, from queue to close."""

    __tablename__ = "handoff"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(200), nullable=False)
    queue = Column(String(20), nullable=False)  # nurse | agent
    status = Column(String(20), nullable=False, default="queued")  # queued|active|returned|closed|cancelled
    lang = Column(String(8), nullable=False)
    topic = Column(String(200))
    first_message = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    queued_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)  # reset by a transfer
    claimed_at = Column(DateTime(timezone=True))
    claimed_by = Column(Integer, ForeignKey("staff_user.id"))
    ended_at = Column(DateTime(timezone=True))
    outcome = Column(String(50))
    emergency = Column(Boolean, nullable=False, default=False)
    # "chat": the resident waits to talk; "message": left outside service hours, answered later
    kind = Column(String(20), nullable=False, default="chat", server_default="chat")
    contact = Column(Text)  # a left message's optional contact (e-mail or phone), for the reply only
    rated = Column(Boolean, nullable=False, default=False, server_default=sa_false())  # the end-of-chat rating was given
    __table_args__ = (
        Index("ix_handoff_queue", "queue", "status", "queued_at"),
        Index("ix_handoff_conversation", "conversation_id", "status"),
    )


class HandoffNote(Base):
    """Staff's internal note on a handoff: never shown to the resident."""

    __tablename__ = "handoff_note"
    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_id = Column(Integer, ForeignKey("handoff.id", ondelete="CASCADE"), nullable=False)
    author_id = Column(Integer, ForeignKey("staff_user.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ChatRating(Base):
    """A resident's 1-5 rating at the end of a chat with a person: the queue, the language and the
    day only (no conversation, no staff member), and an optional comment with personal details
    redacted. One per chat (``Handoff.rated``)."""

    __tablename__ = "chat_rating"
    id = Column(Integer, primary_key=True, autoincrement=True)
    day = Column(Date, nullable=False)
    queue = Column(String(20), nullable=False)
    lang = Column(String(8), nullable=False)
    score = Column(SmallInteger, nullable=False)
    comment = Column(Text)
    __table_args__ = (Index("ix_chat_rating_queue", "queue", "day"),)
