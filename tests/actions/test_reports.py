"""The fault-report actions: start, form questions and validation, filing, status."""

from actions.reports import (
    ActionAskReportConfirm,
    ActionAskReportContact,
    ActionAskReportLocation,
    ActionReportStatus,
    ActionStartReport,
    ActionSubmitReport,
    ValidateReportForm,
)
from citizenbot.reports import flow
from citizenbot.reports.names import parse_public_ref

from ..conftest import make_tracker, run_action, slot_events, tag


def test_start_keeps_what_the_first_message_told(services):
    text = "talon edessä Sammonkadulla 45 oleva katulamppu on ollut pimeänä jo viikon"
    messages, events = run_action(ActionStartReport(), make_tracker(text, "maintenance.street_light"))
    assert tag(messages[0]) == {"topic": "maintenance.street_light", "lang": "fi"}
    slots = slot_events(events)
    assert slots["report_category"] == "maintenance.street_light"
    assert slots["report_location"] == "Sammonkatu 45"
    assert slots["report_description"] == text
    assert slots["report_contact"] is None and slots["report_confirm"] is None


def test_ask_location_in_the_conversation_language(services):
    tracker = make_tracker("?", "nlu_fallback", slots={"lang": "en", "report_category": "maintenance.pothole"})
    messages, _ = run_action(ActionAskReportLocation(), tracker)
    assert tag(messages[0]) == {"topic": "maintenance.pothole.report.ask_location", "lang": "en"}


def validate(slots: dict, text: str, intent: str | None = None, requested: str = "report_contact"):
    tracker = make_tracker(text, intent, slots={"lang": "fi", "report_category": "maintenance.pothole",
                                                "requested_slot": requested, **slots},
                           active_loop="report_form")
    tracker.slots[requested] = text  # what the from_text mapping extracted, as Rasa sends it:
    tracker.events.append({"event": "slot", "name": requested, "value": text})
    domain = {"forms": {"report_form": {"required_slots": ["report_location", "report_description", "report_contact", "report_confirm"]}},
              "slots": {}}
    return run_action(ValidateReportForm(), tracker, domain)


def test_an_invalid_contact_is_asked_again(services):
    messages, events = validate({}, "Hämeenkatu", requested="report_contact")
    assert messages[0]["custom"]["topic"] == "maintenance.pothole.report.invalid_contact"
    assert slot_events(events)["report_contact"] is None


def test_a_skipped_contact_is_accepted(services):
    messages, events = validate({}, "/deny", "deny", requested="report_contact")
    assert messages == []
    assert slot_events(events)["report_contact"] == flow.SKIPPED


def test_confirm_summary(services):
    tracker = make_tracker("-", None, slots={"lang": "sv", "report_category": "maintenance.pothole",
                                              "report_location": "Hämeenkatu 5", "report_description": flow.SKIPPED,
                                              "report_contact": "anna@example.com"})
    messages, _ = run_action(ActionAskReportConfirm(), tracker)
    assert tag(messages[0]) == {"topic": "maintenance.pothole.report.confirm", "lang": "sv"}
    assert "anna@example.com" in messages[0]["text"]


def filled(confirm: str) -> dict:
    return {"lang": "fi", "report_category": "maintenance.pothole", "report_location": "Hämeenkatu 5",
            "report_description": "Syvä kuoppa", "report_contact": flow.SKIPPED, "report_confirm": confirm}


def test_submit_stores_the_report_and_gives_its_reference(services):
    messages, events = run_action(ActionSubmitReport(), make_tracker("kyllä", "affirm", slots=filled("yes")))
    assert tag(messages[0]) == {"topic": "maintenance.pothole.report.submitted", "lang": "fi"}
    public_ref = parse_public_ref(messages[0]["text"])
    report = services.reports.get_by_ref(public_ref)
    assert report.location == "Hämeenkatu 5" and report.category == "maintenance.pothole"
    assert str(report.number) not in messages[0]["text"]  # the sequential number is for staff
    assert services.reports.get_row(report.number)["contact"] is None
    assert services.reports.get_row(report.number)["conversation_id"] == "test-resident"
    assert all(value is None for name, value in slot_events(events).items() if name.startswith("report_"))


def test_no_at_the_confirmation_files_nothing(services):
    messages, _ = run_action(ActionSubmitReport(), make_tracker("ei", "deny", slots=filled("no")))
    assert messages[0]["custom"]["topic"] == "maintenance.pothole.report.cancelled"
    assert services.reports.due() == [] and services.reports.get(1001) is None


def test_a_photo_is_noted_in_the_summary_filed_with_the_report_and_dropped_by_a_new_report(services):
    from citizenbot.reports.photos import reencode

    from ..reports.test_photos import png_with_text

    services.reports.hold_draft("test-resident", new=True, location="Hämeenkatu 5", description="Syvä kuoppa")
    services.photos.hold("test-resident", reencode(png_with_text()))
    messages, _ = run_action(ActionAskReportConfirm(), make_tracker("-", None, slots=filled(None)))
    assert "Kuvaus: Syvä kuoppa (+ kuva)" in messages[0]["text"]
    messages, _ = run_action(ActionSubmitReport(), make_tracker("kyllä", "affirm", slots=filled("yes")))
    report = services.reports.get_by_ref(parse_public_ref(messages[0]["text"]))
    assert services.photos.token_of(report.number) is not None and not services.photos.held("test-resident")
    # a photo left with a report that was never sent does not join the next one
    services.reports.hold_draft("test-resident", new=True, location="Hämeenkatu 5")
    services.photos.hold("test-resident", reencode(png_with_text()))
    run_action(ActionStartReport(), make_tracker("Hämeenkadulla on kuoppa", "maintenance.pothole"))
    assert not services.photos.held("test-resident")
    messages, _ = run_action(ActionAskReportConfirm(), make_tracker("-", None, slots=filled(None)))
    assert "(+ kuva)" not in messages[0]["text"]


def file_report(services, conversation_id: str = "test-resident", deliver: bool = False):
    number = services.reports.create(category="maintenance.street_light", location="Teiskontie 3", description=None,
                                     contact="anna@example.com", lang="fi", conversation_id=conversation_id,
                                     deliver=deliver)
    return number, services.reports.get(number).public_ref


def test_status_of_a_report_in_the_reporters_own_conversation(services):
    number, public_ref = file_report(services)
    for asked in (public_ref, public_ref.lower().replace("-", " "), str(number)):
        messages, _ = run_action(ActionReportStatus(), make_tracker(f"what is the status of report {asked}?", "maintenance.report_status"))
        assert tag(messages[0]) == {"topic": "maintenance.report_status.found", "lang": "en"}
        assert "Teiskontie 3" in messages[0]["text"] and "anna@example.com" not in messages[0]["text"]
        assert public_ref in messages[0]["text"]
        assert services.kb.label("report_status.received", "en") in messages[0]["text"]


def test_anyone_else_with_the_reference_hears_only_the_state(services):
    number, public_ref = file_report(services, conversation_id="the-reporter")
    messages, _ = run_action(ActionReportStatus(), make_tracker(f"ilmoituksen {public_ref} tila", "maintenance.report_status",
                                                                sender_id="someone-else"))
    assert tag(messages[0]) == {"topic": "maintenance.report_status.state", "lang": "fi"}
    text = messages[0]["text"]
    assert "Teiskontie" not in text and services.kb.label("topic.maintenance.street_light", "fi") not in text
    assert services.kb.label("report_status.received", "fi") in text and public_ref in text
    # a number is guessable: to anyone else it is as if no report had it
    messages, _ = run_action(ActionReportStatus(), make_tracker(f"ilmoituksen {number} tila", "maintenance.report_status",
                                                                sender_id="someone-else"))
    assert messages[0]["custom"]["topic"] == "maintenance.report_status.not_found"
    assert "Teiskontie" not in messages[0]["text"]


def test_status_of_an_unknown_report_and_without_a_number(services):
    messages, _ = run_action(ActionReportStatus(), make_tracker("mikä on ilmoituksen 5555 tilanne", "maintenance.report_status"))
    assert messages[0]["custom"]["topic"] == "maintenance.report_status.not_found"
    assert "5555" in messages[0]["text"]
    messages, _ = run_action(ActionReportStatus(), make_tracker("ilmoitus 7K3M-Q9PX?", "maintenance.report_status"))
    assert messages[0]["custom"]["topic"] == "maintenance.report_status.not_found"
    assert "7K3M-Q9PX" in messages[0]["text"]
    messages, _ = run_action(ActionReportStatus(), make_tracker("mitä mun ilmoitukselle kuuluu", "maintenance.report_status"))
    assert messages[0]["custom"]["topic"] == "maintenance.report_status.ask_id"


def test_a_report_not_yet_at_the_city_is_never_shown_as_received(services):
    """A refused, unclear or retried report: we have it, could not pass it on; kept; staff or retries."""
    store = services.reports

    descriptions = iter(("lamppu 1", "lamppu 2", "lamppu 3", "lamppu 4"))

    def filed() -> int:  # four reports of the resident's own (different, so not one report sent again)
        return store.create(category="maintenance.street_light", location="Teiskontie 3", description=next(descriptions),
                            contact=None, lang="fi", conversation_id="test-resident", deliver=True)

    failed, uncertain, retrying, fresh = filed(), filed(), filed(), filed()
    store.mark_failed(failed, "HTTP 400 Bad Request: Unknown service_code", retryable=False)
    store.mark_uncertain(uncertain, "No clear answer from the city")
    store.mark_failed(retrying, "HTTP 503 Service Unavailable", retryable=True)
    cases = [(failed, "held"), (uncertain, "held"), (retrying, "retrying")]
    for lang, question in (("fi", "mikä on ilmoituksen {} tilanne"), ("sv", "vad är status för anmälan {}"),
                           ("en", "what is the status of report {}")):
        for number, which in cases:
            public_ref = store.get(number).public_ref
            tracker = make_tracker(question.format(public_ref), "maintenance.report_status", slots={"lang": lang})
            messages, _ = run_action(ActionReportStatus(), tracker)
            assert tag(messages[0]) == {"topic": f"maintenance.report_status.{which}", "lang": lang}
            text = messages[0]["text"]
            assert public_ref in text and "Teiskontie 3" in text
            assert text == services.kb.answer(
                f"maintenance.report_status.{which}", lang, report_id=public_ref, location="Teiskontie 3",
                category=services.kb.label("topic.maintenance.street_light", lang))
            assert services.kb.label("report_status.received", lang) not in text
            assert "HTTP" not in text  # the city's technical reason is for staff
            # to someone else: held, never received, and not where
            tracker = make_tracker(question.format(public_ref), "maintenance.report_status", slots={"lang": lang},
                                   sender_id="someone-else")
            messages, _ = run_action(ActionReportStatus(), tracker)
            assert services.kb.label("report_status.held", lang) in messages[0]["text"]
            assert "Teiskontie" not in messages[0]["text"]
    messages, _ = run_action(ActionReportStatus(), make_tracker(f"status of report {store.get(fresh).public_ref}", "maintenance.report_status"))
    assert tag(messages[0])["topic"] == "maintenance.report_status.found"  # just filed: not yet tried


def test_the_forms_first_validation_asks_nothing_and_skips_nothing(services):
    """Rasa validates the slots the report's start cleared (None) before the first question: no
    "invalid contact" message, and the description stays to be asked (never "(not given)")."""
    tracker = make_tracker("I want to report graffiti", "maintenance.graffiti", slots={"lang": "en"})
    cleared = ("report_location", "report_description", "report_contact", "report_confirm")
    tracker.events.extend({"event": "slot", "name": name, "value": None} for name in cleared)
    domain = {"forms": {"report_form": {"required_slots": list(cleared)}}, "slots": {}}
    messages, events = run_action(ValidateReportForm(), tracker, domain)
    assert messages == []
    assert {name: slot_events(events).get(name) for name in cleared} == dict.fromkeys(cleared)


def test_yes_to_the_contact_question_asks_for_the_address(services):
    messages, events = validate({}, "kyllä", "affirm", requested="report_contact")
    assert messages == [] and slot_events(events)["report_contact"] is None
    tracker = make_tracker("kyllä", "affirm", slots={"lang": "fi", "report_category": "maintenance.graffiti",
                                                     "requested_slot": "report_contact"})
    messages, _ = run_action(ActionAskReportContact(), tracker)
    assert tag(messages[0]) == {"topic": "maintenance.graffiti.report.ask_contact_address", "lang": "fi"}
    # asked for the first time, after the description: the whole question
    tracker = make_tracker("seinässä on tägejä", None, slots={"lang": "fi", "report_category": "maintenance.graffiti",
                                                              "requested_slot": "report_description"})
    messages, _ = run_action(ActionAskReportContact(), tracker)
    assert tag(messages[0])["topic"] == "maintenance.graffiti.report.ask_contact"


def test_the_form_files_the_residents_own_words_while_the_stored_conversation_keeps_them_redacted(services):
    """Turn by turn as Rasa runs it: the tracker is read from the tracker store, the actions run on
    it in memory, and it is saved (redacted) before the next message."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, Event, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from sqlalchemy import text as sql

    from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore

    from ..conftest import ROOT

    domain = Domain.load(str(ROOT / "domain.yml"))
    store = DatabaseUrlTrackerStore(domain=domain, host=str(services.database.engine.url))
    form = ValidateReportForm()
    shown: list[dict] = []

    def turn(said: str, intent: str, *steps) -> DialogueStateTracker:
        core = asyncio.run(store.retrieve("r1")) or DialogueStateTracker("r1", domain.slots)
        core.update(UserUttered(said, {"name": intent, "confidence": 0.9}))
        for step in steps:
            dispatcher = CollectingDispatcher()
            sdk = Tracker.from_dict(core.current_state(EventVerbosity.ALL))
            events = asyncio.run(step(sdk, dispatcher))
            for event in events:
                core.update(Event.from_parameters(event))
            for message in dispatcher.messages:
                core.update(BotUttered(message.get("text"), {"custom": message.get("custom")}))
            shown.extend(dispatcher.messages)
        asyncio.run(store.save(core))
        return core

    def validate(slot: str):
        async def step(sdk, dispatcher):
            value = await getattr(form, f"validate_{slot}")(sdk.latest_message["text"], dispatcher, sdk, {})
            return [{"event": "slot", "name": k, "value": v} for k, v in value.items()]
        return step

    def action(cls):
        return lambda sdk, dispatcher: cls().run(dispatcher, sdk, {})

    turn("katuvalo on rikki", "maintenance.street_light", action(ActionStartReport))
    turn("Teiskontie 12", "nlu_fallback", validate("report_location"))
    turn("ohita", "deny", validate("report_description"))
    turn("anna.virtanen@example.fi", "nlu_fallback", validate("report_contact"), action(ActionAskReportConfirm))
    assert "anna.virtanen@example.fi" in shown[-1]["text"]  # the resident sees what will be sent
    reloaded = asyncio.run(store.retrieve("r1"))
    assert reloaded.get_slot("report_contact") == "<EMAIL>" and reloaded.get_slot("report_location") == "<ADDRESS>"
    turn("kyllä", "affirm", validate("report_confirm"), action(ActionSubmitReport))

    public_ref = parse_public_ref(shown[-1]["text"])
    report = services.reports.get_by_ref(public_ref)
    row = services.reports.get_row(report.number)
    assert (row["location"], row["contact"], row["description"]) == ("Teiskontie 12", "anna.virtanen@example.fi", None)
    assert services.reports.draft("r1") is None  # taken by the report
    with services.database.engine.connect() as connection:
        stored = " ".join(connection.execute(sql("SELECT data FROM events WHERE sender_id = 'r1'")).scalars())
    assert "<EMAIL>" in stored and "<ADDRESS>" in stored
    assert "anna.virtanen" not in stored and "Teiskontie 12" not in stored
    store.engine.dispose()


def test_a_cancelled_report_leaves_no_draft(services):
    run_action(ActionStartReport(), make_tracker("katuvalo on rikki Teiskontie 12", "maintenance.street_light",
                                                 sender_id="r2"))
    assert services.reports.draft("r2")["location"] == "Teiskontie 12"
    run_action(ActionSubmitReport(), make_tracker("ei", "deny", slots=filled("no"), sender_id="r2"))
    assert services.reports.draft("r2") is None
