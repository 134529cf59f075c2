"""Translators' files: the answer texts of one language as gettext PO, read and written with Babel.

``citizenbot translations export --lang ru FILE.po``: one entry per answer, ``msgctxt`` the answer
key, ``msgid`` the English source text, ``msgstr`` the current translation (empty when there is
none), flagged ``fuzzy`` when the source changed after it was translated; a comment says the
file and the review status. Any PO editor (Poedit, Weblate, Lokalize...) reads it.

``citizenbot translations import FILE.po``: every translated, non-fuzzy entry whose text or source
changed becomes the translation in ``kb/answers/<lang>/<file>.yml``, recorded as translated from
the ``msgid`` it was made for (so a text translated from an older source stays "outdated" for
``citizenbot data check``), with today's date, status draft (``--reviewed``: a native speaker
reviewed the file).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from citizenbot.settings import SOURCE_LANGUAGES
from citizenbot.translations import (
    Translation,
    load_translations,
    source_answers,
    source_sha,
    write_translation_file,
)

SOURCE = "en"  # the language translators translate from (docs/translations.md)


class TranslationFileError(ValueError):
    """The PO file cannot be imported; the message says why."""


@dataclass(frozen=True)
class ExportSummary:
    entries: int
    translated: int
    outdated: int
    skipped: list[str]  # keys whose text in this language is written in the source file itself


def export_po(kb_dir: Path, lang: str, target: Path) -> ExportSummary:
    if lang in SOURCE_LANGUAGES:
        raise TranslationFileError(f"{lang} is a source language; its texts are edited in kb/answers/*.yml")
    existing = load_translations(kb_dir).get(lang, {})
    catalog = Catalog(locale=lang, project="citizenbot", fuzzy=False)
    translated = outdated = 0
    skipped = []
    for key, (file_name, texts) in source_answers(kb_dir).items():
        if lang in texts:
            skipped.append(key)  # one owner: such a text is edited in the source file
            continue
        source_text = texts.get(SOURCE, "")
        item = existing.get(key)
        is_outdated = item is not None and source_sha(str(texts.get(item.source) or "")) != item.source_sha
        translated += item is not None
        outdated += is_outdated
        catalog.add(
            source_text, item.text if item else "", context=key,
            locations=[(f"kb/answers/{file_name}", None)],
            flags=["fuzzy"] if is_outdated else [],
            auto_comments=[f"status: {item.status}, translated {item.translated}" if item else "status: not translated"],
        )
    with open(target, "wb") as handle:
        write_po(handle, catalog, width=0)
    return ExportSummary(len(catalog), translated, outdated, skipped)


@dataclass(frozen=True)
class ImportSummary:
    lang: str
    updated: list[str]
    unchanged: int
    fuzzy_or_empty: int
    unknown: list[str]  # keys that are no answer (any more)


def import_po(kb_dir: Path, source: Path, reviewed: bool = False, today: date | None = None) -> ImportSummary:
    with open(source, "rb") as handle:
        catalog = read_po(handle)
    if catalog.locale is None:
        raise TranslationFileError(f"{source}: no Language header: which language is it?")
    lang = str(catalog.locale.language)
    if lang in SOURCE_LANGUAGES:
        raise TranslationFileError(f"{source}: {lang} is a source language; edit kb/answers/*.yml")
    answers = source_answers(kb_dir)
    current = dict(load_translations(kb_dir).get(lang, {}))
    stamp = (today or date.today()).isoformat()
    updated, unknown = [], []
    unchanged = fuzzy_or_empty = 0
    for message in catalog:
        if not message.id:
            continue  # the header
        key = message.context or ""
        if key not in answers:
            unknown.append(key or str(message.id)[:40])
            continue
        text = str(message.string or "").strip()
        if message.fuzzy or not text:
            fuzzy_or_empty += 1
            continue
        sha = source_sha(str(message.id))  # the source text it was translated from, as exported
        status = "reviewed" if reviewed else "draft"
        old = current.get(key)
        if old is not None and (old.text, old.source_sha, old.status) == (text, sha, status):
            unchanged += 1
            continue
        path = Path(kb_dir) / "answers" / lang / answers[key][0]
        current[key] = (replace(old, text=text, source=SOURCE, source_sha=sha, status=status, translated=stamp, path=path)
                        if old else Translation(key, lang, text, SOURCE, sha, status, stamp, path))
        updated.append(key)
    touched = {answers[key][0] for key in updated}
    for file_name in sorted(touched):
        entries = [current[key] for key, (name, _t) in answers.items() if name == file_name and key in current]
        write_translation_file(Path(kb_dir) / "answers" / lang / file_name, lang, entries)
    return ImportSummary(lang, updated, unchanged, fuzzy_or_empty, unknown)
