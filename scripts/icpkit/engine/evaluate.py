"""The row-by-row evaluator: the evaluation contract, implemented once, explained always.

1. Each hard requirement is met, unmet or unknown (three-valued logic; a test
   on a missing value is unknown, never a match or a miss).
2. Soft criteria add their points when met; warning signs of negative
   portraits that apply to the ICP take theirs off. The score gives the tier
   (the ICP's thresholds, else the tier policy's).
3. An ICP with an unmet requirement is not eligible. An ICP with an unknown
   requirement is capped at the policy's `unknown_cap`.
4. Best fit: among eligible ICPs, the best tier, then the highest score, then
   the lowest priority number, then the id. None eligible: no best profile,
   score 0, tier D.
5. A negative portrait disqualifies when one of its disqualifiers is met
   (unknown never disqualifies): the tier is D whatever the score, and the best
   profile and its score are kept for the explanation.

The bulk scorer (`icpkit.sql.sqlcompile`) compiles the same contract to SQL; the
property-based tests prove both give the same verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, assert_never

from .model import (
    TIER_RANK,
    AllOf,
    AnyOf,
    Condition,
    Handbook,
    Icp,
    Leaf,
    Negative,
    Not,
    Rule,
    SegmentRef,
)
from .operators import OPERATORS, Ctx, Tri
from .verdict import LeafResult, NegativeVerdict, ProfileVerdict, RuleResult, Verdict


def test_condition(
    cond: Condition, company: Mapping[str, Any], ctx: Ctx, trace: list[LeafResult] | None = None
) -> Tri:
    """Three-valued result of a condition (Kleene logic, as SQL's AND / OR / NOT)."""
    match cond:
        case Leaf():
            op = OPERATORS[cond.op]
            value = company.get(cond.field)
            known = value is not None or op.null_known
            result = op.test(value, cond.operand, ctx) if known else None
            if trace is not None:
                trace.append(LeafResult(cond.field, cond.op, cond.shown, value, result))
            return result
        case AllOf():
            results = [test_condition(c, company, ctx, trace) for c in cond.items]
            if any(r is False for r in results):
                return False
            return None if any(r is None for r in results) else True
        case AnyOf():
            results = [test_condition(c, company, ctx, trace) for c in cond.items]
            if any(r is True for r in results):
                return True
            return None if any(r is None for r in results) else False
        case Not():
            inner = test_condition(cond.item, company, ctx, trace)
            return None if inner is None else not inner
        case SegmentRef():
            return test_condition(cond.item, company, ctx, trace)
        case _:
            assert_never(cond)


def apply_rule(rule: Rule, owner: str, company: Mapping[str, Any], ctx: Ctx) -> RuleResult:
    trace: list[LeafResult] = []
    result = test_condition(rule.when, company, ctx, trace)
    return RuleResult(rule, owner, result, tuple(trace), rule.points if result is True else 0)


def cap(tier: str, limit: str) -> str:
    return limit if TIER_RANK[tier] > TIER_RANK[limit] else tier


def _profile(
    icp: Icp,
    order: int,
    company: Mapping[str, Any],
    ctx: Ctx,
    cap_to: str,
    warnings: list[tuple[Negative, RuleResult]],
) -> ProfileVerdict:
    reqs = tuple(apply_rule(r, icp.id, company, ctx) for r in icp.requirements)
    crit = tuple(apply_rule(r, icp.id, company, ctx) for r in icp.criteria)
    applied = tuple(r for neg, r in warnings if neg.applies(icp.id))
    eligible = all(r.result is not False for r in reqs)
    capped = eligible and any(r.result is None for r in reqs)
    score = sum(r.points for r in crit) + sum(r.points for r in applied)
    score_tier = icp.tiers.tier_of(score)
    tier = (cap(score_tier, cap_to) if capped else score_tier) if eligible else None
    rank = (TIER_RANK[tier], score, -order) if tier else (0, 0, -order)
    return ProfileVerdict(
        icp.id, icp.title, reqs, crit, applied, eligible, capped, score, score_tier, tier, rank
    )


def evaluate(handbook: Handbook, company: Mapping[str, Any], as_of: dt.date) -> Verdict:
    """The verdict for one company (field name to parsed value; absent means unknown)."""
    ctx = Ctx(as_of)
    company = {
        name: (frozenset() if company.get(name) is None and fld.empty_set else company.get(name))
        for name, fld in handbook.fields.items()
    }
    negatives = []
    warnings: list[tuple[Negative, RuleResult]] = []
    for neg in handbook.active_negatives:
        disq = tuple(apply_rule(r, neg.id, company, ctx) for r in neg.disqualifiers)
        warn = tuple(apply_rule(r, neg.id, company, ctx) for r in neg.warnings)
        negatives.append(NegativeVerdict(neg.id, neg.title, disq, warn))
        warnings += [(neg, w) for w in warn]
    profiles = tuple(
        _profile(icp, i, company, ctx, handbook.policy.unknown_cap, warnings)
        for i, icp in enumerate(handbook.active_icps)
    )
    eligible = [p for p in profiles if p.eligible]
    best = max(eligible, key=lambda p: p.rank) if eligible else None
    disqualified_by = tuple(n.negative for n in negatives if n.disqualifies)
    tier = "D" if disqualified_by or best is None else str(best.tier)
    return Verdict(
        as_of=as_of,
        profiles=profiles,
        negatives=tuple(negatives),
        best_profile=best.icp if best else None,
        score=best.score if best else 0,
        tier=tier,
        disqualified_by=disqualified_by,
        unknown_fields=unknown_fields(handbook, company),
    )


def unknown_fields(handbook: Handbook, company: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(name for name in handbook.read_fields if company.get(name) is None)
