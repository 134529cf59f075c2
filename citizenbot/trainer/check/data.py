"""Checks of the training data: taxonomy, domain and rules agree; every topic has enough examples
in every served language; no example is under two intents or is an evaluation question; annotated
entities are names the knowledge base knows."""

from __future__ import annotations

import json
from collections import defaultdict

import yaml

from citizenbot.intents import CONTROL_INTENTS, FALLBACK_INTENT, taxonomy_problems
from citizenbot.settings import served_languages

from ..project import ANNOTATION_RE, Example, comparable, read_examples
from .report import ERROR, WARNING, Findings

MIN_EXAMPLES = 20
KB_ENTITY_KINDS = ("street", "district", "plan", "venue")


class DataChecks:
    def __init__(self, found: Findings, min_examples: int = MIN_EXAMPLES):
        self.found, self.project, self.min_examples = found, found.project, min_examples
        self.topic_kinds: dict[str, str] = {}  # kb/topics.yml: id -> kind

    def run(self) -> list[str] | None:
        """Every check of the training data; returns the taxonomy's topics (None when unreadable)."""
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
                self.check_unknown_intents(examples, intents)
            self.check_duplicates(examples)
            self.check_eval_leaks(examples, set(topics or []) | set(CONTROL_INTENTS))
            self.check_entities(examples)
        return topics

    # --- reading (each failure is an issue, not an exception) -------------------------------

    def _topics(self) -> list[str] | None:
        data = self.found.read_yaml(self.project.topics_file)
        if data is None:
            return None
        entries = [t for t in data.get("topics") or [] if isinstance(t, dict) and t.get("id")]
        self.topic_kinds = {str(t["id"]): str(t.get("kind") or "") for t in entries}
        return [str(t["id"]) for t in entries]

    def _domain_intents(self) -> list[str] | None:
        data = self.found.read_yaml(self.project.domain_file)
        if data is None:
            return None
        return [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]

    def _examples(self) -> list[Example] | None:
        out: list[Example] = []
        broken = False
        for lang in served_languages():
            for path in self.project.nlu_files(lang):
                try:
                    out.extend(read_examples(path, lang))
                except yaml.YAMLError as exc:
                    mark = getattr(exc, "problem_mark", None)
                    self.found.add(ERROR, "yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}", path,
                                   mark.line + 1 if mark else None)
                    broken = True
        return None if broken and not out else out

    # --- checks -----------------------------------------------------------------------------

    def check_taxonomy(self, topics: list[str], intents: list[str]) -> None:
        for topic in topics:
            if topic not in intents:
                self.found.add(ERROR, "taxonomy", f"topic {topic} (kb/topics.yml) is not an intent in domain.yml",
                               self.project.domain_file)
        for problem in taxonomy_problems(self.topic_kinds, intents):
            self.found.add(ERROR, "taxonomy", problem, self.project.domain_file)

    def check_rules(self, intents: list[str]) -> None:
        try:
            handled = self.project.rule_intents()
        except yaml.YAMLError as exc:
            self.found.add(ERROR, "yaml", f"a rules file is not valid YAML: {exc}", self.project.rules_dir)
            return
        for intent in [*intents, FALLBACK_INTENT]:
            if intent not in handled:
                self.found.add(ERROR, "no-rule", f"no dialogue rule handles intent {intent} "
                               f"(answered topics need a rule in data/rules/answers.yml)", self.project.rules_dir)
        for intent, paths in handled.items():
            if intent not in intents and intent != FALLBACK_INTENT:
                self.found.add(ERROR, "no-rule", f"a rule uses intent {intent}, which is not in domain.yml", paths[0])

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
                    self.found.add(ERROR, "no-examples", f"{intent} has no {lang} examples (add at least {self.min_examples} "
                                   f"to data/nlu/{lang}/)", self.project.nlu_dir / lang)
                elif n < self.min_examples:
                    e = first_file[(intent, lang)]
                    self.found.add(ERROR, "few-examples", f"{intent} has {n} {lang} examples; at least {self.min_examples} "
                                   f"are needed (25-40 recommended)", e.path, e.line)

    def check_unknown_intents(self, examples: list[Example], intents: list[str]) -> None:
        known = set(intents)
        for e in examples:
            if e.intent not in known:
                self.found.add(ERROR, "unknown-intent",
                               f"examples for {e.intent}, which is not an intent in domain.yml", e.path, e.line)
                known.add(e.intent)  # once per intent

    def check_duplicates(self, examples: list[Example]) -> None:
        seen: dict[str, Example] = {}
        exact: dict[tuple[str, str, str], Example] = {}
        for e in examples:
            if not e.text.strip():
                self.found.add(ERROR, "duplicate", f"an empty example under {e.intent}", e.path, e.line)
                continue
            # "???" has no words: compared as written
            key = comparable(e.text) or " ".join(e.text.lower().split())
            other = seen.get(key)
            if other is None:
                seen[key] = e
            elif other.intent != e.intent:
                self.found.add(ERROR, "duplicate", f"{e.text!r} is an example of both {other.intent} "
                               f"({self.project.relative(other.path)}:{other.line}) and {e.intent}: keep it under one",
                               e.path, e.line)
            # the same intent: spellings without ä/ö are wanted, only a literal repeat is useless
            twin = exact.setdefault((e.intent, e.lang, " ".join(e.text.lower().split())), e)
            if twin is not e:
                self.found.add(WARNING, "duplicate", f"{e.text!r} is twice under {e.intent} "
                               f"(also {self.project.relative(twin.path)}:{twin.line})", e.path, e.line)

    def check_eval_leaks(self, examples: list[Example], topics: set[str]) -> None:
        train: dict[str, Example] = {}
        for e in examples:
            train.setdefault(comparable(e.text), e)
        for q in self.project.eval_questions():
            e = train.get(comparable(q.text))
            if e is not None:
                self.found.add(ERROR, "eval-leak", f"{e.text!r} ({e.intent}) is an evaluation question "
                               f"({self.project.relative(q.path)}:{q.line}); evaluation questions must never be "
                               f"training examples - rewrite or remove it", e.path, e.line)
            for topic in q.topics:
                if topics and topic not in topics:
                    self.found.add(WARNING, "eval-topic", f"evaluation question names unknown topic {topic}", q.path, q.line)

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
                self.found.add(ERROR, "entity", f"entity type {entity!r} in {e.text!r}: the knowledge base knows "
                               f"{', '.join(KB_ENTITY_KINDS)} (and examples need no annotations: names are looked up "
                               "in the knowledge base)", e.path, e.line)
                continue
            match = index.best(value, kinds=[entity], lang=e.lang)
            if match is None or match.score < 0.9:
                self.found.add(ERROR, "entity", f"{entity} {value!r} in {e.text!r} is not in the knowledge base "
                               f"(kb/{'streets.csv' if entity == 'street' else 'districts.csv' if entity == 'district' else 'plans.yml' if entity == 'plan' else 'outdoor_sports.yml'})",
                               e.path, e.line)
