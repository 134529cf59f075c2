"""Rolling residents' activity up into the analytics tables, incrementally.

* **Messages** come from the tracker store through ``citizenbot.conversation`` (by event id after
  a watermark, like the review inbox's collection). Each resident message is counted once in its
  hour, language, topic and outcome; the first message of a conversation also counts the
  conversation. The outcome is read from the message itself (the NLU's intent, set by the safety
  net for an emergency), so a message never waits for a reply that a later run would read.
* **Votes**, **handoffs** and **fault reports** live in tables whose rows change (a vote is
  changed, a queued request is claimed, a report is closed), so the days or hours they can still
  change are computed again from those tables and replaced.

Each part runs in one transaction that first moves its watermark with a conditional UPDATE: when
two processes roll up at once, the second finds the watermark moved and adds nothing (running twice
counts once). Retention runs the roll-up before it deletes anything (``citizenbot.privacy``), so
the figures stay when the conversations are gone.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from citizenbot.conversation import ResidentMessage
from citizenbot.conversation import store as stored
from citizenbot.conversation.events import FORM_KINDS, USER, form_after
from citizenbot.intents import EMERGENCY_INTENT, FALLBACK_INTENT, OUT_OF_SCOPE
from citizenbot.kb import KnowledgeBase
from citizenbot.language import language_of_stored
from citizenbot.store.analytics_models import (
    NOT_DELIVERED,
    AnalyticsMeta,
    DeliveryBucket,
    FeedbackCount,
    HandoffCount,
    MessageCount,
    MessageDayCount,
    ReportCount,
    WaitBucket,
)
from citizenbot.store.db import Database
from citizenbot.store.models import Feedback, Report, as_utc, utcnow
from citizenbot.store.staff_models import Handoff

from .districts import DistrictFinder
from .marks import move_mark as _move_mark
from .marks import read_mark as _read_mark
from .pages import PageCounts, add_page_counts, page_of

logger = logging.getLogger(__name__)

OUTCOMES = ("answered", "not_understood", "out_of_scope", "handoff", "emergency")
UNKNOWN_LANG = "und"  # neither a clear detection nor a page language (ISO 639-2 "undetermined")
FORM_TOPIC = "form"  # answers typed into the fault-report form: messages, not questions
# Upper limits of the wait buckets in seconds; the last one holds every longer wait.
OPEN_BUCKET = 2**31 - 1
WAIT_BUCKETS = (30, 60, 120, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 7200, OPEN_BUCKET)
# The same for the time from filing a report until the city's system had it (seconds, then hours
# for the retries after an outage).
DELIVERY_BUCKETS = (5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600, OPEN_BUCKET)


def bucket_of(seconds: float, bounds: tuple[int, ...]) -> int:
    """The upper limit of the first bucket that holds ``seconds`` (bounds end with OPEN_BUCKET)."""
    return next(upper for upper in bounds if seconds <= upper)


EVENTS_MARK, HANDOFF_MARK, REPORTS_MARK = "events_watermark", "handoff_from", "reports_from"
UPDATED_MARK = "updated_at"  # when a roll-up last changed the figures (the pages' live updates)
FEEDBACK_MARK = "feedback_run"  # only claimed: two processes never recount the votes at once
SCANNED_KINDS = (USER, *FORM_KINDS)
PAGE = 5000  # events counted per look-up of where their conversations were
# The days of the daily table are the city's (Finnish cities: one time zone).
CITY_TIMEZONE = "Europe/Helsinki"


@dataclass
class RollupResult:
    events: int = 0
    messages: int = 0
    conversations: int = 0
    feedback_days: int = 0
    handoff_hours: int = 0
    report_days: int = 0
    skipped: list[str] = field(default_factory=list)  # parts another process rolled up at the same time

    def changed(self) -> bool:
        return bool(self.messages or self.feedback_days or self.handoff_hours or self.report_days)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def hour_of(timestamp: float) -> int:
    return int(timestamp // 3600)


def day_of(timestamp: float) -> int:
    return int(timestamp // 86400)


def local_day(hour: int, zone: str = CITY_TIMEZONE) -> int:
    """The city's date (as an ordinal) of a roll-up hour."""
    return datetime.fromtimestamp(hour * 3600, ZoneInfo(zone)).date().toordinal()


def outcome_of(intent: str | None) -> str:
    if intent == EMERGENCY_INTENT:
        return "emergency"
    if intent == FALLBACK_INTENT or not intent:
        return "not_understood"
    if intent == OUT_OF_SCOPE:
        return "out_of_scope"
    if intent.startswith("handoff."):
        return "handoff"
    return "answered"


def domain_of(topic: str) -> str:
    return topic.split(".", 1)[0] if topic else ""


def rollup(database: Database, now: datetime | None = None, kb: KnowledgeBase | None = None) -> RollupResult:
    """Bring every analytics table up to date; safe to run at any time, from any process. ``kb``
    names the districts of the reports' places (one is made from the database when not given)."""
    now = now or utcnow()
    result = RollupResult()
    _roll_messages(database, result)
    _roll_feedback(database, result, now)
    _roll_handoffs(database, result, now)
    _roll_reports(database, result, now, DistrictFinder(kb or KnowledgeBase(database)))
    if result.changed():
        mark_updated(database, now)
    return result


def mark_updated(database: Database, now: datetime | None = None) -> None:
    """Note the time of a roll-up that changed the figures: the web process watches this row and
    tells the open analytics pages to fetch their numbers again (``citizenbot.web.analytics_live``)."""
    value = str((now or utcnow()).timestamp())
    with database.session() as session:
        if session.execute(update(AnalyticsMeta).where(AnalyticsMeta.key == UPDATED_MARK)
                           .values(value=value)).rowcount == 0:
            try:
                with session.begin_nested():
                    session.execute(insert(AnalyticsMeta).values(key=UPDATED_MARK, value=value))
            except IntegrityError:  # another process noted its run at the same moment
                pass


def last_update(database: Database) -> str | None:
    return _read_mark(database, UPDATED_MARK)


class _Skip(Exception):
    pass


# --- messages ---------------------------------------------------------------------------------


def _message_lang(message: ResidentMessage) -> str:
    clear = message.language.get("clear")
    lang = language_of_stored(message.detected_lang, message.detected_confidence, message.page_lang,
                              clear if isinstance(clear, bool) else None)
    return lang or message.unserved_lang or UNKNOWN_LANG


def _roll_messages(database: Database, result: RollupResult) -> None:
    mark = _read_mark(database, EVENTS_MARK)
    after = int(mark or 0)
    top = stored.last_event_id(database)
    if top <= after:
        return
    counts: Counter = Counter()  # (hour, lang, topic, outcome) -> messages
    new_conversations: Counter = Counter()
    pages = PageCounts()
    forms: dict[str, str | None] = {}
    started: dict[str, bool] = {}  # whether the conversation had a resident message before
    page: list[stored.StoredEvent] = []
    for item in stored.read_events(database, after=after, until=top, kinds=SCANNED_KINDS):
        page.append(item)
        if len(page) >= PAGE:
            _count_page(database, page, after, forms, started, counts, new_conversations, result, pages)
            page = []
    _count_page(database, page, after, forms, started, counts, new_conversations, result, pages)
    with database.session() as session:
        if not _move_mark(session, EVENTS_MARK, mark, str(top)):
            result.skipped.append("messages")
            session.rollback()
            return
        add_message_counts(session, counts, new_conversations)
        add_page_counts(session, pages)
    result.messages = sum(counts.values())
    result.conversations = sum(new_conversations.values())


def _count_page(database: Database, page: list, after: int, forms: dict, started: dict, counts: Counter,
                new_conversations: Counter, result: RollupResult, pages: PageCounts) -> None:
    # where the conversations first seen here were when the previous run stopped (in two queries)
    unseen = {item.sender for item in page} - forms.keys()
    form_events = stored.latest_per_sender(database, unseen, until=after, kinds=FORM_KINDS)
    earlier = stored.latest_per_sender(database, unseen, until=after, kinds=(USER,))
    for sender in unseen:
        forms[sender] = form_after(form_events[sender].event, None) if sender in form_events else None
        started[sender] = sender in earlier
    for item in page:
        result.events += 1
        sender = item.sender
        if item.kind in FORM_KINDS:
            forms[sender] = form_after(item.event, forms[sender])
            continue
        message = ResidentMessage.from_event(item.event)
        when = message.timestamp or item.timestamp
        if when is None:
            continue
        if forms[sender]:
            topic, outcome = FORM_TOPIC, "answered"
        else:
            outcome = outcome_of(message.intent)
            topic = "" if outcome == "not_understood" else message.intent or ""
        key = (hour_of(when), _message_lang(message), topic, outcome)
        counts[key] += 1
        where = (local_day(key[0]), page_of(message.metadata))
        pages.messages[where] += 1
        if not started[sender]:
            new_conversations[key] += 1
            pages.conversations[where] += 1
            started[sender] = True


def add_message_counts(session, counts: Counter, new_conversations: Counter) -> None:
    """Add (hour, lang, topic, outcome) -> messages, and the conversations they started, to the
    hourly and the daily table (the benchmark and tests write synthetic counts with it too)."""
    by_day: Counter = Counter()
    new_by_day: Counter = Counter()
    for (hour, *rest), messages in counts.items():
        by_day[(local_day(hour), *rest)] += messages
        new_by_day[(local_day(hour), *rest)] += new_conversations.get((hour, *rest), 0)
    _upsert(session, MessageCount, MessageCount.hour, counts, new_conversations)
    _upsert(session, MessageDayCount, MessageDayCount.day, by_day, new_by_day)


def _upsert(session, model, time_column, counts: Counter, new_conversations: Counter) -> None:
    """Add the counts to the rows of (time, lang, topic, outcome), making the missing rows."""
    times = sorted({key[0] for key in counts})
    existing = {
        (getattr(row, time_column.key), row.lang, row.topic, row.outcome): row
        for row in session.execute(select(model).where(time_column.in_(times))).scalars()
    }
    for key, messages in counts.items():
        row = existing.get(key)
        if row is None:
            when, lang, topic, outcome = key
            session.add(model(**{time_column.key: when}, lang=lang, topic=topic, outcome=outcome,
                              domain=domain_of(topic), messages=messages,
                              conversations=new_conversations.get(key, 0)))
        else:
            row.messages += messages
            row.conversations += new_conversations.get(key, 0)


# --- votes ------------------------------------------------------------------------------------


def _roll_feedback(database: Database, result: RollupResult, now: datetime) -> None:
    """Recount each day that still has votes, unless some of its votes were deleted since (by
    retention or a resident's request): then the earlier, fuller figures stay."""
    fresh: dict[int, Counter] = defaultdict(Counter)
    mark = _read_mark(database, FEEDBACK_MARK)
    with database.session() as session:
        if not _move_mark(session, FEEDBACK_MARK, mark, f"{now.timestamp()}:{id(result)}"):
            result.skipped.append("feedback")
            session.rollback()
            return
        for created, topic, lang, value in session.execute(
                select(Feedback.created_at, Feedback.topic, Feedback.lang, Feedback.value)):
            fresh[day_of(as_utc(created).timestamp())][(topic, lang, value)] += 1
        if not fresh:
            return
        stored_totals = dict(session.execute(
            select(FeedbackCount.day, func.sum(FeedbackCount.up + FeedbackCount.down))
            .where(FeedbackCount.day.in_(sorted(fresh))).group_by(FeedbackCount.day)).all())
        for day, counts in fresh.items():
            if sum(counts.values()) < int(stored_totals.get(day) or 0):
                continue
            session.execute(delete(FeedbackCount).where(FeedbackCount.day == day))
            for topic, lang in {(t, la) for t, la, _ in counts}:
                session.add(FeedbackCount(day=day, topic=topic, lang=lang, up=counts[(topic, lang, "up")],
                                          down=counts[(topic, lang, "down")]))
            result.feedback_days += 1


# --- handoffs ---------------------------------------------------------------------------------


def _roll_handoffs(database: Database, result: RollupResult, now: datetime) -> None:
    """Recount the hours from the oldest request that was still open at the previous run (closed
    requests no longer change; a transfer only moves a request later)."""
    mark = _read_mark(database, HANDOFF_MARK)
    start = hour_of(float(mark)) if mark else None
    with database.session() as session:
        query = select(Handoff.queue, Handoff.status, Handoff.queued_at, Handoff.claimed_at, Handoff.ended_at)
        if start is not None:
            query = query.where(Handoff.queued_at >= datetime.fromtimestamp(start * 3600, tz=timezone.utc))
        rows = session.execute(query).all()
        open_since = [as_utc(q).timestamp() for _, status, q, _, _ in rows if status in ("queued", "active")]
        new_mark = str(min([*open_since, now.timestamp()]))
        if not _move_mark(session, HANDOFF_MARK, mark, new_mark):
            result.skipped.append("handoffs")
            session.rollback()
            return
        totals: dict[tuple[int, str], Counter] = defaultdict(Counter)
        waits: Counter = Counter()
        for queue, status, queued_at, claimed_at, ended_at in rows:
            key = (hour_of(as_utc(queued_at).timestamp()), queue)
            totals[key]["requests"] += 1
            if claimed_at is not None:
                wait = max(0, int((as_utc(claimed_at) - as_utc(queued_at)).total_seconds()))
                totals[key]["claimed"] += 1
                totals[key]["wait_seconds"] += wait
                waits[(*key, bucket_of(wait, WAIT_BUCKETS))] += 1
                if ended_at is not None:
                    totals[key]["handled"] += 1
                    totals[key]["handling_seconds"] += max(0, int((as_utc(ended_at) - as_utc(claimed_at)).total_seconds()))
            elif status == "cancelled":
                totals[key]["gave_up"] += 1
        if start is not None:
            session.execute(delete(HandoffCount).where(HandoffCount.hour >= start))
            session.execute(delete(WaitBucket).where(WaitBucket.hour >= start))
        else:
            session.execute(delete(HandoffCount))
            session.execute(delete(WaitBucket))
        for (hour, queue), counts in totals.items():
            session.add(HandoffCount(hour=hour, queue=queue, **{name: counts[name] for name in (
                "requests", "claimed", "gave_up", "wait_seconds", "handled", "handling_seconds")}))
        for (hour, queue, upper), count in waits.items():
            session.add(WaitBucket(hour=hour, queue=queue, upper=upper, count=count))
        result.handoff_hours = len(totals)


# --- fault reports ----------------------------------------------------------------------------


def _roll_reports(database: Database, result: RollupResult, now: datetime, district_of: DistrictFinder) -> None:
    """Recount the days of the reports that changed since the previous run (reports are kept),
    each report in the district of its place."""
    mark = _read_mark(database, REPORTS_MARK)
    with database.session() as session:
        changed = select(Report.created_at)
        if mark:
            changed = changed.where(Report.updated_at >= datetime.fromtimestamp(float(mark), tz=timezone.utc))
        days = {day_of(as_utc(created).timestamp()) for created in session.execute(changed).scalars()}
        # a little before now: a report changed while this run reads is read again next time
        if not _move_mark(session, REPORTS_MARK, mark, str(now.timestamp() - 60)):
            result.skipped.append("reports")
            session.rollback()
            return
        for day in sorted(days):
            begin = datetime.fromtimestamp(day * 86400, tz=timezone.utc)
            end = datetime.fromtimestamp((day + 1) * 86400, tz=timezone.utc)
            counts: Counter = Counter()
            for category, state, location, count in session.execute(
                    select(Report.category, Report.status, Report.location, func.count())
                    .where(Report.created_at >= begin, Report.created_at < end)
                    .group_by(Report.category, Report.status, Report.location)):
                counts[(category, state, district_of(location))] += count
            session.execute(delete(ReportCount).where(ReportCount.day == day))
            for (category, state, district), count in counts.items():
                session.add(ReportCount(day=day, category=category, state=state, district=district, count=count))
            delivery: Counter = Counter()
            for category, created, delivered in session.execute(
                    select(Report.category, Report.created_at, Report.delivered_at)
                    .where(Report.created_at >= begin, Report.created_at < end)):
                delivery[(category, delivery_bucket(created, delivered))] += 1
            session.execute(delete(DeliveryBucket).where(DeliveryBucket.day == day))
            for (category, upper), count in delivery.items():
                session.add(DeliveryBucket(day=day, category=category, upper=upper, count=count))
        result.report_days = len(days)


def delivery_bucket(created: datetime, delivered: datetime | None) -> int:
    """The delivery-time bucket of a report (``NOT_DELIVERED`` when the city does not have it)."""
    if delivered is None:
        return NOT_DELIVERED
    seconds = max(0.0, (as_utc(delivered) - as_utc(created)).total_seconds())
    return bucket_of(seconds, DELIVERY_BUCKETS)
