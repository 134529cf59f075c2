"""The review inbox's commands: ``citizenbot inbox collect | status | export [FILE] | import FILE``
(registered by citizenbot/trainer/cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from citizenbot.settings import served_languages

from ..cli_common import (
    CHECK,
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    TRAIN,
    add_project_option,
    database_of,
    next_step,
    project_of,
)
from .collect import DEFAULT_LOW_CONFIDENCE, DEFAULT_SAMPLE_SHARE, collect
from .grouping import DEFAULT_SIMILARITY
from .rows import REASONS, STATUSES, summary
from .tsv import DecisionFileError, export_tsv, import_tsv


def _inbox_collect(args: argparse.Namespace) -> int:

    project = project_of(args)
    result = collect(database_of(args), project.kb_dir, low_confidence=args.low_confidence,
                     include_out_of_scope=not args.no_out_of_scope, sample_share=args.sample)
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(result.by_reason.items())) or "nothing new"
    print(f"inbox: read {result.scanned_events} new events; {result.added} messages added, {result.updated} updated ({reasons})")
    return _inbox_status(args)


def _inbox_status(args: argparse.Namespace) -> int:

    s = summary(database_of(args))
    waiting = s["by_status"]["new"]
    langs = ", ".join(f"{k} {v}" for k, v in sorted(s["waiting_by_lang"].items()))
    print(f"inbox: {waiting} messages waiting for review" + (f" ({langs})" if langs else "")
          + "; reviewed: " + ", ".join(f"{k} {v}" for k, v in s["by_status"].items() if k != "new"))
    return EXIT_OK


def _inbox_export(args: argparse.Namespace) -> int:

    database = database_of(args)
    status = None if args.status == "all" else args.status
    if args.file in (None, "-"):
        rows = export_tsv(database, sys.stdout, status, args.lang, args.reason, args.threshold)
        print(f"{rows} rows", file=sys.stderr)
        return EXIT_OK
    path = Path(args.file)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        rows = export_tsv(database, handle, status, args.lang, args.reason, args.threshold)
    print(f"wrote {rows} rows to {path}. For each row fill in `action` (assign, out_of_scope, new_topic, ignore) and "
          "`topic`; optionally correct the text in `example`.")
    next_step((f"citizenbot inbox import {path}", "after you have filled it in: writes the examples"))
    return EXIT_OK


def _inbox_import(args: argparse.Namespace) -> int:

    project = project_of(args)
    try:
        with open(args.file, encoding="utf-8-sig", newline="") as handle:  # -sig: spreadsheets add a BOM
            result = import_tsv(database_of(args), project, handle, reviewer=args.reviewer, dry_run=args.dry_run)
    except (OSError, DecisionFileError) as exc:
        print(f"import failed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    prefix = "would write" if result.dry_run else "wrote"
    for w in result.written:
        print(f"{prefix} [{w['lang']}] {w['topic']}: {w['example']!r} -> {w['file']}")
    for n in result.not_written:
        print(f"not written [{n['lang']}] {n['topic']}: {n['example']!r}: {n['reason']}")
    for d in result.drafts:
        print(f"new topic {d['topic']} [{d['lang']}]: {d['example']!r} -> {d.get('draft', 'draft')}")
    for p in result.problems:
        print(f"skipped ({p['where']}): {p['problem']}", file=sys.stderr)
    drafts = sorted({d.get("draft") for d in result.drafts if d.get("draft")})
    written = (f"{len(result.written)} examples {'would be ' if result.dry_run else ''}written to {', '.join(result.files)}"
               if result.written else "no new examples")
    print(f"{result.updated} inbox messages {'would be ' if result.dry_run else ''}marked reviewed; {written}")
    steps = [(f"citizenbot topic add --from {draft}", "after you have completed it: about, titles, answers, 20+ examples "
              "and 2+ test questions per language") for draft in drafts]
    if result.written and not result.dry_run:
        steps += [CHECK, TRAIN]
    if steps:
        next_step(*steps)
    return EXIT_ERRORS if result.problems else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    inbox = sub.add_parser("inbox", help="review what residents asked that the assistant did not handle (trainers)")
    inbox_sub = inbox.add_subparsers(dest="inbox_command", required=True)
    p = inbox_sub.add_parser("collect", help="add new not understood / low-confidence / thumbs-down / rephrased "
                             "messages and a sample of confident answers (redacted)")
    p.add_argument("--low-confidence", type=float, default=DEFAULT_LOW_CONFIDENCE,
                   help=f"collect answers below this confidence (default {DEFAULT_LOW_CONFIDENCE})")
    p.add_argument("--no-out-of-scope", action="store_true", help="do not collect questions classified out of scope")
    p.add_argument("--sample", type=float, default=DEFAULT_SAMPLE_SHARE,
                   help=f"share of confidently answered messages to sample (default {DEFAULT_SAMPLE_SHARE}; 0 for none)")
    p.add_argument("--database-url", help="default: DATABASE_URL")
    add_project_option(p)
    p.set_defaults(func=_inbox_collect)
    p = inbox_sub.add_parser("status", help="how many messages wait for review")
    p.add_argument("--database-url")
    p.set_defaults(func=_inbox_status)
    p = inbox_sub.add_parser("export", help="the inbox as a TSV, grouped by language and similarity, with counts")
    p.add_argument("file", nargs="?", help="TSV file (default: standard output)")
    p.add_argument("--lang", choices=served_languages())
    p.add_argument("--reason", choices=REASONS)
    p.add_argument("--status", default="new", choices=[*STATUSES, "all"])
    p.add_argument("--threshold", type=float, default=DEFAULT_SIMILARITY, help="similarity to join a group (0-1)")
    p.add_argument("--database-url")
    p.set_defaults(func=_inbox_export)
    p = inbox_sub.add_parser("import", help="apply the decisions of an exported TSV; writes accepted examples")
    p.add_argument("file")
    p.add_argument("--reviewer", help="your name, stored with the decisions")
    p.add_argument("--dry-run", action="store_true", help="show what would be written")
    p.add_argument("--database-url")
    add_project_option(p)
    p.set_defaults(func=_inbox_import)
