"""Reading a city's feedback history: a JSONL export or a GeoReport v2 server.

Both give ``Record``s with the GeoReport v2 fields the importer needs. A GeoReport v2 server
returns at most a limited number of requests per call (often 200 or 1,000, newest first), so
``fetch_open311`` asks for the history in date windows (``start_date``/``end_date``) and halves a
window whose answer is full, until every request of the period has been seen.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests


class SourceError(RuntimeError):
    pass


@dataclass(frozen=True)
class Record:
    id: str
    service_code: str
    service_name: str
    title: str
    description: str
    requested: datetime | None
    agency: str

    @property
    def text(self) -> str:
        """The resident's words: the description (the title is often a truncated copy of it)."""
        return self.description


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def record_from(item: dict) -> Record:
    return Record(
        id=str(item.get("service_request_id") or ""),
        service_code=str(item.get("service_code") or ""),
        service_name=str(item.get("service_name") or ""),
        title=str(item.get("title") or ""),
        description=str(item.get("description") or ""),
        requested=parse_time(item.get("requested_datetime")),
        agency=str(item.get("agency_responsible") or ""),
    )


@dataclass
class ReadReport:
    records: list[Record]
    bad_lines: list[int]


def read_jsonl(path: Path) -> ReadReport:
    """Every JSON object of a JSONL file; lines that are not one are reported, not fatal."""
    records, bad = [], []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                bad.append(n)
                continue
            if not isinstance(item, dict):
                bad.append(n)
                continue
            records.append(record_from(item))
    return ReadReport(records, bad)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _get_json(session: requests.Session, url: str, params: dict, timeout: float, retries: int,
              sleep: Callable[[float], None]) -> list:
    """One call with retries on timeouts, refused connections and 5xx; a clear error otherwise."""
    last = ""
    for attempt in range(retries + 1):
        if attempt:
            sleep(min(2 ** attempt, 30))
        try:
            response = session.get(url, params=params, timeout=timeout)
        except requests.RequestException as exc:
            last = f"{type(exc).__name__}: {exc}"
            continue
        if response.status_code >= 500:
            last = f"HTTP {response.status_code}"
            continue
        if response.status_code != 200:
            raise SourceError(f"{url} answered HTTP {response.status_code}: {response.text[:200]!r}")
        try:
            data = response.json()
        except ValueError as exc:
            raise SourceError(f"{url} did not answer JSON (content-type "
                              f"{response.headers.get('content-type', '?')}): {response.text[:120]!r}") from exc
        if not isinstance(data, list):
            raise SourceError(f"{url} answered {type(data).__name__}, expected a list of service requests")
        return data
    raise SourceError(f"{url} failed {retries + 1} times ({last})")


def fetch_open311(
    base_url: str,
    since: datetime,
    until: datetime,
    *,
    window: timedelta = timedelta(days=30),
    page_limit: int = 200,
    min_window: timedelta = timedelta(hours=1),
    timeout: float = 30.0,
    retries: int = 3,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
) -> Iterator[Record]:
    """Every service request requested in [since, until), each once (``module docstring``)."""
    url = base_url.rstrip("/") + "/requests.json"
    session = session or requests.Session()
    seen: set[str] = set()
    pending = []
    start = since
    while start < until:
        end = min(start + window, until)
        pending.append((start, end))
        start = end
    while pending:
        start, end = pending.pop(0)
        params = {"start_date": _iso(start), "end_date": _iso(end), "extensions": "true"}
        items = _get_json(session, url, params, timeout, retries, sleep)
        if len(items) >= page_limit and end - start > min_window:
            middle = start + (end - start) / 2
            pending[:0] = [(start, middle), (middle, end)]  # the full answer may have cut some off
            continue
        if progress:
            progress(f"{_iso(start)} .. {_iso(end)}: {len(items)} requests")
        for item in items:
            if not isinstance(item, dict):
                continue
            record = record_from(item)
            if record.id and record.id in seen:
                continue
            seen.add(record.id)
            yield record
