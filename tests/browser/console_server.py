"""The web server with a stand-in for Rasa (tests/web/fake_rasa.py), in a thread, on a temporary
database and a temporary copy of the project: for browser tests of the staff console that need no
trained model. Its port is TEST_WEB_PORT + 1 when that is set (beside the full stack's), else a
free one."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

STAFF_PASSWORD = "correct horse battery staple"


@contextmanager
def console_server(tmp: Path, staff: dict[str, str]):
    """``staff``: username → role. Yields {"url", "db", "project", "rasa", "loop"}."""
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.seed import seed
    from citizenbot.store.db import Database
    from citizenbot.web.app import create_app
    from tests.conftest import KB_DIR
    from tests.trainer.conftest import copy_project
    from tests.web.fake_rasa import TOKEN, FakeRasa

    project = copy_project(tmp / "project")
    previous = os.environ.get("CITIZENBOT_PROJECT")
    os.environ["CITIZENBOT_PROJECT"] = str(project.root)
    database = Database(f"sqlite:///{tmp / 'console.db'}")
    database.create_schema()
    seed(database, KB_DIR, "tampere")
    directory = StaffDirectory(database)
    for username, role in staff.items():
        directory.create(username, username.capitalize(), role, STAFF_PASSWORD)
    port = int(os.environ["TEST_WEB_PORT"]) + 1 if os.environ.get("TEST_WEB_PORT") else 0
    loop = asyncio.new_event_loop()
    started, runners, bound = threading.Event(), [], []
    rasa = FakeRasa()

    async def start() -> None:
        rasa_runner = web.AppRunner(rasa.app, shutdown_timeout=2)
        await rasa_runner.setup()
        rasa_site = web.TCPSite(rasa_runner, "127.0.0.1", 0)
        await rasa_site.start()
        rasa_port = rasa_site._server.sockets[0].getsockname()[1]
        app = create_app(rasa_url=f"http://127.0.0.1:{rasa_port}", rasa_token=TOKEN, secret="browser-test",
                         database_url=database.url)
        runner = web.AppRunner(app, shutdown_timeout=2)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        bound.append(site._server.sockets[0].getsockname()[1])
        runners.extend([runner, rasa_runner])

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(60)
    try:
        yield {"url": f"http://127.0.0.1:{bound[0]}", "db": database, "project": project, "rasa": rasa, "loop": loop}
    finally:
        async def stop() -> None:
            for runner in runners:
                await runner.cleanup()

        try:
            asyncio.run_coroutine_threadsafe(stop(), loop).result(60)
        except concurrent.futures.TimeoutError:  # a client that does not let go: the thread is a daemon
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        database.dispose()
        if previous is None:
            os.environ.pop("CITIZENBOT_PROJECT", None)
        else:
            os.environ["CITIZENBOT_PROJECT"] = previous
