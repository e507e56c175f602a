"""The operator table: every condition operator, once, for every backend.

Each row says which field types an operator applies to, what operand it takes,
how the row-by-row evaluator tests a known value, how it compiles to SQL, and
how it reads in plain words. The evaluator, the SQL compiler, the validator,
the explainer and the handbook all read this table: adding an operator is
adding a row.

Values seen by `test` are already parsed (see `icpkit.engine.values`): numbers are
`(low, high)` bounds (equal for an exact value, different for a band such as
"51-200"), sets are frozensets, dates are `datetime.date`. A test returns True,
False or None (unknown). Unknown input never reaches `test` except for
operators with `null_known` (present / missing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Tri = bool | None
NUMERIC = frozenset({"number", "integer"})
ORDERED = NUMERIC | {"date"}
SCALAR = frozenset({"number", "integer", "text", "one_of", "yes_no", "date"})
CHOICE = frozenset({"text", "one_of"})
SET = frozenset({"set_of"})
ANY_TYPE = frozenset({"number", "integer", "text", "one_of", "set_of", "yes_no", "date"})
#: the SQL type given to builders for a number column known to hold no bands: it compiles to
#: plain comparisons on its low column, like any ordered scalar
EXACT = "exact"


@dataclass(frozen=True)
class Ctx:
    """What a test may need besides the value: the explicit as-of date."""

    as_of: dt.date


SqlBuilder = Callable[[str, str, Any, "Ctx"], str]
#: the interval a met test forces on a number: (low, low open, high, high open)
Interval = tuple[float, bool, float, bool]
_INF = float("inf")


def sql_literal(value: Any) -> str:
    """A SQL literal for an operand (operands come from validated YAML)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


# --- bounds arithmetic: an exact value has low == high --------------------------------------


def _cmp(holds_all: bool, holds_none: bool) -> Tri:
    if holds_all:
        return True
    if holds_none:
        return False
    return None


def _ge(v: Any, x: Any, _c: Ctx) -> Tri:
    lo, hi = _bounds(v)
    return _cmp(lo >= x, hi < x)


def _gt(v: Any, x: Any, _c: Ctx) -> Tri:
    lo, hi = _bounds(v)
    return _cmp(lo > x, hi <= x)


def _le(v: Any, x: Any, _c: Ctx) -> Tri:
    lo, hi = _bounds(v)
    return _cmp(hi <= x, lo > x)


def _lt(v: Any, x: Any, _c: Ctx) -> Tri:
    lo, hi = _bounds(v)
    return _cmp(hi < x, lo >= x)


def _between(v: Any, x: Sequence[Any], _c: Ctx) -> Tri:
    lo, hi = _bounds(v)
    return _cmp(lo >= x[0] and hi <= x[1], hi < x[0] or lo > x[1])


def _eq(v: Any, x: Any, _c: Ctx) -> Tri:
    if isinstance(v, tuple):
        lo, hi = v
        return _cmp(lo == x == hi, x < lo or x > hi)
    return bool(v == x)


def _ne(v: Any, x: Any, c: Ctx) -> Tri:
    result = _eq(v, x, c)
    return None if result is None else not result


def _bounds(v: Any) -> tuple[Any, Any]:
    return v if isinstance(v, tuple) else (v, v)


# --- SQL: a numeric field compiles to two columns, <col>__lo and <col>__hi --------------------


def _sql_bounds(col: str, ftype: str) -> tuple[str, str]:
    if ftype in NUMERIC:
        return f"{col}__lo", f"{col}__hi"
    return col, col


def _sql_case(holds_all: str, holds_none: str) -> str:
    return f"(CASE WHEN {holds_all} THEN TRUE WHEN {holds_none} THEN FALSE END)"


def _sql_ordered(all_end: str, op: str, none_end: str, none_op: str) -> SqlBuilder:
    """A one-sided comparison: for a band it holds when `all_end op x` and fails when
    `none_end none_op x`; otherwise it is unknown."""

    def build(col: str, ftype: str, x: Any, _c: Ctx) -> str:
        lit = sql_literal(x)
        if ftype not in NUMERIC:
            return f"({col} {op} {lit})"
        return _sql_case(f"{col}__{all_end} {op} {lit}", f"{col}__{none_end} {none_op} {lit}")

    return build


def _sql_between(col: str, ftype: str, x: Sequence[Any], _c: Ctx) -> str:
    a, b = sql_literal(x[0]), sql_literal(x[1])
    if ftype not in NUMERIC:
        return f"({col} BETWEEN {a} AND {b})"
    lo, hi = _sql_bounds(col, ftype)
    return _sql_case(f"{lo} >= {a} AND {hi} <= {b}", f"{hi} < {a} OR {lo} > {b}")


def _sql_eq(col: str, ftype: str, x: Any, _c: Ctx) -> str:
    lit = sql_literal(x)
    if ftype not in NUMERIC:
        return f"({col} = {lit})"
    lo, hi = _sql_bounds(col, ftype)
    return _sql_case(f"{lo} = {lit} AND {hi} = {lit}", f"{hi} < {lit} OR {lo} > {lit}")


def _sql_ne(col: str, ftype: str, x: Any, c: Ctx) -> str:
    return f"(NOT {_sql_eq(col, ftype, x, c)})"


def _sql_in(col: str, _t: str, x: Sequence[Any], _c: Ctx) -> str:
    return f"({col} IN ({', '.join(sql_literal(v) for v in x)}))"


def _sql_not_in(col: str, _t: str, x: Sequence[Any], _c: Ctx) -> str:
    return f"({col} NOT IN ({', '.join(sql_literal(v) for v in x)}))"


def _sql_has(col: str, value: str) -> str:
    # sets are stored as ';a;b;' so that 'java' never matches 'javascript'
    return f"contains({col}, {sql_literal(';' + value + ';')})"


def _sql_has_any(col: str, _t: str, x: Sequence[str], _c: Ctx) -> str:
    return "(" + " OR ".join(_sql_has(col, v) for v in x) + ")"


def _sql_has_all(col: str, _t: str, x: Sequence[str], _c: Ctx) -> str:
    return "(" + " AND ".join(_sql_has(col, v) for v in x) + ")"


def _sql_has_none(col: str, t: str, x: Sequence[str], c: Ctx) -> str:
    return f"(NOT {_sql_has_any(col, t, x, c)})"


def _sql_is(col: str, _t: str, x: bool, _c: Ctx) -> str:
    return f"({col} = {sql_literal(x)})"


def _sql_present(col: str, ftype: str, _x: Any, _c: Ctx) -> str:
    return f"({_sql_bounds(col, ftype)[0]} IS NOT NULL)"


def _sql_missing(col: str, ftype: str, _x: Any, _c: Ctx) -> str:
    return f"({_sql_bounds(col, ftype)[0]} IS NULL)"


def _sql_within(col: str, _t: str, x: int, c: Ctx) -> str:
    return f"({col} >= {sql_literal(c.as_of - dt.timedelta(days=x))})"


def _sql_older(col: str, _t: str, x: int, c: Ctx) -> str:
    return f"({col} < {sql_literal(c.as_of - dt.timedelta(days=x))})"


@dataclass(frozen=True)
class Operator:
    """One row of the operator table."""

    key: str
    types: frozenset[str]
    #: what the operand is: value, pair, values, flag, days
    operand: str
    test: Callable[[Any, Any, Ctx], Tri]
    sql: SqlBuilder
    #: plain words; {x} is the operand as the explainer formats it
    phrase: str
    #: present / missing: known even when the value is missing
    null_known: bool = False
    #: for a numeric operand, the interval a met test forces on the value (checks compare
    #: requirements with it)
    span: Callable[[Any], Interval] | None = None
    #: what a met test says the value is: 'any' (one of the operand's values), 'it' (the
    #: operand itself), or None (nothing so simple)
    chooses: str | None = None


OPERATORS: dict[str, Operator] = {
    op.key: op
    for op in [
        Operator(
            "equals",
            SCALAR,
            "value",
            _eq,
            _sql_eq,
            "equal to {x}",
            span=lambda x: (x, False, x, False),
            chooses="it",
        ),
        Operator("not_equals", SCALAR, "value", _ne, _sql_ne, "not {x}"),
        Operator(
            "at_least",
            ORDERED,
            "value",
            _ge,
            _sql_ordered("lo", ">=", "hi", "<"),
            "{x} or more",
            span=lambda x: (x, False, _INF, False),
        ),
        Operator(
            "more_than",
            ORDERED,
            "value",
            _gt,
            _sql_ordered("lo", ">", "hi", "<="),
            "more than {x}",
            span=lambda x: (x, True, _INF, False),
        ),
        Operator(
            "at_most",
            ORDERED,
            "value",
            _le,
            _sql_ordered("hi", "<=", "lo", ">"),
            "{x} or less",
            span=lambda x: (-_INF, False, x, False),
        ),
        Operator(
            "less_than",
            ORDERED,
            "value",
            _lt,
            _sql_ordered("hi", "<", "lo", ">="),
            "less than {x}",
            span=lambda x: (-_INF, False, x, True),
        ),
        Operator(
            "between",
            ORDERED,
            "pair",
            _between,
            _sql_between,
            "between {x}",
            span=lambda x: (x[0], False, x[1], False),
        ),
        Operator(
            "one_of",
            CHOICE,
            "values",
            lambda v, x, c: v in x,
            _sql_in,
            "one of {x}",
            chooses="any",
        ),
        Operator(
            "none_of", CHOICE, "values", lambda v, x, c: v not in x, _sql_not_in, "none of {x}"
        ),
        Operator(
            "in_region",
            frozenset({"one_of"}),
            "regions",
            lambda v, x, c: v in x,
            _sql_in,
            "in {x}",
            chooses="any",
        ),
        Operator(
            "has_any",
            SET,
            "values",
            lambda v, x, c: not v.isdisjoint(x),
            _sql_has_any,
            "includes any of {x}",
        ),
        Operator(
            "has_all",
            SET,
            "values",
            lambda v, x, c: set(x) <= v,
            _sql_has_all,
            "includes all of {x}",
        ),
        Operator(
            "has_none",
            SET,
            "values",
            lambda v, x, c: v.isdisjoint(x),
            _sql_has_none,
            "includes none of {x}",
        ),
        Operator(
            "is",
            frozenset({"yes_no"}),
            "flag",
            lambda v, x, c: v is x,
            _sql_is,
            "{x}",
            chooses="it",
        ),
        Operator(
            "present",
            ANY_TYPE,
            "none",
            lambda v, x, c: v is not None,
            _sql_present,
            "known",
            null_known=True,
        ),
        Operator(
            "missing",
            ANY_TYPE,
            "none",
            lambda v, x, c: v is None,
            _sql_missing,
            "unknown",
            null_known=True,
        ),
        Operator(
            "within_days",
            frozenset({"date"}),
            "days",
            lambda v, x, c: v >= c.as_of - dt.timedelta(days=x),
            _sql_within,
            "at most {x} days before the as-of date",
        ),
        Operator(
            "older_than_days",
            frozenset({"date"}),
            "days",
            lambda v, x, c: v < c.as_of - dt.timedelta(days=x),
            _sql_older,
            "more than {x} days before the as-of date",
        ),
    ]
}

#: the logical combinators a condition may use besides field operators
LOGICAL = ("all", "any", "not", "segment")
