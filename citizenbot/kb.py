"""Read access to the knowledge base: texts, facts, and place/plan lookups.

Blocking (SQL); async callers run these methods in a worker thread. The texts, facts and the name
index are cached per process and rebuilt when seeding changed the content digest, so an editor's
change is live after ``make seed`` without restarting anything.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from citizenbot.content import pick_text, render
from citizenbot.names import NameEntry, NameIndex, NameMatch
from citizenbot.seed import DIGEST_KEY
from citizenbot.store.db import Database
from citizenbot.store.models import AddressPoint, District, KbFact, KbMeta, KbText, Plan, RoadWork, Street, Venue


@dataclass(frozen=True)
class _Snapshot:
    digest: str | None
    answers: dict[str, dict[str, str]]
    labels: dict[str, dict[str, str]]
    facts: dict[str, dict[str, str]]
    names: NameIndex


class MissingText(LookupError):
    pass


class KnowledgeBase:
    def __init__(self, database: Database):
        self.database = database
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    # --- cache -------------------------------------------------------------------------------

    def _current(self) -> _Snapshot:
        with self.database.session() as session:
            meta = session.get(KbMeta, DIGEST_KEY)
            digest = meta.value if meta else None
        snapshot = self._snapshot
        if snapshot is not None and snapshot.digest == digest:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.digest != digest:
                self._snapshot = self._load(digest)
            return self._snapshot

    def _load(self, digest: str | None) -> _Snapshot:
        answers: dict[str, dict[str, str]] = {}
        labels: dict[str, dict[str, str]] = {}
        facts: dict[str, dict[str, str]] = {}
        entries: list[NameEntry] = []
        with self.database.session() as session:
            for row in session.execute(select(KbText)).scalars():
                (answers if row.kind == "answer" else labels).setdefault(row.key, {})[row.lang] = row.text
            for row in session.execute(select(KbFact)).scalars():
                facts.setdefault(row.key, {})[row.lang] = row.value
            for street in session.execute(select(Street)).scalars():
                for alias in {street.name_fi, street.name_sv} - {None, ""}:
                    entries.append(NameEntry("street", street.name_fi, street.name_fi, alias))
            for district in session.execute(select(District)).scalars():
                for alias in {district.name_fi, district.name_sv, *(district.aliases or [])} - {None, ""}:
                    entries.append(NameEntry("district", district.name_fi, district.name_fi, alias))
            for plan in session.execute(select(Plan)).scalars():
                display = plan.name.get("fi") or plan.number
                for alias in {*plan.name.values(), *(plan.aliases or []), plan.number} - {None, ""}:
                    entries.append(NameEntry("plan", plan.number, display, alias))
            for venue in session.execute(select(Venue)).scalars():
                display = venue.name.get("fi") or venue.id
                for alias in set(venue.name.values()) - {None, ""}:
                    entries.append(NameEntry("venue", venue.id, display, alias))
        return _Snapshot(digest, answers, labels, facts, NameIndex(entries))

    # --- texts -------------------------------------------------------------------------------

    def answer(self, key: str, lang: str, **params: Any) -> str:
        snapshot = self._current()
        texts = snapshot.answers.get(key)
        if not texts:
            raise MissingText(key)
        template = pick_text(texts, lang)  # a text not translated yet: English, else Finnish
        return render(template, lang, snapshot.facts, params).strip()

    def label(self, key: str, lang: str, default: str | None = None) -> str:
        texts = self._current().labels.get(key)
        if not texts:
            if default is not None:
                return default
            raise MissingText(key)
        return pick_text(texts, lang)

    def render(self, template: str, lang: str) -> str:
        """Fill fact placeholders in a text that is not an answer (e.g. a canned response)."""
        return render(template, lang, self._current().facts).strip()

    def fact(self, key: str, lang: str) -> str | None:
        values = self._current().facts.get(key)
        if not values:
            return None
        return pick_text(values, lang)

    # --- places ------------------------------------------------------------------------------

    def best_name(self, text: str, kinds: Iterable[str] | None = None, lang: str = "fi") -> NameMatch | None:
        return self._current().names.best(text, kinds, lang)

    def street(self, name_fi: str) -> dict[str, Any] | None:
        with self.database.session() as session:
            row = session.execute(select(Street).where(Street.name_fi == name_fi)).scalar_one_or_none()
            return _as_dict(row)

    def address_point(self, street: str, number: str) -> tuple[float, float] | None:
        """The point of a street address in the city's register (``citizenbot.places``)."""
        with self.database.session() as session:
            row = session.get(AddressPoint, (street, number))
            return (row.lat, row.long) if row else None

    def district(self, name_fi: str) -> dict[str, Any] | None:
        with self.database.session() as session:
            row = session.execute(select(District).where(District.name_fi == name_fi)).scalar_one_or_none()
            return _as_dict(row)

    def road_works(self, street: str | None = None, district: str | None = None, today: date | None = None) -> list[dict[str, Any]]:
        """Works that have not ended, on a street or in a district, soonest first."""
        today = today or date.today()
        query = select(RoadWork).where(RoadWork.end >= today)
        if street:
            query = query.where(RoadWork.street == street)
        elif district:
            query = query.where(or_(RoadWork.district == district, RoadWork.street.in_(
                select(Street.name_fi).where(Street.district == district))))
        with self.database.session() as session:
            return [_as_dict(r) for r in session.execute(query.order_by(RoadWork.start, RoadWork.id)).scalars()]

    def venues(self, district: str | None = None, venue_id: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        query = select(Venue)
        if venue_id:
            query = query.where(Venue.id == venue_id)
        if district:
            query = query.where(Venue.district == district)
        if kind:
            query = query.where(Venue.kind == kind)
        with self.database.session() as session:
            return [_as_dict(r) for r in session.execute(query.order_by(Venue.kind, Venue.id)).scalars()]

    def plan(self, number: str) -> dict[str, Any] | None:
        with self.database.session() as session:
            return _as_dict(session.get(Plan, number))

    def plans_in_district(self, district: str) -> list[dict[str, Any]]:
        with self.database.session() as session:
            rows = session.execute(select(Plan).where(Plan.district == district).order_by(Plan.number)).scalars()
            return [_as_dict(r) for r in rows]


def _as_dict(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    return {column.name: getattr(row, column.name) for column in row.__table__.columns}


def pick(value: dict[str, str] | None, lang: str) -> str:
    """The text of a multilingual JSON field in a language (English, then Finnish, as fallback)."""
    if not value:
        return ""
    return pick_text(value, lang)


__all__ = ["KnowledgeBase", "MissingText", "pick"]
