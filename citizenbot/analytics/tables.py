"""The analytics' table format and the suppression of small counts (used by ``queries.py`` and
``service.py``).

Every table is ``{"columns": [{"key", "label", "kind"}], "rows": [{key: value, ...}]}`` where a
kind is "text", "count", "share" (0-1), "seconds" or "score" (1-5); the console draws its charts
and table views from them and the CSV export writes them as they are. Every count from 1 to 4 is
suppressed (``SUPPRESS_BELOW``): in JSON it is ``null`` with ``"<column>_suppressed": true`` beside
it, in CSV "<5"; a share or a time computed from such a count is suppressed too.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .rollup import OPEN_BUCKET, WAIT_BUCKETS
from .suppression import COMPLEMENTARY

SUPPRESS_BELOW = 5
SUPPRESSED_CSV = "<5"
COMPLEMENTARY_CSV = "suppressed"

LABELS = {  # Finnish fallbacks: the console shows col_<key> in each staff member's language (web/staff/strings)
    "lang": "Kieli", "domain": "Aihealue", "topic": "Aihe", "outcome": "Tulos", "day": "Päivä", "hour": "Tunti",
    "messages": "Viestejä", "conversations": "Keskusteluja", "emergencies": "Hätätilanteita",
    "answered": "Vastattu", "not_understood": "Ei ymmärretty", "out_of_scope": "Ei aihepiirissä",
    "handoff": "Ohjattu ihmiselle", "emergency": "Hätätilanne",
    "this_week": "Tällä viikolla", "weekly_before": "Viikossa ennen (4 vk keskiarvo)",
    "lang_fb": "Kieli", "up": "Auttoi", "down": "Ei auttanut", "helpful": "Auttoi, osuus",
    "queue": "Jono", "requests": "Pyyntöjä", "gave_up": "Luopui jonosta", "claimed": "Otettu",
    "wait_median": "Odotus, mediaani (s)", "wait_p90": "Odotus, 90 % (s)", "handling_avg": "Käsittely, ka (s)",
    "theme": "Teema", "category": "Luokka", "state": "Tila", "count": "Ilmoituksia", "district": "Kaupunginosa",
    "page": "Sivu", "ratings": "Arvioita", "score_avg": "Arvio, ka (1–5)", "satisfied": "Tyytyväisiä (4–5)",
    "at_city": "Kaupungin järjestelmässä", "not_yet": "Ei vielä perillä",
    "delivery_median": "Perillä, mediaani", "delivery_p90": "Perillä, 90 %",
}

# --- cells --------------------------------------------------------------------------------


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < SUPPRESS_BELOW


def new_row(**values: Any) -> dict[str, Any]:
    return dict(values)


def set_count(row: dict[str, Any], key: str, count: int) -> None:
    if is_small(count):
        row[key], row[f"{key}_suppressed"] = None, True
    else:
        row[key] = int(count)


def set_derived(row: dict[str, Any], key: str, value: float | None, basis: int) -> None:
    """A share or a time computed from ``basis`` items: suppressed with a small basis."""
    if is_small(basis):
        row[key], row[f"{key}_suppressed"] = None, True
    else:
        row[key] = None if value is None else round(value, 3)


def table(keys: list[tuple[str, str]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"columns": [{"key": key, "label": LABELS.get(key, key), "kind": kind} for key, kind in keys],
            "rows": rows}


def counted(row: dict[str, Any], **counts: int) -> dict[str, Any]:
    for key, value in counts.items():
        set_count(row, key, int(value or 0))
    return row


def quantile(histogram: list[tuple[int, int]], q: float, bounds: tuple[int, ...] = WAIT_BUCKETS) -> float | None:
    """The q-quantile of times from (upper limit, count) buckets of ``bounds`` (the roll-up's
    ``WAIT_BUCKETS`` or ``DELIVERY_BUCKETS``), interpolated inside its bucket; in the last, open
    bucket its lower limit (the time was at least that)."""
    total = sum(count for _, count in histogram)
    if not total:
        return None
    wanted, seen = q * total, 0
    for upper, count in sorted(histogram):
        lower = max((b for b in bounds if b < upper), default=0)
        if count and seen + count >= wanted:
            if upper == OPEN_BUCKET:
                return float(lower)
            return lower + (upper - lower) * (wanted - seen) / count
        seen += count
    return None



# --- CSV ----------------------------------------------------------------------------------------


def to_csv(table: dict[str, Any]) -> str:
    """One table as CSV: the column keys as the header, suppressed cells as "<5", cells hidden so
    that a small one cannot be computed as "suppressed"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    keys = [column["key"] for column in table["columns"]]
    writer.writerow(keys)
    for row in table["rows"]:
        writer.writerow([_csv_cell(row, key) for key in keys])
    return out.getvalue()


def _csv_cell(row: dict[str, Any], key: str) -> Any:
    marker = row.get(f"{key}_suppressed")
    if marker == COMPLEMENTARY:
        return COMPLEMENTARY_CSV
    if marker:
        return SUPPRESSED_CSV
    return "" if row.get(key) is None else row[key]
