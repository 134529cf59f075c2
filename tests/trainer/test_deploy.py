"""`citizenbot deploy` loads a model into the running server only when no language regresses, and
`citizenbot rollback` goes back. The server is a stand-in for Rasa's HTTP API (GET /status,
PUT /model?token=); the models' evaluations are stored results, as `citizenbot train` leaves them."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from citizenbot.cli import main
from citizenbot.trainer.deploy import DeployError, Refused, deploy, rollback
from citizenbot.trainer.evaluation import EvalResult, evaluate_model, questions_digest
from citizenbot.trainer.registry import Registry

TOKEN = "test-token"


class FakeRasa:
    """Rasa's model endpoints: the token, the model file, 204 on success, /status names the model."""

    def __init__(self, model: Path | None):
        self.model = model
        self.loads: list[str] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _authorised(self) -> bool:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                if query.get("token") != [TOKEN]:
                    self._send(401, {"status": "failure", "reason": "NotAuthenticated"})
                    return False
                return True

            def _send(self, code: int, body=None) -> None:
                raw = json.dumps(body).encode() if body is not None else b""
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):  # noqa: N802
                if self.path.startswith("/status") and self._authorised():
                    self._send(200, {"model_file": fake.model.name if fake.model else None, "model_id": "x",
                                     "num_active_training_jobs": 0})

            def do_PUT(self):  # noqa: N802
                if not (self.path.startswith("/model") and self._authorised()):
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                path = Path(body["model_file"])
                if not path.is_absolute() or not path.exists():
                    self._send(500, {"status": "failure", "reason": "LoadingError"})
                    return
                time.sleep(0.05)  # loading takes a moment; the old model answers meanwhile
                fake.model = path
                fake.loads.append(path.name)
                self._send(204)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def make_model(project, name: str, accuracy: dict[str, float], mtime: float) -> Path:
    """A model file with a stored evaluation on the held-out set (100 questions per language)."""
    project.models_dir.mkdir(parents=True, exist_ok=True)
    path = project.models_dir / f"{name}.tar.gz"
    path.write_bytes(b"not a real model")
    import os

    os.utime(path, (mtime, mtime))
    digest = questions_digest(project.heldout_files)
    result = EvalResult(
        model=path.name, test_set="tests/eval/heldout.tsv", test_digest=digest, questions=300,
        right={lang: [round(value), 100] for lang, value in accuracy.items()},
        by_domain={"maintenance": [90, 100]}, confusions=[], misses=[],
    )
    cache = project.state_dir / "evals" / f"{path.name}.{digest}.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(result.to_dict()), encoding="utf-8")
    return path


@pytest.fixture
def setup(project):
    old = make_model(project, "20260101-000000-old", {"fi": 95, "sv": 94, "en": 96}, 1_000)
    worse = make_model(project, "20260102-000000-worse", {"fi": 97, "sv": 90, "en": 97}, 2_000)  # sv -4 points
    better = make_model(project, "20260103-000000-better", {"fi": 96, "sv": 93, "en": 97}, 3_000)  # sv -1 point
    server = FakeRasa(old)
    yield project, server, old, worse, better
    server.close()


def quiet(_text: str) -> None:
    pass


def test_the_stored_evaluation_is_used(setup):
    project, _server, old, _worse, _better = setup
    assert evaluate_model(project, old).accuracy == {"fi": 95.0, "sv": 94.0, "en": 96.0, "all": 95.0}


def test_a_model_that_regresses_is_refused(setup):
    project, server, old, worse, _better = setup
    with pytest.raises(Refused, match="sv dropped 4.0 points"):
        deploy(project, server.url, TOKEN, worse.name, say=quiet)
    assert server.model == old and server.loads == []
    assert Registry(project).deployed() is None


def test_a_model_that_does_not_regress_is_deployed_and_the_previous_kept(setup):
    project, server, old, _worse, better = setup
    decision = deploy(project, server.url, TOKEN, better.name, say=quiet)
    assert decision.ok and decision.changes == {"fi": -1.0, "sv": 1.0, "en": -1.0}
    assert server.model == better and server.loads == [better.name]
    registry = Registry(project)
    assert registry.deployed()["model"] == better.name and registry.previous()["model"] == old.name
    assert old.exists()
    # a restart of `rasa run --model models` would load the newest file: the deployed model
    assert registry.models()[-1] == better


def test_rollback_returns_to_the_previous_model(setup):
    project, server, old, _worse, better = setup
    deploy(project, server.url, TOKEN, better.name, say=quiet)
    rollback(project, server.url, TOKEN, say=quiet)
    assert server.model == old and server.loads == [better.name, old.name]
    registry = Registry(project)
    assert registry.deployed()["model"] == old.name and registry.previous() is None
    assert registry.models()[-1] == old
    with pytest.raises(DeployError, match="no previous deployment"):
        rollback(project, server.url, TOKEN, say=quiet)


def test_force_deploys_a_regressing_model_and_rollback_undoes_it(setup):
    project, server, old, worse, _better = setup
    deploy(project, server.url, TOKEN, worse.name, force=True, say=quiet)
    assert server.model == worse
    rollback(project, server.url, TOKEN, say=quiet)
    assert server.model == old


def test_the_commands(setup, capsys):
    project, server, old, worse, better = setup
    common = ["--project", str(project.root), "--url", server.url, "--token", TOKEN]
    assert main(["deploy", worse.name, *common]) == 1
    assert "was not deployed" in capsys.readouterr().err and server.model == old
    assert main(["deploy", *common]) == 0  # the latest trained model: better
    assert server.model == better
    assert "Deployed 20260103-000000-better.tar.gz" in capsys.readouterr().out
    assert main(["deploy", *common]) == 0
    assert "already deployed" in capsys.readouterr().out and server.loads == [better.name]
    assert main(["models", "--project", str(project.root)]) == 0
    listing = capsys.readouterr().out
    assert "better.tar.gz" in listing and "deployed" in listing and "previous" in listing and "sv 93.0" in listing
    assert main(["rollback", *common]) == 0 and server.model == old
    assert main(["models", "--deployed", "--project", str(project.root)]) == 0
    assert capsys.readouterr().out.strip().endswith(old.name)


def test_a_wrong_token_or_no_server_is_explained(setup, capsys):
    project, server, _old, _worse, better = setup
    with pytest.raises(DeployError, match="refused the token"):
        deploy(project, server.url, "wrong", better.name, say=quiet)
    with pytest.raises(DeployError, match="does not answer"):
        deploy(project, "http://127.0.0.1:9", TOKEN, better.name, say=quiet)
    assert main(["deploy", better.name, "--project", str(project.root), "--url", "http://127.0.0.1:9"]) == 2
    assert "is it running" in capsys.readouterr().err
