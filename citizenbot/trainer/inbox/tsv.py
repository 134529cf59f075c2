"""The inbox as a spreadsheet: export a TSV to fill in, import the trainer's decisions from it.

Columns: ``group``, ``group_count`` (messages in the group), ``lang``, ``count`` (times this text
was asked), ``text``, ``predicted``, ``confidence``, ``reasons``; the trainer fills in ``action``
(assign, out_of_scope, new_topic, ignore), ``topic`` and optionally ``example``; ``ids`` says which
inbox messages a row stands for. Rows left empty stay in the inbox.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from citizenbot.store.db import Database

from ..project import Project
from .decisions import ApplyResult, apply_decisions
from .grouping import DEFAULT_SIMILARITY, groups

TSV_COLUMNS = ("group", "group_count", "lang", "count", "text", "predicted", "confidence", "reasons",
               "action", "topic", "example", "ids")


def export_tsv(database: Database, out: io.TextIOBase, status: str | None = "new", lang: str | None = None,
               reason: str | None = None, threshold: float = DEFAULT_SIMILARITY) -> int:
    """The inbox as a TSV for a spreadsheet: one row per distinct text, rows of a group together,
    largest groups first. Returns the number of rows."""
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    rows = 0
    for group in groups(database, status, lang, reason, threshold):
        for item in group.items:
            predicted = item.predicted.most_common(1)[0][0] if item.predicted else ""
            writer.writerow([group.id, group.count, item.lang, item.count, _one_line(item.text), predicted,
                             "" if item.confidence is None else f"{item.confidence:.2f}",
                             ",".join(sorted(item.reasons)), "", "", "", ",".join(map(str, item.ids))])
            rows += 1
    return rows


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


class DecisionFileError(ValueError):
    """The TSV cannot be imported; the message names the line."""


def read_decisions_tsv(source: io.TextIOBase) -> list[dict[str, Any]]:
    """Rows with an action (or a topic) become decisions; empty rows stay in the inbox."""
    reader = csv.DictReader(source, delimiter="\t")
    missing = {"action", "topic", "ids"} - set(reader.fieldnames or [])
    if missing:
        raise DecisionFileError(f"the TSV has no column(s) {', '.join(sorted(missing))} (export one with "
                           "`citizenbot inbox export`)")
    decisions = []
    for n, row in enumerate(reader, start=2):
        action = (row.get("action") or "").strip().lower().replace(" ", "_").replace("-", "_")
        topic = (row.get("topic") or "").strip()
        if not action and not topic:
            continue
        if not action:
            action = "assign"
        try:
            ids = [int(i) for i in (row.get("ids") or "").replace(";", ",").split(",") if i.strip()]
        except ValueError as exc:
            raise DecisionFileError(f"line {n}: ids must be numbers: {row.get('ids')!r}") from exc
        decisions.append({"ids": ids, "action": action, "topic": topic or None,
                          "example": (row.get("example") or "").strip() or None,
                          "lang": (row.get("lang") or "").strip() or None, "line": n})
    return decisions


def import_tsv(database: Database, project: Project, source: io.TextIOBase, reviewer: str | None = None,
               dry_run: bool = False) -> ApplyResult:
    return apply_decisions(database, project, read_decisions_tsv(source), reviewer=reviewer, dry_run=dry_run)
