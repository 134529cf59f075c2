"""A feedback source's service codes and agencies mapped to our topics (``kb/history/<source>.yml``).

The file's format is documented in ``kb/history/helsinki.yml``. Next to it, an optional
``<source>_reviewed.tsv`` (columns ``id``, ``topics``, ``note``) holds the labels a trainer checked
message by message: they win over the automatic mapping (a city's categories never match a
chat assistant's topics one to one). Every topic either file names must exist in the taxonomy
(``kb/topics.yml``): a typo is an error before anything is written.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from citizenbot.text import normalise_for_rules


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class Label:
    topic: str  # what the example is trained as
    accepted: tuple[str, ...]  # what the evaluation accepts (the refined topic and the category's)
    refined: bool
    reviewed: bool = False


@dataclass(frozen=True)
class Mapping:
    name: str
    lang: str | None
    service_codes: dict[str, str]
    agencies: dict[str, str]
    default_topic: str
    refine_from: frozenset[str]
    refine: tuple[tuple[str, re.Pattern[str]], ...]
    reviewed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # request id -> topics, best first

    def topics(self) -> set[str]:
        return {*self.service_codes.values(), *self.agencies.values(), self.default_topic,
                *self.refine_from, *(t for t, _p in self.refine), *(t for ts in self.reviewed.values() for t in ts)}

    def category_topic(self, service_code: str | None, agency: str | None) -> str:
        code = (service_code or "").strip()
        if code in self.service_codes:
            return self.service_codes[code]
        if agency and agency.strip() in self.agencies:
            return self.agencies[agency.strip()]
        return self.default_topic

    def label(self, text: str, service_code: str | None = None, agency: str | None = None,
              request_id: str | None = None) -> Label:
        if request_id and request_id in self.reviewed:
            topics = self.reviewed[request_id]
            return Label(topics[0], topics, False, True)
        base = self.category_topic(service_code, agency)
        if base in self.refine_from:
            folded = normalise_for_rules(text)
            for topic, pattern in self.refine:
                if pattern.search(folded):
                    if topic != base:
                        return Label(topic, (topic, base), True)
                    break
        return Label(base, (base,), False)


def parse_mapping(data: dict, known_topics: set[str] | None = None, where: str = "mapping",
                  reviewed: dict[str, tuple[str, ...]] | None = None) -> Mapping:
    if not isinstance(data, dict):
        raise MappingError(f"{where}: expected a mapping of keys")
    unknown_keys = set(data) - {"name", "lang", "service_codes", "agencies", "default_topic", "refine_from", "refine"}
    if unknown_keys:
        raise MappingError(f"{where}: unknown keys {sorted(unknown_keys)}")
    if not data.get("default_topic"):
        raise MappingError(f"{where}: default_topic is required")
    refine = []
    for n, rule in enumerate(data.get("refine") or [], start=1):
        if not isinstance(rule, dict) or not rule.get("topic") or not rule.get("pattern"):
            raise MappingError(f"{where}: refine rule {n} needs a topic and a pattern")
        try:
            refine.append((str(rule["topic"]), re.compile(str(rule["pattern"]))))
        except re.error as exc:
            raise MappingError(f"{where}: refine rule {n} ({rule['topic']}): bad pattern: {exc}") from exc
    mapping = Mapping(
        name=str(data.get("name") or where),
        lang=data.get("lang"),
        service_codes={str(k): str(v) for k, v in (data.get("service_codes") or {}).items()},
        agencies={str(k): str(v) for k, v in (data.get("agencies") or {}).items()},
        default_topic=str(data["default_topic"]),
        refine_from=frozenset(str(t) for t in data.get("refine_from") or []),
        refine=tuple(refine),
        reviewed=dict(reviewed or {}),
    )
    if known_topics is not None:
        missing = sorted(t for t in mapping.topics() if t not in known_topics)
        if missing:
            raise MappingError(f"{where}: topics not in the taxonomy: {', '.join(missing)}")
    return mapping


def reviewed_file(path: Path) -> Path:
    return path.with_name(f"{path.stem}_reviewed.tsv")


def read_reviewed(path: Path) -> dict[str, tuple[str, ...]]:
    """Request id -> topics (best first) from a trainer's review file; rows without topics are skipped."""
    out: dict[str, tuple[str, ...]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if not reader.fieldnames or not {"id", "topics"} <= set(reader.fieldnames):
            raise MappingError(f"{path}: needs the columns id and topics")
        for row in reader:
            topics = tuple(t.strip() for t in (row.get("topics") or "").split("|") if t.strip())
            if row.get("id") and topics:
                out[row["id"].strip()] = topics
    return out


def load_mapping(path: Path, known_topics: set[str] | None = None) -> Mapping:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MappingError(f"no mapping file {path}") from exc
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from exc
    review = reviewed_file(path)
    reviewed = read_reviewed(review) if review.exists() else None
    return parse_mapping(data, known_topics, where=str(path), reviewed=reviewed)
