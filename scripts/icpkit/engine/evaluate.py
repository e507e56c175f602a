"""The row-by-row evaluator: the evaluation contract, implemented once, explained always.

1. Each hard requirement is met, unmet or unknown (three-valued logic; a test
   on a missing value is unknown, never a match or a miss).
2. Soft criteria add their points when met; warning signs of negative
   portraits that apply to the ICP take theirs off. The score gives the tier
   (the ICP's thresholds, else the tier policy's).
3. An ICP with an unmet requirement is not eligible. An ICP with an unknown
   requirement is capped at the policy's `unknown_cap`.
4. Best fit: among eligible ICPs with enough requirements known (at least
   one, and the tier policy's `min_known_share`), the best tier, then the
   highest score, then the lowest priority number, then the id. None: no best
   profile, score 0, tier D, and status `insufficient_data` when some ICP is
   still eligible (its requirements unknown) or `no_fit` when none is.
   Absent data is unknown: a field the company does not have is never read as
   an empty set (the vocabulary's `empty` rule is for present, empty cells).
6. The best case: the best tier an eligible ICP reaches if every unknown went
   the company's way (unknown requirements met, unknown criteria earned, no
   cap), and the unknown fields that decide it.
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
    Policy,
    Rule,
    SegmentRef,
    condition_fields,
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
    policy: Policy,
    warnings: list[tuple[Negative, RuleResult]],
) -> ProfileVerdict:
    cap_to = policy.unknown_cap
    reqs = tuple(apply_rule(r, icp.id, company, ctx) for r in icp.requirements)
    crit = tuple(apply_rule(r, icp.id, company, ctx) for r in icp.criteria)
    applied = tuple(r for neg, r in warnings if neg.applies(icp.id))
    eligible = all(r.result is not False for r in reqs)
    capped = eligible and any(r.result is None for r in reqs)
    score = sum(r.points for r in crit) + sum(r.points for r in applied)
    score_tier = icp.tiers.tier_of(score)
    tier = (cap(score_tier, cap_to) if capped else score_tier) if eligible else None
    rank = (TIER_RANK[tier], score, -order) if tier else (0, 0, -order)
    known = sum(r.result is not None for r in reqs)
    upside = sum(r.rule.points for r in crit if r.result is None and r.rule.points > 0)
    return ProfileVerdict(
        *(icp.id, icp.title, reqs, crit, applied, eligible, capped, score, score_tier, tier, rank),
        known=known,
        enough=policy.known_enough(known, len(reqs)),
        upside=upside,
        best_case_tier=icp.tiers.tier_of(score + upside) if eligible else None,
    )


def evaluate(handbook: Handbook, company: Mapping[str, Any], as_of: dt.date) -> Verdict:
    """The verdict for one company (field name to parsed value; absent means unknown)."""
    ctx = Ctx(as_of)
    negatives = []
    warnings: list[tuple[Negative, RuleResult]] = []
    for neg in handbook.active_negatives:
        disq = tuple(apply_rule(r, neg.id, company, ctx) for r in neg.disqualifiers)
        warn = tuple(apply_rule(r, neg.id, company, ctx) for r in neg.warnings)
        negatives.append(NegativeVerdict(neg.id, neg.title, disq, warn))
        warnings += [(neg, w) for w in warn]
    profiles = tuple(
        _profile(icp, i, company, ctx, handbook.policy, warnings)
        for i, icp in enumerate(handbook.active_icps)
    )
    eligible = [p for p in profiles if p.eligible and p.enough]
    best = max(eligible, key=lambda p: p.rank) if eligible else None
    disqualified_by = tuple(n.negative for n in negatives if n.disqualifies)
    tier = "D" if disqualified_by or best is None else str(best.tier)
    best_case, deciding = _best_case(handbook, profiles, company, tier, bool(disqualified_by))
    return Verdict(
        as_of=as_of,
        profiles=profiles,
        negatives=tuple(negatives),
        best_profile=best.icp if best else None,
        score=best.score if best else 0,
        tier=tier,
        disqualified_by=disqualified_by,
        unknown_fields=unknown_fields(handbook, company),
        status=_status(profiles, best is not None, bool(disqualified_by)),
        best_case_tier=best_case,
        deciding_fields=deciding,
    )


def _status(profiles: tuple[ProfileVerdict, ...], fit: bool, disqualified: bool) -> str:
    if disqualified:
        return "disqualified"
    if fit:
        return "fit"
    return "insufficient_data" if any(p.eligible for p in profiles) else "no_fit"


def _best_case(
    handbook: Handbook,
    profiles: tuple[ProfileVerdict, ...],
    company: Mapping[str, Any],
    tier: str,
    disqualified: bool,
) -> tuple[str, tuple[str, ...]]:
    """The best tier any profile reaches if the company's unknowns go its way, and the
    unknown fields that decide it (read by that profile's unknown requirements and
    criteria). A disqualified company stays D."""
    eligible = [p for p in profiles if p.eligible]
    if disqualified or not eligible:
        return tier, ()
    order = {p.icp: i for i, p in enumerate(profiles)}
    top = max(
        eligible,
        key=lambda p: (TIER_RANK[str(p.best_case_tier)], p.score + p.upside, -order[p.icp]),
    )
    best_case = str(top.best_case_tier)
    if TIER_RANK[best_case] <= TIER_RANK[tier]:
        return tier, ()
    rules = [r for r in top.requirements if r.result is None]
    rules += [r for r in top.criteria if r.result is None and r.rule.points > 0]
    read = {f for r in rules for f in condition_fields(r.rule.when)}
    deciding = tuple(n for n in handbook.fields if n in read and company.get(n) is None)
    return best_case, deciding


def unknown_fields(handbook: Handbook, company: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(name for name in handbook.read_fields if company.get(name) is None)
