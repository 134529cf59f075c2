"""Place names straight from the content files, for the NLU pipeline (no database needed)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import yaml

from citizenbot.names import NameEntry, NameIndex
from citizenbot.settings import get_settings


def name_entries(kb_dir: Path) -> list[NameEntry]:
    entries: list[NameEntry] = []
    for filename, kind in (("streets.csv", "street"), ("districts.csv", "district")):
        path = kb_dir / filename
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                names = {row.get("name_fi"), row.get("name_sv"), *(row.get("aliases") or "").split("|")}
                for alias in {n.strip() for n in names if n and n.strip()}:
                    entries.append(NameEntry(kind, row["name_fi"], row["name_fi"], alias))
    for filename, key, kind, extra in (("plans.yml", "plans", "plan", "aliases"), ("outdoor_sports.yml", "venues", "venue", None)):
        path = kb_dir / filename
        if not path.exists():
            continue
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(key) or []:
            ident = str(item.get("number") or item.get("id"))
            names = set((item.get("name") or {}).values()) | set(item.get(extra) or [] if extra else [])
            for alias in {str(n) for n in names if n}:
                entries.append(NameEntry(kind, ident, ident, alias))
    return entries


@lru_cache(maxsize=4)
def load_name_index(kb_dir: str | None = None) -> NameIndex:
    return NameIndex(name_entries(Path(kb_dir) if kb_dir else get_settings().kb_dir))
