"""Delivering stored reports to the city's Open311 endpoint, with retries.

A report is first stored (``citizenbot.reports.store``) and its number given to the resident; delivery
happens afterwards. When the endpoint is down or slow the report stays ``pending`` and is retried
with back-off; a report the endpoint refuses (400/403) becomes ``failed`` and stays in the
database for staff. Nothing is ever dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from citizenbot.reports.georeport import remote_status, request_description
from citizenbot.reports.open311 import Open311Client, Open311Error
from citizenbot.reports.store import ReportStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Open311Config:
    """The city's Open311 endpoint and the service code of each report category."""

    base_url: str
    api_key: str
    timeout: float
    service_codes: Mapping[str, str]  # report category (topic id) -> service_code
    default_service_code: str | None

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)

    def service_code(self, category: str) -> str | None:
        return self.service_codes.get(category) or self.default_service_code

    def client(self) -> Open311Client:
        return Open311Client(self.base_url, self.api_key, timeout=self.timeout)


async def deliver(store: ReportStore, config: Open311Config, number: int, category_label: str) -> bool:
    """Try to deliver one report now; True when the endpoint accepted it."""
    row = await asyncio.to_thread(store.get_row, number)
    if row is None or row["sync_state"] != "pending":
        return False
    code = config.service_code(row["category"])
    if not code:
        await asyncio.to_thread(store.mark_failed, number, f"no service code for {row['category']}", False)
        return False
    contact = row.get("contact") or ""
    try:
        async with config.client() as client:
            result = await client.create_request(
                service_code=code,
                description=request_description(row, category_label),
                address_string=row["location"],
                title=category_label[:100] or None,
                email=contact if "@" in contact else None,
                phone=contact if contact and "@" not in contact else None,
                locale=row.get("lang"),
            )
    except Open311Error as exc:
        logger.warning("report %s not delivered (%s): %s", number, "retry" if exc.retryable else "refused", exc)
        await asyncio.to_thread(store.mark_failed, number, str(exc), exc.retryable)
        return False
    except Exception as exc:  # a bug or an unexpected answer must not lose the report
        logger.exception("report %s: unexpected delivery error", number)
        await asyncio.to_thread(store.mark_failed, number, repr(exc), True)
        return False
    await asyncio.to_thread(store.mark_sent, number, result.service_request_id, result.token)
    return True


async def deliver_due(store: ReportStore, config: Open311Config, labels: Mapping[str, str]) -> int:
    """Deliver every report whose attempt is due; returns how many were accepted."""
    if not config.enabled:
        return 0
    sent = 0
    for number in await asyncio.to_thread(store.due):
        row = await asyncio.to_thread(store.get_row, number)
        if await deliver(store, config, number, labels.get(row["category"], row["category"])):
            sent += 1
    return sent


async def refresh_status(store: ReportStore, config: Open311Config, number: int) -> None:
    """Update a delivered report's status from the endpoint; keep the stored one if it fails."""
    if not config.enabled:
        return
    row = await asyncio.to_thread(store.get_row, number)
    if not row or row["sync_state"] != "sent":
        return
    try:
        async with config.client() as client:
            remote_id = row["remote_id"]
            if not remote_id and row["remote_token"]:
                remote_id = await client.token(row["remote_token"])
                if remote_id:
                    await asyncio.to_thread(store.set_remote_id, number, remote_id)
            if not remote_id:
                return
            data = await client.request_status(remote_id)
    except Open311Error as exc:
        logger.info("status of report %s not refreshed: %s", number, exc)
        return
    if data:
        status, notes, updated = remote_status(data)
        await asyncio.to_thread(store.update_status, number, status, notes, updated)


async def run_outbox(store: ReportStore, config: Open311Config, labels: Mapping[str, str], interval: float) -> None:
    """Deliver due reports every ``interval`` seconds until cancelled."""
    while True:
        try:
            await deliver_due(store, config, labels)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("outbox round failed; trying again in %s s", interval)
        await asyncio.sleep(interval)
