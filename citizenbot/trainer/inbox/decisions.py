"""Applying a trainer's decisions: accepted examples into the training data, the inbox updated.

A decision is ``{"ids": [inbox ids], "action": "assign" | "out_of_scope" | "new_topic" |
"ignore", "topic": <topic id for assign / new_topic>, "example": <edited text, optional>,
"lang": <served language, optional>}``. Invalid decisions are reported in ``problems`` and change
nothing; the rest is applied in three steps:

1. **plan** (``_Plan``): check each decision and sort its messages into examples to write, texts
   not written and why (an evaluation question, already an example), drafts of new topics, and
   problems (an example of another topic);
2. **write** the examples into ``data/nlu/<lang>/<file>.yml``, all files or none, each changed
   file read back with Rasa's own reader (``_write_examples``), and the drafts;
3. **record** the decision on the inbox rows (``_mark_reviewed``).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from citizenbot.intents import FALLBACK_INTENT, OUT_OF_SCOPE
from citizenbot.redact import surrogate
from citizenbot.settings import served_languages
from citizenbot.store.db import Database
from citizenbot.store.models import InboxMessage, utcnow

from .. import edits
from ..project import FileEdits, Project, comparable
from .drafts import write_drafts
from .rows import inbox_rows

ACTIONS = ("assign", "out_of_scope", "new_topic", "ignore")
STATUS_OF_ACTION = {"assign": "assigned", "out_of_scope": "out_of_scope", "new_topic": "new_topic",
                    "ignore": "ignored"}


@dataclass
class ApplyResult:
    written: list[dict[str, Any]] = field(default_factory=list)
    not_written: list[dict[str, Any]] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    updated: int = 0
    files: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"written": self.written, "not_written": self.not_written, "drafts": self.drafts,
                "problems": self.problems, "updated": self.updated, "files": self.files, "dry_run": self.dry_run}


def apply_decisions(database: Database, project: Project, decisions: list[dict[str, Any]],
                    reviewer: str | None = None, dry_run: bool = False, allow_reviewed: bool = False) -> ApplyResult:
    """Carry out review decisions (see the module docstring); returns what happened, JSON-able."""
    result = ApplyResult(dry_run=dry_run)
    with project.lock():
        plan = _Plan(project, {r.id: r for r in inbox_rows(database, status=None)}, allow_reviewed, result)
        for decision in decisions:
            plan.add(decision)
        written_to = _write_examples(project, plan.to_write, result, dry_run)
        if result.drafts and not dry_run:
            write_drafts(project, result.drafts)
        _mark_reviewed(database, plan.updates, written_to, reviewer, result, dry_run)
    return result


@dataclass
class _Update:
    """What a decision records on inbox rows; ``file_key`` is the (topic, lang) file its example
    went into, when one was written."""

    ids: list[int]
    status: str
    topic: str | None = None
    example: str | None = None
    file_key: tuple[str, str] | None = None


class _Plan:
    """The decisions checked against the project, sorted into what to write and what to record."""

    def __init__(self, project: Project, rows: dict[int, InboxMessage], allow_reviewed: bool, result: ApplyResult):
        self.rows, self.allow_reviewed, self.result = rows, allow_reviewed, result
        self.intents = set(project.domain_intents()) | set(project.topic_ids())
        self.existing: dict[str, tuple[str, str]] = {}  # comparable text -> (intent, lang) of an example
        for e in project.examples():
            self.existing.setdefault(comparable(e.text), (e.intent, e.lang))
        self.eval_texts = {comparable(q.text) for q in project.eval_questions()}
        self.streets = _street_names(project)
        self.decided: set[int] = set()
        self.to_write: dict[tuple[str, str], list[tuple[str, dict]]] = defaultdict(list)
        self.updates: list[_Update] = []

    def add(self, decision: dict[str, Any]) -> None:
        where = f"line {decision['line']}" if decision.get("line") else f"ids {decision.get('ids')}"
        action = str(decision.get("action") or "").strip()
        ids = [int(i) for i in decision.get("ids") or []]
        problem = _problem(decision, action, ids, self.rows, self.intents, self.allow_reviewed)
        twice = sorted(set(ids) & self.decided)
        if twice and not problem:
            problem = f"decided twice in this batch: {twice}"
        if problem:
            self.result.problems.append({"where": where, "ids": ids, "problem": problem})
            return
        self.decided.update(ids)
        if action == "ignore":
            self.updates.append(_Update(ids, STATUS_OF_ACTION[action]))
            return
        topic = OUT_OF_SCOPE if action == "out_of_scope" else str(decision.get("topic") or "").strip()
        for part_ids, lang, example in _examples_of(decision, ids, self.rows, self.streets):
            self._add_example(where, action, {"ids": part_ids, "topic": topic, "lang": lang, "example": example})

    def _add_example(self, where: str, action: str, entry: dict[str, Any]) -> None:
        ids, topic, lang, example = entry["ids"], entry["topic"], entry["lang"], entry["example"]
        update = _Update(ids, STATUS_OF_ACTION[action], topic, example)
        if not example:
            self.result.problems.append({"where": where, "ids": ids, "problem": "the example is empty"})
            return
        key = comparable(example)
        if key in self.eval_texts:
            self.result.not_written.append({**entry, "reason": "it is an evaluation question (tests/eval): "
                                            "evaluation questions never become training examples"})
        elif action == "new_topic" and topic not in self.intents:
            self.result.drafts.append(entry)
        elif key in self.existing:
            other, other_lang = self.existing[key]
            if other != topic:
                self.result.problems.append({"where": where, "ids": ids, "problem": f"{example!r} is already an "
                                             f"example of {other} ({other_lang}); move that example or edit this one"})
                return
            self.result.not_written.append({**entry, "reason": "already an example of this topic"})
        else:
            self.existing[key] = (topic, lang)
            self.to_write[(topic, lang)].append((example, entry))
            update.file_key = (topic, lang)
        self.updates.append(update)


def _problem(d: dict, action: str, ids: list[int], rows: dict[int, InboxMessage], intents: set[str],
             allow_reviewed: bool) -> str | None:
    """Why a decision cannot be applied (None when it can)."""
    from ..scaffold import TOPIC_ID_RE

    if action not in ACTIONS:
        return f"action must be one of {', '.join(ACTIONS)} (got {action!r})"
    if not ids:
        return "no inbox ids"
    unknown = [i for i in ids if i not in rows]
    if unknown:
        return f"unknown inbox id(s) {unknown}"
    if not allow_reviewed:
        done = [i for i in ids if rows[i].status != "new"]
        if done:
            return f"already reviewed: {done}"
    lang = d.get("lang")
    if lang and lang not in served_languages():
        return f"lang must be one of {', '.join(served_languages())}"
    topic = str(d.get("topic") or "").strip()
    if action == "assign":
        if not topic:
            return "assign needs a topic"
        if topic not in intents or topic == FALLBACK_INTENT:
            return f"unknown topic {topic!r} (to start a new one use action new_topic)"
    if action == "new_topic":
        if not topic or not TOPIC_ID_RE.match(topic):
            return f"new_topic needs a new topic id such as maintenance.dog_parks (got {topic!r})"
    return None


def _examples_of(d: dict, ids: list[int], rows: dict[int, InboxMessage],
                 streets: list[str]) -> list[tuple[list[int], str, str]]:
    """(ids, lang, example) per distinct text of the decided messages; one given example covers all.
    Placeholders of redacted personal data become neutral demo values (``surrogate``)."""
    if d.get("example"):
        first = rows[ids[0]]
        return [(ids, d.get("lang") or first.lang, edits.clean_example(surrogate(str(d["example"]), streets)))]
    parts: dict[tuple[str, str], tuple[list[int], str, str]] = {}
    for i in ids:
        row = rows[i]
        lang = d.get("lang") or row.lang
        example = edits.clean_example(surrogate(row.text, streets))
        key = (lang, comparable(example) or example)
        if key in parts:
            parts[key][0].append(i)
        else:
            parts[key] = ([i], lang, example)
    return list(parts.values())


def _street_names(project: Project) -> list[str]:
    path = project.kb_dir / "streets.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return [row["name_fi"] for row in csv.DictReader(handle) if row.get("name_fi")][:200]


def _write_examples(project: Project, to_write: dict[tuple[str, str], list[tuple[str, dict]]], result: ApplyResult,
                    dry_run: bool) -> dict[tuple[str, str], str]:
    """Write the planned examples (unless ``dry_run``): every file or none, each checked with Rasa's
    reader. Returns the file each (topic, lang) went into."""
    written_to: dict[tuple[str, str], str] = {}
    if not to_write:
        return written_to
    changes = FileEdits()
    for (topic, lang), items in sorted(to_write.items()):
        path = edits.nlu_file_for(project, lang, topic)
        changes.write(path, edits.add_examples(changes.read(path), topic, [example for example, _ in items]))
        written_to[(topic, lang)] = project.relative(path)
        for _example, entry in items:
            result.written.append({**entry, "file": project.relative(path)})
    result.files = [project.relative(p) for p in changes.paths]
    if dry_run:
        return written_to
    changes.commit()
    try:
        from ..scaffold import validate_nlu_file

        for path in changes.paths:
            validate_nlu_file(path)
    except Exception:
        changes.rollback()
        raise
    return written_to


def _mark_reviewed(database: Database, updates: list[_Update], written_to: dict[tuple[str, str], str],
                   reviewer: str | None, result: ApplyResult, dry_run: bool) -> None:
    """Record each decision on its inbox rows (with ``dry_run`` only count them)."""
    if dry_run:
        result.updated = sum(len(update.ids) for update in updates)
        return
    now = utcnow()
    with database.session() as session:
        for update in updates:
            target = written_to.get(update.file_key) if update.file_key else None
            for row in session.execute(select(InboxMessage).where(InboxMessage.id.in_(update.ids))).scalars():
                row.status = update.status
                row.topic = update.topic
                row.example = update.example
                row.reviewed_by = reviewer
                row.reviewed_at = now
                row.written_to = target
                result.updated += 1
