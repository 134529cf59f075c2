"""At the end of a chat with a person the resident is asked for a 1-5 rating with an optional
comment (a radio group; skippable), stored by queue and language; staff read the average."""

import re
import secrets

from playwright.sync_api import expect

from .conftest import WIDGET_URL, shot
from .test_handoff import PASSWORD, make_nurse
from .test_widget import W, ask, open_chat, violations

STAFF = {"X-Requested-With": "citizenbot"}


def ratings(database) -> list[tuple]:
    from citizenbot.store.staff_models import ChatRating

    with database.session() as session:
        return [(r.queue, r.lang, r.score, r.comment) for r in session.query(ChatRating).order_by(ChatRating.id)]


def queued_and_ended(resident, staff, question, end="close"):
    """The resident asks for a nurse; a nurse claims the chat and ends it (the staff API)."""
    ask(resident, question)
    expect(resident.locator(f"{W} .banner")).to_be_visible(timeout=15000)
    handoff_id = resident.evaluate("window.citizenbot.handoff.id")
    assert staff.post(f"{WIDGET_URL}/api/staff/handoffs/{handoff_id}/claim", headers=STAFF).ok
    expect(resident.locator(f"{W} .subtitle")).to_have_text(re.compile("Anna"), timeout=15000)
    if end == "close":
        closed = staff.post(f"{WIDGET_URL}/api/staff/handoffs/{handoff_id}/close", headers=STAFF, data={"outcome": "resolved"})
    else:
        closed = staff.post(f"{WIDGET_URL}/api/staff/handoffs/{handoff_id}/return", headers=STAFF)
    assert closed.ok, closed.text()


def test_the_resident_rates_the_chat_and_staff_see_the_average(browser):
    from citizenbot.store.db import get_database

    database = get_database()
    staff_ctx = browser.new_context(locale="fi-FI")  # the nurse's console in Finnish (the browser's language)
    staff = staff_ctx.request
    assert staff.post(f"{WIDGET_URL}/api/staff/login", headers=STAFF, data={"username": make_nurse(), "password": PASSWORD}).ok
    before = ratings(database)

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    resident = context.new_page()
    open_chat(resident)
    queued_and_ended(resident, staff, "voinko jutella sairaanhoitajan kanssa chatissa?")
    question = resident.get_by_role("region", name="Miten keskustelu sujui?")
    expect(question).to_be_visible(timeout=15000)
    group = question.get_by_role("group", name="Arvioi keskustelu asteikolla 1–5")
    expect(group.get_by_role("radio")).to_have_count(5)
    expect(group.get_by_role("radio", name="1 – huono")).to_be_focused()
    shot(resident, "widget-rating-desktop")
    assert violations(resident) == []
    question.get_by_role("button", name="Lähetä arvio").click()  # no score chosen yet
    expect(question.get_by_role("alert")).to_have_text("Valitse ensin arvosana.")
    resident.keyboard.press("ArrowRight")  # arrow keys move in the radio group
    resident.keyboard.press("ArrowRight")
    resident.keyboard.press("ArrowRight")
    expect(group.get_by_role("radio", name="4 – hyvä")).to_be_checked()
    thanks = f"Nopea apu, kiitos {secrets.token_hex(3)}!"  # this test's own comment (the database is shared)
    question.get_by_label("Kommentti (vapaaehtoinen)").fill(f"{thanks} Numeroni on 040 123 4567")
    question.get_by_role("button", name="Lähetä arvio").click()
    expect(resident.locator(f"{W} .status")).to_have_text("Kiitos arviosta!")
    expect(question).to_have_count(0)
    expect(resident.get_by_label("Kirjoita kysymyksesi")).to_be_focused()
    new = ratings(database)[len(before):]
    assert len(new) == 1 and new[0][:3] == ("nurse", "fi", 4)
    assert new[0][3].startswith(thanks) and "040 123 4567" not in new[0][3]

    summary = staff.get(f"{WIDGET_URL}/api/staff/ratings").json()
    nurse = next(q for q in summary["queues"] if q["queue"] == "nurse")
    assert nurse["count"] == len([r for r in ratings(database) if r[0] == "nurse"])
    context.close()

    # the nurse's console: her queue's average and the newest comments (redacted), in her language
    console = staff_ctx.new_page()
    console.goto(WIDGET_URL + "/staff/")
    panel = console.get_by_role("region", name="Asukkaiden arviot, 30 päivää")
    expect(panel.locator("li[data-queue='nurse'] > p")).to_contain_text("Sairaanhoitajat: ", timeout=15000)
    expect(panel.locator("li[data-queue='nurse'] > p")).to_contain_text(" / 5 (")
    panel.get_by_text("Uusimmat kommentit").click()
    expect(panel.get_by_text(f"4 / 5: {thanks} Numeroni on <PHONE>")).to_be_visible()
    assert violations(console) == []
    console.close()

    # on a phone, in English, after the chat was handed back to the assistant: skipped, nothing stored
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    resident = phone.new_page()
    open_chat(resident, "/en/", launcher="Ask for advice", accept="OK, let's start")
    ask(resident, "my child has an earache", label="Type your question")
    resident.get_by_role("button", name="Menu").click()
    resident.get_by_role("button", name="Talk to a person").click()  # the nurse: a health conversation
    expect(resident.locator(f"{W} .banner")).to_be_visible(timeout=15000)
    handoff_id = resident.evaluate("window.citizenbot.handoff.id")
    assert staff.post(f"{WIDGET_URL}/api/staff/handoffs/{handoff_id}/claim", headers=STAFF).ok
    expect(resident.locator(f"{W} .subtitle")).to_have_text(re.compile("Anna"), timeout=15000)
    assert staff.post(f"{WIDGET_URL}/api/staff/handoffs/{handoff_id}/return", headers=STAFF).ok
    question = resident.get_by_role("region", name="How was the chat?")
    expect(question).to_be_visible(timeout=15000)
    expect(question.get_by_role("radio", name="5 – very good")).to_be_visible()
    shot(resident, "widget-rating-phone")
    assert violations(resident) == []
    count = len(ratings(database))
    question.get_by_role("button", name="Skip").click()
    expect(question).to_have_count(0)
    expect(resident.get_by_label("Type your question")).to_be_focused()
    assert len(ratings(database)) == count
    phone.close()
    staff_ctx.close()
