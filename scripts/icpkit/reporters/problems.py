"""Reporting a validation report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..problems import Level, Report
from ..textsafety import visible
from ..wording import counted
from . import FORMATS as ALL_FORMATS
from . import annotation, envelope

FORMATS = ALL_FORMATS["validate"]

#: GitHub shows at most this many annotations of each level per step and drops the rest
ANNOTATIONS_PER_LEVEL = 10
GITHUB_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


@dataclass(frozen=True)
class Annotation:
    """One GitHub annotation before escaping: level is error, warning or notice."""

    level: str
    path: str
    line: int
    column: int
    title: str
    message: str


def capped(items: Sequence[Annotation], *, where: str) -> list[str]:
    """Workflow commands for `items`, at most `ANNOTATIONS_PER_LEVEL` of each level (GitHub
    drops the rest silently), then one notice saying how many more there are and `where`
    to read them. The notice counts against the notice cap, so notices keep one slot free."""
    shown: list[str] = []
    hidden: dict[str, int] = {}
    room = {"error": ANNOTATIONS_PER_LEVEL, "warning": ANNOTATIONS_PER_LEVEL}
    room["notice"] = ANNOTATIONS_PER_LEVEL - 1
    for a in items:
        if room.get(a.level, 0) > 0:
            room[a.level] -= 1
            shown.append(
                annotation(a.level, visible(a.path), a.line, a.column, a.title, visible(a.message))
            )
        else:
            hidden[a.level] = hidden.get(a.level, 0) + 1
    if hidden:
        words = {"error": "error", "warning": "warning", "notice": "note"}
        counts = ", ".join(
            f"{n} more {words[level]}{'s' if n != 1 else ''}" for level, n in hidden.items()
        )
        shown.append(
            f"::notice title=More problems than GitHub shows::{counts} not shown as "
            f"annotations (GitHub shows {ANNOTATIONS_PER_LEVEL} of each per step): read them "
            f"in {where}"
        )
    return shown


def github_annotations(
    report: Report,
    *,
    strict: bool = False,
    where: str = "the log of this step (every problem is listed below)",
) -> list[str]:
    """The report's problems as GitHub workflow commands, errors first, capped per level
    (`capped`, whose last notice says `where` to read the rest); with `strict`, warnings
    are errors. Shapes: one line per annotation."""
    ordered = sorted(report.sorted(), key=lambda p: (p.level is not Level.ERROR, p))
    return capped(
        [
            Annotation(
                "error"
                if p.level is Level.ERROR or (strict and p.level is Level.WARNING)
                else GITHUB_LEVELS[str(p.level)],
                p.path,
                p.line,
                p.column,
                p.rule,
                p.message,
            )
            for p in ordered
        ],
        where=where,
    )


def render(report: Report, fmt: str, *, strict: bool, command: str = "validate") -> str:
    problems = report.sorted()
    failed = report.failed(strict=strict)
    if fmt == "json":
        return envelope(
            command,
            not failed,
            strict=strict,
            summary={
                "files": report.files_checked,
                "errors": len(report.errors),
                "warnings": len(report.warnings),
            },
            problems=[p.as_dict() for p in problems],
        )
    lines = github_annotations(report, strict=strict) if fmt == "github" else []
    lines += [visible(str(p)) for p in problems]
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = "failed" if failed else "passed"
    note = " (--strict: warnings fail)" if strict and warnings else ""
    lines.append(
        f"{counted(report.files_checked, 'file')} checked: {counted(errors, 'error')}, "
        f"{counted(warnings, 'warning')}"
        f"; validation {verdict}{note}"
    )
    return "\n".join(lines)
