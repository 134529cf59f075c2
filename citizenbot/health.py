"""Readiness of a process: can it serve a resident now? Shared by the web process and the action
server (their ``/readyz``); liveness (``/healthz``, rasa-sdk's ``/health``) only says the process
answers, so a supervisor restarts it when it hangs, not when the database is away.

A check that hangs counts as failing after ``CHECK_TIMEOUT`` seconds, so a load balancer's probe
gets its answer in time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping

from sqlalchemy import text

from citizenbot.store.db import Database

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 5.0


def _ping(database: Database) -> None:
    with database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


async def database_ok(database: Database, timeout: float = CHECK_TIMEOUT) -> bool:
    """Whether the database answers a query (run in a worker thread: the driver blocks)."""
    try:
        await asyncio.wait_for(asyncio.to_thread(_ping, database), timeout)
        return True
    except Exception as exc:  # any failure of the driver or the pool means "not ready"
        logger.warning("readiness: the database does not answer: %s", str(exc).splitlines()[0] if str(exc) else exc)
        return False


async def readiness(checks: Mapping[str, Awaitable[bool]]) -> tuple[int, dict[str, str]]:
    """Run the named checks together; 200 when all pass, else 503, with each check's result."""
    names = list(checks)
    results = await asyncio.gather(*checks.values())
    body = {name: "ok" if ok else "failing" for name, ok in zip(names, results, strict=True)}
    ready = all(results)
    return (200 if ready else 503), {"status": "ready" if ready else "not ready", **body}
