"""``citizenbot translations``: answer texts for translators as gettext PO files (registered by
``citizenbot/trainer/cli.py``; the format and the work itself in ``citizenbot/translations_po.py``).

    citizenbot translations export --lang LANG FILE.po
    citizenbot translations import FILE.po [--reviewed]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli_common import EXIT_OK, EXIT_USAGE, add_project_option, project_of

# --- commands --------------------------------------------------------------------------------


def _translations_export(args: argparse.Namespace) -> int:
    from citizenbot.translations_po import TranslationFileError, export_po

    project = project_of(args)
    try:
        summary = export_po(project.kb_dir, args.lang, Path(args.file))
    except TranslationFileError as exc:
        print(f"translations export: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{args.file}: {summary.entries} answers, {summary.translated} translated "
          f"({summary.outdated} outdated, marked fuzzy), {summary.entries - summary.translated} to translate")
    if summary.skipped:
        print(f"not exported (written in the source files themselves): {', '.join(summary.skipped)}")
    return EXIT_OK


def _translations_import(args: argparse.Namespace) -> int:
    from citizenbot.content import ContentError
    from citizenbot.translations_po import TranslationFileError, import_po

    project = project_of(args)
    try:
        summary = import_po(project.kb_dir, Path(args.file), reviewed=args.reviewed)
    except (TranslationFileError, ContentError, OSError) as exc:
        print(f"translations import: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{summary.lang}: {len(summary.updated)} updated, {summary.unchanged} unchanged, "
          f"{summary.fuzzy_or_empty} fuzzy or empty (kept as they were)")
    if summary.unknown:
        print(f"not answers (skipped): {', '.join(summary.unknown)}")
    print("next: `citizenbot data check`, then review the diff of kb/answers/" + summary.lang + "/")
    return EXIT_OK



def register(sub: argparse._SubParsersAction) -> None:
    translations = sub.add_parser("translations", help="answer texts for translators as gettext PO files")
    translations_sub = translations.add_subparsers(dest="translations_command", required=True)
    p = translations_sub.add_parser("export", help="one language's answers with their English source texts")
    p.add_argument("--lang", required=True, help="the language code (ru, uk, et, ar, so, fa...)")
    p.add_argument("file", help="the PO file to write")
    add_project_option(p)
    p.set_defaults(func=_translations_export)
    p = translations_sub.add_parser("import", help="a translated PO file into kb/answers/<lang>/")
    p.add_argument("file", help="the PO file (its Language header says the language)")
    p.add_argument("--reviewed", action="store_true", help="a native speaker reviewed it: status reviewed, not draft")
    add_project_option(p)
    p.set_defaults(func=_translations_import)
