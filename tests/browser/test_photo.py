"""A photo with a fault report, as a resident adds one in the widget: the button appears only while
the report is being made, the photo shows in the log, the summary says it is there, and the filed
report's photo (without the phone's location data) is what the city can fetch."""

import io

from PIL import Image
from playwright.sync_api import expect

from tests.reports.test_photos import SECRET, phone_jpeg

from .conftest import WIDGET_URL, shot
from .test_widget import W, ask, open_chat, violations


def test_a_resident_adds_a_photo_to_a_pothole_report(page, tmp_path):
    from sqlalchemy import select

    from citizenbot.reports.names import number_of
    from citizenbot.reports.photos import PhotoStore
    from citizenbot.store.db import get_database
    from citizenbot.store.models import Report

    photo = tmp_path / "kuoppa.jpg"
    photo.write_bytes(phone_jpeg(3000, 2000))
    not_a_photo = tmp_path / "kuoppa.png"
    not_a_photo.write_bytes(b"<html>this is not a picture</html>")
    button = page.locator(f"{W} .photo-button")
    chooser = page.locator(f"{W} input[type=file]")

    open_chat(page)
    expect(button).to_be_hidden()  # no report being made
    ask(page, "Teiskontiellä 12 on tosi syvä kuoppa keskellä ajokaistaa, rengas meinasi hajota")
    question = page.locator(f"{W} .msg.bot[data-topic$='report.ask_contact']")
    expect(question).to_be_visible()
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Lisää kuva")

    chooser.set_input_files(str(not_a_photo))
    expect(page.locator(f"{W} .status")).to_have_text("Tätä tiedostoa ei voi käyttää. Valitse JPEG- tai PNG-kuva.")
    chooser.set_input_files(str(photo))
    note = page.locator(f"{W} .photo-note")
    expect(note).to_contain_text("Kuva liitetty ilmoitukseen.", timeout=30000)
    expect(note.get_by_role("img", name="Ilmoitukseen liittämäsi kuva")).to_be_visible()
    expect(note.get_by_role("button", name="Poista kuva")).to_be_visible()
    assert violations(page) == []
    shot(page, "widget-photo-fi")
    page.reload()  # the photo is still there, with "Remove"
    expect(note.get_by_role("img", name="Ilmoitukseen liittämäsi kuva")).to_be_visible(timeout=30000)
    expect(note.get_by_role("button", name="Poista kuva")).to_be_visible()
    expect(page.locator(f"{W} .photo-note")).to_have_count(1)

    question.get_by_role("button", name="Ohita").click()
    confirm = page.locator(f"{W} .msg.bot[data-topic$='report.confirm']")
    expect(confirm).to_contain_text("Syvä kuoppa", timeout=20000, ignore_case=True)
    expect(confirm).to_contain_text("(+ kuva)")
    confirm.get_by_role("button", name="Kyllä").click()
    expect(page.locator(f"{W} .msg.bot[data-topic$='report.submitted']")).to_be_visible(timeout=20000)
    expect(button).to_be_hidden()  # the report is filed

    session = page.evaluate("JSON.parse(localStorage.getItem('citizenbot.session'))")
    with get_database().session() as db:
        report_id = db.execute(select(Report.id).where(Report.conversation_id == session["session_id"])).scalar_one()
    token = PhotoStore(get_database()).token_of(number_of(report_id))
    served = page.request.get(f"{WIDGET_URL}/media/{token}.jpg")
    assert served.status == 200 and served.headers["content-type"] == "image/jpeg"
    body = served.body()
    assert SECRET not in body and b"Exif" not in body
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (1600, 1067) and not image.getexif()


def test_the_photo_can_be_removed_and_the_summary_then_has_none(page, tmp_path):
    photo = tmp_path / "valo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 30, 30)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    page.set_viewport_size({"width": 390, "height": 800})  # a phone
    open_chat(page)
    ask(page, "Katuvalo on rikki Hämeenkatu 10 kohdalla, lamppu ei pala ollenkaan")
    question = page.locator(f"{W} .msg.bot[data-topic$='report.ask_contact']")
    expect(question).to_be_visible()
    page.locator(f"{W} input[type=file]").set_input_files(str(photo))
    note = page.locator(f"{W} .photo-note")
    expect(note.get_by_role("img")).to_be_visible(timeout=30000)
    shot(page, "widget-photo-phone")
    note.get_by_role("button", name="Poista kuva").click()
    expect(note).to_have_text("Kuva poistettiin.")
    expect(page.get_by_label("Kirjoita kysymyksesi")).to_be_focused()
    question.get_by_role("button", name="Ohita").click()
    confirm = page.locator(f"{W} .msg.bot[data-topic$='report.confirm']")
    expect(confirm).to_be_visible(timeout=20000)
    expect(confirm).not_to_contain_text("(+ kuva)")
