"""``citizenbot train``: ``rasa train`` with an estimate up front and progress while it runs.

Rasa runs as a child process (its output goes to ``var/trainer/train-<time>.log``); its log lines
tell which part of the pipeline is being trained. The estimate comes from the previous trainings
of this checkout (``var/trainer/models.json``), scaled by the number of examples; before the first
one it is a rule of thumb measured on a 2-core machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .project import Project
from .registry import Registry

# Measured on 2 cores: ~60-90 s of start-up and validation, then roughly 16 ms per example
# (logistic regression over ~70 topics dominates). A full training of ~9,000 examples: ~4 min.
BASE_SECONDS = 90.0
SECONDS_PER_EXAMPLE = 0.0165

SAVED_RE = re.compile(r"Your Rasa model is trained and saved at '([^']+)'")
STAGES = (
    (re.compile(r"Started validating domain and training data"), "checking the domain and training data"),
    (re.compile(r"Starting to train component '([^']+)'"), "training {0}"),
    (re.compile(r"Finished training component '([^']+)'"), "trained {0}"),
    (SAVED_RE, "saving the model"),
)


def format_seconds(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


def count_examples(project: Project) -> int:
    return len(project.examples())


def model_seconds(examples: int) -> float:
    return BASE_SECONDS + SECONDS_PER_EXAMPLE * examples


def estimate(project: Project, examples: int | None = None) -> tuple[float, str]:
    """(seconds, how the estimate was made)."""
    examples = count_examples(project) if examples is None else examples
    history = Registry(project).trainings()
    if history:
        last = history[-1]
        seconds = float(last["seconds"]) * model_seconds(examples) / model_seconds(int(last.get("examples") or examples))
        return seconds, (f"the last training took {format_seconds(last['seconds'])} for {last.get('examples', '?')} "
                         f"examples; now {examples}")
    return model_seconds(examples), f"{examples} examples, rule of thumb for 2 cores (no earlier training here)"


@dataclass
class TrainOutcome:
    ok: bool
    model: Path | None
    seconds: float
    log: Path
    examples: int
    returncode: int


def rasa_command() -> list[str]:
    exe = Path(sys.executable).with_name("rasa")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "rasa"]


def train(project: Project, say: Callable[[str], None] = print, config: Path | None = None,
          num_threads: int = 2, extra_args: list[str] | None = None, interval: float = 15.0) -> TrainOutcome:
    """Train a model into models/ with progress; returns where it went and how long it took."""
    examples = count_examples(project)
    expected, basis = estimate(project, examples)
    say(f"Training will take about {format_seconds(expected)} ({basis}).")
    project.models_dir.mkdir(parents=True, exist_ok=True)
    project.state_dir.mkdir(parents=True, exist_ok=True)
    log = project.state_dir / f"train-{datetime.now().strftime('%Y%m%d-%H%M%S')}.log"
    command = [*rasa_command(), "train", "--num-threads", str(num_threads), "--out", str(project.models_dir),
               "--config", str(config or project.config_file), "--domain", str(project.domain_file),
               "--data", str(project.data_dir), *(extra_args or [])]
    env = {**os.environ, "KB_DIR": str(project.kb_dir), "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
           "RASA_TELEMETRY_ENABLED": "false", "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0"),
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    state = {"stage": "starting Rasa", "model": None}
    start = time.monotonic()
    with open(log, "w", encoding="utf-8") as handle:
        process = subprocess.Popen(command, cwd=project.root, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                handle.write(line)
                handle.flush()
                for pattern, label in STAGES:
                    m = pattern.search(line)
                    if m:
                        state["stage"] = label.format(*m.groups())
                        if pattern is SAVED_RE:
                            state["model"] = m.group(1)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        tty = sys.stdout.isatty() and say is print
        last_stage, last_print = None, 0.0
        while process.poll() is None:
            time.sleep(0.5 if tty else 1.0)
            elapsed = time.monotonic() - start
            if tty or state["stage"] != last_stage or elapsed - last_print >= interval:
                line = progress_line(elapsed, expected, state["stage"])
                if tty:
                    sys.stdout.write("\r" + line.ljust(100))
                    sys.stdout.flush()
                else:
                    say(line)
                last_stage, last_print = state["stage"], elapsed
        reader.join(timeout=10)
    if tty:
        sys.stdout.write("\n")
    seconds = time.monotonic() - start
    model = Path(state["model"]) if state["model"] else None
    if model is not None and not model.is_absolute():
        model = (project.root / model).resolve()
    ok = process.returncode == 0 and model is not None and model.exists()
    if ok:
        Registry(project).record_training(model, seconds, examples)
        say(f"Trained {project.relative(model)} in {format_seconds(seconds)} (log: {project.relative(log)}).")
    else:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        say(f"Training failed (exit {process.returncode}) after {format_seconds(seconds)}; the end of "
            f"{project.relative(log)}:\n  " + "\n  ".join(tail))
    return TrainOutcome(ok, model if ok else None, seconds, log, examples, process.returncode)


def progress_line(elapsed: float, expected: float, stage: str, width: int = 24) -> str:
    share = min(0.99, elapsed / expected) if expected > 0 else 0.0
    filled = int(share * width)
    remaining = max(0.0, expected - elapsed)
    left = f"about {format_seconds(remaining)} left" if remaining > 0 else "taking longer than expected"
    return f"[{'#' * filled}{'.' * (width - filled)}] {int(share * 100):3d} %  {format_seconds(elapsed)} - {left} - {stage}"
