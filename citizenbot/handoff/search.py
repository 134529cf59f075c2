"""Search in handed-over conversations for the staff console: a word or phrase (in the messages,
the first message or the internal notes), a fault report's number or reference, a date range.

Only conversations the staff member may open are searched: those in their queues and those they
handled themselves (the same rule as opening one). Every value is a bound parameter; LIKE
wildcards typed in the search are taken literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from citizenbot.conversation.events import USER, BotMessage, ResidentMessage, kind
from citizenbot.conversation.store import read_events, senders_saying
from citizenbot.reports.names import REFERENCE_PREFIX, REPORT_NUMBER_OFFSET
from citizenbot.store.db import Database
from citizenbot.store.models import Report
from citizenbot.store.staff_models import Handoff, HandoffNote

from .store import HandoffStore

LOCAL = ZoneInfo("Europe/Helsinki")  # staff give dates as the day they see on the wall
CANDIDATES = 500  # the newest visible conversations in the range that a text is looked for in
MAX_RESULTS = 50
MAX_QUERY = 200
_NUMBER_RE = re.compile(rf"^(?:{REFERENCE_PREFIX})?(\d+)(?:-[0-9a-f]+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self):
        if len(self.text) > MAX_QUERY:
            raise ValueError(f"the search text is longer than {MAX_QUERY} characters")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("the start date is after the end date")

    @property
    def empty(self) -> bool:
        return not (self.text or self.date_from or self.date_to)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _day_start(day: date) -> datetime:
    """Midnight in Finland, in UTC (SQLite keeps the times without their zone, as UTC)."""
    return datetime.combine(day, time.min, LOCAL).astimezone(timezone.utc)


def search(database: Database, query: SearchQuery, *, queues: tuple[str, ...], staff_id: int) -> list[dict]:
    """The conversations found, newest first, each with what matched and a line to show."""
    if query.empty:
        return []
    visible = or_(Handoff.queue.in_(list(queues)), Handoff.claimed_by == staff_id)
    statement = select(Handoff).where(visible)
    if query.date_from:
        statement = statement.where(Handoff.created_at >= _day_start(query.date_from))
    if query.date_to:
        statement = statement.where(Handoff.created_at < _day_start(query.date_to + timedelta(days=1)))
    store = HandoffStore(database)
    with database.session() as session:
        rows = session.execute(statement.order_by(Handoff.id.desc()).limit(CANDIDATES)).scalars().all()
        views = [store._view(session, row) for row in rows]
        if not query.text:
            return [_result(v, [], None) for v in views[:MAX_RESULTS]]
        ids = [v.id for v in views]
        conversations = [v.conversation_id for v in views]
        pattern = _like(query.text)
        in_notes = {row[0]: row[1] for row in session.execute(
            select(HandoffNote.handoff_id, HandoffNote.text)
            .where(HandoffNote.handoff_id.in_(ids), HandoffNote.text.ilike(pattern, escape="\\")))} if ids else {}
        report_match = Report.reference.ilike(pattern, escape="\\")
        number = _NUMBER_RE.match(query.text.strip())
        if number:
            report_match = or_(report_match, Report.id == int(number.group(1)) - REPORT_NUMBER_OFFSET)
        with_report = {row[0] for row in session.execute(
            select(Report.conversation_id).where(Report.conversation_id.in_(conversations), report_match))} if ids else set()
    said = _messages_saying(database, conversations, query.text)
    results = []
    for view in views:
        matches, snippet = [], None
        if view.conversation_id in said:
            matches.append("message")
            snippet = said[view.conversation_id]
        if query.text.lower() in (view.first_message or "").lower():
            matches.append("first")
        if view.id in in_notes:
            matches.append("note")
        if view.conversation_id in with_report:
            matches.append("report")
        if matches:
            results.append(_result(view, matches, snippet))
        if len(results) == MAX_RESULTS:
            break
    return results


def _messages_saying(database: Database, conversations: list[str], text: str) -> dict[str, str]:
    """conversation id → the first message whose text contains ``text`` (the SQL prefilter also
    matches the event's other fields, such as an intent name: read the candidates to be sure)."""
    out: dict[str, str] = {}
    needle = text.lower()
    for sender in senders_saying(database, conversations, text):
        for event in read_events(database, sender=sender, kinds=("user", "bot")):
            said = ResidentMessage.from_event(event.event).shown if kind(event.event) == USER \
                else BotMessage.from_event(event.event).text or ""
            if needle in said.lower():
                out[sender] = said[:300]
                break
    return out


def _result(view, matches: list[str], snippet: str | None) -> dict:
    return {**view.as_json(), "matches": matches, "snippet": snippet}
