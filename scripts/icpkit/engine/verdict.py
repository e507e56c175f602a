"""Verdicts as plain data: what the rules say about one company, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .model import Rule
from .operators import Tri

#: the status of a company that is neither disqualified nor stopped by a gate
SCORED = "scored"
DISQUALIFIED = "disqualified"


def status(result: Tri) -> str:
    return "unknown" if result is None else ("met" if result else "unmet")


@dataclass(frozen=True)
class LeafResult:
    """One field test inside a rule: the value it read and what it gave."""

    field: str
    op: str
    operand: Any
    value: Any
    result: Tri


@dataclass(frozen=True)
class RuleResult:
    """One rule applied to one company."""

    rule: Rule
    #: the ICP or negative portrait the rule belongs to
    owner: str
    result: Tri
    leaves: tuple[LeafResult, ...]
    #: points earned: a criterion's points when met, a warning sign's (negative) points when met
    points: int

    @property
    def status(self) -> str:
        return status(self.result)

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.rule.id}"


@dataclass(frozen=True)
class ProfileVerdict:
    """One ICP's verdict for the company."""

    icp: str
    title: str
    requirements: tuple[RuleResult, ...]
    criteria: tuple[RuleResult, ...]
    #: warning signs of negative portraits that apply to this ICP
    warnings: tuple[RuleResult, ...]
    #: no hard requirement unmet
    eligible: bool
    #: some hard requirement unknown: the tier is capped by the tier policy
    capped: bool
    score: int
    #: the tier the score alone gives
    score_tier: str
    #: the tier after the cap; None when not eligible
    tier: str | None
    rank: tuple[int, int, int]
    #: (group id, subtotal) of every group of the profile's criteria, depth first
    groups: tuple[tuple[str, int], ...] = ()
    #: the status of the profile's first status gate met (the profile is then not eligible)
    status: str | None = None

    @property
    def unmet(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.requirements if r.result is False)

    @property
    def unknown(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.requirements if r.result is None)


@dataclass(frozen=True)
class NegativeVerdict:
    negative: str
    title: str
    disqualifiers: tuple[RuleResult, ...]
    warnings: tuple[RuleResult, ...]

    @property
    def disqualifies(self) -> bool:
        return any(r.result is True for r in self.disqualifiers)

    @property
    def fired(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.disqualifiers + self.warnings if r.result is True)


@dataclass(frozen=True)
class Verdict:
    """The whole verdict for one company across the handbook."""

    as_of: dt.date
    profiles: tuple[ProfileVerdict, ...]
    negatives: tuple[NegativeVerdict, ...]
    best_profile: str | None
    #: None when a status gate stopped the company (no score, no tier)
    score: int | None
    tier: str | None
    disqualified_by: tuple[str, ...]
    unknown_fields: tuple[str, ...]
    #: scored, disqualified, or the status of the first status gate met
    status: str = SCORED
    #: the tier policy's status gates, in order
    gates: tuple[RuleResult, ...] = ()
    #: the tier policy's flags; a flag shown only when scored is None otherwise
    flags: tuple[tuple[RuleResult, Tri], ...] = ()

    @property
    def flag_values(self) -> dict[str, Tri]:
        """Flag id -> true, false, or None (unknown, or not shown)."""
        return {r.rule.id: value for r, value in self.flags}

    @property
    def raised(self) -> tuple[str, ...]:
        """The ids of the flags that are up."""
        return tuple(r.rule.id for r, value in self.flags if value is True)

    def group(self, key: str) -> int | None:
        """A group's subtotal by 'profile/group-id' (None when there is no such group)."""
        icp, _, gid = key.partition("/")
        for p in self.profiles:
            if p.icp == icp:
                return dict(p.groups).get(gid)
        return None

    @property
    def best(self) -> ProfileVerdict | None:
        return next((p for p in self.profiles if p.icp == self.best_profile), None)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(r.key for n in self.negatives for r in n.warnings if r.result is True)

    def rule(self, key: str) -> RuleResult | None:
        """A rule's result by 'owner/rule-id'."""
        for p in self.profiles:
            for r in p.requirements + p.criteria:
                if r.key == key:
                    return r
        for n in self.negatives:
            for r in n.disqualifiers + n.warnings:
                if r.key == key:
                    return r
        return None
