"""Rules in a sales rep's words: vocabulary labels instead of codes, country names instead
of ISO codes, regions with their countries, and all / any / not as a person says them.

    >>> words(hb, rule.when)
    'Country is in UK and Ireland (United Kingdom, Ireland) or France'
"""

from __future__ import annotations

from typing import assert_never

from ..engine.labels import country_name, value_label
from ..engine.model import (
    AllOf,
    AnyOf,
    Condition,
    CountOf,
    Handbook,
    Leaf,
    Not,
    Rule,
    SegmentRef,
)
from ..engine.operators import OPERATORS


def why(hb: Handbook, rule: Rule) -> str | None:
    """Why a rule is there, as every page shows it to a rep: its own `why`, else, for a rule
    that is one segment, the segment's description."""
    if rule.why or not isinstance(rule.when, SegmentRef):
        return rule.why
    segment = hb.segments.get(rule.when.segment)
    return segment.description if segment else None


def _or_list(items: list[str], joiner: str = "or") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {joiner} " + items[-1]


def operand_text(hb: Handbook, leaf: Leaf) -> str:
    """The operand of one test in words, lists in full."""
    fld = hb.fields[leaf.field]
    shown = leaf.shown if leaf.shown is not None else leaf.operand
    operator = OPERATORS[leaf.op]
    match operator.operand:
        case "regions":
            parts = []
            for r in shown:
                region = hb.regions.get(r)
                if region is None:
                    parts.append(str(r))
                    continue
                names = ", ".join(country_name(c) for c in region.countries)
                parts.append(f"{region.label} ({names})")
            return _or_list(parts)
        case "phrases":
            phrases = shown.get("phrases", []) if isinstance(shown, dict) else shown[0]
            least = shown.get("min_length") if isinstance(shown, dict) else shown[1]
            listed = _or_list([str(p) for p in phrases])
            return listed + f" (part of a name from {least} characters)"
        case "pair":
            return f"{value_label(fld, shown[0])} and {value_label(fld, shown[1])}"
        case _ if isinstance(shown, list | tuple):
            return _or_list([value_label(fld, v) for v in shown], operator.joins)
        case _:
            return value_label(fld, shown)


def leaf_words(hb: Handbook, leaf: Leaf) -> str:
    fld = hb.fields[leaf.field]
    x = operand_text(hb, leaf)
    if leaf.op == "is":
        return f"{fld.label}: {'yes' if leaf.operand else 'no'}"
    operator = OPERATORS[leaf.op]
    phrase = (
        (operator.year_phrase if fld.unit == "year" else None)
        or operator.rep_phrase
        or operator.phrase
    )
    return f"{fld.label} {phrase.format(x=x)}"


def words(hb: Handbook, cond: Condition) -> str:
    """A condition as a person says it: 'Country is in DACH (Germany, Austria, Switzerland)
    or France', 'both A and B', 'not A'. Nested groups are bracketed with 'either' / 'both'."""
    match cond:
        case Leaf():
            return leaf_words(hb, cond)
        case SegmentRef():
            return words(hb, cond.item)
        case Not():
            return f"not: {words(hb, cond.item)}"
        case CountOf():
            most = "at least" if cond.op == "at_least" else "at most"
            return f"{most} {cond.n} of: " + "; ".join(words(hb, c) for c in cond.items)
        case AnyOf():
            # 'Country is in X or Country is in Y' -> 'Country is in X, or is Y'
            parts = _shared_subject([words(hb, c) for c in cond.items])
            joiner = "or"
        case AllOf():
            parts = [words(hb, c) for c in cond.items]
            joiner = "and"
        case _:
            assert_never(cond)
    if any("," in p for p in parts) and len(parts) > 1:
        # lists inside: separate the parts clearly ('A, B or C; or D')
        return "; ".join(parts[:-1]) + f"; {joiner} " + parts[-1]
    return _or_list(parts, joiner)


def _shared_subject(parts: list[str]) -> list[str]:
    first = parts[0].split(" is ", 1)[0] if " is " in parts[0] else None
    if first and all(p.startswith(first + " is ") for p in parts):
        return [parts[0]] + [p[len(first) + 1 :] for p in parts[1:]]
    return parts
