"""What every trainer command shares: exit codes, the ``--project`` option, the project and the
database a command works on."""

from __future__ import annotations

import argparse

from citizenbot.settings import get_settings

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", help="project folder (default: this checkout or CITIZENBOT_PROJECT)")


def project_of(args: argparse.Namespace):
    from .project import Project

    return Project.default(getattr(args, "project", None))


def database_of(args: argparse.Namespace):
    from citizenbot.store.db import get_database

    return get_database(getattr(args, "database_url", None) or get_settings().database_url)


def next_step(*steps: tuple[str, str]) -> str:
    """The one "Next: ..." line trainer commands end with, the same shape everywhere: the commands
    to run in order, each with what it does, e.g.
    ``Next: `citizenbot seed` (the answer is live at once), then `citizenbot train` (...).``"""
    line = "Next: " + ", then ".join(f"`{command}` ({why})" for command, why in steps) + "."
    print(line)
    return line


SEED = ("citizenbot seed", "the answers are live at once")
TRAIN = ("citizenbot train", "the model learns the examples and is tested on the held-out questions")
DEPLOY = ("citizenbot deploy", "the new model answers residents unless a language or topic got worse")
CHECK = ("citizenbot data check", "every problem of the data, with file and line")
