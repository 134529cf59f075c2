"""``citizenbot deploy`` and ``citizenbot rollback``: a new model into the running server.

The running Rasa server (``make run``: ``rasa run --enable-api``) loads a model file with its HTTP
API, ``PUT /model?token=...`` and ``{"model_file": "<path>"}``. Rasa loads the new model next to
the old one and switches when it is ready, so residents' conversations continue (requests arriving
meanwhile are answered by the old model or wait for the switch; none is refused).

A model is deployed only when no language's accuracy on the held-out set is more than
``max_drop`` percentage points below the deployed model's (both evaluated in-process on the same
questions, see ``evaluation``); ``--force`` overrides. The model it replaces is kept in
``models/`` and recorded for ``rollback``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .evaluation import DEFAULT_MAX_DROP, EvalResult, drops, evaluate_model, regressions, uncovered_topics
from .project import Project
from .registry import Registry


class DeployError(RuntimeError):
    """Deployment is not possible; the message says why and what to do."""


class Refused(DeployError):
    """The candidate is worse than the deployed model."""


def _request(method: str, url: str, token: str, body: dict | None = None, timeout: float = 30.0) -> tuple[int, Any]:
    query = urllib.parse.urlencode({"token": token}) if token else ""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{url}{'&' if '?' in url else '?'}{query}" if query else url, data=data,
                                     method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            detail = json.loads(raw) if raw else None
        except ValueError:
            detail = raw.decode(errors="replace")
        return exc.code, detail
    except (urllib.error.URLError, OSError) as exc:
        raise DeployError(f"the Rasa server at {url.split('?')[0]} does not answer ({getattr(exc, 'reason', exc)}); "
                          "is it running (`make run`), and is RASA_URL right?") from exc


def server_status(rasa_url: str, token: str) -> dict[str, Any]:
    status, body = _request("GET", f"{rasa_url.rstrip('/')}/status", token)
    if status in (401, 403):
        raise DeployError("the Rasa server refused the token: set RASA_TOKEN to the server's --auth-token")
    if status == 404:
        raise DeployError("the Rasa server has no HTTP API: it must run with --enable-api (make run does)")
    if status == 409:  # no model loaded yet
        return {}
    if status != 200:
        raise DeployError(f"GET /status answered {status}: {body}")
    return body or {}


def load_model(rasa_url: str, token: str, model: Path, timeout: float = 900.0) -> None:
    status, body = _request("PUT", f"{rasa_url.rstrip('/')}/model", token, {"model_file": str(model)}, timeout)
    if status not in (200, 204):
        raise DeployError(f"the Rasa server did not load {model.name}: PUT /model answered {status}: {body}")
    info = server_status(rasa_url, token)
    running = Path(str(info.get("model_file") or "")).name
    if running and running != model.name:
        raise DeployError(f"the Rasa server still runs {running} after loading {model.name}")


@dataclass
class Decision:
    candidate: EvalResult
    current: EvalResult | None
    max_drop: float
    changes: dict[str, float] = field(default_factory=dict)  # lang -> points lost
    regressed: dict[str, float] = field(default_factory=dict)
    uncovered: list[str] = field(default_factory=list)  # topics no test question asks about

    @property
    def ok(self) -> bool:
        return not self.regressed and not self.uncovered

    def describe(self) -> str:
        now = self.candidate.accuracy
        if self.current is None:
            text = "no deployed model to compare with: " + ", ".join(f"{k} {v:.1f} %" for k, v in now.items())
        else:
            old = self.current.accuracy
            parts = [f"{k} {old[k]:.1f} -> {now.get(k, 0):.1f} %" for k in old]
            verdict = (f"refused: {', '.join(f'{k} dropped {v:.1f} points' for k, v in self.regressed.items())} "
                       f"(allowed {self.max_drop})" if self.regressed else f"no language dropped more than {self.max_drop} points")
            text = f"{'; '.join(parts)} - {verdict}"
        if self.uncovered:
            text += (f" - refused: no test question asks about {', '.join(self.uncovered)} (a model that never learned "
                     "it would pass; add held-out questions)")
        return text


def decide(new: EvalResult, current: EvalResult | None, max_drop: float = DEFAULT_MAX_DROP,
           uncovered: list[str] | None = None) -> Decision:
    return Decision(new, current, max_drop, drops(new, current), regressions(new, current, max_drop), list(uncovered or []))


def current_model(project: Project, rasa_url: str, token: str) -> Path | None:
    """What the server runs: the recorded deployment, else the file the server names."""
    registry = Registry(project)
    info = server_status(rasa_url, token)
    running = Path(str(info.get("model_file") or "")).name
    deployed = registry.deployed()
    if deployed and (not running or running == deployed["model"]) and Path(deployed["path"]).exists():
        return Path(deployed["path"])
    if running:
        try:
            return registry.resolve(running)
        except FileNotFoundError:
            return None
    return None


Evaluate = Callable[[Project, Path, list[Path] | None], EvalResult]


def deploy(project: Project, rasa_url: str, token: str, model: str | Path | None = None,
           max_drop: float = DEFAULT_MAX_DROP, force: bool = False, eval_files: list[Path] | None = None,
           say: Callable[[str], None] = print, evaluate: Evaluate | None = None,
           dry_run: bool = False) -> Decision | None:
    """Evaluate, compare, and load the model into the server (raises Refused / DeployError).
    None when the model is already the deployed one."""
    evaluate = evaluate or (lambda p, m, f: evaluate_model(p, m, f))
    registry = Registry(project)
    candidate = registry.resolve(model) if model else registry.latest_trained()
    if candidate is None:
        raise DeployError("no trained model in models/: run `citizenbot train` first")
    current = current_model(project, rasa_url, token)
    if current is not None and current.resolve() == candidate.resolve():
        say(f"{candidate.name} is already deployed.")
        return None
    say(f"Evaluating {candidate.name}" + (f" and the deployed {current.name}" if current else "") + " ...")
    new = evaluate(project, candidate, eval_files)
    old = evaluate(project, current, eval_files) if current is not None else None
    decision = decide(new, old, max_drop, uncovered_topics(project, project.eval_questions(eval_files)))
    say(decision.describe())
    if not decision.ok and not force:
        raise Refused(f"{candidate.name} was not deployed: {decision.describe()}. Improve the training data, or "
                      "deploy anyway with --force.")
    if dry_run:
        say("dry run: nothing loaded")
        return decision
    say(f"Loading {candidate.name} into the Rasa server at {rasa_url} (the current model answers until it is ready) ...")
    if current is not None and registry.deployed() is None:
        registry.record_deploy(current, old.accuracy if old else None)  # so that rollback can return to it
    load_model(rasa_url, token, candidate)
    registry.record_deploy(candidate, new.accuracy)
    say(f"Deployed {candidate.name}" + (f"; the previous model {current.name} is kept for `citizenbot rollback`." if current else "."))
    return decision


def rollback(project: Project, rasa_url: str, token: str, say: Callable[[str], None] = print) -> dict[str, Any]:
    registry = Registry(project)
    previous = registry.previous()
    if previous is None:
        raise DeployError("there is no previous deployment to roll back to")
    path = Path(previous["path"])
    if not path.exists():
        raise DeployError(f"the previous model {path} is gone from models/")
    say(f"Loading the previous model {path.name} into the Rasa server at {rasa_url} ...")
    load_model(rasa_url, token, path)
    entry = registry.record_rollback()
    say(f"Rolled back to {path.name}.")
    return entry
