""""Was this helpful?" votes. This module owns the ``feedback`` table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from citizenbot.store.db import Database
from citizenbot.store.models import Feedback, utcnow

VALUES = ("up", "down")


@dataclass(frozen=True)
class Vote:
    conversation_id: str
    message_id: str
    topic: str
    lang: str
    value: str


class FeedbackStore:
    def __init__(self, database: Database):
        self.database = database

    def record(self, vote: Vote) -> None:
        """Store a vote; a second vote on the same answer replaces the first."""
        if vote.value not in VALUES:
            raise ValueError(f"feedback must be one of {VALUES}")
        with self.database.session() as session:
            row = session.execute(
                select(Feedback).where(
                    Feedback.conversation_id == vote.conversation_id, Feedback.message_id == vote.message_id
                )
            ).scalar_one_or_none()
            if row is None:
                session.add(Feedback(conversation_id=vote.conversation_id, message_id=vote.message_id,
                                     topic=vote.topic, lang=vote.lang, value=vote.value))
            else:
                row.value = vote.value
                row.updated_at = utcnow()

    def for_conversation(self, conversation_id: str) -> list[Vote]:
        with self.database.session() as session:
            rows = session.execute(
                select(Feedback).where(Feedback.conversation_id == conversation_id).order_by(Feedback.id)
            ).scalars()
            return [Vote(r.conversation_id, r.message_id, r.topic, r.lang, r.value) for r in rows]

    def summary(self) -> dict[tuple[str, str], dict[str, int]]:
        """(topic, lang) -> {"up": n, "down": m}, for editors and analytics."""
        out: dict[tuple[str, str], dict[str, int]] = {}
        with self.database.session() as session:
            rows = session.execute(
                select(Feedback.topic, Feedback.lang, Feedback.value, func.count()).group_by(
                    Feedback.topic, Feedback.lang, Feedback.value
                )
            )
            for topic, lang, value, count in rows:
                out.setdefault((topic, lang), {"up": 0, "down": 0})[value] = count
        return out
