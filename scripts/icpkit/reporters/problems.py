"""Reporting a validation report."""

from __future__ import annotations

from ..problems import Report
from . import FORMATS as ALL_FORMATS
from . import annotation, envelope

FORMATS = ALL_FORMATS["validate"]


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
    lines = []
    if fmt == "github":
        lines += [
            annotation(
                "error" if str(p.level) == "error" or strict else "warning",
                p.path,
                p.line,
                p.column,
                p.rule,
                p.message,
            )
            for p in problems
        ]
    else:
        lines += [str(p) for p in problems]
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = "failed" if failed else "passed"
    note = " (--strict: warnings fail)" if strict and warnings else ""
    lines.append(
        f"{report.files_checked} files checked: {errors} error"
        f"{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
        f"; validation {verdict}{note}"
    )
    return "\n".join(lines)
