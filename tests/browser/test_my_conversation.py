"""The resident's own conversation from the widget's menu: saved as a file, and deleted (asked
first) with its feedback and review-inbox copies, after which a new conversation starts."""

import os

from playwright.sync_api import expect

from .conftest import shot
from .test_widget import W, ask, open_chat, violations


def test_the_resident_deletes_the_conversation_with_its_feedback_and_review_copies(browser):
    from citizenbot.conversation.store import conversation_key
    from citizenbot.feedback import FeedbackStore
    from citizenbot.store.db import get_database
    from citizenbot.store.models import InboxMessage
    from citizenbot.trainer.inbox.collect import collect

    database = get_database()
    for width, height, name in ((1280, 800, "desktop"), (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fi-FI")
        page = context.new_page()
        open_chat(page)
        answer = ask(page, "kuka poistaa aurausvallin pihatien suulta?")
        answer.get_by_role("button", name="Ei").click()
        expect(answer).to_contain_text("Kiitos palautteesta")
        old = page.evaluate("JSON.parse(localStorage.getItem('citizenbot.session'))")["session_id"]
        collect(database, os.environ.get("KB_DIR"))  # the thumbs-down reaches the review inbox
        with database.session() as session:
            assert session.query(InboxMessage).filter_by(conversation=conversation_key(old)).count() >= 1
        assert len(FeedbackStore(database).for_conversation(old)) == 1

        menu = page.get_by_role("button", name="Valikko")
        menu.click()
        page.get_by_role("button", name="Poista keskustelu").click()
        question = page.get_by_role("region", name="Poistetaanko keskustelu?")
        expect(question).to_be_visible()
        expect(question.get_by_role("button", name="Peruuta")).to_be_focused()
        shot(page, f"widget-delete-{name}")
        assert violations(page) == []
        question.get_by_role("button", name="Peruuta").click()  # nothing happens
        expect(question).to_have_count(0)
        expect(menu).to_be_focused()
        expect(page.locator(f"{W} .msg.resident")).to_have_count(1)

        menu.click()
        page.get_by_role("button", name="Poista keskustelu").click()
        page.get_by_role("button", name="Poista", exact=True).click()
        expect(page.locator(f"{W} .status")).to_have_text("Keskustelu on poistettu. Voit aloittaa uuden.")
        expect(page.locator(f"{W} .msg.resident")).to_have_count(0)
        expect(page.locator(f"{W} .greeting")).to_be_visible()
        page.wait_for_function("JSON.parse(localStorage.getItem('citizenbot.session') || '{}').session_id !== undefined")
        new = page.evaluate("JSON.parse(localStorage.getItem('citizenbot.session'))")["session_id"]
        assert new != old
        shot(page, f"widget-deleted-{name}")
        assert FeedbackStore(database).for_conversation(old) == []
        with database.session() as session:
            assert session.query(InboxMessage).filter_by(conversation=conversation_key(old)).count() == 0
        # the new conversation works
        ask(page, "hei")
        context.close()


def test_the_deletion_reaches_the_residents_other_tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    first = context.new_page()
    open_chat(first)
    ask(first, "hei")
    second = context.new_page()
    second.goto(first.url)
    expect(second.locator(f"{W} .msg.resident")).to_have_count(1)
    first.get_by_role("button", name="Valikko").click()
    first.get_by_role("button", name="Poista keskustelu").click()
    first.get_by_role("button", name="Poista", exact=True).click()
    expect(second.locator(f"{W} .msg.resident")).to_have_count(0)
    expect(second.locator(f"{W} .greeting")).to_be_visible()
    context.close()
