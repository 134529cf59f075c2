"""The fault-report conversation as pure functions: pre-filling, checking answers, messages.

Also reads what residents type outside the form: a report number in a status question (the public
reference is read by ``citizenbot.reports.names.parse_public_ref``).
"""

from __future__ import annotations

import re

from citizenbot.kb import KnowledgeBase
from citizenbot.names import guess_street
from citizenbot.replies import Reply, format_date
from citizenbot.reports.names import REPORT_NUMBER_OFFSET
from citizenbot.reports.store import MAX_CONTACT, ReportView, clean_text
from citizenbot.text import fold, strip_signature_names, words

SKIPPED = "-"
REPORT_TOPICS = (
    "maintenance.pothole", "maintenance.street_light", "maintenance.traffic_light",
    "maintenance.traffic_sign", "maintenance.tree", "maintenance.playground",
    "maintenance.litter_bin", "maintenance.graffiti", "maintenance.abandoned_vehicle",
    "maintenance.stormwater", "maintenance.other_fault",
)
_YES = {fold(w) for w in "kyllä joo juu jep ok okei lähetä kyl yes yeah yep sure send ja jo absolut skicka visst".split()}
_NO = {fold(w) for w in "ei en älä no nope nej inte".split()}
# Words that ask to make a report rather than say what is wrong, folded; phrases first.
_REQUEST_PHRASES = tuple(fold(p) for p in (
    "i want to report", "i would like to report", "i'd like to report", "i want to make a report",
    "haluan ilmoittaa", "haluaisin ilmoittaa", "haluan tehdä ilmoituksen", "haluaisin tehdä ilmoituksen",
    "jag vill anmäla", "jag skulle vilja anmäla", "jag vill göra en anmälan",
))
_REQUEST_WORDS = {fold(w) for w in (
    "report ilmoitus ilmoituksen ilmoittaa ilmoitan ilmoittaisin anmäla anmälan anmäler hei moi hej hi hello "
    "please a an the about of on at in i want would like make to haluan haluaisin tehdä tekisin vill jag "
    "skulle vilja göra en ett om"
).split()}
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE_RE = re.compile(r"^\+?[\d\s\-()]{6,20}$")
_NUMBER_RE = re.compile(r"(?:#|\bnro\.?\s*|\bnr\.?\s*|\bno\.?\s*)?(?<![\d.,:/])(\d{4,7})(?![\d.,:/])", re.IGNORECASE)
_SKIP_WORDS = {
    fold(w)
    for w in (
        "ohita skip hoppa över hoppa over ei no nej en halua ei kiitos no thanks nej tack - en ole "
        "pass none ingen inget ei ole ei mitään nothing"
    ).split()
}
_SKIP_PHRASES = {fold(p) for p in ("ohita", "en halua", "ei kiitos", "no thanks", "nej tack", "hoppa över", "ei tarvitse", "behövs inte", "not needed", "skip it", "ei ole", "ei mitään")}


def parse_report_number(text: str) -> int | None:
    """A report number in a message ("status of my report 1234", "ilmoitus #1042"): residents were
    given numbers before references (``names.parse_public_ref``); answered only to the reporter."""
    match = _NUMBER_RE.search(text or "")
    if not match:
        return None
    number = int(match.group(1))
    return number if number > REPORT_NUMBER_OFFSET else None


def is_skip(text: str | None, intent: str | None = None) -> bool:
    """The resident declines to give an optional detail ("ohita", "no", the Skip button)."""
    if intent in {"deny"}:
        return True
    folded = fold(text or "").strip(" .!")
    return folded in _SKIP_WORDS or folded in _SKIP_PHRASES or folded in {"/deny", "/skip"}


def normalise_contact(text: str) -> str | None:
    """An e-mail address or phone number from what the resident typed, or None if it is neither."""
    value = (text or "").strip().strip(".,;")
    if _EMAIL_RE.match(value) and len(value) <= MAX_CONTACT:
        return value
    if _PHONE_RE.match(value) and sum(c.isdigit() for c in value) >= 6:
        return re.sub(r"\s+", " ", value)
    return None


def prefill(kb: KnowledgeBase, text: str, lang: str) -> dict[str, str | None]:
    """Location and description already given in the resident's first message."""
    location = None
    street = kb.best_name(text, ["street"], lang)
    if street:
        location = street.text
    else:
        location = guess_street(text)
    # the resident's words go to the city; a signature's name is not needed there (the contact is asked)
    description = clean_text(strip_signature_names(text), 1000) if says_what_is_wrong(text, location) else None
    return {"report_location": location, "report_description": description}


def says_what_is_wrong(text: str, location: str | None = None) -> bool:
    """Whether a first message says more than "I want to report graffiti": what is left after the
    request words and the place is at least two words ("Katuvalo on rikki kotini edessä",
    "katuvalo ei pala"); a bare topic ("graffiti", "kuoppa") is asked about."""
    folded = " " + fold(text or "") + " "
    for phrase in _REQUEST_PHRASES:
        folded = folded.replace(f" {phrase} ", " ")
    place = {fold(w) for w in words(location or "")}
    rest = [w for w in words(folded) if w not in _REQUEST_WORDS and not any(w.startswith(p) for p in place if len(p) >= 4)]
    return len(rest) >= 2


def check_location(text: str | None) -> str | None:
    value = clean_text(text, 300)
    return value if len(value) >= 3 and not value.startswith("/") else None


# Validation runs on slots the form has not asked yet (Rasa hands the form's validation the slots
# the report's start cleared, with the value None): None is "not answered", never an answer.


def check_description(text: str | None, intent: str | None) -> str | None:
    """The description, SKIPPED, or None when nothing was answered yet."""
    if text is None:
        return None
    if is_skip(text, intent):
        return SKIPPED
    return clean_text(text, 4000) or SKIPPED


def wants_reply(text: str | None, intent: str | None) -> bool:
    """"kyllä" / "yes" / "ja" to "do you want a reply?": yes, and the address is still to come."""
    if intent == "affirm":
        return True
    folded = fold(text or "").strip(" .!")
    return bool(folded) and (folded in _YES or folded.split(" ")[0] in _YES) and normalise_contact(text or "") is None


def check_contact(text: str | None, intent: str | None) -> str | None:
    """The contact or SKIPPED; None when nothing usable was answered (not yet asked, "yes" without
    the address, or neither an e-mail address nor a phone number: ``is_invalid_contact``)."""
    if text is None or wants_reply(text, intent):
        return None
    if is_skip(text, intent):
        return SKIPPED
    return normalise_contact(text)


def is_invalid_contact(text: str | None, intent: str | None) -> bool:
    """The resident typed something as the contact that is neither usable nor a yes or a skip."""
    return text is not None and check_contact(text, intent) is None and not wants_reply(text, intent)


def check_confirm(text: str | None, intent: str | None) -> str | None:
    if intent == "affirm":
        return "yes"
    if intent in {"deny", "cancel"}:
        return "no"
    folded = fold(text or "").strip(" .!")
    first = folded.split(" ")[0] if folded else ""
    if folded in _YES or first in _YES:
        return "yes"
    if folded in _NO or first in _NO:
        return "no"
    return None


def step_topic(category: str, step: str) -> str:
    return f"{category}.report.{step}"


def ask(kb: KnowledgeBase, category: str, slot: str, lang: str, previous_answer: str | None = None,
        previous_intent: str | None = None) -> Reply:
    """The question for a slot; after a "yes" to the contact question, only the address is asked."""
    step = {"report_location": "ask_location", "report_description": "ask_description",
            "report_contact": "ask_contact"}[slot]
    if slot == "report_contact" and previous_answer is not None and wants_reply(previous_answer, previous_intent):
        step = "ask_contact_address"
    buttons = []
    if slot in {"report_description", "report_contact"}:
        buttons.append({"title": kb.label("button.skip", lang), "payload": "/deny"})
    buttons.append({"title": kb.label("button.cancel", lang), "payload": "/cancel"})
    return Reply(kb.answer(f"maintenance.report.{step}", lang), step_topic(category, step), buttons)


def confirm(kb: KnowledgeBase, category: str, location: str, description: str | None, contact: str | None, lang: str,
            photo: bool = False) -> Reply:
    """The summary before sending; a photo the resident added is noted after the description."""
    skipped = kb.label("skipped", lang)
    described = description if description and description != SKIPPED else skipped
    if photo:
        described = f"{described} {kb.label('report.with_photo', lang)}"
    text = kb.answer(
        "maintenance.report.confirm", lang,
        category=kb.label(f"topic.{category}", lang, category),
        location=location,
        description=described,
        contact=contact if contact and contact != SKIPPED else skipped,
    )
    return Reply(text, step_topic(category, "confirm"), [
        {"title": kb.label("button.yes", lang), "payload": "/affirm"},
        {"title": kb.label("button.no", lang), "payload": "/deny"},
    ])


def status_reply(kb: KnowledgeBase, report: ReportView | None, asked: str, lang: str, own: bool) -> Reply:
    """The status answer. The place and the city's notes only in the reporter's own conversation
    (``own``); to anyone else who has the reference, the state alone."""
    topic = "maintenance.report_status"
    if report is None:
        return Reply(kb.answer(f"{topic}.not_found", lang, report_id=asked), f"{topic}.not_found")
    shown = report.public_ref or str(report.number)
    if not own:
        label = "report_status.held" if report.held else f"report_status.{report.status}"
        text = kb.answer(
            f"{topic}.state", lang, report_id=shown, status=kb.label(label, lang, report.status),
            updated=format_date(report.updated_at, lang),
        )
        return Reply(text, f"{topic}.state")
    if report.held:
        # The truth: we have it, the city's system does not (or we cannot tell); never "received".
        which = "retrying" if report.delivery in ("pending", "sending") else "held"
        text = kb.answer(
            f"{topic}.{which}", lang, report_id=shown,
            category=kb.label(f"topic.{report.category}", lang, report.category), location=report.location,
        )
        return Reply(text, f"{topic}.{which}")
    text = kb.answer(
        f"{topic}.found", lang, report_id=shown,
        category=kb.label(f"topic.{report.category}", lang, report.category),
        location=report.location,
        status=kb.label(f"report_status.{report.status}", lang, report.status),
        updated=format_date(report.updated_at, lang), notes=report.status_notes or "",
    )
    return Reply(text, f"{topic}.found")
