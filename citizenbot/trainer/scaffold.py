"""``citizenbot topic add``: one new topic in every place it needs, in all three languages.

From a short description file (``citizenbot topic template`` writes one) or interactively, it adds

* the taxonomy entry (``kb/topics.yml``: id, kind, about),
* the intent (``domain.yml``),
* the examples (``data/nlu/<lang>/<domain file>.yml`` for fi, sv, en),
* the answer and the button title ``topic.<id>`` (``kb/answers/<domain>.yml``),
* the dialogue rule (``data/rules/answers.yml``: the intent is answered by ``action_answer``).

All files are written together or not at all; each is parsed again (and the knowledge base is
loaded as ``citizenbot seed`` would) before the change is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from citizenbot.settings import SOURCE_LANGUAGES, served_languages

from . import edits
from .project import FileEdits, Project, load_yaml

TOPIC_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
KINDS = ("faq", "meta")
NEEDS_CODE = {
    "lookup": "a lookup topic needs code that queries the knowledge base (citizenbot/replies.py LOOKUPS)",
    "action": "an action topic (fault report, handoff) needs a form or an action (actions/, data/rules/reports.yml)",
}
LANG_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English", "ru": "Russian", "uk": "Ukrainian",
              "et": "Estonian", "ar": "Arabic", "so": "Somali", "fa": "Persian"}


def source_languages() -> list[str]:
    """The served languages answers and titles are written in; the rest are translations."""
    return [lang for lang in served_languages() if lang in SOURCE_LANGUAGES]

TEMPLATE = """\
# A new topic for `citizenbot topic add --from <this file>`. Every text in fi, sv and en.
# Intent = topic id (domain.name, lower case). Rules for examples and answers: docs/content.md.
id: maintenance.example_topic
kind: faq            # faq: answered from the knowledge base (meta for conversation topics)
about: One line for the taxonomy - what residents ask and what the answer covers.
title:               # button label (2-5 words), shown when the assistant offers likely topics
  fi: Esimerkkiaihe
  sv: Exempelämne
  en: Example topic
answer:              # plain text, 1-4 sentences; facts as {placeholders} (docs/content.md)
  fi: |-
    Vastaus suomeksi. Lisätietoja: {city_website}
  sv: |-
    Svar på svenska. Mer information: {city_website}
  en: |-
    The answer in English. More information: {city_website}
examples:            # as residents write: at least 20 per language, varied, no evaluation questions
  fi:
    - ensimmäinen esimerkki
  sv:
    - första exemplet
  en:
    - first example
"""


class ScaffoldError(ValueError):
    """The description cannot become a topic; the message says what to fix."""


@dataclass
class TopicSpec:
    id: str
    kind: str
    about: str
    title: dict[str, str]
    answer: dict[str, str]
    examples: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "description") -> TopicSpec:
        if not isinstance(data, dict):
            raise ScaffoldError(f"{where}: expected a mapping with id, kind, about, title, answer, examples")
        problems = []

        def by_lang(name: str) -> dict[str, str]:
            value = data.get(name) or {}
            if not isinstance(value, dict):
                problems.append(f"{name}: give one text per language (fi, sv, en)")
                return {}
            # written in the source languages; the others are translated (`citizenbot translations`)
            out = {lang: str(value.get(lang) or "").strip() for lang in source_languages()}
            missing = [lang for lang in source_languages() if not out[lang]]
            if missing:
                problems.append(f"{name}: missing {', '.join(missing)}")
            return out

        examples: dict[str, list[str]] = {}
        raw = data.get("examples") or {}
        if not isinstance(raw, dict):
            problems.append("examples: give a list per language (fi, sv, en)")
            raw = {}
        for lang in served_languages():
            items = raw.get(lang) or []
            if isinstance(items, str):
                items = [line[2:] if line.strip().startswith("- ") else line for line in items.splitlines()]
            odd = [e for e in items if not isinstance(e, (str, int, float))]
            if odd:
                problems.append(f"examples ({lang}): put quotes around {odd[0]!r} (a ': ' inside makes it YAML)")
            examples[lang] = [edits.clean_example(e) for e in items if isinstance(e, (str, int, float))
                              and edits.clean_example(str(e))]
            if not examples[lang]:
                problems.append(f"examples: none in {lang}")
        spec = cls(
            id=str(data.get("id") or "").strip(),
            kind=str(data.get("kind") or "faq").strip(),
            about=" ".join(str(data.get("about") or "").split()),
            title=by_lang("title"),
            answer=by_lang("answer"),
            examples=examples,
        )
        if not spec.id:
            problems.append("id: missing")
        elif not TOPIC_ID_RE.match(spec.id):
            problems.append(f"id: {spec.id!r} must look like domain.name (lower case letters, digits, _)")
        if spec.kind in NEEDS_CODE:
            problems.append(f"kind: {spec.kind}: {NEEDS_CODE[spec.kind]}; scaffold it as faq or ask a developer")
        elif spec.kind not in KINDS:
            problems.append(f"kind: must be one of {', '.join(KINDS)}")
        if not spec.about:
            problems.append("about: missing (one line for the taxonomy)")
        if problems:
            raise ScaffoldError(f"{where}:\n  " + "\n  ".join(problems))
        return spec

    @classmethod
    def from_file(cls, path: Path) -> TopicSpec:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ScaffoldError(f"{path}: not valid YAML: {exc}") from exc
        return cls.from_dict(data, str(path))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "about": self.about, "title": self.title,
                "answer": self.answer, "examples": self.examples}


@dataclass
class ScaffoldResult:
    topic: str
    files: list[str]
    dry_run: bool


def existing_names(project: Project) -> set[str]:
    names = set(project.topic_ids()) | set(project.domain_intents())
    for path in project.answers_dir.glob("*.yml"):
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        names |= set(data.get("answers") or {})
        names |= {k[len("topic."):] for k in data.get("labels") or {} if k.startswith("topic.")}
    return names


def plan(project: Project, spec: TopicSpec) -> FileEdits:
    """The edits that add the topic (nothing written yet)."""
    if spec.id in existing_names(project):
        raise ScaffoldError(f"topic {spec.id} already exists (taxonomy, domain or answers); choose another id")
    changes = FileEdits()
    changes.write(project.topics_file, edits.insert_topic(changes.read(project.topics_file) or "", spec.id, spec.kind, spec.about))
    changes.write(project.domain_file, edits.insert_domain_intent(changes.read(project.domain_file) or "", spec.id))
    rules = project.answer_rules_file
    changes.write(rules, edits.append_answer_rule(changes.read(rules) or "", spec.id))
    answers = edits.answers_file_for(project, spec.id)
    header = f"Answers for the {edits.domain_of(spec.id)} topics (docs/content.md)."
    text = edits.insert_answer(changes.read(answers), spec.id, spec.answer, header=header)
    changes.write(answers, edits.insert_label(text, f"topic.{spec.id}", spec.title))
    for lang in served_languages():
        path = edits.nlu_file_for(project, lang, spec.id)
        changes.write(path, edits.add_examples(changes.read(path), spec.id, spec.examples[lang]))
    return changes


def verify(project: Project, changed: list[Path] | None = None) -> None:
    """The changed files still parse (NLU files with Rasa's reader) and the knowledge base loads
    (raises ScaffoldError)."""
    from citizenbot.content import ContentError, load_content

    paths = changed if changed is not None else [
        project.topics_file, project.domain_file, *project.rules_dir.glob("*.yml"),
        *project.answers_dir.glob("*.yml"), *project.nlu_files()]
    for path in paths:
        try:
            load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ScaffoldError(f"{project.relative(path)} would not be valid YAML: {exc}") from exc
        if path.parent.parent == project.nlu_dir:
            validate_nlu_file(path)
    try:
        load_content(project.kb_dir, project.city)
    except ContentError as exc:
        raise ScaffoldError(f"the knowledge base would not load: {exc}") from exc


def validate_nlu_file(path: Path) -> None:
    """Rasa's own reader (with its schema) accepts the file."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    try:
        RasaYAMLReader().read(str(path))
    except Exception as exc:  # Rasa raises several types (YamlValidationException, YamlSyntaxException...)
        raise ScaffoldError(f"{path} is not valid Rasa NLU YAML: {exc}") from exc


def add_topic(project: Project, spec: TopicSpec, dry_run: bool = False) -> ScaffoldResult:
    with project.lock():
        changes = plan(project, spec)
        files = [project.relative(p) for p in changes.paths]
        if dry_run:
            return ScaffoldResult(spec.id, files, True)
        changed = changes.paths
        changes.commit()
        try:
            verify(project, changed)
        except Exception:
            changes.rollback()
            raise
    return ScaffoldResult(spec.id, files, False)


def ask_spec(ask: Callable[[str], str] = input, say: Callable[[str], None] = print) -> TopicSpec:
    """The description, asked question by question (an empty line ends a list or a text)."""

    def line(prompt: str, default: str = "") -> str:
        answer = ask(f"{prompt}{f' [{default}]' if default else ''}: ").strip()
        return answer or default

    def lines(prompt: str) -> list[str]:
        say(f"{prompt} (one per line, an empty line ends)")
        out = []
        while True:
            value = ask("  > ").rstrip()
            if not value:
                return out
            out.append(value)

    say("A new topic: every text in Finnish, Swedish and English (docs/content.md has the rules).")
    data: dict[str, Any] = {"id": line("Topic id (domain.name, e.g. maintenance.dog_parks)"),
                            "kind": line("Kind (faq or meta)", "faq"),
                            "about": line("About (one line for the taxonomy)"),
                            "title": {}, "answer": {}, "examples": {}}
    for lang in source_languages():
        data["title"][lang] = line(f"Button title in {LANG_NAMES[lang]} (2-5 words)")
    for lang in source_languages():
        data["answer"][lang] = "\n".join(lines(f"Answer in {LANG_NAMES[lang]}; a blank line inside is not possible here, "
                                               "edit the answers file for paragraphs"))
    for lang in served_languages():
        data["examples"][lang] = lines(f"Examples in {LANG_NAMES[lang]} (at least 20, as residents write)")
    return TopicSpec.from_dict(data, "your answers")
