"""The analytics page of the staff console: an analyst sees the figures as charts and tables,
small counts as "< 5", the numbers refresh while the page is open; axe-core finds nothing."""

import secrets
import time

from playwright.sync_api import expect

from .conftest import WIDGET_URL, shot
from .test_handoff import PASSWORD
from .test_widget import violations


def add_messages(database, topic: str, messages: int, outcome: str = "answered", lang: str = "fi") -> None:
    from collections import Counter

    from citizenbot.analytics.rollup import add_message_counts, hour_of

    key = (hour_of(time.time()) - 1, lang, topic, outcome)  # an hour ago: today (or late yesterday) in Helsinki
    with database.session() as session:
        add_message_counts(session, Counter({key: messages}), Counter({key: messages}))


def test_an_analyst_sees_charts_tables_and_live_numbers(browser):
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.store.db import get_database

    database = get_database()
    analyst, agent = f"analyst{secrets.token_hex(3)}", f"agent{secrets.token_hex(3)}"
    StaffDirectory(database).create(analyst, "Aada", "analyst", PASSWORD)
    StaffDirectory(database).create(agent, "Eero", "agent", PASSWORD)
    topic = f"maintenance.test_{secrets.token_hex(2)}"  # a topic of this test only (no title: its id is shown)
    add_messages(database, topic, 120)
    lang = f"x{secrets.token_hex(2)}"  # a language of this test only (the server's database is shared)
    add_messages(database, "health.emergency", 2, outcome="emergency", lang=lang)

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install()  # the page's one-minute refresh, without waiting a minute
    page.goto(WIDGET_URL + "/staff/")
    page.get_by_label("Käyttäjätunnus").fill(analyst)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    view = page.locator("#analytics-view")
    expect(view.get_by_role("heading", name="Tilannekuva – mitä asukkaat kysyvät")).to_be_visible(timeout=15000)
    expect(page.locator("#console-view")).to_be_hidden()  # no queues for an analyst
    top = page.locator("section[data-table='top_topics']")
    chart = top.get_by_role("img")
    expect(chart).to_contain_text(f"{topic}: 120")  # the chart's text alternative (<desc>)
    top.get_by_text("Näytä taulukkona").click()
    expect(top.get_by_role("table").get_by_role("row").filter(has_text=topic)).to_contain_text("120")
    languages = page.locator("section[data-table='by_language']")
    languages.get_by_text("Näytä taulukkona").click()
    row = languages.get_by_role("row").filter(has_text=lang)
    expect(row).to_contain_text("< 5")  # two messages: not shown as 2
    assert "2" not in [cell.strip() for cell in row.get_by_role("cell").all_inner_texts()]
    expect(page.locator("section[data-table='emergencies']").get_by_role("img")).to_be_visible()
    found = violations(page)
    assert found == [], found
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "staff-analytics")
    page.emulate_media(media="print")
    shot(page, "staff-analytics-print")
    page.emulate_media(media="screen")

    add_messages(database, topic, 30)  # residents keep asking; the roll-up adds them
    page.clock.run_for(61_000)
    expect(chart).to_contain_text(f"{topic}: 150", timeout=10000)
    csv = page.request.get(WIDGET_URL + top.get_by_role("link", name="Lataa CSV").get_attribute("href"))
    assert csv.ok and f"{topic},150" in csv.text()
    assert errors == []
    context.close()

    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.goto(WIDGET_URL + "/staff/")
    page.get_by_label("Käyttäjätunnus").fill(agent)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.locator("#console-view")).to_be_visible(timeout=15000)
    expect(page.locator("#analytics-view")).to_be_hidden()
    assert page.request.get(WIDGET_URL + "/api/staff/analytics/summary").status == 403
    context.close()
