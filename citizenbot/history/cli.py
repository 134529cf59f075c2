"""``citizenbot history import``: a city's feedback history into training data and a held-out set."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path


def _date(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _import(args: argparse.Namespace) -> int:
    from citizenbot.trainer.project import Project

    from .importer import import_history
    from .mapping import MappingError
    from .sources import SourceError, fetch_open311, read_jsonl

    project = Project.default(args.project)
    try:
        if args.url:
            until = args.until or datetime.now(timezone.utc)
            since = args.since or until - timedelta(days=365)
            records = list(fetch_open311(args.url, since, until, window=timedelta(days=args.window_days),
                                         page_limit=args.page_limit,
                                         progress=lambda line: print(line, file=sys.stderr)))
        else:
            read = read_jsonl(Path(args.file))
            if read.bad_lines:
                shown = ", ".join(map(str, read.bad_lines[:10])) + (" ..." if len(read.bad_lines) > 10 else "")
                print(f"warning: {len(read.bad_lines)} lines are not JSON objects and were skipped "
                      f"(lines {shown})", file=sys.stderr)
            records = [r for r in read.records
                       if (not args.since or (r.requested and r.requested >= args.since))
                       and (not args.until or (r.requested and r.requested < args.until))]
        result = import_history(project, args.source, records, heldout_share=args.heldout_share,
                                dry_run=args.dry_run)
    except (MappingError, SourceError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    verb = "would write" if args.dry_run else "wrote"
    for path in result.files:
        print(f"  {verb} {project.relative(path)}")
    if not args.dry_run and result.files:
        print("next: `citizenbot data check`, then `citizenbot train` (the held-out file is evaluated by `make eval`)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from .importer import DEFAULT_HELDOUT_SHARE

    history = sub.add_parser("history", help="learn from the city's feedback history (trainers)")
    history_sub = history.add_subparsers(dest="history_command", required=True)
    p = history_sub.add_parser(
        "import",
        help="read a feedback history (JSONL export or an Open311 GeoReport v2 server), map its categories "
             "to topics and write training examples and a held-out evaluation set",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("file", nargs="?", help="a JSONL export: one GeoReport v2 service request per line")
    where.add_argument("--url", help="a GeoReport v2 base URL (requests.json is read in date windows)")
    p.add_argument("--source", required=True, help="the mapping to use: kb/history/<source>.yml")
    p.add_argument("--since", type=_date, help="first date (YYYY-MM-DD) to import; default with --url: a year ago")
    p.add_argument("--until", type=_date, help="import requests before this date; default: now")
    p.add_argument("--heldout-share", type=float, default=DEFAULT_HELDOUT_SHARE,
                   help=f"newest share held out for evaluation (default {DEFAULT_HELDOUT_SHARE})")
    p.add_argument("--window-days", type=int, default=30, help="with --url: days per request window (default 30)")
    p.add_argument("--page-limit", type=int, default=200,
                   help="with --url: the server's maximum answer size; a full window is split (default 200)")
    p.add_argument("--dry-run", action="store_true", help="only report what would be written")
    p.add_argument("--project", help="project folder (default: this checkout)")
    p.set_defaults(func=_import)
