"""A verdict in words a sales rep understands, and as data for JSON.

"Employees: 240, between 50 and 1,000: met, +15". Every sentence names the
rule, the value it read, the test, the result and the points.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, assert_never

from ..textsafety import one_line
from .labels import value_label
from .model import AllOf, AnyOf, Condition, CountOf, Field, Handbook, Leaf, Not, SegmentRef
from .operators import OPERATORS, has_unknown_member
from .risk import Risk, risks
from .values import show
from .verdict import (
    INSUFFICIENT_DATA,
    LeafResult,
    ProfileVerdict,
    RuleResult,
    Verdict,
    has_score,
    status,
)


def _bare(cond: Condition) -> Condition:
    """A condition without its segment wrappers."""
    while isinstance(cond, SegmentRef):
        cond = cond.item
    return cond


def shown(fld: Field | None, value: Any) -> str:
    """`values.show`, but allowed values by their labels (`labels.value_label`: 'SaaS',
    'United Kingdom') and a year as written (1990, not 1,990)."""
    if fld is not None and fld.values is not None:
        if isinstance(value, str):
            return one_line(value_label(fld, value))
        if isinstance(value, frozenset | set) and value:
            known = ", ".join(sorted(one_line(value_label(fld, v)) for v in value))
            return known + unrecognised_words(value)
        if isinstance(value, frozenset | set) and has_unknown_member(value):
            return unrecognised_words(value).removeprefix(" and ")
    if fld is not None and fld.unit == "year" and isinstance(value, int | float):
        return str(int(value))
    if fld is not None and fld.unit == "year" and isinstance(value, tuple):
        return "-".join(shown(fld, v) for v in value if v is not None)
    return show(value)


def unrecognised_words(value: Any) -> str:
    """' and 1 unrecognised: 'Google Analytics'' for a set with unknown members (`Members`),
    else ''."""
    if not has_unknown_member(value):
        return ""
    written = value.unrecognised
    quoted = ", ".join(repr(one_line(w)) for w in written)
    return f" and {len(written)} unrecognised: {quoted}"


def operand_words(handbook: Handbook, op: str, operand: Any, fld: Field | None = None) -> str:
    """An operand as the operator's row says it reads: a pair as 'a and b', regions by
    their labels, a list joined with commas, anything else as `values.show` writes it."""
    kind = OPERATORS[op].operand
    if kind == "pair":
        return f"{shown(fld, operand[0])} and {shown(fld, operand[1])}"
    if kind == "regions":
        return ", ".join(
            handbook.regions[r].label if r in handbook.regions else str(r) for r in operand
        )
    if kind == "phrases" and isinstance(operand, dict):
        listed = ", ".join(show(v) for v in operand.get("phrases", ()))
        least = operand.get("min_length", 1)
        return listed + (f" (those of {least}+ characters also inside a name)" if least > 1 else "")
    if isinstance(operand, list | tuple):
        return ", ".join(shown(fld, v) for v in operand)
    return shown(fld, operand)


def condition_words(handbook: Handbook, cond: Condition) -> str:
    """A condition in plain words: 'Employees between 50 and 500'."""
    match cond:
        case Leaf():
            fld = handbook.fields[cond.field]
            phrase = OPERATORS[cond.op].phrase.format(
                x=operand_words(handbook, cond.op, cond.shown, fld)
            )
            return f"{fld.label} {phrase}"
        case SegmentRef():
            return cond.label
        case Not():
            return f"not ({condition_words(handbook, cond.item)})"
        case AllOf() | AnyOf():
            joiner = " and " if isinstance(cond, AllOf) else " or "
            inner = [condition_words(handbook, c) for c in cond.items]
            return joiner.join(f"({w})" if (" and " in w or " or " in w) else w for w in inner)
        case CountOf():
            listed = "; ".join(condition_words(handbook, c) for c in cond.items)
            return f"{cond.op.replace('_', ' ')} {cond.n} of: {listed}"
        case _:
            assert_never(cond)


def leaf_sentence(handbook: Handbook, leaf: LeafResult) -> str:
    fld = handbook.fields[leaf.field]
    phrase = OPERATORS[leaf.op].phrase.format(x=operand_words(handbook, leaf.op, leaf.operand, fld))
    plain = ("people", "year")
    unit = f" {fld.unit}" if fld.unit and leaf.value is not None and fld.unit not in plain else ""
    if fld.type == "date" and leaf.value is not None and leaf.result is None:
        # `operators`: a date after the as-of date says nothing of the days before it
        unit = " (after the as-of date: not known then)"
    return f"{fld.label}: {shown(fld, leaf.value)}{unit}, {phrase}"


def _combined(handbook: Handbook, cond: Condition, leaves: Iterator[LeafResult]) -> str:
    """A condition with each test's own result, all / any / not as a person says them:
    'either Country: GB, in North America (unmet) or Country: GB, equal to FR (unmet)'."""
    match cond:
        case Leaf():
            leaf = next(leaves)
            return f"{leaf_sentence(handbook, leaf)} ({status(leaf.result)})"
        case SegmentRef():
            return _combined(handbook, cond.item, leaves)
        case Not():
            return f"not: {_nested(handbook, cond.item, leaves)}"
        case AnyOf():
            parts = [_nested(handbook, c, leaves) for c in cond.items]
            return "either " + " or ".join(parts) if len(parts) > 1 else parts[0]
        case AllOf():
            parts = [_nested(handbook, c, leaves) for c in cond.items]
            return ("both " if len(parts) == 2 else "all of ") + " and ".join(parts)
        case CountOf():
            parts = [_nested(handbook, c, leaves) for c in cond.items]
            return f"{cond.op.replace('_', ' ')} {cond.n} of: " + "; ".join(parts)
        case _:
            assert_never(cond)


def _nested(handbook: Handbook, cond: Condition, leaves: Iterator[LeafResult]) -> str:
    """A part of a group in words, in brackets when it is a group of several tests itself,
    so that 'either (both A and B) or C' never reads as 'either both A and B or C'."""
    text = _combined(handbook, cond, leaves)
    bare = _bare(cond)
    several = isinstance(bare, AnyOf | AllOf | CountOf) and len(bare.items) > 1
    return f"({text})" if several else text


def rule_sentence(handbook: Handbook, result: RuleResult) -> str:
    """One rule's result in words: 'Employees: 240, between 50 and 1,000: met, +15'."""
    if len(result.leaves) == 1 and isinstance(_bare(result.rule.when), Leaf):
        tests = leaf_sentence(handbook, result.leaves[0])
    else:
        tests = _combined(handbook, result.rule.when, iter(result.leaves))
    sentence = f"{tests}: {result.status}"
    if result.rule.kind in ("criterion", "warning"):
        sentence += f", {result.points:+d}"
    return sentence


def summary(verdict: Verdict, handbook: Handbook) -> str:
    """One line: the outcome and its main reason."""
    if verdict.disqualified_by:
        names = ", ".join(f"'{n}'" for n in verdict.disqualified_by)
        zero = ", score 0" if handbook.policy.disqualified_score == "zero" else ""
        return f"Tier D: disqualified by {names}{zero}"
    if verdict.score is None:
        gate = next((g for g in verdict.gates if g.result and g.rule.id == verdict.status), None)
        reason = f": {gate.rule.label}" if gate else ""
        if gate is None and verdict.status == INSUFFICIENT_DATA:
            reason = ": no requirement of a fitting ICP is known"
        return f"No score, status {verdict.status}{reason}"
    best = verdict.best
    if best is None:
        if verdict.profiles and all(p.status for p in verdict.profiles):
            return "Tier D: no ICP fits (every ICP stopped by a gate of its own)"
        if any(p.status for p in verdict.profiles):
            return "Tier D: no ICP fits (each ICP has an unmet requirement or a gate of its own)"
        return "Tier D: no ICP fits (every ICP has an unmet requirement)"
    icp = handbook.icp(best.icp)
    title = one_line(icp.title) if icp else best.icp
    line = f"Tier {verdict.tier}: best fit '{best.icp}' ({title}), {best.score} points"
    if best.capped and best.score_tier != best.tier:
        unknown = ", ".join(r.rule.label for r in best.unknown)
        line += f"; capped from {best.score_tier} because unknown: {unknown}"
    return line


def _rule_data(handbook: Handbook, r: RuleResult) -> dict[str, Any]:
    return {
        "id": r.rule.id,
        "label": r.rule.label,
        "kind": r.rule.kind,
        "result": r.status,
        "points": r.points,
        "sentence": rule_sentence(handbook, r),
        "values": [
            {
                "field": leaf.field,
                "value": _json_value(leaf.value),
                "test": leaf.op,
                "result": "unknown" if leaf.result is None else ("met" if leaf.result else "unmet"),
                # a partly known set: `value` lists its known members, these the others
                **(
                    {"unrecognised": list(leaf.value.unrecognised)}
                    if has_unknown_member(leaf.value)
                    else {}
                ),
            }
            for leaf in r.leaves
        ],
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def verdict_data(handbook: Handbook, verdict: Verdict) -> dict[str, Any]:
    """The verdict as JSON-ready data (its shape is pinned by a test)."""
    return {
        "as_of": verdict.as_of.isoformat(),
        "best_profile": verdict.best_profile,
        "tier": verdict.tier,
        "score": verdict.score,
        "status": verdict.status,
        "flags": verdict.flag_values,
        "disqualified_by": list(verdict.disqualified_by),
        "warnings": list(verdict.warnings),
        "unknown_fields": list(verdict.unknown_fields),
        "best_case_tier": verdict.best_case_tier,
        "deciding_fields": list(verdict.deciding_fields),
        "at_risk": [
            {
                "negative": r.negative,
                "rule": r.result.rule.id,
                "kind": r.result.rule.kind,
                "tier": r.tier,
                "fields": list(dict.fromkeys(leaf.field for leaf in r.unknown_leaves)),
                "sentence": risk_sentence(handbook, r),
            }
            for r in risks(handbook, verdict)
        ],
        "summary": summary(verdict, handbook),
        "gates": [_rule_data(handbook, g) for g in verdict.gates],
        "undecided_gates": [g.rule.id for g in undecided_gates(verdict)],
        "profiles": [
            {
                "id": p.icp,
                "title": p.title,
                "eligible": p.eligible,
                "capped": p.capped,
                # a status without a score (a gate, insufficient data) withholds them all
                "score": p.score if verdict.shows_score(p) else None,
                "score_tier": p.score_tier if verdict.shows_score(p) else None,
                "tier": p.tier if verdict.shows_score(p) else None,
                "groups": {g: (n if verdict.shows_score(p) else None) for g, n in p.groups},
                "status": p.status or (None if has_score(verdict.status) else verdict.status),
                "gates": [_rule_data(handbook, g) for g in p.gates],
                "undecided_gates": [g.rule.id for g in undecided_profile_gates(p)],
                "requirements": [_rule_data(handbook, r) for r in p.requirements],
                "criteria": [_rule_data(handbook, r) for r in p.criteria],
                "warnings": [_rule_data(handbook, r) for r in p.warnings],
            }
            for p in verdict.profiles
        ],
        "negatives": [
            {
                "id": n.negative,
                "title": n.title,
                "disqualifies": n.disqualifies,
                "disqualifiers": [_rule_data(handbook, r) for r in n.disqualifiers],
                "warning_signs": [_rule_data(handbook, r) for r in n.warnings],
            }
            for n in verdict.negatives
        ],
    }


def undecided_gates(verdict: Verdict) -> tuple[RuleResult, ...]:
    """The tier policy's status gates that are unknown and could have given the status: an
    unknown gate stops no company (it is not met), so the company is scored, and explain
    says which unknown values might have stopped it. Gates after the one met, and every gate
    of a disqualified company, decide nothing and are not listed."""
    return () if verdict.disqualified_by else _undecided(verdict.gates)


def undecided_profile_gates(profile: ProfileVerdict) -> tuple[RuleResult, ...]:
    """A profile's own status gates that are unknown before the one met (if any): each
    might have stopped the profile (`undecided_gates`, for one profile)."""
    return _undecided(profile.gates)


def _undecided(gates: tuple[RuleResult, ...]) -> tuple[RuleResult, ...]:
    out = []
    for gate in gates:
        if gate.result is True:
            break
        if gate.result is None:
            out.append(gate)
    return tuple(out)


def unknown_reads(result: RuleResult) -> tuple[str, ...]:
    """The fields a rule read and found unknown, each once, in the order read."""
    return tuple(dict.fromkeys(leaf.field for leaf in result.leaves if leaf.value is None))


def best_case_sentence(verdict: Verdict) -> str | None:
    """'Tier A if growth_rate, it_budget went its way': None when no unknown matters."""
    if not verdict.deciding_fields or verdict.best_case_tier in (None, verdict.tier):
        return None
    return (
        f"Best case: tier {verdict.best_case_tier} if its unknowns went its way "
        f"(deciding: {', '.join(verdict.deciding_fields)})"
    )


def risk_sentence(handbook: Handbook, risk: Risk) -> str:
    """ "At risk: disqualified by 'enterprise-tenders' (Over 1,000 employees and buys through
    tenders) if Employees more than 1,000 (known: 501–5,000)" (`risk.risks`)."""
    rule = risk.result.rule
    if risk.disqualifies:
        what = f"disqualified by '{risk.negative}' ({one_line(rule.label)})"
    else:
        what = (
            f"could drop to tier {risk.tier} by the warning sign '{one_line(rule.label)}' "
            f"of '{risk.negative}' ({rule.points:+d} points)"
        )
    joiner = " or " if isinstance(_bare(rule.when), AnyOf) else " and "
    tests = joiner.join(_if_words(handbook, leaf) for leaf in risk.unknown_leaves)
    return f"At risk: {what}" + (f" if {tests}" if tests else "")


def _if_words(handbook: Handbook, leaf: LeafResult) -> str:
    """'Employees more than 1,000 (known: 501–5,000)': an unknown test, with the value
    known (a band, a date after the as-of date) when there is one."""
    fld = handbook.fields[leaf.field]
    phrase = OPERATORS[leaf.op].phrase.format(x=operand_words(handbook, leaf.op, leaf.operand, fld))
    known = f" (known: {shown(fld, leaf.value)})" if leaf.value is not None else ""
    return f"{one_line(fld.label)} {phrase}{known}"
