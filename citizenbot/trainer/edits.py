"""Small text edits of the project's YAML files that keep their comments and layout.

The files are hand-written and commented, so they are not re-serialised: new entries are inserted
as text where a person would put them (after the last entry of the same domain), and the result is
parsed again by the caller before anything is kept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from citizenbot.intents import CONTROL_INTENTS, OUT_OF_SCOPE
from citizenbot.settings import served_languages

from .project import Project, load_yaml

TOP_LEVEL_KEY_RE = re.compile(r"^[A-Za-z_][\w.-]*\s*:")
NLU_HEADER = 'version: "3.1"\nnlu:\n'


def domain_of(topic: str) -> str:
    return topic.split(".", 1)[0]


def yaml_scalar(value: str) -> str:
    """An inline YAML scalar for the value: plain when that reads back the same, else quoted."""
    value = " ".join(str(value).split())
    plain_ok = (
        value
        and not re.search(r"(^[-?:,\[\]{}#&*!|>'\"%@`])|(: )|( #)|(:$)", value)
        and _loads(value) == value
    )
    return value if plain_ok else json.dumps(value, ensure_ascii=False)


def _loads(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def clean_example(text: str) -> str:
    """One example line: single spaces, no markup that Rasa would read as an entity annotation."""
    text = " ".join(str(text).split())
    text = re.sub(r"\[([^\]]*)\]\(", r"(\1) (", text)
    return text.strip()


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _join(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def _last_content_line(lines: list[str], start: int, end: int) -> int:
    """Index of the last non-blank, non-comment line in lines[start:end] (start - 1 when none)."""
    for i in range(end - 1, start - 1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i
    return start - 1


def _block_end(lines: list[str], start: int) -> int:
    """The end (exclusive) of the top-level block whose key is on line ``start``."""
    for i in range(start + 1, len(lines)):
        if TOP_LEVEL_KEY_RE.match(lines[i]):
            return i
    return len(lines)


def _find_top_level(lines: list[str], key: str) -> int | None:
    for i, line in enumerate(lines):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return i
    return None


# --- domain.yml --------------------------------------------------------------------------------


def insert_domain_intent(text: str, intent: str) -> str:
    lines = _lines(text)
    start = _find_top_level(lines, "intents")
    if start is None:
        return _join(lines + ["intents:", f"- {intent}"])
    end = _block_end(lines, start)
    items = [(i, m.group(1), m.group(2).strip()) for i in range(start + 1, end)
             if (m := re.match(r"^(\s*)- (.+)$", lines[i]))]
    indent = items[0][1] if items else ""
    same = [i for i, _ind, name in items if domain_of(name) == domain_of(intent) and "." in name]
    control = [i for i, _ind, name in items if name in (*CONTROL_INTENTS, OUT_OF_SCOPE)]
    if same:
        at = same[-1] + 1
    elif control:
        at = control[0]
    else:
        at = (items[-1][0] + 1) if items else start + 1
    lines.insert(at, f"{indent}- {intent}")
    return _join(lines)


# --- kb/topics.yml -----------------------------------------------------------------------------


def insert_topic(text: str, topic: str, kind: str, about: str) -> str:
    lines = _lines(text)
    entries = [(i, m.group(1)) for i, line in enumerate(lines) if (m := re.match(r"^(\s*)- id:\s*(\S+)", line))]
    ids = {i: re.match(r"^\s*- id:\s*(\S+)", lines[i]).group(1).strip("'\"") for i, _ in entries}
    indent = entries[0][1] if entries else "  "
    entry = [f"{indent}- id: {topic}", f"{indent}  kind: {kind}", f"{indent}  about: {yaml_scalar(about)}"]
    if not entries:
        if _find_top_level(lines, "topics") is None:
            lines.append("topics:")
        return _join(lines + entry)
    same = [i for i, _ in entries if domain_of(ids[i]) == domain_of(topic) and "." in ids[i]]
    anchor = same[-1] if same else entries[-1][0]
    # the entry's own lines: deeper-indented lines after its "- id:" line
    end = anchor + 1
    while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > len(indent):
        end += 1
    lines[end:end] = entry
    return _join(lines)


# --- kb/answers/<domain>.yml ---------------------------------------------------------------------


def _literal(key: str, by_lang: dict[str, str]) -> list[str]:
    out = [f"  {key}:"]
    for lang in (code for code in served_languages() if code in by_lang):
        out.append(f"    {lang}: |-")
        for line in str(by_lang[lang]).strip().splitlines():
            out.append(f"      {line.rstrip()}" if line.strip() else "")
    return out


def insert_answer(text: str | None, key: str, by_lang: dict[str, str], header: str = "") -> str:
    lines = _lines(text or "")
    if not lines:
        lines = ([f"# {header}"] if header else []) + ["answers:"]
    start = _find_top_level(lines, "answers")
    if start is None:
        lines = lines + ["answers:"]
        start = len(lines) - 1
    end = _block_end(lines, start)
    last = _last_content_line(lines, start + 1, end)
    at = max(last, start) + 1
    lines[at:at] = [""] + _literal(key, by_lang)
    return _join(lines)


def insert_label(text: str, key: str, by_lang: dict[str, str]) -> str:
    lines = _lines(text)
    start = _find_top_level(lines, "labels")
    line = "  " + key + ": {" + ", ".join(f"{lang}: {json.dumps(by_lang[lang], ensure_ascii=False)}" for lang in served_languages() if lang in by_lang) + "}"
    if start is None:
        return _join(lines + ["", "labels:", line])
    end = _block_end(lines, start)
    at = max(_last_content_line(lines, start + 1, end), start) + 1
    lines.insert(at, line)
    return _join(lines)


# --- data/rules/answers.yml ----------------------------------------------------------------------


def append_answer_rule(text: str, intent: str) -> str:
    rule = f"- rule: answer {intent}\n  steps:\n  - intent: {intent}\n  - action: action_answer\n"
    if not text.strip():
        return f'version: "3.1"\n\nrules:\n{rule}'
    return text.rstrip("\n") + "\n\n" + rule


# --- data/nlu/<lang>/<file>.yml ------------------------------------------------------------------


def add_examples(text: str | None, intent: str, examples: list[str], clean: bool = True) -> str:
    """Examples appended to the intent's block (a new block at the end when the file has none).
    ``clean`` turns markup that Rasa would read as an entity annotation into plain text."""
    examples = [clean_example(e) if clean else " ".join(str(e).split()) for e in examples]
    examples = [e for e in examples if e]
    lines = _lines(text or NLU_HEADER)
    head = next((i for i, line in enumerate(lines)
                 if re.match(rf"^\s*- intent:\s*['\"]?{re.escape(intent)}['\"]?\s*$", line)), None)
    if head is None:
        block = [f"- intent: {intent}", "  examples: |"] + [f"    - {e}" for e in examples]
        last = _last_content_line(lines, 0, len(lines))
        lines = lines[: last + 1] + block
        return _join(lines)
    ex = next((i for i in range(head + 1, len(lines)) if re.match(r"^\s*examples:\s*\|", lines[i])), None)
    if ex is None:
        raise ValueError(f"intent {intent}: no 'examples: |' block to add to")
    key_indent = len(lines[ex]) - len(lines[ex].lstrip())
    end = ex + 1
    last = ex
    while end < len(lines):
        line = lines[end]
        if line.strip():
            if len(line) - len(line.lstrip()) <= key_indent:
                break
            last = end
        end += 1
    content = lines[last] if last > ex else ""
    indent = " " * (len(content) - len(content.lstrip())) if last > ex else " " * (key_indent + 2)
    lines[last + 1:last + 1] = [f"{indent}- {e}" for e in examples]
    return _join(lines)


# --- where a topic's entries go -----------------------------------------------------------------


def nlu_file_for(project: Project, lang: str, intent: str) -> Path:
    """The file that has the intent's examples; else the last file named after its domain (the
    mixed files such as reports.yml or an imported history_<source>.yml are not where a trainer
    looks for a topic); else the last file with examples of its domain; else <domain>.yml."""
    from .project import read_examples

    files = project.nlu_files(lang)
    domain_files = []
    for path in files:
        intents = {e.intent for e in read_examples(path, lang)}
        if intent in intents:
            return path
        if any(domain_of(i) == domain_of(intent) and "." in i for i in intents):
            domain_files.append(path)
    named = [path for path in domain_files if path.stem.startswith(domain_of(intent))]
    if named or domain_files:
        return (named or domain_files)[-1]
    return project.nlu_dir / lang / f"{domain_of(intent)}.yml"


def answers_file_for(project: Project, topic: str) -> Path:
    """The answers file that holds the most answers of the topic's domain; else <domain>.yml."""
    best, best_count = None, 0
    for path in sorted(project.answers_dir.glob("*.yml")):
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        count = sum(1 for key in (data.get("answers") or {}) if domain_of(key) == domain_of(topic))
        if count > best_count:
            best, best_count = path, count
    return best or project.answers_dir / f"{domain_of(topic)}.yml"
