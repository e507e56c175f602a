"""Whether a condition is met by every company, or by none, decided by trying it on every
case that its tests can tell apart, where such a finite set of cases exists.

For each field the condition reads, the cases are unknown and one value from each cell of
the partition its operands make:

- a number: each threshold, a value between each two, one below and one above, and every
  band ('51-200') from one of these values to another or to no upper end (a band makes a
  comparison it straddles unknown);
- yes/no: yes and no; a closed list (one of, or a set of its values): the values the
  operands name and one more (every subset, for a set);
- a date: each day that an operand's day count (within_days) or date names, the day on
  either side, and one after the as-of day (a date in the future is unknown to a day
  count); a condition that compares one date field with both a day count and a date
  depends on the as-of day and is not decided.

Free text and open sets have no such finite partition (a word can hide in any text), so a
condition reading one is not decided here (None): the caller falls back on the shape.
Every field's cases meet every other's, up to `LIMIT` companies. This is what `validate`
uses to find a status gate met by every company or by none (`checks.Checks.gates`): an
unknown gate is not met, so a case that leaves it unknown fails it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from typing import Any

from ..engine.evaluate import test_condition
from ..engine.model import Condition, Field, Leaf, condition_leaves
from ..engine.operators import NUMERIC, Ctx

#: the day every case is judged as of (dates are tried relative to it)
AS_OF = dt.date(2026, 1, 1)
#: beyond this many companies, nothing is decided (the caller falls back on the shape)
LIMIT = 20_000
#: day-count operators (relative to the as-of day)
RELATIVE = ("within_days", "older_than_days")
#: presence tests, which read no operand
PRESENCE = ("present", "missing")


def always_met(fields: Mapping[str, Field], cond: Condition) -> bool | None:
    """True when every case meets `cond` (unknown is not met, as for a status gate), False
    when some case does not, None when the cases cannot be listed (free text, an open set,
    a date compared both ways, too many)."""
    results = _results(fields, cond)
    return None if results is None else all(r is True for r in results)


def never_met(fields: Mapping[str, Field], cond: Condition) -> bool | None:
    """True when no case meets `cond`, False when some does, None as for `always_met`."""
    results = _results(fields, cond)
    return None if results is None else all(r is not True for r in results)


def _results(fields: Mapping[str, Field], cond: Condition) -> list[bool | None] | None:
    by_field: dict[str, list[Leaf]] = {}
    for leaf in condition_leaves(cond):
        by_field.setdefault(leaf.field, []).append(leaf)
    names = [n for n in by_field if n in fields]
    options = []
    for name in names:
        cases = _cases(fields[name], by_field[name])
        if cases is None:
            return None
        options.append(cases)
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


def _cases(fld: Field, leaves: list[Leaf]) -> list[Any] | None:
    """Unknown, and a value of each cell the `leaves` make of `fld`'s values; None when
    there is no finite set of such cells."""
    operands = [leaf.operand for leaf in leaves if leaf.op not in PRESENCE]
    if fld.type in NUMERIC:
        return [None, *_numbers(fld, operands)]
    if fld.type == "yes_no":
        return [None, True, False]
    if fld.type == "date":
        dates = _dates(leaves)
        return None if dates is None else [None, *dates]
    if fld.values is None:  # free text, an open set
        return None if operands else [None, frozenset() if fld.type == "set_of" else "x"]
    named = [v for v in fld.values if v in _flat(operands)]
    other = [v for v in fld.values if v not in named][:1]
    if fld.type == "set_of":
        members = named + other
        if len(members) > 10:
            return None
        subsets = itertools.chain.from_iterable(
            itertools.combinations(members, k) for k in range(len(members) + 1)
        )
        return [None, *(frozenset(s) for s in subsets)]
    return [None, *named, *other]


def _flat(operands: list[Any]) -> list[Any]:
    out: list[Any] = []
    for x in operands:
        if isinstance(x, tuple | list | frozenset | set):
            out += _flat(list(x))
        elif x is not None and not isinstance(x, bool):
            out.append(x)
    return out


def _numbers(fld: Field, operands: list[Any]) -> list[Any]:
    """A value in each cell of the line the thresholds cut (within the field's bounds),
    and every band between two of them or open above."""
    cuts = sorted({float(t) for t in _flat(operands) if isinstance(t, int | float)})
    whole = fld.type == "integer"
    points: set[float] = set(cuts)
    if cuts:
        below, above = cuts[0] - 1, cuts[-1] + 1
        points |= {float(math.floor(below)), float(math.ceil(above))} if whole else {below, above}
        for a, b in itertools.pairwise(cuts):
            middle = (a + b) / 2
            if whole:
                inside = [v for v in (float(int(middle)), float(int(middle)) + 1) if a < v < b]
                points |= set(inside[:1])
            else:
                points.add(middle)
    else:
        points.add(0.0)
    low = fld.minimum if fld.minimum is not None else float("-inf")
    high = fld.maximum if fld.maximum is not None else float("inf")
    exact = sorted(p for p in points if low <= p <= high and (not whole or p.is_integer()))
    if not exact:
        # no cut inside the bounds (a presence test on 'minimum: 1'): some value is still
        # possible, or every case would be unknown and a presence gate met by all or none
        edge = float(low) if math.isfinite(low) else float(high)
        if whole:
            edge = float(math.ceil(edge) if math.isfinite(low) else math.floor(edge))
        exact = [edge]
    values: list[Any] = [int(p) if whole else p for p in exact]
    bands: list[Any] = [(a, b) for a, b in itertools.combinations(values, 2)]
    bands += [(a, float("inf")) for a in values]
    return values + bands


def _dates(leaves: list[Leaf]) -> list[dt.date] | None:
    """A day in each cell the day counts or the dates cut; None when both kinds are used
    (the answer then depends on the as-of day)."""
    relative = [leaf.operand for leaf in leaves if leaf.op in RELATIVE]
    absolute = [d for leaf in leaves if leaf.op not in RELATIVE for d in _flat([leaf.operand])]
    absolute = [d for d in absolute if isinstance(d, dt.date)]
    if relative and absolute:
        return None
    if relative:
        days = {0} | {d + k for d in relative for k in (-1, 0, 1)}
        out = {AS_OF - dt.timedelta(days=d) for d in days if d >= 0}
        return sorted(out | {AS_OF + dt.timedelta(days=1)})
    cuts = sorted(set(absolute)) or [AS_OF]
    out = {d + dt.timedelta(days=k) for d in cuts for k in (-1, 0, 1)}
    return sorted(out)
