"""Which model is deployed, which came before, and how long trainings took.

Models stay in ``models/`` (not versioned). The state is ``var/trainer/models.json``:

    {"deployed": [{"model": ..., "path": ..., "deployed_at": ..., "accuracy": {...}}, ...],
     "trainings": [{"model": ..., "seconds": ..., "examples": ..., "finished_at": ...}, ...]}

``deployed`` is a stack: its last entry is the model the server runs, the one before it is what
``citizenbot rollback`` goes back to. The deployed model is also kept the newest file in
``models/`` (its modification time is touched), so a server restarted with ``rasa run --model
models`` (``make run``) serves it too, not a newer model that was trained but not deployed.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .project import Project, write_text_atomic


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Registry:
    def __init__(self, project: Project):
        self.project = project
        self.path = project.state_dir / "models.json"

    def load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"deployed": [], "trainings": []}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        data.setdefault("deployed", [])
        data.setdefault("trainings", [])
        return data

    def save(self, data: dict[str, Any]) -> None:
        write_text_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1))

    # --- models ------------------------------------------------------------------------------

    def models(self) -> list[Path]:
        """Model files, oldest first (by modification time, as Rasa chooses the latest)."""
        return sorted(self.project.models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)

    def resolve(self, name: str | Path) -> Path:
        path = Path(name)
        if not path.is_absolute() and not path.exists():
            path = self.project.models_dir / Path(name).name
        if not path.exists():
            raise FileNotFoundError(f"no model {name} (models are in {self.project.relative(self.project.models_dir)}/)")
        return path.resolve()

    def deployed(self) -> dict[str, Any] | None:
        stack = self.load()["deployed"]
        return stack[-1] if stack else None

    def previous(self) -> dict[str, Any] | None:
        stack = self.load()["deployed"]
        return stack[-2] if len(stack) > 1 else None

    def latest_trained(self) -> Path | None:
        trainings = self.load()["trainings"]
        for entry in reversed(trainings):
            path = self.project.models_dir / entry["model"]
            if path.exists():
                return path.resolve()
        models = self.models()
        return models[-1].resolve() if models else None

    def record_deploy(self, model: Path, accuracy: dict[str, float] | None) -> None:
        data = self.load()
        data["deployed"].append({"model": model.name, "path": str(model), "deployed_at": _now(),
                                 "accuracy": {k: round(v, 2) for k, v in (accuracy or {}).items()}})
        self.save(data)
        self.keep_newest(model)

    def record_rollback(self) -> dict[str, Any]:
        data = self.load()
        if len(data["deployed"]) < 2:
            raise LookupError("there is no previous model to roll back to")
        undone = data["deployed"].pop()
        data.setdefault("rolled_back", []).append({**undone, "rolled_back_at": _now()})
        self.save(data)
        self.keep_newest(Path(data["deployed"][-1]["path"]))
        return data["deployed"][-1]

    def keep_newest(self, model: Path) -> None:
        """Make the model the newest file in models/ (what `rasa run --model models` loads)."""
        if model.exists():
            newest = max((p.stat().st_mtime for p in self.models()), default=time.time())
            stamp = max(time.time(), newest + 1)
            os.utime(model, (stamp, stamp))

    # --- trainings ---------------------------------------------------------------------------

    def record_training(self, model: Path | None, seconds: float, examples: int) -> None:
        data = self.load()
        data["trainings"].append({"model": model.name if model else None, "seconds": round(seconds, 1),
                                  "examples": examples, "finished_at": _now()})
        data["trainings"] = data["trainings"][-50:]
        self.save(data)

    def trainings(self) -> list[dict[str, Any]]:
        return [t for t in self.load()["trainings"] if t.get("model") and t.get("seconds")]
