"""The staff console for a whole shift, against the web server with a stand-in for Rasa: the
interface in Finnish, Swedish and English (each staff member's choice, kept), search, unread
badges, the trainers' page with a new topic; axe-core on every page; screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import shot
from .console_server import STAFF_PASSWORD, console_server

pytestmark = pytest.mark.own_server
STAFF = {"hanna": "nurse", "tiina": "trainer", "aino": "agent", "pekka": "admin"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with console_server(tmp_path_factory.mktemp("console"), STAFF) as env:
        yield env


def violations(page, url) -> list[dict]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url=f"{url}/widget/vendor/axe.min.js")
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")


def log_in(page, url, username, label="Käyttäjätunnus", password="Salasana", button="Kirjaudu"):
    page.goto(f"{url}/staff/")
    page.get_by_label(label).fill(username)
    page.get_by_label(password).fill(STAFF_PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()


def queue(server, conversation, text, queue="nurse"):
    from citizenbot.handoff.store import HandoffStore

    handoff, _ = HandoffStore(server["db"]).request(conversation, queue, "fi", "health.child_fever", text)
    return handoff


def test_each_staff_member_chooses_the_language(server, page):
    queue(server, "lang-1", "lapsella on korvakipua")
    log_in(page, server["url"], "hanna")
    expect(page.get_by_role("heading", name="Jonot")).to_be_visible()
    assert violations(page, server["url"]) == []
    page.get_by_label("Konsolin kieli").select_option("sv")
    expect(page.get_by_role("heading", name="Köer")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#who-name")).to_have_text("Hanna, sjukskötare")
    item = page.locator("#queues li[data-handoff]", has_text="korvakipua")
    expect(item.get_by_role("button", name="Ta hand om")).to_be_visible()
    item.get_by_role("button", name="Öppna").click()
    expect(page.locator("#conv-meta")).to_contain_text("Sjukskötare")
    expect(page.get_by_label("Visa tekniska uppgifter (ämnen och säkerhet i tolkningen)")).to_be_visible()
    assert violations(page, server["url"]) == []
    shot(page, "console-sv")
    # kept for this account in this browser; English on the next visit after choosing it
    page.reload()
    expect(page.get_by_role("heading", name="Köer")).to_be_visible()
    page.get_by_label("Konsolens språk").select_option("en")
    expect(page.get_by_role("heading", name="My conversations")).to_be_visible()
    expect(page).to_have_title("Staff console – citizenbot")
    shot(page, "console-en")
    page.get_by_role("button", name="Log out").click()
    # another staff member in the same browser starts in their own language (here the browser's)
    log_in(page, server["url"], "pekka")
    expect(page.get_by_role("heading", name="Omat keskustelut")).to_be_visible()
    page.get_by_role("button", name="Kirjaudu ulos").click()
    log_in(page, server["url"], "hanna")  # the login page is in the language last used here
    expect(page.get_by_role("heading", name="My conversations")).to_be_visible()


def test_search_by_words_and_dates(server, page):
    queue(server, "search-1", "roskakatos on rikki ja tuulee")
    queue(server, "search-2", "lapsella kuumetta")
    log_in(page, server["url"], "hanna")
    page.get_by_label("Konsolin kieli").select_option("fi")
    page.get_by_label("Teksti tai ilmoitusnumero").fill("roskakatos")
    page.get_by_role("button", name="Hae", exact=True).click()
    results = page.locator("#search-results li[data-handoff]")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("roskakatos on rikki")
    expect(page.locator("#search-status")).to_have_text("1 keskustelua")
    results.first.get_by_role("button", name="Avaa").click()
    expect(page.locator("#conv-meta")).to_contain_text("Keskustelu")
    page.get_by_label("Teksti tai ilmoitusnumero").fill("")
    page.locator("#search-to").fill("2020-01-01")
    page.get_by_role("button", name="Hae", exact=True).click()
    expect(page.locator("#search-status")).to_have_text("Ei osumia.")
    assert violations(page, server["url"]) == []
    shot(page, "console-search")
