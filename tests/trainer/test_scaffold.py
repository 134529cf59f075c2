"""`citizenbot topic add` writes a complete topic in every file, or nothing."""

from __future__ import annotations

import io

import pytest
import yaml

from citizenbot.cli import main
from citizenbot.content import load_content
from citizenbot.settings import served_languages
from citizenbot.trainer.check import run_check
from citizenbot.trainer.interview import ask_spec
from citizenbot.trainer.scaffold import ScaffoldError, TopicSpec, add_topic, validate_nlu_file

from .conftest import NEW_TOPIC, NEW_TOPIC_FILE, snapshot


@pytest.fixture(autouse=True)
def three_languages(monkeypatch):
    """The fixture topic has examples in Finnish, Swedish and English: a city serving those."""
    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en")


def test_with_nine_languages_examples_are_needed_in_each_but_texts_only_in_the_source_languages(monkeypatch):
    monkeypatch.delenv("SERVED_LANGUAGES")
    description = yaml.safe_load(NEW_TOPIC_FILE.read_text(encoding="utf-8"))
    with pytest.raises(ScaffoldError) as raised:
        TopicSpec.from_dict(description, "test")
    problems = str(raised.value)
    assert all(f"examples: none in {lang}" in problems for lang in ("ru", "uk", "et", "ar", "so", "fa"))
    assert "answer" not in problems and "title" not in problems  # translated later (citizenbot translations)
    for lang in ("ru", "uk", "et", "ar", "so", "fa"):
        description["examples"][lang] = [f"{lang} example {n}" for n in range(20)]
        description.setdefault("held_out", {})[lang] = [f"{lang} test question {n}" for n in range(2)]
    parsed = TopicSpec.from_dict(description, "test")
    assert set(parsed.answer) == {"fi", "sv", "en"} and len(parsed.examples) == 9


def spec() -> TopicSpec:
    return TopicSpec.from_file(NEW_TOPIC_FILE)


def test_a_scaffolded_topic_is_in_every_file_and_passes_the_data_check(project):
    description = yaml.safe_load(NEW_TOPIC_FILE.read_text(encoding="utf-8"))
    result = add_topic(project, spec())

    assert set(result.files) == {"kb/topics.yml", "domain.yml", "data/rules/answers.yml", "kb/answers/maintenance.yml",
                                 "data/nlu/fi/maintenance_b.yml", "data/nlu/sv/maintenance_b.yml",
                                 "data/nlu/en/maintenance_b.yml", "tests/eval/heldout.tsv"}
    topic = next(t for t in project.topics() if t["id"] == NEW_TOPIC)
    assert topic["kind"] == "faq" and topic["about"] == description["about"]
    assert NEW_TOPIC in project.domain_intents()
    assert project.rule_intents()[NEW_TOPIC] == [project.answer_rules_file]
    rule = next(r for r in yaml.safe_load(project.answer_rules_file.read_text(encoding="utf-8"))["rules"]
                if r["rule"] == f"answer {NEW_TOPIC}")
    assert rule["steps"] == [{"intent": NEW_TOPIC}, {"action": "action_answer"}]

    content = load_content(project.kb_dir, "tampere")  # exactly what `citizenbot seed` loads
    for lang in served_languages():
        assert content.answers[NEW_TOPIC][lang] == description["answer"][lang].strip()
        assert content.labels[f"topic.{NEW_TOPIC}"][lang] == description["title"][lang]
        examples = [e.text for e in project.examples() if e.intent == NEW_TOPIC and e.lang == lang]
        assert examples == description["examples"][lang]
    for path in project.nlu_files():
        validate_nlu_file(path)  # Rasa's own reader and schema

    report = run_check(project)
    assert report.ok, report.format()
    assert report.warnings == []


def test_the_files_keep_their_comments_and_the_topic_sits_with_its_domain(project):
    topics_before = project.topics_file.read_text(encoding="utf-8")
    add_topic(project, spec())
    topics_after = project.topics_file.read_text(encoding="utf-8")
    for line in topics_before.splitlines():
        assert line in topics_after.splitlines()
    ids = project.topic_ids()
    assert ids.index(NEW_TOPIC) == max(i for i, t in enumerate(ids) if t.startswith("maintenance.") and t != NEW_TOPIC) + 1
    intents = project.domain_intents()
    assert intents.index(NEW_TOPIC) < intents.index("zoning.plan_types")


def test_the_command_adds_from_a_description_file(project, capsys):
    code = main(["topic", "add", "--from", str(NEW_TOPIC_FILE), "--project", str(project.root)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"topic {NEW_TOPIC}: changed" in out and "0 error(s)" in out
    assert NEW_TOPIC in project.topic_ids()


def test_a_dry_run_writes_nothing(project, capsys):
    before = snapshot(project)
    assert main(["topic", "add", "--from", str(NEW_TOPIC_FILE), "--dry-run", "--project", str(project.root)]) == 0
    assert "would change" in capsys.readouterr().out
    assert snapshot(project) == before


def test_interactive_mode_asks_for_every_text(project, monkeypatch):
    data = yaml.safe_load(NEW_TOPIC_FILE.read_text(encoding="utf-8"))
    answers = [data["id"], "", data["about"], *(data["title"][lang] for lang in served_languages())]
    for lang in served_languages():
        answers += [*data["answer"][lang].replace("\n\n", "\n").splitlines(), ""]
    for lang in served_languages():
        answers += [*data["examples"][lang], ""]
    for lang in served_languages():
        answers += [*data["held_out"][lang], ""]
    replies = iter(answers)
    asked = ask_spec(ask=lambda _prompt: next(replies), say=lambda _text: None)
    assert asked.id == NEW_TOPIC and asked.kind == "faq"
    assert asked.examples == spec().examples
    add_topic(project, asked)
    assert run_check(project).ok


def test_the_interactive_command_reads_the_terminal(project, monkeypatch, capsys):
    data = yaml.safe_load(NEW_TOPIC_FILE.read_text(encoding="utf-8"))
    lines = [data["id"], "faq", data["about"], *(data["title"][lang] for lang in served_languages())]
    for lang in served_languages():
        lines += [data["answer"][lang].splitlines()[0], ""]
    for lang in served_languages():
        lines += [*data["examples"][lang], ""]
    for lang in served_languages():
        lines += [*data["held_out"][lang], ""]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["topic", "add", "--project", str(project.root)]) == 0
    assert NEW_TOPIC in project.topic_ids()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "maintenance.park"}, "already exists"),
        ({"id": "Dog Parks"}, "must look like domain.name"),
        ({"kind": "lookup"}, "needs code"),
        ({"kind": "action"}, "needs a form or an action"),
        ({"answer": {"fi": "Vastaus.", "sv": "Svar."}}, "answer: missing en"),
        ({"title": {"fi": "a", "sv": "b", "en": ""}}, "title: missing en"),
        ({"examples": {"fi": ["yksi"], "sv": ["ett"]}}, "examples: none in en"),
        ({"answer": {"fi": "Katso {no_such_fact}", "sv": "Se {city_website}", "en": "See {city_website}"}},
         "unknown placeholder"),
    ],
)
def test_a_bad_description_changes_nothing(project, change, message):
    data = {**yaml.safe_load(NEW_TOPIC_FILE.read_text(encoding="utf-8")), **change}
    before = snapshot(project)
    with pytest.raises(ScaffoldError, match=message):
        add_topic(project, TopicSpec.from_dict(data))
    assert snapshot(project) == before


def test_template_is_a_valid_description(tmp_path, capsys):
    path = tmp_path / "topic.yml"
    assert main(["topic", "template", str(path)]) == 0
    parsed = TopicSpec.from_file(path)
    assert parsed.id == "maintenance.example_topic" and set(parsed.examples) == set(served_languages())
