"""Fault reports: the report form, filing the report, and asking a report's status."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    blocking,
    language_events,
    latest_intent,
    latest_text,
    resolve_language,
    send,
    services,
)
from citizenbot.places import point_of
from citizenbot.replies import Reply, faq
from citizenbot.reports import flow, outbox
from citizenbot.reports.flow import parse_report_number
from citizenbot.reports.names import parse_public_ref

logger = logging.getLogger(__name__)
REPORT_SLOTS = ("report_category", "report_location", "report_description", "report_contact", "report_confirm")
_deliveries: set[asyncio.Task] = set()


def _reset() -> list[dict]:
    return [SlotSet(slot, None) for slot in REPORT_SLOTS]


class ActionStartReport(Action):
    """Opens a report: says what happens next and keeps what the first message already told."""

    def name(self) -> str:
        return "action_start_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = services().kb
        lang = resolve_language(tracker)
        category = latest_intent(tracker)
        if category not in flow.REPORT_TOPICS:
            category = "maintenance.feedback_channels"
        send(dispatcher, await blocking(faq, kb, category, lang), lang)
        filled = await blocking(flow.prefill, kb, latest_text(tracker), lang)
        await blocking(services().reports.hold_draft, tracker.sender_id, new=True,
                       location=filled["report_location"], description=filled["report_description"], contact=None)
        await blocking(services().photos.drop_held, tracker.sender_id)  # one left from an unfinished report
        return language_events(tracker, lang) + _reset() + [
            SlotSet("report_category", category),
            SlotSet("report_location", filled["report_location"]),
            SlotSet("report_description", filled["report_description"]),
            SlotSet("failures", 0.0),
        ]


async def _hold(tracker: Tracker, field: str, value: str | None) -> None:
    """An accepted answer kept in the resident's own words with the report's draft (the stored
    conversation keeps it redacted). A skipped detail is kept as none."""
    if value is not None:
        await blocking(services().reports.hold_draft, tracker.sender_id, **{field: None if value == flow.SKIPPED else value})


async def _answers(tracker: Tracker) -> dict[str, str | None]:
    """The report's place, description and contact as the resident wrote them: from the draft, or
    from the slots for a form started before drafts existed. None: not given."""
    draft = await blocking(services().reports.draft, tracker.sender_id)
    if draft is not None:
        return draft
    values = {f: tracker.get_slot(f"report_{f}") for f in ("location", "description", "contact")}
    return {k: None if v in (None, flow.SKIPPED) else v for k, v in values.items()}


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    async def validate_report_location(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        location = flow.check_location(value if isinstance(value, str) else None)
        await _hold(tracker, "location", location)
        return {"report_location": location}

    async def validate_report_description(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        description = flow.check_description(value if isinstance(value, str) else None, latest_intent(tracker))
        await _hold(tracker, "description", description)
        return {"report_description": description}

    async def validate_report_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = value if isinstance(value, str) else None
        contact = flow.check_contact(text, latest_intent(tracker))
        if flow.is_invalid_contact(text, latest_intent(tracker)):  # never about something not typed
            lang = resolve_language(tracker)
            category = tracker.get_slot("report_category") or "maintenance"
            text = await blocking(services().kb.answer, "maintenance.report.invalid_contact", lang)
            send(dispatcher, Reply(text, flow.step_topic(category, "invalid_contact")), lang)
        await _hold(tracker, "contact", contact)
        return {"report_contact": contact}

    async def validate_report_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return {"report_confirm": flow.check_confirm(value if isinstance(value, str) else None, latest_intent(tracker))}


class _AskReport:
    """Asks for one slot of the report form (a mixin: only the concrete classes are actions)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = services().kb
        lang = resolve_language(tracker)
        category = tracker.get_slot("report_category") or "maintenance.feedback_channels"
        answer, intent = latest_text(tracker), latest_intent(tracker)
        if tracker.get_slot("requested_slot") != self.slot:  # asked for the first time
            answer = intent = None
        send(dispatcher, await blocking(flow.ask, kb, category, self.slot, lang, answer, intent), lang)
        return language_events(tracker, lang)


class ActionAskReportLocation(_AskReport, Action):
    slot = "report_location"


class ActionAskReportDescription(_AskReport, Action):
    slot = "report_description"


class ActionAskReportContact(_AskReport, Action):
    slot = "report_contact"


class ActionAskReportConfirm(Action):
    def name(self) -> str:
        return "action_ask_report_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = services().kb
        lang = resolve_language(tracker)
        answers = await _answers(tracker)
        photo = await blocking(services().photos.held, tracker.sender_id)
        reply = await blocking(
            flow.confirm, kb, tracker.get_slot("report_category") or "maintenance.feedback_channels",
            answers["location"] or "", answers["description"], answers["contact"], lang, photo,
        )
        send(dispatcher, reply, lang)
        return language_events(tracker, lang)


class ActionSubmitReport(Action):
    """Stores the confirmed report, gives its public reference, and starts delivery to the city."""

    def name(self) -> str:
        return "action_submit_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        svc = services()
        lang = resolve_language(tracker)
        category = tracker.get_slot("report_category") or "maintenance.feedback_channels"
        if tracker.get_slot("report_confirm") != "yes":
            await blocking(svc.reports.drop_draft, tracker.sender_id)
            await blocking(svc.photos.drop_held, tracker.sender_id)
            text = await blocking(svc.kb.answer, "maintenance.report.cancelled", lang)
            send(dispatcher, Reply(text, flow.step_topic(category, "cancelled")), lang)
            return language_events(tracker, lang) + _reset()
        answers = await _answers(tracker)
        config = svc.open311
        point = await blocking(point_of, svc.kb, answers["location"], lang)
        number = await blocking(
            svc.reports.create, category=category, location=answers["location"] or "",
            description=answers["description"], contact=answers["contact"], lang=lang,
            conversation_id=tracker.sender_id, deliver=config.enabled, with_photo=True, point=point,
        )
        await blocking(svc.reports.drop_draft, tracker.sender_id)
        filed = await blocking(svc.reports.get, number)
        text = await blocking(svc.kb.answer, "maintenance.report.submitted", lang, report_id=filed.public_ref)
        send(dispatcher, Reply(text, flow.step_topic(category, "submitted")), lang)
        if config.enabled:
            label = await blocking(svc.kb.label, f"topic.{category}", "fi", category)
            task = asyncio.create_task(outbox.deliver(svc.reports, config, number, label))
            _deliveries.add(task)  # keep a reference until done; the outbox retries failures
            task.add_done_callback(_deliveries.discard)
        return language_events(tracker, lang) + _reset()


class ActionReportCancelled(Action):
    def name(self) -> str:
        return "action_report_cancelled"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        lang = resolve_language(tracker)
        category = tracker.get_slot("report_category") or "maintenance.feedback_channels"
        await blocking(services().reports.drop_draft, tracker.sender_id)
        await blocking(services().photos.drop_held, tracker.sender_id)
        text = await blocking(services().kb.answer, "maintenance.report.cancelled", lang)
        send(dispatcher, Reply(text, flow.step_topic(category, "cancelled")), lang)
        return language_events(tracker, lang) + _reset()


class ActionReportStatus(Action):
    """"What happened to report 7K3M-Q9PX?": the stored status, refreshed from the city when
    possible. The place and notes only to the reporter's own conversation; a number (given to
    residents before references) is answered only there."""

    def name(self) -> str:
        return "action_report_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        svc = services()
        lang = resolve_language(tracker)
        text = latest_text(tracker)
        public_ref = parse_public_ref(text)
        number = None if public_ref else parse_report_number(text)
        if public_ref is None and number is None:
            text = await blocking(svc.kb.answer, "maintenance.report_status.ask_id", lang)
            send(dispatcher, Reply(text, "maintenance.report_status.ask_id"), lang)
            return language_events(tracker, lang)
        report = await blocking(svc.reports.get_by_ref, public_ref) if public_ref else await blocking(svc.reports.get, number)
        own = report is not None and report.conversation_id == tracker.sender_id
        if report is not None and public_ref is None and not own:
            report = None  # a guessed number: not even whether it exists
        if report is not None:
            try:
                await asyncio.wait_for(outbox.refresh_status(svc.reports, svc.open311, report.number), svc.open311.timeout + 1)
            except asyncio.TimeoutError:
                logger.info("status refresh of report %s timed out; answering from the store", report.number)
            report = await blocking(svc.reports.get, report.number)
        asked = public_ref or str(number)
        send(dispatcher, await blocking(flow.status_reply, svc.kb, report, asked, lang, own), lang)
        return language_events(tracker, lang)
