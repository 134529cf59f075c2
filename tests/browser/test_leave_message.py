"""Outside service hours "talk to a person" offers to leave a message: text and optional contact
become a queue item for the next opening, the resident is told when that is in their language,
and staff see the item as a left message in their queue.

The web process under test reads a copy of the city file whose queues open only the day after
tomorrow (so they are closed now, whatever the hour). Its Rasa is the real one, except that the
request for a person is answered here with the "nobody is on duty" text the action server gives
outside hours (kb text handoff.<queue>.closed with the queue's hours): the running action server
has its queues always open for the other tests."""

import os
import re
import secrets
import shutil
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from playwright.sync_api import expect

from .conftest import shot
from .controlled import ControlledRasa, web_process
from .test_handoff import PASSWORD
from .test_widget import W, violations

HELSINKI = ZoneInfo("Europe/Helsinki")
FI_DAYS = ("ma", "ti", "ke", "to", "pe", "la", "su")


def closed_answer(kb_dir: Path):
    """What action_handoff answers outside hours (actions/handoff.py)."""
    from citizenbot.content import load_content
    from citizenbot.handoff.hours import format_hours, parse_config
    from citizenbot.kb import KnowledgeBase
    from citizenbot.store.db import get_database

    config = parse_config(load_content(kb_dir, os.environ.get("CITY", "tampere")).city_config["handoff"])
    kb = KnowledgeBase(get_database())

    def answer(body):
        message = body.get("message", "")
        if not message.startswith("/handoff."):
            return None
        queue = message.split(".", 1)[1].split("{")[0]
        lang = (body.get("metadata") or {}).get("lang") or "fi"
        text = kb.answer(f"handoff.{queue}.closed", lang, hours=format_hours(config.queue(queue), lang))
        return [{"recipient_id": body["sender"], "text": text,
                 "custom": {"topic": f"handoff.{queue}.closed", "lang": lang, "id": uuid.uuid4().hex}}]

    return answer


@pytest.fixture
def closed_stack(tmp_path, monkeypatch):
    source = Path(os.environ.get("KB_DIR") or Path(__file__).resolve().parents[2] / "kb")
    kb_dir = tmp_path / "kb"
    shutil.copytree(source, kb_dir)
    opens = (datetime.now(HELSINKI) + timedelta(days=2)).replace(hour=8, minute=0, second=0, microsecond=0)
    city = kb_dir / "city" / f"{os.environ.get('CITY', 'tampere')}.yml"
    data = yaml.safe_load(city.read_text(encoding="utf-8"))
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[opens.weekday()]
    for queue in data["handoff"]["queues"].values():
        queue["hours"] = {day: "08:00-15:00"}
    city.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("KB_DIR", str(kb_dir))
    rasa = ControlledRasa().start()
    rasa.answer = closed_answer(kb_dir)
    web = web_process(rasa.url)
    yield web, opens
    web.stop()
    rasa.stop()


def test_outside_hours_the_resident_leaves_a_message_that_staff_see_in_their_queue(browser, closed_stack):
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.store.db import get_database

    web, opens = closed_stack
    when_fi = f"{FI_DAYS[opens.weekday()]} {opens.day}.{opens.month}. klo 8.00"
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(web.url + "/")
    page.get_by_role("button", name="Kysy neuvoa").click()
    page.get_by_role("button", name="Selvä, aloitetaan").click()
    page.get_by_role("button", name="Valikko").click()
    page.get_by_role("button", name="Keskustele ihmisen kanssa").click()
    closed = page.locator(f"{W} .msg.bot[data-topic='handoff.agent.closed']")
    expect(closed).to_be_visible(timeout=20000)
    closed.get_by_role("button", name="Jätä viesti").click()
    form = page.get_by_role("region", name="Jätä viesti")
    expect(form.get_by_label("Viestisi")).to_be_focused()
    form.get_by_role("button", name="Lähetä viesti").click()  # nothing written yet
    expect(form.get_by_role("alert")).to_have_text("Kirjoita ensin viesti.")
    text = f"Roska-astiaa ei ole tyhjennetty kahteen viikkoon {secrets.token_hex(3)}"
    form.get_by_label("Viestisi").fill(text)
    form.get_by_label("Yhteystieto (vapaaehtoinen): sähköposti tai puhelinnumero").fill("asukas@example.com")
    shot(page, "widget-leave-message-desktop")
    assert violations(page) == []
    form.get_by_role("button", name="Lähetä viesti").click()
    expect(page.locator(f"{W} .msg.bot").last).to_have_text(
        re.compile(re.escape(f"Kiitos! Viestisi on jonossa. Vastaamme, kun palvelu aukeaa: {when_fi}.")), timeout=15000)
    expect(page.locator(f"{W} .banner")).to_contain_text(f"Viestisi odottaa vastausta. Palvelu aukeaa {when_fi}.")
    expect(page.get_by_label("Kirjoita kysymyksesi")).to_be_focused()
    shot(page, "widget-message-left-desktop")
    page.reload()  # the banner comes back with the conversation
    expect(page.locator(f"{W} .banner")).to_contain_text("Viestisi odottaa vastausta.", timeout=15000)

    # an agent coming on duty sees it in the queue as a left message, with the contact
    username = f"agent{secrets.token_hex(3)}"
    StaffDirectory(get_database()).create(username, "Ville", "agent", PASSWORD)
    staff = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fi-FI").new_page()
    staff.goto(web.url + "/staff/")
    staff.get_by_label("Käyttäjätunnus").fill(username)
    staff.get_by_label("Salasana").fill(PASSWORD)
    staff.get_by_role("button", name="Kirjaudu").click()
    item = staff.locator("li[data-handoff]", has_text=text)
    expect(item).to_be_visible(timeout=15000)
    expect(item).to_contain_text("jätetty viesti")
    expect(item).to_contain_text("Yhteystieto: asukas@example.com")
    assert "null" not in staff.locator("#queues, li[data-handoff]").first.inner_text()
    shot(staff, "staff-queue-left-message")
    staff.context.close()
    assert errors == []
    context.close()


def test_leaving_a_message_on_a_phone_in_english_in_dark_mode(browser, closed_stack):
    web, opens = closed_stack
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", color_scheme="dark")
    page = context.new_page()
    page.goto(web.url + "/en/")
    page.get_by_role("button", name="Ask for advice").click()
    page.get_by_role("button", name="OK, let's start").click()
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Talk to a person").click()
    page.locator(f"{W} .msg.bot[data-topic='handoff.agent.closed']").get_by_role("button", name="Leave a message").click()
    form = page.get_by_role("region", name="Leave a message")
    form.get_by_label("Your message").fill("The bin has not been emptied for two weeks.")
    shot(page, "widget-leave-message-phone")
    assert violations(page) == []
    form.get_by_role("button", name="Send the message").click()
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text(
        "Thank you! Your message is in the queue. We will answer when the service opens:", timeout=15000)
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text(opens.strftime("%a"))
    shot(page, "widget-message-left-phone")
    context.close()
