"""``citizenbot data check``: what a trainer must fix before training, with clear messages.

Errors (exit 1):

* ``taxonomy``        a topic of kb/topics.yml is not an intent of domain.yml, or the other way round
* ``no-rule``         an intent no dialogue rule handles (or a rule for an unknown intent)
* ``no-examples``     a topic without examples in a language
* ``few-examples``    fewer than the minimum number of examples in a language (default 20)
* ``unknown-intent``  examples for an intent that is not in domain.yml
* ``duplicate``       the same example under two intents (case, ä/ö and punctuation ignored)
* ``eval-leak``       an example that is an evaluation question (tests/eval/*.tsv)
* ``entity``          an annotated entity ([text](type)) the knowledge base does not know
* ``no-answer``       a topic without an answer or a button title, or a text missing a language
* ``placeholder``     an answer {placeholder} that does not resolve
* ``content``         anything else that stops the knowledge base from loading (citizenbot seed)
* ``link``            a malformed link in an answer; with ``--links`` also links that do not answer
* ``number``          an answer that writes 112 / 116117 / the poison centre's number itself
* ``yaml``            a file that is not valid YAML

Warnings (reported, exit 0): the same example twice under one intent, a plain ``http://`` link,
an evaluation question naming an unknown topic.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from citizenbot.intents import CONTROL_INTENTS, FALLBACK_INTENT, taxonomy_problems
from citizenbot.settings import served_languages

from .project import ANNOTATION_RE, Example, Project, comparable, load_yaml

MIN_EXAMPLES = 20
ERROR, WARNING = "error", "warning"
URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'{}]*(?:\{[a-z0-9_]+\}[^\s<>\"'{}]*)*", re.IGNORECASE)
HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)
HARD_CODED_NUMBER_RE = re.compile(r"\b112\b|116\s?117|0800\s?147")
KB_ENTITY_KINDS = ("street", "district", "plan", "venue")


@dataclass(frozen=True)
class Issue:
    level: str
    code: str
    message: str
    path: str | None = None
    line: int | None = None

    def format(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else (f"{self.path}: " if self.path else "")
        return f"{where}{self.level} [{self.code}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self, level: str | None = None) -> set[str]:
        return {i.code for i in self.issues if level is None or i.level == level}

    def format(self) -> str:
        lines = [i.format() for i in sorted(self.issues, key=lambda i: (i.level != ERROR, i.code, i.path or "", i.line or 0))]
        summary = f"data check: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        if self.ok:
            summary += " - ready to train"
        else:
            summary += " - fix the errors before training (each line names the file and line)"
        return "\n".join(lines + [summary])

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": len(self.errors), "warnings": len(self.warnings),
                "issues": [i.to_dict() for i in self.issues]}


class Checker:
    def __init__(self, project: Project, min_examples: int = MIN_EXAMPLES, check_links_online: bool = False,
                 link_timeout: float = 10.0):
        self.project = project
        self.min_examples = min_examples
        self.online = check_links_online
        self.link_timeout = link_timeout
        self.issues: list[Issue] = []
        self.topic_kinds: dict[str, str] = {}  # kb/topics.yml: id -> kind

    def add(self, level: str, code: str, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.issues.append(Issue(level, code, message, self.project.relative(path) if path else None, line))

    # ---------------------------------------------------------------------------------------

    def run(self) -> Report:
        topics = self._topics()
        intents = self._domain_intents()
        examples = self._examples()
        if topics is not None and intents is not None:
            self.check_taxonomy(topics, intents)
        if intents is not None:
            self.check_rules(intents)
        if topics is not None and examples is not None:
            self.check_example_counts(topics, examples)
        if examples is not None:
            if intents is not None:
                known = set(intents)
                for e in examples:
                    if e.intent not in known:
                        self.add(ERROR, "unknown-intent", f"examples for {e.intent}, which is not an intent in domain.yml",
                                 e.path, e.line)
                        known.add(e.intent)  # once per intent
            self.check_duplicates(examples)
            self.check_eval_leaks(examples, set(topics or []) | set(CONTROL_INTENTS))
            self.check_entities(examples)
        answers, labels = self._answers()
        if topics is not None:
            self.check_answers(topics, answers, labels)
        self.check_content()
        self.check_links(answers)
        return Report(self.issues)

    # --- reading (each failure is an issue, not an exception) -------------------------------

    def _yaml(self, path: Path) -> Any:
        try:
            return load_yaml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.add(ERROR, "yaml", "file is missing", path)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.add(ERROR, "yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}", path,
                     mark.line + 1 if mark else None)
        return None

    def _topics(self) -> list[str] | None:
        data = self._yaml(self.project.topics_file)
        if data is None:
            return None
        entries = [t for t in data.get("topics") or [] if isinstance(t, dict) and t.get("id")]
        self.topic_kinds = {str(t["id"]): str(t.get("kind") or "") for t in entries}
        return [str(t["id"]) for t in entries]

    def _domain_intents(self) -> list[str] | None:
        data = self._yaml(self.project.domain_file)
        if data is None:
            return None
        return [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]

    def _examples(self) -> list[Example] | None:
        from .project import read_examples

        out: list[Example] = []
        broken = False
        for lang in served_languages():
            for path in self.project.nlu_files(lang):
                try:
                    out.extend(read_examples(path, lang))
                except yaml.YAMLError as exc:
                    mark = getattr(exc, "problem_mark", None)
                    self.add(ERROR, "yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}", path,
                             mark.line + 1 if mark else None)
                    broken = True
        return None if broken and not out else out

    def _answers(self) -> tuple[dict[str, tuple[Path, dict]], dict[str, tuple[Path, dict]]]:
        answers: dict[str, tuple[Path, dict]] = {}
        labels: dict[str, tuple[Path, dict]] = {}
        for path in sorted(self.project.answers_dir.glob("*.yml")):
            data = self._yaml(path) or {}
            for section, into in (("answers", answers), ("labels", labels)):
                for key, value in (data.get(section) or {}).items():
                    if key in into:
                        self.add(ERROR, "content", f"{section[:-1]} {key} is defined twice "
                                 f"(also in {self.project.relative(into[key][0])})", path)
                    into[str(key)] = (path, value if isinstance(value, dict) else {lang: value for lang in served_languages()})
        return answers, labels

    # --- checks -----------------------------------------------------------------------------

    def check_taxonomy(self, topics: list[str], intents: list[str]) -> None:
        for topic in topics:
            if topic not in intents:
                self.add(ERROR, "taxonomy", f"topic {topic} (kb/topics.yml) is not an intent in domain.yml",
                         self.project.domain_file)
        for problem in taxonomy_problems(self.topic_kinds, intents):
            self.add(ERROR, "taxonomy", problem, self.project.domain_file)

    def check_rules(self, intents: list[str]) -> None:
        try:
            handled = self.project.rule_intents()
        except yaml.YAMLError as exc:
            self.add(ERROR, "yaml", f"a rules file is not valid YAML: {exc}", self.project.rules_dir)
            return
        for intent in [*intents, FALLBACK_INTENT]:
            if intent not in handled:
                self.add(ERROR, "no-rule", f"no dialogue rule handles intent {intent} "
                         f"(answered topics need a rule in data/rules/answers.yml)", self.project.rules_dir)
        for intent, paths in handled.items():
            if intent not in intents and intent != FALLBACK_INTENT:
                self.add(ERROR, "no-rule", f"a rule uses intent {intent}, which is not in domain.yml", paths[0])

    def check_example_counts(self, topics: list[str], examples: list[Example]) -> None:
        counts: dict[tuple[str, str], int] = defaultdict(int)
        first_file: dict[tuple[str, str], Example] = {}
        for e in examples:
            counts[(e.intent, e.lang)] += 1
            first_file.setdefault((e.intent, e.lang), e)
        for intent in [*topics, *CONTROL_INTENTS]:
            for lang in served_languages():
                n = counts.get((intent, lang), 0)
                if n == 0:
                    self.add(ERROR, "no-examples", f"{intent} has no {lang} examples (add at least {self.min_examples} "
                             f"to data/nlu/{lang}/)", self.project.nlu_dir / lang)
                elif n < self.min_examples:
                    e = first_file[(intent, lang)]
                    self.add(ERROR, "few-examples", f"{intent} has {n} {lang} examples; at least {self.min_examples} "
                             f"are needed (25-40 recommended)", e.path, e.line)

    def check_duplicates(self, examples: list[Example]) -> None:
        seen: dict[str, Example] = {}
        exact: dict[tuple[str, str, str], Example] = {}
        for e in examples:
            if not e.text.strip():
                self.add(ERROR, "duplicate", f"an empty example under {e.intent}", e.path, e.line)
                continue
            # "???" has no words: compared as written
            key = comparable(e.text) or " ".join(e.text.lower().split())
            other = seen.get(key)
            if other is None:
                seen[key] = e
            elif other.intent != e.intent:
                self.add(ERROR, "duplicate", f"{e.text!r} is an example of both {other.intent} "
                         f"({self.project.relative(other.path)}:{other.line}) and {e.intent}: keep it under one",
                         e.path, e.line)
            # the same intent: spellings without ä/ö are wanted, only a literal repeat is useless
            twin = exact.setdefault((e.intent, e.lang, " ".join(e.text.lower().split())), e)
            if twin is not e:
                self.add(WARNING, "duplicate", f"{e.text!r} is twice under {e.intent} "
                         f"(also {self.project.relative(twin.path)}:{twin.line})", e.path, e.line)

    def check_eval_leaks(self, examples: list[Example], topics: set[str]) -> None:
        train: dict[str, Example] = {}
        for e in examples:
            train.setdefault(comparable(e.text), e)
        for q in self.project.eval_questions():
            e = train.get(comparable(q.text))
            if e is not None:
                self.add(ERROR, "eval-leak", f"{e.text!r} ({e.intent}) is an evaluation question "
                         f"({self.project.relative(q.path)}:{q.line}); evaluation questions must never be "
                         f"training examples - rewrite or remove it", e.path, e.line)
            for topic in q.topics:
                if topics and topic not in topics:
                    self.add(WARNING, "eval-topic", f"evaluation question names unknown topic {topic}", q.path, q.line)

    def check_entities(self, examples: list[Example]) -> None:
        annotated = [(e, m) for e in examples for m in ANNOTATION_RE.finditer(e.text)]
        if not annotated:
            return
        from citizenbot.gazetteer import name_entries
        from citizenbot.names import NameIndex

        index = NameIndex(name_entries(self.project.kb_dir))
        for e, m in annotated:
            value = m.group("value")
            entity = m.group("entity")
            if entity is None:
                try:
                    entity = (json.loads("{" + (m.group("json") or "") + "}") or {}).get("entity")
                except ValueError:
                    entity = None
            entity = (entity or "").split(":")[0].split("@")[0].strip()
            if entity not in KB_ENTITY_KINDS:
                self.add(ERROR, "entity", f"entity type {entity!r} in {e.text!r}: the knowledge base knows "
                         f"{', '.join(KB_ENTITY_KINDS)} (and examples need no annotations: names are looked up "
                         "in the knowledge base)", e.path, e.line)
                continue
            match = index.best(value, kinds=[entity], lang=e.lang)
            if match is None or match.score < 0.9:
                self.add(ERROR, "entity", f"{entity} {value!r} in {e.text!r} is not in the knowledge base "
                         f"(kb/{'streets.csv' if entity == 'street' else 'districts.csv' if entity == 'district' else 'plans.yml' if entity == 'plan' else 'outdoor_sports.yml'})",
                         e.path, e.line)

    def check_answers(self, topics: list[str], answers: dict, labels: dict) -> None:
        for topic in topics:
            if topic not in answers:
                self.add(ERROR, "no-answer", f"topic {topic} has no answer in kb/answers/ (fi, sv and en)",
                         self.project.answers_dir)
            if f"topic.{topic}" not in labels:
                self.add(ERROR, "no-answer", f"topic {topic} has no button title topic.{topic} in the labels of "
                         f"kb/answers/", self.project.answers_dir)
        for kind, entries in (("answer", answers), ("label", labels)):
            for key, (path, texts) in entries.items():
                missing = [lang for lang in served_languages() if not str(texts.get(lang) or "").strip()]
                if missing:
                    self.add(ERROR, "no-answer", f"{kind} {key} has no {', '.join(missing)} text", path,
                             _line_of(path, key))
        facts = self._facts()
        if facts is None:
            return
        from citizenbot.answer_params import allowed_params
        from citizenbot.content import PLACEHOLDER_RE

        for key, (path, texts) in answers.items():
            allowed = set(facts) | allowed_params(key)
            for lang in served_languages():
                text = str(texts.get(lang) or "")
                unknown = sorted(set(PLACEHOLDER_RE.findall(text)) - allowed)
                if unknown:
                    self.add(ERROR, "placeholder", f"answer {key} ({lang}): unknown placeholder(s) "
                             f"{', '.join('{' + u + '}' for u in unknown)} (docs/content.md lists them)",
                             path, _line_of(path, key))
                if HARD_CODED_NUMBER_RE.search(text):
                    self.add(ERROR, "number", f"answer {key} ({lang}) writes a national number itself: use "
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
            if not any(i.code in ("no-answer", "placeholder", "content", "yaml") for i in self.issues):
                self.add(ERROR, "content", f"the knowledge base does not load (citizenbot seed would fail): {message}",
                         self.project.kb_dir)
        except Exception as exc:  # a file that is missing or unreadable
            self.add(ERROR, "content", f"the knowledge base does not load: {exc}", self.project.kb_dir)

    def check_links(self, answers: dict) -> None:
        facts = self._facts()
        if facts is None:
            return
        from citizenbot.content import render

        found: dict[str, tuple[str, Path, str]] = {}  # url -> (where, path, key)
        for key, (path, texts) in answers.items():
            for lang in served_languages():
                rendered = render(str(texts.get(lang) or ""), lang, facts)
                for url in _urls(rendered):
                    found.setdefault(url, (f"answer {key} ({lang})", path, key))
        try:
            plans = self._content().plans
        except Exception:  # reported by check_content
            plans = []
        for plan in plans:
            if plan.get("url"):
                found.setdefault(str(plan["url"]), (f"plan {plan['number']}", self.project.kb_dir / "plans.yml", ""))
        good: list[str] = []
        for url, (where, path, key) in found.items():
            problem = link_problem(url)
            line = _line_of(path, key) if key else None
            if problem:
                self.add(ERROR, "link", f"{where}: broken link {url!r}: {problem}", path, line)
                continue
            if url.lower().startswith("http://"):
                self.add(WARNING, "link", f"{where}: {url} is not https", path, line)
            good.append(url)
        if self.online and good:
            for url, status in check_urls_online(good, self.link_timeout).items():
                if status is not None:
                    where, path, key = found[url]
                    self.add(ERROR, "link", f"{where}: {url} does not answer: {status}", path,
                             _line_of(path, key) if key else None)


def _urls(text: str) -> Iterable[str]:
    for m in URL_RE.finditer(text):
        yield m.group(0).rstrip(".,;:!?)")


def link_problem(url: str) -> str | None:
    """Why the link cannot work (None when it looks right)."""
    if "{" in url or "}" in url:
        return "an unresolved {placeholder}"
    if url.lower().startswith("www."):
        return "the address needs https:// in front"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return str(exc)
    if parts.scheme.lower() not in ("http", "https"):
        return "only http(s) links work in the chat"
    host = parts.hostname or ""
    if not host or not HOST_RE.match(host):
        return f"{host or 'no host'} is not a valid host name"
    if " " in url:
        return "contains a space"
    return None


def check_urls_online(urls: list[str], timeout: float = 10.0) -> dict[str, str | None]:
    """url -> None when it answers (2xx/3xx), else the HTTP status or the error."""

    def one(url: str) -> tuple[str, str | None]:
        for method in ("HEAD", "GET"):
            request = urllib.request.Request(url, method=method, headers={"User-Agent": "citizenbot-data-check"})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    if response.status < 400:
                        return url, None
                    status = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                status = f"HTTP {exc.code}"
                if method == "HEAD" and exc.code in (403, 405, 501):
                    continue  # some servers refuse HEAD: try GET
            except (urllib.error.URLError, OSError, ValueError) as exc:
                status = str(getattr(exc, "reason", exc))
            return url, status
        return url, status

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(one, urls))


def _line_of(path: Path, key: str) -> int | None:
    if not key or not Path(path).is_file():
        return None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(line):
            return n
    return None


def run_check(project: Project, min_examples: int = MIN_EXAMPLES, links: bool = False) -> Report:
    return Checker(project, min_examples=min_examples, check_links_online=links).run()
