"""Customer service sees the fault reports that are not at the city, with the city's reason, in the
staff console, and retries or marks them handled."""

import secrets

from playwright.sync_api import expect

from .conftest import WIDGET_URL, shot
from .test_handoff import PASSWORD


def test_an_agent_sees_failed_and_uncertain_reports_and_acts_on_them(browser):
    from citizenbot.handoff.staff import StaffDirectory
    from citizenbot.reports.photos import PhotoStore, reencode
    from citizenbot.reports.store import ReportStore
    from citizenbot.store.db import get_database
    from tests.reports.test_photos import png_with_text

    database = get_database()
    username = f"agent{secrets.token_hex(3)}"
    StaffDirectory(database).create(username, "Aino", "agent", PASSWORD)
    store = ReportStore(database)
    street = f"Testikatu {secrets.randbelow(900) + 100}"

    def filed(photo: bool = False) -> int:
        conversation = secrets.token_hex(4)  # two reports, not one sent again
        if photo:  # the resident added a photo
            store.hold_draft(conversation, new=True, location=street)
            PhotoStore(database).hold(conversation, reencode(png_with_text()))
        return store.create(category="maintenance.pothole", location=street, description="Syvä kuoppa",
                            contact=None, lang="fi", conversation_id=conversation, deliver=True, with_photo=photo)

    failed, uncertain = filed(photo=True), filed()
    store.mark_failed(failed, "HTTP 400 Bad Request: jurisdiction_id is required", retryable=False, status=400)
    store.mark_uncertain(uncertain, "No clear answer from the city (no answer within 5 s); the city does not list it.")

    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fi-FI")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(WIDGET_URL + "/staff/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    refused = page.locator(f"li[data-report='{failed}']")
    unclear = page.locator(f"li[data-report='{uncertain}']")
    expect(refused).to_contain_text("jurisdiction_id is required", timeout=15000)
    expect(refused).to_contain_text("Epäonnistui")
    expect(unclear).to_contain_text("Epävarma")
    expect(unclear.get_by_role("button", name="Lähetä uudelleen")).to_have_count(0)  # check first
    photo = refused.get_by_role("link", name=f"Ilmoituksen {failed} kuva")
    assert page.request.get(WIDGET_URL + photo.get_attribute("href")).headers["content-type"] == "image/jpeg"
    expect(unclear.get_by_role("link")).to_have_count(0)  # no photo
    shot(page, "staff-console-reports")
    refused.get_by_role("button", name="Lähetä uudelleen").click()
    expect(refused).to_contain_text("Odottaa uutta yritystä")
    assert store.get_row(failed)["sync_state"] == "pending"
    unclear.get_by_role("button", name="Merkitse hoidetuksi").click()
    expect(unclear).to_be_hidden()
    assert store.get_row(uncertain)["sync_state"] == "handled"
    assert errors == []
    context.close()
