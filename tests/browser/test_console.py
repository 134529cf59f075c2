"""The staff console through a shift: someone new in the queue is heard and notified, and a
message in one of my conversations that is not the one open shows as unread."""

import secrets

from playwright.sync_api import expect

from .test_emergency import RECORDER, log_in
from .test_handoff import make_nurse
from .test_widget import W, ask, open_chat


def resident_asking_for_a_nurse(browser, marker: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    page = context.new_page()
    open_chat(page)
    ask(page, f"voinko jutella sairaanhoitajan kanssa? {marker}")
    expect(page.locator(f"{W} .banner")).to_contain_text("jonossa", timeout=15000)
    return context, page


def test_new_in_the_queue_and_unread_messages(browser):
    nurse_ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fi-FI")
    nurse_ctx.add_init_script(RECORDER % "granted")
    nurse = nurse_ctx.new_page()
    log_in(nurse, make_nurse())
    expect(nurse.get_by_role("heading", name="Omat keskustelut")).to_be_visible()
    nurse.wait_for_timeout(500)  # the first load of the queue: what waits already is not announced

    first, second = f"korva {secrets.token_hex(2)}", f"kurkku {secrets.token_hex(2)}"
    one_ctx, one = resident_asking_for_a_nurse(browser, first)
    two_ctx, _two = resident_asking_for_a_nurse(browser, second)
    for marker in (first, second):
        item = nurse.locator("#queues li[data-handoff]", has_text=marker)
        expect(item).to_be_visible(timeout=15000)
    notes = nurse.evaluate("window.__notes")
    titles = [n["title"] for n in notes if first in n["body"] or second in n["body"]]
    assert titles == ["Uusi keskustelu jonossa: Sairaanhoitajat"] * 2, notes
    assert nurse.evaluate("window.__tones") >= 1

    # the nurse takes both; the second is open when the first resident writes
    for marker in (first, second):
        nurse.locator("#queues li[data-handoff]", has_text=marker).get_by_role("button", name="Ota käsittelyyn").click()
        expect(nurse.locator("#mine li[data-handoff]", has_text=marker)).to_be_visible(timeout=15000)
    expect(nurse.locator("#transcript")).to_contain_text(second)  # the second one is open
    box = one.get_by_label("Kirjoita kysymyksesi")
    box.fill("onko teillä vielä aikaa?")
    box.press("Enter")
    mine_first = nurse.locator("#mine li[data-handoff]", has_text=first)
    expect(mine_first.locator(".unread")).to_have_text("uusi viesti", timeout=15000)
    expect(nurse).to_have_title("(1) Henkilöstön konsoli – citizenbot")
    mine_first.get_by_role("button", name="Avaa").click()
    expect(nurse.locator("#transcript")).to_contain_text("onko teillä vielä aikaa?")
    expect(mine_first.locator(".unread")).to_have_count(0)
    expect(nurse).to_have_title("Henkilöstön konsoli – citizenbot")

    # the conversation to keep, as text: who said what, without internal notes or technical details
    nurse.get_by_label("Uusi muistiinpano").fill("sisäinen huomio")
    nurse.get_by_role("button", name="Lisää").click()
    expect(nurse.locator("#notes")).to_contain_text("sisäinen huomio")
    with nurse.expect_download() as download:
        nurse.get_by_role("link", name="Lataa keskustelu tekstinä").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("Keskustelu ") and "Asukas" in text and "onko teillä vielä aikaa?" in text, text
    assert "sisäinen huomio" not in text and "aihe handoff" not in text and "varmuus" not in text, text
    for context in (one_ctx, two_ctx, nurse_ctx):
        context.close()
