"""Live analytics: open analytics pages are told when the figures changed, so they fetch them again.

The roll-up runs in the action server (``citizenbot.action_server``), not here. When a run
changes the figures it notes the time in one row (``rollup.mark_updated``); this process reads
that row every few seconds (one primary-key read) and, when it moved, emits "analytics_updated"
to the analysts and admins connected to the console's namespace (``StaffSocket`` puts them in
``ANALYTICS_ROOM``). Only the time goes over the wire, never a figure or a text: the page asks
the API for the numbers as usual, with the same role check.

With several web processes sharing a Socket.IO manager (Redis) each one notices the row and
emits, so a page may hear of one change more than once; it only fetches again.
"""

from __future__ import annotations

import asyncio
import logging

import socketio

from citizenbot.analytics.rollup import last_update
from citizenbot.store.db import Database
from citizenbot.web.handoff_service import STAFF_NS

logger = logging.getLogger(__name__)

ANALYTICS_ROOM = "staff:analytics"
EVENT = "analytics_updated"
WATCH_SECONDS = 5.0


class AnalyticsLive:
    def __init__(self, sio: socketio.AsyncServer, database: Database, interval: float | None = None):
        self.sio, self.database, self.interval = sio, database, interval
        self._seen: str | None = None

    async def check(self) -> bool:
        """Emit when the roll-up changed the figures since the previous check; True when it
        emitted. The first check after start emits when there was any roll-up: a page open
        across a restart fetches once more, and no change is missed however late the first
        check comes."""
        value = await asyncio.to_thread(last_update, self.database)
        if value == self._seen:
            return False
        self._seen = value
        await self.sio.emit(EVENT, {"updated_at": float(value) if value else None}, room=ANALYTICS_ROOM,
                            namespace=STAFF_NS)
        return True

    async def run(self) -> None:
        while True:
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reading the analytics roll-up's time failed; trying again")
            await asyncio.sleep(self.interval or WATCH_SECONDS)
