"""The warehouse dialects the scoring query is rendered for, as one table of facts.

Each row says what the rule IR (`icpkit.sql.ir`) needs to know about a dialect
and nothing else: its sqlglot name, whether it has an array type for set fields,
how "N days before the warehouse's current date" is written, and how a view is
replaced. Every other construct the IR uses means the same on every target
(see PITFALLS, "SQL that must mean the same everywhere"): `CASE`, `AND`/`OR`/
`NOT` over NULL, `IN`, `BETWEEN`, `||` on text, string position, `SUBSTRING`,
integer arithmetic, `GREATEST` over non-null integers, `CAST` of an integer to
text, and plain CTEs (never `MATERIALIZED`, which only PostgreSQL and DuckDB
accept).

One fact is not shared: a text's normal form (`icpkit.engine.normal`: accents
dropped, any script lowercased, runs of non-letters of any script as one `_`),
which every test on a `text` field but present / missing reads. A row gives the
SQL for it (`normal_form`) only where it means what the evaluator computes, proven
on the engine (`tests/test_warehouse_parity.py`); elsewhere `lacks` says why not,
and such a handbook is refused for that dialect.

Adding a dialect is adding a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from ..errors import UsageError
from ..wording import suggest


def _minus_days(days: int) -> exp.Expr:
    """CURRENT_DATE - N (a DATE in PostgreSQL and DuckDB)."""
    return exp.Sub(this=exp.CurrentDate(), expression=exp.Literal.number(days))


def _date_sub(days: int) -> exp.Expr:
    return exp.DateSub(
        this=exp.CurrentDate(), expression=exp.Literal.number(days), unit=exp.var("DAY")
    )


def _spark_days(days: int) -> exp.Expr:
    return exp.Anonymous(this="DATE_SUB", expressions=[exp.CurrentDate(), exp.Literal.number(days)])


def _sqlite_days(days: int) -> exp.Expr:
    # SQLite keeps dates as ISO text; date('now', '-N days') is that text
    return exp.Anonymous(
        this="DATE",
        expressions=[exp.Literal.string("now"), exp.Literal.string(f"-{days} days")],
    )


def _duck_low(text: exp.Expr) -> exp.Expr:
    """Marks dropped, then lowercased, a final sigma as any sigma (`normal.lowered`; the bulk
    scorer's `icp_low`)."""
    low = exp.Lower(this=exp.Anonymous(this="STRIP_ACCENTS", expressions=[text]))
    return exp.Anonymous(
        this="REPLACE", expressions=[low, exp.Literal.string("ς"), exp.Literal.string("σ")]
    )


def _duck_slug(text: exp.Expr) -> exp.Expr:
    """Runs of characters other than letters and digits of any script as one `_`, trimmed
    (`normal.slug`; the bulk scorer's `icp_slug`)."""
    runs = exp.RegexpReplace(
        this=text,
        expression=exp.Literal.string(r"[^\p{L}\p{N}]+"),
        replacement=exp.Literal.string("_"),
        modifiers=exp.Literal.string("g"),
    )
    return exp.Trim(this=runs, expression=exp.Literal.string("_"))


@dataclass(frozen=True)
class NormalForm:
    """SQL for the two steps of a text's normal form a dialect must supply itself (the folds
    between them are REPLACE, which every dialect has)."""

    #: accents and other marks dropped, lowercased in any script
    low: Callable[[exp.Expr], exp.Expr]
    #: runs of characters that are neither letters nor digits (any script) as one `_`, trimmed
    slug: Callable[[exp.Expr], exp.Expr]


@dataclass(frozen=True)
class Dialect:
    """What the IR needs to know about one SQL dialect."""

    #: the name users give (`icp sql --dialect NAME`)
    name: str
    #: sqlglot's name for it
    sqlglot: str
    #: has an array type a set field may be stored as
    arrays: bool
    #: the DATE that is `days` days before the warehouse's current date
    days_before_today: Callable[[int], exp.Expr]
    #: `CREATE OR REPLACE VIEW` is accepted (SQLite: DROP VIEW IF EXISTS, then CREATE VIEW)
    replace_view: bool = True
    #: `WITH x AS MATERIALIZED (...)` is accepted (never used by the IR; recorded so a
    #: reader does not have to look it up)
    materialized_cte: bool = False
    #: the type to write in a cast to text
    text_type: str = "VARCHAR"
    #: end each layer with OFFSET 0 so the planner keeps it a layer: PostgreSQL pulls a
    #: plain subquery up into its parent and copies each column's expression into every place
    #: it is used (a profile's score is read a dozen times), evaluating it again each time
    fence: bool = False
    #: end the layers that read numbers from text (`--parse-text`) with OFFSET 0 too (SQLite:
    #: LIMIT -1 OFFSET 0): SQLite flattens a subquery without OFFSET into its parent, which
    #: copies each helper column's expression into every place it is read, layer after layer
    reading_fence: bool = False
    #: SQL for a text's normal form, or None when the dialect has none that means the same
    normal_form: NormalForm | None = None
    #: why there is no `normal_form` (said when a handbook is refused for this dialect)
    lacks: str = ""


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in [
        Dialect(
            "duckdb",
            "duckdb",
            True,
            _minus_days,
            materialized_cte=True,
            normal_form=NormalForm(_duck_low, _duck_slug),
        ),
        Dialect(
            "postgres",
            "postgres",
            True,
            _minus_days,
            materialized_cte=True,
            fence=True,
            lacks="PostgreSQL drops accents only with the unaccent extension (its own table, "
            "not Unicode's marks) and its lower() and letter classes follow the database's "
            "locale",
        ),
        Dialect(
            "sqlite",
            "sqlite",
            False,
            _sqlite_days,
            replace_view=False,
            text_type="TEXT",
            reading_fence=True,
            lacks="SQLite's lower() knows only ASCII letters, and it has no accent strip and "
            "no regular expressions",
        ),
        Dialect(
            "spark",
            "spark",
            True,
            _spark_days,
            text_type="STRING",
            lacks="Spark SQL has no Unicode decomposition to drop accents with",
        ),
        Dialect(
            "snowflake",
            "snowflake",
            True,
            _date_sub,
            lacks="Snowflake has no accent strip and its regular expressions have no Unicode "
            "letter class",
        ),
        Dialect(
            "bigquery",
            "bigquery",
            True,
            _date_sub,
            text_type="STRING",
            lacks="no BigQuery engine runs here to prove its NORMALIZE and RE2 classes give "
            "the same normal form",
        ),
    ]
}


def dialect(name: str) -> Dialect:
    """The row for `name`, or UsageError naming the nearest one."""
    found = DIALECTS.get(name.lower())
    if found is None:
        raise UsageError(
            f"found the dialect '{name}'; expected one of {', '.join(DIALECTS)}"
            + suggest(name, list(DIALECTS))
        )
    return found
