"""Delivering stored reports to the city's Open311 endpoint: exactly once, with retries.

A report is first stored (``citizenbot.reports.store``) and its number given to the resident; delivery
happens afterwards, by whichever sender claims the row first. When the endpoint is down or answers
5xx/408/429 the report stays ``pending`` and is retried with back-off; a report the endpoint refuses
(other 4xx) or that keeps failing becomes ``failed`` and stays in the database for staff, with the
city's reason and an alert in the log. When the answer to a create is unclear the city may have the
report: it is looked up there by the reference the description carries, and held as ``uncertain``
for staff when it cannot be found. Nothing is ever dropped, and nothing is sent twice blindly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from citizenbot.reports.georeport import remote_status, request_description
from citizenbot.reports.open311 import Open311Client, Open311Error
from citizenbot.reports.photos import PhotoStore, media_url
from citizenbot.reports.store import STALE_CLAIM_SECONDS, Claim, ReportStore
from citizenbot.store.models import as_utc, utcnow

logger = logging.getLogger(__name__)
# The window in which the city's copy of a report is looked for reaches this far past the report's
# own times, for clocks that disagree.
LOOKUP_MARGIN = timedelta(hours=1)
# A report still pending after this many attempts (about half an hour) raises an alert in the log.
RETRY_ALERT_AFTER = 6


@dataclass(frozen=True)
class Open311Config:
    """The city's Open311 endpoint and the service code of each report category."""

    base_url: str
    api_key: str
    timeout: float
    service_codes: Mapping[str, str]  # report category (topic id) -> service_code
    default_service_code: str | None
    stale_claim_seconds: float = STALE_CLAIM_SECONDS
    jurisdiction_id: str | None = None  # sent with every call when set (servers of several cities)
    public_base_url: str | None = None  # PUBLIC_BASE_URL: a report's photo is sent as a link under it

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)

    @property
    def claim_bound(self) -> float:
        """When a sender's claim is stale: well past the two HTTP calls one delivery makes."""
        return max(self.stale_claim_seconds, 4 * self.timeout)

    def service_code(self, category: str) -> str | None:
        return self.service_codes.get(category) or self.default_service_code

    def client(self) -> Open311Client:
        return Open311Client(self.base_url, self.api_key, timeout=self.timeout, jurisdiction_id=self.jurisdiction_id)


async def deliver(store: ReportStore, config: Open311Config, number: int, category_label: str) -> bool:
    """Try to deliver one report now; True when the city has it.

    Only the sender that claims the report sends it (several may try at once: the action right
    after filing, the outbox rounds, other processes). When the answer to the create is unclear
    (no answer in time, a dropped connection) the report is looked up at the city, never sent again
    blindly; when it cannot be found it is held as ``uncertain`` for staff.
    """
    claim = await asyncio.to_thread(store.claim, number, stale_after=config.claim_bound)
    if claim is None:
        return False
    row = claim.row
    code = config.service_code(row["category"])
    if not code:
        reason = f"no service code for {row['category']} in the city's open311 configuration"
        await _failed(store, claim, reason, retryable=False, status=None)
        return False
    media = await _media_url(store, config, number)
    async with config.client() as client:
        if claim.resumed:
            return await _settle_unclear(client, store, claim, code, "the previous sender stopped without an outcome")
        contact = row.get("contact") or ""
        try:
            result = await client.create_request(
                service_code=code,
                description=request_description(row, category_label),
                address_string=row["location"],
                lat=row.get("lat"),
                long=row.get("long"),
                title=category_label[:100] or None,
                email=contact if "@" in contact else None,
                phone=contact if contact and "@" not in contact else None,
                locale=row.get("lang"),
                media_url=media,
            )
        except Open311Error as exc:
            if exc.may_have_arrived:
                return await _settle_unclear(client, store, claim, code, exc.reason)
            await _failed(store, claim, exc.reason, retryable=exc.retryable, status=exc.status)
            return False
        except Exception as exc:  # a bug after the request may have gone out: find out, never resend
            logger.exception("report %s: unexpected delivery error", number)
            return await _settle_unclear(client, store, claim, code, repr(exc))
    await _sent(store, claim, result.service_request_id, result.token)
    return True


async def _media_url(store: ReportStore, config: Open311Config, number: int) -> str | None:
    """The link to the report's photo for the city; None without a photo or a public address."""
    token = await asyncio.to_thread(PhotoStore(store.database).token_of, number)
    if token and not config.public_base_url:
        logger.warning("report %s has a photo, but PUBLIC_BASE_URL is not set: it is sent without it", number)
    return media_url(config.public_base_url, token) if token and config.public_base_url else None


async def _sent(store: ReportStore, claim: Claim, remote_id: str | None, token: str | None) -> None:
    if not await asyncio.to_thread(store.mark_sent, claim.number, remote_id, token, claim.token):
        # Only when this sender outlived its claim; whoever took it over looks the report up first.
        logger.error("report %s reached the city (%s) after its claim went stale", claim.number, remote_id or token)


async def _failed(store: ReportStore, claim: Claim, reason: str, *, retryable: bool, status: int | None) -> None:
    outcome = await asyncio.to_thread(
        store.mark_failed, claim.number, reason, retryable, claim=claim.token, status=status
    )
    if outcome is None:
        return
    state, attempts = outcome
    if state == "failed":  # the alert: staff must act (the staff API lists these reports)
        logger.error("report %s could not be delivered and is kept as failed for staff: %s", claim.number, reason)
    elif attempts == RETRY_ALERT_AFTER:  # e.g. a configuration error the city answers with 500
        logger.error("report %s still not delivered after %s attempts, retrying: %s", claim.number, attempts, reason)
    else:
        logger.warning("report %s not delivered, will retry: %s", claim.number, reason)


async def _settle_unclear(client: Open311Client, store: ReportStore, claim: Claim, code: str, why: str) -> bool:
    """After an unclear create: the city's copy, found by our reference, or ``uncertain``."""
    row = claim.row
    created = as_utc(row["created_at"])
    try:
        found = await client.find_request(
            code, row["reference"], created - LOOKUP_MARGIN, utcnow() + LOOKUP_MARGIN
        )
    except Open311Error as exc:
        found, looked = None, f"looking it up failed: {exc.reason}"
    else:
        looked = f"the city does not list {row['reference']}"
    if found is not None and found.get("service_request_id") not in (None, ""):
        logger.info("report %s found at the city after an unclear answer (%s)", claim.number, why)
        await _sent(store, claim, str(found["service_request_id"]), None)
        return True
    reason = f"No clear answer from the city ({why}); {looked}. Check at the city before sending it again."
    if await asyncio.to_thread(store.mark_uncertain, claim.number, reason, claim.token):
        logger.error("report %s held as uncertain for staff: %s", claim.number, reason)
    return False


async def look_up(store: ReportStore, config: Open311Config, number: int) -> str | None:
    """Staff check of an uncertain report: the city's id when it has the report (then the report is
    ``sent``), None when it does not list it; Open311Error when the city cannot say."""
    row = await asyncio.to_thread(store.get_row, number)
    code = config.service_code(row["category"]) if row else None
    if row is None or row["sync_state"] != "uncertain" or not code or not config.enabled:
        return None
    created = as_utc(row["created_at"])
    async with config.client() as client:
        found = await client.find_request(code, row["reference"] or "", created - LOOKUP_MARGIN, utcnow() + LOOKUP_MARGIN)
    remote_id = str(found["service_request_id"]) if found and found.get("service_request_id") not in (None, "") else None
    if remote_id and await asyncio.to_thread(store.found_at_city, number, remote_id):
        logger.info("uncertain report %s found at the city as %s", number, remote_id)
        return remote_id
    return None


async def deliver_due(store: ReportStore, config: Open311Config, labels: Mapping[str, str]) -> int:
    """Deliver every report whose attempt is due, and look up the uncertain ones whose check is
    due (never sending them); returns how many reached the city or were found there."""
    if not config.enabled:
        return 0
    sent = 0
    for number in await asyncio.to_thread(store.due, stale_after=config.claim_bound):
        row = await asyncio.to_thread(store.get_row, number)
        if await deliver(store, config, number, labels.get(row["category"], row["category"])):
            sent += 1
    for number in await asyncio.to_thread(store.uncertain_due):
        try:
            found = await look_up(store, config, number)
        except Open311Error as exc:
            logger.info("uncertain report %s not looked up: %s", number, exc.reason)
            found = None
        if found:
            sent += 1
        else:
            await asyncio.to_thread(store.recheck_later, number)
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


async def check_services(config: Open311Config) -> list[str] | None:
    """The configured service codes the city's ``services.json`` does not list (each one warned
    about: reports of that category would be refused); None when the list could not be read."""
    try:
        async with config.client() as client:
            listed = {str(s.get("service_code")) for s in await client.services()}
    except Open311Error as exc:
        logger.warning("the city's service list could not be read to check the service codes: %s", exc.reason)
        return None
    configured = {**config.service_codes, **({"(default)": config.default_service_code}
                                             if config.default_service_code else {})}
    missing = sorted({str(code) for code in configured.values()} - listed)
    for category, code in sorted(configured.items()):
        if str(code) in missing:
            logger.warning("service code %s (%s) is not in the city's services.json: its reports will be refused",
                           code, category)
    return missing


async def run_outbox(store: ReportStore, config: Open311Config, labels: Mapping[str, str], interval: float) -> None:
    """Check the service codes once, then deliver due reports every ``interval`` seconds until cancelled."""
    await check_services(config)
    while True:
        try:
            await deliver_due(store, config, labels)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("outbox round failed; trying again in %s s", interval)
        await asyncio.sleep(interval)
