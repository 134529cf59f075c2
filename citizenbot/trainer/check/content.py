"""Checks of the content: every topic has an answer and a button title in every served language,
placeholders resolve, national numbers come from facts, the knowledge base loads as
``citizenbot seed`` would, and the links work."""

from __future__ import annotations

import re
from pathlib import Path

from citizenbot.settings import SOURCE_LANGUAGES, served_languages

from . import links
from .report import ERROR, WARNING, Findings
from .translations import TranslationChecks

HARD_CODED_NUMBER_RE = re.compile(r"\b112\b|116\s?117|0800\s?147")


class ContentChecks:
    def __init__(self, found: Findings, check_links_online: bool = False, link_timeout: float = 10.0):
        self.found, self.project = found, found.project
        self.online, self.link_timeout = check_links_online, link_timeout

    def run(self, topics: list[str] | None) -> None:
        answers, labels = self._answers()
        if topics is not None:
            self.check_answers(topics, answers, labels)
        self.check_content()
        self.check_links(answers)
        TranslationChecks(self.found).run(answers)

    def _answers(self) -> tuple[dict[str, tuple[Path, dict]], dict[str, tuple[Path, dict]]]:
        answers: dict[str, tuple[Path, dict]] = {}
        labels: dict[str, tuple[Path, dict]] = {}
        for path in sorted(self.project.answers_dir.glob("*.yml")):
            data = self.found.read_yaml(path) or {}
            for section, into in (("answers", answers), ("labels", labels)):
                for key, value in (data.get(section) or {}).items():
                    if key in into:
                        self.found.add(ERROR, "content", f"{section[:-1]} {key} is defined twice "
                                       f"(also in {self.project.relative(into[key][0])})", path)
                    into[str(key)] = (path, value if isinstance(value, dict) else {lang: value for lang in served_languages()})
        return answers, labels

    # --- checks -----------------------------------------------------------------------------
    def check_answers(self, topics: list[str], answers: dict, labels: dict) -> None:
        for topic in topics:
            if topic not in answers:
                self.found.add(ERROR, "no-answer", f"topic {topic} has no answer in kb/answers/ (fi, sv and en)",
                               self.project.answers_dir)
            if f"topic.{topic}" not in labels:
                self.found.add(ERROR, "no-answer", f"topic {topic} has no button title topic.{topic} in the labels of "
                               f"kb/answers/", self.project.answers_dir)
        for kind, entries in (("answer", answers), ("label", labels)):
            for key, (path, texts) in entries.items():
                # the source languages here; translations are checked by translations.py
                missing = [lang for lang in served_languages()
                           if lang in SOURCE_LANGUAGES and not str(texts.get(lang) or "").strip()]
                if missing:
                    self.found.add(ERROR, "no-answer", f"{kind} {key} has no {', '.join(missing)} text", path,
                                   _line_of(path, key))
        facts = self._facts()
        if facts is None:
            return
        from citizenbot.answer_params import allowed_params
        from citizenbot.content import PLACEHOLDER_RE

        for key, (path, texts) in answers.items():
            allowed = set(facts) | allowed_params(key)
            for lang in texts:
                text = str(texts.get(lang) or "")
                unknown = sorted(set(PLACEHOLDER_RE.findall(text)) - allowed)
                if unknown:
                    self.found.add(ERROR, "placeholder", f"answer {key} ({lang}): unknown placeholder(s) "
                                   f"{', '.join('{' + u + '}' for u in unknown)} (docs/content.md lists them)",
                                   path, _line_of(path, key))
                if HARD_CODED_NUMBER_RE.search(text):
                    self.found.add(ERROR, "number", f"answer {key} ({lang}) writes a national number itself: use "
                                   "{emergency_number}, {medical_helpline} or {poison_centre_phone}", path, _line_of(path, key))

    def _facts(self) -> dict[str, dict[str, str]] | None:
        """The facts answers may use; when the knowledge base does not load because of an answer,
        the facts are loaded without the answers, so every answer's problems are still listed."""
        if not hasattr(self, "_facts_cache"):
            self._facts_cache = self._load_facts()
        return self._facts_cache

    def _load_facts(self) -> dict[str, dict[str, str]] | None:
        try:
            return self._content().facts
        except Exception:  # reported by check_content
            pass
        import shutil
        import tempfile

        from citizenbot.content import load_content

        with tempfile.TemporaryDirectory() as tmp:
            kb = Path(tmp) / "kb"
            shutil.copytree(self.project.kb_dir, kb, ignore=shutil.ignore_patterns("answers"))
            (kb / "answers").mkdir()
            try:
                return load_content(kb, self.project.city).facts
            except Exception:
                return None

    def _content(self):
        if not hasattr(self, "_content_cache"):
            from citizenbot.content import load_content

            try:
                self._content_cache = load_content(self.project.kb_dir, self.project.city)
            except Exception as exc:
                self._content_cache = exc
        if isinstance(self._content_cache, Exception):
            raise self._content_cache
        return self._content_cache

    def check_content(self) -> None:
        from citizenbot.content import ContentError

        try:
            self._content()
        except ContentError as exc:
            message = str(exc)
            if not self.found.has("no-answer", "placeholder", "content", "yaml"):
                self.found.add(ERROR, "content", f"the knowledge base does not load (citizenbot seed would fail): {message}",
                               self.project.kb_dir)
        except Exception as exc:  # a file that is missing or unreadable
            self.found.add(ERROR, "content", f"the knowledge base does not load: {exc}", self.project.kb_dir)

    def check_links(self, answers: dict) -> None:
        facts = self._facts()
        if facts is None:
            return
        from citizenbot.content import render

        urls: dict[str, tuple[str, Path, str]] = {}  # url -> (where, path, key)
        for key, (path, texts) in answers.items():
            for lang in served_languages():
                rendered = render(str(texts.get(lang) or ""), lang, facts)
                for url in links.urls_in(rendered):
                    urls.setdefault(url, (f"answer {key} ({lang})", path, key))
        try:
            plans = self._content().plans
        except Exception:  # reported by check_content
            plans = []
        for plan in plans:
            if plan.get("url"):
                urls.setdefault(str(plan["url"]), (f"plan {plan['number']}", self.project.kb_dir / "plans.yml", ""))
        good: list[str] = []
        for url, (where, path, key) in urls.items():
            problem = links.link_problem(url)
            line = _line_of(path, key) if key else None
            if problem:
                self.found.add(ERROR, "link", f"{where}: broken link {url!r}: {problem}", path, line)
                continue
            if url.lower().startswith("http://"):
                self.found.add(WARNING, "link", f"{where}: {url} is not https", path, line)
            good.append(url)
        if self.online and good:
            for url, status in links.check_urls_online(good, self.link_timeout).items():
                if status is not None:
                    where, path, key = urls[url]
                    self.found.add(ERROR, "link", f"{where}: {url} does not answer: {status}", path,
                                   _line_of(path, key) if key else None)


def _line_of(path: Path, key: str) -> int | None:
    if not key or not Path(path).is_file():
        return None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(line):
            return n
    return None
