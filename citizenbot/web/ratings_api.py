"""The end-of-chat ratings for staff: the average score and the number of ratings per queue, for a
date range (``GET /api/staff/ratings?from=YYYY-MM-DD&to=YYYY-MM-DD``), and the newest comments of
a queue. Every staff member may read them: they name no resident and no staff member."""

from __future__ import annotations

import asyncio
from datetime import date

from aiohttp import web

from citizenbot.handoff.ratings import RatingStore
from citizenbot.handoff.staff import Staff
from citizenbot.web.staff_api import StaffApi, error


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class RatingsApi:
    def __init__(self, staff_api: StaffApi, ratings: RatingStore):
        self.staff_api, self.ratings = staff_api, ratings

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/api/staff/ratings", self.staff_api.authed(self.summary))

    async def summary(self, request: web.Request, staff: Staff) -> web.Response:
        try:
            start, end = _day(request.query.get("from")), _day(request.query.get("to"))
        except ValueError:
            return error(400, "from and to are dates (YYYY-MM-DD)")
        rows = await asyncio.to_thread(self.ratings.per_queue, start, end)
        body = {"from": start and start.isoformat(), "to": end and end.isoformat(), "queues": [r.as_json() for r in rows]}
        queue = request.query.get("comments")
        if queue:
            body["comments"] = await asyncio.to_thread(self.ratings.comments, queue)
        return web.json_response(body)
