"""What the assistant says for a topic: knowledge-base answers and lookups, as plain data.

Pure functions over a KnowledgeBase (blocking); the actions run them in a worker thread and turn the
replies into messages. Every reply names its topic (a topic id or a finer id under it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from citizenbot.kb import KnowledgeBase, pick
from citizenbot.names import guess_street
from citizenbot.text import fold

_MONTHS_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass
class Reply:
    text: str
    topic: str
    buttons: list[dict] = field(default_factory=list)


def format_date(value: date | datetime | str | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        parts = value.split("-")
        if len(parts) == 2:  # YYYY-MM
            year, month = int(parts[0]), int(parts[1])
            return f"{_MONTHS_EN[month - 1]} {year}" if lang == "en" else f"{month}/{year}"
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    if lang == "en":
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.day}.{value.month}.{value.year}"


def faq(kb: KnowledgeBase, topic: str, lang: str) -> Reply:
    return Reply(kb.answer(topic, lang), topic)


UNSERVED_TOPIC = "meta.language.unserved"


def unserved_language_reply(kb: KnowledgeBase, lang: str, served: tuple[str, ...]) -> Reply:
    """A message in a language we do not serve (``lang``: ru, zh, ...): in that language, which
    languages the assistant answers in, and 112 for emergencies."""
    names = ", ".join(kb.label(f"language.name.{code}", lang, code) for code in served)
    return Reply(kb.answer(UNSERVED_TOPIC, lang, languages=names), UNSERVED_TOPIC)


# --- street maintenance ----------------------------------------------------------------------------


def _class_labels(kb: KnowledgeBase, klass: str, lang: str) -> dict[str, str]:
    return {
        "class_name": kb.label(f"maintenance_class.{klass}.name", lang, klass),
        "class_description": kb.label(f"maintenance_class.{klass}.plowing", lang, ""),
        "sanding_description": kb.label(f"maintenance_class.{klass}.sanding", lang, ""),
    }


def snow_plowing(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    topic = "maintenance.snow_plowing"
    match = kb.best_name(text, ["street"], lang)
    if match:
        street = kb.street(match.entry.key)
        labels = _class_labels(kb, street["maintenance_class"], lang)
        body = kb.answer(
            f"{topic}.street", lang, street=street["name_fi"], district=street["district"] or "",
            class_name=labels["class_name"], class_description=labels["class_description"],
        )
        return [Reply(body, f"{topic}.street")]
    guessed = guess_street(text)
    if guessed:
        body = kb.answer(f"{topic}.street_unknown", lang, street=guessed) + "\n\n" + kb.answer(topic, lang)
        return [Reply(body, f"{topic}.street_unknown")]
    return [faq(kb, topic, lang)]


def slipperiness(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    topic = "maintenance.slipperiness"
    match = kb.best_name(text, ["street"], lang)
    if match:
        street = kb.street(match.entry.key)
        labels = _class_labels(kb, street["maintenance_class"], lang)
        body = kb.answer(
            f"{topic}.street", lang, street=street["name_fi"], class_name=labels["class_name"],
            sanding_description=labels["sanding_description"],
        )
        return [Reply(body, f"{topic}.street")]
    return [faq(kb, topic, lang)]


def sand_removal(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    topic = "maintenance.sand_removal"
    district = None
    match = kb.best_name(text, ["district", "street"], lang)
    if match and match.kind == "district":
        district = kb.district(match.entry.key)
    elif match and match.kind == "street":
        street = kb.street(match.entry.key)
        district = kb.district(street["district"]) if street and street["district"] else None
    if district and district.get("sand_removal_area"):
        schedule = kb.label(f"sand_removal.{district['sand_removal_area']}", lang, "")
        if schedule:
            body = kb.answer(f"{topic}.area", lang, district=district["name_fi"], schedule=schedule)
            return [Reply(body, f"{topic}.area")]
    return [faq(kb, topic, lang)]


def road_works(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    topic = "maintenance.road_works"
    match = kb.best_name(text, ["street", "district"], lang)
    if not match:
        return [faq(kb, topic, lang)]
    if match.kind == "street":
        works = kb.road_works(street=match.entry.key, today=today)
    else:
        works = kb.road_works(district=match.entry.key, today=today)
    place = match.entry.display
    if not works:
        return [Reply(kb.answer(f"{topic}.none", lang, place=place), f"{topic}.none")]
    items = "\n".join(
        "• " + kb.answer(
            f"{topic}.item", lang, street=w["street"] or w["district"] or "",
            description=pick(w["description"], lang), start=format_date(w["start"], lang),
            end=format_date(w["end"], lang),
        )
        for w in works[:6]
    )
    return [Reply(kb.answer(f"{topic}.found", lang, place=place, items=items), f"{topic}.found")]


_SKI_RE = re.compile(r"\b(lat|ladu|hiiht|hiihdo|ski|skid|spar|langdskid|cross.country)\w*")
_RINK_RE = re.compile(r"\b(luistel|luistin|kaukalo|jaa|rink|skat|skridsko|isbana|isbanan|kentta|jaakentt)\w*")


def outdoor_sports(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    topic = "maintenance.outdoor_sports"
    folded = fold(text)
    kind = None
    if _SKI_RE.search(folded) and not _RINK_RE.search(folded):
        kind = "ski_track"
    elif _RINK_RE.search(folded) and not _SKI_RE.search(folded):
        kind = "ice_rink"
    match = kb.best_name(text, ["venue", "district"], lang)
    if not match:
        return [faq(kb, topic, lang)]
    if match.kind == "venue":
        venues = kb.venues(venue_id=match.entry.key)
    else:
        venues = kb.venues(district=match.entry.key, kind=kind)
    place = match.entry.display if match.kind == "district" else pick(venues[0]["name"], lang) if venues else match.entry.display
    if not venues:
        return [Reply(kb.answer(f"{topic}.none", lang, place=place), f"{topic}.none")]
    items = "\n".join(
        "• " + kb.answer(
            f"{topic}.item", lang, name=pick(v["name"], lang),
            status=kb.label(f"venue_status.{v['status']}", lang, v["status"]),
            note=pick(v["note"], lang), updated=format_date(v["updated"], lang),
        ).strip()
        for v in venues[:8]
    )
    return [Reply(kb.answer(f"{topic}.found", lang, place=place, items=items), f"{topic}.found")]


# --- zoning ----------------------------------------------------------------------------------------

_PLAN_NUMBER_RE = re.compile(r"(?<![\d.,])(\d{3,5})(?![\d.,])")


def _plan_params(kb: KnowledgeBase, plan: dict, lang: str) -> dict[str, str]:
    return {
        "plan_name": pick(plan["name"], lang),
        "plan_number": plan["number"],
        "district": plan["district"] or "",
        "stage": kb.label(f"plan_stage.{plan['stage']}", lang, plan["stage"]),
        "next_step": pick(plan["next_step"], lang),
        "next_date": format_date(plan["next_date"], lang),
        "planner": plan["planner_name"] or "",
        "planner_title": pick(plan["planner_title"], lang),
        "planner_email": plan["planner_email"] or "",
        "url": plan["url"] or "",
    }


def _find_plans(kb: KnowledgeBase, text: str, lang: str) -> tuple[list[dict], str | None, str | None]:
    """(plans, district name, unknown plan number) named in the text."""
    match = kb.best_name(text, ["plan"], lang)
    if match:
        return [kb.plan(match.entry.key)], None, None
    number = _PLAN_NUMBER_RE.search(text)
    if number:
        plan = kb.plan(number.group(1))
        return ([plan], None, None) if plan else ([], None, number.group(1))
    district = kb.best_name(text, ["district"], lang)
    if district:
        return kb.plans_in_district(district.entry.key), district.entry.display, None
    return [], None, None


def _plan_list(kb: KnowledgeBase, plans: list[dict], district: str, lang: str) -> str:
    items = "\n".join(
        "• " + kb.answer("zoning.plans_in_area.item", lang, **{k: v for k, v in _plan_params(kb, p, lang).items()
                                                                if k in {"plan_name", "plan_number", "stage"}})
        for p in plans[:8]
    )
    return kb.answer("zoning.plans_in_area.found", lang, district=district, items=items)


def plan_status(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    topic = "zoning.plan_status"
    plans, district, unknown_number = _find_plans(kb, text, lang)
    if len(plans) == 1:
        params = _plan_params(kb, plans[0], lang)
        params.pop("planner_title")
        return [Reply(kb.answer(f"{topic}.found", lang, **params), f"{topic}.found")]
    if len(plans) > 1:
        return [Reply(_plan_list(kb, plans, district, lang), f"{topic}.list")]
    if unknown_number:
        return [Reply(kb.answer(f"{topic}.not_found", lang, name=unknown_number), f"{topic}.not_found")]
    if district:
        return [Reply(kb.answer("zoning.plans_in_area.none", lang, district=district), f"{topic}.none")]
    return [faq(kb, topic, lang)]


def plans_in_area(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    topic = "zoning.plans_in_area"
    district_match = kb.best_name(text, ["district"], lang)
    plan_match = kb.best_name(text, ["plan"], lang)
    if district_match:
        district = district_match.entry.key
    elif plan_match:
        district = kb.plan(plan_match.entry.key)["district"]
    else:
        return [faq(kb, topic, lang)]
    plans = kb.plans_in_district(district) if district else []
    if not plans:
        return [Reply(kb.answer(f"{topic}.none", lang, district=district or ""), f"{topic}.none")]
    return [Reply(_plan_list(kb, plans, district, lang), f"{topic}.found")]


def contact_planner(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    topic = "zoning.contact_planner"
    plans, district, unknown_number = _find_plans(kb, text, lang)
    if len(plans) >= 1 and (len(plans) == 1 or len({p["planner_name"] for p in plans}) == 1):
        params = _plan_params(kb, plans[0], lang)
        return [Reply(
            kb.answer(f"{topic}.found", lang, **{k: params[k] for k in ("plan_name", "planner", "planner_title", "planner_email")}),
            f"{topic}.found",
        )]
    if len(plans) > 1:
        lines = "\n".join(
            "• " + kb.answer(f"{topic}.found", lang, **{k: _plan_params(kb, p, lang)[k] for k in ("plan_name", "planner", "planner_title", "planner_email")})
            for p in plans[:6]
        )
        return [Reply(lines, f"{topic}.list")]
    if unknown_number:
        return [Reply(kb.answer("zoning.plan_status.not_found", lang, name=unknown_number), f"{topic}.not_found")]
    return [faq(kb, topic, lang)]


CLOSED_PLAN_STAGES = frozenset({"approved", "in_force", "appealed"})


def participation(kb: KnowledgeBase, text: str, lang: str, today: date | None = None) -> list[Reply]:
    """How to take part; for a comment on one named plan, also where to send it (its planner)."""
    topic = "zoning.participation"
    general = faq(kb, topic, lang)
    plans, _district, _unknown = _find_plans(kb, text, lang)
    if len(plans) != 1:
        return [general]
    plan = plans[0]
    # Opinions are collected while a plan is prepared; once approved it can only be appealed.
    # "Hiedanrannan kaava" names the area's first plan (in force) while its next phase is open:
    # then the resident hears about both.
    chosen = [plan]
    if plan["stage"] in CLOSED_PLAN_STAGES and plan["district"]:
        open_ = [p for p in kb.plans_in_district(plan["district"])
                 if p["stage"] not in CLOSED_PLAN_STAGES and p["number"] != plan["number"]]
        if len(open_) == 1:
            chosen.append(open_[0])
    texts = []
    for each in chosen:
        params = _plan_params(kb, each, lang)
        key = f"{topic}.plan_closed" if each["stage"] in CLOSED_PLAN_STAGES else f"{topic}.plan"
        texts.append(kb.answer(key, lang, **{k: params[k] for k in ("plan_name", "stage", "planner",
                                                                   "planner_email", "url")}))
    key = f"{topic}.plan_closed" if len(chosen) == 1 and plan["stage"] in CLOSED_PLAN_STAGES else f"{topic}.plan"
    return [Reply("\n\n".join([*texts, general.text]), key, general.buttons)]


LOOKUPS: dict[str, Callable[..., list[Reply]]] = {
    "maintenance.snow_plowing": snow_plowing,
    "maintenance.slipperiness": slipperiness,
    "maintenance.sand_removal": sand_removal,
    "maintenance.road_works": road_works,
    "maintenance.outdoor_sports": outdoor_sports,
    "zoning.plan_status": plan_status,
    "zoning.plans_in_area": plans_in_area,
    "zoning.contact_planner": contact_planner,
    "zoning.participation": participation,
}


def answer_topic(kb: KnowledgeBase, topic: str, text: str, lang: str, today: date | None = None) -> list[Reply]:
    """The replies for a recognised topic: a lookup where the topic has one, else the KB answer."""
    handler = LOOKUPS.get(topic)
    if handler:
        return handler(kb, text or "", lang, today)
    return [faq(kb, topic, lang)]
