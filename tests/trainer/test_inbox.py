"""The review inbox: collection from the tracker store and the votes, redaction, grouping, export,
import into valid Rasa training data, and the JSON functions of the console page."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from citizenbot.cli import main
from citizenbot.feedback import FeedbackStore, Vote
from citizenbot.settings import served_languages
from citizenbot.store.db import get_database
from citizenbot.trainer import inbox, review
from citizenbot.trainer.check import run_check
from citizenbot.trainer.scaffold import validate_nlu_file

CLOCK = [1_790_000_000.0]


def tick() -> float:
    CLOCK[0] += 1
    return CLOCK[0]


def user(text: str, intent: str, confidence: float, lang: str | None = "fi", ranking=None, page_lang: str | None = None):
    ranking = ranking or [{"name": intent, "confidence": confidence}]
    parse = {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking, "entities": [],
             "text": text, "language": {"lang": lang, "confidence": 0.99 if lang else 0.0}}
    metadata = {"lang": page_lang} if page_lang else {}
    return UserUttered(text, parse_data=parse, metadata=metadata, message_id=uuid.uuid4().hex, timestamp=tick())


def bot(topic: str, lang: str, message_id: str | None = None):
    return BotUttered("...", data={"custom": {"topic": topic, "lang": lang, "id": message_id or uuid.uuid4().hex}},
                      timestamp=tick())


def fallback(text: str, lang: str, guess: str = "health.child_clinic", page_lang: str | None = None):
    ranking = [{"name": "nlu_fallback", "confidence": 0.2}, {"name": guess, "confidence": 0.15}]
    detected = None if page_lang else lang
    return [user(text, "nlu_fallback", 0.2, detected, ranking, page_lang), bot("fallback.not_understood", lang)]


def answered(text: str, topic: str, confidence: float, lang: str = "fi", message_id: str | None = None):
    return [user(text, topic, confidence, lang), ActionExecuted("action_answer", timestamp=tick()),
            bot(topic, lang, message_id)]


class Conversations:
    def __init__(self, url: str):
        from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore

        self.store = DatabaseUrlTrackerStore(host=url)
        self.events: dict[str, list] = {}

    def add(self, sender: str, *events) -> None:
        history = self.events.setdefault(sender, [SessionStarted(timestamp=tick())])
        for event in events:
            history.extend(event if isinstance(event, list) else [event])
        asyncio.run(self.store.save(DialogueStateTracker.from_events(sender, history)))


@pytest.fixture
def world(tmp_path, project):
    """A database with conversations of every kind, and a copy of the project."""
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    database = get_database(url)
    talk = Conversations(url)
    with open(project.heldout_file, encoding="utf-8") as handle:
        heldout = next(r for r in csv.DictReader(handle, delimiter="\t") if r["lang"] == "fi" and r["topics"] == "maintenance.plow_berm")

    talk.add("a", fallback("mistä haetaan päiväkotipaikkaa lapselle", "fi"))
    talk.add("a2", fallback("mistä haetaan päiväkotipaikkaa lapselle?", "fi"))  # the same question again
    talk.add("b", answered("haluan hakea lapselle päiväkotipaikkaa", "out_of_scope", 0.8))
    talk.add("c", fallback("hur ansöker jag om dagisplats för mitt barn", "sv"))
    talk.add("c2", fallback("dagisplats?", "sv", page_lang="sv"))  # too short to detect: the reply's language
    talk.add("d", answered("milloin Hämeenkatu aurataan", "maintenance.snow_plowing", 0.97, message_id="m-d"))
    talk.add("e", answered("onko uimahalli auki, soita 040 123 4567", "zoning.plots", 0.31))
    talk.add("f", answered("Teiskontiellä on kuoppa", "maintenance.pothole", 0.93),
             ActiveLoop("report_form", timestamp=tick()), fallback("Teiskontie 12 B 3", "fi"),
             ActiveLoop(None, timestamp=tick()), answered("kiitos", "meta.thanks", 0.99))
    talk.add("g", fallback("puiston penkki rikki, hetu 131052-308T", "fi", guess="maintenance.park"),
             answered("/maintenance.park", "maintenance.park", 1.0, message_id="m-g"))
    talk.add("h", fallback("how do i apply for a daycare place", "en"),)
    talk.add("h2", answered("where can i apply for daycare for my kid", "out_of_scope", 0.9, "en"))
    talk.add("i", fallback(heldout["text"], "fi", guess="maintenance.plow_berm"))
    talk.add("j", answered("kuka ajaa roska-auton", "maintenance.litter_bin", 0.42))
    talk.add("k", answered("aurausvalli pihatien suulla, kuka poistaa", "maintenance.plow_berm", 0.45))
    votes = FeedbackStore(database)
    votes.record(Vote("d", "m-d", "maintenance.snow_plowing", "fi", "down"))
    votes.record(Vote("g", "m-g", "maintenance.park", "fi", "down"))
    return database, talk, project, heldout["text"]


def rows_by_text(database) -> dict[str, object]:
    return {r.text: r for r in inbox.inbox_rows(database, status=None)}


def test_collection_keeps_what_was_not_handled_redacted(world):
    database, _talk, project, heldout = world
    result = inbox.collect(database, project.kb_dir, sample_share=0)
    rows = rows_by_text(database)
    assert set(rows) == {
        "mistä haetaan päiväkotipaikkaa lapselle", "mistä haetaan päiväkotipaikkaa lapselle?",
        "haluan hakea lapselle päiväkotipaikkaa", "hur ansöker jag om dagisplats för mitt barn", "dagisplats?",
        "milloin Hämeenkatu aurataan", "onko uimahalli auki, soita <PHONE>",
        "puiston penkki rikki, hetu <HETU>", "how do i apply for a daycare place",
        "where can i apply for daycare for my kid", heldout, "kuka ajaa roska-auton",
        "aurausvalli pihatien suulla, kuka poistaa",
    }
    # not collected: the confident answers, the button press, the address typed into the report form
    assert not any("Teiskontie" in t or t.startswith("/") or t == "kiitos" for t in rows)
    assert rows["mistä haetaan päiväkotipaikkaa lapselle"].reasons == "not_understood"
    assert rows["mistä haetaan päiväkotipaikkaa lapselle"].predicted == "health.child_clinic"  # the classifier's guess
    assert rows["haluan hakea lapselle päiväkotipaikkaa"].reasons == "out_of_scope"
    assert rows["onko uimahalli auki, soita <PHONE>"].reasons == "low_confidence"
    assert rows["milloin Hämeenkatu aurataan"].reasons == "thumbs_down"
    assert rows["puiston penkki rikki, hetu <HETU>"].reasons == "not_understood,thumbs_down"  # the question before the button
    assert rows["dagisplats?"].lang == "sv" and rows["how do i apply for a daycare place"].lang == "en"
    assert result.added == 13
    assert {r.status for r in rows.values()} == {"new"}
    assert all(len(r.conversation) == 16 and r.conversation not in "a b c d e f g h i j k" for r in rows.values())


def test_collection_is_incremental_and_idempotent(world):
    database, talk, project, _heldout = world
    inbox.collect(database, project.kb_dir, sample_share=0)
    assert inbox.collect(database, project.kb_dir, sample_share=0).added == 0
    # a conversation that was inside the report form when the last collection stopped
    talk.add("z", answered("katuvalo ei pala", "maintenance.street_light", 0.9), ActiveLoop("report_form", timestamp=tick()))
    assert inbox.collect(database, project.kb_dir, sample_share=0).added == 0
    talk.add("z", fallback("Hämeenkatu 5 kohdalla", "fi"), ActiveLoop(None, timestamp=tick()),
             fallback("mistä saa pysäköintiluvan", "fi"))
    again = inbox.collect(database, project.kb_dir, sample_share=0)
    assert again.added == 1 and "mistä saa pysäköintiluvan" in rows_by_text(database)
    # a later thumbs down on an old answer adds its reason to the message already in the inbox
    talk.add("k2", answered("Where is my nearest health centre", "health.appointment", 0.99, "en", message_id="m-k2"))
    inbox.collect(database, project.kb_dir, sample_share=0)
    FeedbackStore(database).record(Vote("k2", "m-k2", "health.appointment", "en", "down"))
    assert inbox.collect(database, project.kb_dir, sample_share=0).added == 1
    assert rows_by_text(database)["Where is my nearest health centre"].reasons == "thumbs_down"


def test_a_stored_lone_surrogate_does_not_break_collection(world):
    database, talk, project, _heldout = world
    talk.add("z", fallback("puisto \ud83d rikki", "fi"))  # stored by Rasa as the JSON escape \\ud83d
    result = inbox.collect(database, project.kb_dir, sample_share=0)
    assert result.added == 14
    assert "puisto \ufffd rikki" in rows_by_text(database)


def test_no_tracker_store_yet_is_not_an_error(tmp_path):
    database = get_database(f"sqlite:///{tmp_path / 'empty.db'}")
    assert inbox.collect(database).added == 0
    assert inbox.summary(database)["by_status"]["new"] == 0


def test_messages_are_grouped_by_language_and_similarity_with_counts(world):
    database, _talk, project, _heldout = world
    inbox.collect(database, project.kb_dir, sample_share=0)
    groups = inbox.groups(database)
    daycare_fi = next(g for g in groups if g.lang == "fi" and "päiväkotipaikkaa" in g.label)
    assert sorted(i.text for i in daycare_fi.items) == ["haluan hakea lapselle päiväkotipaikkaa",
                                                        "mistä haetaan päiväkotipaikkaa lapselle"]
    assert daycare_fi.count == 3  # the question asked twice, and a similar one
    assert daycare_fi.items[0].count == 2 and len(daycare_fi.items[0].ids) == 2
    assert groups[0] is daycare_fi  # the largest group first
    daycare_en = next(g for g in groups if g.lang == "en")
    assert daycare_en.count == 2 and len(daycare_en.items) == 2
    daycare_sv = [g for g in groups if g.lang == "sv"]
    assert sum(g.count for g in daycare_sv) == 2
    assert all(g.lang == g.items[0].lang for g in groups)
    # different questions stay apart
    assert not any(len({i.text for i in g.items} & {"kuka ajaa roska-auton", "onko uimahalli auki, soita <PHONE>"}) > 1
                   for g in groups)


def export(database) -> list[dict]:
    out = io.StringIO()
    inbox.export_tsv(database, out)
    return list(csv.DictReader(io.StringIO(out.getvalue()), delimiter="\t"))


def write_tsv(path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)


def test_export_review_import_writes_valid_rasa_training_data(world, tmp_path, capsys, monkeypatch):
    database, _talk, project, heldout = world
    monkeypatch.setenv("DATABASE_URL", database.url)
    inbox.collect(database, project.kb_dir, sample_share=0)
    rows = export(database)
    assert list(rows[0]) == list(inbox.TSV_COLUMNS)
    assert rows[0]["group_count"] == "3" and rows[0]["count"] == "2"

    def decide(text: str, action: str, topic: str = "", example: str = "") -> None:
        row = next(r for r in rows if r["text"] == text)
        row.update(action=action, topic=topic, example=example)

    decide("mistä haetaan päiväkotipaikkaa lapselle", "new_topic", "education.daycare")
    decide("haluan hakea lapselle päiväkotipaikkaa", "new_topic", "education.daycare")
    decide("how do i apply for a daycare place", "new_topic", "education.daycare")
    decide("onko uimahalli auki, soita <PHONE>", "out_of_scope")
    decide("puiston penkki rikki, hetu <HETU>", "assign", "maintenance.park", "puiston penkki on rikki Kalevassa")
    decide("aurausvalli pihatien suulla, kuka poistaa", "", "maintenance.plow_berm")  # a topic alone means assign
    decide("kuka ajaa roska-auton", "ignore")
    decide("milloin Hämeenkatu aurataan", "assign", "maintenance.snow_plowing")  # already an example
    decide(heldout, "assign", "maintenance.plow_berm")  # an evaluation question: never training data
    decide("where can i apply for daycare for my kid", "assign", "no.such_topic")
    tsv = tmp_path / "inbox.tsv"
    write_tsv(tsv, rows)

    code = main(["inbox", "import", str(tsv), "--reviewer", "anna", "--project", str(project.root)])
    out, err = capsys.readouterr()
    assert code == 1  # one row could not be applied, and says why
    assert "unknown topic 'no.such_topic'" in err
    assert "wrote [fi] out_of_scope: 'onko uimahalli auki, soita 040 123 4567'" in out or \
        "wrote [fi] out_of_scope: 'onko uimahalli auki, soita 050 765 4321'" in out

    examples = {(e.intent, e.lang, e.text) for e in project.examples()}
    assert ("maintenance.park", "fi", "puiston penkki on rikki Kalevassa") in examples
    assert ("maintenance.plow_berm", "fi", "aurausvalli pihatien suulla, kuka poistaa") in examples
    assert not any("<" in text for _i, _l, text in examples)  # no placeholder reaches the model
    assert not any(text == heldout for _i, _l, text in examples)
    for lang in ("fi",):
        for path in project.nlu_files(lang):
            validate_nlu_file(path)  # Rasa's own reader and schema
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    park_file = next(p for p in project.nlu_files("fi") if "- intent: maintenance.park\n" in p.read_text(encoding="utf-8"))
    data = RasaYAMLReader().read(str(park_file))
    assert "puiston penkki on rikki Kalevassa" in {m.get("text") for m in data.intent_examples
                                                  if m.get("intent") == "maintenance.park"}
    assert run_check(project).ok  # nothing duplicated, nothing leaked

    draft = yaml.safe_load((project.state_dir / "new_topics" / "education.daycare.yml").read_text(encoding="utf-8"))
    assert draft["id"] == "education.daycare"
    assert draft["examples"]["fi"] == ["mistä haetaan päiväkotipaikkaa lapselle", "haluan hakea lapselle päiväkotipaikkaa"]
    assert draft["about"] == "" and set(draft["answer"]) == {"fi", "sv", "en"}  # for the trainer to complete
    assert draft["examples"]["en"] == ["how do i apply for a daycare place"]

    status = {r.text: (r.status, r.topic, r.reviewed_by) for r in inbox.inbox_rows(database, status=None)}
    assert status["kuka ajaa roska-auton"] == ("ignored", None, "anna")
    assert status["onko uimahalli auki, soita <PHONE>"][:2] == ("out_of_scope", "out_of_scope")
    assert status["milloin Hämeenkatu aurataan"][:2] == ("assigned", "maintenance.snow_plowing")
    assert status[heldout][:2] == ("assigned", "maintenance.plow_berm")
    assert status["mistä haetaan päiväkotipaikkaa lapselle?"][:2] == ("new_topic", "education.daycare")  # the duplicate too
    assert status["where can i apply for daycare for my kid"][0] == "new"  # the bad row stays in the inbox
    assert {r["text"] for r in export(database)} == {"where can i apply for daycare for my kid",
                                                     "hur ansöker jag om dagisplats för mitt barn", "dagisplats?"}

    # importing the same file again changes nothing
    before = {p: p.read_text(encoding="utf-8") for p in project.nlu_files()}
    main(["inbox", "import", str(tsv), "--project", str(project.root)])
    assert "already reviewed" in capsys.readouterr().err
    assert before == {p: p.read_text(encoding="utf-8") for p in project.nlu_files()}


def test_an_example_of_another_topic_is_reported_not_moved(world):
    database, _talk, project, _heldout = world
    inbox.collect(database, project.kb_dir, sample_share=0)
    row = rows_by_text(database)["milloin Hämeenkatu aurataan"]
    result = inbox.apply_decisions(database, project, [{"ids": [row.id], "action": "assign", "topic": "maintenance.park"}])
    assert result.written == [] and "already an example of maintenance.snow_plowing" in result.problems[0]["problem"]
    assert rows_by_text(database)["milloin Hämeenkatu aurataan"].status == "new"


def test_the_console_functions_speak_json(world):
    database, _talk, project, _heldout = world
    collected = review.collect(database, project, sample_share=0)
    assert collected["added"] == 13
    overview = review.overview(database)
    assert overview["by_status"]["new"] == 13 and overview["waiting_by_lang"] == {"fi": 9, "sv": 2, "en": 2}
    assert overview["waiting_by_reason"]["thumbs_down"] == 2
    listing = review.list_groups(database, lang="fi", limit=2)
    assert listing["total"] > 2 and len(listing["groups"]) == 2
    group = listing["groups"][0]
    assert group["count"] == 3 and group["lang"] == "fi" and len(group["ids"]) == 3
    assert {"ids", "text", "count", "reasons", "predicted", "confidence", "first_asked", "last_asked"} <= set(group["items"][0])
    choices = review.topic_choices(project)
    assert choices[0]["id"] == "out_of_scope"
    park = next(c for c in choices if c["id"] == "maintenance.park")
    assert set(park["title"]) == set(served_languages()) and park["kind"] == "faq"
    trial = review.decide(database, project, [{"ids": group["ids"], "action": "assign", "topic": "meta.capabilities"}],
                          reviewer="anna", dry_run=True)
    assert trial["dry_run"] and trial["updated"] == 3
    assert [(w["example"], len(w["ids"])) for w in trial["written"]] == [
        ("mistä haetaan päiväkotipaikkaa lapselle", 2), ("haluan hakea lapselle päiväkotipaikkaa", 1)]
    assert review.overview(database)["by_status"]["new"] == 13  # a dry run changes nothing
    done = review.decide(database, project, [{"ids": group["ids"], "action": "assign", "topic": "meta.capabilities"}],
                         reviewer="anna")
    assert done["updated"] == 3 and {w["file"] for w in done["written"]} == {"data/nlu/fi/meta.yml"}
    for value in (collected, overview, listing, choices, trial, done):
        json.dumps(value)


@pytest.mark.skipif(not __import__("os").environ.get("TEST_POSTGRES_URL"), reason="no PostgreSQL server (TEST_POSTGRES_URL)")
def test_collection_on_postgresql(project):
    import os

    from sqlalchemy import text

    from citizenbot.store.db import Database
    from citizenbot.store.models import Base

    url = os.environ["TEST_POSTGRES_URL"]
    database = Database(url)

    def clean() -> None:
        with database.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS events, alembic_version"))
        Base.metadata.drop_all(database.engine)

    clean()
    database.create_schema()
    try:
        talk = Conversations(url)
        talk.add("p1", fallback("mistä saa pysäköintiluvan, soita 040 123 4567", "fi"))
        talk.add("p2", answered("milloin Hämeenkatu aurataan", "maintenance.snow_plowing", 0.97, message_id="m-p2"),
                 ActiveLoop("report_form", timestamp=tick()), fallback("Hämeenkatu 5", "fi"))
        FeedbackStore(database).record(Vote("p2", "m-p2", "maintenance.snow_plowing", "fi", "down"))
        assert inbox.collect(database, project.kb_dir, sample_share=0).added == 2
        assert inbox.collect(database, project.kb_dir, sample_share=0).added == 0
        assert {r.text: r.reasons for r in inbox.inbox_rows(database)} == {
            "mistä saa pysäköintiluvan, soita <PHONE>": "not_understood", "milloin Hämeenkatu aurataan": "thumbs_down"}
        assert inbox.groups(database)[0].count == 1
    finally:
        clean()
        database.dispose()


def test_confident_mistakes_reach_the_inbox_rephrased_and_sampled(tmp_path, project):
    """A confident answer followed by the same question in other words, or by a correction, was
    probably wrong; a fixed share of confident answers is sampled, the same ones every time."""
    url = f"sqlite:///{tmp_path / 'confident.db'}"
    database, talk = get_database(url), Conversations(url)
    talk.add("r", answered("roskis täynnä, numeroni 040 123 4567", "health.medical_helpline", 0.61),
             answered("roskis on täynnä Hämeenkadulla", "maintenance.litter_bin", 0.9))
    talk.add("s", answered("katulamppu pimeänä", "maintenance.traffic_light", 0.8),
             answered("ei kun siis katuvalo ei pala", "maintenance.street_light", 0.9))
    talk.add("t", answered("haluan puhua ihmiselle", "handoff.agent", 0.9), answered("ei", "deny", 0.99))
    for n in range(200):
        talk.add(f"u{n}", answered(f"milloin katu {n} aurataan", "maintenance.snow_plowing", 0.95))
    result = inbox.collect(database, project.kb_dir, sample_share=0.05)
    rows = rows_by_text(database)
    # (either may also be among the sampled: "rephrased,sampled")
    assert "rephrased" in rows["roskis täynnä, numeroni <PHONE>"].reasons.split(",")
    assert "rephrased" in rows["katulamppu pimeänä"].reasons.split(",")
    # a bare "ei" answers a question, it corrects nothing (the message may still be among the sampled:
    # the sample is chosen by a hash of the conversation and the message's id, random in this test)
    assert "rephrased" not in getattr(rows.get("haluan puhua ihmiselle"), "reasons", "")
    sampled = {t for t, r in rows.items() if r.reasons == "sampled"}
    assert 2 <= len(sampled) <= 25 and all(t.startswith(("milloin katu", "roskis on", "ei kun", "haluan puhua", "ei"))
                                           for t in sampled)
    assert result.by_reason["rephrased"] == 2


def test_sampling_is_a_fixed_share_chosen_by_the_message():
    from citizenbot.trainer.inbox.collect import sampled

    keys = [f"message-{n}" for n in range(4000)]
    chosen = [k for k in keys if sampled(k, 0.05)]
    assert 150 <= len(chosen) <= 250
    assert chosen == [k for k in keys if sampled(k, 0.05)]  # the same messages every time
    assert not any(sampled(k, 0) for k in keys)
