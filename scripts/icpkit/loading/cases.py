"""Whether a condition is met by every company, or by none, decided by trying it on every
case that can tell its tests apart: for each field it reads, unknown and a value on each
side of each operand (a number just below, at and above each threshold; each listed value
and one more; a text holding each word or affix, all of them, and none), every field's
cases against every other's.

This is what `validate` uses to find a status gate met by every company ("at least 0 of",
"a present or a missing", "at least 5, or less than 5, or missing") where the shape alone
(`checks.always`) cannot tell. The answer is exact for numbers, yes/no, dates and closed
lists read as exact values; a number band ('51-200') is not tried, and for free text and
open sets the cases are the operands' own words, so that a condition found always met
holds for every text that uses or avoids them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from ..engine.evaluate import test_condition
from ..engine.model import AllOf, AnyOf, Condition, CountOf, Field, Leaf, Not, SegmentRef
from ..engine.normal import Text
from ..engine.operators import NUMERIC, Ctx

#: the day every case is judged as of (dates are tried relative to it)
AS_OF = dt.date(2026, 1, 1)
#: beyond this many companies, nothing is decided (the caller falls back on the shape)
LIMIT = 20_000
#: a word no operand holds
OTHER = "zqx"


def always_met(fields: Mapping[str, Field], cond: Condition) -> bool | None:
    """True when every case meets `cond` (unknown is not met, as for a status gate), False
    when some case does not, None when there are too many cases to try."""
    results = _results(fields, cond)
    return None if results is None else all(r is True for r in results)


def never_met(fields: Mapping[str, Field], cond: Condition) -> bool | None:
    """True when no case meets `cond`, False when some does, None when there are too many
    cases to try."""
    results = _results(fields, cond)
    return None if results is None else all(r is not True for r in results)


def _results(fields: Mapping[str, Field], cond: Condition) -> list[bool | None] | None:
    by_field: dict[str, list[Leaf]] = {}
    for leaf in _leaves(cond):
        by_field.setdefault(leaf.field, []).append(leaf)
    names = [n for n in by_field if n in fields]
    options = [_cases(fields[n], by_field[n]) for n in names]
    total = 1
    for o in options:
        total *= len(o)
    if total > LIMIT:
        return None
    ctx = Ctx(AS_OF)
    return [
        test_condition(cond, dict(zip(names, combo, strict=True)), ctx)
        for combo in itertools.product(*options)
    ]


def _leaves(cond: Condition) -> Iterator[Leaf]:
    match cond:
        case Leaf():
            yield cond
        case AllOf() | AnyOf() | CountOf():
            for c in cond.items:
                yield from _leaves(c)
        case Not() | SegmentRef():
            yield from _leaves(cond.item)


def _cases(fld: Field, leaves: list[Leaf]) -> list[Any]:
    """Unknown, and the values of `fld` that tell its `leaves` apart."""
    operands = [leaf.operand for leaf in leaves]
    if fld.type in NUMERIC:
        return [None, *_numbers(fld, operands)]
    if fld.type == "yes_no":
        return [None, True, False]
    if fld.type == "date":
        return [None, *_dates(operands)]
    if fld.type == "set_of":
        return [None, *_sets(fld, operands)]
    if fld.values is not None:  # one of a closed list
        named = [v for v in fld.values if v in _flat(operands)]
        other = [v for v in fld.values if v not in named][:1]
        return [None, *named, *other]
    return [None, *(Text(t, fld.folds) for t in _texts(operands))]


def _flat(operands: list[Any]) -> list[Any]:
    out: list[Any] = []
    for x in operands:
        if (
            isinstance(x, tuple)
            and len(x) == 2
            and isinstance(x[1], int)
            and isinstance(x[0], tuple)
        ):
            out += list(x[0])  # member_contains: (phrases, min_length)
        elif isinstance(x, tuple | list | frozenset | set):
            out += list(x)
        elif x is not None and not isinstance(x, bool):
            out.append(x)
    return out


def _numbers(fld: Field, operands: list[Any]) -> list[float]:
    step: float = 1 if fld.type == "integer" else 0.5
    points: set[float] = {0}
    for t in _flat(operands):
        if isinstance(t, int | float):
            points |= {t - step, t, t + step}
    low = fld.minimum if fld.minimum is not None else float("-inf")
    high = fld.maximum if fld.maximum is not None else float("inf")
    return sorted(p for p in points if low <= p <= high)


def _dates(operands: list[Any]) -> list[dt.date]:
    days = {0, 1}
    for x in _flat(operands):
        if isinstance(x, int):
            days |= {x - 1, x, x + 1}
    out = {AS_OF - dt.timedelta(days=d) for d in days}
    out |= {AS_OF + dt.timedelta(days=1)}
    for x in _flat(operands):
        if isinstance(x, dt.date):
            out |= {x - dt.timedelta(days=1), x, x + dt.timedelta(days=1)}
    return sorted(out)


def _words(operands: list[Any]) -> list[str]:
    """The operands as text: normal forms back to words ('developer_tools' is 'developer
    tools'), a stem ('automat*') as itself."""
    return [str(x).rstrip("*").replace("_", " ") for x in _flat(operands) if str(x).strip("*_")]


def _texts(operands: list[Any]) -> list[str]:
    words = _words(operands)
    out = [OTHER, *words, *(f"{OTHER} {w}" for w in words), *(f"{w} {OTHER}" for w in words)]
    if len(words) > 1:
        out.append(" ".join(words))
    return list(dict.fromkeys(out))


def _sets(fld: Field, operands: list[Any]) -> list[frozenset[str]]:
    if fld.values is not None:
        named = [v for v in fld.values if v in _flat(operands)]
        other = [v for v in fld.values if v not in named][:1]
    else:
        named = [w.replace(" ", "_") for w in _words(operands)]
        # a member that holds a phrase without being it (member_contains)
        named += [f"{w}_{OTHER}" for w in named]
        other = [OTHER]
    members = list(dict.fromkeys(named + other))
    out = [frozenset(), *(frozenset({m}) for m in members)]
    if len(members) > 1:
        out.append(frozenset(members))
        out.append(frozenset(named))
    return list(dict.fromkeys(out))
