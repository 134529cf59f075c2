"""The analytics page of the staff console: an analyst sees the figures as charts and tables,
small counts as "< 5", fault reports on a district map with its text alternative, the numbers
change while the page is open when a roll-up changed them; axe-core finds nothing."""

import secrets
import time
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlalchemy import delete

from citizenbot.analytics.rollup import mark_updated

from .conftest import ARTIFACTS, WIDGET_URL, shot
from .test_handoff import PASSWORD
from .test_widget import violations


def add_messages(database, topic: str, messages: int, outcome: str = "answered", lang: str = "fi") -> None:
    from collections import Counter

    from citizenbot.analytics.rollup import add_message_counts, hour_of

    key = (hour_of(time.time()) - 1, lang, topic, outcome)  # an hour ago: today (or late yesterday) in Helsinki
    with database.session() as session:
        add_message_counts(session, Counter({key: messages}), Counter({key: messages}))


def add_ratings_and_delivery(database, category: str) -> None:
    """Six end-of-chat ratings of the nurses and seven reports of a category of this test only that
    reached the city within 15 s, two days ago (a day with no reports of other tests: the roll-up
    recounts only days whose reports changed)."""
    from datetime import date

    from citizenbot.store.analytics_models import DeliveryBucket, PageDayCount
    from citizenbot.store.staff_models import ChatRating

    day = date.today() - timedelta(days=2)
    with database.session() as session:
        session.add_all([ChatRating(day=day, queue="nurse", lang="fi", score=score) for score in (5, 4, 5, 3, 5, 4)])
        session.add(DeliveryBucket(day=int(datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc).timestamp()
                                           // 86400), category=category, upper=15, count=7))
        session.add(PageDayCount(day=day.toordinal(), page=f"/{category}.html", messages=9, conversations=6))


def add_district_reports(database) -> None:
    """Reports of 2020-03-02 (a day of these tests only) by district."""
    from citizenbot.store.analytics_models import ReportCount

    day = int(datetime(2020, 3, 2, 12, tzinfo=timezone.utc).timestamp() // 86400)
    with database.session() as session:
        session.execute(delete(ReportCount).where(ReportCount.day == day))
        for district, count in (("Hervanta", 40), ("Kaleva", 12), ("Keskusta", 3), ("", 6)):
            session.add(ReportCount(day=day, category="maintenance.pothole", state="received", district=district,
                                    count=count))


def login(browser, username, **options):
    context = browser.new_context(locale="fi-FI", **options)
    page = context.new_page()
    page.goto(WIDGET_URL + "/staff/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    return context, page


def test_fault_reports_on_the_district_map_with_its_text_alternative_and_table(browser):
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.store.db import get_database

    database = get_database()
    analyst = f"analyst{secrets.token_hex(3)}"
    StaffDirectory(database).create(analyst, "Aada", "analyst", PASSWORD)
    add_district_reports(database)
    context, page = login(browser, analyst, viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    expect(page.locator("#analytics-view")).to_be_visible(timeout=15000)
    # the last week is shown first (the first page after the server's start may wait for scikit-learn)
    expect(page.locator("#analytics-from")).not_to_have_value("", timeout=30000)
    page.locator("#analytics-from").fill("2020-03-02")
    page.locator("#analytics-to").fill("2020-03-02")
    page.get_by_role("button", name="Näytä").click()
    section = page.locator("section[data-table='districts']")
    chart = section.get_by_role("img", name="Vikailmoitukset kaupunginosittain (kartta)")
    # the text alternative: every district's figure; 3 is "< 5"; 6 unknown is hidden so 3 cannot be computed
    expect(chart).to_contain_text("Hervanta: 40; Kaleva: 12; Keskusta: < 5; Ei tiedossa (ei kartalla): piilotettu")
    expect(chart).to_contain_text("Ei ilmoituksia: ")
    assert section.locator("path[data-district='Hervanta']").get_attribute("fill") == "#0f4c9a"  # the darkest
    assert "hatch" in section.locator("path[data-district='Keskusta']").get_attribute("fill")
    assert section.locator("path[data-district='Amuri']").get_attribute("fill") == "#ffffff"
    section.get_by_text("Näytä taulukkona").click()
    table = section.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="Hervanta")).to_contain_text("40")
    expect(table.get_by_role("row").filter(has_text="Keskusta")).to_contain_text("< 5")
    found = violations(page)
    assert found == [], found
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(ARTIFACTS / "staff-analytics-map.png"))
    assert errors == []
    context.close()


def test_without_district_shapes_the_districts_are_bars(browser):
    """A city without shapes: the server answers 404 (tests/web/test_analytics_live.py); here the
    demo server's answer is replaced by that 404."""
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.store.db import get_database

    analyst = f"analyst{secrets.token_hex(3)}"
    StaffDirectory(get_database()).create(analyst, "Aada", "analyst", PASSWORD)
    add_district_reports(get_database())
    context = browser.new_context(locale="fi-FI")
    context.route("**/api/staff/analytics/districts.geojson",
                  lambda route: route.fulfill(status=404, json={"error": "the city has no district shapes"}))
    page = context.new_page()
    page.goto(WIDGET_URL + "/staff/")
    page.get_by_label("Käyttäjätunnus").fill(analyst)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.locator("#analytics-from")).not_to_have_value("", timeout=30000)
    page.locator("#analytics-from").fill("2020-03-02")
    page.locator("#analytics-to").fill("2020-03-02")
    page.get_by_role("button", name="Näytä").click()
    section = page.locator("section[data-table='districts']")
    expect(section.get_by_role("img", name="Vikailmoitukset kaupunginosittain (Ilmoituksia)")).to_contain_text(
        "Hervanta: 40")
    assert section.locator("path.district").count() == 0
    context.close()


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
    add_ratings_and_delivery(database, topic)
    from citizenbot.store.models import InboxMessage

    words = f"saako uimahallin saunaan tuoda kissan {secrets.token_hex(3)}"  # a theme the assistant cannot answer
    with database.session() as session:
        for n in range(6):
            session.add(InboxMessage(source_key=secrets.token_hex(8), conversation=f"c{n}", text=words, lang="fi",
                                     reasons="not_understood", predicted="nlu_fallback", status="new",
                                     asked_at=datetime.now(timezone.utc) - timedelta(minutes=5)))

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(WIDGET_URL + "/staff/")
    page.get_by_label("Käyttäjätunnus").fill(analyst)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    view = page.locator("#analytics-view")
    expect(view.get_by_role("heading", name="Tilannekuva – mitä asukkaat kysyvät")).to_be_visible(timeout=15000)
    expect(page.locator("#console-view")).to_be_hidden()  # no queues for an analyst
    expect(page.locator("#analytics-from")).not_to_have_value("", timeout=30000)
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
    # how the assistant answered in each language: stacked shares, named in the text alternative
    expect(languages.get_by_role("img")).to_contain_text("suomi: Vastattu ")
    ratings = page.locator("section[data-table='ratings']")
    expect(ratings.get_by_role("img")).to_contain_text("Sairaanhoitajat: ")
    ratings.get_by_text("Näytä taulukkona").click()
    expect(ratings.get_by_role("row").filter(has_text="Sairaanhoitajat")).to_contain_text(" / 5")
    expect(page.locator("section[data-table='by_page']").get_by_role("img")).to_contain_text(f"/{topic}.html: 9")
    delivery = page.locator("section[data-table='delivery']")
    expect(delivery.get_by_role("row").filter(has_text="Kaikki luokat")).to_be_visible()
    expect(delivery.get_by_role("row").filter(has_text=topic)).to_contain_text("7")
    expect(delivery.get_by_role("row").filter(has_text=topic)).to_contain_text(" s")
    themes = page.locator("section[data-table='new_themes']")
    expect(themes.get_by_role("img")).to_contain_text("Teema ")  # counted, without the residents' words
    assert "kissan" not in themes.inner_text() and "kissan" not in page.content()
    found = violations(page)
    assert found == [], found
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "staff-analytics")
    page.emulate_media(media="print")
    shot(page, "staff-analytics-print")
    page.emulate_media(media="screen")

    add_messages(database, topic, 30)  # residents keep asking; the roll-up adds them and notes it
    mark_updated(database)
    # told over the console's real-time channel (the web process looks at the roll-up every 5 s)
    expect(chart).to_contain_text(f"{topic}: 150", timeout=20000)
    csv = page.request.get(WIDGET_URL + top.get_by_role("link", name="Lataa CSV").get_attribute("href"))
    assert csv.ok and f"{topic},150" in csv.text()
    # in the analyst's own language: titles, names of values, column headings, links
    page.get_by_label("Konsolin kieli").select_option("sv")
    expect(top.get_by_role("heading", name="Vanligaste ämnen")).to_be_visible()
    expect(languages.get_by_role("img")).to_contain_text("finska: Besvarade ")
    ratings.get_by_text("Visa som tabell").click()
    expect(ratings.get_by_role("row").filter(has_text="Sjukskötare")).to_contain_text(" / 5")
    expect(ratings.get_by_role("columnheader", name="Betyg, medel (1–5)")).to_be_visible()
    expect(top.get_by_role("link", name="Ladda ner CSV")).to_be_visible()
    expect(page.locator("#analytics-updated")).to_contain_text("Uppdaterad")
    assert "Näytä taulukkona" not in view.inner_text()
    shot(page, "staff-analytics-sv")
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
    assert page.request.get(WIDGET_URL + "/api/staff/analytics/districts.geojson").status == 403
    context.close()
