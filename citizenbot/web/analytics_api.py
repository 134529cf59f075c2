"""The analytics page's API in the staff console (role analyst or admin): the figures of
``citizenbot.analytics.queries`` for a date range as JSON, and each of its tables as CSV for the
city's own tools. Aggregates only: nothing here reads a conversation."""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiohttp import web

from citizenbot.analytics import queries
from citizenbot.handoff.staff import ANALYTICS_ROLES, Staff
from citizenbot.kb import KnowledgeBase
from citizenbot.store.db import Database
from citizenbot.web.staff_api import StaffApi, error, topic_title


class AnalyticsApi:
    def __init__(self, staff_api: StaffApi, database: Database, kb: KnowledgeBase | None = None,
                 zone: str = queries.CITY_TIMEZONE, shapes: dict | None = None):
        self.staff_api, self.database, self.kb, self.zone = staff_api, database, kb, zone
        self.shapes = shapes  # the city's district shapes (citizenbot.analytics.district_map), if any

    def _summary(self, first, last) -> dict:
        """The summary, with each topic's title in Finnish beside its id (what people read)."""
        result = queries.summary(self.database, first, last, self.zone)
        if self.kb is None:
            return result
        for table in result["tables"].values():
            keys = [column["key"] for column in table["columns"]]
            if "topic" not in keys:
                continue
            at = keys.index("topic") + 1
            table["columns"].insert(at, {"key": "title", "label": "Aiheen nimi", "kind": "text"})
            for row in table["rows"]:
                row["title"] = topic_title(self.kb, row["topic"]) or row["topic"]
        return result

    def routes(self, app: web.Application) -> None:
        authed = self.staff_api.authed
        app.router.add_get("/api/staff/analytics/summary", authed(self.role(self.summary)))
        app.router.add_get("/api/staff/analytics/export.csv", authed(self.role(self.export)))
        app.router.add_get("/api/staff/analytics/districts.geojson", authed(self.role(self.district_shapes)))

    @staticmethod
    def role(handler):
        async def wrapper(request: web.Request, staff: Staff) -> web.StreamResponse:
            if staff.role not in ANALYTICS_ROLES:
                return error(403, "the analytics are for analysts")
            return await handler(request, staff)

        return wrapper

    def _range(self, request: web.Request):
        today = datetime.now(queries.ZoneInfo(self.zone)).date()
        return queries.parse_range(request.query.get("from"), request.query.get("to"), today)

    async def summary(self, request: web.Request, staff: Staff) -> web.Response:
        try:
            first, last = self._range(request)
        except queries.RangeError as exc:
            return error(400, str(exc))
        return web.json_response(await asyncio.to_thread(self._summary, first, last))

    async def export(self, request: web.Request, staff: Staff) -> web.Response:
        name = request.query.get("table", "")
        if name not in queries.TABLES:
            return error(400, f"table must be one of {', '.join(queries.TABLES)}")
        try:
            first, last = self._range(request)
        except queries.RangeError as exc:
            return error(400, str(exc))
        result = await asyncio.to_thread(self._summary, first, last)
        filename = f"citizenbot_{name}_{first.isoformat()}_{last.isoformat()}.csv"
        return web.Response(text=queries.to_csv(result["tables"][name]), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    async def district_shapes(self, request: web.Request, staff: Staff) -> web.Response:
        """The city's district shapes for the map; 404 when it has none (the page shows bars)."""
        if self.shapes is None:
            return error(404, "the city has no district shapes")
        return web.json_response(self.shapes, content_type="application/geo+json",
                                 headers={"Cache-Control": "private, max-age=3600"})
