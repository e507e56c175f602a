"""The DuckDB connection and the small helpers every SQL module shares: identifier quoting
and the translation of a DuckDB error into an error for people."""

from __future__ import annotations

import duckdb

from ..engine.model import Handbook
from ..errors import InputError
from .parsing import MACROS, prelude


def quote_ident(name: str) -> str:
    """`name` as a quoted SQL identifier: in double quotes, each double quote doubled."""
    return '"' + name.replace('"', '""') + '"'


def first_line(exc: BaseException, limit: int = 300) -> str:
    """The first line of a DuckDB message, cut at `limit` characters."""
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:limit]


def input_error(where: object, exc: BaseException, what: str = "", limit: int = 300) -> InputError:
    """An InputError for a DuckDB failure on `where` (a file): '<where>: <what: ><first line>'.
    Raise it `from exc`, so that the cause is kept for debugging (users see the message)."""
    prefix = f"{what}: " if what else ""
    return InputError(f"{where}: {prefix}{first_line(exc, limit)}")


def in_utc(con: duckdb.DuckDBPyConnection) -> None:
    """Read instants in UTC: a TIMESTAMP WITH TIME ZONE (a Parquet instant) is read as its
    UTC day, as HubSpot's epoch milliseconds are, never as the day of the machine's zone
    (DuckDB's default), so that the same file gives the same verdict on every machine."""
    con.execute("SET TimeZone = 'UTC'")


def connect(handbook: Handbook, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the parse layer's macros and the handbook's value types.

    Raises duckdb.Error only if DuckDB itself cannot start."""
    con = duckdb.connect(config={"threads": threads} if threads else {})
    # no progress bar unless asked for (`icp score` on a terminal): DuckDB draws one on
    # stderr by default for a query that runs over two seconds, into CI logs and pipes too
    con.execute("SET enable_progress_bar = false")
    # scores come out in the export's row order (row numbers in warnings are the export's):
    # the IN-clause rewrite turns a long value list into a join, which reorders rows
    con.execute("SET disabled_optimizers = 'in_clause'")
    in_utc(con)
    con.execute(MACROS)
    types, lists = prelude(handbook.fields.values())
    if types:
        con.execute(types)
    for name, values in lists.items():
        con.execute(f"SET VARIABLE {quote_ident(name)} = $1::VARCHAR[]", [values])
    return con
