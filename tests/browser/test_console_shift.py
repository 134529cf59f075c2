"""The staff console for a whole shift, against the web server with a stand-in for Rasa: the
interface in Finnish, Swedish and English (each staff member's choice, kept), search, unread
badges, the trainers' page with a new topic; axe-core on every page; screenshots."""

from __future__ import annotations

import asyncio
import os

import pytest
from playwright.sync_api import expect

from .conftest import shot
from .console_server import STAFF_PASSWORD, console_server

pytestmark = pytest.mark.own_server
STAFF = {"hanna": "nurse", "tiina": "trainer", "aino": "agent", "pekka": "admin"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # a city serving fi, sv, en: the new topic the trainer writes has texts and examples in those
    previous = os.environ.get("SERVED_LANGUAGES")
    os.environ["SERVED_LANGUAGES"] = "fi,sv,en"
    try:
        with console_server(tmp_path_factory.mktemp("console"), STAFF) as env:
            yield env
    finally:
        if previous is None:
            os.environ.pop("SERVED_LANGUAGES", None)
        else:
            os.environ["SERVED_LANGUAGES"] = previous


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
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("heading", name="My conversations")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    assert violations(page, server["url"]) == []
    shot(page, "console-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
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


def resident(server, text):
    """A resident in the nurses' queue over the widget's Socket.IO (in the server's loop)."""
    from citizenbot.handoff.store import HandoffStore
    from tests.web.test_gateway import Widget

    async def start():
        widget = Widget(server["url"])
        await widget.connect()
        session = await widget.session()
        await widget.client.emit("user_uttered", {**session, "message": text})
        await widget.wait_for("bot_uttered", timeout=60)
        HandoffStore(server["db"]).request(session["session_id"], "nurse", "fi", "health.child_fever", text)
        return widget, session

    return asyncio.run_coroutine_threadsafe(start(), server["loop"]).result(90)


def say(server, widget, session, text):
    asyncio.run_coroutine_threadsafe(widget.client.emit("user_uttered", {**session, "message": text}),
                                     server["loop"]).result(90)


def test_unread_badge_per_conversation_and_the_sound_choice(server, page):
    first = resident(server, "korvakipua yöllä")
    second = resident(server, "kurkku on kipeä")
    log_in(page, server["url"], "hanna")
    page.get_by_label("Konsolin kieli").select_option("fi")
    for text in ("korvakipua yöllä", "kurkku on kipeä"):
        page.locator("#queues li[data-handoff]", has_text=text).get_by_role("button", name="Ota käsittelyyn").click()
        expect(page.locator("#mine li[data-handoff]", has_text=text)).to_be_visible()
    expect(page.locator("#transcript")).to_contain_text("kurkku on kipeä")  # the second one is open
    one = page.locator("#mine li[data-handoff]", has_text="korvakipua yöllä")
    say(server, *first, "vieläkö olette siellä?")
    expect(one.locator(".unread")).to_have_text("uusi viesti", timeout=20000)
    say(server, *first, "haloo")
    expect(one.locator(".unread")).to_have_text("2 uutta viestiä", timeout=20000)
    expect(page).to_have_title("(2) Henkilöstön konsoli – citizenbot")
    expect(page.locator("#mine li[data-handoff]", has_text="kurkku on kipeä").locator(".unread")).to_have_count(0)
    assert violations(page, server["url"]) == []
    shot(page, "console-unread")
    one.get_by_role("button", name="Avaa").click()
    expect(one.locator(".unread")).to_have_count(0)
    expect(page).to_have_title("Henkilöstön konsoli – citizenbot")
    # sound off: kept in this browser
    sound = page.get_by_label("Äänet")
    expect(sound).to_be_checked()
    sound.uncheck()
    assert page.evaluate("localStorage.getItem('cb_staff_mute')") == "1"
    page.reload()
    expect(page.get_by_label("Äänet")).not_to_be_checked()
    for widget, _session in (first, second):
        asyncio.run_coroutine_threadsafe(widget.client.disconnect(), server["loop"]).result(90)


def test_the_trainers_page(server, page):
    from citizenbot.store.models import InboxMessage
    from tests.trainer.conftest import NEW_TOPIC

    with server["db"].session() as session:
        session.add(InboxMessage(source_key="k-browser", conversation="c1", text="onko uimarannalla hengenpelastaja",
                                 lang="fi", reasons="not_understood", predicted="nlu_fallback", confidence=0.15))
    log_in(page, server["url"], "tiina")
    page.get_by_label("Konsolin kieli").select_option("fi")
    # collected and listed when the page opens, without pressing anything
    group = page.locator("#review-groups li[data-group]", has_text="onko uimarannalla hengenpelastaja")
    expect(group).to_be_visible(timeout=30000)  # the first collection reads the content
    said = group.locator(".said li").first
    expect(said).to_have_css("border-top-width", "0px")  # text, not a box that looks like an input
    expect(group.get_by_text("avustajan arvaus: nlu_fallback")).to_be_hidden()  # internals behind "details"
    group.get_by_text("Tekniset tiedot").click()
    expect(group.get_by_text("avustajan arvaus: nlu_fallback")).to_be_visible()
    choice = group.get_by_label("Aihe")
    expect(choice).to_have_value("")
    expect(choice.locator("option").first).to_have_text("– valitse aihe –")
    group.get_by_role("button", name="Lisää esimerkiksi aiheeseen").click()
    expect(page.locator("#review-status")).to_have_text("Valitse ensin aihe.")
    expect(group).to_be_visible()  # nothing decided

    # a new topic, as `citizenbot topic add` makes it: every mistake listed, then added
    page.get_by_text("Uusi aihe", exact=True).click()
    page.get_by_label("Aiheen tunnus").fill(NEW_TOPIC)
    page.get_by_label("Kuvaus yhdellä rivillä").fill("Uimarantojen hengenpelastajat ja valvonta.")
    for lang, name in (("fi", "suomi"), ("sv", "ruotsi"), ("en", "englanti")):
        page.get_by_label(f"Painikkeen otsikko ({name})").fill(f"Rantavalvonta {lang}")
        page.get_by_label(f"Vastaus ({name})").fill("Rannoilla on valvontaa kesällä. {city_website}" if lang != "en"
                                                    else "Beaches are supervised in summer. {no_such_fact}")
        page.get_by_label(f"Esimerkkikysymykset ({name}), yksi riviä kohden").fill(
            "\n".join(f"onko rannalla valvontaa {i} {lang}" for i in range(3)))
    page.get_by_role("button", name="Lisää aihe").click()
    # the server checks the files as they would be (Rasa's reader, the knowledge base): give it time
    expect(page.locator("#topic-status")).to_have_text("Aihetta ei lisätty. Korjaa nämä:", timeout=60000)
    problems = page.locator("#topic-problems li")
    expect(problems.filter(has_text="no_such_fact")).to_have_count(1)
    expect(problems.filter(has_text="held_out")).to_have_count(3)  # one per served language
    assert violations(page, server["url"]) == []
    shot(page, "console-trainer-problems")
    page.get_by_label("Vastaus (englanti)").fill("Beaches are supervised in summer. {city_website}")
    for lang, name in (("fi", "suomi"), ("sv", "ruotsi"), ("en", "englanti")):
        page.get_by_label(f"Testikysymykset ({name}), joita ei käytetä koulutukseen, yksi riviä kohden").fill(
            f"valvotaanko uimarantaa {lang}\nmilloin rannalla on hengenpelastaja {lang}")
    page.get_by_role("button", name="Lisää aihe").click()
    expect(page.locator("#topic-status")).to_contain_text(f"Aihe {NEW_TOPIC} lisättiin", timeout=60000)
    assert NEW_TOPIC in server["project"].topic_ids()
    expect(group.get_by_label("Aihe").locator(f"option[value='{NEW_TOPIC}']")).to_have_count(1)
    assert violations(page, server["url"]) == []
    shot(page, "console-trainer")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "console-trainer-inbox")
