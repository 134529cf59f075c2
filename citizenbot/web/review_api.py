"""The trainers' review inbox in the staff console (role trainer or admin): what residents asked
that the assistant did not handle well, grouped, and the trainer's decisions written into the
training data (citizenbot.trainer.review does the work).

The residents' web process reaches the trainer tools only through this module."""

from __future__ import annotations

import asyncio

from aiohttp import web

from citizenbot.handoff.staff import Staff
from citizenbot.settings import served_languages
from citizenbot.store.db import Database
from citizenbot.trainer import review
from citizenbot.trainer.project import Project
from citizenbot.web.staff_api import StaffApi, error

REVIEW_ROLES = ("trainer", "admin")


class ReviewApi:
    def __init__(self, staff_api: StaffApi, database: Database, project: Project):
        self.staff_api, self.database, self.project = staff_api, database, project

    @classmethod
    def for_city(cls, staff_api: StaffApi, database: Database, city: str) -> ReviewApi:
        """On this checkout (or CITIZENBOT_PROJECT): the project whose data the trainers edit."""
        return cls(staff_api, database, Project.default(city=city))

    def routes(self, app: web.Application) -> None:
        authed = self.staff_api.authed
        app.router.add_get("/api/staff/review/overview", authed(self.role(self.overview)))
        app.router.add_get("/api/staff/review/groups", authed(self.role(self.groups)))
        app.router.add_get("/api/staff/review/topics", authed(self.role(self.topics)))
        app.router.add_post("/api/staff/review/topics", authed(self.role(self.add_topic)))
        app.router.add_post("/api/staff/review/collect", authed(self.role(self.collect)))
        app.router.add_post("/api/staff/review/decide", authed(self.role(self.decide)))

    @staticmethod
    def role(handler):
        async def wrapper(request: web.Request, staff: Staff) -> web.StreamResponse:
            if staff.role not in REVIEW_ROLES:
                return error(403, "the review inbox is for trainers")
            return await handler(request, staff)

        return wrapper

    async def overview(self, request: web.Request, staff: Staff) -> web.Response:
        return web.json_response(await asyncio.to_thread(review.overview, self.database))

    async def groups(self, request: web.Request, staff: Staff) -> web.Response:
        lang = request.query.get("lang") or None
        if lang is not None and lang not in served_languages():
            return error(400, f"lang must be one of {', '.join(served_languages())}")
        try:
            offset = max(0, int(request.query.get("offset", "0")))
        except ValueError:
            return error(400, "offset must be a number")
        result = await asyncio.to_thread(
            review.list_groups, self.database, lang=lang, reason=request.query.get("reason") or None,
            status=request.query.get("status", "new"), limit=20, offset=offset,
        )
        return web.json_response(result)

    async def topics(self, request: web.Request, staff: Staff) -> web.Response:
        return web.json_response(await asyncio.to_thread(review.topic_choices, self.project))

    async def add_topic(self, request: web.Request, staff: Staff) -> web.Response:
        """A new topic, as `citizenbot topic add --from` makes it (the same code): 400 with every
        problem when anything is wrong, nothing written."""
        from citizenbot.trainer.scaffold import ScaffoldError, add_topic

        body = await self.staff_api._body(request)
        try:
            result = await asyncio.to_thread(add_topic, self.project, body)
        except ScaffoldError as exc:
            return web.json_response({"error": "the topic was not added", "problems": exc.problems}, status=400)
        return web.json_response({"topic": result.topic, "files": result.files}, status=201)

    async def collect(self, request: web.Request, staff: Staff) -> web.Response:
        return web.json_response(await asyncio.to_thread(review.collect, self.database, self.project))

    async def decide(self, request: web.Request, staff: Staff) -> web.Response:
        body = await self.staff_api._body(request)
        decisions = body.get("decisions")
        if not isinstance(decisions, list) or not decisions:
            return error(400, "decisions must be a non-empty list")
        result = await asyncio.to_thread(review.decide, self.database, self.project, decisions, staff.username,
                                         bool(body.get("dry_run")))
        return web.json_response(result)
