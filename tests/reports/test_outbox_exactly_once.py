"""Exactly once: racing senders, answers that never come, and stale claims, against the fake city.

The fake stores a create and then answers after the client's timeout (or drops the connection);
several outbox workers (asyncio tasks, threads, processes) race on the same rows of one database.
Each test counts the create calls that reached the fake: N reports must give exactly N.
"""

import asyncio
import os
import sys
import threading
from datetime import timedelta

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from citizenbot.reports.names import id_of
from citizenbot.reports.outbox import Open311Config, deliver, deliver_due
from citizenbot.reports.store import ReportStore
from citizenbot.store.db import Database
from citizenbot.store.models import Report, as_utc, utcnow

from .open311_fake import create_app, state_of
from .test_outbox import CODES, KEY, make_due_now, new_report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest_asyncio.fixture
async def server():
    async with TestServer(create_app(api_key=KEY), host="127.0.0.1") as srv:
        yield srv


def config_for(server, timeout=2.0) -> Open311Config:
    return Open311Config(str(server.make_url("")).rstrip("/"), KEY, timeout, CODES, "199")


def remote_ids(store: ReportStore, numbers: list[int]) -> list[str]:
    return [store.get_row(n)["remote_id"] for n in numbers]


async def wait_until_stored(state, count: int = 1) -> None:
    while len(state.requests) < count:
        await asyncio.sleep(0.01)


# ---------------------------------------------------------------- answers that never come


@pytest.mark.asyncio
async def test_a_create_answered_after_the_timeout_is_found_at_the_city_not_sent_again(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    state = state_of(server.app)
    state.answer_delay = 30.0  # stored at once, answered long after the client gave up
    config = config_for(server, timeout=0.3)
    assert await deliver(store, config, number, "Kuoppa")
    state.answer_delay = 0.0
    row = store.get_row(number)
    (stored,) = state.requests.values()
    assert row["sync_state"] == "sent" and row["remote_id"] == stored["service_request_id"]
    assert row["reference"] in stored["description"] and row["attempts"] == 1
    lookup = state.calls[-1]
    assert lookup["method"] == "GET" and lookup["query"]["service_code"] == "171"
    assert {"start_date", "end_date"} <= set(lookup["query"])
    make_due_now(fresh_database, number)
    assert await deliver_due(store, config, {}) == 0
    assert state.creates() == 1


@pytest.mark.asyncio
async def test_a_connection_dropped_after_the_city_stored_the_report_is_not_sent_again(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    state = state_of(server.app)
    state.drop_after_store = 1
    assert await deliver(store, config_for(server), number, "Kuoppa")
    assert store.get_row(number)["remote_id"] == next(iter(state.requests))
    assert state.creates() == 1


@pytest.mark.asyncio
async def test_a_report_the_city_does_not_list_is_held_as_uncertain_and_never_resent(fresh_database):
    async with TestServer(create_app(api_key=KEY), host="127.0.0.1") as srv:
        store = ReportStore(fresh_database)
        number = new_report(store)
        state = state_of(srv.app)
        state.premoderation = True  # stored, but not listed until a moderator has seen it
        state.drop_after_store = 1
        config = config_for(srv)
        assert not await deliver(store, config, number, "Kuoppa")
        row = store.get_row(number)
        assert row["sync_state"] == "uncertain" and row["attempts"] == 1
        assert row["reference"] in row["last_error"] and "Check at the city" in row["last_error"]
        make_due_now(fresh_database, number)
        assert store.due(utcnow() + timedelta(days=30)) == []
        assert await deliver_due(store, config, {}) == 0
        assert not await deliver(store, config, number, "Kuoppa")
        assert state.creates() == 1 and len(state.requests) == 1


@pytest.mark.asyncio
async def test_the_outbox_looks_an_uncertain_report_up_again_and_finds_it_once_listed(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    state = state_of(server.app)
    state.premoderation, state.drop_after_store = True, 1
    config = config_for(server)
    assert not await deliver(store, config, number, "Kuoppa")
    row = store.get_row(number)
    assert row["sync_state"] == "uncertain"
    assert store.uncertain_due(as_utc(row["next_attempt_at"]) - timedelta(seconds=1)) == []
    assert store.uncertain_due(as_utc(row["next_attempt_at"])) == [number]

    def check_due_now() -> None:
        with fresh_database.session() as session:
            session.get(Report, id_of(number)).next_attempt_at = utcnow() - timedelta(seconds=1)

    check_due_now()
    assert await deliver_due(store, config, {}) == 0  # still not listed: looked up, not sent
    row = store.get_row(number)
    assert row["sync_state"] == "uncertain" and as_utc(row["next_attempt_at"]) > utcnow()
    for record in state.requests.values():
        record["moderated"] = True  # the city's moderator has seen it
    check_due_now()
    assert await deliver_due(store, config, {}) == 1
    assert store.get_row(number)["sync_state"] == "sent"
    assert store.get_row(number)["remote_id"] == next(iter(state.requests))
    assert state.creates() == 1


@pytest.mark.asyncio
async def test_when_the_lookup_fails_too_the_report_is_held_as_uncertain(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    state = state_of(server.app)
    state.answer_delay = 30.0

    async def go_down_once_stored():
        await wait_until_stored(state)
        state.down = True  # the lookup gets 503

    watcher = asyncio.create_task(go_down_once_stored())
    assert not await deliver(store, config_for(server, timeout=0.3), number, "Kuoppa")
    await watcher
    state.answer_delay, state.down = 0.0, False
    row = store.get_row(number)
    assert row["sync_state"] == "uncertain" and "looking it up failed" in row["last_error"]
    assert "503" in row["last_error"]
    assert state.creates() == 1


@pytest.mark.asyncio
async def test_connection_refused_is_retried_as_nothing_was_sent(fresh_database):
    async with TestServer(create_app(api_key=KEY), host="127.0.0.1") as srv:
        config = config_for(srv)
    store = ReportStore(fresh_database)
    number = new_report(store)
    assert not await deliver(store, config, number, "Kuoppa")  # nothing listens on that port now
    row = store.get_row(number)
    assert row["sync_state"] == "pending" and row["attempts"] == 1 and row["next_attempt_at"] is not None


# ---------------------------------------------------------------- stale claims


@pytest.mark.asyncio
async def test_a_stale_claim_is_taken_over_by_looking_the_report_up_first(server, fresh_database):
    store = ReportStore(fresh_database)
    found, lost = new_report(store), new_report(store)
    for number in (found, lost):  # senders that claimed the reports an hour ago and then died
        assert store.claim(number) is not None
        with fresh_database.session() as session:
            session.get(Report, id_of(number)).claimed_at = utcnow() - timedelta(hours=1)
    assert store.claim(found, stale_after=7200) is None  # an hour old: not stale by a two-hour bound
    state = state_of(server.app)
    row = store.get_row(found)
    state.add_request({"service_code": "171", "description": f"Kuoppa [ref {row['reference']}]",
                       "address_string": "Hämeenkatu 5"})  # the dead sender had got it through
    config = config_for(server)
    assert await deliver_due(store, config, {}) == 1
    assert store.get_row(found)["sync_state"] == "sent"
    assert store.get_row(lost)["sync_state"] == "uncertain"
    assert state.creates() == 0


def test_a_fresh_claim_excludes_others_and_a_stale_one_is_resumed(fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    now = utcnow()
    first = store.claim(number, now=now, stale_after=60)
    assert first is not None and not first.resumed and first.row["reference"].startswith(f"CB-{number}-")
    assert store.claim(number, now=now + timedelta(seconds=59), stale_after=60) is None
    assert store.due(now + timedelta(seconds=59), stale_after=60) == []
    assert store.due(now + timedelta(seconds=61), stale_after=60) == [number]
    second = store.claim(number, now=now + timedelta(seconds=61), stale_after=60)
    assert second is not None and second.resumed
    # the first sender outlived its claim: what it records is refused
    assert store.mark_sent(number, "x-1", None, claim=first.token) is False
    assert store.mark_failed(number, "late", True, claim=first.token) is None
    assert store.mark_sent(number, "x-1", None, claim=second.token) is True
    assert store.get_row(number)["sync_state"] == "sent" and store.get_row(number)["attempts"] == 1


# ---------------------------------------------------------------- racing workers


@pytest.mark.asyncio
async def test_racing_tasks_send_each_report_exactly_once(server, fresh_database):
    store = ReportStore(fresh_database)
    numbers = [new_report(store) for _ in range(12)]
    state = state_of(server.app)
    state.delay = 0.05  # every call takes a while, so the workers overlap
    config = config_for(server)
    # as in the action server: the action sends each report at once while outbox rounds run
    results = await asyncio.gather(
        deliver_due(store, config, {}), deliver_due(store, config, {}),
        *(deliver(store, config, n, "Kuoppa") for n in numbers),
    )
    assert sum(results[:2]) + sum(results[2:]) == len(numbers)
    assert state.creates() == len(numbers) and len(state.requests) == len(numbers)
    assert sorted(remote_ids(store, numbers)) == sorted(state.requests)


@pytest.mark.asyncio
async def test_racing_threads_on_one_sqlite_file_send_each_report_exactly_once(server, tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    setup = Database(url)
    setup.create_schema()
    store = ReportStore(setup)
    numbers = [new_report(store) for _ in range(10)]
    state_of(server.app).delay = 0.05
    config = config_for(server)

    def worker() -> None:
        database = Database(url)  # its own engine and connections, like another process
        try:
            asyncio.run(deliver_due(ReportStore(database), config, {}))
        finally:
            database.dispose()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        await asyncio.to_thread(thread.join)
    assert state_of(server.app).creates() == len(numbers)
    assert sorted(remote_ids(store, numbers)) == sorted(state_of(server.app).requests)
    setup.dispose()


WORKER = """
import asyncio, sys
from citizenbot.reports.outbox import Open311Config, deliver_due
from citizenbot.reports.store import ReportStore
from citizenbot.store.db import Database
url, base = sys.argv[1], sys.argv[2]
config = Open311Config(base, "test-key", 2.0, {"maintenance.pothole": "171"}, "199")
print(asyncio.run(deliver_due(ReportStore(Database(url)), config, {})))
"""


@pytest.mark.asyncio
async def test_racing_processes_on_one_sqlite_file_send_each_report_exactly_once(server, tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    database = Database(url)
    database.create_schema()
    store = ReportStore(database)
    numbers = [new_report(store) for _ in range(10)]
    state_of(server.app).delay = 0.05
    base = str(server.make_url("")).rstrip("/")
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", WORKER, url, base, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [await p.communicate() for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert sum(int(out.split()[-1]) for out, _ in outputs) == len(numbers)
    assert state_of(server.app).creates() == len(numbers)
    assert sorted(remote_ids(store, numbers)) == sorted(state_of(server.app).requests)
    database.dispose()


def test_attempts_are_counted_without_lost_updates(fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)

    def fail_many() -> None:
        for _ in range(15):
            store.mark_failed(number, "503", retryable=True)

    threads = [threading.Thread(target=fail_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with fresh_database.session() as session:
        assert session.get(Report, id_of(number)).attempts == 60


# ---------------------------------------------------------------- a city that fails in every way


@pytest.mark.asyncio
async def test_stopped_restarted_slow_and_dropping_city_loses_nothing_and_duplicates_nothing(fresh_database):
    from aiohttp import web

    from .open311_fake import STATE_KEY

    store = ReportStore(fresh_database)
    numbers = [new_report(store) for _ in range(12)]
    first = create_app(api_key=KEY)
    state = state_of(first)
    runner = web.AppRunner(first)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    config = Open311Config(f"http://127.0.0.1:{port}", KEY, 0.3, CODES, "199")

    async def every_report_due_round() -> None:
        for number in numbers:
            make_due_now(fresh_database, number)
        await deliver_due(store, config, {})

    await runner.cleanup()  # the city is down: nothing listens
    await every_report_due_round()
    assert {store.get_row(n)["sync_state"] for n in numbers} == {"pending"} and state.creates() == 0

    again = create_app(api_key=KEY)  # restarted on the same port, with what it had stored
    again[STATE_KEY] = state
    runner = web.AppRunner(again)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        state.fail_next, state.drop_after_store = 3, 2  # 500 to three, then two stored without an answer
        await every_report_due_round()
        state.answer_delay = 30.0  # the rest: stored, answered after the client gave up
        await every_report_due_round()
        state.answer_delay = 0.0
        await every_report_due_round()  # nothing left to send: every report is at the city
    finally:
        state.answer_delay = 0.0
        while state.in_flight:  # the late answers are still being written
            await asyncio.sleep(0.01)
        await runner.cleanup()

    rows = [store.get_row(n) for n in numbers]
    assert [r["sync_state"] for r in rows] == ["sent"] * len(numbers)  # 0 lost
    for row in rows:  # 0 duplicated: one request per report, the one we recorded
        carrying = [i for i, r in state.requests.items() if row["reference"] in r["description"]]
        assert carrying == [row["remote_id"]]
    assert len(state.requests) == len(numbers)
    assert state.creates() == len(numbers) + 3  # the three refused with 500 were sent again
