"""Translated answer texts and their translation status: ``kb/answers/<lang>/<file>.yml``.

The source texts are written in Finnish, Swedish and English (``kb/answers/*.yml``); every other
served language is translated from one of them, entry by entry, recording which source text (its
``source_sha``) it was translated from, whether a native speaker has reviewed it, and when
(docs/translations.md). ``citizenbot.content`` attaches the translations to the answers; the
trainer tools check them (``citizenbot data check``) and exchange them with translators as
gettext PO files (``citizenbot.translations_po``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citizenbot.content import ContentError, _date, _read_yaml
from citizenbot.settings import SOURCE_LANGUAGES

TRANSLATION_STATUSES = ("draft", "reviewed")


@dataclass(frozen=True)
class Translation:
    """One translated answer text of ``kb/answers/<lang>/<file>.yml`` and its translation status."""

    key: str
    lang: str
    text: str
    source: str  # the source language it was translated from (en, fi or sv)
    source_sha: str  # source_sha(source text) when it was translated
    status: str  # draft (no native review yet) or reviewed
    translated: str  # the date, YYYY-MM-DD
    path: Path


def source_sha(text: str) -> str:
    """The fingerprint of a source text a translation records (first 12 hex digits of SHA-1)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def translation_dirs(kb_dir: Path) -> list[Path]:
    """The translation directories ``kb/answers/<lang>/`` (any language, served or not: a city
    that serves fewer languages still answers an emergency in them)."""
    answers = Path(kb_dir) / "answers"
    if not answers.is_dir():
        return []
    return sorted(p for p in answers.iterdir() if p.is_dir() and re.fullmatch(r"[a-z]{2}", p.name))


def load_translations(kb_dir: Path) -> dict[str, dict[str, Translation]]:
    """Every translated answer text with its status, per language and answer key."""
    found: dict[str, dict[str, Translation]] = {}
    for directory in translation_dirs(kb_dir):
        lang = directory.name
        if lang in SOURCE_LANGUAGES:
            raise ContentError(f"{directory}: {lang} is a source language; its texts are in kb/answers/*.yml")
        for path in sorted(directory.glob("*.yml")):
            for key, entry in ((_read_yaml(path) or {}).get("answers") or {}).items():
                where = f"{path}: answer {key}"
                if key in found.get(lang, {}):
                    raise ContentError(f"{where}: defined twice")
                found.setdefault(lang, {})[str(key)] = _translation(str(key), lang, entry, where, path)
    return found


def load_label_translations(kb_dir: Path) -> dict[str, dict[str, str]]:
    """Translated labels (button and topic names) per language and key: the ``labels:`` mapping of
    ``kb/answers/<lang>/*.yml`` (key: text; short texts, so no per-entry status: the file says it)."""
    found: dict[str, dict[str, str]] = {}
    for directory in translation_dirs(kb_dir):
        lang = directory.name
        for path in sorted(directory.glob("*.yml")):
            for key, text in ((_read_yaml(path) or {}).get("labels") or {}).items():
                if not isinstance(text, str) or not text.strip():
                    raise ContentError(f"{path}: label {key}: expected a text")
                if key in found.get(lang, {}):
                    raise ContentError(f"{path}: label {key} defined twice")
                found.setdefault(lang, {})[str(key)] = text.strip()
    return found


def _translation(key: str, lang: str, entry: Any, where: str, path: Path) -> Translation:
    if not isinstance(entry, Mapping):
        raise ContentError(f"{where}: expected text, source, source_sha, status and translated")
    text = str(entry.get("text") or "").strip()
    if not text:
        raise ContentError(f"{where}: text is empty")
    source, status = str(entry.get("source") or ""), str(entry.get("status") or "")
    if source not in SOURCE_LANGUAGES:
        raise ContentError(f"{where}: source must be one of {', '.join(SOURCE_LANGUAGES)}, not {source!r}")
    if status not in TRANSLATION_STATUSES:
        raise ContentError(f"{where}: status must be draft or reviewed, not {status!r}")
    sha = entry.get("source_sha")
    # an all-digit fingerprint written without quotes reads as a number
    sha = str(sha).zfill(12) if isinstance(sha, int) and not isinstance(sha, bool) else str(sha or "")
    if not re.fullmatch(r"[0-9a-f]{12}", sha):
        raise ContentError(f"{where}: source_sha must be 12 hex digits (citizenbot.content.source_sha)")
    translated = entry.get("translated")
    return Translation(key, lang, text, source, sha, status, str(_date(translated, f"{where}: translated")), path)




def source_answers(kb_dir: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """The answers of the source files in file order: key -> (file name, {lang: text})."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for path in sorted((Path(kb_dir) / "answers").glob("*.yml")):
        for key, value in ((_read_yaml(path) or {}).get("answers") or {}).items():
            if isinstance(value, Mapping):
                # exactly as yaml.safe_load returns them: source_sha is taken of these
                found[str(key)] = (path.name, {str(k): str(v) for k, v in value.items() if v})
    return found


LANGUAGE_NAMES_EN = {"ru": "Russian", "uk": "Ukrainian", "et": "Estonian", "ar": "Arabic", "so": "Somali", "fa": "Persian"}


def write_translation_file(path: Path, lang: str, entries: list[Translation]) -> None:
    """Write one ``kb/answers/<lang>/<file>.yml`` in the format of docs/translations.md (texts as
    literal blocks, so a translator's paragraphs read as they will be shown)."""
    name = LANGUAGE_NAMES_EN.get(lang, lang)
    lines = [f"# {name} answer texts, translated from the source texts in kb/answers/{path.name}.", "answers:"]
    for item in entries:
        lines.append(f"  {item.key}:")
        lines.append("    text: |-")
        lines.extend(f"      {line}".rstrip() for line in item.text.split("\n"))
        lines += [f"    source: {item.source}", f"    source_sha: '{item.source_sha}'", f"    status: {item.status}",
                  f"    translated: {item.translated}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
