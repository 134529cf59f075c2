"""The action server's start-up work, on the shared services (no port is opened)."""

import asyncio
import types

from citizenbot import action_server
from citizenbot.store.models import KbMeta


def test_start_seeds_and_runs_the_retention_task_and_stop_ends_it(services):
    with services.database.session() as session:
        session.query(KbMeta).delete()  # as on a new database: nothing seeded yet
    app = types.SimpleNamespace(ctx=types.SimpleNamespace())

    async def run() -> None:
        await action_server.start_background_work(app)
        assert not app.ctx.retention.done() and not hasattr(app.ctx, "outbox")  # no Open311 endpoint
        await action_server.stop_background_work(app)
        await asyncio.sleep(0)
        assert app.ctx.retention.cancelled()

    asyncio.run(run())
    assert services.kb.answer("health.emergency", "fi")
    with services.database.session() as session:
        assert session.get(KbMeta, "content_digest") is not None


def test_the_app_serves_the_project_actions():
    app = action_server.build_app()
    assert action_server.ACTION_PACKAGE == "actions" and app.name
    assert {"health", "readyz"} <= {route.path for route in app.router.routes}  # liveness (rasa-sdk), readiness


def test_the_action_server_is_ready_when_its_database_answers(services):
    import json

    answer = asyncio.run(action_server.ready(None))
    assert answer.status == 200 and json.loads(answer.body) == {"status": "ready", "database": "ok"}
