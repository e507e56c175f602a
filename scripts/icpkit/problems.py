"""One problem type for every finding: file:line:col, level, message, rule id, JSON path."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Level(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    #: context for other problems (never fails a run, even with --strict)
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Problem:
    """A finding in a file. Lines and columns are 1-based."""

    path: str
    line: int
    column: int
    level: Level
    message: str
    rule: str
    json_path: str = "$"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level} {self.message} ({self.rule})"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": str(self.level),
            "message": self.message,
            "rule": self.rule,
            "json_path": self.json_path,
        }


@dataclass
class Report:
    """All problems of one run, collected before anything fails."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.WARNING]

    def failed(self, *, strict: bool) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems))


def json_path(parts: Iterable[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
