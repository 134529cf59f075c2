"""``citizenbot topic add``: one new topic in every place it needs, in all three languages.

From a short description file (``citizenbot topic template`` writes one) or interactively, it adds

* the taxonomy entry (``kb/topics.yml``: id, kind, about),
* the intent (``domain.yml``),
* the examples (``data/nlu/<lang>/<domain file>.yml`` for fi, sv, en),
* the answer and the button title ``topic.<id>`` (``kb/answers/<domain>.yml``),
* the dialogue rule (``data/rules/answers.yml``: the intent is answered by ``action_answer``),
* held-out test questions (``tests/eval/heldout.tsv``, never trained on), so the training report
  and the deploy gate measure the new topic.

Everything is checked before anything is written, and every mistake is reported at once: the
description, the id, and the files as they would be (each parsed, NLU files by Rasa's reader, the
knowledge base loaded from a copy as ``citizenbot seed`` would). Then all files are written
together; a last check after writing rolls everything back if it fails.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from citizenbot.settings import SOURCE_LANGUAGES, served_languages

from . import edits, removal
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
MIN_HELD_OUT = 2  # test questions per language: enough that a model that never learned the topic fails

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
held_out:            # 2-5 more questions per language, NOT among the examples: the model is tested on them
  fi:
    - testikysymys yksi
    - testikysymys kaksi
  sv:
    - testfråga ett
    - testfråga två
  en:
    - test question one
    - test question two
"""


class ScaffoldError(ValueError):
    """The description cannot become a topic; ``problems`` lists every mistake found."""

    def __init__(self, problems: str | list[str], where: str = ""):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        text = "\n  ".join(self.problems)
        super().__init__(f"{where}:\n  {text}" if where else text)


@dataclass
class TopicSpec:
    id: str
    kind: str
    about: str
    title: dict[str, str]
    answer: dict[str, str]
    examples: dict[str, list[str]] = field(default_factory=dict)
    held_out: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "description", project: Project | None = None) -> TopicSpec:
        """The description checked; with ``project``, also that the id is free (raises ScaffoldError
        with every problem found)."""
        spec, problems = cls.parse(data)
        if project is not None and spec is not None and spec.id and spec.id in existing_names(project):
            problems.append(f"id: topic {spec.id} already exists (taxonomy, domain or answers); choose another id, "
                            f"or change it with `citizenbot topic update`")
        if problems:
            raise ScaffoldError(problems, where)
        return spec

    @classmethod
    def parse(cls, data: Any) -> tuple[TopicSpec | None, list[str]]:
        """The spec and every problem of the description (the spec is None when it is no mapping)."""
        if not isinstance(data, dict):
            return None, ["expected a mapping with id, kind, about, title, answer, examples, held_out"]
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

        def lists(name: str) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            raw = data.get(name) or {}
            if not isinstance(raw, dict):
                problems.append(f"{name}: give a list per language (fi, sv, en)")
                raw = {}
            for lang in served_languages():
                items = raw.get(lang) or []
                if isinstance(items, str):
                    items = [line[2:] if line.strip().startswith("- ") else line for line in items.splitlines()]
                odd = [e for e in items if not isinstance(e, (str, int, float))]
                if odd:
                    problems.append(f"{name} ({lang}): put quotes around {odd[0]!r} (a ': ' inside makes it YAML)")
                out[lang] = [edits.clean_example(str(e)) for e in items if isinstance(e, (str, int, float))
                             and edits.clean_example(str(e))]
            return out

        examples = lists("examples")
        held_out = lists("held_out")
        for lang in served_languages():
            if not examples[lang]:
                problems.append(f"examples: none in {lang}")
            if len(held_out[lang]) < MIN_HELD_OUT:
                problems.append(f"held_out: {len(held_out[lang])} in {lang}, give at least {MIN_HELD_OUT} questions "
                                "that are not examples (the model is tested on them, never trained)")
            trained = {e.lower() for e in examples[lang]}
            for question in held_out[lang]:
                if question.lower() in trained:
                    problems.append(f"held_out ({lang}): {question!r} is also an example; a test question must "
                                    "not be trained on")
        spec = cls(
            id=str(data.get("id") or "").strip(),
            kind=str(data.get("kind") or "faq").strip(),
            about=" ".join(str(data.get("about") or "").split()),
            title=by_lang("title"),
            answer=by_lang("answer"),
            examples=examples,
            held_out=held_out,
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
        return spec, problems

    @classmethod
    def from_file(cls, path: Path, project: Project | None = None) -> TopicSpec:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ScaffoldError(f"not valid YAML: {exc}", str(path)) from exc
        return cls.from_dict(data, str(path), project)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "about": self.about, "title": self.title,
                "answer": self.answer, "examples": self.examples, "held_out": self.held_out}


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


def plan(project: Project, spec: TopicSpec, changes: FileEdits | None = None) -> FileEdits:
    """The edits that add the topic (nothing written yet), after those already in ``changes``."""
    changes = changes if changes is not None else FileEdits()
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
    heldout = project.heldout_file
    changes.write(heldout, removal.add_heldout(changes.read(heldout), spec.id, spec.held_out))
    return changes


def placeholder_problems(project: Project, spec: TopicSpec) -> list[str]:
    """Each answer's unknown {placeholders}, in every language (the loader reports only the first)."""
    from citizenbot.answer_params import allowed_params
    from citizenbot.content import PLACEHOLDER_RE, ContentError, load_content

    try:
        facts = set(load_content(project.kb_dir, project.city).facts)
    except ContentError:
        return []  # the knowledge base itself is broken: check_staged says so
    allowed = facts | allowed_params(spec.id)
    out = []
    for lang, text in spec.answer.items():
        unknown = set(PLACEHOLDER_RE.findall(text)) - allowed
        if unknown:
            out.append(f"answer {spec.id} ({lang}): unknown placeholder(s) {', '.join('{%s}' % u for u in sorted(unknown))}")
    return out


def check_staged(project: Project, changes: FileEdits) -> list[str]:
    """Every problem of the files as they would be, found without writing them: each parses (NLU
    files by Rasa's reader) and the knowledge base loads from a copy with the staged files in it."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    from citizenbot.content import ContentError, load_content

    problems = []
    for path in changes.paths:
        text = changes.staged[path]
        if path.suffix != ".yml":
            continue
        try:
            load_yaml(text)
        except yaml.YAMLError as exc:
            problems.append(f"{project.relative(path)} would not be valid YAML: {exc}")
            continue
        if path.parent.parent == project.nlu_dir:
            try:
                RasaYAMLReader().reads(text)
            except Exception as exc:  # Rasa raises several types (YamlValidationException, YamlSyntaxException...)
                problems.append(f"{project.relative(path)} would not be valid Rasa NLU YAML: {exc}")
    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp) / "kb"
        shutil.copytree(project.kb_dir, kb)
        for path in changes.paths:
            if project.kb_dir in path.parents:
                (kb / path.relative_to(project.kb_dir)).write_text(changes.staged[path], encoding="utf-8")
        try:
            load_content(kb, project.city)
        except ContentError as exc:  # named as the project's files, not the copy's
            problems.append(f"the knowledge base would not load: {str(exc).replace(str(kb), project.relative(project.kb_dir))}")
    return problems


def verify(project: Project, changed: list[Path] | None = None) -> None:
    """The changed files, as written, still parse (NLU files with Rasa's reader) and the knowledge
    base loads (raises ScaffoldError): the last check after writing."""
    from citizenbot.content import ContentError, load_content

    paths = changed if changed is not None else [
        project.topics_file, project.domain_file, *project.rules_dir.glob("*.yml"),
        *project.answers_dir.glob("*.yml"), *project.nlu_files()]
    for path in paths:
        if path.suffix != ".yml":
            continue
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


def check_description(project: Project, data: Any, where: str = "description",
                      update: bool = False) -> tuple[TopicSpec, FileEdits]:
    """Every mistake of a description at once, before anything is written: its fields, whether the
    id is free (or, for an update, exists), and the files as they would be. Returns the spec and the
    staged edits, or raises ScaffoldError listing all problems."""
    spec, problems = TopicSpec.parse(data)
    changes = FileEdits()
    if spec is not None and TOPIC_ID_RE.match(spec.id):
        exists = spec.id in existing_names(project)
        if exists and not update:
            problems.append(f"id: topic {spec.id} already exists (taxonomy, domain or answers); choose another id, "
                            "or change it with `citizenbot topic update`")
        elif not exists and update:
            problems.append(f"id: there is no topic {spec.id} to update (`citizenbot topic add` makes a new one)")
        elif spec.kind in KINDS:
            problems += placeholder_problems(project, spec)
            try:
                if update:
                    removal.plan_removal(project, spec.id, changes)
                plan(project, spec, changes)
                # the knowledge base loader stops at its first error: one already listed is not repeated
                problems += [p for p in check_staged(project, changes) if not any(p.endswith(q) for q in problems)]
            except ValueError as exc:  # ScaffoldError included
                problems.append(str(exc))
    if problems:
        raise ScaffoldError(problems, where)
    return spec, changes


def _write(project: Project, topic: str, changes: FileEdits, dry_run: bool) -> ScaffoldResult:
    """Write every staged file, or (dry run) none; a last check after writing rolls back."""
    files = [project.relative(p) for p in changes.paths]
    if dry_run:
        return ScaffoldResult(topic, files, True)
    changed = changes.paths
    changes.commit()
    try:
        verify(project, changed)
    except Exception:
        changes.rollback()
        raise
    return ScaffoldResult(topic, files, False)


def add_topic(project: Project, spec: TopicSpec | dict, dry_run: bool = False, where: str = "nothing was written") -> ScaffoldResult:
    data = spec.to_dict() if isinstance(spec, TopicSpec) else spec
    with project.lock():
        checked, changes = check_description(project, data, where)
        return _write(project, checked.id, changes, dry_run)


def update_topic(project: Project, spec: TopicSpec | dict, dry_run: bool = False, where: str = "nothing was written") -> ScaffoldResult:
    """The topic as the description says, in every file (its old entries, examples and test
    questions replaced)."""
    data = spec.to_dict() if isinstance(spec, TopicSpec) else spec
    with project.lock():
        checked, changes = check_description(project, data, where, update=True)
        return _write(project, checked.id, changes, dry_run)


def remove_topic(project: Project, topic: str, dry_run: bool = False) -> ScaffoldResult:
    """The topic taken out of every file a scaffolded topic is in."""
    with project.lock():
        changes = removal.plan_removal(project, topic)
        problems = check_staged(project, changes)
        if problems:
            raise ScaffoldError(problems, "nothing was written")
        return _write(project, topic, changes, dry_run)
