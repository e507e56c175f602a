"""Rule tests: every fixture company's expected outcomes, checked against its verdict.

Each expectation is one test: `best_profile`, `tier`, `score`, `status`,
`disqualified_by`, `warnings`, and one test per entry under `criteria` (a rule's
result), `groups` (a group's subtotal) and `flags` (true, false or null). Results are data; the
pytest plugin, `icp test` and the handbook all render them.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..textsafety import one_line
from .evaluate import evaluate
from .model import Fixture, Handbook
from .verdict import Verdict


@dataclass(frozen=True)
class Check:
    """One expectation of one fixture, as a test."""

    fixture: Fixture
    key: str
    expected: Any
    line: int

    @property
    def name(self) -> str:
        return f"{self.fixture.id}::{self.key}"


@dataclass(frozen=True)
class CheckResult:
    check: Check
    passed: bool
    actual: Any
    verdict: Verdict

    @property
    def message(self) -> str:
        if self.passed:
            return "passed"
        return one_line(
            f"expected {self.check.key} {_show(self.check.expected)}, got {_show(self.actual)}"
        )


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def checks(fixture: Fixture) -> Iterator[Check]:
    for exp in fixture.expectations:
        if exp.key in MAPPED:
            for item_key, value in exp.expected.items():
                yield Check(fixture, f"{exp.key}[{item_key}]", value, exp.line)
        else:
            yield Check(fixture, exp.key, exp.expected, exp.line)


#: expectations that are mappings: one test per entry, named `key[entry]`
MAPPED = ("criteria", "groups", "flags")


def actual(check_key: str, verdict: Verdict) -> Any:
    if check_key.startswith("criteria["):
        result = verdict.rule(check_key[len("criteria[") : -1])
        return result.status if result else None
    if check_key.startswith("groups["):
        return verdict.group(check_key[len("groups[") : -1])
    if check_key.startswith("flags["):
        return verdict.flag_values.get(check_key[len("flags[") : -1])
    if check_key in ("disqualified_by", "warnings"):
        return sorted(getattr(verdict, check_key))
    return getattr(verdict, check_key)


def passes(check: Check, verdict: Verdict) -> tuple[bool, Any]:
    got = actual(check.key, verdict)
    want = sorted(check.expected) if isinstance(check.expected, list) else check.expected
    return got == want, got


def fixture_as_of(fixture: Fixture, today: dt.date) -> dt.date:
    return fixture.as_of or today


@dataclass(frozen=True)
class FixtureRun:
    """Every runnable fixture of one handbook evaluated once, on one day.

    The rule tests, coverage, badges and the site pages all read these verdicts, so a
    command that shows several of them evaluates each fixture a single time."""

    handbook: Handbook
    today: dt.date
    #: the verdict of every runnable (not broken) fixture, by fixture path
    verdicts: dict[str, Verdict]


def run_fixtures(handbook: Handbook, *, today: dt.date) -> FixtureRun:
    """Evaluate every runnable fixture of `handbook` once (as of its `as_of`, else `today`)."""
    return FixtureRun(handbook, today, verdicts(handbook, today))


def verdicts(handbook: Handbook, today: dt.date) -> dict[str, Verdict]:
    """The verdict of every runnable fixture, by fixture path."""
    return {
        f.path: evaluate(handbook, f.company, fixture_as_of(f, today))
        for f in handbook.fixtures
        if not f.broken
    }


@dataclass(frozen=True)
class TestRun:
    results: tuple[CheckResult, ...]
    #: fixtures left out because a company value does not fit (validate reports why)
    broken: tuple[Fixture, ...]

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def ok(self) -> bool:
        return bool(self.results) and not self.failed and not self.broken


def run(
    handbook: Handbook,
    *,
    today: dt.date,
    name_filter: str | None = None,
    fixtures: FixtureRun | None = None,
) -> TestRun:
    """Run every expectation of every fixture (or those whose name matches `name_filter`,
    a substring or a glob on 'fixture::expectation').

    With `fixtures` (from `run_fixtures` on the same handbook), its verdicts are used
    instead of evaluating the fixtures again."""
    results = []
    by_path = (fixtures or run_fixtures(handbook, today=today)).verdicts
    for fixture in handbook.fixtures:
        if fixture.broken:
            continue
        verdict = by_path[fixture.path]
        for check in checks(fixture):
            if name_filter and not _matches(check.name, name_filter):
                continue
            ok, got = passes(check, verdict)
            results.append(CheckResult(check, ok, got, verdict))
    broken = tuple(f for f in handbook.fixtures if f.broken)
    return TestRun(tuple(results), broken)


def _matches(name: str, pattern: str) -> bool:
    return pattern in name or fnmatch.fnmatch(name, pattern)
