"""A message without an answer can be sent again, and is stored once: the widget against a web
process whose Rasa is slow, then stopped (tests/browser/controlled.py)."""

import os

import pytest
import requests
from playwright.sync_api import expect

from .conftest import shot
from .controlled import RASA_URL, ControlledRasa, web_process
from .test_widget import W, violations

TOKEN = os.environ.get("RASA_TOKEN", "dev-token-change-me")


@pytest.fixture
def stack():
    rasa = ControlledRasa().start()
    web = web_process(rasa.url)
    yield rasa, web
    web.stop()
    rasa.stop()


def stored_texts(page) -> list[str]:
    session = page.evaluate("JSON.parse(localStorage.getItem('citizenbot.session'))")
    tracker = requests.get(f"{RASA_URL}/conversations/{session['session_id']}/tracker", params={"token": TOKEN}, timeout=30).json()
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def open_chat(page, url):
    page.goto(url)
    page.get_by_role("button", name="Kysy neuvoa").click()
    page.get_by_role("button", name="Selvä, aloitetaan").click()
    expect(page.locator(f"{W} .greeting")).to_be_visible()


def write(page, text):
    box = page.get_by_label("Kirjoita kysymyksesi")
    box.fill(text)
    box.press("Enter")


def test_a_slow_answer_offers_send_again_and_the_message_is_stored_once(browser, stack):
    rasa, web = stack
    for width, height, name in ((1280, 800, "desktop"), (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fi-FI")
        page = context.new_page()
        open_chat(page, web.url + "/")
        rasa.hold()
        question = f"milloin Hämeenkadulla aurataan? ({name})"
        write(page, question)
        mine = page.locator(f"{W} .msg.resident").last
        # no answer in a few seconds: the widget says so and offers to send it again
        expect(mine.locator(".retry")).to_contain_text("Ei vielä vastausta.", timeout=20000)
        again = mine.get_by_role("button", name="Lähetä uudelleen")
        expect(again).to_be_visible()
        shot(page, f"widget-retry-{name}")
        assert violations(page) == []
        again.click()  # the resend waits for the first try at the gateway
        rasa.release()
        answer = page.locator(f"{W} .msg.bot[data-topic^='maintenance.snow_plowing']")
        expect(answer).to_have_count(1, timeout=30000)
        expect(page.locator(f"{W} .retry")).to_have_count(0, timeout=15000)
        expect(page.locator(f"{W} .msg.resident")).to_have_count(1)
        assert stored_texts(page) == [question]
        assert rasa.messages.count(question) == 1
        context.close()


def test_a_stopped_rasa_fails_the_message_at_once_and_send_again_delivers_it(browser, stack):
    rasa, web = stack
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_chat(page, web.url + "/")
    rasa.mode = "drop"
    write(page, "kuka auraa pihatien suun?")
    mine = page.locator(f"{W} .msg.resident").last
    expect(mine.locator(".retry")).to_contain_text("Viesti ei mennyt perille.", timeout=20000)
    shot(page, "widget-not-sent-desktop")
    assert stored_texts(page) == []
    rasa.mode = "pass"  # Rasa is back
    mine.get_by_role("button", name="Lähetä uudelleen").click()
    expect(page.locator(f"{W} .msg.bot").last).to_have_attribute("data-topic", "maintenance.plow_berm", timeout=30000)
    expect(page.locator(f"{W} .retry")).to_have_count(0)
    assert stored_texts(page) == ["kuka auraa pihatien suun?"]
    # the English control after a language switch
    page.get_by_role("button", name="English").click()
    rasa.mode = "drop"
    box = page.get_by_label("Type your question")
    box.fill("hello")
    box.press("Enter")
    expect(page.locator(f"{W} .msg.resident").last.get_by_role("button", name="Send again")).to_be_visible(timeout=20000)
    assert errors == []
    context.close()
