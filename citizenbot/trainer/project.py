"""The project's files as the trainer tools see them: topics, domain, rules, examples, eval sets.

A ``Project`` is a folder with the normal layout (``domain.yml``, ``config.yml``, ``data/``,
``kb/``, ``tests/eval/``); by default the checkout itself, in tests a temporary copy.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from citizenbot.settings import served_languages
from citizenbot.text import fold, words

# libyaml when present: the training data is large and the pure-Python parser slow
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    return yaml.load(text, Loader=SafeLoader)
# Rasa's entity annotation in an example: [Hämeenkatu](street) or [Hämeenkatu]{"entity": "street"}
ANNOTATION_RE = re.compile(r"\[(?P<value>[^\]]+)\](?:\((?P<entity>[^)]+)\)|\{(?P<json>[^}]*)\})")


def comparable(text: str) -> str:
    """Case, ä/ö/å, punctuation and entity markup do not make two examples different."""
    text = ANNOTATION_RE.sub(lambda m: m.group("value"), text)
    return " ".join(fold(w) for w in words(text))


@dataclass(frozen=True)
class Example:
    intent: str
    lang: str
    text: str
    path: Path
    line: int  # 1-based line in the file


@dataclass(frozen=True)
class EvalQuestion:
    lang: str
    topics: tuple[str, ...]
    text: str
    path: Path
    line: int


@dataclass(frozen=True)
class Project:
    root: Path
    city: str = "tampere"

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def default(cls, root: str | Path | None = None, city: str | None = None) -> Project:
        from citizenbot.settings import PROJECT_ROOT, get_settings

        root = Path(root or os.environ.get("CITIZENBOT_PROJECT") or PROJECT_ROOT).resolve()
        return cls(root, city or get_settings().city)

    # --- paths -------------------------------------------------------------------------------

    @property
    def domain_file(self) -> Path:
        return self.root / "domain.yml"

    @property
    def config_file(self) -> Path:
        return self.root / "config.yml"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def nlu_dir(self) -> Path:
        return self.data_dir / "nlu"

    @property
    def rules_dir(self) -> Path:
        return self.data_dir / "rules"

    @property
    def answer_rules_file(self) -> Path:
        return self.rules_dir / "answers.yml"

    @property
    def kb_dir(self) -> Path:
        return self.root / "kb"

    @property
    def topics_file(self) -> Path:
        return self.kb_dir / "topics.yml"

    @property
    def answers_dir(self) -> Path:
        return self.kb_dir / "answers"

    @property
    def eval_dir(self) -> Path:
        return self.root / "tests" / "eval"

    @property
    def heldout_file(self) -> Path:
        return self.eval_dir / "heldout.tsv"

    @property
    def heldout_files(self) -> list[Path]:
        """The held-out sets the training gate evaluates: heldout.tsv and a language's own
        heldout_<lang>.tsv (written without looking at that language's training examples)."""
        return [self.heldout_file, *sorted(self.eval_dir.glob("heldout_*.tsv"))]

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def state_dir(self) -> Path:
        """Trainer state (deployments, training times, evaluations, drafts): var/ is not versioned."""
        return self.root / "var" / "trainer"

    @property
    def results_dir(self) -> Path:
        return self.root / "results" / "trainer"

    def relative(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    # --- reading -----------------------------------------------------------------------------

    def topics(self) -> list[dict[str, Any]]:
        data = load_yaml(self.topics_file.read_text(encoding="utf-8")) or {}
        return [t for t in data.get("topics") or [] if isinstance(t, dict) and t.get("id")]

    def topic_ids(self) -> list[str]:
        return [str(t["id"]) for t in self.topics()]

    def domain(self) -> dict[str, Any]:
        return load_yaml(self.domain_file.read_text(encoding="utf-8")) or {}

    def domain_intents(self) -> list[str]:
        return [i if isinstance(i, str) else next(iter(i)) for i in self.domain().get("intents") or []]

    def nlu_files(self, lang: str | None = None) -> list[Path]:
        langs = [lang] if lang else list(served_languages())
        return [p for code in langs for p in sorted((self.nlu_dir / code).glob("*.yml"))]

    def examples(self) -> list[Example]:
        out: list[Example] = []
        for lang in served_languages():
            for path in self.nlu_files(lang):
                out.extend(read_examples(path, lang))
        return out

    def rule_intents(self) -> dict[str, list[Path]]:
        """Intent -> the rule files that handle it."""
        intents: dict[str, list[Path]] = {}
        for path in sorted(self.rules_dir.glob("*.yml")):
            data = load_yaml(path.read_text(encoding="utf-8")) or {}
            for rule in data.get("rules") or []:
                for step in rule.get("steps") or []:
                    names = [step.get("intent")] + [alt.get("intent") for alt in step.get("or") or []]
                    for name in names:
                        if name:
                            intents.setdefault(name, []).append(path)
        return intents

    def eval_files(self) -> list[Path]:
        return sorted(self.eval_dir.glob("*.tsv"))

    def eval_questions(self, files: list[Path] | None = None) -> list[EvalQuestion]:
        questions = []
        for path in files if files is not None else self.eval_files():
            questions.extend(read_eval_file(path))
        return questions

    # --- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time (CLI and console) for the project's data files."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def read_examples(path: Path, lang: str) -> list[Example]:
    """The examples of one Rasa NLU file with their line numbers (raises yaml.YAMLError)."""
    text = path.read_text(encoding="utf-8")
    root = yaml.compose(text, Loader=SafeLoader)
    out: list[Example] = []
    if root is None or not isinstance(root, yaml.MappingNode):
        return out
    nlu = next((v for k, v in root.value if k.value == "nlu"), None)
    if not isinstance(nlu, yaml.SequenceNode):
        return out
    for item in nlu.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in item.value}
        intent = fields.get("intent")
        examples = fields.get("examples")
        if intent is None or not isinstance(examples, yaml.ScalarNode):
            continue
        # a literal block (|) starts on the line after its indicator; lines keep their order
        first = examples.start_mark.line + (2 if examples.style == "|" else 1)
        for offset, line in enumerate(str(examples.value).split("\n")):
            stripped = line.strip()
            if stripped.startswith("- "):
                out.append(Example(str(intent.value), lang, stripped[2:].strip(), path, first + offset))
    return out


def read_eval_file(path: Path) -> list[EvalQuestion]:
    questions = []
    with open(path, encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            text = (row.get("text") or "").strip()
            if not text:
                continue
            topics = tuple(t.strip() for t in (row.get("topics") or "").replace(",", "|").split("|") if t.strip())
            questions.append(EvalQuestion((row.get("lang") or "").strip(), topics, text, path, n))
    return questions


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class FileEdits:
    """Edits to several files that are written together, or not at all.

    ``read`` gives a file's current (possibly already edited) text, ``write`` stages new text.
    ``commit`` writes every staged file; ``rollback`` restores what was written when a later
    check fails.
    """

    def __init__(self) -> None:
        self.original: dict[Path, str | None] = {}
        self.staged: dict[Path, str] = {}

    def read(self, path: Path) -> str | None:
        if path in self.staged:
            return self.staged[path]
        return path.read_text(encoding="utf-8") if path.exists() else None

    def write(self, path: Path, text: str) -> None:
        if path not in self.original:
            self.original[path] = path.read_text(encoding="utf-8") if path.exists() else None
        self.staged[path] = text

    @property
    def paths(self) -> list[Path]:
        return [p for p in self.staged if self.staged[p] != self.original.get(p)]

    def commit(self) -> None:
        for path in self.paths:
            write_text_atomic(path, self.staged[path])

    def rollback(self) -> None:
        for path, text in self.original.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                write_text_atomic(path, text)
