"""Interactive ``citizenbot topic add`` / ``update``: the description asked question by question,
saved as a draft after every answer (a description file, so it also works with ``--from``) and
offered back on the next run, so one mistake does not cost everything typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from citizenbot.settings import served_languages

from .project import Project
from .scaffold import LANG_NAMES, MIN_HELD_OUT, TopicSpec, source_languages


def draft_path(project: Project) -> Path:
    """Where interactive ``topic add`` keeps what was typed (a description file: it also works with
    ``--from``)."""
    return project.state_dir / "drafts" / "topic-add.yml"


def ask_spec(ask: Callable[[str], str] = input, say: Callable[[str], None] = print,
             draft: Path | None = None) -> TopicSpec:
    """The description, asked question by question (an empty line ends a list or a text). With
    ``draft``, every answer is saved there as it is given, and a draft left by an earlier run is
    offered back: each question shows the draft's answer, which Enter keeps."""
    data: dict[str, Any] = {"id": "", "kind": "faq", "about": "", "title": {}, "answer": {}, "examples": {},
                            "held_out": {}}
    if draft is not None and draft.exists():
        saved = yaml.safe_load(draft.read_text(encoding="utf-8")) or {}
        if isinstance(saved, dict) and ask(f"A draft from an earlier run is in {draft}. Continue it? [Y/n]: ").strip().lower() in ("", "y", "yes", "k"):
            data.update({k: v for k, v in saved.items() if k in data})
            say("Enter keeps the draft's answer shown in [brackets]; type to replace it.")

    def save() -> None:
        if draft is not None:
            draft.parent.mkdir(parents=True, exist_ok=True)
            draft.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def line(prompt: str, key: str, lang: str | None = None) -> None:
        current = (data[key].get(lang) if lang else data[key]) or ""
        answer = ask(f"{prompt}{f' [{current}]' if current else ''}: ").strip() or current
        if lang:
            data[key][lang] = answer
        else:
            data[key] = answer
        save()

    def lines(prompt: str, key: str, lang: str, join: bool = False) -> None:
        current = data[key].get(lang) or ([] if not join else "")
        kept = len(current.splitlines() if join else current)
        say(f"{prompt} (one per line, an empty line ends" + (f"; an empty first line keeps the draft's {kept}" if kept else "") + ")")
        out = []
        while True:
            value = ask("  > ").rstrip()
            if not value:
                break
            out.append(value)
            data[key][lang] = "\n".join(out) if join else list(out)
            save()
        if not out:
            data[key][lang] = current

    say("A new topic: every text in Finnish, Swedish and English (docs/content.md has the rules).")
    line("Topic id (domain.name, e.g. maintenance.dog_parks)", "id")
    line("Kind (faq or meta)", "kind")
    line("About (one line for the taxonomy)", "about")
    for lang in source_languages():  # answers and titles: the source languages; the rest are translated
        line(f"Button title in {LANG_NAMES[lang]} (2-5 words)", "title", lang)
    for lang in source_languages():
        lines(f"Answer in {LANG_NAMES[lang]}; a blank line inside is not possible here, edit the answers file for "
              "paragraphs", "answer", lang, join=True)
    for lang in served_languages():
        lines(f"Examples in {LANG_NAMES[lang]} (at least 20, as residents write)", "examples", lang)
    for lang in served_languages():
        lines(f"Test questions in {LANG_NAMES[lang]} (at least {MIN_HELD_OUT}, not among the examples: kept out of "
              "training, the model is tested on them)", "held_out", lang)
    return TopicSpec.from_dict(data, "your answers")
