"""New themes the assistant could not answer: the review inbox's groups of a date range, as counts.

The inbox (``citizenbot.trainer.inbox``) keeps the residents' messages the assistant did not
handle well, redacted, and groups similar ones. A group's label is a resident's own words, so it
never leaves here: a theme is "Teema N" with its language, how many messages and conversations,
and the topic the classifier thought nearest (a topic id, no text). Only messages still waiting
for a trainer or marked a new topic count (not those a trainer gave an existing topic, put out
of scope or ignored), and only themes of at least 5 messages are listed: fewer are no theme for
a decision maker, and their count would be "< 5" anyway.

The inbox is small (waiting messages, kept no longer than the conversations) and this reads at
most ``MAX_MESSAGES`` of it, so the page's load stays bounded.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select

from citizenbot.intents import FALLBACK_INTENT
from citizenbot.store.db import Database
from citizenbot.store.models import InboxMessage

UNANSWERED = ("new", "new_topic")
MAX_MESSAGES = 5000  # the newest of the range
MAX_THEMES = 10
THEME_MIN = 5


def warm_up() -> None:
    """Import the grouping's scikit-learn ahead of the first page (several seconds on a busy
    machine), from a thread at the web process's start."""
    import sklearn.feature_extraction.text  # noqa: F401


def new_themes(database: Database, begin: datetime, end: datetime) -> list[dict[str, Any]]:
    """The largest themes asked in [begin, end): [{"theme", "lang", "messages", "conversations",
    "topic"}], counts unsuppressed (the summary suppresses)."""
    with database.session() as session:
        rows = list(session.execute(
            select(InboxMessage).where(InboxMessage.status.in_(UNANSWERED), InboxMessage.asked_at >= begin,
                                       InboxMessage.asked_at < end)
            .order_by(InboxMessage.asked_at.desc()).limit(MAX_MESSAGES)).scalars())
    if len(rows) < THEME_MIN:
        return []
    from citizenbot.trainer.inbox.grouping import group_rows  # scikit-learn: only when there is something

    themes = []
    for group in group_rows(rows):
        if group.count < THEME_MIN or len(themes) == MAX_THEMES:
            break  # largest first
        predicted: Counter = Counter()
        for item in group.items:
            predicted.update(item.predicted)
        nearest = next((topic for topic, _ in predicted.most_common() if topic and topic != FALLBACK_INTENT), "")
        themes.append({"theme": f"Teema {len(themes) + 1}", "lang": group.lang, "messages": group.count,
                       "conversations": sum(item.conversations for item in group.items), "topic": nearest})
    return themes
