"""The resident's 1-5 rating at the end of a chat with a person, and the average per queue for
staff. This module owns the chat_rating table and the ``rated`` flag of a handoff.

A rating keeps no link to the conversation or the staff member: the day, the queue, the
language, the score and a comment with personal details redacted. A chat is rated once: the
handoff's ``rated`` flag is set by one conditional UPDATE, and only a chat that a person had and
that has ended (returned to the assistant or closed) can be rated, by its own conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update

from citizenbot.store.db import Database
from citizenbot.store.models import utcnow
from citizenbot.store.staff_models import ChatRating, Handoff

RATED_STATES = ("returned", "closed")  # a person had the chat and it has ended
MAX_COMMENT = 1000


@dataclass(frozen=True)
class QueueRating:
    queue: str
    average: float
    count: int

    def as_json(self) -> dict:
        return {"queue": self.queue, "average": self.average, "count": self.count}


def valid_score(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5 else None


class RatingStore:
    def __init__(self, database: Database, kb_dir: str | None = None):
        self.database = database
        self.kb_dir = kb_dir

    def rate(self, conversation_id: str, handoff_id: int, score: int, comment: str | None = None,
             today: date | None = None) -> bool:
        """Store the rating of an ended chat of this conversation; False when there is no such chat
        or it was rated already."""
        if valid_score(score) is None:
            raise ValueError("score must be 1-5")
        text = _clean_comment(comment, self.kb_dir)
        with self.database.session() as session:
            claimed = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.conversation_id == conversation_id,
                       Handoff.status.in_(RATED_STATES), Handoff.claimed_by.is_not(None), Handoff.rated.is_(False))
                .values(rated=True)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:
                return False
            row = session.get(Handoff, handoff_id)
            session.add(ChatRating(day=today or utcnow().date(), queue=row.queue, lang=row.lang, score=score, comment=text))
        return True

    def per_queue(self, start: date | None = None, end: date | None = None) -> list[QueueRating]:
        """Average score and number of ratings per queue, days start..end inclusive."""
        query = select(ChatRating.queue, func.avg(ChatRating.score), func.count()).group_by(ChatRating.queue)
        if start is not None:
            query = query.where(ChatRating.day >= start)
        if end is not None:
            query = query.where(ChatRating.day <= end)
        with self.database.session() as session:
            rows = session.execute(query.order_by(ChatRating.queue)).all()
        return [QueueRating(queue, round(float(average), 2), count) for queue, average, count in rows]

    def comments(self, queue: str, limit: int = 50) -> list[dict]:
        """The newest comments of a queue (redacted when stored)."""
        with self.database.session() as session:
            rows = session.execute(
                select(ChatRating.day, ChatRating.score, ChatRating.lang, ChatRating.comment)
                .where(ChatRating.queue == queue, ChatRating.comment.is_not(None))
                .order_by(ChatRating.id.desc()).limit(limit)
            ).all()
        return [{"day": day.isoformat(), "score": score, "lang": lang, "comment": comment} for day, score, lang, comment in rows]


def _clean_comment(comment: str | None, kb_dir: str | None) -> str | None:
    from citizenbot.door import admit
    from citizenbot.redact import redact

    if not isinstance(comment, str) or not comment.strip():
        return None
    text = admit(comment.strip()).text[:MAX_COMMENT]
    return redact(text, kb_dir)
