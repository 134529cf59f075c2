"""An emergency is unmistakable: the resident's 112 answer is an alert with a number to tap, and
the staff see it at once — in the queue, in the conversation they have open, and next to the
reply box while they answer."""

import re
import secrets

from playwright.sync_api import expect

from .conftest import WIDGET_URL, shot
from .test_handoff import PASSWORD, make_nurse
from .test_widget import AXE, W, ask, open_chat, violations

EMERGENCY = "isä ei hengitä eikä herää"
# Records what the console asks of the browser: notifications (permission as given) and tones.
RECORDER = """
window.__notes = []; window.__tones = 0; window.__asked = 0;
window.Notification = class {
  static permission = "%s";
  static requestPermission() { window.__asked += 1; this.permission = "granted"; return Promise.resolve("granted"); }
  constructor(title, options) { window.__notes.push({title, ...options}); }
};
const RealAudio = window.AudioContext;
window.AudioContext = class extends RealAudio {
  createOscillator() { window.__tones += 1; return super.createOscillator(); }
};
"""


def log_in(page, username: str) -> None:
    page.goto(WIDGET_URL + "/staff/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()


def test_the_112_answer_is_an_alert_with_a_number_to_call(browser):
    for name, viewport in (("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport, locale="fi-FI", is_mobile=name == "phone",
                                      has_touch=name == "phone")
        page = context.new_page()
        open_chat(page)
        answer = ask(page, EMERGENCY)
        expect(answer).to_have_attribute("data-topic", "health.emergency")
        expect(answer).to_have_attribute("role", "alert")
        expect(answer).to_have_class(re.compile(r"\bemergency\b"))
        call = answer.get_by_role("link", name="112")
        expect(call).to_have_attribute("href", "tel:112")
        expect(answer.locator(".feedback")).to_have_count(0)  # no "Was this helpful?" under 112
        # its own look: light text on a dark red HDS background, unlike the grey answers
        colours = answer.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
        assert colours == ["rgb(128, 14, 4)", "rgb(255, 255, 255)"], colours
        box = answer.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        shot(page, f"widget-emergency-{name}")
        assert violations(page) == []
        context.close()


def test_a_queued_emergency_reaches_the_nurse_at_once(browser):
    resident_ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    nurse_ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fi-FI")
    nurse_ctx.add_init_script(RECORDER % "granted")
    resident, nurse = resident_ctx.new_page(), nurse_ctx.new_page()
    errors = []
    for page in (resident, nurse):
        page.on("pageerror", lambda e: errors.append(str(e)))

    open_chat(resident)
    marker = f"tyttären korva on kipeä {secrets.token_hex(2)}"  # this run's queue item among earlier ones
    ask(resident, f"voinko jutella sairaanhoitajan kanssa? {marker}")
    expect(resident.locator(f"{W} .banner")).to_contain_text("jonossa", timeout=15000)

    log_in(nurse, make_nurse())
    item = nurse.locator("li[data-handoff]", has_text=marker).first
    expect(item).to_be_visible(timeout=15000)
    expect(item).not_to_have_class(re.compile(r"\bemergency\b"))
    item.get_by_role("button", name="Avaa").click()
    expect(nurse.locator("#transcript")).to_contain_text(marker)

    # the resident, still waiting, describes an emergency: the bot answers 112, and the nurse sees
    # the flag on the queue item, the alert and the 112 answer without reloading anything
    ask(resident, EMERGENCY)
    item = nurse.locator("li[data-handoff]", has_text=marker).first
    expect(item).to_have_class(re.compile(r"\bemergency\b"), timeout=15000)
    expect(item).to_contain_text("HÄTÄTILANNE")
    notice = nurse.locator("#emergency-notice")
    expect(notice).to_contain_text("Hätätilanne")
    expect(notice.get_by_role("button", name=re.compile(r"^Avaa keskustelu \d+$"))).to_be_visible()
    expect(nurse.locator("#transcript li.emergency")).to_contain_text("112")
    expect(nurse.locator("#transcript")).to_contain_text(EMERGENCY)
    # heard and seen from another window: a tone and a notification that stays
    notes = nurse.evaluate("window.__notes")
    assert any(n["title"] == "Hätätilanne" and n["requireInteraction"] and "112" in n["body"] for n in notes), notes
    assert nurse.evaluate("window.__tones") >= 1

    # claimed, the conversation keeps the alert, right above the reply box
    item.get_by_role("button", name="Ota käsittelyyn").click()
    reply = nurse.get_by_label("Vastaus asukkaalle")
    expect(reply).to_be_focused()
    alert = nurse.locator("#conv-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("112")
    alert_box, reply_box = alert.bounding_box(), reply.bounding_box()
    assert 0 <= alert_box["y"] < reply_box["y"] <= 900, (alert_box, reply_box)
    assert reply_box["y"] - (alert_box["y"] + alert_box["height"]) < 200  # near the reply box, not at the top
    expect(nurse.locator("#mine li.emergency")).to_have_count(1)

    # during the chat, the bot's 112 answer to a new emergency reaches the transcript at once
    before = nurse.locator("#transcript li.emergency").count()
    box = resident.get_by_label("Kirjoita kysymyksesi")
    box.fill("nyt hän ei hengitä taas")
    box.press("Enter")
    expect(resident.locator(f"{W} .msg.emergency").last).to_have_attribute("role", "alert", timeout=15000)
    expect(nurse.locator("#transcript li.emergency")).to_have_count(before + 1, timeout=15000)
    shot(nurse, "staff-console-emergency")
    nurse.add_script_tag(url=AXE)
    assert violations(nurse) == []
    assert errors == [], errors
    resident_ctx.close()
    nurse_ctx.close()


def test_the_console_asks_for_notifications_only_after_a_click(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    context.add_init_script(RECORDER % "default")
    page = context.new_page()
    log_in(page, make_nurse())
    allow = page.get_by_role("button", name="Salli ilmoitukset")
    expect(allow).to_be_visible()
    assert page.evaluate("window.__asked") == 0  # browsers ask only after a click
    allow.click()
    expect(allow).to_be_hidden()
    assert page.evaluate("window.__asked") == 1
    assert violations(page) == []
    context.close()
