"""New topics started from the inbox: the accepted messages go into a description draft
(``var/trainer/new_topics/<id>.yml``) to complete and pass to ``citizenbot topic add --from``."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from citizenbot.settings import SOURCE_LANGUAGES, served_languages

from ..project import Project, comparable


def drafts_dir(project: Project) -> Path:
    return project.state_dir / "new_topics"


def write_drafts(project: Project, drafts: list[dict[str, Any]]) -> list[Path]:
    """Add each accepted message (``{"topic", "lang", "example"}``) to its topic's draft, once;
    sets ``draft`` (the draft's path) on each."""
    by_topic: dict[str, list[dict]] = defaultdict(list)
    for d in drafts:
        by_topic[d["topic"]].append(d)
    paths = []
    langs = served_languages()
    # answers and titles are written in the source languages, the rest translated (as `topic add`)
    sources = [lang for lang in langs if lang in SOURCE_LANGUAGES]
    for topic, items in by_topic.items():
        path = drafts_dir(project) / f"{topic}.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        data = data or {"id": topic, "kind": "faq", "about": "", "title": {lang: "" for lang in sources},
                        "answer": {lang: "" for lang in sources}, "examples": {lang: [] for lang in langs}}
        examples = data.setdefault("examples", {})
        for item in items:
            bucket = examples.setdefault(item["lang"], []) or []
            if comparable(item["example"]) not in {comparable(e) for e in bucket}:
                bucket.append(item["example"])
            examples[item["lang"]] = bucket
            item["draft"] = project.relative(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = (f"# Draft of a new topic started from the review inbox. Fill in about, title and answer in\n"
                  f"# {'/'.join(langs)}, write at least 20 examples per language, then:\n"
                  f"#   citizenbot topic add --from {project.relative(path)}\n")
        path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        paths.append(path)
    return paths
