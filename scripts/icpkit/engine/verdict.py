"""Verdicts as plain data: what the rules say about one company, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .model import Rule
from .operators import Tri


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
    #: hard requirements whose result is known (met or unmet)
    known: int = 0
    #: enough requirements known (the tier policy's min_known_share) to be a best fit
    enough: bool = True
    #: points of criteria that are unknown: what the score could still gain
    upside: int = 0
    #: the tier if every unknown went the company's way (no cap); None when not eligible
    best_case_tier: str | None = None

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
    score: int
    tier: str
    disqualified_by: tuple[str, ...]
    unknown_fields: tuple[str, ...]
    #: fit | no_fit | disqualified | insufficient_data (no profile known enough to judge)
    status: str = "fit"
    #: the tier if every unknown went the company's way (equal to `tier` when none matters)
    best_case_tier: str = "D"
    #: the unknown fields that stand between `tier` and `best_case_tier`
    deciding_fields: tuple[str, ...] = ()

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
