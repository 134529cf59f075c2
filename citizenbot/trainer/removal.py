"""``citizenbot topic remove`` and the first half of ``topic update``: a scaffolded topic taken out
of every file ``topic add`` wrote it into, as text edits that keep the rest of each file as it was;
and the held-out test questions of a topic (``tests/eval/heldout.tsv``).

Only topics a trainer could have added are removed (kind faq or meta): lookup and action topics
have code that depends on them."""

from __future__ import annotations

import csv
import io
import re

from citizenbot.settings import served_languages

from .project import FileEdits, Project

REMOVABLE_KINDS = ("faq", "meta")
HELDOUT_HEADER = "lang\ttopics\ttext\n"


def remove_block(text: str, head: re.Pattern[str]) -> str:
    """Without the first line matching ``head`` and the lines that belong to it: those indented
    deeper, and blank lines inside (an answer's paragraphs); a blank line left doubled is dropped."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if head.match(line)), None)
    if start is None:
        return text
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip():
            if len(line) - len(line.lstrip()) <= indent:
                break
        else:
            following = next((x for x in lines[end:] if x.strip()), None)
            if following is None or len(following) - len(following.lstrip()) <= indent:
                break
        end += 1
    del lines[start:end]
    if 0 < start < len(lines) and not lines[start - 1].strip() and not lines[start].strip():
        del lines[start]
    return "\n".join(lines).rstrip("\n") + "\n"


def _key(topic: str) -> str:
    return re.escape(topic) + r"['\"]?\s*(:|$)"


def plan_removal(project: Project, topic: str, changes: FileEdits | None = None) -> FileEdits:
    """The edits that take the topic out (nothing written yet); ValueError for a topic that does
    not exist or has code that depends on it."""
    from .scaffold import ScaffoldError

    kinds = {str(t["id"]): t.get("kind") for t in project.topics()}
    if topic not in kinds:
        raise ScaffoldError(f"no topic {topic} in {project.relative(project.topics_file)}")
    if kinds[topic] not in REMOVABLE_KINDS:
        raise ScaffoldError(f"{topic} is a {kinds[topic]} topic: code depends on it, ask a developer")
    changes = changes if changes is not None else FileEdits()
    edits = [
        (project.topics_file, re.compile(rf"^\s*- id:\s*['\"]?{_key(topic)}")),
        (project.domain_file, re.compile(rf"^\s*- ['\"]?{re.escape(topic)}['\"]?\s*$")),
        (project.answer_rules_file, re.compile(rf"^- rule: answer {re.escape(topic)}\s*$")),
    ]
    for path in project.answers_dir.glob("*.yml"):
        edits += [(path, re.compile(rf"^\s+['\"]?{_key(topic)}")),
                  (path, re.compile(rf"^\s+['\"]?topic\.{_key(topic)}"))]
    edits += [(path, re.compile(rf"^- intent:\s*['\"]?{re.escape(topic)}['\"]?\s*$")) for path in project.nlu_files()]
    for path, head in edits:
        text = changes.read(path)
        if text is not None:
            changes.write(path, remove_block(text, head))
    heldout = project.heldout_file
    changes.write(heldout, add_heldout(changes.read(heldout), topic, {}))
    return changes


def add_heldout(text: str | None, topic: str, questions: dict[str, list[str]]) -> str:
    """The held-out set with this topic's questions replaced by ``questions`` (lang → texts)."""
    rows = list(csv.reader(io.StringIO(text or HELDOUT_HEADER), delimiter="\t"))
    header, rows = (rows[0], rows[1:]) if rows else (HELDOUT_HEADER.strip().split("\t"), [])
    kept = [r for r in rows if len(r) < 2 or r[1].strip() != topic]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(kept)
    for lang in served_languages():
        for question in questions.get(lang, []):
            writer.writerow([lang, topic, " ".join(question.split())])
    return out.getvalue()
