"""Reading and checking the versioned content files under ``kb/`` (see docs/content.md).

Pure functions over files; the database is filled from them by ``citizenbot.seed``.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from citizenbot import places
from citizenbot.settings import FALLBACK_ORDER, SOURCE_LANGUAGES, served_languages

PLACEHOLDER_RE = re.compile(r"(?<!\{)\{([a-z][a-z0-9_]*)\}(?!\})")


class ContentError(ValueError):
    """The content files are not usable; the message says which file and what to fix."""


def pick_text(texts: Mapping[str, str], lang: str) -> str:
    """The text in ``lang``, else English, else Finnish (the fallback order for what a city's
    data or a translation lacks), else a language-neutral value ("*"), else any."""
    for code in (lang, *FALLBACK_ORDER, "*"):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()), "")


@dataclass
class Content:
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)  # lang -> key -> translations.Translation
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    facts: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {lang or "*": value}
    fact_sources: dict[str, str] = field(default_factory=dict)
    districts: list[dict[str, Any]] = field(default_factory=list)
    streets: list[dict[str, Any]] = field(default_factory=list)
    maintenance_classes: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    sand_removal: dict[str, dict[str, str]] = field(default_factory=dict)
    road_works: list[dict[str, Any]] = field(default_factory=list)
    venues: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    address_points: list[dict[str, Any]] = field(default_factory=list)  # citizenbot.places
    city_config: dict[str, Any] = field(default_factory=dict)
    digest: str = ""


def _places(check, *args: Any) -> Any:
    """A ``citizenbot.places`` check, its mistake reported as a content error."""
    try:
        return check(*args)
    except places.PointError as exc:
        raise ContentError(str(exc)) from exc


def _read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from exc


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(handle)
        ]


def _multilingual(value: Any, where: str, required: bool = True, fill: bool = True) -> dict[str, str]:
    """A {fi, sv, en} mapping; a plain string counts for every language. The served source
    languages must be there; a served language the city's data does not have (a street's plan in
    Somali) gets the English, else the Finnish text (``fill``; answers are not filled: their
    translations come from kb/answers/<lang>/)."""
    if value is None:
        if required:
            raise ContentError(f"{where}: missing")
        return {}
    if isinstance(value, (str, int, float)):
        return {lang: str(value) for lang in served_languages()}
    if not isinstance(value, Mapping):
        raise ContentError(f"{where}: expected text or a mapping of languages, got {type(value).__name__}")
    missing = [lang for lang in served_languages() if lang in SOURCE_LANGUAGES and not str(value.get(lang) or "").strip()]
    if missing:
        raise ContentError(f"{where}: missing language(s) {', '.join(missing)}")
    texts = {str(k): str(v).strip() for k, v in value.items() if str(v or "").strip()}
    if fill:
        for lang in served_languages():
            texts.setdefault(lang, pick_text(texts, lang))
    return texts


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ContentError(f"{where}: not a date (YYYY-MM-DD): {value!r}") from exc


def _datetime(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ContentError(f"{where}: not an ISO date-time: {value!r}") from exc


def content_digest(kb_dir: Path, city: str) -> str:
    """A hash of every content file, so seeding can skip work when nothing changed."""
    digest = hashlib.sha256(city.encode())
    for path in sorted(p for p in kb_dir.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml", ".csv"}):
        digest.update(str(path.relative_to(kb_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_content(kb_dir: Path, city: str) -> Content:
    """Read and check every content file; raise ContentError naming the first problem."""
    kb_dir = Path(kb_dir)
    content = Content(digest=content_digest(kb_dir, city))

    for path in sorted((kb_dir / "answers").glob("*.yml")):
        data = _read_yaml(path) or {}
        for key, value in (data.get("answers") or {}).items():
            if key in content.answers:
                raise ContentError(f"{path}: answer {key} is defined twice")
            content.answers[key] = _multilingual(value, f"{path}: answer {key}", fill=False)
        for key, value in (data.get("labels") or {}).items():
            if key in content.labels:
                raise ContentError(f"{path}: label {key} is defined twice")
            content.labels[key] = _multilingual(value, f"{path}: label {key}", fill=False)

    _attach_translations(kb_dir, content)

    national = _read_yaml(kb_dir / "national.yml") or {}
    for key, spec in (national.get("facts") or {}).items():
        if not isinstance(spec, Mapping) or "value" not in spec:
            raise ContentError(f"{kb_dir / 'national.yml'}: fact {key} needs value and source")
        content.facts[key] = _facts_value(spec["value"], f"national.yml: fact {key}")
        content.fact_sources[key] = str(spec.get("source") or "")

    city_path = kb_dir / "city" / f"{city}.yml"
    if not city_path.exists():
        raise ContentError(f"{city_path}: no configuration for city {city!r}")
    city_data = _read_yaml(city_path) or {}
    content.city_config = city_data
    for key, value in (city_data.get("facts") or {}).items():
        if key in content.facts:
            raise ContentError(f"{city_path}: fact {key} is already a national fact")
        content.facts[key] = _facts_value(value, f"{city_path.name}: fact {key}")
        content.fact_sources[key] = city_path.name

    _handoff_facts(city_path, content)
    _load_places(kb_dir, content)
    check_placeholders(content)
    return content


def _attach_translations(kb_dir: Path, content: Content) -> None:
    """Each translation becomes its answer's text in that language. One owner per text: a
    language translated under kb/answers/<lang>/ must not also be written in the source file."""
    from citizenbot.translations import load_label_translations, load_translations

    content.translations = load_translations(kb_dir)
    for lang, entries in content.translations.items():
        for key, translation in entries.items():
            texts = content.answers.get(key)
            if texts is None:
                continue  # a translation of a removed answer: `citizenbot data check` lists it
            if lang in texts:
                raise ContentError(
                    f"answer {key} ({lang}) is written twice: in kb/answers/*.yml and in {translation.path}; "
                    "keep the translation and remove the text from the source file"
                )
            texts[lang] = translation.text
    for lang, labels in load_label_translations(kb_dir).items():
        for key, text in labels.items():
            texts = content.labels.get(key)
            if texts is None:
                continue  # a label that no longer exists: `citizenbot data check` lists it
            if lang in texts:
                raise ContentError(f"label {key} ({lang}) is written twice: in kb/answers/*.yml and in "
                                   f"kb/answers/{lang}/; keep one")
            texts[lang] = text
    for texts in content.labels.values():  # a label not translated yet: English, else Finnish
        for lang in served_languages():
            texts.setdefault(lang, pick_text(texts, lang))


def _handoff_facts(city_path: Path, content: Content) -> None:
    """Opening hours of the handoff queues become facts ({nurse_chat_hours}...): one source."""
    from citizenbot.handoff.hours import HoursError, format_hours, parse_config

    try:
        config = parse_config(content.city_config.get("handoff"))
    except (HoursError, ValueError, KeyError) as exc:
        raise ContentError(f"{city_path}: handoff: {exc}") from exc
    for queue in config.queues.values():
        if queue.hours_fact:
            if queue.hours_fact in content.facts:
                raise ContentError(f"{city_path}: fact {queue.hours_fact} is written from handoff hours; remove it from facts")
            content.facts[queue.hours_fact] = {lang: format_hours(queue, lang) for lang in served_languages()}
            content.fact_sources[queue.hours_fact] = f"{city_path.name} (handoff hours)"


def _facts_value(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, Mapping):
        return _multilingual(value, where)
    if value is None:
        raise ContentError(f"{where}: empty value")
    return {"*": str(value)}


def _load_places(kb_dir: Path, content: Content) -> None:
    path = kb_dir / "maintenance_classes.yml"
    if path.exists():
        for key, spec in ((_read_yaml(path) or {}).get("classes") or {}).items():
            content.maintenance_classes[str(key)] = {
                part: _multilingual(spec.get(part), f"{path}: class {key} {part}")
                for part in ("name", "plowing", "sanding")
            }
    path = kb_dir / "sand_removal.yml"
    if path.exists():
        for key, value in ((_read_yaml(path) or {}).get("areas") or {}).items():
            content.sand_removal[str(key)] = _multilingual(value, f"{path}: area {key}")

    path = kb_dir / "districts.csv"
    if path.exists():
        seen = set()
        for n, row in enumerate(_read_csv(path), start=2):
            name = row.get("name_fi")
            if not name:
                raise ContentError(f"{path}:{n}: name_fi is empty")
            if name in seen:
                raise ContentError(f"{path}:{n}: district {name} is listed twice")
            seen.add(name)
            area = row.get("sand_removal_area") or None
            if area and area not in content.sand_removal:
                raise ContentError(f"{path}:{n}: unknown sand_removal_area {area!r}")
            content.districts.append(
                {
                    "name_fi": name,
                    "name_sv": row.get("name_sv") or None,
                    "aliases": [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()],
                    "sand_removal_area": area,
                }
            )
    districts = {d["name_fi"] for d in content.districts}

    path = kb_dir / "streets.csv"
    if path.exists():
        seen = set()
        for n, row in enumerate(_read_csv(path), start=2):
            name, district, klass = row.get("name_fi"), row.get("district"), row.get("maintenance_class")
            if not name:
                raise ContentError(f"{path}:{n}: name_fi is empty")
            if name in seen:
                raise ContentError(f"{path}:{n}: street {name} is listed twice")
            seen.add(name)
            if district and district not in districts:
                raise ContentError(f"{path}:{n}: unknown district {district!r} (add it to districts.csv)")
            if klass not in content.maintenance_classes:
                raise ContentError(f"{path}:{n}: unknown maintenance_class {klass!r}")
            content.streets.append(
                {"name_fi": name, "name_sv": row.get("name_sv") or None, "district": district or None,
                 "maintenance_class": klass}
            )

    content.address_points = _places(places.load_address_points, kb_dir / "address_points.csv",
                                     {s["name_fi"] for s in content.streets})

    path = kb_dir / "road_works.yml"
    if path.exists():
        for item in (_read_yaml(path) or {}).get("works") or []:
            where = f"{path}: work {item.get('id')}"
            start, end = _date(item.get("start"), where), _date(item.get("end"), where)
            if end < start:
                raise ContentError(f"{where}: ends before it starts")
            content.road_works.append(
                {"id": str(item["id"]), "street": item.get("street"), "district": item.get("district"),
                 "start": start, "end": end,
                 "description": _multilingual(item.get("description"), f"{where}: description")}
            )

    path = kb_dir / "outdoor_sports.yml"
    if path.exists():
        for item in (_read_yaml(path) or {}).get("venues") or []:
            where = f"{path}: venue {item.get('id')}"
            if item.get("kind") not in {"ski_track", "ice_rink"}:
                raise ContentError(f"{where}: kind must be ski_track or ice_rink")
            if item.get("status") not in {"open", "closed", "maintained", "poor"}:
                raise ContentError(f"{where}: status must be open, closed, maintained or poor")
            lat, long = _places(places.point, item.get("lat"), item.get("long"), where) or (None, None)
            content.venues.append(
                {"id": str(item["id"]), "kind": item["kind"], "name": _multilingual(item.get("name"), f"{where}: name"),
                 "district": item.get("district"), "status": item["status"],
                 "note": _multilingual(item.get("note"), f"{where}: note", required=False) or None,
                 "length_km": item.get("length_km"),
                 "updated": _datetime(item.get("updated"), f"{where}: updated"), "lat": lat, "long": long}
            )

    path = kb_dir / "plans.yml"
    if path.exists():
        stages = {"initiated", "draft", "proposal", "approved", "in_force", "appealed"}
        for item in (_read_yaml(path) or {}).get("plans") or []:
            where = f"{path}: plan {item.get('number')}"
            if item.get("stage") not in stages:
                raise ContentError(f"{where}: stage must be one of {sorted(stages)}")
            planner = item.get("planner") or {}
            content.plans.append(
                {"number": str(item["number"]), "name": _multilingual(item.get("name"), f"{where}: name"),
                 "aliases": [str(a) for a in item.get("aliases") or []], "district": item.get("district"),
                 "stage": item["stage"],
                 "next_step": _multilingual(item.get("next_step"), f"{where}: next_step", required=False) or None,
                 "next_date": str(item["next_date"]) if item.get("next_date") else None,
                 "planner_name": planner.get("name"),
                 "planner_title": _multilingual(planner.get("title"), f"{where}: planner title", required=False) or None,
                 "planner_email": planner.get("email"), "url": item.get("url")}
            )


# Parameters the code passes to finer answers (docs/content.md); facts are allowed everywhere.
def check_placeholders(content: Content) -> None:
    from citizenbot.answer_params import allowed_params

    for key, texts in content.answers.items():
        allowed = set(content.facts) | allowed_params(key)
        for lang, text in texts.items():
            unknown = set(PLACEHOLDER_RE.findall(text)) - allowed
            if unknown:
                raise ContentError(
                    f"answer {key} ({lang}): unknown placeholder(s) {', '.join('{%s}' % u for u in sorted(unknown))}"
                )


def render(template: str, lang: str, facts: Mapping[str, Mapping[str, str]], params: Mapping[str, Any] | None = None) -> str:
    """Fill ``{placeholders}`` from the parameters, then from the facts in the given language."""
    params = params or {}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in params:
            return "" if params[name] is None else str(params[name])
        fact = facts.get(name)
        if fact is not None:
            return pick_text(fact, lang)
        return match.group(0)

    return PLACEHOLDER_RE.sub(value, template).replace("{{", "{").replace("}}", "}")
