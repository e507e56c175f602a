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

A name that is empty (or a part of `a.b` that is), or holds a control character, is refused
with UsageError: no warehouse stores such a name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def parts(name: str, what: str = "--table") -> list[str]:
    """The parts of a possibly qualified name (`crm.accounts`, `db.crm.accounts`). Raises
    UsageError for an empty name or part, or more than three parts."""
    check_name(name, what)
    out = name.split(".")
    if len(out) > 3 or any(not p.strip() for p in out):
        raise UsageError(
            f"found {what} {name!r}; expected NAME, SCHEMA.NAME or CATALOG.SCHEMA.NAME "
            "(no empty part)"
        )
    return out


def table(name: str, d: Dialect, what: str = "--table") -> exp.Table:
    """A table or view name, qualified by a schema (and catalog) with dots, as a sqlglot
    Table of dialect `d`, each part quoted as `ident` quotes it. Raises UsageError (`parts`)."""
    *prefix, last = [ident(p, d, what) for p in parts(name, what)]
    db = prefix[-1] if prefix else None
    catalog = prefix[0] if len(prefix) == 2 else None
    return exp.Table(this=last, db=db, catalog=catalog)


def table_sql(name: str, d: Dialect, what: str = "--table") -> str:
    """`table` as SQL text of dialect `d`."""
    return table(name, d, what).sql(dialect=d.sqlglot)


def check_spec(table: str | None, id_column: str, columns: Mapping[str, str]) -> None:
    """Refuse (UsageError) the names of a table layout no warehouse can hold: an empty
    `--table` (or part of one), `--id-column`, or column in the `--map` file."""
    if table is not None:
        parts(table)
    check_name(id_column, "--id-column")
    for fld, column in columns.items():
        check_name(column, f"the column of {fld} in --map")
