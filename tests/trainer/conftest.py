"""Trainer tools always run on a temporary copy of the project, never on the checkout itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citizenbot.trainer.project import Project

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
NEW_TOPIC_FILE = DATA / "allotment_gardens.yml"
NEW_TOPIC = "maintenance.allotment_gardens"


def pytest_configure(config):
    config.addinivalue_line("markers", "training: trains a Rasa model and talks to the bot (about 2 minutes)")


def copy_project(dest: Path) -> Project:
    """What the trainer tools read and write: config, domain, data, knowledge base, eval sets."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("config.yml", "domain.yml", "credentials.yml", "endpoints.yml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "data", dest / "data")
    shutil.copytree(ROOT / "kb", dest / "kb")
    shutil.copytree(ROOT / "tests" / "eval", dest / "tests" / "eval")
    return Project(dest)


@pytest.fixture
def project(tmp_path) -> Project:
    return copy_project(tmp_path / "project")


def snapshot(project: Project) -> dict[str, bytes]:
    """Every file of the copy, to show that a command changed nothing."""
    return {str(p.relative_to(project.root)): p.read_bytes() for p in sorted(project.root.rglob("*"))
            if p.is_file() and "var" not in p.relative_to(project.root).parts}
