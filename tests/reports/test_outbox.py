"""Delivery of stored reports to Open311, against the local fake server (loopback only)."""

import itertools

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from citizenbot.reports.outbox import Open311Config, deliver, deliver_due, refresh_status
from citizenbot.reports.store import ReportStore

from .open311_fake import create_app, state_of

KEY = "test-key"
CODES = {"maintenance.pothole": "171", "maintenance.street_light": "172"}


@pytest_asyncio.fixture
async def server():
    async with TestServer(create_app(api_key=KEY), host="127.0.0.1") as srv:
        yield srv


def config_for(server, key=KEY, timeout=2.0) -> Open311Config:
    return Open311Config(str(server.make_url("")).rstrip("/"), key, timeout, CODES, "199")


def make_due_now(database, number: int) -> None:
    """Let the back-off time pass."""
    from citizenbot.reports.names import id_of
    from citizenbot.store.models import Report

    with database.session() as session:
        session.get(Report, id_of(number)).next_attempt_at = None


_CONVERSATIONS = itertools.count(1)


def new_report(store: ReportStore, category="maintenance.pothole", contact=None) -> int:
    """A new report each time: each from a conversation of its own (the same report of one
    conversation is filed once, ReportStore.create)."""
    return store.create(category=category, location="Hämeenkatu 5", description="Syvä kuoppa pyörätiellä",
                        contact=contact, lang="fi", conversation_id=f"c{next(_CONVERSATIONS)}", deliver=True)


@pytest.mark.asyncio
async def test_a_report_is_delivered_with_its_service_code_and_contact(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store, contact="anna@example.com")
    assert await deliver(store, config_for(server), number, "Kuoppa tiessä")
    row = store.get_row(number)
    assert row["sync_state"] == "sent" and row["remote_id"]
    stored = state_of(server.app).requests[row["remote_id"]]
    assert stored["service_code"] == "171"
    assert stored["private"]["email"] == "anna@example.com"
    assert "Syvä kuoppa" in stored["description"] and stored["address"] == "Hämeenkatu 5"
    assert store.get(number).status == "sent"


@pytest.mark.asyncio
async def test_a_down_endpoint_keeps_the_report_for_a_retry(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    state_of(server.app).down = True
    assert not await deliver(store, config_for(server), number, "Kuoppa")
    row = store.get_row(number)
    assert row["sync_state"] == "pending" and row["attempts"] == 1 and row["next_attempt_at"] is not None
    state_of(server.app).down = False
    assert await deliver_due(store, config_for(server), {}) == 0  # not due yet: backing off
    make_due_now(fresh_database, number)
    assert await deliver_due(store, config_for(server), {"maintenance.pothole": "Kuoppa"}) == 1
    assert store.get_row(number)["sync_state"] == "sent"


@pytest.mark.asyncio
async def test_a_refused_report_is_kept_as_failed(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    assert not await deliver(store, config_for(server, key="wrong"), number, "Kuoppa")
    row = store.get_row(number)
    assert row["sync_state"] == "failed" and "403" in row["last_error"]
    assert store.get(number) is not None


@pytest.mark.asyncio
async def test_status_is_refreshed_from_the_city(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    config = config_for(server)
    await deliver(store, config, number, "Kuoppa")
    remote_id = store.get_row(number)["remote_id"]
    state_of(server.app).set_status(remote_id, "closed", status_notes="Paikattu 27.11.")
    await refresh_status(store, config, number)
    view = store.get(number)
    assert view.status == "closed" and view.status_notes == "Paikattu 27.11."


@pytest.mark.asyncio
async def test_status_refresh_failure_keeps_the_stored_status(server, fresh_database):
    store = ReportStore(fresh_database)
    number = new_report(store)
    config = config_for(server)
    await deliver(store, config, number, "Kuoppa")
    state_of(server.app).down = True
    await refresh_status(store, config, number)
    assert store.get(number).status == "sent"


@pytest.mark.asyncio
async def test_batch_servers_give_a_token_that_resolves_later(fresh_database):
    async with TestServer(create_app(api_key=KEY, batch=True), host="127.0.0.1") as srv:
        store = ReportStore(fresh_database)
        number = new_report(store)
        config = config_for(srv)
        assert await deliver(store, config, number, "Kuoppa")
        row = store.get_row(number)
        assert row["remote_token"] and not row["remote_id"]
        state_of(srv.app).resolve_tokens()
        await refresh_status(store, config, number)
        assert store.get_row(number)["remote_id"]



@pytest.mark.asyncio
async def test_the_jurisdiction_id_goes_with_every_call_when_configured(server, fresh_database):
    store = ReportStore(fresh_database)
    state = state_of(server.app)
    state.jurisdiction_id = "tampere.fi"
    refused = new_report(store)
    assert not await deliver(store, config_for(server), refused, "Kuoppa")  # not configured: refused
    row = store.get_row(refused)
    assert row["sync_state"] == "failed"
    assert row["last_error"] == "HTTP 400 Bad Request: jurisdiction_id must be tampere.fi"
    base = config_for(server)
    config = Open311Config(base.base_url, KEY, 2.0, CODES, "199", jurisdiction_id="tampere.fi")
    number = new_report(store)
    assert await deliver(store, config, number, "Kuoppa")
    state.set_status(store.get_row(number)["remote_id"], "closed", status_notes="Paikattu")
    await refresh_status(store, config, number)  # a GET call: the id in the query
    assert store.get(number).status == "closed"
    assert state.calls[-1]["query"]["jurisdiction_id"] == "tampere.fi"


def test_the_citys_update_time_is_stored_in_utc_honouring_its_offset(fresh_database):
    from datetime import datetime, timedelta, timezone

    from citizenbot.reports.georeport import remote_status
    from citizenbot.store.models import as_utc

    store = ReportStore(fresh_database)
    number = new_report(store)
    status, notes, updated = remote_status({"status": "closed", "status_notes": "Paikattu",
                                            "updated_datetime": "2026-11-27T10:00:00+02:00"})
    store.update_status(number, status, notes, updated)
    assert as_utc(store.get(number).updated_at) == datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
    assert as_utc(store.get(number).updated_at).utcoffset() == timedelta(0)


@pytest.mark.asyncio
async def test_service_codes_the_city_does_not_list_are_warned_about(server, caplog):
    import logging

    from citizenbot.reports.outbox import check_services

    base = config_for(server)
    config = Open311Config(base.base_url, KEY, 2.0, {**CODES, "maintenance.tree": "975"}, "199")
    with caplog.at_level(logging.WARNING, logger="citizenbot.reports.outbox"):
        assert await check_services(config) == ["975"]
    (warning,) = (r.getMessage() for r in caplog.records)
    assert "975" in warning and "maintenance.tree" in warning
    assert await check_services(base) == []
    state_of(server.app).down = True
    assert await check_services(base) is None


@pytest.mark.asyncio
async def test_a_reports_photo_goes_to_the_city_as_a_link_under_the_public_address(server, fresh_database):
    from dataclasses import replace

    from citizenbot.reports.photos import PhotoStore, reencode

    from .test_photos import png_with_text

    store, photos = ReportStore(fresh_database), PhotoStore(fresh_database)
    numbers = []
    for conversation in ("with-address", "without-address"):
        store.hold_draft(conversation, new=True, location="Hämeenkatu 5")
        photos.hold(conversation, reencode(png_with_text()))
        numbers.append(store.create(category="maintenance.pothole", location="Hämeenkatu 5", description=None,
                                    contact=None, lang="fi", conversation_id=conversation, deliver=True,
                                    with_photo=True))
    public = replace(config_for(server), public_base_url="https://chat.example.fi/")
    assert await deliver(store, public, numbers[0], "Kuoppa")
    assert await deliver(store, config_for(server), numbers[1], "Kuoppa")  # no public address: no link
    requests = state_of(server.app).requests
    with_link, without = (requests[store.get_row(n)["remote_id"]] for n in numbers)
    assert with_link["media_url"] == f"https://chat.example.fi/media/{photos.token_of(numbers[0])}.jpg"
    assert without["media_url"] is None


@pytest.mark.asyncio
async def test_a_known_places_point_is_sent_with_the_address_as_written(server, fresh_database):
    store = ReportStore(fresh_database)
    at_point = store.create(category="maintenance.pothole", location="Teiskontie 12", description=None, contact=None,
                            lang="fi", conversation_id="p1", deliver=True, point=(61.504, 23.804))
    without = new_report(store)
    assert await deliver(store, config_for(server), at_point, "Kuoppa")
    assert await deliver(store, config_for(server), without, "Kuoppa")
    requests = state_of(server.app).requests
    sent = requests[store.get_row(at_point)["remote_id"]]
    assert (sent["lat"], sent["long"], sent["address"]) == (61.504, 23.804, "Teiskontie 12")
    plain = requests[store.get_row(without)["remote_id"]]
    assert plain["lat"] is None and plain["address"] == "Hämeenkatu 5"
