"""The analytics summary: the roll-up tables read back for a date range as small tables of counts.

Only the roll-up tables are read (never the conversations), with GROUP BY in SQL, so a year costs
a few thousand grouped rows. Privacy: aggregates only, small counts suppressed; the table format
and the suppression are ``tables.py``, the service's own figures (ratings, delivery to the city)
``service.py``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from citizenbot.store.analytics_models import (
    FeedbackCount,
    HandoffCount,
    MessageCount,
    MessageDayCount,
    PageDayCount,
    ReportCount,
    WaitBucket,
)
from citizenbot.store.db import Database

from . import service
from .rollup import CITY_TIMEZONE, OUTCOMES
from .suppression import complement
from .tables import SUPPRESS_BELOW, is_small, quantile, to_csv  # noqa: F401 (the module's API)
from .tables import counted as _counted
from .tables import new_row as _row
from .tables import set_count as _count
from .tables import set_derived as _derived
from .tables import table as _table
from .themes import new_themes

TOP_TOPICS = 15
TOP_PAGES = 15
MAX_DAYS = 400
SHARES = ("answered", "not_understood", "out_of_scope", "handoff")
TABLES = ("by_time", "outcomes", "by_language", "by_domain", "by_page", "top_topics", "rising_topics", "emergencies",
          "feedback", "queues", "ratings", "reports", "delivery", "districts", "new_themes")


class RangeError(ValueError):
    pass


def parse_range(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """The inclusive date range asked for (ISO dates); the last 7 days by default."""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=6)
    except ValueError as exc:
        raise RangeError("dates are YYYY-MM-DD") from exc
    if first > last:
        raise RangeError("the range starts after it ends")
    if (last - first).days + 1 > MAX_DAYS:
        raise RangeError(f"at most {MAX_DAYS} days at a time")
    return first, last


# --- time ---------------------------------------------------------------------------------------


class _Clock:
    """The city's local days as ranges of the roll-up's UTC hours."""

    def __init__(self, zone: str):
        self.zone = ZoneInfo(zone)

    def hour(self, day: date) -> int:
        return int(datetime.combine(day, time(0), self.zone).timestamp() // 3600)

    def local(self, hour: int) -> datetime:
        return datetime.fromtimestamp(hour * 3600, self.zone)


# --- the summary --------------------------------------------------------------------------------


def summary(database: Database, first: date, last: date, zone: str = CITY_TIMEZONE) -> dict[str, Any]:
    clock = _Clock(zone)
    begin, end = clock.hour(first), clock.hour(last + timedelta(days=1))
    day_begin, day_end = begin // 24, (end - 1) // 24  # UTC days of the votes and reports (close enough)
    low, high = first.toordinal(), last.toordinal()
    days = MessageDayCount
    with database.session() as session:
        groups = session.execute(
            select(days.lang, days.domain, days.outcome, func.sum(days.messages), func.sum(days.conversations))
            .where(days.day >= low, days.day <= high)
            .group_by(days.lang, days.domain, days.outcome)).all()
        per_day = session.execute(
            select(days.day, days.outcome, func.sum(days.messages), func.sum(days.conversations))
            .where(days.day >= low, days.day <= high)
            .group_by(days.day, days.outcome)).all()
        per_hour = session.execute(  # one day: by the hour
            select(MessageCount.hour, MessageCount.outcome, func.sum(MessageCount.messages),
                   func.sum(MessageCount.conversations))
            .where(MessageCount.hour >= begin, MessageCount.hour < end)
            .group_by(MessageCount.hour, MessageCount.outcome)).all() if first == last else []
        pages = session.execute(
            select(PageDayCount.page, func.sum(PageDayCount.messages), func.sum(PageDayCount.conversations))
            .where(PageDayCount.day >= low, PageDayCount.day <= high)
            .group_by(PageDayCount.page).order_by(func.sum(PageDayCount.messages).desc())
            .limit(TOP_PAGES)).all()
        topics = session.execute(
            select(days.topic, func.sum(days.messages))
            .where(days.day >= low, days.day <= high, days.outcome == "answered", days.topic != "form")
            .group_by(days.topic).order_by(func.sum(days.messages).desc())
            .limit(TOP_TOPICS)).all()
        # this week: the range's last seven days; before: the four weeks before them
        rising = [(topic, recent, count) for recent, (since, until) in ((True, (high - 6, high)),
                                                                         (False, (high - 34, high - 7)))
                  for topic, count in session.execute(
                      select(days.topic, func.sum(days.messages))
                      .where(days.day >= since, days.day <= until,
                             days.outcome.in_(("answered", "handoff", "emergency")), days.topic != "form")
                      .group_by(days.topic)).all()]
        votes = session.execute(
            select(FeedbackCount.topic, FeedbackCount.lang, func.sum(FeedbackCount.up), func.sum(FeedbackCount.down))
            .where(FeedbackCount.day >= day_begin, FeedbackCount.day <= day_end)
            .group_by(FeedbackCount.topic, FeedbackCount.lang)).all()
        queues = session.execute(
            select(HandoffCount.queue, func.sum(HandoffCount.requests), func.sum(HandoffCount.claimed),
                   func.sum(HandoffCount.gave_up), func.sum(HandoffCount.handled),
                   func.sum(HandoffCount.handling_seconds))
            .where(HandoffCount.hour >= begin, HandoffCount.hour < end).group_by(HandoffCount.queue)).all()
        buckets = session.execute(
            select(WaitBucket.queue, WaitBucket.upper, func.sum(WaitBucket.count))
            .where(WaitBucket.hour >= begin, WaitBucket.hour < end)
            .group_by(WaitBucket.queue, WaitBucket.upper)).all()
        reports = session.execute(
            select(ReportCount.category, ReportCount.state, func.sum(ReportCount.count))
            .where(ReportCount.day >= day_begin, ReportCount.day <= day_end)
            .group_by(ReportCount.category, ReportCount.state)).all()
        districts = session.execute(
            select(ReportCount.district, func.sum(ReportCount.count))
            .where(ReportCount.day >= day_begin, ReportCount.day <= day_end)
            .group_by(ReportCount.district)).all()
        rated = service.ratings(session, first, last)
        delivered = service.delivery(session, day_begin, day_end)
    tables = {
        "by_time": _by_hour(per_hour, clock) if first == last else _by_day(per_day),
        **_breakdowns(groups),
        "by_page": _table([("page", "text"), ("messages", "count"), ("conversations", "count")],
                          [_counted(_row(page=p), messages=m, conversations=c) for p, m, c in pages]),
        "top_topics": _table([("topic", "text"), ("messages", "count")],
                             [_counted(_row(topic=t), messages=n) for t, n in topics]),
        "rising_topics": _rising(rising),
        "emergencies": _emergencies(per_day, first, last),
        "feedback": _feedback(votes),
        "queues": _queues(queues, buckets),
        "ratings": rated,
        "reports": _table([("category", "text"), ("state", "text"), ("count", "count")],
                          [_counted(_row(category=c, state=s), count=n) for c, s, n in sorted(reports)]),
        "delivery": delivered,
        "new_themes": _themes(new_themes(database, *(datetime.fromtimestamp(h * 3600, timezone.utc)
                                                      for h in (begin, end)))),
        # "" is a place the knowledge base knows no district for; it is listed last
        "districts": _table([("district", "text"), ("count", "count")],
                            [_counted(_row(district=d), count=n)
                             for d, n in sorted(districts, key=lambda item: (not item[0], -int(item[1] or 0), item[0]))]),
    }
    totals_row: dict[str, Any] = {}
    by_outcome: Counter = Counter()
    conversations = 0
    for _lang, _domain, outcome, messages, started in groups:
        by_outcome[outcome] += int(messages or 0)
        conversations += int(started or 0)
    _count(totals_row, "conversations", conversations)
    _count(totals_row, "messages", sum(by_outcome.values()))
    for outcome in (*SHARES, "emergency"):
        _count(totals_row, outcome, by_outcome[outcome])
    shares: dict[str, Any] = {}
    _shares(shares, by_outcome)
    _protect_totals(tables)
    return {"from": first.isoformat(), "to": last.isoformat(), "timezone": zone, "suppress_below": SUPPRESS_BELOW,
            "totals": totals_row, "shares": shares, "tables": tables}


def _protect_totals(tables: dict[str, dict[str, Any]]) -> None:
    """Complementary suppression in the columns whose totals the summary publishes: the totals
    row gives messages, conversations and emergencies of the whole range."""
    for name, keys in (("by_time", ("messages", "conversations")), ("outcomes", ("messages",)),
                       ("by_language", ("messages", "conversations")), ("by_domain", ("messages", "conversations")),
                       ("by_page", ("messages", "conversations")),  # all pages when there are few
                       ("emergencies", ("emergencies",)),
                       # both add up to all reports: either one's total tells the other's
                       ("reports", ("count",)), ("districts", ("count",))):
        for key in keys:
            complement(tables[name]["rows"], key)


def _themes(themes: list[dict[str, Any]]) -> dict[str, Any]:
    table = _table([("theme", "text"), ("lang", "text"), ("messages", "count"), ("conversations", "count"),
                    ("topic", "text")],
                   [_counted(_row(theme=t["theme"], lang=t["lang"], topic=t["topic"]), messages=t["messages"],
                             conversations=t["conversations"]) for t in themes])
    table["columns"][-1]["label"] = "Lähin nykyinen aihe (arvaus)"
    return table


def _shares(row: dict[str, Any], by_outcome: Counter) -> None:
    total = sum(by_outcome.values())
    for outcome in SHARES:
        # a share of a few messages tells their count too ("0 %" of 3 says all 3 were something else)
        basis = total if is_small(total) else by_outcome[outcome]
        _derived(row, outcome, by_outcome[outcome] / total if total else None, basis)


def _breakdowns(groups) -> dict[str, dict[str, Any]]:
    out = {}
    for name, index in (("by_language", 0), ("by_domain", 1)):
        outcomes: dict[str, Counter] = defaultdict(Counter)
        started: Counter = Counter()
        for row in groups:
            key = row[index] or "–"
            outcomes[key][row[2]] += int(row[3] or 0)
            started[key] += int(row[4] or 0)
        rows = []
        for key in sorted(outcomes, key=lambda k: -sum(outcomes[k].values())):
            row = _counted(_row(**{"lang" if index == 0 else "domain": key}),
                           messages=sum(outcomes[key].values()), conversations=started[key])
            _shares(row, outcomes[key])
            rows.append(row)
        first = "lang" if index == 0 else "domain"
        out[name] = _table([(first, "text"), ("messages", "count"), ("conversations", "count"),
                            *[(s, "share") for s in SHARES]], rows)
    by_outcome: Counter = Counter()
    for row in groups:
        by_outcome[row[2]] += int(row[3] or 0)
    out["outcomes"] = _table([("outcome", "text"), ("messages", "count")],
                             [_counted(_row(outcome=o), messages=by_outcome[o]) for o in OUTCOMES])
    return out


def _by_hour(per_hour, clock: _Clock) -> dict[str, Any]:
    return _series("hour", [(clock.local(int(hour)).strftime("%H:00"), count, new) for hour, _o, count, new in per_hour])


def _by_day(per_day) -> dict[str, Any]:
    return _series("day", [(date.fromordinal(int(day)).isoformat(), count, new) for day, _o, count, new in per_day])


def _series(first: str, items) -> dict[str, Any]:
    messages: Counter = Counter()
    started: Counter = Counter()
    for key, count, new in items:
        messages[key] += int(count or 0)
        started[key] += int(new or 0)
    return _table([(first, "text"), ("conversations", "count"), ("messages", "count")],
                  [_counted(_row(**{first: key}), conversations=started[key], messages=messages[key])
                   for key in sorted(messages)])


def _emergencies(per_day, first: date, last: date) -> dict[str, Any]:
    days: Counter = Counter()
    for day, outcome, count, _new in per_day:
        if outcome == "emergency":
            days[date.fromordinal(int(day))] += int(count or 0)
    rows, day = [], first
    while day <= last:
        rows.append(_counted(_row(day=day.isoformat()), emergencies=days[day]))
        day += timedelta(days=1)
    return _table([("day", "text"), ("emergencies", "count")], rows)


def _rising(rows) -> dict[str, Any]:
    """Topics asked about more this week than in an average week of the four before."""
    this_week: Counter = Counter()
    before: Counter = Counter()
    for topic, recent, count in rows:
        (this_week if recent else before)[topic] += int(count or 0)
    rising = [(topic, n, before[topic] / 4) for topic, n in this_week.items()
              if n >= SUPPRESS_BELOW and n > before[topic] / 4]
    rising.sort(key=lambda item: -(item[1] + 1) / (item[2] + 1))
    out = []
    for topic, n, weekly in rising[:10]:
        row = _counted(_row(topic=topic), this_week=n)
        _derived(row, "weekly_before", weekly, before[topic])
        out.append(row)
    return _table([("topic", "text"), ("this_week", "count"), ("weekly_before", "count")], out)


def _feedback(votes) -> dict[str, Any]:
    rows = []
    for topic, lang, up, down in sorted(votes, key=lambda v: -(int(v[2] or 0) + int(v[3] or 0))):
        up, down = int(up or 0), int(down or 0)
        row = _counted(_row(topic=topic, lang=lang), up=up, down=down)
        # the share with the total would tell a suppressed count of either
        basis = up if is_small(up) else down if is_small(down) else up + down
        _derived(row, "helpful", up / (up + down) if up + down else None, basis)
        rows.append(row)
    return _table([("topic", "text"), ("lang", "text"), ("up", "count"), ("down", "count"), ("helpful", "share")],
                  rows)


def _queues(queues, buckets) -> dict[str, Any]:
    histograms: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for queue, upper, count in buckets:
        histograms[queue].append((int(upper), int(count or 0)))
    rows = []
    for queue, requests, claimed, gave_up, handled, handling in sorted(queues):
        claimed, handled = int(claimed or 0), int(handled or 0)
        row = _counted(_row(queue=queue), requests=int(requests or 0), claimed=claimed, gave_up=int(gave_up or 0))
        _derived(row, "wait_median", quantile(histograms[queue], 0.5), claimed)
        _derived(row, "wait_p90", quantile(histograms[queue], 0.9), claimed)
        _derived(row, "handling_avg", int(handling or 0) / handled if handled else None, handled)
        rows.append(row)
    return _table([("queue", "text"), ("requests", "count"), ("claimed", "count"), ("gave_up", "count"),
                   ("wait_median", "seconds"), ("wait_p90", "seconds"), ("handling_avg", "seconds")], rows)
