"""Verdicts as plain data: what the rules say about one company, and why.

One status per company (`Verdict.status`, the `status` column of `icp score`), decided
in this order:

- `disqualified`: a negative portrait's disqualifier is met. Tier D; the best
  profile's score, or 0 with the tier policy's `disqualified_score: zero`.
- a gate's status (`not_found`, ...): a status gate of the tier policy is met
  (the first in order), or every active ICP is stopped by a gate of its own
  (the first ICP's). No score, no tier (None; empty cells).
- `insufficient_data`: no ICP is known enough to be a best fit (no requirement
  known, or fewer than the policy's `min_known_share`) while some ICP is still
  eligible. No score, no tier, no best profile.
- `scored`: otherwise. The best profile with its score and tier, or, when no
  ICP fits, no best profile, score 0 and tier D.

`insufficient_data` is one status whether the engine finds it (no requirement of any ICP
known) or a tier policy gate of that name declares it (PostHog's "no headcount, no funding,
no tags, no traffic"): either way the company gets a status and no score, because "no data
yet" must never read as "evaluated and low". A company with no score still has its best
case (`best_case_tier`, `deciding_fields`) when the status is `insufficient_data`: the tier
it would reach if its unknowns went its way, counted from D; a gate's status has none.
Flags marked `only_when_scored` are shown only for `scored`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .model import Rule
from .operators import Tri

#: the status of a company that is judged: neither disqualified, nor stopped by a gate, nor
#: short of known data
SCORED = "scored"
DISQUALIFIED = "disqualified"
#: no ICP known enough to judge (also a gate's status when a tier policy declares it)
INSUFFICIENT_DATA = "insufficient_data"


def has_score(status: str) -> bool:
    """A company with this status has a score and a tier (scored or disqualified)."""
    return status in (SCORED, DISQUALIFIED)


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
    #: (group id, subtotal) of every group of the profile's criteria, depth first
    groups: tuple[tuple[str, int], ...] = ()
    #: the status of the profile's first status gate met (the profile is then not eligible)
    status: str | None = None
    #: the profile's own status gates, in order
    gates: tuple[RuleResult, ...] = ()

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
    #: None when the status withholds a score (a gate's status, insufficient_data)
    score: int | None
    tier: str | None
    disqualified_by: tuple[str, ...]
    unknown_fields: tuple[str, ...]
    #: scored | disqualified | insufficient_data | a status gate's status (see the module)
    status: str = SCORED
    #: the tier if every unknown went the company's way (equal to `tier` when none matters;
    #: counted from D for insufficient_data; None for a gate's status)
    best_case_tier: str | None = "D"
    #: the unknown fields that stand between `tier` and `best_case_tier`
    deciding_fields: tuple[str, ...] = ()
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

    def shows_score(self, profile: ProfileVerdict) -> bool:
        """A profile's score, tier and group subtotals are written (the per-profile
        columns, explain): it is eligible and the company's status gives a score (a gate or
        insufficient data withholds every profile's score, as the company's)."""
        return profile.eligible and has_score(self.status)

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
