"""The district of a fault report's place, for the analytics: the street named in it and that
street's district in the knowledge base (``kb/streets.csv``), or a district named in it
(``kb/districts.csv``); "" when neither is known.

A report keeps the place as the resident wrote it ("Hämeenkadulla 10", "Hervannan
kirjaston edessä"), so the knowledge base's name index reads it (inflected forms too); the
roll-up asks once per distinct place.
"""

from __future__ import annotations

from sqlalchemy import select

from citizenbot.kb import KnowledgeBase
from citizenbot.store.models import Street

UNKNOWN = ""


class DistrictFinder:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._streets: dict[str, str] | None = None
        self._seen: dict[str, str] = {}

    def _street_districts(self) -> dict[str, str]:
        if self._streets is None:
            with self.kb.database.session() as session:
                self._streets = {name: district or UNKNOWN for name, district in
                                 session.execute(select(Street.name_fi, Street.district))}
        return self._streets

    def __call__(self, location: str | None) -> str:
        if not location:
            return UNKNOWN
        if location not in self._seen:
            self._seen[location] = self._find(location)
        return self._seen[location]

    def _find(self, location: str) -> str:
        for kinds in (["street"], ["district"]):  # a street says more than a district also named
            match = self.kb.best_name(location, kinds)
            if match is None:
                continue
            if match.kind == "district":
                return match.entry.key
            district = self._street_districts().get(match.entry.key)
            if district:
                return district
        return UNKNOWN
