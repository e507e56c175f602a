"""Criterion coverage: does some fixture make each rule met, some unmet, and (when its data
can be missing) some unknown? A rule that no fixture exercises both ways is untested."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import assert_never

from .model import AllOf, AnyOf, Condition, CountOf, Handbook, Leaf, Not, Rule, SegmentRef
from .operators import OPERATORS
from .ruletests import FixtureRun, run_fixtures


def can_be_unknown(cond: Condition, handbook: Handbook) -> bool:
    """Whether missing data can make the condition unknown (never for present / missing; an
    absent set is unknown too, whatever its field's empty cell means)."""
    match cond:
        case Leaf():
            return not OPERATORS[cond.op].null_known
        case AllOf() | AnyOf() | CountOf():
            return any(can_be_unknown(c, handbook) for c in cond.items)
        case Not() | SegmentRef():
            return can_be_unknown(cond.item, handbook)
        case _:
            assert_never(cond)


@dataclass(frozen=True)
class RuleCoverage:
    owner: str
    rule: Rule
    needed: tuple[str, ...]
    seen: tuple[str, ...]
    #: fixtures that showed each status, for the handbook
    examples: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.rule.id}"

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(s for s in self.needed if s not in self.seen)

    @property
    def covered(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Coverage:
    rules: tuple[RuleCoverage, ...]

    @property
    def percent(self) -> float:
        if not self.rules:
            return 100.0
        return 100.0 * sum(r.covered for r in self.rules) / len(self.rules)


def coverage(handbook: Handbook, *, today: dt.date, fixtures: FixtureRun | None = None) -> Coverage:
    """Which statuses some fixture shows for each rule of each active profile.

    With `fixtures` (from `run_fixtures` on the same handbook), its verdicts are used
    instead of evaluating the fixtures again."""
    by_fixture = (fixtures or run_fixtures(handbook, today=today)).verdicts
    names = {f.path: f.name for f in handbook.fixtures}
    out = []
    for owner in handbook.active_owners:
        for rule in owner.rules:
            unknowable = can_be_unknown(rule.when, handbook)
            needed = ("met", "unmet", "unknown") if unknowable else ("met", "unmet")
            seen: dict[str, str] = {}
            for path, verdict in by_fixture.items():
                result = verdict.rule(f"{owner.id}/{rule.id}")
                if result is not None:
                    seen.setdefault(result.status, names[path])
            out.append(
                RuleCoverage(
                    owner.id,
                    rule,
                    needed,
                    tuple(s for s in needed if s in seen),
                    tuple(sorted(seen.items())),
                )
            )
    return Coverage(tuple(out))
