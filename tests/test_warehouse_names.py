"""Warehouse names a user gives (`--table`, `schema.table`, `--view`, `--map` columns,
`--id-column`) name exactly that table or column in every dialect: quoted when they must be
(mixed case, spaces, quotes, reserved words), refused clearly when empty; and `icp score
--engine postgres --table` finds the one table PostgreSQL would read."""

from __future__ import annotations

import csv
import datetime as dt
import re
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from sqlglot import exp

from conftest import REPO
from icpkit.cli import main
from icpkit.errors import UsageError
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engines import column_types, to_row
from icpkit.sql.idents import ident, needs_quotes, table_sql
from icpkit.sql.ir import Options, TableSpec, render
from test_warehouse_parity import HANDBOOK, expected
from test_warehouse_score import as_csv_reads, read_scores

AS_OF = dt.date(2026, 11, 1)
#: awkward warehouse names: mixed case, a space, a double quote, a reserved word
MAP = {"country": "Billing Country", "industry": "Industry", "employees": 'Emp"loyees'}
ID = "Record ID"
COMPANY: dict[str, Any] = {"country": "US", "industry": "saas", "employees": 250}


def icp(*args: str) -> int:
    return main(["--root", str(REPO), *args])


def write_map(tmp_path: Path, mapping: dict[str, str] = MAP) -> Path:
    path = tmp_path / "map.yaml"
    lines = [f"{k}: '{v}'" for k, v in mapping.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sql(tmp_path: Path, dialect: str, table: str, *extra: str) -> tuple[str, str]:
    """(`icp sql --ddl`, `icp sql --view`) for `table` under the awkward map and id column."""
    base = ["sql", "--dialect", dialect, "--table", table, "--map", str(write_map(tmp_path))]
    base += ["--id-column", ID, "--as-of", AS_OF.isoformat()]
    ddl, view = tmp_path / "ddl.sql", tmp_path / "view.sql"
    assert icp(*base, "--ddl", "-o", str(ddl)) == 0
    assert icp(*base, *extra, "-o", str(view)) == 0
    return ddl.read_text(), view.read_text()


def typed_row(dialect: str, table: str) -> list[Any]:
    spec = TableSpec(table, id_column=ID, columns=MAP)
    return to_row(HANDBOOK, spec, DIALECTS[dialect], "a1", COMPANY)


def check_row(names: list[str], row: tuple[Any, ...]) -> None:
    got = dict(zip(names, row, strict=True))
    assert got[ID] == "a1"
    want = expected(HANDBOOK, COMPANY, AS_OF)
    assert {k: got[k] for k in want} == want
    assert want["icp_tier"] is not None  # the mapped columns were read (not unknown)


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
@pytest.mark.parametrize("view", ["select", 'x"y', "Scores"])
def test_awkward_names_run_on_duckdb_and_sqlite(tmp_path: Path, dialect: str, view: str) -> None:
    """A table named by a reserved word (`order`), columns with spaces, capitals and a
    double quote, the id column `Record ID`, and a view named `select` or `x"y`: the DDL,
    the view and a query over it run, and read the mapped columns."""
    ddl, text = sql(tmp_path, dialect, "order", "--view", view)
    con: Any = sqlite3.connect(":memory:") if dialect == "sqlite" else duckdb.connect()
    if dialect == "sqlite":
        con.executescript(ddl)
    else:
        con.execute(ddl)
    marks = ", ".join("?" for _ in typed_row(dialect, "order"))
    con.execute(f'INSERT INTO "order" VALUES ({marks})', typed_row(dialect, "order"))
    if dialect == "sqlite":
        con.executescript(text)
    else:
        con.execute(text)
    cur = con.execute(f"SELECT * FROM {ident(view, DIALECTS[dialect]).sql(dialect)}")
    check_row([c[0] for c in cur.description], cur.fetchone())


def test_awkward_names_run_on_postgres(pg_dsn: str, tmp_path: Path) -> None:
    """On PostgreSQL a mixed-case name folds to lower case unless quoted: the schema `CRM`,
    the table `order`, the view `Scores` and the mapped columns are quoted; a table that also
    has a lower-case `industry` column is read from `Industry`, the column the map names."""
    import psycopg

    ddl, text = sql(tmp_path, "postgres", "CRM.order", "--view", "CRM.Scores")
    row = typed_row("postgres", "CRM.order")
    with psycopg.connect(pg_dsn, autocommit=True) as con:
        con.execute('DROP SCHEMA IF EXISTS "CRM" CASCADE')
        con.execute('CREATE SCHEMA "CRM"')
        con.execute(ddl)
        con.execute('ALTER TABLE "CRM"."order" ADD COLUMN industry TEXT')
        spec = TableSpec("t", id_column=ID, columns=MAP)
        types = column_types(HANDBOOK, spec, DIALECTS["postgres"])
        cols = ", ".join(ident(n, DIALECTS["postgres"]).sql("postgres") for n, _ in types)
        marks = ", ".join(f"%s::{t}" for _, t in types)
        con.execute(
            f'INSERT INTO "CRM"."order" ({cols}, industry) VALUES ({marks}, %s)',
            [*row, "government"],
        )
        con.execute(text)
        cur = con.execute('SELECT * FROM "CRM"."Scores"')
        check_row([c.name for c in cur.description or []], cur.fetchone())


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "spark"])
def test_awkward_names_parse_back_in_their_dialect(tmp_path: Path, dialect: str) -> None:
    """Where no engine runs here, the query parses back in its dialect, naming the same
    table, view and columns (quoted: Snowflake would read `Industry` unquoted as INDUSTRY)."""
    _, text = sql(tmp_path, dialect, "crm.order", "--view", "Scores")
    statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    create = statements[-1]
    assert isinstance(create, exp.Create)
    # BigQuery and Spark keep an unquoted name's case; Snowflake would read Scores as SCORES
    assert create.this.name == "Scores"
    assert create.this.this.quoted or dialect != "snowflake"
    tables = {(t.db, t.name) for t in create.find_all(exp.Table)}
    # Snowflake: the reserved word in capitals, the name an unquoted CREATE TABLE order made
    assert ("crm", "ORDER" if dialect == "snowflake" else "order") in tables
    columns = {c.name: c.this.quoted for c in create.find_all(exp.Column) if not c.table}
    for name in (*MAP.values(), ID):
        assert name in columns, name
        assert columns[name] or (dialect != "snowflake" and name == "Industry"), name
    assert create.expression.named_selects[0] == ID


def test_snowflake_reads_one_case_names_as_written_unquoted() -> None:
    """Snowflake: `account_id` (one case) is the column an unquoted CREATE TABLE made, so it
    stays unquoted; `order` is quoted as that column, in capitals; `AccountId` as given."""
    d = DIALECTS["snowflake"]
    assert ident("account_id", d).sql("snowflake") == "account_id"
    assert ident("order", d).sql("snowflake") == '"ORDER"'
    assert ident("AccountId", d).sql("snowflake") == '"AccountId"'
    pg = DIALECTS["postgres"]
    assert ident("AccountId", pg).sql("postgres") == '"AccountId"'
    assert not needs_quotes("account_id", pg) and needs_quotes("user", pg)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--view", "", "found an empty name for --view"),
        ("--table", "", "found an empty name for --table"),
        ("--table", "crm..accounts", "expected NAME, SCHEMA.NAME"),
        ("--id-column", "", "found an empty name for --id-column"),
    ],
)
def test_an_empty_name_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    args = {"--table": "accounts", "--view": None, "--id-column": None} | {option: value}
    argv = ["sql", "--dialect", "postgres"]
    for name, given in args.items():
        if given is not None:
            argv += [name, given]
    assert icp(*argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "internal error" not in err


def test_an_empty_column_in_the_map_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mapping = write_map(tmp_path, {"country": ""})
    assert icp("sql", "--dialect", "duckdb", "--table", "t", "--map", str(mapping)) == 2
    assert "found an empty name for the column of country" in capsys.readouterr().err


def test_dbt_placeholder_and_plain_names_are_unchanged() -> None:
    """Plain lower-case names are written as before (the golden files pin the whole query)."""
    text = render(HANDBOOK, TableSpec("crm.accounts"), DIALECTS["postgres"], Options(AS_OF))
    assert "FROM crm.accounts" in text
    # no name quoted (the '"' a closed set's list quotes are dropped with is a literal)
    assert not re.findall(r'"[A-Za-z_][A-Za-z0-9_.]*"', text)


# --- icp score --engine postgres --table: the one table PostgreSQL reads -------------------


def _load(con: Any, table: str, rows: dict[str, dict[str, Any]], columns: dict[str, str]) -> None:
    """Create `table` (a quoted SQL name) with the id and the typed fields, and fill it."""
    d = DIALECTS["postgres"]
    spec = TableSpec("t", columns=columns)
    types = column_types(HANDBOOK, spec, d)
    cols = ", ".join(f"{ident(c, d).sql('postgres')} {t}" for c, t in types)
    con.execute(f"CREATE TABLE {table} ({cols})")
    marks = ", ".join(f"%s::{t}" for _, t in types)
    with con.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} VALUES ({marks})",
            [to_row(HANDBOOK, spec, d, i, c) for i, c in rows.items()],
        )


def test_postgres_table_lookup_is_the_one_postgres_resolves(
    pg_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two schemas hold a table `accounts` with different columns (their columns were merged
    into one layout); `--table Accounts` finds `accounts` as PostgreSQL folds it, in the
    search_path's schema; `--table other.accounts` reads that schema's table only; a table
    named `"Mixed"` is found by its exact name; a missing table is an error naming it."""
    import psycopg

    public = {"p1": COMPANY}
    other = {"o1": {"country": "US", "industry": "government", "employees": 2000}}
    with psycopg.connect(pg_dsn, autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS other CASCADE")
        con.execute('DROP TABLE IF EXISTS public.accounts, public."Mixed"')
        con.execute('DROP SCHEMA IF EXISTS "my.schema" CASCADE')
        con.execute("CREATE SCHEMA other")
        con.execute('CREATE SCHEMA "my.schema"')
        _load(con, '"my.schema"."Accounts"', public, {})
        _load(con, "public.accounts", public, {})
        # the other schema's table names its country column differently
        _load(con, "other.accounts", other, {"country": "land"})
        _load(con, 'public."Mixed"', other, {})

    def scores(table: str, *extra: str) -> dict[str, dict[str, str]]:
        out = tmp_path / f"{table.replace('.', '_')}.csv"
        args = ["--today", AS_OF.isoformat(), "score", "--engine", "postgres", "--dsn", pg_dsn]
        assert icp(*args, "--table", table, *extra, "-o", str(out)) == 0, capsys.readouterr().err
        return read_scores(out)

    got = scores("Accounts")
    assert set(got) == {"p1"}
    assert got["p1"]["icp_tier"] == expected(HANDBOOK, COMPANY, AS_OF)["icp_tier"]
    assert set(scores("accounts")) == {"p1"}  # the search_path's table, not both merged
    got = scores("other.accounts")
    assert set(got) == {"o1"}
    # its country column is not named country: unknown, never the public table's column
    assert "country" in got["o1"]["icp_unknown_fields"]
    assert set(scores("Mixed")) == {"o1"}
    # pasted already quoted: the schema with a dot, the table in its exact case
    assert set(scores('"my.schema"."Accounts"')) == {"p1"}
    assert set(scores('"public"."Mixed"')) == {"o1"}
    args = ["--today", AS_OF.isoformat(), "score", "--engine", "postgres", "--dsn", pg_dsn]
    assert icp(*args, "--table", "nowhere.accounts", "-o", str(tmp_path / "x.csv")) == 1
    err = capsys.readouterr().err
    assert "found no table nowhere.accounts" in err and "Traceback" not in err


# --- icp score --engine: awkward column names in the file read -----------------------------


def _awkward_rows() -> tuple[list[str], list[Any]]:
    """The header and one row of a typed file whose columns have the awkward names."""
    spec = TableSpec("t", id_column=ID, columns=MAP)
    names = [c for c, _ in column_types(HANDBOOK, spec, DIALECTS["postgres"])]
    return names, to_row(HANDBOOK, spec, DIALECTS["postgres"], "a1", COMPANY)


def _engine_scores(out: Path) -> dict[str, str]:
    got = read_scores(out)["a1"]
    return {k: v for k, v in got.items() if k.startswith("icp_")}


def _want(company: dict[str, Any] = COMPANY) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in expected(HANDBOOK, company, AS_OF).items()}


def test_awkward_column_names_score_on_postgres_from_csv(pg_dsn: str, tmp_path: Path) -> None:
    """A CSV whose id column is `Record ID` and whose mapped columns have capitals, a space
    and a double quote: COPY's table and the query name the same columns."""
    names, row = _awkward_rows()
    path = tmp_path / "accounts.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(names)
        w.writerow(["" if v is None else v for v in row])
    out = tmp_path / "scores.csv"
    args = ["--today", AS_OF.isoformat(), "score", "--engine", "postgres", "--dsn", pg_dsn]
    args += [str(path), "--map", str(write_map(tmp_path)), "--id-column", ID]
    assert icp(*args, "-o", str(out)) == 0
    got = _engine_scores(out)
    # (an empty cell of tech_stack is the empty set there, as icp score reads the CSV)
    want = _want(as_csv_reads(COMPANY))
    assert {k: got[k] for k in want} == want


def test_awkward_column_names_score_on_spark(spark: Any, tmp_path: Path) -> None:
    names, row = _awkward_rows()
    path = tmp_path / "accounts.parquet"
    types = {
        "number": pa.float64(),
        "integer": pa.int64(),
        "yes_no": pa.bool_(),
        "date": pa.date32(),
    }
    by_column = {MAP.get(f, f): f for f in HANDBOOK.read_fields}
    schema = pa.schema(
        [(ID, pa.string())]
        + [(n, types.get(HANDBOOK.fields[by_column[n]].type, pa.string())) for n in names[1:]]
    )
    values = [
        float(v) if v is not None and schema.field(n).type == pa.float64() else v
        for n, v in zip(names, row, strict=True)
    ]
    pq.write_table(pa.Table.from_pylist([dict(zip(names, values, strict=True))], schema), path)
    out = tmp_path / "scores.csv"
    args = ["--today", AS_OF.isoformat(), "score", "--engine", "spark", "--master", "local[2]"]
    args += [str(path), "--map", str(write_map(tmp_path)), "--id-column", ID]
    assert icp(*args, "-o", str(out)) == 0
    got = _engine_scores(out)
    assert {k: got[k] for k in _want()} == _want()


# --- a table name pasted in the dialect's own syntax: quoted parts kept whole -------------


@pytest.mark.parametrize(
    ("dialect", "given", "expected"),
    [
        ("duckdb", '"crm"."Accounts"', '"crm"."Accounts"'),
        ("postgres", '"crm"."Accounts"', '"crm"."Accounts"'),
        ("postgres", '"my.schema".accounts', '"my.schema".accounts'),
        ("postgres", 'crm."Order ""lines"""', 'crm."Order ""lines"""'),
        ("sqlite", '"my.db"."T"', '"my.db"."T"'),
        ("sqlite", "[crm].[Accounts]", '"crm"."Accounts"'),
        ("snowflake", 'ANALYTICS."crm"."Accounts"', 'ANALYTICS."crm"."Accounts"'),
        ("snowflake", '"my.schema".accounts', '"my.schema".accounts'),
        ("spark", "`my.db`.`Accounts`", "`my.db`.`Accounts`"),
        ("spark", "`crm`.accounts", "`crm`.accounts"),
        ("bigquery", "`my-project.crm.accounts`", "`my-project`.`crm`.`accounts`"),
        ("bigquery", "`my-project`.crm.accounts", "`my-project`.crm.accounts"),
        # unquoted parts as before: quoted exactly when the dialect needs it
        ("postgres", "crm.Accounts", 'crm."Accounts"'),
        ("duckdb", "crm.order", 'crm."order"'),
        ("bigquery", "my-project.crm.accounts", "`my-project`.crm.accounts"),
        ("postgres", 'crm.x"y', 'crm."x""y"'),
    ],
)
def test_a_quoted_table_name_is_read_in_its_dialect(
    dialect: str, given: str, expected: str
) -> None:
    """A name pasted already quoted (`"crm"."Accounts"`) names that table, its quoted parts
    kept whole (case and dots); it is not quoted a second time nor split at a quoted dot."""
    assert table_sql(given, DIALECTS[dialect]) == expected
    # and the query reads that table, for --view too
    text = render(HANDBOOK, TableSpec(given), DIALECTS[dialect], Options(AS_OF), view=given)
    assert f"FROM {expected}" in text and expected in text.split("AS", 1)[0]


@pytest.mark.parametrize(
    ("dialect", "given", "message"),
    [
        ("postgres", "crm.accounts;", "';'"),
        ("postgres", '"crm".accounts; DROP TABLE x', "';'"),
        ("postgres", "crm.accounts\nDROP", "control character"),
        ("postgres", "a.b.c.d", "4 parts"),
        ("postgres", '"a".b."c.d".e', "4 parts"),
        ("postgres", '"crm"..accounts', "empty part"),
        ("postgres", '"crm".""', "empty part"),
        ("postgres", "crm.", "empty part"),
        ("postgres", '"crm.accounts', "unterminated"),
        ("postgres", '"crm"accounts', "after the closing quote"),
        ("spark", "`crm`.`acc", "unterminated"),
        ("bigquery", "`p.d.t.x`", "4 parts"),
    ],
)
def test_what_is_not_a_table_name_is_refused(
    capsys: pytest.CaptureFixture[str], dialect: str, given: str, message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        table_sql(given, DIALECTS[dialect])
    text = str(caught.value)
    assert message in text and repr(given) in text and "expected" in text
    for option in ("--table", "--view"):
        args = {"--table": "accounts", "--view": "scores"} | {option: given}
        assert icp("sql", "--dialect", dialect, *[x for kv in args.items() for x in kv]) == 2
        err = capsys.readouterr().err
        assert option in err and message in err and "Traceback" not in err


def test_a_quoted_table_name_runs_on_duckdb(tmp_path: Path) -> None:
    """`--table '"my.schema"."Accounts"'` scores the table of that exact name."""
    db = tmp_path / "w.duckdb"
    ddl, view = sql(tmp_path, "duckdb", '"my.schema"."Accounts"', "--view", '"my.schema"."S"')
    con = duckdb.connect(str(db))
    con.execute('CREATE SCHEMA "my.schema"')
    con.execute(ddl)
    con.execute(view)
    got = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    tables = {r[0] for r in got}
    assert {"Accounts", "S"} <= tables
