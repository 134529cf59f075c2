"""What the data check found: issues with file and line, and the report of a run."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from ..project import Project, load_yaml

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Issue:
    level: str
    code: str
    message: str
    path: str | None = None
    line: int | None = None

    def format(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else (f"{self.path}: " if self.path else "")
        return f"{where}{self.level} [{self.code}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self, level: str | None = None) -> set[str]:
        return {i.code for i in self.issues if level is None or i.level == level}

    def format(self) -> str:
        lines = [i.format() for i in sorted(self.issues, key=lambda i: (i.level != ERROR, i.code, i.path or "", i.line or 0))]
        summary = f"data check: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        if self.ok:
            summary += " - ready to train"
        else:
            summary += " - fix the errors before training (each line names the file and line)"
        return "\n".join(lines + [summary])

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": len(self.errors), "warnings": len(self.warnings),
                "issues": [i.to_dict() for i in self.issues]}


class Findings:
    """The issues of one run, collected by every check (paths relative to the project)."""

    def __init__(self, project: Project):
        self.project = project
        self.issues: list[Issue] = []

    def add(self, level: str, code: str, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.issues.append(Issue(level, code, message, self.project.relative(path) if path else None, line))

    def has(self, *codes: str) -> bool:
        return any(i.code in codes for i in self.issues)

    def read_yaml(self, path: Path) -> Any:
        """A YAML file's data; a missing or broken file is an issue (and None)."""
        try:
            return load_yaml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.add(ERROR, "yaml", "file is missing", path)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.add(ERROR, "yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}", path,
                     mark.line + 1 if mark else None)
        return None
