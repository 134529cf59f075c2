"""Points (WGS84 latitude and longitude) of the places a fault report can name.

A street is a line, not a point, so a street alone gets none: only an address (a street and a
house number) from the city's address register (``kb/address_points.csv``: street, number, lat,
long), and a venue whose data gives one (``lat`` and ``long`` in ``kb/outdoor_sports.yml``). The
report is still sent with the place as the resident wrote it (``address_string``); the point
lets the city's system put it on its map without guessing.

The demo city ships no points: no register of verified coordinates was available to this project,
and a wrong point would send a crew to the wrong place. A city adds its own register (e.g. its
address points as open data) as ``kb/address_points.csv``.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

# Finland with a margin: a point outside is a mistake (swapped columns, a projected coordinate).
LAT_RANGE = (59.0, 70.5)
LONG_RANGE = (19.0, 32.0)
HOUSE_NUMBER = re.compile(r"^\d{1,4}[A-Z]?$")


class PointError(ValueError):
    """A point in the content that cannot be right; the message says where and why."""


def house_number(value: str) -> str | None:
    """"12", "12a", "12 A" -> "12", "12A", "12A"; None when it is not a house number."""
    number = re.sub(r"\s+", "", str(value or "")).upper()
    return number if HOUSE_NUMBER.match(number) else None


def point(lat: Any, long: Any, where: str) -> tuple[float, float] | None:
    """A checked point from content; None when neither is given."""
    if lat in (None, "") and long in (None, ""):
        return None
    if lat in (None, "") or long in (None, ""):
        raise PointError(f"{where}: lat and long must be given together")
    try:
        values = float(lat), float(long)
    except (TypeError, ValueError):
        raise PointError(f"{where}: lat and long must be numbers, got {lat!r}, {long!r}") from None
    (la, lo), ((la_min, la_max), (lo_min, lo_max)) = values, (LAT_RANGE, LONG_RANGE)
    if not all(math.isfinite(v) for v in values) or not (la_min <= la <= la_max and lo_min <= lo <= lo_max):
        raise PointError(f"{where}: ({la}, {lo}) is not in Finland (lat {LAT_RANGE}, long {LONG_RANGE}: WGS84 degrees)")
    return values


def load_address_points(path: Path, streets: set[str]) -> list[dict[str, Any]]:
    """The rows of ``address_points.csv`` (street, number, lat, long) as ``kb_address_point`` rows."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out, seen = [], set()
    for n, row in enumerate(rows, start=2):
        where = f"{path}:{n}"
        street, number = (row.get("street") or "").strip(), house_number(row.get("number") or "")
        if street not in streets:
            raise PointError(f"{where}: unknown street {street!r} (add it to streets.csv)")
        if number is None:
            raise PointError(f"{where}: {row.get('number')!r} is not a house number (12, 12A)")
        if (street, number) in seen:
            raise PointError(f"{where}: {street} {number} is listed twice")
        seen.add((street, number))
        lat, long = point(row.get("lat"), row.get("long"), where) or (None, None)
        if lat is None:
            raise PointError(f"{where}: lat and long are required")
        out.append({"street": street, "number": number, "lat": lat, "long": long})
    return out


def point_of(kb, location: str | None, lang: str = "fi") -> tuple[float, float] | None:
    """The point of a report's place: a known venue's, or a known street address's; None for a
    street without a number or anything not in the register."""
    if not location:
        return None
    match = kb.best_name(location, ["street", "venue"], lang)
    if match is None:
        return None
    if match.kind == "venue":
        venue = next(iter(kb.venues(venue_id=match.entry.key)), None)
        return (venue["lat"], venue["long"]) if venue and venue.get("lat") is not None else None
    number = house_number(match.number or "")
    return kb.address_point(match.entry.key, number) if number else None
