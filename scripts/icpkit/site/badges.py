"""Badges for the README and the handbook: SVG files (drawn by pybadges, offline) and
shields.io endpoint JSON, from real results: rule tests, criterion coverage, profiles
overdue for review, and regressions against the main branch (from a saved `icp diff`)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from ..engine.coverage import Coverage
from ..engine.model import Handbook, review_overdue
from ..engine.ruletests import TestRun
from ..errors import InputError

GREEN, YELLOW, RED, GREY = "#2e7d32", "#b7791f", "#c62828", "#757575"


@dataclass(frozen=True)
class Badge:
    name: str
    label: str
    message: str
    color: str

    def svg(self) -> str:
        try:
            import pybadges
        except ImportError as exc:  # pybadges imports imghdr, removed in Python 3.13
            raise InputError(f"cannot draw badges: {exc}") from None

        return str(
            pybadges.badge(left_text=self.label, right_text=self.message, right_color=self.color)
        )

    def endpoint(self) -> str:
        """shields.io endpoint JSON (https://shields.io/badges/endpoint-badge)."""
        return (
            json.dumps(
                {
                    "schemaVersion": 1,
                    "label": self.label,
                    "message": self.message,
                    "color": self.color.lstrip("#"),
                }
            )
            + "\n"
        )


def badges(
    handbook: Handbook,
    result: TestRun,
    criterion_coverage: Coverage,
    *,
    today: dt.date,
    diff_report: Path | None = None,
) -> list[Badge]:
    """The badges for a rule-test run and its coverage (computed once by the caller)."""
    failed = len(result.failed)
    tests = Badge(
        "rule-tests",
        "rule tests",
        f"{failed} failed" if failed else f"{len(result.results)} passed",
        RED if failed or not result.results else GREEN,
    )
    cov = criterion_coverage.percent
    cover = Badge(
        "coverage",
        "criterion coverage",
        f"{cov:.0f}%",
        GREEN if cov >= 100 else YELLOW if cov >= 80 else RED,
    )
    overdue = [o for o in handbook.owners if review_overdue(o, today)]
    reviews = Badge(
        "reviews", "reviews overdue", str(len(overdue)), GREEN if not overdue else YELLOW
    )
    out = [tests, cover, reviews]
    if diff_report is not None:
        data = json.loads(diff_report.read_text(encoding="utf-8"))
        n = len(data.get("regressions", []))
        out.append(Badge("regressions", "regressions vs main", str(n), GREEN if n == 0 else RED))
    else:
        out.append(Badge("regressions", "regressions vs main", "not checked", GREY))
    return out


def files(items: list[Badge]) -> dict[str, bytes]:
    """badges/<name>.svg and badges/<name>.json for every badge."""
    out: dict[str, bytes] = {}
    for b in items:
        out[f"badges/{b.name}.svg"] = b.svg().encode()
        out[f"badges/{b.name}.json"] = b.endpoint().encode()
    return out
