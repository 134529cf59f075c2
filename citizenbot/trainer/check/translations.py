"""Checks of the translated answer texts (``kb/answers/<lang>/``, citizenbot/translations.py).

Errors: a served language missing translations (``missing-translation``), a translation older
than its source text (``outdated``: the source changed after it was translated; export, translate,
import), placeholders that differ from the source's (``placeholder``), a translation that writes a
national number itself (``number``), an entry that does not load (``content``).
Warnings: health texts no native speaker has reviewed yet (``draft``), a translation of an answer
that no longer exists (``stale-translation``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from citizenbot.settings import SOURCE_LANGUAGES, served_languages

from .report import ERROR, WARNING, Findings

SHOWN_KEYS = 8  # keys listed in one finding; the rest are counted


def _listing(keys: list[str]) -> str:
    shown = ", ".join(keys[:SHOWN_KEYS])
    return shown + (f" and {len(keys) - SHOWN_KEYS} more" if len(keys) > SHOWN_KEYS else "")


class TranslationChecks:
    def __init__(self, found: Findings):
        self.found, self.project = found, found.project

    def run(self, answers: dict[str, tuple[Path, dict]]) -> None:
        """``answers``: the source files' answers (key -> (file, {lang: text}))."""
        from citizenbot.content import PLACEHOLDER_RE, ContentError
        from citizenbot.translations import load_translations, source_sha

        from .content import HARD_CODED_NUMBER_RE

        try:
            translations = load_translations(self.project.kb_dir)
        except ContentError as exc:
            self.found.add(ERROR, "content", str(exc), self.project.answers_dir)
            return
        for lang in served_languages():
            if lang in SOURCE_LANGUAGES:
                continue
            entries = translations.get(lang, {})
            missing = [key for key, (_path, texts) in answers.items()
                       if key not in entries and not str(texts.get(lang) or "").strip()]
            if missing:
                self.found.add(ERROR, "missing-translation", f"{lang}: {len(missing)} of {len(answers)} answers are not "
                               f"translated: {_listing(missing)} (`citizenbot translations export --lang {lang}`)",
                               self.project.answers_dir / lang)
        for lang, entries in sorted(translations.items()):
            drafts: dict[Path, list[str]] = defaultdict(list)
            for key, item in entries.items():
                if key not in answers:
                    self.found.add(WARNING, "stale-translation", f"{lang}: {key} is translated but no longer an answer",
                                   item.path)
                    continue
                source_text = str(answers[key][1].get(item.source) or "")
                if source_sha(source_text) != item.source_sha:
                    self.found.add(ERROR, "outdated", f"{lang}: {key} was translated from an older {item.source} text "
                                   f"(source_sha {item.source_sha}, now {source_sha(source_text)}); update the translation",
                                   item.path)
                if Counter(PLACEHOLDER_RE.findall(item.text)) != Counter(PLACEHOLDER_RE.findall(source_text)):
                    self.found.add(ERROR, "placeholder", f"{lang}: {key} has placeholders "
                                   f"{sorted(PLACEHOLDER_RE.findall(item.text))}, the source "
                                   f"{sorted(PLACEHOLDER_RE.findall(source_text))}", item.path)
                if HARD_CODED_NUMBER_RE.search(item.text):
                    self.found.add(ERROR, "number", f"{lang}: {key} writes a national number itself: keep the "
                                   "source's {placeholder}", item.path)
                if key.startswith("health.") and item.status == "draft" and lang in served_languages():
                    drafts[item.path].append(key)
            for path, keys in drafts.items():
                self.found.add(WARNING, "draft", f"{lang}: {len(keys)} health texts are drafts no native speaker has "
                               f"reviewed: {_listing(keys)}", path)
