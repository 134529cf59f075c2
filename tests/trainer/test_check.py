"""`citizenbot data check` passes on the project and catches each kind of error, with file and line."""

from __future__ import annotations

import csv
import http.server
import re
import threading

import pytest
import yaml

from citizenbot.cli import main
from citizenbot.trainer.check import link_problem, run_check
from citizenbot.trainer.project import Project

from .conftest import copy_project


def replace(path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def examples_block(project: Project, lang: str, intent: str) -> tuple:
    path = next(p for p in project.nlu_files(lang) if f"- intent: {intent}\n" in p.read_text(encoding="utf-8"))
    return path, [e for e in project.examples() if e.intent == intent and e.lang == lang]


def drop_examples(project: Project, lang: str, intent: str, keep: int) -> None:
    """Keep only the first `keep` examples of the intent, whichever files the others are in."""
    _, examples = examples_block(project, lang, intent)
    for path in {e.path for e in examples[keep:]}:
        lines = path.read_text(encoding="utf-8").splitlines()
        doomed = {e.line for e in examples[keep:] if e.path == path}
        path.write_text("\n".join(line for n, line in enumerate(lines, 1) if n not in doomed) + "\n", encoding="utf-8")


def add_example(project: Project, lang: str, intent: str, text: str) -> None:
    from citizenbot.trainer.edits import add_examples

    path, _ = examples_block(project, lang, intent)
    path.write_text(add_examples(path.read_text(encoding="utf-8"), intent, [text], clean=False), encoding="utf-8")


def first_heldout_question(project: Project, lang: str = "fi") -> str:
    with open(project.heldout_file, encoding="utf-8") as handle:
        return next(row["text"] for row in csv.DictReader(handle, delimiter="\t") if row["lang"] == lang)


def answer_file(project: Project):
    return project.answers_dir / "maintenance.yml"


BREAKERS = {
    "no-examples": lambda p: drop_examples(p, "sv", "maintenance.plow_berm", keep=0),
    "few-examples": lambda p: drop_examples(p, "fi", "maintenance.park", keep=5),
    "no-answer (language)": lambda p: replace(answer_file(p), "    en: |-", "    en_GB: |-"),
    "no-answer (title)": lambda p: replace(answer_file(p), "  topic.maintenance.plow_berm:", "  topic.maintenance.plow_berm_old:"),
    "duplicate": lambda p: add_example(p, "en", "zoning.plots", examples_block(p, "en", "maintenance.park")[1][3].text),
    "eval-leak": lambda p: add_example(p, "fi", "maintenance.snow_plowing", first_heldout_question(p)),
    "entity": lambda p: add_example(p, "fi", "maintenance.snow_plowing", "milloin [Olematonkatu](street) aurataan"),
    "link": lambda p: replace(answer_file(p), "{street_maintenance_url}", "www.tampere.fi/katujen-kunnossapito"),
    "placeholder": lambda p: replace(answer_file(p), "{street_maintenance_url}", "{street_maintenance_link}"),
    "number": lambda p: replace(answer_file(p), "{emergency_number}", "112"),
    "taxonomy": lambda p: replace(p.domain_file, "- maintenance.plow_berm\n", ""),
    "no-rule": lambda p: replace(p.answer_rules_file, "- rule: answer maintenance.plow_berm\n  steps:\n"
                                 "  - intent: maintenance.plow_berm\n  - action: action_answer\n", ""),
    "unknown-intent": lambda p: replace(examples_block(p, "en", "maintenance.park")[0], "- intent: maintenance.park\n",
                                        "- intent: maintenance.parks\n"),
    "yaml": lambda p: replace(examples_block(p, "sv", "zoning.plots")[0], "- intent: zoning.plots\n",
                              "- intent: zoning.plots\n  examples: [broken\n"),
}


@pytest.fixture(scope="module")
def clean_project(tmp_path_factory) -> Project:
    return copy_project(tmp_path_factory.mktemp("clean") / "project")


def test_the_project_passes(clean_project):
    report = run_check(clean_project)
    assert report.ok, report.format()


@pytest.mark.parametrize("kind", list(BREAKERS))
def test_each_kind_of_error_is_reported_with_its_place(project, kind):
    BREAKERS[kind](project)
    report = run_check(project)
    code = kind.split(" ")[0]
    assert not report.ok
    found = [i for i in report.errors if i.code == code]
    assert found, report.format()
    assert all(i.path for i in found), report.format()
    formatted = report.format()
    assert re.search(rf"error \[{re.escape(code)}\]", formatted)


def test_examples_name_their_file_and_line(project):
    add_example(project, "fi", "maintenance.snow_plowing", "milloin [Olematonkatu](street) aurataan")
    issue = next(i for i in run_check(project).errors if i.code == "entity")
    path = project.root / issue.path
    assert "[Olematonkatu](street)" in path.read_text(encoding="utf-8").splitlines()[issue.line - 1]


def test_a_known_place_in_an_annotation_is_fine_but_an_unknown_entity_type_is_not(project):
    add_example(project, "fi", "maintenance.snow_plowing", "milloin [Hämeenkadulla](street) aurataan")
    assert "entity" not in run_check(project).codes()
    add_example(project, "fi", "maintenance.snow_plowing", "aurataanko [huomenna](date)")
    assert any("entity type 'date'" in i.message for i in run_check(project).errors)


def test_a_topic_without_an_answer_is_reported(project):
    data = yaml.safe_load(answer_file(project).read_text(encoding="utf-8"))
    text = answer_file(project).read_text(encoding="utf-8")
    start = text.index("  maintenance.plow_berm:\n")
    end = text.index("\n  maintenance.", start + 10)
    answer_file(project).write_text(text[:start] + text[end + 1:], encoding="utf-8")
    assert "maintenance.plow_berm" in data["answers"]
    messages = [i.message for i in run_check(project).errors if i.code == "no-answer"]
    assert "topic maintenance.plow_berm has no answer in kb/answers/ (fi, sv and en)" in messages


def test_the_command_exits_1_on_errors_and_0_when_clean(project, capsys):
    assert main(["data", "check", "--project", str(project.root)]) == 0
    assert "ready to train" in capsys.readouterr().out
    BREAKERS["duplicate"](project)
    assert main(["data", "check", "--project", str(project.root)]) == 1
    out = capsys.readouterr().out
    assert "error [duplicate]" in out and "fix the errors before training" in out
    assert main(["data", "check", "--json", "--project", str(project.root)]) == 1
    assert '"code": "duplicate"' in capsys.readouterr().out


def test_a_higher_minimum_reports_thin_topics(clean_project):
    report = run_check(clean_project, min_examples=1000)
    assert {i.code for i in report.errors} == {"few-examples"}


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.tampere.fi/asuminen", None),
        ("https://{city_host}/x", "placeholder"),
        ("www.tampere.fi", "https://"),
        ("https://tampere/x", "not a valid host"),
        ("ftp://tampere.fi/x", "http(s)"),
    ],
)
def test_link_problems(url, problem):
    found = link_problem(url)
    assert (found is None) if problem is None else (problem in found)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    do_GET = do_HEAD  # noqa: N815

    def log_message(self, *args):
        pass


def test_links_online_reports_links_that_do_not_answer(project, monkeypatch):
    from citizenbot.trainer import check

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert check.check_urls_online([f"{base}/ok", f"{base}/gone"]) == {f"{base}/ok": None, f"{base}/gone": "HTTP 404"}
        # every link of the content points at the local server: one page answers, one is gone
        for path in [project.kb_dir / "city" / "tampere.yml", project.kb_dir / "national.yml", project.kb_dir / "plans.yml"]:
            path.write_text(re.sub(r"https://[^\s\"']+", f"{base}/ok", path.read_text(encoding="utf-8")), encoding="utf-8")
        replace(answer_file(project), "{street_maintenance_url}", f"{base}/gone")
        monkeypatch.setattr(check.links, "link_problem", lambda url: None)  # 127.0.0.1 is no public host name
        report = run_check(project, links=True)
        broken = [i for i in report.errors if i.code == "link"]
        assert broken and all("/gone" in i.message and "HTTP 404" in i.message for i in broken), report.format()
        assert run_check(project).ok  # without --links nothing is opened
    finally:
        server.shutdown()
