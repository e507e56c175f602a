"""What could still pull a verdict down: the downside of its unknowns.

An unknown disqualifier does not disqualify, and an unknown warning sign takes no points
off (the evaluation contract: unknown is never a match). A tier that rests on such an
unknown must still say so: "tier A, but disqualified by 'enterprise-tenders' if Employees
is more than 1,000". `risks` lists, for a scored company with a tier above D, each
disqualifier of an active negative portrait that is unknown (the company would be D),
and each unknown warning sign whose points off alone would lower the tier (the tier it
would drop to). One rule at a time, as the handbook's Qualify page asks one answer at a
time. The words are `explain.risk_sentence`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import TIER_RANK, Handbook
from .verdict import SCORED, LeafResult, RuleResult, Verdict


@dataclass(frozen=True)
class Risk:
    """One unknown rule of a negative portrait that would lower the verdict if met."""

    negative: str
    title: str
    result: RuleResult
    #: the tier the company would get: D for a disqualifier
    tier: str

    @property
    def disqualifies(self) -> bool:
        return self.result.rule.kind == "disqualifier"

    @property
    def unknown_leaves(self) -> tuple[LeafResult, ...]:
        """The tests of the rule that are unknown: what would have to hold."""
        return tuple(leaf for leaf in self.result.leaves if leaf.result is None)


def risks(handbook: Handbook, verdict: Verdict) -> tuple[Risk, ...]:
    """The unknown disqualifiers and warning signs that would lower `verdict` (see the
    module): disqualifiers first, each in handbook order."""
    if verdict.status != SCORED or verdict.tier in (None, "D") or verdict.disqualified_by:
        return ()
    now = TIER_RANK[str(verdict.tier)]
    out = [
        Risk(n.negative, n.title, r, "D")
        for n in verdict.negatives
        for r in n.disqualifiers
        if r.result is None
    ]
    for n in verdict.negatives:
        for r in n.warnings:
            if r.result is None and r.rule.points < 0:
                tier = _tier_with(handbook, verdict, n.negative, r.rule.points)
                if TIER_RANK[tier] < now:
                    out.append(Risk(n.negative, n.title, r, tier))
    return tuple(out)


def _tier_with(handbook: Handbook, verdict: Verdict, negative: str, points: int) -> str:
    """The company's tier if one more warning sign of `negative` took `points` off the
    profiles it applies to (the best fit chosen again, as `evaluate` chooses it)."""
    neg = handbook.negative(negative)
    best: tuple[int, int, int] | None = None
    tier = "D"
    for order, p in enumerate(verdict.profiles):
        icp = handbook.icp(p.icp)
        if not (p.eligible and p.enough) or icp is None:
            continue
        score = p.score + (points if neg is not None and neg.applies(p.icp) else 0)
        t = icp.tiers.tier_of(score)
        if p.capped and TIER_RANK[t] > TIER_RANK[handbook.policy.unknown_cap]:
            t = handbook.policy.unknown_cap
        rank = (TIER_RANK[t], score, -order)
        if best is None or rank > best:
            best, tier = rank, t
    return tier
