"""Fill the knowledge-base tables from the content files, idempotently.

The whole knowledge base is replaced in one transaction when the content digest changed (readers
see the old or the new content, never a mix); nothing happens when it did not. Reports and other
records of residents are never touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete

from citizenbot.content import Content, load_content
from citizenbot.store.db import Database
from citizenbot.store.models import (
    KB_TABLES,
    AddressPoint,
    District,
    KbFact,
    KbMeta,
    KbText,
    Plan,
    RoadWork,
    Street,
    Venue,
)

logger = logging.getLogger(__name__)
DIGEST_KEY = "content_digest"


@dataclass(frozen=True)
class SeedResult:
    changed: bool
    digest: str
    counts: dict[str, int]


def current_digest(database: Database) -> str | None:
    with database.session() as session:
        row = session.get(KbMeta, DIGEST_KEY)
        return row.value if row else None


def seed(database: Database, kb_dir: Path, city: str, force: bool = False) -> SeedResult:
    content = load_content(kb_dir, city)  # raises ContentError before anything is written
    counts = _counts(content)
    if not force and current_digest(database) == content.digest:
        return SeedResult(False, content.digest, counts)
    with database.session() as session:
        for table in KB_TABLES:
            session.execute(delete(table))
        session.add_all(_rows(content))
        meta = session.get(KbMeta, DIGEST_KEY)
        if meta is None:
            session.add(KbMeta(key=DIGEST_KEY, value=content.digest))
        else:
            meta.value = content.digest
    logger.info("knowledge base seeded: %s", counts)
    return SeedResult(True, content.digest, counts)


def _counts(content: Content) -> dict[str, int]:
    return {
        "answers": len(content.answers),
        "labels": len(content.labels),
        "facts": len(content.facts),
        "districts": len(content.districts),
        "streets": len(content.streets),
        "road_works": len(content.road_works),
        "venues": len(content.venues),
        "plans": len(content.plans),
        "address_points": len(content.address_points),
    }


def _rows(content: Content):
    for kind, texts in (("answer", content.answers), ("label", content.labels)):
        for key, by_lang in texts.items():
            for lang, text in by_lang.items():
                yield KbText(key=key, lang=lang, kind=kind, text=text)
    # maintenance classes and sand-removal schedules are labels too
    for key, parts in content.maintenance_classes.items():
        for part, by_lang in parts.items():
            for lang, text in by_lang.items():
                yield KbText(key=f"maintenance_class.{key}.{part}", lang=lang, kind="label", text=text)
    for key, by_lang in content.sand_removal.items():
        for lang, text in by_lang.items():
            yield KbText(key=f"sand_removal.{key}", lang=lang, kind="label", text=text)
    for key, by_lang in content.facts.items():
        for lang, value in by_lang.items():
            yield KbFact(key=key, lang=lang, value=value, source=content.fact_sources.get(key))
    for d in content.districts:
        yield District(**d)
    for s in content.streets:
        yield Street(**s)
    for w in content.road_works:
        yield RoadWork(**w)
    for v in content.venues:
        yield Venue(**v)
    for p in content.plans:
        yield Plan(**p)
    for a in content.address_points:
        yield AddressPoint(**a)
