"""The action server: rasa-sdk's app plus the start-up work of this project.

On start it makes sure the knowledge base is seeded, loads the language detector once, and runs
the Open311 outbox (delivery retries) as a background task of the server's own event loop.
"""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk.endpoint import create_app

from citizenbot import language
from citizenbot.seed import seed
from citizenbot.settings import get_settings
from citizenbot.store.db import get_database

logger = logging.getLogger(__name__)


def build_app(action_package: str = "actions"):
    app = create_app(action_package)

    async def start(app_, _loop) -> None:
        from actions.common import services
        from citizenbot.reports.outbox import run_outbox

        settings = get_settings()
        database = get_database(settings.database_url)
        result = await asyncio.to_thread(seed, database, settings.kb_dir, settings.city)
        logger.info("knowledge base %s (%s)", "seeded" if result.changed else "up to date", result.counts)
        await asyncio.to_thread(language.warm_up)
        svc = services()
        await asyncio.to_thread(svc.kb.best_name, "Hämeenkadulla")  # loads texts, facts and the name index
        app_.ctx.retention = asyncio.create_task(_retention_loop(database, svc.kb))
        if svc.open311.enabled:
            labels = {}
            for topic in svc.open311.service_codes:
                labels[topic] = await asyncio.to_thread(svc.kb.label, f"topic.{topic}", "fi", topic)
            app_.ctx.outbox = asyncio.create_task(
                run_outbox(svc.reports, svc.open311, labels, settings.outbox_interval)
            )
            logger.info("Open311 outbox delivering to %s every %ss", svc.open311.base_url, settings.outbox_interval)

    async def stop(app_, _loop) -> None:
        for name in ("outbox", "retention"):
            task = getattr(app_.ctx, name, None)
            if task:
                task.cancel()

    app.register_listener(start, "before_server_start")
    app.register_listener(stop, "after_server_stop")
    return app


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


def serve(host: str = "127.0.0.1", port: int = 5055) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    build_app().run(host=host, port=port, workers=1, access_log=False, motd=False)
