"""The action server: rasa-sdk's app plus the start-up work of this project.

On start it makes sure the knowledge base is seeded, loads the language detector once, and runs
the Open311 outbox (delivery retries), the retention purge and the analytics roll-up as background
tasks of the server's own event loop.
"""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.response import HTTPResponse

from citizenbot import health, language
from citizenbot.seed import seed
from citizenbot.services import services

logger = logging.getLogger(__name__)
# The project's actions (the top-level package actions/): rasa-sdk loads them by name when the
# server starts; the library itself never imports them.
ACTION_PACKAGE = "actions"


def build_app(action_package: str = ACTION_PACKAGE):
    app = create_app(action_package)
    app.add_route(ready, "/readyz", methods=["GET"])  # rasa-sdk's /health is the liveness check
    app.register_listener(start_background_work, "before_server_start")
    app.register_listener(stop_background_work, "after_server_stop")
    return app


async def start_background_work(app, _loop=None) -> None:
    """Seed the knowledge base, load the language detector and the name index, and start the
    retention purge and (when an endpoint is configured) the Open311 outbox as tasks on
    ``app.ctx``."""
    from citizenbot.reports.flow import REPORT_TOPICS
    from citizenbot.reports.outbox import run_outbox

    svc = await asyncio.to_thread(services)  # the database and the city configuration are read here
    settings, database = svc.settings, svc.database
    result = await asyncio.to_thread(seed, database, settings.kb_dir, settings.city)
    logger.info("knowledge base %s (%s)", "seeded" if result.changed else "up to date", result.counts)
    await asyncio.to_thread(language.warm_up, False)  # the NLU stores the unserved language it finds
    await asyncio.to_thread(svc.kb.best_name, "Hämeenkadulla")  # loads texts, facts and the name index
    app.ctx.retention = asyncio.create_task(_retention_loop(database, svc.kb))
    app.ctx.analytics = asyncio.create_task(_analytics_loop(database, svc.kb, settings.analytics_interval))
    if svc.open311.enabled:
        labels = {}
        for topic in {*svc.open311.service_codes, *REPORT_TOPICS}:  # the label starts the description
            labels[topic] = await asyncio.to_thread(svc.kb.label, f"topic.{topic}", "fi", topic)
        app.ctx.outbox = asyncio.create_task(run_outbox(svc.reports, svc.open311, labels, settings.outbox_interval))
        logger.info("Open311 outbox delivering to %s every %ss", svc.open311.base_url, settings.outbox_interval)


async def ready(_request) -> HTTPResponse:
    """Readiness: the start-up work is done (the server listens only after it) and the database
    answers; 503 otherwise."""
    svc = await asyncio.to_thread(services)
    status, body = await health.readiness({"database": health.database_ok(svc.database)})
    return response.json(body, status=status)


async def stop_background_work(app, _loop=None) -> None:
    for name in ("outbox", "retention", "analytics"):
        task = getattr(app.ctx, name, None)
        if task:
            task.cancel()


async def _retention_loop(database, kb) -> None:
    """Delete what is older than the city's retention period, at start and then daily."""
    from citizenbot import privacy

    while True:
        try:
            await asyncio.to_thread(privacy.purge, database, privacy.retention_days(kb))
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("retention purge failed; trying again tomorrow")
        await asyncio.sleep(24 * 3600)


async def _analytics_loop(database, kb, interval: float) -> None:
    """Roll the new conversations, votes, handoffs and reports up into the analytics tables."""
    from citizenbot.analytics.rollup import rollup

    while True:
        try:
            await asyncio.to_thread(rollup, database, None, kb)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("analytics roll-up failed; trying again in %ss", interval)
        await asyncio.sleep(interval)


def serve(host: str = "127.0.0.1", port: int = 5055) -> None:
    """Listen on loopback unless told otherwise (ACTIONS_HOST): only Rasa calls the action server."""
    from citizenbot.settings import check_server_secrets

    check_server_secrets()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    build_app().run(host=host, port=port, workers=1, access_log=False, motd=False)
