"""The roll-up's watermarks in ``analytics_meta``: how far each part has read, moved with a
conditional UPDATE inside the part's own transaction, so that of two processes rolling up at once
only one counts (``citizenbot.analytics.rollup``)."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from citizenbot.store.analytics_models import AnalyticsMeta
from citizenbot.store.db import Database


def read_mark(database: Database, key: str) -> str | None:
    with database.session() as session:
        row = session.get(AnalyticsMeta, key)
        return row.value if row else None


def move_mark(session, key: str, old: str | None, new: str) -> bool:
    """Move a watermark from ``old`` to ``new`` inside the caller's transaction; False when another
    process moved it first (the caller then rolls back)."""
    if old is None:
        try:
            with session.begin_nested():
                session.execute(insert(AnalyticsMeta).values(key=key, value=new))
            return True
        except IntegrityError:
            return False
    moved = session.execute(update(AnalyticsMeta).where(AnalyticsMeta.key == key, AnalyticsMeta.value == old)
                            .values(value=new))
    return moved.rowcount == 1
