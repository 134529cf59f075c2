"""The review inbox as JSON-producing functions, for the staff console's trainer page.

Every function returns plain ``dict`` / ``list`` / ``str`` / ``int`` / ``float`` / ``None`` values
(``json.dumps`` works on them as they are). They are blocking (SQL, files): call them from a worker
thread in an async web handler. The console decides who may call them (trainer role); pass the
trainer's name as ``reviewer`` so decisions are attributed.

    overview(database)                               -> counts by status, language, reason
    collect(database, project)                       -> what a collection added
    list_groups(database, lang=, reason=, status=, limit=, offset=, threshold=)
                                                     -> {"total", "groups": [group...]}
    topic_choices(project)                           -> the topics a message can be assigned to
    decide(database, project, decisions, reviewer=, dry_run=)
                                                     -> what was written / not written / drafted

A group is ``{"id": "fi-17", "lang", "label", "count", "distinct", "reasons": {reason: n},
"predicted": [{"topic", "count"}], "ids": [...], "items": [{"ids", "text", "count", "reasons",
"predicted", "confidence", "conversations", "first_asked", "last_asked"}]}``; texts are redacted.

A decision is ``{"ids": [...], "action": "assign" | "out_of_scope" | "new_topic" | "ignore",
"topic": "<topic id>" (assign, new_topic), "example": "<edited text>" (optional), "lang":
"fi|sv|en" (optional)}``. ``decide`` answers ``{"written": [{"ids", "topic", "lang", "example",
"file"}], "not_written": [{... "reason"}], "drafts": [{"topic", "lang", "example", "draft"}],
"problems": [{"where", "ids", "problem"}], "updated": n, "files": [...], "dry_run": bool}``.
"""

from __future__ import annotations

from typing import Any

from citizenbot.intents import CONTROL_INTENTS, OUT_OF_SCOPE
from citizenbot.store.db import Database

from . import inbox
from .project import Project


def overview(database: Database) -> dict[str, Any]:
    return inbox.summary(database)


def collect(database: Database, project: Project, low_confidence: float = inbox.DEFAULT_LOW_CONFIDENCE,
            sample_share: float = inbox.DEFAULT_SAMPLE_SHARE) -> dict[str, Any]:
    return inbox.collect(database, project.kb_dir, low_confidence=low_confidence, sample_share=sample_share).to_dict()


def list_groups(database: Database, lang: str | None = None, reason: str | None = None, status: str | None = "new",
                limit: int = 50, offset: int = 0, threshold: float = inbox.DEFAULT_SIMILARITY) -> dict[str, Any]:
    found = inbox.groups(database, status=status, lang=lang, reason=reason, threshold=threshold)
    return {"total": len(found), "offset": offset, "limit": limit,
            "groups": [g.to_dict() for g in found[offset: offset + limit]]}


def topic_choices(project: Project) -> list[dict[str, Any]]:
    """Every topic (id, kind, about, title per language) plus ``out_of_scope`` first."""
    from citizenbot.content import load_content

    try:
        labels = load_content(project.kb_dir, project.city).labels
    except Exception:  # the page still works with ids only while the content is being fixed
        labels = {}
    out = []
    for topic in project.topics():
        ident = str(topic["id"])
        out.append({"id": ident, "kind": topic.get("kind"), "about": topic.get("about"),
                    "title": dict(labels.get(f"topic.{ident}") or {})})
    out.sort(key=lambda t: (t["id"] != OUT_OF_SCOPE, t["id"]))
    out += [{"id": c, "kind": "control", "about": None, "title": {}} for c in CONTROL_INTENTS]
    return out


def decide(database: Database, project: Project, decisions: list[dict[str, Any]], reviewer: str | None = None,
           dry_run: bool = False) -> dict[str, Any]:
    return inbox.apply_decisions(database, project, decisions, reviewer=reviewer, dry_run=dry_run).to_dict()
