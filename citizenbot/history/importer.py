"""Turning a feedback history into training examples and a held-out set (``citizenbot history import``).

For one source (``kb/history/<source>.yml``):

1. every message is cleaned (``clean``), its language detected (served languages only), and
   labelled by its category (``mapping``);
2. duplicates go (the same text twice, or a text that already is an example or an evaluation
   question elsewhere in the project);
3. the messages are ordered by date and the newest share (default 20 %) is **held out**: it goes
   to ``tests/eval/history_<source>.tsv`` and is never written as a training example, so the
   evaluation measures messages the model has not seen, from a later time, as in real use;
4. the rest, and the informative titles residents chose for them, become
   ``data/nlu/<lang>/history_<source>.yml``.

The output depends only on the input and the mapping file: importing again rewrites the same
files (a newer export moves the split forward, which is what a city wants).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from citizenbot import language
from citizenbot.settings import served_languages
from citizenbot.trainer.edits import NLU_HEADER, clean_example
from citizenbot.trainer.project import FileEdits, Project, comparable

from .clean import clean_text
from .mapping import Mapping, load_mapping
from .sources import Record

DEFAULT_HELDOUT_SHARE = 0.2
MIN_CHARS = 10  # "Roskis" alone says little; Open311 servers themselves ask for 10 characters
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Message:
    record: Record
    text: str
    title: str | None
    lang: str
    topic: str
    accepted: tuple[str, ...]
    refined: bool


@dataclass
class ImportResult:
    source: str
    read: int = 0
    too_short: int = 0
    other_language: int = 0
    duplicates: int = 0
    already_in_project: int = 0
    refined: int = 0
    reviewed: int = 0
    train: Counter = field(default_factory=Counter)  # (lang, topic) -> examples
    heldout: Counter = field(default_factory=Counter)  # (lang, topic) -> questions
    heldout_since: str | None = None
    files: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"{self.source}: {self.read} messages read; skipped {self.too_short} too short, "
            f"{self.other_language} in a language not served, {self.duplicates} duplicates, "
            f"{self.already_in_project} already examples or evaluation questions",
            f"  training examples: {sum(self.train.values())} "
            f"({', '.join(f'{lang} {n}' for lang, n in _by_lang(self.train).items())}); "
            f"held out: {sum(self.heldout.values())} "
            f"({', '.join(f'{lang} {n}' for lang, n in _by_lang(self.heldout).items())})"
            + (f", from {self.heldout_since} on" if self.heldout_since else ""),
            f"  {self.reviewed} labels reviewed by a trainer; {self.refined} others of a broad category got a "
            "more specific topic from what they name",
        ]
        return "\n".join(lines)


def _by_lang(counter: Counter) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for (lang, _topic), n in counter.items():
        out[lang] += n
    return dict(sorted(out.items()))


def train_file(project: Project, source: str, lang: str) -> Path:
    return project.nlu_dir / lang / f"history_{source}.yml"


def heldout_file(project: Project, source: str) -> Path:
    return project.eval_dir / f"history_{source}.tsv"


def is_generated(path: Path) -> bool:
    """A file this importer writes (trainer tools add examples elsewhere: it is rewritten)."""
    return path.name.startswith("history_")


def _title(record: Record, text: str, kb_dir: str) -> str | None:
    """A title the resident chose or wrote, when it is not a truncated copy of the description."""
    title = clean_text(record.title, kb_dir)
    if len(title) < 3 or record.title.rstrip().endswith("...") or comparable(text).startswith(comparable(title)):
        return None
    return title


def prepare(records: Iterable[Record], mapping: Mapping, project: Project, result: ImportResult) -> list[Message]:
    """Cleaned, labelled, de-duplicated messages, oldest first."""
    langs = served_languages()
    kb_dir = str(project.kb_dir)
    own = {train_file(project, result.source, lang) for lang in langs} | {heldout_file(project, result.source)}
    known = {comparable(e.text) for e in project.examples() if e.path not in own}
    known |= {comparable(q.text) for q in project.eval_questions() if q.path not in own}
    seen: set[str] = set()
    messages = []
    ordered = sorted(records, key=lambda r: (r.requested or _EPOCH, r.id))
    for record in ordered:
        result.read += 1
        text = clean_text(record.text, kb_dir)
        if len(text) < MIN_CHARS:
            result.too_short += 1
            continue
        detected = language.detect(text)
        lang = detected.lang if detected.clear else (mapping.lang or detected.lang)
        if lang not in langs:
            result.other_language += 1
            continue
        key = comparable(text)
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        if key in known:
            result.already_in_project += 1
            continue
        label = mapping.label(f"{record.title} {text}", record.service_code, record.agency, record.id)
        result.refined += label.refined
        result.reviewed += label.reviewed
        title = _title(record, text, kb_dir)
        if title and (comparable(title) in known or comparable(title) in seen):
            title = None  # "Liikennemerkki rikki" may already be an example
        if title:
            seen.add(comparable(title))
        messages.append(Message(record, text, title, lang, label.topic, label.accepted, label.refined))
    return messages


def split(messages: list[Message], share: float) -> tuple[list[Message], list[Message]]:
    """Oldest (1 - share) for training, the newest share held out."""
    if not 0 <= share < 1:
        raise ValueError("the held-out share must be at least 0 and below 1")
    cut = len(messages) - round(len(messages) * share)
    return messages[:cut], messages[cut:]


def render_training(messages: list[Message], source: str, lang: str, mapping: Mapping,
                    heldout_name: str, share: float) -> str:
    by_topic: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for m in messages:
        for text in (m.text, m.title):
            if text and comparable(text) not in seen:
                seen.add(comparable(text))
                by_topic[m.topic].append(clean_example(text))
    out = [
        f"# Generated by `citizenbot history import --source {source}` from {mapping.name}: the residents'",
        "# own messages (cleaned and redacted), labelled by their category (kb/history/"
        f"{source}.yml).",
        f"# Do not edit by hand: change the mapping and import again. The newest {round(share * 100)} % of the",
        f"# history is held out in {heldout_name} and is never here.",
        NLU_HEADER.rstrip("\n"),
    ]
    for topic in sorted(by_topic):
        out += [f"- intent: {topic}", "  examples: |"] + [f"    - {t}" for t in by_topic[topic]]
    return "\n".join(out) + "\n"


def render_heldout(messages: list[Message]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(["lang", "topics", "text", "date", "category", "id"])
    for m in messages:
        date = m.record.requested.date().isoformat() if m.record.requested else ""
        writer.writerow([m.lang, "|".join(m.accepted), m.text, date, m.record.service_code, m.record.id])
    return buffer.getvalue()


def import_history(project: Project, source: str, records: Iterable[Record], *,
                   heldout_share: float = DEFAULT_HELDOUT_SHARE, dry_run: bool = False) -> ImportResult:
    mapping = load_mapping(project.kb_dir / "history" / f"{source}.yml", set(project.topic_ids()))
    result = ImportResult(source)
    messages = prepare(records, mapping, project, result)
    train, heldout = split(messages, heldout_share)
    for m in train:
        result.train[(m.lang, m.topic)] += 1
    for m in heldout:
        result.heldout[(m.lang, m.topic)] += 1
    if heldout and heldout[0].record.requested:
        result.heldout_since = heldout[0].record.requested.date().isoformat()
    edits = FileEdits()
    held_path = heldout_file(project, source)
    for lang in served_languages():
        path = train_file(project, source, lang)
        mine = [m for m in train if m.lang == lang]
        if mine:
            edits.write(path, render_training(mine, source, lang, mapping, project.relative(held_path), heldout_share))
        elif path.exists():
            edits.write(path, "")  # staged as empty: removed below
    edits.write(held_path, render_heldout(heldout))
    result.files = edits.paths
    if not dry_run:
        with project.lock():
            edits.commit()
            for path in result.files:
                if path.exists() and not path.read_text(encoding="utf-8"):
                    path.unlink()
    return result
