"""Tables of the analytics roll-up (``citizenbot.analytics``): counts only, never text.

Times are whole UTC hours or days since 1970 (``hour`` = seconds // 3600, ``day`` = seconds //
86400) so that ranges are integer comparisons on SQLite and PostgreSQL alike; the summary turns
them into the city's local days.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Text

from citizenbot.store.models import Base


class MessageCount(Base):
    """Residents' messages and the conversations they started, per hour, language and topic."""

    __tablename__ = "analytics_messages"
    hour = Column(Integer, primary_key=True)
    lang = Column(String(8), primary_key=True)
    topic = Column(String(200), primary_key=True)  # "" when not understood
    outcome = Column(String(20), primary_key=True)  # answered|not_understood|out_of_scope|handoff|emergency
    domain = Column(String(50), nullable=False)  # the topic's first part (maintenance, health...)
    messages = Column(Integer, nullable=False, default=0)
    conversations = Column(Integer, nullable=False, default=0)  # the conversation's first message
    __table_args__ = (Index("ix_analytics_messages_outcome", "outcome", "hour"),)


class MessageDayCount(Base):
    """The same counts per local day of the city (``day`` = the date's ordinal, ``date.toordinal``):
    what the summary reads for a range of days, a few hundred rows a day instead of thousands."""

    __tablename__ = "analytics_messages_day"
    day = Column(Integer, primary_key=True)
    lang = Column(String(8), primary_key=True)
    topic = Column(String(200), primary_key=True)
    outcome = Column(String(20), primary_key=True)
    domain = Column(String(50), nullable=False)
    messages = Column(Integer, nullable=False, default=0)
    conversations = Column(Integer, nullable=False, default=0)


class PageDayCount(Base):
    """Residents' messages and new conversations per local day and the page of the city's site the
    chat was used on (its path, ``rollup.page_of``; "" when the channel sends none: REST clients).
    Added by the revision 0009; pages are counted from then on."""

    __tablename__ = "analytics_pages"
    day = Column(Integer, primary_key=True)
    page = Column(String(120), primary_key=True)
    messages = Column(Integer, nullable=False, default=0)
    conversations = Column(Integer, nullable=False, default=0)


class FeedbackCount(Base):
    """"Was this helpful?" votes per day (of the vote), topic and language."""

    __tablename__ = "analytics_feedback"
    day = Column(Integer, primary_key=True)
    topic = Column(String(200), primary_key=True)
    lang = Column(String(8), primary_key=True)
    up = Column(Integer, nullable=False, default=0)
    down = Column(Integer, nullable=False, default=0)


class HandoffCount(Base):
    """Requests to talk to a person per queue and hour they were queued in."""

    __tablename__ = "analytics_handoff"
    hour = Column(Integer, primary_key=True)
    queue = Column(String(20), primary_key=True)
    requests = Column(Integer, nullable=False, default=0)
    claimed = Column(Integer, nullable=False, default=0)  # a person took it (waits are of these)
    gave_up = Column(Integer, nullable=False, default=0)  # the resident left the queue
    wait_seconds = Column(Integer, nullable=False, default=0)  # sum over the claimed ones
    handled = Column(Integer, nullable=False, default=0)  # ended after a claim
    handling_seconds = Column(Integer, nullable=False, default=0)


class WaitBucket(Base):
    """How many claimed requests waited at most ``upper`` seconds (and more than the bucket
    below); the median and 90th percentile are read from these."""

    __tablename__ = "analytics_wait"
    hour = Column(Integer, primary_key=True)
    queue = Column(String(20), primary_key=True)
    upper = Column(Integer, primary_key=True)
    count = Column(Integer, nullable=False, default=0)


class ReportCount(Base):
    """Fault reports per day they were filed, category, their current state and the district of
    their place ("" when the knowledge base knows no district for it; added by the revision 0004)."""

    __tablename__ = "analytics_reports"
    day = Column(Integer, primary_key=True)
    category = Column(String(100), primary_key=True)
    state = Column(String(20), primary_key=True)
    district = Column(String(200), primary_key=True, default="")
    count = Column(Integer, nullable=False, default=0)


class DeliveryBucket(Base):
    """Fault reports filed on a day in a category that reached the city's system within ``upper``
    seconds (and more than the bucket below); ``upper`` = ``NOT_DELIVERED`` (-1): not there yet.
    The median and 90th percentile of the time until the city had them are read from these."""

    __tablename__ = "analytics_delivery"
    day = Column(Integer, primary_key=True)
    category = Column(String(100), primary_key=True)
    upper = Column(Integer, primary_key=True)
    count = Column(Integer, nullable=False, default=0)


NOT_DELIVERED = -1


class AnalyticsMeta(Base):
    """How far the roll-up has read (the tracker store's event id, the last run's time)."""

    __tablename__ = "analytics_meta"
    key = Column(String(100), primary_key=True)
    value = Column(Text, nullable=False)
