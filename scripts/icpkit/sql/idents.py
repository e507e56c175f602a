"""Warehouse names a user gives (a table, `schema.table`, a view, a `--map` column, the id
column) as identifiers of one SQL dialect, quoted exactly when they must be.

The name a user gives is the name the warehouse stores. It is written unquoted only when
the dialect reads it unquoted as that same name: letters, digits and underscores, not
starting with a digit, not a word the dialect (or PostgreSQL and SQLite, `RESERVED`)
reserves, and in the case the dialect folds an unquoted name to (lower case on
PostgreSQL; DuckDB, SQLite, Spark and BigQuery columns ignore case). Anything else
(`Record ID`, `AccountId` on PostgreSQL, `order`, `x"y`) is quoted, its quote characters
doubled, so that it names exactly that column.

Snowflake folds an unquoted name to capitals and keeps a quoted name's case: a name in one
case (`account_id` or `ACCOUNT_ID`) is read as Snowflake reads it unquoted (the column
`ACCOUNT_ID`, which any unquoted CREATE TABLE, `icp sql --ddl` too, makes), and quoted in
capitals when it is a reserved word; a name in mixed case, or with other characters, is
quoted as given.

A table or view name (`--table`, `--view`) is read in the dialect's own qualified-name
syntax: `crm.accounts`, or pasted already quoted (`"crm"."Accounts"`, `"my.schema".accounts`,
Spark's and BigQuery's backticks), a quoted part naming exactly what it quotes.

A name that is empty (or a part of `a.b` that is), or holds a control character, is refused
with UsageError: no warehouse stores such a name; so is a table name with a `;`, more than
three parts, or an unterminated quote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

import sqlglot
from sqlglot import exp

from ..errors import UsageError
from .dialects import Dialect

#: a name the dialects read unquoted as itself (up to case)
PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: words PostgreSQL or SQLite reserve: a column so named (`--map country: order`) is quoted
#: in every dialect, or the query would not parse there
RESERVED = frozenset(
    """all alter analyse analyze and any array as asc asymmetric between both by case cast
    check collate column commit constraint create cross current_catalog current_date
    current_role current_time current_timestamp current_user default deferrable delete desc
    distinct do drop else end escape except exists false fetch for foreign from full grant
    group having in index initially inner insert intersect into is isnull join lateral
    leading left limit localtime localtimestamp natural not nothing notnull null offset on
    only or order outer placing primary references returning right select session_user set
    some symmetric system_user table then to trailing transaction true union unique update
    user using values variadic when where window with""".split()  # noqa: SIM905
)


def check_name(name: str, what: str) -> None:
    """Raise UsageError when `name` (`what`: '--view', 'the id column', ...) cannot name a
    table or column: empty, or holding a control character."""
    if not name.strip():
        raise UsageError(f"found an empty name for {what}; expected a table or column name")
    bad = next((c for c in name if c < " " or c == "\x7f"), None)
    if bad is not None:
        raise UsageError(
            f"found the name {name!r} for {what}, with the control character {bad!r}; "
            "expected a name of printable characters"
        )


@lru_cache(maxsize=4096)
def _reads_as_itself(name: str, sqlglot_dialect: str) -> bool:
    """sqlglot parses `name` unquoted as a column of that name (not a keyword, a function)."""
    try:
        select = sqlglot.parse_one(f"SELECT {name} FROM t", read=sqlglot_dialect)
    except sqlglot.errors.SqlglotError:
        return False
    got = select.selects[0] if isinstance(select, exp.Select) and select.selects else None
    return isinstance(got, exp.Column) and not got.table and got.name == name


def needs_quotes(name: str, d: Dialect) -> bool:
    """`name` must be quoted in dialect `d` to name exactly the column the user gave."""
    if not PLAIN.match(name) or name.lower() in RESERVED:
        return True
    if d.name == "snowflake":
        one_case = name in (name.lower(), name.upper())
        return not one_case or not _reads_as_itself(name, d.sqlglot)
    if d.name == "postgres" and name != name.lower():
        return True
    return not _reads_as_itself(name, d.sqlglot)


def ident(name: str, d: Dialect, what: str = "a column") -> exp.Identifier:
    """`name` as an identifier of dialect `d` (see the module). Raises UsageError for a name
    that cannot be one (`check_name`)."""
    check_name(name, what)
    if not needs_quotes(name, d):
        return exp.to_identifier(name)
    if d.name == "snowflake" and PLAIN.match(name) and name in (name.lower(), name.upper()):
        # a reserved word in one case: the column an unquoted CREATE TABLE made
        return exp.to_identifier(name.upper(), quoted=True)
    return exp.to_identifier(name, quoted=True)


@lru_cache(maxsize=16)
def _quotes(sqlglot_dialect: str) -> dict[str, str]:
    """The dialect's identifier quotes, opening -> closing (`"`, a backtick, SQLite's `[`)."""
    tokenizer = sqlglot.Dialect.get_or_raise(sqlglot_dialect).tokenizer_class
    # the tokenizer's public IDENTIFIERS: a quote that closes itself, or (open, close)
    pairs = [(q, q) if isinstance(q, str) else (q[0], q[1]) for q in tokenizer.IDENTIFIERS]
    return {str(k): str(v) for k, v in pairs}


def _quoted_part(name: str, at: int, close: str, what: str) -> tuple[str, int]:
    """The quoted part opening at `name[at]` (its closing quote doubled inside it) and the
    index after its closing quote."""
    out, i = [], at + 1
    while True:
        k = name.find(close, i)
        if k < 0:
            raise UsageError(
                f"found {what} {name!r}, with an unterminated quote at character {at + 1}; "
                f"expected a quoted part closed by {close}"
            )
        out.append(name[i:k])
        if name.startswith(close, k + 1) and close != "]":
            out.append(close)
            i = k + 2
            continue
        return "".join(out), k + 1


def parts(name: str, d: Dialect, what: str = "--table") -> list[tuple[str, bool]]:
    """The parts of a possibly qualified name (`crm.accounts`, `db.crm.accounts`), each
    `(name, quoted)`, read in dialect `d`'s own syntax: a part in the dialect's identifier
    quotes (`"my.schema"`, Spark's and BigQuery's backticks, SQLite's brackets too) is that
    exact name, dots and case kept; a plain part is the name as given (`ident` quotes it when
    it must be). A BigQuery path quoted whole (`` `project.dataset.table` ``) is its parts,
    as BigQuery reads it. Raises UsageError for what is no table name: an empty name or part,
    more than three parts, a `;`, a control character, an unterminated quote or text after a
    closing one. A plain part holding a quote (`x"y`) is that name, as before."""
    check_name(name, what)
    expected = "expected NAME, SCHEMA.NAME or CATALOG.SCHEMA.NAME"
    if ";" in name:
        raise UsageError(f"found {what} {name!r}, with ';'; {expected} alone")
    quotes = _quotes(d.sqlglot)
    out: list[tuple[str, bool]] = []
    i = 0
    while True:
        if i < len(name) and name[i] in quotes:
            text, i = _quoted_part(name, i, quotes[name[i]], what)
            if d.name == "bigquery" and "." in text:
                out += [(p, True) for p in text.split(".")]
            else:
                out.append((text, True))
            if i < len(name) and name[i] != ".":
                raise UsageError(
                    f"found {what} {name!r}, with {name[i:]!r} after the closing quote of "
                    f"{text!r}; {expected}, each part plain or quoted whole"
                )
        else:
            k = name.find(".", i)
            k = len(name) if k < 0 else k
            out.append((name[i:k], False))
            i = k
        if i >= len(name):
            break
        i += 1  # the dot
        if i == len(name):
            out.append(("", False))
            break
    if len(out) > 3:
        raise UsageError(f"found {what} {name!r} ({len(out)} parts); {expected}")
    if any(not p.strip() for p, _ in out):
        raise UsageError(f"found {what} {name!r}, with an empty part; {expected} (no empty part)")
    return out


def table(name: str, d: Dialect, what: str = "--table", *, fold: bool = False) -> exp.Table:
    """A table or view name, qualified by a schema (and catalog) with dots, as a sqlglot
    Table of dialect `d`: a quoted part as that exact name, a plain part quoted as `ident`
    quotes it (`fold`: a plain part in lower case, as PostgreSQL reads it unquoted). Raises
    UsageError (`parts`)."""
    ids = [
        exp.to_identifier(p, quoted=True) if quoted else ident(p.lower() if fold else p, d, what)
        for p, quoted in parts(name, d, what)
    ]
    *prefix, last = ids
    db = prefix[-1] if prefix else None
    catalog = prefix[0] if len(prefix) == 2 else None
    return exp.Table(this=last, db=db, catalog=catalog)


def written(names: Sequence[str], d: Dialect) -> str:
    """The parts `names` (a schema and a table, as the warehouse stores them) as a name that
    `parts` reads back as exactly those parts."""
    return ".".join(
        p if PLAIN.match(p) else exp.to_identifier(p, quoted=True).sql(dialect=d.sqlglot)
        for p in names
    )


def table_sql(name: str, d: Dialect, what: str = "--table", *, fold: bool = False) -> str:
    """`table` as SQL text of dialect `d`."""
    return table(name, d, what, fold=fold).sql(dialect=d.sqlglot)


def check_spec(table: str | None, id_column: str, columns: Mapping[str, str], d: Dialect) -> None:
    """Refuse (UsageError) the names of a table layout no warehouse can hold: a `--table`
    that is no table name of dialect `d` (`parts`), an empty `--id-column`, or column in the
    `--map` file."""
    if table is not None:
        parts(table, d)
    check_name(id_column, "--id-column")
    for fld, column in columns.items():
        check_name(column, f"the column of {fld} in --map")
