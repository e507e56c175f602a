"""`icp sql`: the query per dialect; Snowflake and BigQuery (which cannot run here) rendered,
parsed back in their own dialect, run on fakesnow (Snowflake), and pinned by golden files
that were reviewed by hand (regenerate with ICP_UPDATE_GOLDEN=1 and review the diff)."""

from __future__ import annotations

import datetime as dt
import os
import warnings
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from icpkit.cli import main
from icpkit.engine.model import Handbook
from icpkit.engine.operators import Members
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engines import column_types, create_table_sql, to_row
from icpkit.sql.ir import Options, TableSpec, render
from test_warehouse_parity import (
    HANDBOOK,
    PORTABLE,
    as_of_dates,
    companies,
    expected,
    repertoire_rows,
    text_handbooks,
)

GOLDEN = Path(__file__).parent / "golden" / "warehouse"
AS_OF = dt.date(2026, 11, 1)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_golden_query(dialect: str) -> None:
    """The rendered query is the reviewed one (sets as text; arrays where the dialect has
    them)."""
    for sets in ("text", "array") if DIALECTS[dialect].arrays else ("text",):
        sql = render(
            HANDBOOK, TableSpec("crm.accounts", sets=sets), DIALECTS[dialect], Options(AS_OF)
        )
        path = GOLDEN / f"{dialect}.{sets}.sql"
        if os.environ.get("ICP_UPDATE_GOLDEN"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(sql, encoding="utf-8")
        assert sql == path.read_text(encoding="utf-8"), f"{path} differs: review and regenerate"


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_golden_text_query(dialect: str) -> None:
    """The PostHog handbook (text tests and open sets through the normal form: DuckDB's own,
    the portable one elsewhere; capped groups with their subtotal columns) renders as
    reviewed."""
    from test_backends_agree import PH

    sql = render(PH, TableSpec("crm.accounts"), DIALECTS[dialect], Options(AS_OF))
    # no control character is written in the SQL (an editor or git could change it)
    assert not [c for c in sql if c != "\n" and (c < " " or "\x7f" <= c < "\xa0")]
    path = GOLDEN / f"{dialect}.posthog.sql"
    if os.environ.get("ICP_UPDATE_GOLDEN"):
        path.write_text(sql, encoding="utf-8")
    assert sql == path.read_text(encoding="utf-8"), f"{path} differs: review and regenerate"


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_query_parses_back_in_its_dialect(dialect: str) -> None:
    """sqlglot reads the query back in the same dialect, into a tree that survives another
    round trip unchanged (and with every output column)."""
    from test_backends_agree import PH

    d = DIALECTS[dialect]
    for sets in ("text", "array") if d.arrays else ("text",):
        for as_of, handbook in ((AS_OF, HANDBOOK), (None, HANDBOOK), (AS_OF, PH)):
            sql = render(handbook, TableSpec("accounts", sets=sets), d, Options(as_of))
            tree = sqlglot.parse_one(sql, read=d.sqlglot)
            again = sqlglot.parse_one(tree.sql(dialect=d.sqlglot), read=d.sqlglot)
            assert again == tree
            assert tree.named_selects[:3] == [
                "account_id",
                "icp_best_profile",
                "icp_best_profile_title",
            ]


def _trim_keeping_characters(expression: Any) -> Any:
    """fakesnow's `trim_cast_varchar` casts TRIM's text to VARCHAR (as Snowflake does) but
    drops its second argument, the characters to trim, which Snowflake reads: the same cast,
    keeping them."""
    from sqlglot import exp

    if isinstance(expression, exp.Trim) and not isinstance(expression.this, exp.Cast):
        expression = expression.copy()
        expression.set("this", exp.cast(expression.this, exp.DataType.Type.VARCHAR))
    return expression


def _written(row: list[Any]) -> list[Any]:
    """A row as the Snowflake connector can send it: NaN and the infinities as the text
    Snowflake reads into a FLOAT column ('NaN', 'inf', '-inf'; the connector writes NAN)."""
    import math

    def one(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return "NaN" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        return v

    return [one(v) for v in row]


def snowflake_verdicts(
    rows: list[dict[str, Any]], as_of: dt.date, handbook: Handbook = HANDBOOK
) -> list[dict[str, Any]]:
    import fakesnow
    import snowflake.connector

    spec = TableSpec("accounts")
    d = DIALECTS["snowflake"]
    n = len(column_types(handbook, spec, d))
    keep = mock.patch("fakesnow.transforms.trim_cast_varchar", _trim_keeping_characters)
    with warnings.catch_warnings(), fakesnow.patch(), keep:
        warnings.simplefilter("ignore")
        conn = snowflake.connector.connect(database="icp", schema="crm")
        cur = conn.cursor()
        cur.execute(create_table_sql(handbook, spec, d))
        cur.executemany(
            f"INSERT INTO accounts VALUES ({', '.join(['%s'] * n)})",
            [_written(to_row(handbook, spec, d, str(i), c)) for i, c in enumerate(rows)],
        )
        cur.execute(render(handbook, spec, d, Options(as_of)))
        names = [c[0].lower() for c in cur.description]
        by_id = {str(r[0]): dict(zip(names[1:], r[1:], strict=True)) for r in cur.fetchall()}
        conn.close()
    return [by_id[str(i)] for i in range(len(rows))]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(companies(HANDBOOK), min_size=1, max_size=15), as_of_dates)
def test_snowflake_sql_on_fakesnow_same_verdict(rows: list[dict[str, Any]], as_of: dt.date) -> None:
    for company, got in zip(rows, snowflake_verdicts(rows, as_of), strict=True):
        assert got == expected(HANDBOOK, company, as_of), company


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_handbooks, repertoire_rows(PORTABLE), as_of_dates)
def test_snowflake_text_and_open_sets_on_fakesnow_same_verdict(
    handbook: Handbook, rows: list[dict[str, Any]], as_of: dt.date
) -> None:
    """Text tests and open sets through the portable normal form (TRANSLATE, explicit
    classes, REGEXP_COUNT for a search: Snowflake's REGEXP_LIKE matches the whole text) on
    fakesnow, which runs the Snowflake SQL on DuckDB: the evaluator's verdicts."""
    got = snowflake_verdicts(rows, as_of, handbook)
    for company, g in zip(rows, got, strict=True):
        assert g == expected(handbook, company, as_of), company


# --- the command ------------------------------------------------------------------------------


def icp(*args: str) -> int:
    return main(["--root", str(REPO), *args])


def test_sql_prints_query_with_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        icp("sql", "--dialect", "postgres", "--table", "crm.accounts", "--as-of", "2026-11-01") == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("-- icpkit scoring query for postgres, generated from handbook commit ")
    assert "-- as of 2026-11-01 (fixed" in out
    assert "FROM crm.accounts" in out and "AS icp_tier" in out


def test_sql_view_current_date(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "v.sql"
    assert (
        icp("sql", "--dialect", "spark", "--table", "t", "--view", "icp_scores", "-o", str(target))
        == 0
    )
    text = target.read_text()
    assert "CREATE OR REPLACE VIEW icp_scores AS" in text
    assert "warehouse's current date" in text and "CURRENT_DATE" in text
    assert capsys.readouterr().out == ""


def test_sql_map_renames_columns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("employees: number_of_employees\ncountry: billing_country\n")
    assert icp("sql", "--dialect", "sqlite", "--table", "t", "--map", str(mapping)) == 0
    out = capsys.readouterr().out
    # employees read from its column (a number below the field's minimum is unknown)
    assert "number_of_employees >= 1.0" in out and "THEN number_of_employees" in out
    # the country is read from its column, an unknown spelling NULL (see the test below)
    assert "WHEN billing_country IN (" in out and "THEN billing_country" in out
    assert "DATE('now', '-" in out or "icp" in out


def test_sql_ddl_names_the_expected_types(capsys: pytest.CaptureFixture[str]) -> None:
    assert icp("sql", "--dialect", "postgres", "--table", "t", "--ddl", "--sets", "array") == 0
    out = capsys.readouterr().out
    assert (
        "tech_stack TEXT[]" in out and "employees BIGINT" in out and "erp_deployed BOOLEAN" in out
    )


def test_sql_refuses_arrays_where_there_are_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert icp("sql", "--dialect", "sqlite", "--table", "t", "--sets", "array") == 2
    assert "sqlite has no array type" in capsys.readouterr().err


def test_parse_text_table_and_query_run_on_sqlite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`icp sql --parse-text --ddl` gives text columns for numbers, dates and yes/no, and the
    query reads a HubSpot-style row (a band, grouped digits, 'Yes', ISO date) on SQLite with
    the verdict the evaluator gives on the file scorer's reading of the same text."""
    import sqlite3

    base = ["sql", "--dialect", "sqlite", "--table", "accounts", "--parse-text"]
    assert icp(*base, "--ddl") == 0
    ddl = capsys.readouterr().out
    assert "employees TEXT" in ddl and "annual_revenue TEXT" in ddl
    assert icp(*base, "--as-of", AS_OF.isoformat()) == 0
    query = capsys.readouterr().out
    con = sqlite3.connect(":memory:")
    con.execute(ddl)
    names = [r[1] for r in con.execute("PRAGMA table_info(accounts)")]
    cells = {"account_id": "a1", "employees": "51-200", "annual_revenue": "12,500,000"}
    cells |= {"country": "US", "industry": "software"}
    con.execute(
        f"INSERT INTO accounts VALUES ({', '.join('?' for _ in names)})",
        [cells.get(n) for n in names],
    )
    cur = con.execute(query)
    got = dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))
    from icpkit.sql.companies import from_values

    read, bad = from_values(HANDBOOK, {k: v for k, v in cells.items() if k != "account_id"})
    assert read["employees"] == (51, 200)
    want = expected(HANDBOOK, read, AS_OF, unreadable=bad)
    assert {k: got[k] for k in want} == want


def scored_rows(
    capsys: pytest.CaptureFixture[str], dialect: str, rows: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """`icp sql --ddl` and the query for `dialect`, run on `rows` (id -> column values) in an
    in-memory SQLite or DuckDB: id -> output columns."""
    import sqlite3

    import duckdb

    base = ["sql", "--dialect", dialect, "--table", "accounts"]
    assert icp(*base, "--ddl") == 0
    ddl = capsys.readouterr().out
    assert icp(*base, "--as-of", AS_OF.isoformat()) == 0
    query = capsys.readouterr().out
    con: Any = sqlite3.connect(":memory:") if dialect == "sqlite" else duckdb.connect()
    con.execute(ddl)
    names = [c[0] for c in con.execute("SELECT * FROM accounts LIMIT 0").description]
    for ident, cells in rows.items():
        values = {"account_id": ident, **cells}
        con.execute(
            f"INSERT INTO accounts VALUES ({', '.join('?' for _ in names)})",
            [values.get(n) for n in names],
        )
    cur = con.execute(query)
    return {
        r[0]: dict(zip([c[0] for c in cur.description][1:], r[1:], strict=True))
        for r in cur.fetchall()
    }


@pytest.mark.parametrize("dialect", ["sqlite", "duckdb"])
def test_a_choice_the_vocabulary_does_not_name_is_unknown_not_unmet(
    capsys: pytest.CaptureFixture[str], dialect: str
) -> None:
    """'United States' or 'Narnia' in a country column of codes, 'HR Tech' for an industry,
    'cobol' among the technologies: unknown, as `icp score` reads a spelling it does not know,
    never a failed requirement (and never a member: in a set, an unknown member beside the
    known ones)."""
    typed = {"employees": 250, "tech_stack": "python", "it_budget": 600_000, "growth_rate": 25}
    rows = {
        "us-spelt-out": {"country": "United States", "industry": "software"},
        "narnia": {"country": "Narnia", "industry": "software"},
        "hr-tech": {"country": "US", "industry": "HR Tech"},
        # a set member the vocabulary does not name is an unknown member: 'Builds on .NET or
        # Python' is met by python, and a test python does not decide is unknown
        "cobol": {"country": "US", "industry": "software", "tech_stack": "python;cobol"},
        "python-capital": {"country": "US", "industry": "software", "tech_stack": "Python"},
    }
    got = scored_rows(capsys, dialect, {i: {**typed, **cells} for i, cells in rows.items()})
    for ident, cells in rows.items():
        known = {"employees": 250, "tech_stack": frozenset({"python"}), "it_budget": 600_000}
        known |= {"growth_rate": 25}
        known |= {
            k: v
            for k, v in cells.items()
            if k != "tech_stack" and v in HANDBOOK.fields[k].values  # type: ignore[operator]
        }
        if "tech_stack" in cells:
            members = str(cells["tech_stack"]).split(";")
            named = frozenset(m for m in members if m in HANDBOOK.fields["tech_stack"].values)  # type: ignore[operator]
            known["tech_stack"] = Members(named, [m for m in members if m not in named])
        # the value the vocabulary does not name is reported unreadable
        want = expected(HANDBOOK, known, AS_OF, given={**known, **cells})
        assert {k: got[ident][k] for k in want} == want, ident
        assert got[ident]["icp_tier"] != "D", ident  # an unknown requirement caps, never fails


@pytest.mark.parametrize("dialect", ["sqlite", "duckdb"])
def test_a_date_that_is_not_iso_text_is_unknown_not_an_error_nor_another_day(
    capsys: pytest.CaptureFixture[str], dialect: str
) -> None:
    """Dates as text (`--dates text`; SQLite always): one cell that is not an ISO date
    ('garbage', a 30 February, epoch milliseconds) is unknown for its row, as `icp explain`
    reads it, never an error that stops the whole query (DuckDB's CAST) nor another day
    (SQLite's DATE() reads 2026-02-30 as 2026-03-02); spaces around it and a time after it
    are read."""
    import sqlite3

    import duckdb

    base = ["sql", "--dialect", dialect, "--table", "accounts", "--dates", "text"]
    assert icp(*base, "--ddl") == 0
    ddl = capsys.readouterr().out
    assert icp(*base, "--as-of", AS_OF.isoformat()) == 0
    query = capsys.readouterr().out
    con: Any = sqlite3.connect(":memory:") if dialect == "sqlite" else duckdb.connect()
    con.execute(ddl)
    names = [c[0] for c in con.execute("SELECT * FROM accounts LIMIT 0").description]
    dates = {
        "garbage": None,
        "2026-02-30": None,
        "2025-02-29": None,
        "1772150400000": None,
        "2026-13-01": None,
        "0000-01-01": None,
        "2024-02-29": dt.date(2024, 2, 29),
        " 2026-03-01 ": dt.date(2026, 3, 1),
        "2026-03-01 12:00:00": dt.date(2026, 3, 1),
        "2026-03-01T12:00:00": dt.date(2026, 3, 1),
    }
    typed = {"country": "US", "industry": "saas", "funding_stage": "series_b"}
    for i, text in enumerate(dates):
        values = {"account_id": str(i), **typed, "last_funding_date": text}
        con.execute(
            f"INSERT INTO accounts VALUES ({', '.join('?' for _ in names)})",
            [values.get(n) for n in names],
        )
    cur = con.execute(query)
    got = {
        r[0]: dict(zip([c[0] for c in cur.description][1:], r[1:], strict=True))
        for r in cur.fetchall()
    }
    for i, (text, day) in enumerate(dates.items()):
        company: dict[str, Any] = dict(typed)
        if day is not None:
            company["last_funding_date"] = day
        # a text that is not an ISO date is unreadable
        want = expected(HANDBOOK, company, AS_OF, given={**typed, "last_funding_date": text})
        assert {k: got[str(i)][k] for k in want} == want, text


@pytest.mark.parametrize("dialect", ["sqlite", "duckdb"])
def test_a_number_outside_the_fields_bounds_is_unknown(
    capsys: pytest.CaptureFixture[str], dialect: str
) -> None:
    """0 or -5 employees (minimum 1), a negative revenue, a founding year of 3000 (maximum
    2100) in a numeric column: unknown, as `icp score` and `icp explain` read them, never a
    number a rule tests (0 employees is not 'fewer than 10', a disqualifier)."""
    typed = {"country": "US", "industry": "saas", "funding_stage": "series_b"}
    rows = {
        "zero": ({"employees": 0}, {}),
        "negative": ({"employees": -5, "annual_revenue": -1000}, {}),
        "future": ({"employees": 5, "founded_year": 3000}, {"employees": 5}),
        "edges": (
            {"employees": 1, "annual_revenue": 0, "founded_year": 2100},
            {"employees": 1, "annual_revenue": 0, "founded_year": 2100},
        ),
    }
    got = scored_rows(capsys, dialect, {i: {**typed, **c} for i, (c, _) in rows.items()})
    for ident, (cells, known) in rows.items():
        # a number outside the bounds is unreadable
        want = expected(HANDBOOK, {**typed, **known}, AS_OF, given={**typed, **cells})
        assert {k: got[ident][k] for k in want} == want, ident
    assert got["zero"]["icp_disqualified_by"] is None


@pytest.mark.parametrize("dialect", ["sqlite", "duckdb"])
def test_columns_named_by_reserved_words_are_quoted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dialect: str
) -> None:
    """`--map` to a column named by a reserved word (`order`, `group`, an id column `select`):
    the table `--ddl` prints and the query both parse and score it."""
    import sqlite3

    import duckdb

    mapping = tmp_path / "map.yaml"
    mapping.write_text("country: order\nindustry: group\nemployees: User\n")
    base = ["sql", "--dialect", dialect, "--table", "accounts", "--map", str(mapping)]
    base += ["--id-column", "select"]
    assert icp(*base, "--ddl") == 0
    ddl = capsys.readouterr().out
    assert icp(*base, "--as-of", AS_OF.isoformat()) == 0
    query = capsys.readouterr().out
    con: Any = sqlite3.connect(":memory:") if dialect == "sqlite" else duckdb.connect()
    con.execute(ddl)
    con.execute(
        'INSERT INTO accounts ("select", "order", "group", "User") VALUES (?, ?, ?, ?)',
        ["a1", "US", "saas", 250],
    )
    cur = con.execute(query)
    got = dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))
    want = expected(HANDBOOK, {"country": "US", "industry": "saas", "employees": 250}, AS_OF)
    assert got["select"] == "a1"
    assert {k: got[k] for k in want} == want


def test_sqlite_text_in_a_number_or_yes_no_column_is_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """SQLite stores any value in any column: 'unknown' in the INTEGER employees column (text
    compares above every number, so it was 'more than 1,000' and disqualified the company as
    a tender buyer) and 'true' in the 0/1 yes/no column are unknown, as `icp explain` reads
    a cell it cannot read, never a number or a flag."""
    import sqlite3

    base = ["sql", "--dialect", "sqlite", "--table", "accounts"]
    assert icp(*base, "--ddl") == 0
    ddl = capsys.readouterr().out
    assert icp(*base, "--as-of", AS_OF.isoformat()) == 0
    query = capsys.readouterr().out
    con = sqlite3.connect(":memory:")
    con.execute(ddl)
    rows = {
        "text-employees": ("unknown", 1),
        "text-flag": (2000, "true"),
        "flag-two": (2000, 2),
        "typed": (2000, 1),
    }
    for ident, (employees, tenders) in rows.items():
        con.execute(
            "INSERT INTO accounts (account_id, country, industry, employees, "
            "buys_through_tenders) VALUES (?, 'DE', 'software', ?, ?)",
            [ident, employees, tenders],
        )
    cur = con.execute(query)
    got = {
        r[0]: dict(zip([c[0] for c in cur.description][1:], r[1:], strict=True))
        for r in cur.fetchall()
    }
    known = {
        "text-employees": {"buys_through_tenders": True},
        "text-flag": {"employees": 2000},
        "flag-two": {"employees": 2000},
        "typed": {"employees": 2000, "buys_through_tenders": True},
    }
    for ident, values in known.items():
        employees, tenders = rows[ident]
        given = {"employees": employees, "buys_through_tenders": tenders}
        company = {"country": "DE", "industry": "software", **values}
        want = expected(HANDBOOK, company, AS_OF, given={**company, **given})
        assert {k: got[ident][k] for k in want} == want, ident
    assert got["text-employees"]["icp_disqualified_by"] is None
    assert got["typed"]["icp_disqualified_by"] == "enterprise-tenders"
