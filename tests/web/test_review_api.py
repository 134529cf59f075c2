"""The trainers' review inbox in the staff console: role check, listing, a decision written into
the training data of (a temporary copy of) the project."""

import aiohttp
import pytest
import pytest_asyncio
import yaml
from aiohttp.test_utils import TestServer

from citizenbot.handoff.staff import StaffDirectory
from citizenbot.store.models import Feedback  # noqa: F401  (tables)
from citizenbot.web.app import create_app

from ..trainer.conftest import copy_project
from .fake_rasa import TOKEN, FakeRasa
from .test_staff_api import CSRF, PASSWORD, login


@pytest_asyncio.fixture
async def env(seeded_database, tmp_path, monkeypatch):
    from citizenbot.trainer import inbox


    project = copy_project(tmp_path / "project")
    monkeypatch.setenv("CITIZENBOT_PROJECT", str(project.root))
    directory = StaffDirectory(seeded_database)
    directory.create("tiina", "Tiina", "trainer", PASSWORD)
    directory.create("anna", "Anna", "nurse", PASSWORD)
    # a message the assistant did not understand, in the inbox
    with seeded_database.session() as session:
        from citizenbot.store.models import InboxMessage

        session.add(InboxMessage(source_key="k1", conversation="c1", text="onko uimarannalla hengenpelastaja",
                                 lang="fi", reasons="not_understood", predicted="nlu_fallback", confidence=0.15))
    assert inbox is not None
    rasa = FakeRasa()
    async with TestServer(rasa.app, host="127.0.0.1") as rasa_server:
        app = create_app(rasa_url=str(rasa_server.make_url("")).rstrip("/"), rasa_token=TOKEN, secret="s",
                         database_url=seeded_database.url)
        async with TestServer(app, host="127.0.0.1") as web_server:
            yield {"url": str(web_server.make_url("")).rstrip("/"), "project": project}


@pytest.mark.asyncio
async def test_a_trainer_reviews_and_the_example_lands_in_the_training_data(env):
    tiina = await login(env, "tiina")
    async with tiina.get(f"{env['url']}/api/staff/review/groups?lang=fi") as r:
        groups = (await r.json())["groups"]
    (group,) = groups
    assert group["items"][0]["text"] == "onko uimarannalla hengenpelastaja"
    decision = {"ids": group["ids"], "action": "assign", "topic": "out_of_scope"}
    async with tiina.post(f"{env['url']}/api/staff/review/decide", json={"decisions": [decision]}, headers=CSRF) as r:
        result = await r.json()
    assert [w["topic"] for w in result["written"]] == ["out_of_scope"]
    written = yaml.safe_load(open(env["project"].root / result["written"][0]["file"], encoding="utf-8"))
    examples = [i["examples"] for i in written["nlu"] if i["intent"] == "out_of_scope"][0]
    assert "onko uimarannalla hengenpelastaja" in examples
    async with tiina.get(f"{env['url']}/api/staff/review/groups?lang=fi") as r:
        assert (await r.json())["groups"] == []
    await tiina.close()


@pytest.mark.asyncio
async def test_the_review_inbox_is_for_trainers_only(env):
    anna = await login(env, "anna")
    async with anna.get(f"{env['url']}/api/staff/review/groups") as r:
        assert r.status == 403
    await anna.close()
    async with aiohttp.ClientSession() as anonymous:
        async with anonymous.get(f"{env['url']}/api/staff/review/overview") as r:
            assert r.status == 401


@pytest.mark.asyncio
async def test_a_trainer_adds_a_topic_as_the_cli_does(env, monkeypatch):
    from ..trainer.conftest import NEW_TOPIC, NEW_TOPIC_FILE

    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en")  # the description's languages (as the CLI tests)

    description = yaml.safe_load(NEW_TOPIC_FILE.read_text(encoding="utf-8"))
    tiina = await login(env, "tiina")
    bad = {**description, "held_out": {}, "answer": {**description["answer"], "sv": "Se {no_such_fact}"}}
    async with tiina.post(f"{env['url']}/api/staff/review/topics", json=bad, headers=CSRF) as r:
        assert r.status == 400
        problems = (await r.json())["problems"]
    assert any("no_such_fact" in p for p in problems) and sum("held_out" in p for p in problems) == 3, problems
    assert NEW_TOPIC not in env["project"].topic_ids()
    async with tiina.post(f"{env['url']}/api/staff/review/topics", json=description, headers=CSRF) as r:
        assert r.status == 201, await r.text()
        assert "tests/eval/heldout.tsv" in (await r.json())["files"]
    assert NEW_TOPIC in env["project"].topic_ids()
    async with tiina.get(f"{env['url']}/api/staff/review/topics") as r:
        assert NEW_TOPIC in [t["id"] for t in await r.json()]
    anna = await login(env, "anna")
    async with anna.post(f"{env['url']}/api/staff/review/topics", json=description, headers=CSRF) as r:
        assert r.status == 403
    for session in (tiina, anna):
        await session.close()
