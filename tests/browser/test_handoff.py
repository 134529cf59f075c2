"""A resident asks for a nurse in the widget; a nurse logs in to the console, claims, replies; the
resident answers; the nurse hands back and the bot answers again. Two browser contexts."""

import re
import secrets

from playwright.sync_api import expect

from .conftest import WIDGET_URL, shot
from .test_widget import W, ask, open_chat, violations

PASSWORD = "correct horse battery staple"


def make_nurse() -> str:
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.store.db import get_database

    username = f"nurse{secrets.token_hex(3)}"
    StaffDirectory(get_database()).create(username, "Anna", "nurse", PASSWORD)
    return username


def test_resident_and_nurse(browser):
    resident_ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    nurse_ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fi-FI")
    resident, nurse = resident_ctx.new_page(), nurse_ctx.new_page()
    errors = []
    for page in (resident, nurse):
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))

    # the resident asks for a nurse and waits in the queue
    open_chat(resident)
    ask(resident, "mun lapsella on korvakipua")
    ask(resident, "voinko jutella sairaanhoitajan kanssa chatissa?")
    banner = resident.locator(f"{W} .banner")
    expect(banner).to_contain_text(re.compile(r"jonossa: sija \d+"), timeout=15000)

    # the nurse logs in and sees the waiting conversation with its first message
    username = make_nurse()
    nurse.goto(WIDGET_URL + "/staff/")
    nurse.get_by_label("Käyttäjätunnus").fill(username)
    nurse.get_by_label("Salasana").fill(PASSWORD)
    nurse.get_by_role("button", name="Kirjaudu").click()
    item = nurse.locator("li[data-handoff]", has_text="mun lapsella on korvakipua").first
    expect(item).to_be_visible(timeout=15000)
    item.get_by_role("button", name="Ota käsittelyyn").click()
    expect(nurse.get_by_label("Vastaus asukkaalle")).to_be_visible()
    expect(nurse.locator("#transcript")).to_contain_text("mun lapsella on korvakipua")
    # plain words first; the topics the bot saw only behind "details"
    expect(nurse.locator("#transcript .detail").first).to_be_hidden()
    nurse.get_by_label("Näytä tekniset tiedot").check()
    expect(nurse.locator("#transcript .detail", has_text="health.").first).to_be_visible()
    assert "pause" not in nurse.locator("#transcript").inner_text()

    # the resident is told who joined; the nurse replies
    expect(banner).to_contain_text("Sairaanhoitaja Anna", timeout=15000)
    expect(resident.locator(f"{W} .subtitle")).to_have_text("Sairaanhoitaja Anna")  # not "automatic assistant"
    nurse.get_by_label("Vastaus asukkaalle").fill("Hei, olen sairaanhoitaja. Onko lapsella kuumetta?")
    nurse.get_by_label("Vastaus asukkaalle").press("Enter")
    staff_msg = resident.locator(f"{W} .msg.staff").last
    expect(staff_msg).to_contain_text("Onko lapsella kuumetta?", timeout=15000)
    expect(staff_msg).to_contain_text("Sairaanhoitaja Anna")

    # the resident answers (markup stays text in the console); the bot stays silent
    bots_before = resident.locator(f"{W} .msg.bot").count()
    box = resident.get_by_label("Kirjoita kysymyksesi")
    box.fill("on, 38 astetta <b>eilisestä</b>")
    box.press("Enter")
    expect(nurse.locator("#transcript")).to_contain_text("on, 38 astetta <b>eilisestä</b>", timeout=15000)
    assert nurse.locator("#transcript b").count() == 0
    resident.wait_for_timeout(1000)
    assert resident.locator(f"{W} .msg.bot").count() == bots_before
    shot(nurse, "staff-console-conversation")
    shot(resident, "widget-with-nurse")

    # internal note and hand back
    nurse.get_by_label("Uusi muistiinpano").fill("Ohjattu seuraamaan kuumetta")
    nurse.get_by_role("button", name="Lisää").click()
    expect(nurse.locator("#notes")).to_contain_text("Ohjattu seuraamaan kuumetta")
    nurse.get_by_role("button", name="Palauta avustajalle").click()
    expect(resident.locator(f"{W} .msg.bot").last).to_contain_text("palautti keskustelun", timeout=15000)
    expect(banner).to_be_hidden()
    expect(resident.locator(f"{W} .subtitle")).to_have_text("Automaattinen avustaja")
    assert "Ohjattu seuraamaan" not in resident.locator(W).inner_text()

    # the bot answers the next question
    answer = ask(resident, "milloin Hämeenkadulla aurataan?")
    expect(answer).to_have_attribute("data-topic", re.compile(r"^maintenance\.snow_plowing"))
    shot(nurse, "staff-console-after-handback")
    assert errors == [], errors
    resident_ctx.close()
    nurse_ctx.close()


def test_console_login_page_is_accessible(page):
    page.goto(WIDGET_URL + "/staff/")
    expect(page.get_by_label("Käyttäjätunnus")).to_be_visible()
    assert violations(page) == []
    page.get_by_label("Käyttäjätunnus").fill("nobody")
    page.get_by_label("Salasana").fill("wrong password here")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("alert")).to_contain_text("Väärä")
    shot(page, "staff-console-login")


def test_a_trainer_sees_the_review_inbox(browser):
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.store.db import get_database
    from citizenbot.store.models import InboxMessage

    database = get_database()
    username = f"trainer{secrets.token_hex(3)}"
    StaffDirectory(database).create(username, "Tiina", "trainer", PASSWORD)
    text = f"onko uimarannalla hengenpelastaja {secrets.token_hex(2)}"
    with database.session() as session:
        session.add(InboxMessage(source_key=secrets.token_hex(8), conversation="c", text=text, lang="fi",
                                 reasons="not_understood", predicted="nlu_fallback", confidence=0.1))
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fi-FI")
    page = context.new_page()
    page.goto(WIDGET_URL + "/staff/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    group = page.locator("li[data-group]", has_text=text)
    expect(group).to_be_visible(timeout=15000)
    shot(page, "staff-console-review-inbox")
    group.get_by_role("button", name="Ohita").click()  # "ignore": nothing is written to the training data
    expect(page.get_by_role("status").last).to_contain_text("Tallennettu")
    expect(group).to_be_hidden()
    context.close()
