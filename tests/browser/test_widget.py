"""The resident's chat widget on the demo city page, as residents use it."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import WIDGET_URL, shot

W = "#citizenbot-widget"
AXE = f"{WIDGET_URL}/widget/vendor/axe.min.js"


def violations(page) -> list[dict]:
    """axe-core's violations of any impact on the page (the widget's shadow root included)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url=AXE)
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")


def open_chat(page, url: str = "/", launcher: str = "Kysy neuvoa", accept: str = "Selvä, aloitetaan"):
    page.goto(WIDGET_URL + url)
    page.get_by_role("button", name=launcher).click()
    page.get_by_role("button", name=accept).click()


def ask(page, text: str, label: str = "Kirjoita kysymyksesi"):
    before = page.locator(f"{W} .msg.bot").count()
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")
    page.locator(f"{W} .msg.bot").nth(before).wait_for(timeout=60000)  # a loaded machine: no timing checks
    return page.locator(f"{W} .msg.bot").last


def test_a_finnish_question_gets_a_finnish_answer(page):
    open_chat(page)
    answer = ask(page, "milloin Hämeenkadulla aurataan?")
    expect(answer).to_have_attribute("lang", "fi")
    expect(answer).to_have_attribute("data-topic", re.compile(r"^maintenance\.snow_plowing"))
    expect(answer).to_contain_text("Hämeenkatu")
    shot(page, "widget-desktop-fi")


def test_the_language_switch_changes_texts_and_answers(page):
    open_chat(page)
    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("button", name="Svenska")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Skicka")).to_be_visible()
    answer = ask(page, "hej", label="Skriv din fråga")
    expect(answer).to_have_attribute("lang", "sv")
    answer = ask(page, "plogas Hämeenkatu snart?", label="Skriv din fråga")
    expect(answer).to_have_attribute("lang", "sv")


def test_the_page_language_is_the_first_language(page):
    open_chat(page, "/en/", launcher="Ask for advice", accept="OK, let's start")
    expect(page.get_by_role("heading", name="Before you start")).to_be_hidden()
    answer = ask(page, "hi", label="Type your question")
    expect(answer).to_have_attribute("lang", "en")


def test_quick_replies_are_buttons_that_answer(page):
    open_chat(page)
    ask(page, "Teiskontiellä 12 on tosi syvä kuoppa keskellä ajokaistaa, rengas meinasi hajota")
    question = page.locator(f"{W} .msg.bot[data-topic$='report.ask_contact']")
    question.get_by_role("button", name="Ohita").click()
    confirm = page.locator(f"{W} .msg.bot[data-topic$='report.confirm']")
    expect(confirm).to_be_visible(timeout=20000)
    confirm.get_by_role("button", name="Kyllä").click()
    done = page.locator(f"{W} .msg.bot[data-topic$='report.submitted']")
    expect(done).to_contain_text(re.compile(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}\b"), timeout=20000)
    expect(page.locator(f"{W} .msg.resident").last).to_have_text(re.compile("Kyllä"))


def test_feedback_is_stored_with_topic_and_language(page):
    from citizenbot.feedback import FeedbackStore
    from citizenbot.store.db import get_database

    open_chat(page)
    answer = ask(page, "kuka poistaa aurausvallin pihatien suulta?")
    answer.get_by_role("button", name="Kyllä").click()
    expect(answer.get_by_role("button", name="Kyllä")).to_have_attribute("aria-pressed", "true")
    expect(answer).to_contain_text("Kiitos palautteesta")
    session = page.evaluate("JSON.parse(localStorage.getItem('citizenbot.session'))")
    votes = FeedbackStore(get_database()).for_conversation(session["session_id"])
    assert [(v.topic, v.lang, v.value) for v in votes] == [("maintenance.plow_berm", "fi", "up")]


def test_the_conversation_survives_reload_and_moving_between_pages(page):
    open_chat(page)
    ask(page, "mistä saan sairauslomatodistuksen")
    page.reload()
    expect(page.locator(f"{W} .msg.resident")).to_have_text([re.compile("sairauslomatodistuksen")], timeout=15000)
    page.get_by_role("link", name="Kadut ja liikenne").click()
    expect(page).to_have_url(re.compile("kadut"))
    expect(page.locator(f"{W} .msg.bot")).to_have_count(1, timeout=15000)
    expect(page.get_by_label("Kirjoita kysymyksesi")).to_be_visible()  # still open on the next page


def test_markup_is_shown_as_text_never_run(page):
    open_chat(page)
    ask(page, "<img src=x onerror=alert(1)> <b>lihava</b>")
    resident = page.locator(f"{W} .msg.resident").last
    expect(resident).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator(f"{W} img").count() == 0 and page.locator(f"{W} b").count() == 0


def test_talk_to_a_person_is_in_the_menu(page):
    open_chat(page)
    page.get_by_role("button", name="Valikko").click()
    page.get_by_role("button", name="Keskustele ihmisen kanssa").click()
    answer = page.locator(f"{W} .msg.bot").last
    expect(answer).to_have_attribute("data-topic", re.compile(r"^handoff\.agent"), timeout=20000)


def test_talk_to_a_person_follows_the_conversations_domain(page):
    open_chat(page)
    ask(page, "lapsella on kuumetta 39, mitä teen?")
    ask(page, "hsjd kdkd")  # not understood: the conversation is still about health
    page.get_by_role("button", name="Valikko").click()
    page.get_by_role("button", name="Keskustele ihmisen kanssa").click()
    answer = page.locator(f"{W} .msg.bot").last
    expect(answer).to_have_attribute("data-topic", re.compile(r"^handoff\.nurse"), timeout=20000)


def test_a_question_typed_before_the_conversation_is_confirmed_is_sent_once_it_is(page):
    open_chat(page)
    expect(page.locator(f"{W} .greeting")).to_be_visible()
    # as on a slow connection: no confirmed conversation yet, the socket not connected
    page.evaluate("() => { const w = window.citizenbot; w.socket.disconnect(); w.session = null; }")
    box = page.get_by_label("Kirjoita kysymyksesi")
    box.fill("kuka poistaa aurausvallin pihatien suulta?")
    box.press("Enter")
    expect(page.locator(f"{W} .msg.resident")).to_have_count(1)
    page.evaluate("() => window.citizenbot.socket.connect()")
    answer = page.locator(f"{W} .msg.bot:not(.greeting)")
    expect(answer).to_have_attribute("data-topic", "maintenance.plow_berm", timeout=20000)
    expect(page.locator(f"{W} .msg.resident")).to_have_count(1)  # shown once


def test_the_resident_can_save_the_conversation(page):
    open_chat(page)
    ask(page, "kuka poistaa aurausvallin pihatien suulta?")
    page.get_by_role("button", name="Valikko").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tallenna keskustelu").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("Keskustelu kaupungin neuvonnan kanssa")
    assert "Sinä:\nkuka poistaa aurausvallin pihatien suulta?" in text and "Avustaja:\n" in text
    expect(page.get_by_role("button", name="Valikko")).to_be_focused()


def test_right_to_left_ready(page):
    open_chat(page)
    box = page.get_by_label("Kirjoita kysymyksesi")
    box.fill("مرحبا، متى يتم حرث الثلج في شارعي؟")
    assert box.evaluate("e => e.matches(':dir(rtl)')")  # typed Arabic runs right to left
    box.press("Enter")
    mine = page.locator(f"{W} .msg.resident").last
    assert mine.evaluate("e => e.querySelector('p').matches(':dir(rtl)')")
    # a right-to-left language (none is served yet) mirrors the panel: it opens on the left
    panel = page.locator(f"{W} .panel")
    panel.evaluate("p => p.setAttribute('dir', 'rtl')")
    box_ = panel.bounding_box()
    assert box_["x"] < 100, box_
    shot(page, "widget-rtl-desktop")


def test_not_understood_twice_offers_a_person_with_one_no_and_no_alarming_guesses(page):
    open_chat(page)
    first = ask(page, "hsjd kdkd")
    expect(first).to_have_attribute("data-topic", re.compile(r"^fallback\."))
    for alarming in ("Hätätilanne", "Myrkytys"):
        expect(first.get_by_role("button", name=alarming)).to_have_count(0)
    offer = ask(page, "qwfp zxcv kdkd")
    expect(offer).to_have_attribute("data-topic", "fallback.offer_person")
    expect(offer.get_by_role("button", name="Ei", exact=True)).to_have_count(1)  # no "Was this helpful? Ei" too
    expect(offer.locator(".feedback")).to_have_count(0)


def test_keyboard_only(page):
    page.goto(WIDGET_URL + "/")
    launcher = page.get_by_role("button", name="Kysy neuvoa")
    for _ in range(30):
        page.keyboard.press("Tab")
        if launcher.evaluate("el => el.getRootNode().activeElement === el || document.activeElement === el.getRootNode().host && el.getRootNode().activeElement === el"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    accept = page.get_by_role("button", name="Selvä, aloitetaan")
    expect(accept).to_be_focused()
    page.keyboard.press("Enter")
    box = page.get_by_label("Kirjoita kysymyksesi")
    expect(box).to_be_focused()
    page.keyboard.type("kiitos avusta")
    page.keyboard.press("Enter")
    expect(page.locator(f"{W} .msg.bot")).to_have_count(1, timeout=20000)
    page.keyboard.press("Shift+Tab")  # to the feedback buttons of the answer
    page.keyboard.press("Escape")
    expect(launcher).to_be_focused()
    expect(page.locator(f"{W} .panel")).to_be_hidden()


def test_no_accessibility_violations(page):
    open_chat(page)
    assert violations(page) == []  # the greeting
    ask(page, "milloin Hämeenkadulla aurataan?")
    ask(page, "miten uusin reseptin?")
    ask(page, "tiessä on kuoppa")
    assert violations(page) == []


def test_a_greeting_with_example_questions_in_the_page_language(page):
    open_chat(page)
    greeting = page.locator(f"{W} .greeting")
    expect(greeting).to_contain_text("Hei!")
    examples = greeting.get_by_role("button")
    expect(examples).to_have_count(4)
    page.get_by_role("button", name="Svenska").click()
    expect(greeting).to_contain_text("Hej!")
    expect(greeting.get_by_role("button", name="Mitt barn har feber, vad ska jag göra?")).to_be_visible()
    page.get_by_role("button", name="Suomi").click()
    shot(page, "widget-greeting-desktop")
    greeting.get_by_role("button", name="Lapsella on kuumetta, mitä teen?").click()
    answer = page.locator(f"{W} .msg.bot:not(.greeting)").first
    expect(answer).to_have_attribute("data-topic", re.compile(r"^health\.child_fever"), timeout=20000)
    expect(page.locator(f"{W} .msg.resident")).to_have_text([re.compile("Lapsella on kuumetta")])
    for button in examples.all():  # asked: the examples are used up
        expect(button).to_be_disabled()
    # a conversation with history has no greeting
    page.reload()
    expect(page.locator(f"{W} .msg.resident")).to_have_count(1, timeout=15000)
    expect(page.locator(f"{W} .greeting")).to_have_count(0)


def test_the_greeting_at_phone_width(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-GB")
    page = context.new_page()
    open_chat(page, "/en/", launcher="Ask for advice", accept="OK, let's start")
    greeting = page.locator(f"{W} .greeting")
    expect(greeting.get_by_role("button", name="How do I renew a prescription?")).to_be_visible()
    expect(greeting.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    shot(page, "widget-greeting-phone")
    context.close()


def test_used_quick_replies_are_disabled(page):
    open_chat(page)
    ask(page, "Teiskontiellä 12 on tosi syvä kuoppa keskellä ajokaistaa, rengas meinasi hajota")
    question = page.locator(f"{W} .msg.bot[data-topic$='report.ask_contact']")
    skip = question.get_by_role("button", name="Ohita")
    skip.click()
    expect(skip).to_be_disabled()
    expect(page.locator(f"{W} .msg.bot[data-topic$='report.confirm']")).to_be_visible(timeout=20000)
    skip.click(force=True)  # a second press does nothing
    page.wait_for_timeout(500)
    expect(page.locator(f"{W} .msg.resident", has_text="Ohita")).to_have_count(1)


def test_links_are_named_not_bare_addresses(page):
    open_chat(page)
    answer = ask(page, "miten uusin reseptin?")
    links = answer.get_by_role("link")
    expect(links.first).to_be_visible()
    for link in links.all():
        name = link.inner_text()
        assert not name.startswith("http"), name
        assert link.get_attribute("href").startswith("https://")
    expect(answer.get_by_role("link", name=re.compile(r"^kanta\.fi"))).to_have_attribute("href", "https://www.kanta.fi")


def test_escape_closes_the_menu_then_the_chat_and_focus_is_never_lost(page):
    open_chat(page)
    menu = page.get_by_role("button", name="Valikko")
    menu.click()
    expect(page.get_by_role("button", name="Keskustele ihmisen kanssa")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Keskustele ihmisen kanssa")).to_be_hidden()
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Escape")
    expect(page.locator(f"{W} .panel")).to_be_hidden()
    expect(page.get_by_role("button", name="Kysy neuvoa")).to_be_focused()


def test_one_banner_landmark(page):
    open_chat(page)
    expect(page.get_by_role("banner")).to_have_count(1)  # the city's page header only


def test_on_a_phone_the_panel_is_modal_and_keeps_focus(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fi-FI")
    page = context.new_page()
    open_chat(page)
    panel = page.locator(f"{W} .panel")
    expect(panel).to_have_attribute("aria-modal", "true")
    inside = "() => document.activeElement === document.getElementById('citizenbot-widget')"
    for key in ["Tab"] * 15 + ["Shift+Tab"] * 15:
        page.keyboard.press(key)
        assert page.evaluate(inside), f"focus left the chat after {key}"
    page.locator("a.skip").focus()  # the page behind cannot take focus either
    assert page.evaluate(inside)
    context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    page = wide.new_page()
    open_chat(page)
    expect(page.locator(f"{W} .panel")).to_have_attribute("aria-modal", "false")  # beside the page
    wide.close()


def test_phone_full_screen_and_text_resize(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="fi-FI")
    page = context.new_page()
    open_chat(page)
    ask(page, "lapsella on kuumetta 39, mitä teen?")
    box = page.locator(f"{W} .panel").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 375, 740)
    shot(page, "widget-phone-fi")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    page.wait_for_timeout(200)
    # text at 200 %: nothing wider than the screen (no sideways scrolling), everything reachable
    widths = page.locator(f"{W} .panel").evaluate("p => [p.scrollWidth, p.clientWidth]")
    assert widths[0] <= widths[1], widths
    english = page.get_by_role("button", name="English").bounding_box()
    assert english["x"] + english["width"] <= 375
    send = page.get_by_role("button", name="Lähetä")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 740 and box["x"] + box["width"] <= 375
    shot(page, "widget-phone-fi-text-200")
    context.close()


def test_the_demo_pages_do_not_scroll_sideways_with_large_text_on_a_phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    for path in ("/", "/sv/", "/en/", "/kadut.html", "/ru/", "/uk/", "/et/", "/ar/", "/so/", "/fa/"):
        page.goto(WIDGET_URL + path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        page.wait_for_timeout(100)
        widths = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)
    context.close()


def test_dark_mode_follows_the_system_and_stays_readable(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark", locale="fi-FI")
    page = context.new_page()
    open_chat(page)
    ask(page, "miten uusin reseptin?")
    ask(page, "Teiskontiellä 12 on kuoppa")
    panel = page.locator(f"{W} .panel").evaluate("p => [getComputedStyle(p).backgroundColor, getComputedStyle(p).color]")
    assert panel == ["rgb(26, 26, 26)", "rgb(255, 255, 255)"], panel
    assert violations(page) == []  # contrast included
    shot(page, "widget-dark-desktop")
    context.close()


def test_reduced_motion_turns_animation_off(browser):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(WIDGET_URL + "/")
    page.get_by_role("button", name="Kysy neuvoa").click()
    name = page.locator(f"{W} .typing").evaluate("el => getComputedStyle(el, '::after').animationName")
    assert name == "none"
    context.close()
