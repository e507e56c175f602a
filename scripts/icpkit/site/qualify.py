"""The rules compiled for the "Qualify a lead" page: plain JSON that the page's small
evaluator (site_src/docs/assets/qualify.js) reads.

The evaluator implements the operator table (`icpkit.engine.operators.OPERATORS`) key by
key, and the evaluation contract of `icpkit.engine.evaluate`; the browser tests prove it
gives the same verdict as the Python engine for every fixture company and hundreds of
generated ones. Shape (all JSON):

    {"fields": {name: {label, type, unit, values: [[code, label]] | null, folds: [[src, dst]],
                       empty_set, ...}},
     "operators": {key: {"null_known": bool}}, "unknown_cap": "B", "known_needed": {"4": 1},
     "disqualified_score": "keep" | "zero", "gates": [rule], "flags": [rule + only_when_scored],
     "icps": [{id, title, url, tiers: {A, B, C}, requirements: [rule], criteria: [rule],
               items: [item], gates: [rule]}],
     "negatives": [{id, title, url, applies_to: [id] | null, disqualifiers, warnings}],
     "routes": {tier: {owner, response, action, content}},
     "numbers": {plain, band, plus, amount, dot, comma, ...} (`icpkit.sql.numbers.grammar`)}
    rule: {id, label, kind, points, why, question, crm_hint, when: condition}
    item: {"rule": criterion id} | {"group": id, label, cap: int | null, first_match, items}
    condition: {"leaf": [field, op, operand]} | {"all": [c]} | {"any": [c]} | {"not": c}
             | {"count": ["at_least" | "at_most", n, [c]]}

A gate's id is the status it gives. Text values are compared in the normal form of
`icpkit.engine.normal`, which the evaluator works out with the field's folds (operands are
in normal form already); members of an open set are normalised the same way.

Numbers stay numbers, dates are ISO strings (they compare as text), sets are lists;
`in_region` carries its country codes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, assert_never

from ..engine import unicode15
from ..engine.labels import value_label
from ..engine.model import AllOf, AnyOf, CountOf, Leaf, Not, Rule, SegmentRef
from ..engine.normal import BLANKS, NULL_TOKENS
from ..engine.operators import OPERATORS
from ..sql import numbers
from .words import why, words

if TYPE_CHECKING:
    from ..engine.model import Condition, Group, Handbook


def _operand(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        items = [_operand(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


def condition(cond: Condition) -> dict[str, Any]:
    """One condition as JSON (segments are inlined)."""
    match cond:
        case Leaf():
            return {"leaf": [cond.field, cond.op, _operand(cond.operand)]}
        case AllOf():
            return {"all": [condition(c) for c in cond.items]}
        case AnyOf():
            return {"any": [condition(c) for c in cond.items]}
        case Not():
            return {"not": condition(cond.item)}
        case CountOf():
            return {"count": [cond.op, cond.n, [condition(c) for c in cond.items]]}
        case SegmentRef():
            return condition(cond.item)
        case _:
            assert_never(cond)


def _rule(hb: Handbook, rule: Rule, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rule.id,
        "label": rule.label,
        "kind": rule.kind,
        "points": rule.points,
        "why": why(hb, rule),
        "words": words(hb, rule.when),
        "question": data.get("question"),
        "crm_hint": data.get("crm_hint"),
        "when": condition(rule.when),
    }


def _item(item: Rule | Group) -> dict[str, Any]:
    """A scoring item: a criterion by id, or a group with its items."""
    if isinstance(item, Rule):
        return {"rule": item.id}
    return {
        "group": item.id,
        "label": item.label,
        "cap": item.cap,
        "first_match": item.first_match,
        "items": [_item(i) for i in item.items],
    }


def rule_data(
    owner_data: dict[str, Any], section: str | None, key: str
) -> dict[str, dict[str, Any]]:
    """The raw YAML of a profile's rules under `section.key` (or top-level `key`), by id, for
    keys the model does not carry, such as `question` and `crm_hint`."""
    part = (owner_data.get(section) or {}) if section else owner_data
    return {str(r.get("id")): r for r in part.get(key) or [] if isinstance(r, dict)}


def _fields(hb: Handbook) -> dict[str, Any]:
    out = {}
    for name, fld in hb.fields.items():
        values = None
        if fld.values is not None:
            values = [[v, value_label(fld, v)] for v in fld.values]
            if fld.is_country:
                values.sort(key=lambda p: p[1].lower())
        out[name] = {
            "name": name,
            "label": fld.label,
            "type": fld.type,
            "unit": fld.unit,
            "description": fld.description,
            "values": values,
            "folds": [list(f) for f in fld.folds],
            "empty_set": fld.empty_set,
            "minimum": fld.minimum,
            "maximum": fld.maximum,
        }
    return out


def compiled(hb: Handbook, url: Callable[[str], str]) -> dict[str, Any]:
    """The active rules of the handbook for the page's evaluator (`url` maps a page path such
    as 'icp/x.md' to its link from the qualify page)."""
    icps = []
    for icp in hb.active_icps:
        reqs = rule_data(icp.data, "qualification", "requirements")
        crit = rule_data(icp.data, "qualification", "criteria")
        icps.append(
            {
                "id": icp.id,
                "title": icp.title,
                "url": url(f"icp/{icp.id}.md"),
                "tiers": {"A": icp.tiers.A, "B": icp.tiers.B, "C": icp.tiers.C},
                "requirements": [_rule(hb, r, reqs.get(r.id, {})) for r in icp.requirements],
                "criteria": [_rule(hb, r, crit.get(r.id, {})) for r in icp.criteria],
                "items": [_item(i) for i in icp.items],
                "gates": [_rule(hb, r, {}) for r in icp.gates],
            }
        )
    negatives = []
    for neg in hb.active_negatives:
        disq = rule_data(neg.data, None, "disqualifiers")
        warn = rule_data(neg.data, None, "warning_signs")
        negatives.append(
            {
                "id": neg.id,
                "title": neg.title,
                "url": url(f"negative/{neg.id}.md"),
                "applies_to": list(neg.applies_to) if neg.applies_to is not None else None,
                "disqualifiers": [_rule(hb, r, disq.get(r.id, {})) for r in neg.disqualifiers],
                "warnings": [_rule(hb, r, warn.get(r.id, {})) for r in neg.warnings],
            }
        )
    return {
        "fields": _fields(hb),
        "operators": {k: {"null_known": op.null_known} for k, op in OPERATORS.items()},
        "unknown_cap": hb.policy.unknown_cap,
        # a company's text as `normal.read_text` reads it: blanks around it are no part of
        # it, and nothing else or a null token ('N/A') is unknown
        "text_reading": {"blanks": BLANKS, "null_tokens": list(NULL_TOKENS)},
        # a number in the handbook's own format, as `icp explain --set … --decimal-point`
        # reads it (the page reads each digits part with a decimal point only)
        "numbers": numbers.grammar(),
        "unicode": {
            "version": unicode15.UNIDATA_VERSION,
            "unassigned": [list(r) for r in unicode15.UNASSIGNED],
            # the case folding after lowering (`ß` is `ss`, `ﬁ` is `fi`)
            "fold": dict(unicode15.FOLD),
        },
        # hard requirements a profile must know to be a best fit, by their count
        "known_needed": {
            str(n): hb.policy.known_needed(n)
            for n in sorted({len(icp.requirements) for icp in hb.active_icps})
        },
        "disqualified_score": hb.policy.disqualified_score,
        "gates": [_rule(hb, r, {}) for r in hb.policy.gates],
        "flags": [
            {**_rule(hb, f.rule, {}), "only_when_scored": f.only_when_scored}
            for f in hb.policy.flags
        ],
        "icps": icps,
        "negatives": negatives,
        "routes": {
            tier: {
                "owner": r.owner,
                "response": r.response,
                "action": r.action,
                "content": r.content,
            }
            for tier, r in hb.routes.items()
        },
    }


def rules_script(data: dict[str, Any]) -> bytes:
    """The compiled rules as a script that sets `window.ICP_RULES` (a script, not a JSON
    file: pages opened from file:// cannot fetch files)."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    # never end the script early, whatever the YAML says
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.ICP_RULES = {text};\n".encode()
