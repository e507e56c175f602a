"""The operator table: every condition operator, once, for every backend.

Each row says which field types an operator applies to, what operand it takes,
how the row-by-row evaluator tests a known value, how it compiles to SQL, and
how it reads in plain words. The evaluator, the SQL compiler, the validator,
the explainer and the handbook all read this table: adding an operator is
adding a row.

Values seen by `test` are already parsed (see `icpkit.engine.values`): numbers are
`(low, high)` bounds (equal for an exact value, different for a band such as
"51-200"), sets are frozensets of members in normal form, text is a `Text` (the
text as written with its normal form, see `icpkit.engine.normal`), dates are
`datetime.date`. A test returns True,
False or None (unknown). Unknown input never reaches `test` except for
operators with `null_known` (present / missing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .dates import days_before
from .normal import Text

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
#: the SQL type given to set builders for an open set (no value list): every member is a
#: value, so no member is ever unknown and a set test needs no unknown-member check
OPEN_SET = "open_set"


@dataclass(frozen=True)
class Ctx:
    """What a test may need besides the value: the explicit as-of date.

    `as_of_sql`, when set, is a SQL expression (a DATE column) that replaces `as_of` in
    compiled SQL, so that each row is evaluated as of its own date (the back-test)."""

    as_of: dt.date
    as_of_sql: str | None = None


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


class Members(frozenset[str]):
    """A set's value with members that could not be read: the frozenset holds the known
    members, `unrecognised` each member as written that names no value of the field (no
    value, alias or --map spelling). Each is an unknown member: it may be a spelling of a
    value the map does not know, so it is never ignored and never a value. A set test holds
    when the known members decide it, and is unknown otherwise (`_or_unknown`)."""

    unrecognised: tuple[str, ...]

    def __new__(cls, known: Any, unrecognised: Sequence[str]) -> Members:
        self = super().__new__(cls, known)
        self.unrecognised = tuple(unrecognised)
        return self


#: the member that marks "some member unknown" in a set's ';a;b;' text (no value holds it)
UNKNOWN_MEMBER = "\x1f"


def has_unknown_member(v: Any) -> bool:
    """The set `v` has a member that could not be read (an unknown member)."""
    return isinstance(v, Members) and bool(v.unrecognised)


def _or_unknown(v: Any, holds: bool) -> Tri:
    """A set test the known members make hold; else unknown if a member is unknown."""
    return True if holds else (None if has_unknown_member(v) else False)


def _not(result: Tri) -> Tri:
    return None if result is None else not result


def _sql_or_unknown(col: str, ftype: str, test: str) -> str:
    """SQL of `_or_unknown`: `test` on the known members, else NULL when the ';a;b;' text
    holds the unknown member (`UNKNOWN_MEMBER`), else FALSE (NULL for a NULL set). An open
    set (`OPEN_SET`) never holds it: its test is `test` alone."""
    if ftype == OPEN_SET:
        return test
    return f"({test} OR nullif(contains({col}, chr({ord(UNKNOWN_MEMBER)})), TRUE))"


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


def _norm(v: Any) -> Any:
    """Text is compared in its normal form (the operand is in normal form already)."""
    return v.normal if isinstance(v, Text) else v


def _eq(v: Any, x: Any, _c: Ctx) -> Tri:
    v = _norm(v)
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
    if ftype == "text":
        return f"({col}__n = {lit})"
    if ftype not in NUMERIC:
        return f"({col} = {lit})"
    lo, hi = _sql_bounds(col, ftype)
    return _sql_case(f"{lo} = {lit} AND {hi} = {lit}", f"{hi} < {lit} OR {lo} > {lit}")


def _sql_ne(col: str, ftype: str, x: Any, c: Ctx) -> str:
    return f"(NOT {_sql_eq(col, ftype, x, c)})"


def _sql_in(op: str) -> SqlBuilder:
    """`IN` or `NOT IN` the operand's values (a text field's normal form)."""

    def build(col: str, t: str, x: Sequence[Any], _c: Ctx) -> str:
        col = f"{col}__n" if t == "text" else col
        return f"({col} {op} ({', '.join(sql_literal(v) for v in x)}))"

    return build


def _sql_has(col: str, value: str) -> str:
    # sets are stored as ';a;b;' so that 'java' never matches 'javascript'
    return f"contains({col}, {sql_literal(';' + value + ';')})"


def _sql_has_each(joiner: str) -> SqlBuilder:
    """The set has any (`OR`) or all (`AND`) of the operand's members."""

    def build(col: str, ftype: str, x: Sequence[str], _c: Ctx) -> str:
        tests = f" {joiner} ".join(_sql_has(col, v) for v in x)
        return _sql_or_unknown(col, ftype, f"({tests})")

    return build


_sql_has_any = _sql_has_each("OR")


def _sql_has_none(col: str, t: str, x: Sequence[str], c: Ctx) -> str:
    return f"(NOT {_sql_has_any(col, t, x, c)})"


def _sql_is(col: str, _t: str, x: bool, _c: Ctx) -> str:
    return f"({col} = {sql_literal(x)})"


def _sql_null(test: str) -> SqlBuilder:
    """The value `IS NULL` or `IS NOT NULL` (a number: its low column)."""

    def build(col: str, ftype: str, _x: Any, _c: Ctx) -> str:
        return f"({_sql_bounds(col, ftype)[0]} {test})"

    return build


def _days_before(c: Ctx, days: int) -> str:
    if c.as_of_sql is not None:
        return f"CAST({c.as_of_sql} - INTERVAL {int(days)} DAY AS DATE)"
    return sql_literal(days_before(c.as_of, days))


# --- text and set members, in the normal form of `icpkit.engine.normal` ----------------------
#
# A text value is a `Text`: `.words` is its normal form padded with `_` ("_ai_developer_"),
# so a whole word or phrase is a substring "_machine_learning_". A word list entry ending in
# `*` ("automat*") is a stem: it matches a word that starts with it and is longer. In SQL the
# normal form is the column `<col>__n`; a list of words becomes one regular expression built
# here from letters, digits and `_` only (RE2, linear time), never taken from YAML.


def _stem(entry: str) -> tuple[str, bool]:
    return (entry[:-1], True) if entry.endswith("*") else (entry, False)


def _has_stem(words: str, stem: str) -> bool:
    """A word of `words` (padded normal form) starts with `stem` and is longer."""
    needle = f"_{stem}"
    at = words.find(needle)
    while at >= 0:
        after = at + len(needle)
        if after < len(words) and words[after] != "_":
            return True
        at = words.find(needle, at + 1)
    return False


def _mentions(v: Any, x: Sequence[str], _c: Ctx) -> Tri:
    words = v.words if isinstance(v, Text) else f"_{v}_"
    for entry in x:
        stem, is_stem = _stem(entry)
        if _has_stem(words, stem) if is_stem else f"_{stem}_" in words:
            return True
    return False


def _sql_mentions(col: str, _t: str, x: Sequence[str], _c: Ctx) -> str:
    parts = []
    for entry in x:
        stem, is_stem = _stem(entry)
        parts.append(f"{stem}[^_]" if is_stem else f"{stem}_")
    pattern = "_(?:" + "|".join(parts) + ")"
    return f"regexp_matches('_' || {col}__n || '_', {sql_literal(pattern)})"


def _low(v: Any) -> str:
    return v.low if isinstance(v, Text) else str(v)


def _sql_affix(function: str) -> SqlBuilder:
    """The lowered text (`<col>__l`: marks dropped, lowercase) `starts_with` or `ends_with`
    the operand."""

    def build(col: str, _t: str, x: str, _c: Ctx) -> str:
        return f"{function}({col}__l, {sql_literal(x)})"

    return build


def _member_contains(v: Any, x: tuple[tuple[str, ...], int], _c: Ctx) -> Tri:
    phrases, least = x
    return _or_unknown(v, any(m == p or (len(p) >= least and p in m) for m in v for p in phrases))


def _sql_member_contains(col: str, ftype: str, x: tuple[tuple[str, ...], int], _c: Ctx) -> str:
    # a phrase holds no ';' (normal form: letters, digits, '_'), so it never spans two members
    phrases, least = x
    tests = [
        f"contains({col}, {sql_literal(p)})" if len(p) >= least else _sql_has(col, p)
        for p in phrases
    ]
    return _sql_or_unknown(col, ftype, "(" + " OR ".join(tests) + ")")


def _sql_not_empty(col: str, _t: str, _x: Any, _c: Ctx) -> str:
    # a set is ';a;b;' text: the empty set ';' or ';;', a member at least one character
    return f"(strlen({col}) > 2)"


# A date after the as-of date says nothing of the days before it (a funding round after the
# deal cannot explain it; the round before it is not in the record): both tests are unknown.


def sql_after_as_of(col: str, c: Ctx) -> str:
    """SQL true for a date after the as-of date (NULL for no date): a value not known then."""
    return f"({col} > {_days_before(c, 0)})"


def _sql_days(op: str) -> SqlBuilder:
    """The date compared (`>=`: within, `<`: older than) with the day `x` days before the
    as-of date; unknown for a date after the as-of date."""

    def build(col: str, _t: str, x: int, c: Ctx) -> str:
        after = sql_after_as_of(col, c)
        return f"(CASE WHEN {after} THEN NULL ELSE {col} {op} {_days_before(c, x)} END)"

    return build


@dataclass(frozen=True)
class Operator:
    """One row of the operator table."""

    key: str
    types: frozenset[str]
    #: what the operand is: value, pair, values, regions, flag, days, none, words (a list of
    #: words and phrases in normal form, stems ending in *), text (lowercase text a value
    #: starts or ends with), phrases ((phrases in normal form, min_length))
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
    #: the words after a field's label on the handbook, as a sales rep reads them ('is {x}');
    #: None: `phrase`
    rep_phrase: str | None = None
    #: the same for a number of years read as time ('before {x}'); None: `rep_phrase`
    year_phrase: str | None = None
    #: which form of a `text` field the test reads: "normal" (`icpkit.engine.normal`),
    #: "lowered" (marks dropped, lowercase) or "none" (only whether there is a value)
    text_form: str = "normal"
    #: how a list operand is read out: any one of its values ("or") or all of them ("and")
    joins: str = "or"


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
            rep_phrase="is {x}",
        ),
        Operator("not_equals", SCALAR, "value", _ne, _sql_ne, "not {x}", rep_phrase="is not {x}"),
        Operator(
            "at_least",
            ORDERED,
            "value",
            _ge,
            _sql_ordered("lo", ">=", "hi", "<"),
            "{x} or more",
            span=lambda x: (x, False, _INF, False),
            year_phrase="in {x} or later",
        ),
        Operator(
            "more_than",
            ORDERED,
            "value",
            _gt,
            _sql_ordered("lo", ">", "hi", "<="),
            "more than {x}",
            span=lambda x: (x, True, _INF, False),
            year_phrase="after {x}",
        ),
        Operator(
            "at_most",
            ORDERED,
            "value",
            _le,
            _sql_ordered("hi", "<=", "lo", ">"),
            "{x} or less",
            span=lambda x: (-_INF, False, x, False),
            year_phrase="in {x} or earlier",
        ),
        Operator(
            "less_than",
            ORDERED,
            "value",
            _lt,
            _sql_ordered("hi", "<", "lo", ">="),
            "less than {x}",
            span=lambda x: (-_INF, False, x, True),
            year_phrase="before {x}",
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
            lambda v, x, c: _norm(v) in x,
            _sql_in("IN"),
            "one of {x}",
            chooses="any",
            rep_phrase="is {x}",
        ),
        Operator(
            "none_of",
            CHOICE,
            "values",
            lambda v, x, c: _norm(v) not in x,
            _sql_in("NOT IN"),
            "none of {x}",
            rep_phrase="is not {x}",
        ),
        Operator(
            "in_region",
            frozenset({"one_of"}),
            "regions",
            lambda v, x, c: v in x,
            _sql_in("IN"),
            "in {x}",
            chooses="any",
            rep_phrase="is in {x}",
        ),
        Operator(
            "has_any",
            SET,
            "values",
            lambda v, x, c: _or_unknown(v, not v.isdisjoint(x)),
            _sql_has_any,
            "includes any of {x}",
            rep_phrase="includes {x}",
        ),
        Operator(
            "has_all",
            SET,
            "values",
            lambda v, x, c: _or_unknown(v, set(x) <= v),
            _sql_has_each("AND"),
            "includes all of {x}",
            rep_phrase="includes {x}",
            joins="and",
        ),
        Operator(
            "has_none",
            SET,
            "values",
            lambda v, x, c: _not(_or_unknown(v, not v.isdisjoint(x))),
            _sql_has_none,
            "includes none of {x}",
            rep_phrase="includes none of {x}",
        ),
        Operator(
            "is",
            frozenset({"yes_no"}),
            "flag",
            lambda v, x, c: v is x,
            _sql_is,
            "{x}",
            chooses="it",
            rep_phrase="{x}",
        ),
        Operator(
            "present",
            ANY_TYPE,
            "none",
            lambda v, x, c: v is not None,
            _sql_null("IS NOT NULL"),
            "has a value",
            null_known=True,
            text_form="none",
        ),
        Operator(
            "missing",
            ANY_TYPE,
            "none",
            lambda v, x, c: v is None,
            _sql_null("IS NULL"),
            "has no value",
            null_known=True,
            text_form="none",
        ),
        Operator(
            "within_days",
            frozenset({"date"}),
            "days",
            lambda v, x, c: None if v > c.as_of else v >= days_before(c.as_of, x),
            _sql_days(">="),
            "at most {x} days before the as-of date",
        ),
        Operator(
            "older_than_days",
            frozenset({"date"}),
            "days",
            lambda v, x, c: None if v > c.as_of else v < days_before(c.as_of, x),
            _sql_days("<"),
            "more than {x} days before the as-of date",
        ),
        Operator(
            "mentions",
            frozenset({"text"}),
            "words",
            _mentions,
            _sql_mentions,
            "mentions any of {x}",
        ),
        Operator(
            "starts_with",
            frozenset({"text"}),
            "text",
            lambda v, x, c: _low(v).startswith(x),
            _sql_affix("starts_with"),
            "starts with {x}",
            text_form="lowered",
        ),
        Operator(
            "ends_with",
            frozenset({"text"}),
            "text",
            lambda v, x, c: _low(v).endswith(x),
            _sql_affix("ends_with"),
            "ends with {x}",
            text_form="lowered",
        ),
        Operator(
            "member_contains",
            SET,
            "phrases",
            _member_contains,
            _sql_member_contains,
            "has a member containing any of {x}",
        ),
        Operator(
            "not_empty",
            SET,
            "none",
            lambda v, x, c: len(v) > 0 or has_unknown_member(v),
            _sql_not_empty,
            "not empty",
        ),
    ]
}

#: the logical combinators a condition may use besides field operators; `of` counts the
#: conditions that hold (`at_least: 2, of: [...]`)
LOGICAL = ("all", "any", "not", "segment", "of")
