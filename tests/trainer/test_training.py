"""`citizenbot train`: estimate, progress, evaluation report; and the whole way of a new topic:
scaffolded in a copy of the project, checked, trained, answered by the bot in fi, sv and en.

The end-to-end test trains a real model (`rasa train` through the command) on a reduced copy of
the training data: the new topic and a dozen others, 10 examples each (the new topic keeps all of
its examples). That keeps it near 2 minutes on 2 cores; it is marked ``training``
(`pytest -m "not training"` skips it).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from citizenbot.cli import main
from citizenbot.trainer.check import run_check
from citizenbot.trainer.project import Project
from citizenbot.trainer.registry import Registry
from citizenbot.trainer.training import estimate, format_seconds, progress_line

from .conftest import NEW_TOPIC, NEW_TOPIC_FILE, ROOT, copy_project

KEEP = {NEW_TOPIC, "maintenance.park", "maintenance.plow_berm", "zoning.plots", "zoning.tree_felling_permit",
        "health.appointment", "meta.greet", "meta.thanks", "out_of_scope", "affirm", "deny", "cancel"}
PER_INTENT = 10
QUESTIONS = {  # not among the topic's examples
    "fi": "mistä voin hakea kaupungin viljelypalstaa ensi kesäksi?",
    "sv": "hur ansöker jag om en odlingslott av staden till nästa sommar?",
    "en": "how do I apply for a city allotment garden plot for next summer?",
}


def test_estimate_uses_the_last_training_scaled_by_the_examples(project):
    seconds, basis = estimate(project, 9000)
    assert 200 < seconds < 300 and "rule of thumb" in basis
    Registry(project).record_training(project.models_dir / "m.tar.gz", 120.0, 4000)
    seconds, basis = estimate(project, 8000)
    assert 120 < seconds < 240 and "the last training took 2 min 00 s for 4000 examples" in basis
    assert format_seconds(61) == "1 min 01 s" and format_seconds(9.6) == "10 s"


def test_progress_shows_share_time_left_and_stage():
    line = progress_line(30, 120, "training LogisticRegressionClassifier")
    assert line.startswith("[######..................]  25 %  30 s - about 1 min 30 s left - training")
    assert "taking longer than expected" in progress_line(200, 120, "saving the model")
    assert " 99 %" in progress_line(200, 120, "saving the model")


def reduce_training_data(project: Project, keep: set[str], per_intent: int) -> None:
    """Only the kept intents' examples, at most ``per_intent`` each (the new topic keeps all)."""
    for path in project.nlu_files():
        out, intent, count = [], None, 0
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^- intent: (\S+)", line)
            if m:
                intent, count = m.group(1), 0
            if intent is not None and intent not in keep:
                continue
            if line.startswith("    - "):
                count += 1
                if intent != NEW_TOPIC and count > per_intent:
                    continue
            out.append(line)
        path.write_text("\n".join(out) + "\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_action_server(project: Project, database_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "KB_DIR": str(project.kb_dir), "CITY": "tampere",
           "OPEN311_BASE_URL": "", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    exe = Path(sys.executable).with_name("citizenbot")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "citizenbot.cli"]
    return subprocess.Popen([*command, "actions", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)


def wait_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


async def ask_bot(model: Path, project: Project, action_url: str) -> dict[str, list[dict]]:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.utils.endpoints import EndpointConfig

    from citizenbot.channels.rest import WholeMessageCollector  # what POST /webhooks/rest/webhook returns
    from citizenbot.trainer.evaluation import project_kb

    with project_kb(project):
        agent = Agent.load(str(model), action_endpoint=EndpointConfig(url=action_url))
        replies = {}
        for lang, text in QUESTIONS.items():
            channel = WholeMessageCollector()
            await agent.handle_message(UserMessage(text, channel, sender_id=uuid.uuid4().hex, metadata={"lang": lang}))
            replies[lang] = channel.messages
    return replies


@pytest.mark.training
def test_a_scaffolded_topic_is_trained_and_answered_in_every_language(tmp_path, capsys, monkeypatch):
    from citizenbot.content import load_content, render

    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en")  # the fixture topic has examples in these three
    from citizenbot.seed import seed
    from citizenbot.store.db import get_database

    started = time.monotonic()
    project = copy_project(tmp_path / "project")
    assert main(["topic", "add", "--from", str(NEW_TOPIC_FILE), "--project", str(project.root)]) == 0
    report = run_check(project)
    assert report.ok, report.format()

    # the bot's knowledge base and action server, started while the model trains
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    seed(get_database(database_url), project.kb_dir, "tampere")
    port = free_port()
    actions = start_action_server(project, database_url, port, tmp_path / "actions.log")
    try:
        reduce_training_data(project, KEEP, PER_INTENT)
        # a city serving fi, sv, en: Rasa trains on every folder of data/, so the others go
        for other in ("ru", "uk", "et", "ar", "so", "fa"):
            shutil.rmtree(project.nlu_dir / other, ignore_errors=True)
        questions = tmp_path / "new-topic.tsv"
        questions.write_text("lang\ttopics\ttext\n" + "".join(f"{lang}\t{NEW_TOPIC}\t{text}\n" for lang, text in QUESTIONS.items()),
                             encoding="utf-8")
        capsys.readouterr()
        # the reduced copy is below the example minimum on purpose: the full copy passed the check above
        code = main(["train", "--project", str(project.root), "--skip-check", "--eval-file", str(questions)])
        out = capsys.readouterr().out
        assert code == 0, out
        assert re.search(r"Training will take about \d+", out) and "%" in out and "Trained models/" in out
        model = Registry(project).latest_trained()
        assert model is not None and model.parent == project.models_dir
        folder = project.results_dir / model.name.removesuffix(".tar.gz")
        report_md = (folder / "report.md").read_text(encoding="utf-8")
        assert "| fi | 100.0 % (1/1)" in report_md and "| en | 100.0 % (1/1)" in report_md
        assert (folder / "chart.png").read_bytes()[:4] == b"\x89PNG"

        wait_http(f"http://127.0.0.1:{port}/health", 120)
        replies = asyncio.run(ask_bot(model, project, f"http://127.0.0.1:{port}/webhook"))
    finally:
        actions.terminate()
        actions.wait(timeout=30)

    content = load_content(project.kb_dir, "tampere")
    for lang, messages in replies.items():
        tagged = [m for m in messages if (m.get("custom") or {}).get("topic")]
        assert tagged, f"{lang}: no answer: {messages}"
        assert tagged[0]["custom"]["topic"] == NEW_TOPIC and tagged[0]["custom"]["lang"] == lang, messages
        assert tagged[0]["text"] == render(content.answers[NEW_TOPIC][lang], lang, content.facts).strip()
    print(f"scaffold -> check -> train -> evaluate -> answers: {format_seconds(time.monotonic() - started)}")
