"""The ``citizenbot`` command: seeding, schema migrations, the servers, staff accounts, privacy,
evaluation; the trainers' commands (``citizenbot.trainer.cli``) and the benchmarks (``bench.cli``)
are registered from their packages. Each command imports its module when it runs, so ``--help`` stays fast."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.cli import register as register_bench_commands
from citizenbot.handoff.staff import ROLES
from citizenbot.history.cli import register as register_history_commands
from citizenbot.settings import get_settings, served_languages
from citizenbot.trainer.cli import register as register_trainer_commands


def _seed(args: argparse.Namespace) -> int:
    from citizenbot.content import ContentError
    from citizenbot.seed import seed
    from citizenbot.store.db import get_database

    settings = get_settings()
    try:
        result = seed(get_database(settings.database_url), Path(args.kb_dir or settings.kb_dir), settings.city, force=args.force)
    except ContentError as exc:
        print(f"content error: {exc}", file=sys.stderr)
        return 2
    state = "seeded" if result.changed else "already up to date"
    print(f"knowledge base {state}: " + ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    return 0


def _actions(args: argparse.Namespace) -> int:
    from citizenbot.action_server import serve
    from citizenbot.settings import ConfigurationError

    try:
        serve(args.host or get_settings().actions_host, args.port)
    except ConfigurationError as exc:
        print(f"the action server did not start: {exc}", file=sys.stderr)
        return 2
    return 0


def _web(args: argparse.Namespace) -> int:
    from citizenbot.settings import ConfigurationError
    from citizenbot.web.app import serve

    try:
        serve(args.host, args.port)
    except ConfigurationError as exc:
        print(f"the web server did not start: {exc}", file=sys.stderr)
        return 2
    return 0


def _staff(args: argparse.Namespace) -> int:
    import getpass

    from citizenbot.handoff.staff import StaffDirectory, StaffError
    from citizenbot.store.db import get_database

    directory = StaffDirectory(get_database())
    try:
        if args.staff_command == "list":
            for staff in directory.list():
                print(f"{staff.username}\t{staff.role}\t{staff.first_name}")
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("password (12+ characters): ")
            if getpass.getpass("again: ") != password:
                print("the passwords differ", file=sys.stderr)
                return 2
        if args.staff_command == "add":
            staff = directory.create(args.username, args.first_name, args.role, password)
            print(f"created {staff.username} ({staff.role})")
        else:
            directory.set_password(args.username, password)
            print(f"password of {args.username} changed; its sessions ended")
    except StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _privacy(args: argparse.Namespace) -> int:
    from citizenbot import privacy
    from citizenbot.kb import KnowledgeBase
    from citizenbot.store.db import get_database

    database = get_database()
    if args.privacy_command == "purge":
        days = args.days or privacy.retention_days(KnowledgeBase(database))
        print(f"older than {days} days: {privacy.purge(database, days)}")
    else:
        print(f"conversation {args.conversation_id}: {privacy.delete_conversation(database, args.conversation_id)}")
    return 0


def _db(args: argparse.Namespace) -> int:
    from citizenbot.store import schema
    from citizenbot.store.db import Database

    database = Database(args.database_url or get_settings().database_url)
    try:
        if args.db_command == "upgrade":
            before = schema.upgrade(database.engine, args.revision)
        elif args.db_command == "downgrade":
            before = schema.status(database.engine)[0]
            schema.downgrade(database.engine, args.revision)
        elif args.db_command == "stamp":
            before = schema.status(database.engine)[0]
            schema.stamp(database.engine, args.revision)
        else:
            current, head = schema.status(database.engine)
            print(f"database at {current or 'no revision'}; code at {head}")
            return 0 if current == head else 1
        print(f"database was at {before or 'no revision'}, now at {schema.status(database.engine)[0]}")
    except schema.SchemaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    return 0


def _eval(args: argparse.Namespace) -> int:
    from citizenbot.evaluate import main as evaluate_main

    return evaluate_main(args)


def _analytics(args: argparse.Namespace) -> int:
    import json

    from citizenbot.analytics.rollup import rollup
    from citizenbot.store.db import get_database

    print(json.dumps(rollup(get_database(get_settings().database_url)).to_dict()))
    return 0


def _rest_key(args: argparse.Namespace) -> int:
    from citizenbot.channels.integrations import new_key

    key, entry = new_key(args.name)
    print(f"key for {args.name} (give it to the integration; it is not stored): {key}")
    print(f"add to REST_INTEGRATIONS (comma-separated): {entry}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="citizenbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("seed", help="load kb/ content into the database (idempotent)")
    p.add_argument("--kb-dir", help="content folder (default: KB_DIR or ./kb)")
    p.add_argument("--force", action="store_true", help="reload even when nothing changed")
    p.set_defaults(func=_seed)

    p = sub.add_parser("actions", help="run the action server")
    p.add_argument("--host", help="interface to listen on (default ACTIONS_HOST, or 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=5055)
    p.set_defaults(func=_actions)

    p = sub.add_parser("web", help="run the web server: demo pages, chat widget and its real-time gateway")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=_web)

    p = sub.add_parser("staff", help="staff accounts of the console (nurses, agents, admins, trainers, analysts)")
    staff_sub = p.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--first-name", required=True, help="shown to residents with the role")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    pw = staff_sub.add_parser("passwd", help="set a new password (ends the user's sessions)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    staff_sub.add_parser("list", help="list accounts")
    p.set_defaults(func=_staff)

    p = sub.add_parser("privacy", help="delete conversations past the retention period, or one on request")
    privacy_sub = p.add_subparsers(dest="privacy_command", required=True)
    purge = privacy_sub.add_parser("purge", help="apply the retention period now (the action server does it daily)")
    purge.add_argument("--days", type=int, help="default: conversation_retention_days of the city")
    forget = privacy_sub.add_parser("delete", help="delete one conversation (a resident's request)")
    forget.add_argument("conversation_id")
    p.set_defaults(func=_privacy)

    p = sub.add_parser("analytics", help="the figures for decision makers (the staff console's analytics page)")
    analytics_sub = p.add_subparsers(dest="analytics_command", required=True)
    analytics_sub.add_parser("rollup", help="count what is new since the last roll-up (the action server does it "
                                            "every minute)")
    p.set_defaults(func=_analytics)

    p = sub.add_parser("db", help="schema migrations of the project's tables (Alembic; the servers upgrade at start)")
    p.add_argument("--database-url", help="default: DATABASE_URL")
    db_sub = p.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate to the newest revision (or --revision)")
    up.add_argument("--revision", default="head")
    down = db_sub.add_parser("downgrade", help="migrate back to a revision (e.g. -1: the one before)")
    down.add_argument("revision")
    mark = db_sub.add_parser("stamp", help="record a revision without changing tables (after a manual migration)")
    mark.add_argument("revision")
    db_sub.add_parser("current", help="the database's revision and the code's (exit 1 when they differ)")
    p.set_defaults(func=_db)

    p = sub.add_parser("rest-key", help="a key for another integration of the REST channel, and its "
                                        "REST_INTEGRATIONS entry (the hash)")
    p.add_argument("name", help="the integration's name: lower-case letters, digits, '-'")
    p.set_defaults(func=_rest_key)

    p = sub.add_parser("eval", help="ask a TSV of questions from the running bot over HTTP")
    p.add_argument("files", nargs="*", help="TSV files (lang, topics, text); default tests/eval/heldout.tsv")
    p.add_argument("--url", default="http://localhost:5005", help="Rasa server")
    p.add_argument("--page-lang", choices=served_languages(), help="send this page-language hint as metadata")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--min-accuracy", type=float, help="exit 1 if any language of a file is below this (0-1)")
    p.add_argument("--bars", help="YAML of per-language accuracy bars replacing --min-accuracy for those "
                   "languages (tests/eval/bars.yml)")
    p.add_argument("--min-domain", type=float, help="exit 1 if a file's share of right domains is below this (0-1)")
    p.add_argument("--min-topic", type=float, help="exit 1 if a file's share of right topics is below this (0-1)")
    p.add_argument("--max-false-emergency", type=float,
                   help="exit 1 if a file's share of 112 answers to non-emergencies is above this (0-1)")
    p.add_argument("--report", help="also write the result as Markdown to this file")
    p.set_defaults(func=_eval)

    # The trainers' commands and the benchmarks are defined by their own packages.
    register_trainer_commands(sub)
    register_history_commands(sub)
    register_bench_commands(sub)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
