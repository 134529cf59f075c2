"""Which pages of the city's site the chat is used on: the roll-up counts residents' messages and
the conversations they start per local day and page (``analytics_pages``).

The page is the path the widget sends with each message (``metadata.page``), kept without query or
fragment and with long numbers masked, so a path that names someone's case counts as its pattern.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from citizenbot.store.analytics_models import PageDayCount


@dataclass
class PageCounts:
    """(local day, page) -> messages, and the conversations started there."""

    messages: Counter = field(default_factory=Counter)
    conversations: Counter = field(default_factory=Counter)


_LONG_NUMBER_RE = re.compile(r"\d{4,}")


def page_of(metadata: dict) -> str:
    """The page's path as counted: no query or fragment (the widget sends only the path, but a
    REST client may send anything), long numbers masked (an id in a path may name a person's
    case), at most 120 characters; "" when there is none."""
    page = metadata.get("page") if isinstance(metadata, dict) else None
    if not isinstance(page, str) or not page.strip():
        return ""
    path = page.strip().split("?", 1)[0].split("#", 1)[0]
    return _LONG_NUMBER_RE.sub("#", path)[:120]


def add_page_counts(session, pages: PageCounts) -> None:
    if not pages.messages:
        return
    days = sorted({day for day, _page in pages.messages})
    existing = {(row.day, row.page): row for row in
                session.execute(select(PageDayCount).where(PageDayCount.day.in_(days))).scalars()}
    for key, messages in pages.messages.items():
        row = existing.get(key)
        if row is None:
            session.add(PageDayCount(day=key[0], page=key[1], messages=messages,
                                     conversations=pages.conversations.get(key, 0)))
        else:
            row.messages += messages
            row.conversations += pages.conversations.get(key, 0)
