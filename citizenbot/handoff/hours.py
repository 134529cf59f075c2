"""Service hours of the handoff queues (city configuration), as pure functions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from citizenbot.settings import SOURCE_LANGUAGES, served_languages

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "uk": ("пн", "вт", "ср", "чт", "пт", "сб", "нд"),
    "et": ("E", "T", "K", "N", "R", "L", "P"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    "so": ("Isniin", "Talaado", "Arbaco", "Khamiis", "Jimco", "Sabti", "Axad"),
    "fa": ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"),
}
_RANGE_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    pass


@dataclass(frozen=True)
class Queue:
    name: str
    languages: tuple[str, ...]
    # weekday index 0..6 -> list of (start, end) local times
    hours: Mapping[int, tuple[tuple[time, time], ...]]
    hours_fact: str | None = None


@dataclass(frozen=True)
class HandoffConfig:
    timezone: ZoneInfo
    average_handling_minutes: float
    queues: Mapping[str, Queue] = field(default_factory=dict)

    def queue(self, name: str) -> Queue:
        return self.queues[name]


def _days(spec: str) -> list[int]:
    spec = spec.strip().lower()
    if "-" in spec:
        first, last = spec.split("-", 1)
        if first not in DAYS or last not in DAYS:
            raise HoursError(f"unknown weekday range {spec!r}")
        a, b = DAYS.index(first), DAYS.index(last)
        return list(range(a, b + 1)) if a <= b else list(range(a, 7)) + list(range(0, b + 1))
    if spec not in DAYS:
        raise HoursError(f"unknown weekday {spec!r}")
    return [DAYS.index(spec)]


def _range(text: str) -> tuple[time, time]:
    match = _RANGE_RE.match(str(text).replace(" ", ""))
    if not match:
        raise HoursError(f"hours must look like 08:00-15:00, not {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = time(h1, m1), time(h2, m2)
    if end <= start:
        raise HoursError(f"closing time before opening time in {text!r}")
    return start, end


def _staff_languages() -> tuple[str, ...]:
    """Staff chat in the source languages (Finnish, Swedish, English) unless the city file says
    otherwise; a resident writing in another language is told so in it and offered these."""
    return tuple(lang for lang in served_languages() if lang in SOURCE_LANGUAGES)


def parse_config(data: Mapping[str, Any] | None) -> HandoffConfig:
    data = data or {}
    queues = {}
    for name, spec in (data.get("queues") or {}).items():
        hours: dict[int, list[tuple[time, time]]] = {}
        for days, ranges in (spec.get("hours") or {}).items():
            for rng in ranges if isinstance(ranges, list) else [ranges]:
                for day in _days(days):
                    hours.setdefault(day, []).append(_range(rng))
        queues[name] = Queue(
            name=name, languages=tuple(spec.get("languages") or _staff_languages()),
            hours={d: tuple(sorted(r)) for d, r in hours.items()}, hours_fact=spec.get("hours_fact"),
        )
    return HandoffConfig(
        timezone=ZoneInfo(data.get("timezone") or "Europe/Helsinki"),
        average_handling_minutes=float(data.get("average_handling_minutes") or 6),
        queues=queues,
    )


def is_open(queue: Queue, now: datetime, tz: ZoneInfo) -> bool:
    local = now.astimezone(tz)
    return any(start <= local.time() < end for start, end in queue.hours.get(local.weekday(), ()))


def next_opening(queue: Queue, now: datetime, tz: ZoneInfo) -> datetime | None:
    local = now.astimezone(tz)
    for offset in range(0, 8):
        day = (local + timedelta(days=offset)).date()
        for start, _end in queue.hours.get(day.weekday(), ()):
            candidate = datetime.combine(day, start, tzinfo=tz)
            if candidate > local:
                return candidate
    return None


def format_hours(queue: Queue, lang: str) -> str:
    """"ma–pe klo 8–15" / "mån–fre kl. 8–15" / "Mon–Fri 8–15", grouping days with equal hours."""
    names = DAY_NAMES.get(lang, DAY_NAMES["en"])
    groups: list[tuple[list[int], tuple]] = []
    for day in range(7):
        ranges = queue.hours.get(day)
        if not ranges:
            continue
        if groups and groups[-1][1] == ranges and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], ranges))

    def clock(t: time) -> str:
        return f"{t.hour}" if t.minute == 0 else f"{t.hour}.{t.minute:02d}"

    parts = []
    for days, ranges in groups:
        span = names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}"
        times = ", ".join(f"{clock(a)}–{clock(b)}" for a, b in ranges)
        prefix = {"fi": "klo ", "sv": "kl. "}.get(lang, "")
        parts.append(f"{span} {prefix}{times}")
    return "; ".join(parts)
