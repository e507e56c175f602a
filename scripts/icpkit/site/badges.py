"""Badges for the README and the handbook: SVG files (drawn by anybadge, offline, on every
supported Python; pybadges imports imghdr, removed in 3.13, and is no longer released) and
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
        """The badge as an SVG document (no XML declaration, so it can be inlined in HTML);
        label and message are XML-escaped by anybadge. Raises InputError if it cannot."""
        try:
            import anybadge

            drawn = anybadge.Badge(label=self.label, value=self.message, default_color=self.color)
            # anybadge numbers masks from a global counter: name it, so the SVG is the same
            # on every run and unique when several badges are inlined in one page
            drawn.mask_str = f"icp-badge-{self.name}"
            text = str(drawn.badge_svg_text)
        except (ImportError, ValueError) as exc:
            raise InputError(f"cannot draw the badge {self.name}: {exc}") from None
        return text[text.index("<svg") :]

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
        n = regressions(diff_report)
        out.append(Badge("regressions", "regressions vs main", str(n), GREEN if n == 0 else RED))
    else:
        out.append(Badge("regressions", "regressions vs main", "not checked", GREY))
    return out


def regressions(diff_report: Path) -> int:
    """How many regressions a saved `icp diff --format json` lists. Raises InputError naming
    the file (and line:col) when it cannot be read, is not JSON, or is not such a report."""
    expected = "expected the output of icp diff --format json"
    try:
        text = diff_report.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"{diff_report}: cannot read the file ({reason}); {expected}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{diff_report}:{exc.lineno}:{exc.colno}: found invalid JSON ({exc.msg}); {expected}"
        ) from None
    found = data.get("regressions") if isinstance(data, dict) else None
    if not isinstance(found, list) or (isinstance(data, dict) and data.get("command") != "diff"):
        raise InputError(f"{diff_report}: found no list of regressions; {expected}")
    return len(found)


def files(items: list[Badge]) -> dict[str, bytes]:
    """badges/<name>.svg and badges/<name>.json for every badge."""
    out: dict[str, bytes] = {}
    for b in items:
        out[f"badges/{b.name}.svg"] = b.svg().encode()
        out[f"badges/{b.name}.json"] = b.endpoint().encode()
    return out
