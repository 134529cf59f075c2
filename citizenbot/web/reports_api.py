"""Fault reports in the staff console (role agent or admin): the reports that have not (knowingly)
reached the city's Open311 system, with the city's own reason, and what staff can do about them.

- retry:   a failed or backing-off report is sent again now (after staff fixed the cause)
- check:   an uncertain report (the answer to its create never came) is looked up at the city
- resend:  staff made sure the city does not have an uncertain report: it is sent again
- handled: staff took care of the report some other way; it leaves the list
- photo:   the photo the resident added (``photo`` true in the list), e.g. to pass the report on by hand

The outbox of the action server does the sending; this module only changes the report's state
(``citizenbot.reports.store``, each change conditional on the state staff saw) and looks reports up
(``citizenbot.reports.outbox.look_up``)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from aiohttp import web

from citizenbot.handoff.staff import Staff
from citizenbot.reports.names import number_of
from citizenbot.reports.open311 import Open311Error
from citizenbot.reports.outbox import Open311Config, look_up
from citizenbot.reports.photos import PhotoStore
from citizenbot.reports.store import ATTENTION_STATES, ReportStore
from citizenbot.store.models import as_utc
from citizenbot.web.staff_api import StaffApi, error

logger = logging.getLogger(__name__)
REPORT_ROLES = ("agent", "admin")
_FIELDS = ("category", "location", "description", "contact", "lang", "sync_state", "attempts", "last_error",
           "error_status", "reference", "public_ref", "remote_id", "handled_by")
_TIMES = ("created_at", "next_attempt_at", "claimed_at", "handled_at")


def report_json(row: dict) -> dict:
    out = {"number": number_of(row["id"]), **{k: row.get(k) for k in _FIELDS}}
    out["state"], out["reason"] = out.pop("sync_state"), out.pop("last_error")
    for key in _TIMES:
        value: datetime | None = row.get(key)
        out[key] = as_utc(value).isoformat() if value else None
    return out


class ReportsApi:
    def __init__(self, staff_api: StaffApi, store: ReportStore, open311: Open311Config, photos: PhotoStore):
        self.staff_api, self.store, self.open311, self.photos = staff_api, store, open311, photos

    def routes(self, app: web.Application) -> None:
        authed = self.staff_api.authed
        app.router.add_get("/api/staff/reports", authed(self.role(self.list)))
        app.router.add_post("/api/staff/reports/{id:\\d+}/retry", authed(self.role(self.retry)))
        app.router.add_post("/api/staff/reports/{id:\\d+}/check", authed(self.role(self.check)))
        app.router.add_post("/api/staff/reports/{id:\\d+}/resend", authed(self.role(self.resend)))
        app.router.add_post("/api/staff/reports/{id:\\d+}/handled", authed(self.role(self.handled)))
        app.router.add_get("/api/staff/reports/{id:\\d+}/photo", authed(self.role(self.photo)))

    @staticmethod
    def role(handler):
        async def wrapper(request: web.Request, staff: Staff) -> web.StreamResponse:
            if staff.role not in REPORT_ROLES:
                return error(403, "fault reports are for customer service")
            return await handler(request, staff)

        return wrapper

    async def _answer(self, number: int, changed: bool, staff: Staff, what: str) -> web.Response:
        row = await asyncio.to_thread(self.store.get_row, number)
        if row is None:
            return error(404, "no such report")
        if not changed:
            return error(409, f"the report is {row['sync_state']}: it cannot be {what} now")
        logger.info("report %s %s by %s", number, what, staff.username)
        return web.json_response({"report": report_json(row)})

    async def list(self, request: web.Request, staff: Staff) -> web.Response:
        state = request.query.get("state")
        if state is not None and state not in ATTENTION_STATES:
            return error(400, f"state must be one of {', '.join(ATTENTION_STATES)}")
        rows = await asyncio.to_thread(self.store.needing_attention, (state,) if state else ATTENTION_STATES)
        counts = {s: sum(1 for r in rows if r["sync_state"] == s) for s in ATTENTION_STATES}
        reports = [report_json(r) for r in rows]
        with_photo = await asyncio.to_thread(self.photos.with_photo, [r["number"] for r in reports])
        for report in reports:
            report["photo"] = report["number"] in with_photo
        return web.json_response({"counts": counts, "reports": reports})

    async def photo(self, request: web.Request, staff: Staff) -> web.StreamResponse:
        content = await asyncio.to_thread(self.photos.of_report, int(request.match_info["id"]))
        if content is None:
            return error(404, "the report has no photo")
        return web.Response(body=content, content_type="image/jpeg", headers={"Cache-Control": "private, no-store"})

    async def retry(self, request: web.Request, staff: Staff) -> web.Response:
        number = int(request.match_info["id"])
        return await self._answer(number, await asyncio.to_thread(self.store.retry, number), staff, "retried")

    async def resend(self, request: web.Request, staff: Staff) -> web.Response:
        number = int(request.match_info["id"])
        return await self._answer(number, await asyncio.to_thread(self.store.resend, number), staff, "resent")

    async def handled(self, request: web.Request, staff: Staff) -> web.Response:
        number = int(request.match_info["id"])
        changed = await asyncio.to_thread(self.store.mark_handled, number, staff.username)
        return await self._answer(number, changed, staff, "marked handled")

    async def check(self, request: web.Request, staff: Staff) -> web.Response:
        number = int(request.match_info["id"])
        row = await asyncio.to_thread(self.store.get_row, number)
        if row is None:
            return error(404, "no such report")
        if row["sync_state"] != "uncertain":
            return error(409, f"the report is {row['sync_state']}: only an uncertain report is looked up")
        if not self.open311.enabled:
            return error(409, "no Open311 endpoint is configured")
        try:
            remote_id = await look_up(self.store, self.open311, number)
        except Open311Error as exc:
            return error(502, f"the city could not say: {exc.reason}")
        row = await asyncio.to_thread(self.store.get_row, number)
        return web.json_response({"found": remote_id is not None, "report": report_json(row)})
