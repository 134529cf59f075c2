"""A new trainer's path through `citizenbot topic`: every mistake reported in one run with nothing
written, the corrected file accepted; update and remove; the interactive draft that survives a
mistake; held-out questions that the report and the deploy gate see; one "Next:" line."""

from __future__ import annotations

import io

import pytest
import yaml

from citizenbot.cli import main
from citizenbot.settings import served_languages
from citizenbot.trainer.check import run_check
from citizenbot.trainer.deploy import decide
from citizenbot.trainer.evaluation import EvalResult, uncovered_topics
from citizenbot.trainer.interview import draft_path

from .conftest import NEW_TOPIC, NEW_TOPIC_FILE, snapshot


@pytest.fixture(autouse=True)
def three_languages(monkeypatch):
    """The fixture topics have examples in Finnish, Swedish and English: a city serving those."""
    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en")


def description() -> dict:
    return yaml.safe_load(NEW_TOPIC_FILE.read_text(encoding="utf-8"))


def write(tmp_path, data, name="topic.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_mistake_in_one_run_then_the_corrected_file_is_accepted(project, tmp_path, capsys):
    bad = description()
    bad["answer"] = {**bad["answer"], "fi": "Katso {no_such_fact}"}  # found only in the staged knowledge base
    bad["title"] = {**bad["title"], "en": ""}
    bad["held_out"] = {**bad["held_out"], "sv": [bad["examples"]["sv"][0]], "en": ["just one"]}
    before = snapshot(project)
    code, out, err = run(capsys, "topic", "add", "--from", str(write(tmp_path, bad)), "--project", str(project.root))
    assert code == 2 and snapshot(project) == before, out
    for problem in ("title: missing en", "is also an example", "held_out: 1 in en", "no_such_fact"):
        assert problem in err, err
    code, out, err = run(capsys, "topic", "add", "--from", str(write(tmp_path, description())), "--project",
                         str(project.root))
    assert code == 0, err
    assert NEW_TOPIC in project.topic_ids()
    questions = [q for q in project.eval_questions([project.heldout_file]) if NEW_TOPIC in q.topics]
    assert sorted(q.text for q in questions) == sorted(t for lang in served_languages()
                                                       for t in description()["held_out"][lang])
    trained = {e.text for e in project.examples() if e.intent == NEW_TOPIC}
    assert not trained & {q.text for q in questions}  # kept out of training
    assert [line for line in out.splitlines() if line.startswith("Next: ")] == [
        "Next: `citizenbot seed` (the answers are live at once), then `citizenbot train` (the model learns the "
        "examples and is tested on the held-out questions), then `citizenbot deploy` (the new model answers "
        "residents unless a language or topic got worse)."]


def test_update_replaces_and_remove_restores_the_files(project, tmp_path, capsys):
    before = snapshot(project)
    assert main(["topic", "add", "--from", str(NEW_TOPIC_FILE), "--project", str(project.root)]) == 0
    changed = description()
    changed["answer"] = {**changed["answer"], "en": "Allotment plots are rented in spring: {city_website}"}
    changed["examples"] = {lang: items[:-1] for lang, items in changed["examples"].items()}
    changed["held_out"] = {**changed["held_out"], "fi": ["voinko saada palstan", "palstan vuokraus"]}
    code, out, err = run(capsys, "topic", "update", "--from", str(write(tmp_path, changed)), "--project", str(project.root))
    assert code == 0, err
    for lang in served_languages():
        assert [e.text for e in project.examples() if e.intent == NEW_TOPIC and e.lang == lang] == changed["examples"][lang]
    assert "Allotment plots are rented in spring" in (project.answers_dir / "maintenance.yml").read_text(encoding="utf-8")
    fi = sorted(q.text for q in project.eval_questions([project.heldout_file]) if NEW_TOPIC in q.topics and q.lang == "fi")
    assert fi == ["palstan vuokraus", "voinko saada palstan"]
    assert run_check(project).ok
    code, out, err = run(capsys, "topic", "remove", NEW_TOPIC, "--project", str(project.root))
    assert code == 0, err
    assert snapshot(project) == before  # byte for byte as before the topic was added
    assert out.count("Next: ") == 1
    # lookup and action topics have code depending on them; an unknown topic is named
    assert run(capsys, "topic", "remove", "maintenance.snow_plowing", "--project", str(project.root))[0] == 2
    code, _out, err = run(capsys, "topic", "update", "--from", str(NEW_TOPIC_FILE), "--project", str(project.root))
    assert code == 2 and "no topic maintenance.allotment_gardens to update" in err


def test_interactive_mode_keeps_a_draft_through_a_mistake(project, monkeypatch, capsys):
    data = description()

    def typed(answer_fi: str, held_out: bool = True) -> list[str]:
        lines = [data["id"], "faq", data["about"], *(data["title"][lang] for lang in served_languages())]
        for lang in served_languages():
            lines += [answer_fi if lang == "fi" else data["answer"][lang].splitlines()[0], ""]
        for lang in served_languages():
            lines += [*data["examples"][lang], ""]
        for lang in served_languages():
            lines += [*(data["held_out"][lang] if held_out else []), ""]
        return lines

    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(typed("Katso {no_such_fact}")) + "\n"))
    assert main(["topic", "add", "--project", str(project.root)]) == 2
    err = capsys.readouterr().err
    assert "no_such_fact" in err and str(draft_path(project)) in err
    assert NEW_TOPIC not in project.topic_ids()
    # the second run: continue the draft, keep every answer (Enter) but the wrong one
    resumed = ["y", "", "", "", "", "", "", "Viljelypalstoja vuokrataan keväällä: {city_website}", "", "", "", "", "",
               "", "", "", ""]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(resumed) + "\n"))
    assert main(["topic", "add", "--project", str(project.root)]) == 0, capsys.readouterr().err
    assert NEW_TOPIC in project.topic_ids() and not draft_path(project).exists()
    assert len([e for e in project.examples() if e.intent == NEW_TOPIC and e.lang == "sv"]) == len(data["examples"]["sv"])


def test_the_gate_and_the_report_cover_every_topic(project):
    questions = project.eval_questions([project.heldout_file])
    assert uncovered_topics(project, questions) == []
    without = [q for q in questions if "maintenance.park" not in q.topics]
    assert uncovered_topics(project, without) == ["maintenance.park"]
    result = EvalResult("m", "heldout", "d", 1, {"fi": [1, 1]}, {}, [], [])
    decision = decide(result, result, uncovered=uncovered_topics(project, without))
    assert not decision.ok and "maintenance.park" in decision.describe()
    assert decide(result, result).ok


def test_template_points_to_the_next_step(tmp_path, capsys):
    code, out, _err = run(capsys, "topic", "template", str(tmp_path / "t.yml"))
    assert code == 0 and out.splitlines()[-1].startswith(f"Next: `citizenbot topic add --from {tmp_path / 't.yml'}`")
