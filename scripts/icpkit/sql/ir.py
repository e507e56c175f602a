"""The rule IR: the scoring query as a sqlglot expression tree, rendered per dialect.

Built from the handbook's compiled rules (never transpiled from the DuckDB query
of `icpkit.sql.sqlcompile`), over a warehouse table of *typed* columns, with
only constructs that mean the same on every dialect of `icpkit.sql.dialects`.
It implements the evaluation contract of `icpkit.engine.evaluate`:

- Each leaf comes from `LEAVES`, keyed like the operator table; SQL's
  three-valued logic carries "unknown" (a NULL value makes a leaf NULL; `AND`,
  `OR`, `NOT` over NULL are Kleene logic, as in the evaluator).
- Points and thresholds are integers; no float is ever cast or rounded.
- Best fit is the greatest integer key `rank * B² + (score + offset) * B + (n - i)`
  per eligible profile (-1 when not eligible), so ties break as in the evaluator
  (best tier, then score, then priority order).

How the table is expected to hold each field type (`TableSpec`):
- numbers: numeric columns (INTEGER, BIGINT, DOUBLE, NUMERIC; a number outside the field's
  `minimum` / `maximum` is unknown, as `icp score` reads it); parsed from text only with
  `numbers="text"` (`--parse-text`): `icpkit.sql.textnumbers` reads the cell in layers
  `rd0`, `rd1`, ... before `src`, as a low and a high end (a band), and each number test
  then holds, fails or is unknown as the evaluator's bounds arithmetic says (`band_leaf`).
- one_of / text: text columns holding the vocabulary's values. A test on a text field
  (mentions, starts_with, ends_with, equals, one_of) reads its normal form
  (`icpkit.engine.normal`), computed once per field in `src` from the dialect's
  `normal_form` row (DuckDB's own; elsewhere the portable one of `icpkit.sql.portable`,
  exact for its repertoire: a text with another character is unknown, `v<i>` NULL);
  a dialect without one refuses the handbook (`refuse_unsupported`).
- set_of: the delimited text CRM syncs write (`a;b;c`, no spaces; '' is the empty
  set), or, with `sets="array"`, the dialect's array of text. An open set (no `values`)
  is read in `src` as ';a;b;' text of its members' normal forms, as `icp explain` reads
  them (issue 14; `open_members`).
- dates: DATE columns, or date text (`YYYY-MM-DD`, a time after it, the grammar of
  `icpkit.engine.dates`) with `dates="text"` (SQLite has no DATE type: text always);
  other text is unknown (`iso_date`).
- yes/no: BOOLEAN columns (0/1 in SQLite), or with `flags="text"` the CRM's text
  (true/false, yes/no, y/n, 1/0, t/f in any case, blanks around it trimmed).
A field's column may have a shape of its own (`TableSpec.shapes`, `SHAPES`: a set as an
array beside others as text, yes/no as text beside BOOLEAN ones); `icp score --engine`
reads each column's from its type (`engines.column_shape`). Text cells (yes/no, dates,
text) are trimmed of `BLANKS` once per row in the layer `tx`, as every reader trims them.
A number column holding NaN, +inf or -inf (or a NUMERIC beyond a double's range) is
unknown, as `icp score` reads it: never a number (NaN compares above every number in
most engines).
A NULL is unknown, for every field type (issue 11: absent is unknown); the empty set is a
present, empty cell: '' in the delimited-text form, an empty array in the array form.

Query layers (plain CTEs, no `MATERIALIZED`): `src` reads and renames the
columns, `l1` has each profile's hard requirements and one flag per other rule,
`l2` the per-profile sums and texts, `l3` the ranks and keys, `l5` the best key,
`l6` the verdict; the final SELECT names the output columns (see
`icpkit.sql.names`). On PostgreSQL and SQLite each layer but `l6` ends with `OFFSET 0`
(the dialect's `fence`), which keeps the planner from copying a layer's expressions into
every place they are read (`l6` is read only by the final SELECT).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import KW_ONLY, dataclass, field
from functools import cached_property
from typing import Any, assert_never

from sqlglot import exp

from ..engine import dates
from ..engine.dates import DAY_RANGE
from ..engine.dates import SHAPES as DATE_SHAPES
from ..engine.model import (
    TIER_RANK,
    AllOf,
    AnyOf,
    Condition,
    CountOf,
    Field,
    Group,
    Handbook,
    Leaf,
    Not,
    Rule,
    SegmentRef,
    condition_fields,
    condition_leaves,
)
from ..engine.normal import NULL_TOKENS, Folds, is_symbol
from ..engine.operators import NUMERIC, OPERATORS, UNKNOWN_MEMBER
from ..engine.reason import cap_threshold, earlier_tiers
from ..engine.values import NO_WORDS, YES_WORDS
from ..engine.verdict import DISQUALIFIED, INSUFFICIENT_DATA, SCORED
from ..errors import InputError, UsageError
from ..textsafety import flat
from ..wording import field_kind
from . import idents
from .dialects import Dialect, Step, replacing
from .names import CORE, flag_column, group_column, profile_column
from .parsing import MEMBERS, NORMAL_ASCII, SET_SEPARATORS
from .tables import SQL_TYPES
from .textnumbers import picked, stages, trim_blanks

RANK_TIER = {v: k for k, v in TIER_RANK.items()}
#: the largest finite double: a number beyond it either way (or NaN) is unreadable, in a
#: numeric column and in text (`textnumbers`), as icp score reads it
FINITE = sys.float_info.max
#: the plain names of the columns a query may give (besides the per-profile ones)
ALL_OUTPUTS = tuple(plain for plain, _ in CORE)
#: the id column is read under this name inside the query
ID = "icp_id"
#: an array's null member as `_Query.array_members` joins it (no CRM value holds U+001F)
NULL_MEMBER = "\x1f"


@dataclass(frozen=True)
class TableSpec:
    """Where the accounts are and how their columns hold the fields."""

    #: table reference, optionally qualified (`crm.accounts`)
    table: str
    _: KW_ONLY
    id_column: str = "account_id"
    #: field name -> column name, when they differ (`--map`)
    columns: Mapping[str, str] = field(default_factory=dict)
    #: set_of fields as delimited "text" or as an "array"
    sets: str = "text"
    #: dates as "date" columns or ISO "text"
    dates: str = "date"
    #: yes/no as "boolean" columns or the CRM's "text"
    flags: str = "boolean"
    #: fields the table has no column for: unknown for every account
    absent: frozenset[str] = frozenset()
    #: numbers as "numeric" columns or, with `--parse-text`, "text" read by the rules of the
    #: file scorer's parse layer (`icpkit.sql.textnumbers`)
    numbers: str = "numeric"
    #: field name -> its column's own shape, where it differs from its type's above (a set
    #: field as an "array" beside others as "text", a yes/no field as "text" beside BOOLEAN
    #: ones); `SHAPES` lists each field type's shapes
    shapes: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        return self.columns.get(name, name)

    def shape(self, name: str, ftype: str) -> str:
        """How the column of field `name` (of type `ftype`) holds it: one of `SHAPES[ftype]`,
        its own (`shapes`) or its type's; "" for a type with one shape."""
        own = self.shapes.get(name)
        if own is not None:
            return own
        by_type = {"set_of": self.sets, "date": self.dates, "yes_no": self.flags}
        return by_type.get(ftype, self.numbers if ftype in NUMERIC else "")


#: field type -> the shapes a warehouse column may hold it in (the first: the default)
SHAPES: dict[str, tuple[str, ...]] = {
    "set_of": ("text", "array"),
    "date": ("date", "text"),
    "yes_no": ("boolean", "text"),
    "number": ("numeric", "text"),
    "integer": ("numeric", "text"),
}


def parse_shapes(pairs: Sequence[str]) -> dict[str, str]:
    """`--shape FIELD=SHAPE` options as field -> shape. Raises UsageError for one without '='
    (the shapes themselves are checked against the fields by `check_shapes`)."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, eq, shape = pair.partition("=")
        if not eq or not name.strip() or not shape.strip():
            raise UsageError(f"found --shape {pair}; expected FIELD=SHAPE (tech_stack=array)")
        out[name.strip()] = shape.strip()
    return out


def check_shapes(handbook: Handbook, spec: TableSpec, d: Dialect) -> None:
    """Raise UsageError for a shape a field cannot take, or arrays where `d` has none."""
    for name, shape in spec.shapes.items():
        fld = handbook.fields.get(name)
        if fld is None:
            raise UsageError(f"found a shape for '{name}', which is not a field of the vocabulary")
        allowed = SHAPES.get(fld.type, ())
        if shape not in allowed:
            expected = " or ".join(allowed) if allowed else "no shape (it has one)"
            raise UsageError(
                f"found the shape '{shape}' for {name}, {field_kind(fld.type)}; expected {expected}"
            )
    arrays = [
        n
        for n in handbook.read_fields
        if handbook.fields[n].type == "set_of" and spec.shape(n, "set_of") == "array"
    ]
    if arrays and not d.arrays:
        raise UsageError(
            f"found {arrays[0]} as an array for {d.name}; expected text ({d.name} has no array "
            "type)"
        )


@dataclass(frozen=True)
class Options:
    """What the query computes."""

    #: fixed as-of date, or None for the warehouse's current date at run time
    as_of: dt.date | None
    #: plain names of the core columns to give, in this order (see `ALL_OUTPUTS`)
    outputs: tuple[str, ...] = ALL_OUTPUTS
    per_profile: bool = True


# --- leaves -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeafCtx:
    """What a leaf builder may need besides the value and operand."""

    field: Field
    dialect: Dialect
    as_of: dt.date | None


LeafBuilder = Callable[[exp.Expr, Any, LeafCtx], exp.Expr]


def literal(value: Any, ftype: str) -> exp.Expr:
    """A SQL literal for an operand of a field of type `ftype`."""
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if ftype == "date" or isinstance(value, dt.date):
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        return exp.cast(exp.Literal.string(text), exp.DataType.Type.DATE)
    if isinstance(value, int):
        return exp.Literal.number(str(value))
    if isinstance(value, float):
        return exp.Literal.number(repr(value))
    return exp.Literal.string(str(value))


def _p(e: exp.Expr) -> exp.Expr:
    return (
        e
        if isinstance(e, exp.Paren | exp.Column | exp.Boolean | exp.Literal)
        else exp.Paren(this=e)
    )


def conj(items: Sequence[exp.Expr], kind: type[exp.Connector]) -> exp.Expr:
    """Items joined by AND or OR, each in parentheses (precedence is never left to chance)."""
    out = _p(items[0])
    for item in items[1:]:
        out = kind(this=out, expression=_p(item))
    return out


def _sum(items: Sequence[exp.Expr]) -> exp.Expr:
    out: exp.Expr = exp.Paren(this=items[0]) if items else exp.Literal.number(0)
    for item in items[1:]:
        out = exp.Add(this=out, expression=exp.Paren(this=item))
    return exp.Paren(this=out)


def negate(e: exp.Expr) -> exp.Expr:
    return exp.Not(this=_p(e))


def _cmp(kind: type[exp.Binary]) -> LeafBuilder:
    def build(v: exp.Expr, x: Any, c: LeafCtx) -> exp.Expr:
        return kind(this=v, expression=literal(x, c.field.type))

    return build


def _ne(v: exp.Expr, x: Any, c: LeafCtx) -> exp.Expr:
    return negate(exp.EQ(this=v, expression=literal(x, c.field.type)))


def _between(v: exp.Expr, x: Sequence[Any], c: LeafCtx) -> exp.Expr:
    return exp.Between(this=v, low=literal(x[0], c.field.type), high=literal(x[1], c.field.type))


def _in(v: exp.Expr, x: Sequence[Any], c: LeafCtx) -> exp.Expr:
    return exp.In(this=v, expressions=[literal(item, c.field.type) for item in x])


def _not_in(v: exp.Expr, x: Sequence[Any], c: LeafCtx) -> exp.Expr:
    return negate(_in(v, x, c))


def member(v: exp.Expr, value: str, c: LeafCtx) -> exp.Expr:
    """The set (';a;b;' text: `_Query.source_value` reads an array so too) holds `value`: a
    string position (LIKE would read '_' in a value as a wildcard)."""
    found = exp.StrPosition(this=v, substr=exp.Literal.string(f";{value};"))
    return exp.GT(this=found, expression=exp.Literal.number(0))


def or_unknown(v: exp.Expr, test: exp.Expr, c: LeafCtx) -> exp.Expr:
    """`test` on a closed set's known members, else NULL (unknown) when its ';a;b;' text
    holds the unknown member (`UNKNOWN_MEMBER`: a member the vocabulary does not name),
    else FALSE, as `operators._or_unknown`. An open set has no unknown member."""
    if c.field.values is None:
        return test
    marked = exp.GT(this=exp.StrPosition(this=v, substr=lit(UNKNOWN_MEMBER)), expression=num(0))
    return exp.Or(this=_p(test), expression=exp.Nullif(this=marked, expression=exp.true()))


def _member_contains(v: exp.Expr, x: tuple[Sequence[str], int], c: LeafCtx) -> exp.Expr:
    """A member equals a phrase, or (phrases of at least `least` characters) contains it: a
    phrase in normal form holds no ';', so a position test never spans two members. A closed
    set's members are values: the test is a member test of the values that match (its
    unrecognised members, kept as written, are never searched)."""
    phrases, least = x
    if c.field.values is not None:
        matched = [
            value
            for value in c.field.values
            if any(value == p or (len(p) >= least and p in value) for p in phrases)
        ]
        found = conj([member(v, m, c) for m in matched], exp.Or) if matched else exp.false()
        return or_unknown(v, found, c)
    tests = [
        exp.GT(this=exp.StrPosition(this=v, substr=lit(p)), expression=num(0))
        if len(p) >= least
        else member(v, p, c)
        for p in phrases
    ]
    return conj(tests, exp.Or)


def _not_empty(v: exp.Expr, _x: Any, c: LeafCtx) -> exp.Expr:
    """The set has a member: its ';a;b;' text holds more than separators (';;' and ';;;'
    are empty sets: '' and ';' as written); an unknown member is a member."""
    return exp.NEQ(this=replaced(v, ";", ""), expression=lit(""))


def _has_any(v: exp.Expr, x: Sequence[str], c: LeafCtx) -> exp.Expr:
    return or_unknown(v, conj([member(v, item, c) for item in x], exp.Or), c)


def _has_all(v: exp.Expr, x: Sequence[str], c: LeafCtx) -> exp.Expr:
    return or_unknown(v, conj([member(v, item, c) for item in x], exp.And), c)


def _has_none(v: exp.Expr, x: Sequence[str], c: LeafCtx) -> exp.Expr:
    return negate(_has_any(v, x, c))


def _is(v: exp.Expr, x: bool, _c: LeafCtx) -> exp.Expr:
    return exp.EQ(this=v, expression=exp.true() if x else exp.false())


def _present(v: exp.Expr, _x: Any, _c: LeafCtx) -> exp.Expr:
    return exp.Not(this=exp.Is(this=v, expression=exp.Null()))


def _missing(v: exp.Expr, _x: Any, _c: LeafCtx) -> exp.Expr:
    return exp.Is(this=v, expression=exp.Null())


def days_before(days: int, c: LeafCtx) -> exp.Expr:
    """The date `days` days before the as-of date (`dates.days_before`: never before year
    1): a literal for a fixed date, else the dialect's arithmetic on its current date."""
    if c.as_of is not None:
        return literal(dates.days_before(c.as_of, days), "date")
    return c.dialect.days_before_today(days)


def _mentions(v: exp.Expr, x: Sequence[str], c: LeafCtx) -> exp.Expr:
    """A whole word or phrase of the list, or a word longer than a stem (`automat*`), in the
    normal form `v` (as `operators._sql_mentions`): one regular expression of letters, digits
    and `_` only (a plain group: POSIX engines have no `(?:`), built here (never taken from
    YAML) for a linear-time engine; where the dialect has no regular expressions (SQLite), one
    GLOB per word (a normal form holds no GLOB syntax)."""
    parts = [f"{e[:-1]}[^_]" if e.endswith("*") else f"{e}_" for e in x]
    padded = concat([lit("_"), v, lit("_")])
    form = c.dialect.normal_form
    assert form is not None  # refuse_unsupported stopped every other dialect
    if form.search is None:
        return conj([exp.Glob(this=padded, expression=lit(f"*_{p}*")) for p in parts], exp.Or)
    return form.search(padded, "_(" + "|".join(parts) + ")")


def _starts(v: exp.Expr, x: str, c: LeafCtx) -> exp.Expr:
    """The lowered text (marks dropped, lowercased) starts with `x` (its first characters:
    PostgreSQL has no ENDS_WITH, SQLite neither)."""
    if c.dialect.name == "duckdb":
        return exp.StartsWith(this=v, expression=lit(x))
    head = exp.Substring(this=v, start=num(1), length=num(len(x)))
    return exp.EQ(this=head, expression=lit(x))


def _ends(v: exp.Expr, x: str, c: LeafCtx) -> exp.Expr:
    """The lowered text ends with `x` (its last characters; a text shorter than `x` gives a
    shorter piece in every dialect, never `x`)."""
    if c.dialect.name == "duckdb":
        return exp.EndsWith(this=v, expression=lit(x))
    start = exp.Sub(this=exp.Length(this=v), expression=num(len(x) - 1))
    return exp.EQ(this=exp.Substring(this=v, start=start), expression=lit(x))


def _after_as_of(v: exp.Expr, test: exp.Expr, c: LeafCtx) -> exp.Expr:
    """`test`, unknown for a date after the as-of date (`operators._sql_within`)."""
    return case([(exp.GT(this=v, expression=days_before(0, c)), exp.Null())], test)


def _within(v: exp.Expr, x: int, c: LeafCtx) -> exp.Expr:
    return _after_as_of(v, exp.GTE(this=v, expression=days_before(x, c)), c)


def _older(v: exp.Expr, x: int, c: LeafCtx) -> exp.Expr:
    return _after_as_of(v, exp.LT(this=v, expression=days_before(x, c)), c)


def band_leaf(op: str, lo: exp.Expr, hi: exp.Expr, x: Any, c: LeafCtx) -> exp.Expr:
    """A number test on a value read from text, which may be a band [lo, hi] (hi NULL: open,
    above every number): TRUE when it holds for every value of the band, FALSE when for none,
    else unknown (as the evaluator's bounds arithmetic, `operators._ge` and its kin)."""

    def tri(holds: exp.Expr, fails: exp.Expr) -> exp.Expr:
        return case([(holds, exp.true()), (fails, exp.false())])

    def n(value: Any) -> exp.Expr:
        return literal(value, c.field.type)

    def both(a: exp.Expr, b: exp.Expr) -> exp.Expr:
        return exp.And(this=_p(a), expression=_p(b))

    def either(a: exp.Expr, b: exp.Expr) -> exp.Expr:
        return exp.Or(this=_p(a), expression=_p(b))

    match op:
        case "equals" | "not_equals":
            eq = tri(
                both(exp.EQ(this=lo, expression=n(x)), exp.EQ(this=hi, expression=n(x))),
                either(exp.LT(this=hi, expression=n(x)), exp.GT(this=lo, expression=n(x))),
            )
            return eq if op == "equals" else negate(eq)
        case "at_least":
            return tri(exp.GTE(this=lo, expression=n(x)), exp.LT(this=hi, expression=n(x)))
        case "more_than":
            return tri(exp.GT(this=lo, expression=n(x)), exp.LTE(this=hi, expression=n(x)))
        case "at_most":
            return tri(exp.LTE(this=hi, expression=n(x)), exp.GT(this=lo, expression=n(x)))
        case "less_than":
            return tri(exp.LT(this=hi, expression=n(x)), exp.GTE(this=lo, expression=n(x)))
        case "between":
            a, b = n(x[0]), n(x[1])
            return tri(
                both(exp.GTE(this=lo, expression=a), exp.LTE(this=hi, expression=b)),
                either(exp.LT(this=hi, expression=a), exp.GT(this=lo, expression=b)),
            )
        case _:
            return LEAVES[op](lo, x, c)  # present / missing: the low end is NULL when unknown


#: one SQL builder per row of the operator table (a test checks none is missing)
LEAVES: dict[str, LeafBuilder] = {
    "equals": _cmp(exp.EQ),
    "not_equals": _ne,
    "at_least": _cmp(exp.GTE),
    "more_than": _cmp(exp.GT),
    "at_most": _cmp(exp.LTE),
    "less_than": _cmp(exp.LT),
    "between": _between,
    "one_of": _in,
    "none_of": _not_in,
    "in_region": _in,
    "has_any": _has_any,
    "has_all": _has_all,
    "has_none": _has_none,
    "is": _is,
    "present": _present,
    "missing": _missing,
    "within_days": _within,
    "older_than_days": _older,
    "member_contains": _member_contains,
    "not_empty": _not_empty,
    "mentions": _mentions,
    "starts_with": _starts,
    "ends_with": _ends,
}

#: tests on a `text` field that do not read its normal form; every other one reads it
#: (`icpkit.engine.normal`: accents dropped, any script lowercased, every non-letter of any
#: script a word break) and is rendered only for a dialect with a `normal_form`
READS_NO_TEXT = frozenset(k for k, op in OPERATORS.items() if op.text_form == "none")
#: tests that read the lowered text (marks dropped, lowercased) rather than the normal form
READS_LOWERED = frozenset(k for k, op in OPERATORS.items() if op.text_form == "lowered")


def trimming(chars: str) -> Step:
    """The step TRIM(text, chars): any of `chars` from both ends."""

    def step(text: exp.Expr) -> exp.Expr:
        return exp.Trim(this=text, expression=lit(chars))

    return step


def word_folds(folds: Folds, sep: str) -> list[Step]:
    """The steps of the word folds on a normal form (each twice: adjacent occurrences share
    their `_`), as `normal.normal` pads the text with `_`; with `sep` (';'), on each member
    between its separators."""
    words = [(src, dst) for src, dst in folds if not is_symbol(src)]
    if not words:
        return []

    def pad(text: exp.Expr) -> exp.Expr:
        inner = replaced(text, sep, f"_{sep}_") if sep else text
        return concat([lit("_"), inner, lit("_")])

    steps: list[Step] = [pad]
    steps += [replacing(f"_{src}_", f"_{dst}_") for src, dst in words for _ in range(2)]
    steps += [replacing(f"_{sep}_", sep)] if sep else []
    steps.append(trimming("_"))
    return steps


def fold_words(folds: Folds) -> frozenset[str]:
    """The characters a symbol fold writes into the text (its target's, in normal form): word
    characters a dialect's class of them must hold."""
    return frozenset(c for src, dst in folds if is_symbol(src) for c in dst if c != "_")


def reads_normal_form(handbook: Handbook, leaf: Leaf) -> bool:
    """The leaf tests a text field by its normal form (or lowered text)."""
    return handbook.fields[leaf.field].type == "text" and leaf.op not in READS_NO_TEXT


def refuse_unsupported(handbook: Handbook, d: Dialect) -> None:
    """Raise InputError naming the first active rule that tests a text field by its normal
    form when dialect `d` has no SQL for it, with what the dialect lacks and the way out."""
    if d.normal_form is not None:
        return
    owners: list[tuple[str, Sequence[Rule]]] = []
    for icp in handbook.active_icps:
        owners.append((icp.path or icp.id, (*icp.requirements, *icp.criteria, *icp.gates)))
    for neg in handbook.active_negatives:
        owners.append((neg.path or neg.id, neg.rules))
    policy = handbook.policy
    owners.append(("tier policy", (*policy.gates, *(f.rule for f in policy.flags))))
    for where, rules in owners:
        for rule in rules:
            for leaf in condition_leaves(rule.when):
                if reads_normal_form(handbook, leaf):
                    raise InputError(
                        f"{where}: rule {rule.id} ({rule.label}) tests the text field "
                        f"{leaf.field} with {leaf.op}, which reads the text's normal form "
                        "(accents dropped, any script lowercased, non-letters as word breaks); "
                        f"expected tests the {d.name} dialect can render the same way: "
                        f"{d.lacks}. Render it for duckdb (`icp sql --dialect duckdb`, "
                        "`icp export dbt` on dbt-duckdb) or score with `icp score`"
                    )


# --- the query --------------------------------------------------------------------------------


def col(name: str) -> exp.Column:
    return exp.column(exp.to_identifier(name))


def table_ident(name: str, d: Dialect) -> exp.Identifier:
    """A column of the scored table as the user named it (a field, `--map`, the id column),
    quoted in dialect `d` exactly when it must be (`icpkit.sql.idents`). Raises UsageError
    for an empty name."""
    return idents.ident(name, d)


def replaced(text: exp.Expr, old: str, new: str) -> exp.Expr:
    """REPLACE(text, old, new): every occurrence, in every dialect."""
    return exp.Anonymous(this="REPLACE", expressions=[text, lit(old), lit(new)])


def separated(text: exp.Expr) -> exp.Expr:
    """A set's text with each separator `icp score` splits a cell on (`parsing.SET_SPLIT`:
    ; , | and line breaks) written as ';', so that 'Accel, GV' holds the two members it
    holds in a CSV (it read as one member, accel_gv, a value nobody wrote)."""
    for sep in SET_SEPARATORS.replace(";", ""):
        # a line break as CHR(n): no control character is written in the SQL
        written = exp.Chr(expressions=[num(ord(sep))]) if sep < " " else lit(sep)
        text = exp.Anonymous(this="REPLACE", expressions=[text, written, lit(";")])
    return text


def unbracketed(text: exp.Expr) -> exp.Expr:
    """A closed set's text without list brackets and quotes (`["python","aws"]`,
    `['python', 'aws']`, `{python,aws}` are python,aws), as `icp score` reads such a cell:
    no vocabulary code holds them. (An open set reads its members' normal forms, where they
    are no part of a member.)"""
    for char in "[]{}\"'":
        text = replaced(text, char, "")
    return text


def table_col(name: str, d: Dialect) -> exp.Column:
    return exp.column(table_ident(name, d))


def null_token(text: exp.Expr) -> exp.Expr:
    """`text` (trimmed of blanks) is a null token in any case ('N/A', 'none': `NULL_TOKENS`),
    which holds nothing: unknown, as icp score's `icp_text` reads a cell."""
    return exp.In(this=exp.Lower(this=text), expressions=[lit(t) for t in NULL_TOKENS])


def lit(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def num(n: int) -> exp.Expr:
    return exp.Literal.number(str(n))


def case(whens: Sequence[tuple[exp.Expr, exp.Expr]], default: exp.Expr | None = None) -> exp.Expr:
    out = exp.Case()
    for cond, then in whens:
        out = out.when(cond, then)
    return out.else_(default) if default is not None else out


def concat(items: Sequence[exp.Expr]) -> exp.Expr:
    out = items[0]
    for item in items[1:]:
        out = exp.DPipe(this=out, expression=item, safe=False)
    return out


def names_text(items: Sequence[tuple[exp.Expr, str]], sep: str) -> exp.Expr:
    """Text of the names whose condition holds (NULL counts as not), each preceded by `sep`;
    '' when none does."""
    if not items:
        return lit("")
    return concat([case([(cond, lit(sep + name))], lit("")) for cond, name in items])


def drop_first(text: exp.Expr, sep: str) -> exp.Expr:
    """`text` without its leading separator."""
    return exp.Substring(this=text, start=num(len(sep) + 1))


def iso_date(text: exp.Expr) -> exp.Expr:
    """The DATE of date text (already trimmed of `BLANKS`: `_Query.trimmed`) in the one
    grammar of `icpkit.engine.dates` (`2026-03-01`, `2026-03-01 12:00:00`,
    `2026-03-01T12:00:00.000Z`: a real day of year 0001-9999, a time in range); NULL
    (unknown) for any other text (`0000-01-01`, `2026-1-5`, `2026-10-20T`), never an error
    nor another day: a bare CAST fails the whole query on DuckDB and PostgreSQL for one bad
    cell, and SQLite's DATE() reads 2026-02-30 as 2026-03-02. Only REPLACE, SUBSTRING,
    LENGTH, CASE and integer arithmetic, which every dialect reads alike: the text with each
    digit written 0 is one of the grammar's `SHAPES`, then the numbers are in range; the
    integer casts run only once the shape holds."""

    def ch(i: int) -> exp.Expr:
        return exp.Substring(this=text, start=num(i), length=num(1))

    def from_end(back: int) -> exp.Expr:
        """The 1-based position `back` characters before the last one."""
        return exp.Sub(this=exp.Length(this=text), expression=num(back))

    def part(start: int | exp.Expr, length: int = 2) -> exp.Expr:
        at = num(start) if isinstance(start, int) else start
        piece = exp.Substring(this=text, start=at, length=num(length))
        return exp.cast(piece, exp.DataType.Type.INT)

    digits_as_zero: exp.Expr = text
    for n in range(1, 10):
        digits_as_zero = exp.Anonymous(
            this="REPLACE", expressions=[digits_as_zero, lit(str(n)), lit("0")]
        )
    length = exp.Length(this=text)
    plain = exp.EQ(this=digits_as_zero, expression=lit(DATE_SHAPES[0]))
    shape = case(
        [(exp.EQ(this=length, expression=num(10)), plain)],
        exp.In(this=digits_as_zero, expressions=[lit(s) for s in DATE_SHAPES[1:]]),
    )
    year, month, day = part(1, 4), part(6), part(9)

    def divides(n: int) -> exp.Expr:
        return exp.EQ(this=exp.Mod(this=year, expression=num(n)), expression=num(0))

    def at_most(value: exp.Expr, top: int) -> exp.Expr:
        return exp.LTE(this=value, expression=num(top))

    def sign_at(pos: exp.Expr) -> exp.Expr:
        return exp.In(
            this=exp.Substring(this=text, start=pos, length=num(1)),
            expressions=[lit("+"), lit("-")],
        )

    leap = exp.Or(
        this=_p(exp.And(this=divides(4), expression=negate(divides(100)))),
        expression=divides(400),
    )
    month_days = case(
        [
            (exp.EQ(this=month, expression=num(2)), case([(leap, num(29))], num(28))),
            (exp.In(this=month, expressions=[num(4), num(6), num(9), num(11)]), num(30)),
        ],
        num(31),
    )
    longer = exp.GT(this=length, expression=num(10))
    seconds = exp.And(
        this=exp.GTE(this=length, expression=num(19)),
        expression=exp.EQ(this=ch(17), expression=lit(":")),
    )
    # the zone, when there is one: +HH:MM, +HHMM or +HH at the end (no other sign follows
    # the date in any shape)
    zone = case(
        [
            (
                sign_at(from_end(5)),
                exp.And(
                    this=at_most(part(from_end(4)), 23), expression=at_most(part(from_end(1)), 59)
                ),
            ),
            (
                sign_at(from_end(4)),
                exp.And(
                    this=at_most(part(from_end(3)), 23), expression=at_most(part(from_end(1)), 59)
                ),
            ),
            (sign_at(from_end(2)), at_most(part(from_end(1)), 23)),
        ],
        exp.true(),
    )
    time = case(
        [
            (
                longer,
                conj(
                    [
                        at_most(part(12), 23),
                        at_most(part(15), 59),
                        case([(seconds, at_most(part(18), 59))], exp.true()),
                        zone,
                    ],
                    exp.And,
                ),
            )
        ],
        exp.true(),
    )
    valid = conj(
        [
            exp.GTE(this=year, expression=num(1)),
            exp.Between(this=month, low=num(1), high=num(12)),
            exp.Between(this=day, low=num(1), high=month_days),
            time,
        ],
        exp.And,
    )
    as_date = exp.cast(
        exp.Substring(this=text, start=num(1), length=num(10)), exp.DataType.Type.DATE
    )
    return case([(shape, case([(valid, as_date)]))])


class _Query:
    def __init__(self, handbook: Handbook, spec: TableSpec, d: Dialect, opts: Options) -> None:
        self.hb = handbook
        self.spec = spec
        self.d = d
        self.opts = opts
        self.fields = list(handbook.read_fields)
        self.icps = handbook.active_icps
        self.negs = handbook.active_negatives
        refuse_unsupported(handbook, d)
        #: text fields some test reads by their normal form (or lowered text)
        self.normal_fields = self.normal_read(handbook)
        unknown = [o for o in opts.outputs if o not in ALL_OUTPUTS]
        if unknown:
            raise UsageError(f"found the output {unknown[0]}; expected one of {ALL_OUTPUTS}")
        check_shapes(handbook, spec, d)

    # values ----------------------------------------------------------------------------------

    def v(self, name: str) -> exp.Column:
        return col(f"v{self.fields.index(name)}")

    def source_value(self, name: str) -> exp.Expr:
        fld = self.hb.fields[name]
        if name in self.spec.absent:
            return self.absent_value(fld)
        raw: exp.Expr = table_col(self.spec.column(name), self.d)
        if fld.type == "set_of":
            text = self.spec.shape(name, fld.type) == "text"
            raw = self.set_text(name) if text else raw
            value = self.set_value(fld, raw)
            whens: list[tuple[exp.Expr, exp.Expr]] = []
            if not text:
                # a null member: the set is not known whole, as icp score reads a list
                # with a null and icp explain a YAML '- ' with nothing after it
                whens.append((self.null_member(raw), exp.Null()))
            if text:
                # a null token ('n/a', '-', 'none') is unknown, as icp score reads the cell
                whens.append((null_token(trim_blanks(raw)), exp.Null()))
            if not fld.empty_set:
                # a set of no members is unknown unless the field says `empty: empty_set`,
                # as icp score reads an empty cell and icp test an empty list
                whens.append((self.no_members(raw, text), exp.Null()))
            elif text:
                # '[]' and '""' name no member, as icp score reads them
                empty = exp.In(this=trim_blanks(raw), expressions=[lit("[]"), lit('""')])
                whens.append((empty, lit(";;")))
            read = case(whens, value) if whens else value
            plain = self.plain_members(fld, raw) if text else None
            # members already in normal form ('python;aws', as CRM codes are) need none of
            # the tests above: one regular expression instead of three trims per row
            return (
                read if plain is None else case([(plain, concat([lit(";"), raw, lit(";")]))], read)
            )
        trimmed = col(f"icp__t{self.fields.index(name)}")  # (`trimmed`, for text cells)
        if fld.type == "yes_no" and self.spec.shape(name, fld.type) == "text":
            word = exp.Lower(this=trimmed)
            return case(
                [
                    (exp.In(this=word, expressions=[lit(w) for w in YES_WORDS]), exp.true()),
                    (exp.In(this=word, expressions=[lit(w) for w in NO_WORDS]), exp.false()),
                ]
            )
        if fld.type == "date" and (
            self.spec.shape(name, fld.type) == "text" or self.d.name == "sqlite"
        ):
            return iso_date(trimmed)
        # SQLite keeps any value in any column: text in a number column ('unknown', '1,200')
        # would compare above every number, and 'true' in a yes/no column equal no flag
        stored = exp.Anonymous(this="typeof", expressions=[raw])
        if fld.type == "yes_no" and self.d.name == "sqlite":
            flag = exp.In(this=raw, expressions=[num(0), num(1)])
            return case(
                [
                    (
                        exp.And(
                            this=exp.EQ(this=stored, expression=lit("integer")), expression=flag
                        ),
                        raw,
                    )
                ]
            )
        return self.checked_value(fld, raw, stored)

    def set_value(self, fld: Field, raw: exp.Expr) -> exp.Expr:
        """A set field's column as ';a;b;' text, so that a member test never matches part
        of a value; a NULL stays NULL (unknown), '' is ';;' (no members)."""
        text = self.spec.shape(fld.name, fld.type) == "text"
        if fld.values is None:
            return self.open_members(raw, text, fld.folds)
        # an array is read as the same ';a;b;' text (its '' members ignored, as the
        # file scorer ignores empty members); a member the vocabulary does not name is an
        # unknown member, never a value and never ignored, as icp score reads it, and so is
        # an array member holding ';' ('dotnet;python' is one member no value is)
        # text: `set_texts` wrote it without brackets (and, on SQLite, blanks)
        if text:
            joined = raw if self.d.name == "sqlite" else self.unspaced(raw)
        else:
            joined = self.array_members(raw)
        known = self.members_named(joined, fld.values)
        # members the vocabulary does not name stay in the text (no member test ';value;'
        # matches them) and mark the set with the unknown member
        marked = concat([lit(";"), joined, lit(f";{UNKNOWN_MEMBER};")])
        return case([(known, concat([lit(";"), joined, lit(";")]))], marked)

    def unspaced(self, text: exp.Expr) -> exp.Expr:
        """A closed set's text without blanks around its separators and at its ends
        ('python; aws ' is python;aws, as `icp score` trims each member): a regular expression
        (\\s) where the dialect has them; on SQLite two spaces at most (more read as
        unknown)."""
        if self.d.name == "sqlite":
            for _ in range(2):
                text = replaced(replaced(text, " ;", ";"), "; ", ";")
        else:
            # the regular expression only where a space or tab is (CRM codes hold none)
            blank = conj(
                [
                    exp.GT(this=exp.StrPosition(this=text, substr=c), expression=num(0))
                    for c in (lit(" "), exp.Chr(expressions=[num(9)]))
                ],
                exp.Or,
            )
            spaced = exp.RegexpReplace(this=text, expression=lit("\\s*;\\s*"), replacement=lit(";"))
            text = case([(blank, spaced)], text)
        return trim_blanks(text)

    def no_members(self, raw: exp.Expr, text: bool) -> exp.Expr:
        """The set column names no member: text of nothing but ';' and blanks, or an array
        of nothing but '' (members whose normal form is empty are not counted here)."""
        if text:
            # '[]' and '""' name no member, as icp score reads them
            bare = trim_blanks(replaced(raw, ";", ""))
            return exp.In(this=bare, expressions=[lit(""), lit("[]"), lit('""')])
        joined = trim_blanks(exp.ArrayToString(this=raw, expression=lit("")))
        return exp.EQ(this=joined, expression=lit(""))

    def checked_value(self, fld: Field, raw: exp.Expr, stored: exp.Expr) -> exp.Expr:
        """A number, one-of value or text of the table as the scorer reads it (`stored`:
        SQLite's type of the cell)."""
        if fld.type in NUMERIC:
            # a number outside the field's minimum / maximum (0 or -5 employees) is unknown,
            # as icp score reads it (and --parse-text, `textnumbers._fits`), never a number;
            # so is NaN, +inf, -inf or a NUMERIC beyond a double's range: unreadable, as icp
            # score reads it (NaN compares above every number in DuckDB, PostgreSQL, Spark
            # and Snowflake, and fails every comparison in BigQuery: both ends are tested)
            low = -FINITE if fld.minimum is None else float(fld.minimum)
            high = FINITE if fld.maximum is None else float(fld.maximum)
            tests: list[exp.Expr] = [
                exp.GTE(this=raw, expression=exp.Literal.number(repr(low))),
                exp.LTE(this=raw, expression=exp.Literal.number(repr(high))),
            ]
            if self.d.name == "sqlite":
                numeric = exp.In(this=stored, expressions=[lit("integer"), lit("real")])
                tests.insert(0, numeric)
            return case([(conj(tests, exp.And), raw)])
        if fld.type == "date":
            # a day before year 1 (PostgreSQL's BC dates) or after 9999, or `infinity`, is
            # no calendar day: unknown, as icp score reads such a Parquet DATE
            first, last = (exp.cast(lit(d), exp.DataType.Type.DATE) for d in DAY_RANGE)
            return case([(exp.Between(this=raw, low=first, high=last), raw)])
        if fld.type == "text":
            return col(f"icp__t{self.fields.index(fld.name)}")  # trimmed below (`trimmed`)
        if fld.type == "one_of" and fld.values is not None:
            # a value the vocabulary does not name ('United States' for the code US) is
            # unknown, never unmet: as icp score reads it, the table holds the values
            return case([(exp.In(this=raw, expressions=[lit(v) for v in fld.values]), raw)])
        return raw

    def absent_value(self, fld: Field) -> exp.Expr:
        """A typed NULL for a field the table has no column for."""
        # a set is read as ';a;b;' text, from an array too (`source_value`)
        key = "text" if fld.type == "set_of" else fld.type
        kind = exp.DataType.build(SQL_TYPES[self.d.name][key], dialect=self.d.sqlglot)
        return exp.cast(exp.Null(), kind)

    def members_named(self, joined: exp.Expr, values: Sequence[str]) -> exp.Expr:
        """Every member of `joined` (members separated by ';', empty ones ignored) is one of
        `values`. One regular expression removes each 'value;', and only separators may be
        left (a POSIX group, which every dialect reads alike). SQLite has no regular
        expressions: there the named members' characters and the separators must add up to
        the whole text (each ';value;' counted in the text with its separators doubled)."""
        if self.d.name != "sqlite":
            alternatives = "|".join(re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", v) for v in values)
            rest = exp.RegexpReplace(
                this=concat([joined, lit(";")]),
                expression=lit(f"({alternatives});"),
                replacement=lit(""),
            )
            return exp.EQ(this=replaced(rest, ";", ""), expression=lit(""))

        doubled = concat([lit(";"), replaced(joined, ";", ";;"), lit(";")])

        def count(e: exp.Expr, part: str) -> exp.Expr:
            """How often `part` occurs in `e` (integer division: the difference is a
            multiple of the part's length)."""
            gone = exp.Sub(
                this=exp.Length(this=e), expression=exp.Length(this=replaced(e, part, ""))
            )
            return exp.Paren(
                this=exp.Div(this=_p(gone), expression=exp.Literal.number(len(part)), typed=True)
            )

        covered: exp.Expr = count(joined, ";")
        for value in values:
            term = exp.Mul(
                this=count(doubled, f";{value};"), expression=exp.Literal.number(len(value))
            )
            covered = exp.Add(this=covered, expression=term)
        return exp.EQ(this=covered, expression=exp.Length(this=joined))

    def leaf(self, leaf: Leaf) -> exp.Expr:
        fld = self.hb.fields[leaf.field]
        ctx = LeafCtx(fld, self.d, self.opts.as_of)
        v = self.v(leaf.field)
        if leaf.field in dict(self.number_fields).values():
            at = self.fields.index(leaf.field)
            return band_leaf(leaf.op, v, col(f"vh{at}"), leaf.operand, ctx)
        if reads_normal_form(self.hb, leaf):
            at = self.fields.index(leaf.field)
            v = col(f"lw{at}" if leaf.op in READS_LOWERED else f"n{at}")
        return LEAVES[leaf.op](v, leaf.operand, ctx)

    @staticmethod
    def const(value: bool | None) -> exp.Expr:
        return exp.Null() if value is None else (exp.true() if value else exp.false())

    def cond(self, c: Condition) -> exp.Expr:
        match c:
            case Leaf():
                return self.leaf(c)
            case AllOf():
                return conj([self.cond(i) for i in c.items], exp.And)
            case AnyOf():
                return conj([self.cond(i) for i in c.items], exp.Or)
            case Not():
                return negate(self.cond(c.item))
            case SegmentRef():
                return self.cond(c.item)
            case CountOf():
                return self.count_of(c)
            case _:
                assert_never(c)

    def count_of(self, c: CountOf) -> exp.Expr:
        """at_least / at_most N of conditions, in three-valued logic: the fewest and the most
        that may hold (an unknown one either way), as `evaluate` and `sqlcompile` count."""
        one, zero = exp.Literal.number(1), exp.Literal.number(0)
        tests = [self.cond(i) for i in c.items]
        least = _sum([case([(t, one)], zero) for t in tests])
        most = _sum([case([(negate(t), zero)], one) for t in tests])
        n = exp.Literal.number(c.n)
        if c.op == "at_least":
            return case(
                [
                    (exp.GTE(this=least, expression=n), exp.true()),
                    (exp.LT(this=most, expression=n), exp.false()),
                ]
            )
        return case(
            [
                (exp.LTE(this=most, expression=n), exp.true()),
                (exp.GT(this=least, expression=n), exp.false()),
            ]
        )

    def known(self, name: str) -> exp.Expr:
        """The field has a value (NULL is unknown for every field type)."""
        return exp.Not(this=exp.Is(this=self.v(name), expression=exp.Null()))

    # layers ----------------------------------------------------------------------------------

    def build(self) -> exp.Select:
        def fence(sel: exp.Select) -> exp.Select:
            # every layer, the reading one too: PostgreSQL otherwise copies a value's
            # vocabulary check (an IN list of every allowed value) into each test reading it
            return sel.offset(0) if self.d.fence else sel

        def layer(items: list[exp.Expr], source: str) -> exp.Select:
            return fence(exp.select(exp.Star(), *items).from_(source))

        keys = [col(f"k{i}") for i in range(len(self.icps))]
        if not keys:
            best: exp.Expr = num(-1)
        elif len(keys) == 1:
            best = keys[0]
        else:
            best = exp.Greatest(this=keys[0], expressions=keys[1:])
        query = exp.select(*self.final()).from_("l6")
        table = idents.table(self.spec.table, self.d)
        pre: list[tuple[str, exp.Select]] = []

        def reading(name: str, items: list[exp.Expr]) -> None:
            sel = exp.select(exp.Star(), *items).from_(pre[-1][0] if pre else table)
            pre.append((name, fence(sel)))

        if self.number_fields:
            # numbers as text: both readings of each cell, layer by layer
            for n, items in enumerate(self.number_layers()):
                reading(f"rd{n}", items)
        if self.text_fields or self.set_text_fields:
            # each text trimmed, and each set's text split, once per row: its fast test,
            # value and forms read it
            reading("tx", [*self.trimmed(), *self.set_texts()])
        plain = self.plain()
        if plain:
            # each text's fast test once per row, in its own layer (PostgreSQL evaluated it
            # for the value and again inside each of its forms)
            items = [exp.alias_(test, f"icp__p{i}") for i, test in plain.items()]
            sel = exp.select(exp.Star(), *items).from_(pre[-1][0] if pre else table)
            pre.append(("pl", fence(sel)))
        for name, sel in (
            *pre,
            ("src", fence(self.src(pre[-1][0] if pre else None, set(plain)))),
            ("l1", layer(self.l1(), "src")),
            ("l2", layer(self.l2(), "l1")),
            ("l3", layer(self.l3(), "l2")),
            ("l5", layer([exp.alias_(best, "best")], "l3")),
            # not fenced: only the final SELECT reads it, and a fence cost PostgreSQL a pass
            # over every row (0.5 s of 8.2 s at 1,000,000 accounts, bench_warehouse.py)
            ("l6", exp.select(exp.Star(), *self.verdict()).from_("l5")),
        ):
            query = query.with_(name, as_=sel)
        return query

    @cached_property
    def number_fields(self) -> list[tuple[int, str]]:
        """(index, name) of the numeric fields the table has a text column for (`--parse-text`,
        or their shape "text"): read by `textnumbers`."""
        return [
            (i, f)
            for i, f in enumerate(self.fields)
            if self.hb.fields[f].type in NUMERIC
            and f not in self.spec.absent
            and self.spec.shape(f, self.hb.fields[f].type) == "text"
        ]

    @cached_property
    def text_fields(self) -> list[tuple[int, str]]:
        """(index, name) of the fields the table has a text column for: text fields, and
        yes/no and dates held as text (SQLite's dates always)."""

        def as_text(name: str) -> bool:
            ftype = self.hb.fields[name].type
            shape = self.spec.shape(name, ftype)
            if ftype == "date":
                return shape == "text" or self.d.name == "sqlite"
            return ftype == "text" or (ftype == "yes_no" and shape == "text")

        return [
            (i, f) for i, f in enumerate(self.fields) if as_text(f) and f not in self.spec.absent
        ]

    @cached_property
    def set_text_fields(self) -> list[tuple[int, str]]:
        """(index, name) of the set fields the table holds as delimited text."""
        return [
            (i, f)
            for i, f in enumerate(self.fields)
            if self.hb.fields[f].type == "set_of"
            and f not in self.spec.absent
            and self.spec.shape(f, "set_of") == "text"
        ]

    def set_texts(self) -> list[exp.Expr]:
        """Each set's text as icp__s<i>, its separators written as ';' (`separated`), and a
        closed set's blanks around them dropped (`unspaced`)."""
        out = []
        for i, f in self.set_text_fields:
            text = separated(table_col(self.spec.column(f), self.d))
            if self.hb.fields[f].values is not None:
                text = unbracketed(text)
                # SQLite's blanks in this layer (a chain of REPLACE), the others' in `src`
                # (a regular expression only where a blank is: the column read once)
                text = self.unspaced(text) if self.d.name == "sqlite" else trim_blanks(text)
            out.append(exp.alias_(text, f"icp__s{i}"))
        return out

    def set_text(self, name: str) -> exp.Expr:
        """The column `set_texts` reads a set's text into."""
        return col(f"icp__s{self.fields.index(name)}")

    def trimmed(self) -> list[exp.Expr]:
        """Each text cell as icp__t<i>: blanks around a text are no part of it and a text of
        nothing else is unknown, as `icp explain` and `icp test` read it (`normal.read_text`),
        and as the parse layer reads a yes/no or a date (`icp score`); so is a null token
        ('N/A', 'none', '-', in any case: `normal.NULL_TOKENS`), as icp score's `icp_text`
        reads it, never a text that mentions 'n' or differs from 'student'."""
        out = []
        for i, f in self.text_fields:
            text = trim_blanks(table_col(self.spec.column(f), self.d))
            value = case(
                [(null_token(text), exp.Null())], exp.Nullif(this=text, expression=lit(""))
            )
            out.append(exp.alias_(value, f"icp__t{i}"))
        return out

    def number_layers(self) -> list[list[exp.Expr]]:
        """The layers that read each number field from text (`textnumbers.stages`), the
        fields' stages side by side."""
        per_field = [
            stages(self.hb.fields[f], table_col(self.spec.column(f), self.d), f"icp__n{i}")
            for i, f in self.number_fields
        ]
        return [
            [exp.alias_(e, k) for field_stages in per_field for k, e in field_stages[n].items()]
            for n in range(len(per_field[0]))
        ]

    def src(self, source: str | None = None, plain: Set[int] = frozenset()) -> exp.Select:
        """The id and each field's value, read once (from the table, or from `source`, the
        layer below: numbers read from text, text already in normal form, whose test of
        field <i> for each i in `plain` is the column icp__p<i>); a number read from text
        gives v<i> (low) and vh<i> (high, NULL for an open band); a text field some test
        reads by its normal form also gives lw<i> (lowered) and n<i> (normal form)."""
        items = [exp.alias_(table_col(self.spec.id_column, self.d), ID)]
        numbers = dict(self.number_fields)
        if "unreadable_fields" in self.opts.outputs:
            items += [exp.alias_(g, f"g{i}") for i, g in self.given().items()]
        for i, f in enumerate(self.fields):
            if i in numbers:
                parts = [col(f"icp__n{i}_{k}") for k in ("dl", "dh", "cl", "ch", "dk", "ck")]
                lo, hi = picked(*parts)
                items += [exp.alias_(lo, f"v{i}"), exp.alias_(hi, f"vh{i}")]
                continue
            value = self.source_value(f)
            forms = self.normal_fields.get(f, ())
            if not forms:
                items.append(exp.alias_(value, f"v{i}"))
                continue
            outside = self.d.normal_form.outside if self.d.normal_form else None
            # text already in normal form (CRM codes) is its own lowered and normal form; a
            # character outside the dialect's repertoire in other text makes it unknown
            fast = [(col(f"icp__p{i}"), value)] if i in plain else []
            guard = []
            if outside is not None and f not in self.spec.absent:
                guard = [(outside(value), exp.Null())]
            low, normal = self.normal_form(value, self.hb.fields[f].folds)
            items.append(exp.alias_(case([*fast, *guard], value) if guard else value, f"v{i}"))
            for name, form in (("lw", low), ("n", normal)):
                if name in forms:
                    item = case([*fast, *guard], form) if fast or guard else form
                    items.append(exp.alias_(item, f"{name}{i}"))
        table = source or idents.table(self.spec.table, self.d)
        return exp.select(*items).from_(table)

    def given(self) -> dict[int, exp.Expr]:
        """Field index -> SQL that its cell holds something to read (a NULL, a text of blanks
        or a null token such as 'n/a' holds nothing: unknown, not unreadable, as `icp score`
        reads them); a cell that holds something and reads as unknown is unreadable (NaN,
        +inf, -inf, a number outside the field's bounds, a value the vocabulary does not
        name, text the dialect cannot read, 'maybe' for a yes/no)."""
        out: dict[int, exp.Expr] = {}
        trimmed = dict(self.text_fields)
        numbers = dict(self.number_fields)
        for i, f in enumerate(self.fields):
            fld = self.hb.fields[f]
            if f in self.spec.absent:
                continue
            raw: exp.Expr = table_col(self.spec.column(f), self.d)
            if i in numbers:
                raw = exp.Lower(this=trim_blanks(raw))
            elif i in trimmed:
                raw = exp.Lower(this=col(f"icp__t{i}"))
            elif fld.type == "set_of":
                text = self.spec.shape(f, fld.type) == "text"
                out[i] = self.members_given(fld, self.set_text(f) if text else raw, text)
                continue
            elif fld.type != "one_of":
                out[i] = exp.Not(this=exp.Is(this=raw, expression=exp.Null()))
                continue
            if fld.type == "text":
                out[i] = exp.Not(this=exp.Is(this=raw, expression=exp.Null()))
                continue
            nothing = (
                [lit(""), *(lit(t) for t in NULL_TOKENS)] if fld.type != "one_of" else [lit("")]
            )
            out[i] = case(
                [(exp.In(this=raw, expressions=nothing), exp.false())],
                exp.Not(this=exp.Is(this=raw, expression=exp.Null())),
            )
        return out

    def members_given(self, fld: Field, raw: exp.Expr, text: bool) -> exp.Expr:
        """A set's cell holds members to read: not a null token ('n/a'), no cell of no
        members ('', ';', '[]', an empty array) and no array with a null member, which
        `icp score` reads as unknown, not unreadable (`source_value`)."""
        nothing = [self.no_members(raw, text)]
        if text:
            nothing.append(null_token(trim_blanks(raw)))
        else:
            nothing.append(self.null_member(raw))
        given = case(
            [(conj(nothing, exp.Or), exp.false())],
            exp.Not(this=exp.Is(this=raw, expression=exp.Null())),
        )
        plain = self.plain_members(fld, raw) if text else None
        return given if plain is None else case([(plain, exp.true())], given)

    def plain(self) -> dict[int, exp.Expr]:
        """Field index -> SQL that its text is already in normal form (`already_normal`),
        for the text fields read by their normal form: a layer below `src` computes it once
        per row as icp__p<i>, which `src` reads for the value and both its forms."""
        out: dict[int, exp.Expr] = {}
        for i, f in enumerate(self.fields):
            if self.normal_fields.get(f) and f not in self.spec.absent:
                fast = self.already_normal(self.source_value(f), self.hb.fields[f].folds, "")
                if fast is not None:
                    out[i] = fast
        return out

    @staticmethod
    def normal_read(handbook: Handbook) -> dict[str, set[str]]:
        """Text field -> the forms its tests read: "lw" (lowered) and / or "n" (normal)."""
        rules = [r for icp in handbook.active_icps for r in (*icp.rules, *icp.gates)]
        rules += [r for neg in handbook.active_negatives for r in neg.rules]
        rules += [*handbook.policy.gates, *(f.rule for f in handbook.policy.flags)]
        out: dict[str, set[str]] = {}
        for r in rules:
            for leaf in condition_leaves(r.when):
                if reads_normal_form(handbook, leaf):
                    form = "lw" if leaf.op in READS_LOWERED else "n"
                    out.setdefault(leaf.field, set()).add(form)
        return out

    def normal_form(self, text: exp.Expr, folds: Folds) -> tuple[exp.Expr, exp.Expr]:
        """(lowered, normal form) of `text` in SQL, step by step as `normal.normal`: marks
        dropped and lowercased, symbol folds, the slug, word folds (twice each: adjacent
        occurrences share their `_`)."""
        form = self.d.normal_form
        assert form is not None  # refuse_unsupported stopped every other dialect
        steps: list[Step] = [form.low]
        steps += [replacing(src, f" {dst} ") for src, dst in folds if is_symbol(src)]
        steps += form.runs("", fold_words(folds))
        steps.append(trimming("_"))
        steps += word_folds(folds, "")
        return form.chain(text, [form.low]), form.chain(text, steps)

    def plain_members(self, fld: Field, raw: exp.Expr) -> exp.Expr | None:
        """An open set's text names members already in their normal form (`already_normal`),
        at least one, and is no null token ('none', 'na'): it reads as itself, ';a;b;'.
        None for a closed set (its members are checked against the values) or where the
        dialect has no such test."""
        if fld.values is not None:
            return None
        fast = self.already_normal(raw, fld.folds, ";")
        if fast is None:
            return None
        tokens = [lit(t) for t in NULL_TOKENS if re.fullmatch(NORMAL_ASCII, t)]
        some = exp.NEQ(this=replaced(raw, ";", ""), expression=lit(""))
        return conj([fast, exp.Not(this=exp.In(this=raw, expressions=tokens)), some], exp.And)

    def already_normal(self, text: exp.Expr, folds: Folds, keep: str) -> exp.Expr | None:
        """`text` is its own normal form (lowercase ASCII words joined by single '_'; with
        `keep` ';', members so separated), as CRM codes are: the dialect's one regular
        expression (`NormalForm.already_normal`), so the normal form's steps run only for
        other text. None where the dialect has no regular expressions or a word fold may
        change the text."""
        form = self.d.normal_form
        if form is None or any(not is_symbol(src) for src, _ in folds):
            return None
        return form.already_normal(text, keep)

    @staticmethod
    def array_members(array: exp.Expr) -> exp.Expr:
        """`array`'s members as ';'-separated text, a ';' inside a member read as a space
        (one member, 'Health; Wellness' as icp explain reads a list's member: the same
        normal form, health_wellness). The members are joined by U+001E first, which no
        member of a CRM field holds (`parsing.MEMBERS` marks a list so in icp score); a null
        member is left out (`null_member` tells it)."""
        joined = exp.ArrayToString(this=array, expression=lit(MEMBERS))
        return replaced(replaced(joined, ";", " "), MEMBERS, ";")

    def null_member(self, array: exp.Expr) -> exp.Expr:
        """`array` holds a null member: DuckDB counts fewer values than members; Snowflake's
        ARRAY_TO_STRING reads a null as '' (and takes no text for it): there, fewer members
        once the nulls are compacted away; elsewhere the join writes a null as U+001F."""
        size = exp.ArraySize(this=array)
        if self.d.name == "duckdb":
            counted = exp.Anonymous(this="list_count", expressions=[array])
            return exp.LT(this=counted, expression=size)
        if self.d.name == "snowflake":
            return exp.LT(this=exp.ArraySize(this=exp.ArrayCompact(this=array)), expression=size)
        joined = exp.ArrayToString(this=array, expression=lit(""), null=lit(NULL_MEMBER))
        return exp.GT(
            this=exp.Length(this=joined),
            expression=exp.Length(this=replaced(joined, NULL_MEMBER, "")),
        )

    def open_members(self, raw: exp.Expr, text: bool, folds: Folds) -> exp.Expr:
        """An open set (no list of values) as ';a;b;' text of its members' normal forms, as
        `icp explain` reads them (issue 14: 'Developer Tools' is the member developer_tools),
        empty members dropped; from the delimited text ('a;b', '' the empty set) or an array.
        Unknown (NULL) when a member holds a character outside the dialect's repertoire, or
        U+037E (it reads as ';' once lowered: it would read as two members); a ';' inside an
        array's member is read as a space (`array_members`).
        Every member at once: `;` is kept through the normal form's steps, and each member's
        ends are trimmed with it."""
        form = self.d.normal_form
        assert form is not None  # refuse_unsupported stopped every other dialect
        guards: list[exp.Expr] = []
        joined = raw if text else self.array_members(raw)
        if form.separator is not None:
            guards.insert(0, form.separator(joined))
        if form.outside is not None:
            guards.insert(0, form.outside(joined))
        steps: list[Step] = [form.low]
        # a symbol holding ';' never occurs inside a member
        steps += [
            replacing(src, f" {dst} ") for src, dst in folds if is_symbol(src) and ";" not in src
        ]
        steps += form.runs(";", fold_words(folds))
        steps += form.separators()
        steps.append(trimming("_;"))
        steps += word_folds(folds, ";")
        value = concat([lit(";"), form.chain(joined, steps), lit(";")])
        if guards:
            value = case([(conj(guards, exp.Or), exp.Null())], value)
        fast = self.already_normal(joined, folds, ";")
        if fast is None:
            return value
        return case([(fast, concat([lit(";"), joined, lit(";")]))], value)

    def l1(self) -> list[exp.Expr]:
        """Each profile's hard requirements, and one flag per other rule."""
        out: list[exp.Expr] = []
        for j, neg in enumerate(self.negs):
            for k, r in enumerate(neg.disqualifiers):
                out.append(exp.alias_(self.cond(r.when), f"dq{j}_{k}"))
            for k, r in enumerate(neg.warnings):
                out.append(exp.alias_(self.cond(r.when), f"wm{j}_{k}"))
        for i, icp in enumerate(self.icps):
            for k, r in enumerate(icp.requirements):
                out.append(exp.alias_(self.cond(r.when), f"rq{i}_{k}"))
            if icp.gates:
                # the profile's own status gates: the first met (unknown is not met) stops it
                gate = case([(self.cond(g.when), lit(g.id)) for g in icp.gates])
                out.append(exp.alias_(gate, f"pg{i}"))
            for k, r in enumerate(icp.criteria):
                out.append(exp.alias_(self.cond(r.when), f"m{i}_{k}"))
        policy = self.hb.policy
        for j, g in enumerate(policy.gates):
            met = exp.Coalesce(this=_p(self.cond(g.when)), expressions=[exp.false()])
            out.append(exp.alias_(met, f"gt{j}"))
        for j, flag in enumerate(policy.flags):
            out.append(exp.alias_(self.cond(flag.rule.when), f"fl{j}"))
        return out

    def item_points(self, i: int, item: Rule | Group) -> exp.Expr:
        """The points of a criterion or group of profile i (as `evaluate.group_points`): an
        unknown criterion earns nothing; a first-match group's first criterion met counts alone;
        a cap is a CASE (no LEAST: SQLite has none)."""
        index = {r.id: k for k, r in enumerate(self.icps[i].criteria)}
        match item:
            case Rule():
                return case([(col(f"m{i}_{index[item.id]}"), num(item.points))], num(0))
            case Group():
                if item.first_match:
                    whens = [
                        (col(f"m{i}_{index[r.id]}"), num(r.points))
                        for r in item.items
                        if isinstance(r, Rule)
                    ]
                    total = case(whens, num(0)) if whens else num(0)
                else:
                    total = _sum([self.item_points(i, x) for x in item.items])
                if item.cap is None:
                    return total
                over = exp.GT(this=_p(total), expression=num(item.cap))
                return case([(over, num(item.cap))], total)
            case _:
                assert_never(item)

    def l2(self) -> list[exp.Expr]:
        """Disqualified per portrait, score per profile, and the texts of the reason."""
        out: list[exp.Expr] = []
        for j, neg in enumerate(self.negs):
            fired = [col(f"dq{j}_{k}") for k in range(len(neg.disqualifiers))]
            any_fired = (
                exp.Coalesce(this=_p(conj(fired, exp.Or)), expressions=[exp.false()])
                if fired
                else exp.false()
            )
            out.append(exp.alias_(any_fired, f"d{j}"))
        for i, icp in enumerate(self.icps):
            reqs = [col(f"rq{i}_{k}") for k in range(len(icp.requirements))]
            hard = conj(reqs, exp.And) if reqs else exp.true()
            if icp.gates:
                stopped = exp.Not(this=exp.Is(this=col(f"pg{i}"), expression=exp.Null()))
                hard = case([(stopped, exp.false())], hard)
            out.append(exp.alias_(hard, f"h{i}"))
            out.append(exp.alias_(self.enough(i), f"e{i}"))
            points = [self.item_points(i, item) for item in icp.items]
            points += [
                case([(col(f"wm{j}_{k}"), num(r.points))], num(0))
                for j, neg in enumerate(self.negs)
                if neg.applies(icp.id)
                for k, r in enumerate(neg.warnings)
            ]
            total = points[0] if points else num(0)
            for p in points[1:]:
                total = exp.Add(this=total, expression=p)
            out.append(exp.alias_(total, f"s{i}"))
            if self.opts.per_profile:
                out += [
                    exp.alias_(self.item_points(i, g), f"g{i}_{k}")
                    for k, g in enumerate(icp.groups)
                ]
            if "reason" in self.opts.outputs:
                out += self.reason_texts(i)
        if "unreadable_fields" in self.opts.outputs:
            bad = [
                (
                    exp.And(this=col(f"g{i}"), expression=self.not_read(f)),
                    f,
                )
                for i, f in enumerate(self.fields)
                if f not in self.spec.absent
            ]
            text = (
                exp.Nullif(this=drop_first(names_text(bad, ";"), ";"), expression=lit(""))
                if bad
                else exp.cast(exp.Null(), self.d.text_type)
            )
            out.append(exp.alias_(text, "unreadable_text"))
        if "unknown_fields" in self.opts.outputs:
            unknown = [(exp.Is(this=self.v(f), expression=exp.Null()), f) for f in self.fields]
            text = (
                exp.Nullif(this=drop_first(names_text(unknown, ";"), ";"), expression=lit(""))
                if unknown
                else exp.cast(exp.Null(), self.d.text_type)
            )
            out.append(exp.alias_(text, "unknown_text"))
        return out

    def not_read(self, name: str) -> exp.Expr:
        """The field's given cell was not read whole: no value, or (a closed set) a member
        the vocabulary does not name (the unknown member), as `icp score` counts it."""
        missing: exp.Expr = exp.Is(this=self.v(name), expression=exp.Null())
        if self.hb.fields[name].type == "set_of" and self.hb.fields[name].values is not None:
            marked = exp.GT(
                this=exp.StrPosition(this=self.v(name), substr=lit(UNKNOWN_MEMBER)),
                expression=num(0),
            )
            missing = exp.Or(
                this=missing, expression=exp.Coalesce(this=marked, expressions=[exp.false()])
            )
        return exp.Paren(this=missing)

    def enough(self, i: int) -> exp.Expr:
        """Profile i knows enough of its hard requirements to be a best fit (the tier
        policy's `min_known_share`, at least one; `evaluate` and `sqlcompile` count alike):
        never NULL."""
        total = len(self.icps[i].requirements)
        if not total:
            return exp.true()
        need = self.hb.policy.known_needed(total)
        known = _sum(
            [
                case([(exp.Is(this=col(f"rq{i}_{k}"), expression=exp.Null()), num(0))], num(1))
                for k in range(total)
            ]
        )
        return exp.GTE(this=_p(known), expression=num(need))

    def insufficient_reason(self) -> exp.Expr:
        """'insufficient data: no Country, no Employees': the fields that the hard
        requirements of the profiles still eligible read and found unknown, in vocabulary
        order (`reason.reason`)."""
        items = []
        for f in self.fields:
            readers = [
                exp.Coalesce(this=col(f"h{i}"), expressions=[exp.true()])
                for i, icp in enumerate(self.icps)
                if any(f in condition_fields(r.when) for r in icp.requirements)
            ]
            if readers:
                unknown = exp.Is(this=self.v(f), expression=exp.Null())
                cond = exp.And(this=unknown, expression=_p(conj(readers, exp.Or)))
                items.append((cond, f"no {flat(self.hb.fields[f].label)}"))
        named = names_text(items, ", ")
        # a tier-policy gate of this status: the fields it read and found unknown
        gated = [
            (
                col(f"gt{j}"),
                names_text(
                    [
                        (exp.Is(this=self.v(f), expression=exp.Null()), f"no {flat(fld.label)}")
                        for f, fld in self.hb.fields.items()
                        if f in self.fields and f in condition_fields(g.when)
                    ],
                    ", ",
                ),
            )
            for j, g in enumerate(self.hb.policy.gates)
            if g.id == INSUFFICIENT_DATA
        ]
        if gated:
            named = case(gated, named)
        text = exp.Nullif(this=drop_first(named, ", "), expression=lit(""))
        return exp.Coalesce(
            this=concat([lit("insufficient data: "), text]),
            expressions=[lit("insufficient data")],
        )

    def reason_texts(self, i: int) -> list[exp.Expr]:
        """Profile i's met criteria (', ' before each label) and unknown required fields."""
        icp = self.icps[i]
        # a tier met after one met above it in its first-match group counts nothing
        index = {r.id: k for k, r in enumerate(icp.criteria)}
        above = earlier_tiers(icp)
        met = [
            (
                conj(
                    [
                        col(f"m{i}_{k}"),
                        *(
                            negate(
                                exp.Coalesce(
                                    this=col(f"m{i}_{index[e]}"), expressions=[exp.false()]
                                )
                            )
                            for e in above.get(r.id, ())
                        ),
                    ],
                    exp.And,
                ),
                flat(r.label),
            )
            for k, r in enumerate(icp.criteria)
        ]
        read = [f for r in icp.requirements for f in condition_fields(r.when)]
        missing = [
            (exp.Is(this=self.v(f), expression=exp.Null()), flat(self.hb.fields[f].label))
            for f in dict.fromkeys(read)
        ]
        return [
            exp.alias_(names_text(met, ", "), f"why{i}"),
            exp.alias_(names_text(missing, ", "), f"miss{i}"),
        ]

    @cached_property
    def base(self) -> tuple[int, int]:
        """(offset, base) of the keys: every score plus offset is in 1 .. base - 1."""
        max_points = max(
            (
                sum(abs(r.points) for r in icp.criteria)
                + sum(abs(r.points) for neg in self.negs for r in neg.warnings)
                for icp in self.icps
            ),
            default=0,
        )
        offset = max_points + 1
        return offset, 2 * offset + len(self.icps) + 2

    def l3(self) -> list[exp.Expr]:
        """Each profile's rank (capped when a requirement is unknown) and key."""
        cap = TIER_RANK[self.hb.policy.unknown_cap]
        offset, base = self.base
        big = 5 * base * base >= 2**31
        n = len(self.icps)
        out: list[exp.Expr] = []
        for i, icp in enumerate(self.icps):
            s = col(f"s{i}")
            t = icp.tiers
            h = col(f"h{i}")

            def rank(limit: int, s: exp.Expr = s, t: Any = t) -> exp.Expr:
                return case(
                    [
                        (exp.GTE(this=s, expression=num(t.A)), num(min(4, limit))),
                        (exp.GTE(this=s, expression=num(t.B)), num(min(3, limit))),
                        (exp.GTE(this=s, expression=num(t.C)), num(min(2, limit))),
                    ],
                    num(1),
                )

            ranked = case([(exp.Is(this=h, expression=exp.Null()), rank(cap)), (h, rank(4))])
            out.append(exp.alias_(ranked, f"r{i}"))

            # the key from the score and the requirements directly (not from r{i}), so that
            # the two are one layer; the cap is tested only where it changes the rank (a
            # smaller expression: Spark's generated code stays small enough to be compiled)
            def capped(r: int, h: exp.Expr = h) -> exp.Expr:
                if min(r, cap) == r:
                    return num(r)
                return case([(exp.Is(this=h, expression=exp.Null()), num(min(r, cap)))], num(r))

            one_rank: exp.Expr = case(
                [
                    (exp.GTE(this=s, expression=num(t.A)), capped(4)),
                    (exp.GTE(this=s, expression=num(t.B)), capped(3)),
                    (exp.GTE(this=s, expression=num(t.C)), capped(2)),
                ],
                num(1),
            )
            one_rank = exp.cast(one_rank, exp.DataType.Type.BIGINT) if big else _p(one_rank)
            key = exp.Add(
                this=exp.Add(
                    this=exp.Mul(this=one_rank, expression=num(base * base)),
                    expression=exp.Mul(
                        this=exp.Paren(this=exp.Add(this=s, expression=num(offset))),
                        expression=num(base),
                    ),
                ),
                expression=num(n - i),
            )
            eligible = exp.And(
                this=exp.Coalesce(this=h, expressions=[exp.true()]), expression=col(f"e{i}")
            )
            out.append(exp.alias_(case([(eligible, key)], num(-1)), f"k{i}"))
        return out

    @property
    def picks(self) -> list[exp.Expr]:
        """Profile i is the best fit."""
        return [exp.EQ(this=col("best"), expression=col(f"k{i}")) for i in range(len(self.icps))]

    def verdict(self) -> list[exp.Expr]:
        """The verdict's columns, o_<name>, from the best key."""
        b = col("best")
        none = exp.LT(this=b, expression=num(0))
        picks = self.picks
        null_text = exp.cast(exp.Null(), self.d.text_type)
        any_disq = conj([col(f"d{j}") for j in range(len(self.negs))] or [exp.false()], exp.Or)
        _, base = self.base

        def by_profile(values: list[str]) -> exp.Expr:
            if not values:
                return null_text
            return case([(none, null_text), *zip(picks, map(lit, values), strict=True)])

        disq_by = names_text([(col(f"d{j}"), neg.id) for j, neg in enumerate(self.negs)], ";")
        policy = self.hb.policy
        any_gate, all_gated = self.gate_terms()
        base_score = case([(none, num(0)), *((p, col(f"s{i}")) for i, p in enumerate(picks))])
        status_whens: list[tuple[exp.Expr, exp.Expr]] = [
            (col(f"gt{j}"), lit(g.id)) for j, g in enumerate(policy.gates)
        ]
        if all_gated is not None:
            status_whens.append((all_gated, col("pg0")))
        gated = bool(policy.gates) or all_gated is not None
        insufficient = self.insufficient
        status_whens.append((insufficient, lit(INSUFFICIENT_DATA)))
        withheld = exp.Or(this=_p(any_gate), expression=_p(insufficient)) if gated else insufficient
        scored = conj([negate(any_disq), negate(withheld)], exp.And)
        items: dict[str, exp.Expr] = {
            "best_profile": by_profile([icp.id for icp in self.icps]),
            "best_profile_title": by_profile([icp.title for icp in self.icps]),
            "tier": case(
                [
                    (any_disq, lit("D")),
                    *([(any_gate, null_text)] if gated else []),
                    (insufficient, null_text),
                    (none, lit("D")),
                    *(
                        (exp.GTE(this=b, expression=num(rank * base * base)), lit(RANK_TIER[rank]))
                        for rank in (4, 3, 2)
                    ),
                ],
                lit("D"),
            ),
            "score": self.score_expr(any_disq, withheld, base_score),
            "status": case([(any_disq, lit(DISQUALIFIED)), *status_whens], lit(SCORED)),
            "disqualified_by": exp.Nullif(this=drop_first(disq_by, ";"), expression=lit(""))
            if self.negs
            else null_text,
        }
        out = [exp.alias_(e, f"o_{k}") for k, e in items.items()]
        for j, flag in enumerate(policy.flags):
            shown = case([(scored, col(f"fl{j}"))]) if flag.only_when_scored else col(f"fl{j}")
            out.append(exp.alias_(shown, f"o_fl{j}"))
        return out

    @property
    def insufficient(self) -> exp.Expr:
        """No profile knows enough to be a best fit while some profile is still eligible
        (`insufficient_data`, as `evaluate` decides it): never NULL."""
        if not self.icps:
            return exp.false()
        eligible = [
            exp.Coalesce(this=col(f"h{i}"), expressions=[exp.true()]) for i in range(len(self.icps))
        ]
        return exp.And(
            this=exp.LT(this=col("best"), expression=num(0)),
            expression=_p(conj(eligible, exp.Or)),
        )

    def score_expr(self, any_disq: exp.Expr, withheld: exp.Expr, base: exp.Expr) -> exp.Expr:
        """The score: a disqualified company's (its best profile's, or 0 with
        `disqualified_score: zero`), none when its status withholds one (a gate's,
        insufficient_data), else the best profile's; `base` is written once."""
        if self.hb.policy.disqualified_score == "zero":
            return case([(any_disq, num(0)), (withheld, exp.Null())], base)
        stopped = exp.And(this=_p(withheld), expression=negate(any_disq))
        return case([(stopped, exp.Null())], base)

    def gate_terms(self) -> tuple[exp.Expr, exp.Expr | None]:
        """(a status gate stops the company, every profile's own gate stops it (or None when
        some profile has no gate)): never NULL."""
        all_gated = None
        if self.icps and all(icp.gates for icp in self.icps):
            all_gated = conj(
                [
                    exp.Not(this=exp.Is(this=col(f"pg{i}"), expression=exp.Null()))
                    for i in range(len(self.icps))
                ],
                exp.And,
            )
        terms: list[exp.Expr] = [col(f"gt{j}") for j in range(len(self.hb.policy.gates))]
        terms += [all_gated] if all_gated is not None else []
        return (conj(terms, exp.Or) if terms else exp.false()), all_gated

    def final(self) -> list[exp.Expr]:
        """The output columns, under their safe names."""
        out: list[exp.Expr] = [exp.alias_(col(ID), table_ident(self.spec.id_column, self.d))]
        safe = dict(CORE)
        for name in self.opts.outputs:
            if name == "reason":
                expr = self.reason_expr(self.picks)
            elif name == "unknown_fields":
                expr = col("unknown_text")
            elif name == "unreadable_fields":
                expr = col("unreadable_text")
            else:
                expr = col(f"o_{name}")
            out.append(exp.alias_(expr, safe[name]))
        for j, flag in enumerate(self.hb.policy.flags):
            out.append(exp.alias_(col(f"o_fl{j}"), flag_column(flag.id)))
        if self.opts.per_profile:
            # the company's tier is NULL exactly when its status gives no score (a gate,
            # insufficient data): then no profile's score is written (`Verdict.shows_score`)
            withheld = exp.Is(this=col("o_tier"), expression=exp.Null())
            for i, icp in enumerate(self.icps):
                rank_col = col(f"r{i}")
                hidden = exp.Or(
                    this=exp.Is(this=rank_col, expression=exp.Null()), expression=withheld
                )
                score = case([(hidden, exp.Null())], col(f"s{i}"))
                tier = case(
                    [(withheld, exp.Null())]
                    + [
                        (exp.EQ(this=rank_col, expression=num(r)), lit(t))
                        for r, t in RANK_TIER.items()
                    ]
                )
                out.append(exp.alias_(score, profile_column(icp.id, "score")))
                out.append(exp.alias_(tier, profile_column(icp.id, "tier")))
                for k, g in enumerate(icp.groups):
                    # a group's subtotal, empty when the profile's score is (as its score)
                    sub = case([(hidden, exp.Null())], col(f"g{i}_{k}"))
                    out.append(exp.alias_(sub, group_column(icp.id, g.id)))
        return out

    def not_known(self, i: int) -> exp.Expr:
        """'; capped, not known: ' when the cap lowered profile i's tier (its score reaches
        the tier above the cap, `reason.cap_lowered`), else '; not known: '."""
        least = cap_threshold(self.icps[i], self.hb.policy.unknown_cap)
        if least is None:
            return lit("; not known: ")
        lowered = exp.GTE(this=col(f"s{i}"), expression=num(least))
        return case([(lowered, lit("; capped, not known: "))], lit("; not known: "))

    def reason_expr(self, picks: Sequence[exp.Expr]) -> exp.Expr:
        whens: list[tuple[exp.Expr, exp.Expr]] = []
        for j, neg in enumerate(self.negs):
            if not neg.disqualifiers:
                continue
            label = case(
                [(col(f"dq{j}_{k}"), lit(flat(r.label))) for k, r in enumerate(neg.disqualifiers)]
            )
            title = flat(neg.title)
            whens.append((col(f"d{j}"), concat([lit(f"disqualified: {title} ("), label, lit(")")])))
        any_gate, all_gated = self.gate_terms()
        withheld = self.insufficient
        if self.hb.policy.gates or all_gated is not None:
            withheld = exp.Or(this=_p(any_gate), expression=_p(withheld))
        insufficient = exp.EQ(this=col("o_status"), expression=lit(INSUFFICIENT_DATA))
        whens.append(
            (
                withheld,
                case(
                    [(insufficient, self.insufficient_reason())],
                    concat([lit("not scored: "), col("o_status")]),
                ),
            )
        )
        whens.append(
            (
                exp.LT(this=col("best"), expression=num(0)),
                concat([lit("D: no profile fits"), self.closest()]),
            )
        )
        if not self.icps:
            return case(whens)
        met = case(
            [
                (
                    picks[i],
                    case(
                        [(exp.EQ(this=col(f"why{i}"), expression=lit("")), lit(""))],
                        concat([lit("; "), drop_first(col(f"why{i}"), ", ")]),
                    ),
                )
                for i in range(len(self.icps))
            ],
            lit(""),
        )
        missing = case(
            [
                (
                    conj(
                        [
                            picks[i],
                            exp.Is(this=col(f"h{i}"), expression=exp.Null()),
                            exp.NEQ(this=col(f"miss{i}"), expression=lit("")),
                        ],
                        exp.And,
                    ),
                    concat([self.not_known(i), drop_first(col(f"miss{i}"), ", ")]),
                )
                for i in range(len(self.icps))
            ],
            lit(""),
        )
        score_text = exp.cast(col("o_score"), self.d.text_type)
        normal = concat(
            [
                col("o_tier"),
                lit(" for "),
                col("o_best_profile"),
                lit(": "),
                score_text,
                lit(" pts"),
                met,
                missing,
                self.at_risk(),
            ]
        )
        return case(whens, normal)

    def closest(self) -> exp.Expr:
        """' (closest: <icp>, unmet: <label>)' (`reason.closest_miss`): of the profiles with
        an unmet requirement, the one with the fewest (the first on a tie) and its first
        unmet requirement; '' when none has one."""
        n = len(self.icps) + 1
        none = n * 10_000
        keys: list[exp.Expr] = []
        texts: list[tuple[int, exp.Expr]] = []
        for i, icp in enumerate(self.icps):
            unmet = [
                exp.Is(this=col(f"rq{i}_{k}"), expression=exp.false())
                for k in range(len(icp.requirements))
            ]
            if not unmet:
                keys.append(num(none))
                continue
            misses = _sum([case([(u, num(1))], num(0)) for u in unmet])
            keys.append(
                case(
                    [
                        (
                            exp.GT(this=misses, expression=num(0)),
                            exp.Add(
                                this=exp.Mul(this=misses, expression=num(n)), expression=num(i)
                            ),
                        )
                    ],
                    num(none),
                )
            )
            first = case(
                [(u, lit(flat(r.label))) for u, r in zip(unmet, icp.requirements, strict=True)]
            )
            texts.append((i, concat([lit(f" (closest: {icp.id}, unmet: "), first, lit(")")])))
        if not texts:
            return lit("")
        least = keys[0] if len(keys) == 1 else exp.Least(this=keys[0], expressions=keys[1:])
        return case(
            [
                (
                    exp.And(
                        this=exp.EQ(this=least, expression=keys[i]),
                        expression=exp.LT(this=keys[i], expression=num(none)),
                    ),
                    text,
                )
                for i, text in texts
            ],
            lit(""),
        )

    def at_risk(self) -> exp.Expr:
        """'; at risk: <portrait title> (<disqualifier label>)' for each disqualifier that is
        unknown, under a tier above D (`reason.reason`, `risk.risks`); '' otherwise."""
        risky = names_text(
            [
                (
                    exp.Is(this=col(f"dq{j}_{k}"), expression=exp.Null()),
                    f"{flat(n.title)} ({flat(r.label)})",
                )
                for j, n in enumerate(self.negs)
                for k, r in enumerate(n.disqualifiers)
            ],
            ", ",
        )
        above_d = exp.NEQ(this=col("o_tier"), expression=lit("D"))
        some = exp.NEQ(this=risky, expression=lit(""))
        text = concat([lit("; at risk: "), drop_first(risky, ", ")])
        return case([(exp.And(this=above_d, expression=some), text)], lit(""))


def scoring_query(handbook: Handbook, spec: TableSpec, d: Dialect, opts: Options) -> exp.Select:
    """The scoring query as a sqlglot expression tree (one row per account: the id column,
    then the safe-named outputs of `opts`, the flags, then per profile its score, tier and
    each group's subtotal)."""
    return _Query(handbook, spec, d, opts).build()


def header(commit: str | None, dirty: bool | None, as_of: dt.date | None, d: Dialect) -> str:
    """The comment that records what produced a query."""
    when = (
        f"as of {as_of.isoformat()} (fixed: time-relative rules count days back from it)"
        if as_of
        else "as of the warehouse's current date when the query runs (CURRENT_DATE)"
    )
    made = commit[:12] if commit else "not in git"
    tip = (
        "-- on Spark, SET spark.sql.codegen.hugeMethodLimit = 8000 first: the JVM does not\n"
        "-- compile generated methods above 8,000 bytes, and this query is one wide projection\n"
        if d.name == "spark"
        else ""
    )
    codes = (
        "-- closed fields hold the vocabulary's codes (ISO country codes, 'software', a;b;c of\n"
        "-- codes): another spelling ('United Kingdom') reads as unknown, never as a miss\n"
    )
    return (
        f"-- icpkit scoring query for {d.name}, generated from handbook commit {made}"
        f"{' with uncommitted changes' if dirty else ''}\n-- {when}\n{codes}{tip}"
    )


def render(
    handbook: Handbook,
    spec: TableSpec,
    d: Dialect,
    opts: Options,
    *,
    view: str | None = None,
    comment: str = "",
    pretty: bool = True,
) -> str:
    """The query (or a view over it) as SQL text of dialect `d`, after `comment`."""
    query = scoring_query(handbook, spec, d, opts)
    body = query.sql(dialect=d.sqlglot, pretty=pretty)
    if view is None:
        return f"{comment}{body}\n"
    target = idents.table_sql(view, d, "--view")
    if d.replace_view:
        return f"{comment}CREATE OR REPLACE VIEW {target} AS\n{body};\n"
    return f"{comment}DROP VIEW IF EXISTS {target};\nCREATE VIEW {target} AS\n{body};\n"
