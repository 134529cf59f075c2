"""The services both servers use, wired in one place.

The action server (``citizenbot.action_server`` with the actions in ``actions/``) and the web
process (``citizenbot.web.app``: gateway, staff console, review API) work on the same database,
knowledge base, stores and city configuration. ``build_services`` creates them from the settings
(environment) and the city file; nothing is created at import. ``services()`` is the action
server's process-wide set, created on first use and shared by every action.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citizenbot.content import load_content
from citizenbot.feedback import FeedbackStore
from citizenbot.handoff.hours import HandoffConfig, parse_config
from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore
from citizenbot.kb import KnowledgeBase
from citizenbot.reports import Open311Config, ReportStore
from citizenbot.reports.photos import PhotoStore
from citizenbot.settings import Settings, get_settings
from citizenbot.store.db import Database, get_database


@dataclass
class Services:
    settings: Settings
    database: Database
    kb: KnowledgeBase
    reports: ReportStore
    photos: PhotoStore  # fault reports' photos
    handoffs: HandoffStore  # the handoff queue (state of each request)
    feedback: FeedbackStore
    staff: StaffDirectory
    open311: Open311Config
    handoff: HandoffConfig  # the queues, their hours and languages (city configuration)

    @property
    def default_lang(self) -> str:
        return self.settings.default_lang


def build_services(settings: Settings | None = None, database_url: str | None = None) -> Services:
    """Everything the servers share, for these settings (the database URL may be overridden)."""
    settings = settings or get_settings()
    database = get_database(database_url or settings.database_url)
    # city configuration (service codes, handoff hours) is content: checked when loaded
    city = load_content(settings.kb_dir, settings.city).city_config
    return Services(
        settings=settings,
        database=database,
        kb=KnowledgeBase(database),
        reports=ReportStore(database),
        photos=PhotoStore(database),
        handoffs=HandoffStore(database),
        feedback=FeedbackStore(database),
        staff=StaffDirectory(database),
        open311=open311_config(city.get("open311") or {}, settings),
        handoff=parse_config(city.get("handoff")),
    )


@functools.lru_cache(maxsize=1)
def services() -> Services:
    """The action server's services: created on first use (not at import), then shared."""
    return build_services()


def open311_config(city: Mapping[str, Any], settings: Settings | None = None) -> Open311Config:
    """Where and how fault reports are sent: the endpoint and key from the environment (the
    city file may name the endpoint and the jurisdiction), service codes per topic from the city file."""
    settings = settings or get_settings()
    return Open311Config(
        base_url=settings.open311_base_url or city.get("base_url") or "",
        api_key=settings.open311_api_key,
        timeout=settings.open311_timeout,
        service_codes=dict(city.get("service_codes") or {}),
        default_service_code=city.get("default_service_code"),
        jurisdiction_id=settings.open311_jurisdiction_id or str(city.get("jurisdiction_id") or "") or None,
        public_base_url=settings.public_base_url or None,
    )
