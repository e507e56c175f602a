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
   profile; status `insufficient_data` (no score, no tier) when some ICP is
   still eligible (its requirements unknown), else score 0 and tier D.
   Absent data is unknown: a field the company does not have is never read as
   an empty set (the vocabulary's `empty` rule is for present, empty cells).
5. The best case: the best tier an eligible ICP reaches if every unknown went
   the company's way (unknown requirements met, unknown criteria earned within
   their groups and caps, no cap on the tier), and the unknown fields that
   decide it. A company with insufficient data has its best case counted from
   D; a disqualified company stays D; a gate's status has none.
5. A negative portrait disqualifies when one of its disqualifiers is met
   (unknown never disqualifies): the tier is D whatever the score, and the best
   profile and its score are kept for the explanation (or, with the policy's
   `disqualified_score: zero`, the score is 0). The status is `disqualified`.
6. Criteria may be grouped: a group's points add up, or with `first_match`
   only the first criterion met counts (an unknown one earns nothing and is
   passed over), and a group never gives more than its cap.
7. Status gates of the tier policy are checked after the disqualifiers: the
   first one met gives its status, and the company has no score and no tier
   (unknown never stops a company); then `insufficient_data` (rule 4).
   Otherwise the status is `scored` (see `icpkit.engine.verdict` for the one
   status concept).
8. Flags of the tier policy change no points; one marked `only_when_scored`
   is shown only when the status is `scored`.

The bulk scorer (`icpkit.sql.sqlcompile`) compiles the same contract to SQL; the
property-based tests prove both give the same verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, assert_never

from .model import (
    TIER_RANK,
    AllOf,
    AnyOf,
    CountOf,
    Group,
    Leaf,
    Not,
    Rule,
    SegmentRef,
    condition_fields,
)
from .normal import Text, read_text
from .operators import OPERATORS, Ctx, Tri
from .verdict import (
    DISQUALIFIED,
    INSUFFICIENT_DATA,
    SCORED,
    LeafResult,
    NegativeVerdict,
    ProfileVerdict,
    RuleResult,
    Verdict,
    has_score,
)

if TYPE_CHECKING:
    from .model import Condition, Field, Handbook, Icp, Negative, Policy


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
        case CountOf():
            results = [test_condition(c, company, ctx, trace) for c in cond.items]
            return count_holds(cond.op, cond.n, results)
        case _:
            assert_never(cond)


def count_holds(op: str, n: int, results: list[Tri]) -> Tri:
    """`at_least n` / `at_most n` of three-valued results: known when the unknown ones cannot
    change the answer, whatever they turn out to be."""
    met = sum(1 for r in results if r is True)
    unknown = sum(1 for r in results if r is None)
    if op == "at_least":
        return True if met >= n else (False if met + unknown < n else None)
    return True if met + unknown <= n else (False if met > n else None)


def group_points(item: Rule | Group, results: Mapping[str, Tri]) -> int:
    """The points of a criterion or group, given each criterion's result by id: a group's
    items add up (with `first_match`, the first criterion met counts alone; an unknown one is
    passed over, as it earns nothing), capped at its `cap`."""
    match item:
        case Rule():
            return item.points if results[item.id] is True else 0
        case Group():
            if item.first_match:
                met = (i for i in item.items if isinstance(i, Rule) and results[i.id] is True)
                first = next(met, None)
                total = first.points if first is not None else 0
            else:
                total = sum(group_points(i, results) for i in item.items)
            return min(total, item.cap) if item.cap is not None else total
        case _:
            assert_never(item)


def _shadowed(icp: Icp, results: Mapping[str, Tri]) -> set[str]:
    """Criteria met inside a first-match group after the first one met: they earn nothing."""
    out: set[str] = set()
    for group in icp.groups:
        if group.first_match:
            met = [i.id for i in group.items if isinstance(i, Rule) and results[i.id] is True]
            out.update(met[1:])
    return out


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
    results = {r.rule.id: r.result for r in crit}
    positive = {r.rule.id for r in crit if r.rule.points > 0}
    shadowed = _shadowed(icp, results)
    if shadowed:
        crit = tuple(replace(r, points=0) if r.rule.id in shadowed else r for r in crit)
    groups = tuple((g.id, group_points(g, results)) for g in icp.groups)
    applied = tuple(r for neg, r in warnings if neg.applies(icp.id))
    gates = tuple(apply_rule(g, icp.id, company, ctx) for g in icp.gates)
    gated = next((g.rule.id for g in gates if g.result is True), None)
    eligible = gated is None and all(r.result is not False for r in reqs)
    capped = eligible and any(r.result is None for r in reqs)
    earned = sum(group_points(i, results) for i in icp.items)
    score = earned + sum(r.points for r in applied)
    score_tier = icp.tiers.tier_of(score)
    tier = (cap(score_tier, cap_to) if capped else score_tier) if eligible else None
    rank = (TIER_RANK[tier], score, -order) if tier else (0, 0, -order)
    known = sum(r.result is not None for r in reqs)
    # the best case: an unknown criterion goes the company's way (earned when it gives points)
    hoped = {k: (v if v is not None else k in positive) for k, v in results.items()}
    upside = sum(group_points(i, hoped) for i in icp.items) - earned if eligible else 0
    return ProfileVerdict(
        *(icp.id, icp.title, reqs, crit, applied, eligible, capped, score, score_tier, tier, rank),
        groups=groups,
        status=gated,
        gates=gates,
        known=known,
        enough=policy.known_enough(known, len(reqs)),
        upside=upside,
        best_case_tier=icp.tiers.tier_of(score + upside) if eligible else None,
    )


def evaluate(handbook: Handbook, company: Mapping[str, Any], as_of: dt.date) -> Verdict:
    """The verdict for one company (field name to parsed value; absent means unknown)."""
    ctx = Ctx(as_of)
    company = {name: _value(fld, company.get(name)) for name, fld in handbook.fields.items()}
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
    policy = handbook.policy
    gates = tuple(apply_rule(g, "policy", company, ctx) for g in policy.gates)
    gated = next((g.rule.id for g in gates if g.result is True), None)
    if gated is None and profiles and all(p.status for p in profiles):
        gated = profiles[0].status  # every profile stopped by a gate of its own
    insufficient = best is None and any(p.eligible for p in profiles)
    status = DISQUALIFIED if disqualified_by else (gated or _fallback(insufficient))
    today = "D" if disqualified_by or best is None else str(best.tier)
    tier: str | None = today
    score: int | None = best.score if best else 0
    best_case: str | None = None
    deciding: tuple[str, ...] = ()
    if status in (SCORED, DISQUALIFIED, INSUFFICIENT_DATA):
        best_case, deciding = _best_case(
            handbook, profiles, company, today, bool(disqualified_by), as_of
        )
    if status == DISQUALIFIED and policy.disqualified_score == "zero":
        score = 0
    elif not has_score(status):
        tier, score = None, None
    flags = []
    for flag in policy.flags:
        result = apply_rule(flag.rule, "policy", company, ctx)
        shown = status == SCORED or not flag.only_when_scored
        flags.append((result, result.result if shown else None))
    return Verdict(
        as_of=as_of,
        profiles=profiles,
        negatives=tuple(negatives),
        best_profile=best.icp if best else None,
        score=score,
        tier=tier,
        disqualified_by=disqualified_by,
        unknown_fields=unknown_fields(handbook, company),
        status=status,
        best_case_tier=best_case,
        deciding_fields=deciding,
        gates=gates,
        flags=tuple(flags),
    )


def _fallback(insufficient: bool) -> str:
    """The status when no disqualifier and no gate decided it."""
    return INSUFFICIENT_DATA if insufficient else SCORED


def _best_case(
    handbook: Handbook,
    profiles: tuple[ProfileVerdict, ...],
    company: Mapping[str, Any],
    tier: str,
    disqualified: bool,
    as_of: dt.date,
) -> tuple[str, tuple[str, ...]]:
    """The best tier any profile reaches if the company's unknowns go its way, and the
    fields that decide it: read by that profile's unknown requirements and criteria, and
    unknown, a band, or a date after `as_of` (not known then, `operators`). A disqualified
    company stays D."""
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
    deciding = tuple(
        n for n in handbook.fields if n in read and not _settled(company.get(n), as_of)
    )
    return best_case, deciding


def _settled(value: Any, as_of: dt.date) -> bool:
    """A value that answers the rules reading it as of `as_of`: exact (`_exact`), and not a
    date after `as_of`."""
    return _exact(value) and not (isinstance(value, dt.date) and value > as_of)


def _exact(value: Any) -> bool:
    """A known value that is not a band: an account of '51-200' people may still be asked
    its headcount when the band straddles a rule's edge."""
    return value is not None and not (isinstance(value, tuple) and value[0] != value[1])


def _value(fld: Field, value: Any) -> Any:
    """A company value as the operators take it: text carries its normal form; an absent
    value stays unknown."""
    if value is None:
        return None  # absent is unknown, never the empty set (that is a present, empty cell)
    if fld.type == "text" and isinstance(value, str) and not isinstance(value, Text):
        return read_text(value, fld.folds)
    return value


def unknown_fields(handbook: Handbook, company: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields read that have no value in `company` (its values as `_value` reads them)."""
    return tuple(name for name in handbook.read_fields if company.get(name) is None)
