"""`icp score --engine postgres|spark|duckdb` on typed accounts, the CRM presets, and
`icp explain EXPORT --id ID`."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import REPO
from icpkit.cli import main
from icpkit.engine.model import Handbook
from icpkit.loading.handbook import load
from icpkit.sql.crm import (
    HUBSPOT_NAME,
    SALESFORCE_NAME,
    Property,
    check_names,
    properties,
)
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engines import column_types, create_table_sql, to_row
from icpkit.sql.ir import TableSpec
from test_warehouse_parity import expected

HANDBOOK: Handbook = load(REPO).handbook
AS_OF = dt.date(2026, 11, 1)
ACCOUNTS: list[dict[str, Any]] = [
    {
        "country": "GB",
        "industry": "saas",
        "employees": 240,
        "tech_stack": frozenset({"python", "aws"}),
        "growth_rate": 25.0,
        "it_budget": 600_000.0,
        "funding_stage": "series_b",
        "last_funding_date": dt.date(2026, 3, 1),
        "erp_deployed": True,
        "services_needed": frozenset(),
    },
    {"country": "US", "industry": "government", "employees": 2000},
    {"industry": "saas", "growth_rate": 5.0, "funding_stage": "seed"},
    {},
]
IDS = ["a1", "a2", "=a3", "a4"]


def icp(*args: str) -> int:
    return main(["--root", str(REPO), "--today", AS_OF.isoformat(), *args])


def typed_csv(path: Path) -> Path:
    """The accounts as a CSV of typed columns (None: an unquoted empty cell, NULL; the empty
    set: "" quoted, the empty text)."""
    spec = TableSpec("t")
    names = [c for c, _ in column_types(HANDBOOK, spec, DIALECTS["postgres"])]

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, str | dt.date):
            return '"' + str(v).replace('"', '""') + '"'
        return str(v)

    lines = [",".join(names)]
    for ident, company in zip(IDS, ACCOUNTS, strict=True):
        lines.append(
            ",".join(cell(v) for v in to_row(HANDBOOK, spec, DIALECTS["postgres"], ident, company))
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def typed_parquet(path: Path) -> Path:
    spec = TableSpec("t")
    d = DIALECTS["spark"]
    names = [c for c, _ in column_types(HANDBOOK, spec, d)]
    rows = [to_row(HANDBOOK, spec, d, i, c) for i, c in zip(IDS, ACCOUNTS, strict=True)]
    for row in rows:
        for j, name in enumerate(HANDBOOK.read_fields, start=1):
            if HANDBOOK.fields[name].type == "number" and row[j] is not None:
                row[j] = float(row[j])
    types = {
        "number": pa.float64(),
        "integer": pa.int64(),
        "yes_no": pa.bool_(),
        "date": pa.date32(),
    }
    schema = pa.schema(
        [("account_id", pa.string())]
        + [(n, types.get(HANDBOOK.fields[n].type, pa.string())) for n in HANDBOOK.read_fields]
    )
    pq.write_table(
        pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in rows], schema), path
    )
    return path


def read_scores(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return {r[next(iter(r))].lstrip("'"): r for r in csv.DictReader(f)}


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def as_csv_reads(company: dict[str, Any]) -> dict[str, Any]:
    """The company a CSV of it holds, as `icp score` reads the file: an empty cell (the
    empty set written "", an unknown value left empty) is unknown, except in a set field with
    `empty: empty_set`, where it is the empty set (a present, empty cell)."""
    out = {
        k: v
        for k, v in company.items()
        if not (v == frozenset() and not HANDBOOK.fields[k].empty_set)
    }
    for name in HANDBOOK.read_fields:
        if HANDBOOK.fields[name].empty_set and out.get(name) is None:
            out[name] = frozenset()
    return out


def assert_scores(path: Path, csv_input: bool = False) -> None:
    got = read_scores(path)
    for ident, company in zip(IDS, ACCOUNTS, strict=True):
        read = as_csv_reads(company) if csv_input else company
        want = {k: as_text(v) for k, v in expected(HANDBOOK, read, AS_OF).items()}
        row = {k: v for k, v in got[ident].items() if k in want}
        assert row == want, ident


def test_score_on_postgres_from_csv(pg_dsn: str, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    source = typed_csv(tmp_path / "accounts.csv")
    assert icp("score", "--engine", "postgres", "--dsn", pg_dsn, str(source), "-o", str(out)) == 0
    assert_scores(out, csv_input=True)
    assert read_scores(out)["=a3"]["account_id"] == "'=a3"  # never a live formula
    prov = json.loads(Path(f"{out}.provenance.json").read_text())
    assert prov["engine"] == "postgres" and prov["rows"] == 4 and prov["as_of"] == "2026-11-01"


def test_score_on_postgres_table(pg_dsn: str, tmp_path: Path) -> None:
    import psycopg

    spec = TableSpec("crm_accounts", sets="array")
    d = DIALECTS["postgres"]
    types = [t for _, t in column_types(HANDBOOK, spec, d)]
    with psycopg.connect(pg_dsn, autocommit=True) as con:
        con.execute("DROP TABLE IF EXISTS crm_accounts")
        con.execute(create_table_sql(HANDBOOK, spec, d))
        with con.cursor() as cur:
            cur.executemany(
                f"INSERT INTO crm_accounts VALUES ({', '.join(f'%s::{t}' for t in types)})",
                [to_row(HANDBOOK, spec, d, i, c) for i, c in zip(IDS, ACCOUNTS, strict=True)],
            )
    out = tmp_path / "scores.csv"
    args = ["score", "--engine", "postgres", "--dsn", pg_dsn, "--table", "crm_accounts"]
    assert icp(*args, "-o", str(out)) == 0
    assert_scores(out)


def test_score_on_spark_from_parquet(spark: Any, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    source = typed_parquet(tmp_path / "accounts.parquet")
    assert (
        icp("score", "--engine", "spark", "--master", "local[2]", str(source), "-o", str(out)) == 0
    )
    assert_scores(out)


def test_crm_preset_on_duckdb_typed_input(tmp_path: Path) -> None:
    """With --crm, a file of typed columns is read as plain `icp score` reads it: the same
    verdicts and the evaluator's reason (tests/test_crm_scores.py: raw exports)."""
    out = tmp_path / "scores.csv"
    source = typed_parquet(tmp_path / "accounts.parquet")
    assert icp("score", "--crm", "hubspot", str(source), "-o", str(out)) == 0
    got = read_scores(out)
    for ident, company in zip(IDS, ACCOUNTS, strict=True):
        want = expected(HANDBOOK, company, AS_OF)
        assert got[ident]["icp_reason"] == want["icp_reason"]
        assert got[ident]["icp_tier"] == as_text(want["icp_tier"])
        assert got[ident]["icp_status"] == want["icp_status"]


def test_table_needs_a_warehouse_engine(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert icp("score", "--table", "t", "-o", str(tmp_path / "o.csv")) == 2
    assert "expected --engine postgres or spark" in capsys.readouterr().err


def test_postgres_errors_are_messages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = ["score", "--engine", "postgres", "--dsn", "host=127.0.0.1 port=1 user=x"]
    assert icp(*args, "--table", "t", "-o", str(tmp_path / "o.csv")) == 1
    assert "cannot connect to PostgreSQL" in capsys.readouterr().err


# --- CRM presets ------------------------------------------------------------------------------


def test_hubspot_import_and_properties(tmp_path: Path) -> None:
    source = typed_parquet(tmp_path / "accounts.parquet")
    out = tmp_path / "hubspot.csv"
    assert icp("score", "--crm", "hubspot", str(source), "-o", str(out)) == 0
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert next(iter(rows[0])) == "Record ID"
    first = {r["Record ID"]: r for r in rows}["a1"]
    assert first["icp_tier"] == "A" and first["route_owner"].startswith("Account executive")
    assert first["icp_reason"].startswith("A for western-software-teams: ")
    disq = {r["Record ID"]: r for r in rows}["a2"]
    assert disq["route_response"] == "Do not contact"
    spec = json.loads((tmp_path / "hubspot.hubspot-properties.json").read_text())
    names = [p["name"] for p in spec["inputs"]]
    assert names == list(rows[0])[1:]
    valid = {("string", "text"), ("string", "textarea"), ("number", "number")}
    valid |= {("enumeration", "select")}
    for p in spec["inputs"]:
        assert HUBSPOT_NAME.match(p["name"]) and len(p["label"]) <= 100
        assert (p["type"], p["fieldType"]) in valid and p["groupName"] == spec["group"]["name"]
        if p["type"] == "enumeration":
            values = [o["value"] for o in p["options"]]
            assert values and len(values) == len(set(values))
    tier = next(p for p in spec["inputs"] if p["name"] == "icp_tier")
    assert [o["value"] for o in tier["options"]] == ["A", "B", "C", "D"]


def test_salesforce_import_and_field_metadata(tmp_path: Path) -> None:
    source = typed_parquet(tmp_path / "accounts.parquet")
    out = tmp_path / "sf.csv"
    assert icp("score", "--crm", "salesforce", str(source), "-o", str(out)) == 0
    with out.open(newline="") as f:
        header = next(csv.reader(f))
    assert header[0] == "Id" and "Icp_Tier__c" in header and "Icp_Reason__c" in header
    folder = tmp_path / "sf.salesforce-fields"
    ns = {"m": "http://soap.sforce.com/2006/04/metadata"}
    obj = ET.parse(folder / "objects" / "Account.object").getroot()
    fields = obj.findall("m:fields", ns)
    assert [f.findtext("m:fullName", namespaces=ns) for f in fields] == header[1:]
    for f in fields:
        name = f.findtext("m:fullName", namespaces=ns) or ""
        assert SALESFORCE_NAME.match(name), name
        assert len(name) - len("__c") <= 40 and "__" not in name[: -len("__c")]
        assert len(f.findtext("m:label", namespaces=ns) or "") <= 40
        kind = f.findtext("m:type", namespaces=ns)
        assert kind in ("Text", "LongTextArea", "Number", "Picklist")
        if kind == "Picklist":
            values = [v.text for v in f.iter(f"{{{ns['m']}}}fullName")][1:]
            assert values and len(values) == len(set(values))
    package = ET.parse(folder / "package.xml").getroot()
    members = [m.text for m in package.iter(f"{{{ns['m']}}}members")]
    assert members == [f"Account.{h}" for h in header[1:]]


def test_name_rules_refuse_what_the_crm_refuses() -> None:
    bad = [Property("icp__x_", "a" * 41, "text", "")]
    assert check_names("salesforce", bad)
    assert check_names("hubspot", [Property("Icp-Tier", "x", "text", "")])
    assert not check_names("salesforce", properties(HANDBOOK))
    assert not check_names("hubspot", properties(HANDBOOK))
    long_id = "a-profile-id-that-is-far-too-long-for-salesforce-fields"
    from icpkit.sql.names import profile_column

    name = profile_column(long_id, "score")
    assert len(name) <= 40 and re.match(r"^icp_[a-z0-9_]+_score$", name)


# --- explain by id ----------------------------------------------------------------------------


def test_explain_finds_an_account_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    export = REPO / "tests" / "examples" / "hubspot-export.csv"
    assert icp("explain", str(export), "--id", "9002") == 0
    out = capsys.readouterr().out
    assert "hubspot-export.csv id 9002" in out
    assert icp("explain", str(export), "--id", "nope") == 2
    assert "found no account with Record ID 'nope'" in capsys.readouterr().err


def test_group_subtotals_are_crm_properties() -> None:
    """Each profile's groups of criteria (PostHog's capped components) are number properties
    under their safe column names, which both CRMs accept."""
    from icpkit.sql.names import group_column
    from test_backends_agree import PH

    props = {p.source: p for p in properties(PH)}
    groups = [(icp.id, g.id) for icp in PH.active_icps for g in icp.groups]
    assert groups
    for icp_id, group_id in groups:
        assert props[group_column(icp_id, group_id)].kind == "number"
    assert not check_names("salesforce", list(props.values()))
    assert not check_names("hubspot", list(props.values()))


def test_group_column_names_are_safe_and_distinct() -> None:
    from icpkit.sql.names import SAFE, group_column

    assert group_column("fit", "tech-stack") == "icp_fit_tech_stack"
    long_id = "a-profile-id-that-is-far-too-long-for-salesforce-fields"
    one, two = group_column(long_id, "engineers-a"), group_column(long_id, "engineers-b")
    assert one != two
    for name in (one, two):
        assert len(name) <= 40 and SAFE.match(name), name


# --- a field's own column shape (issue 14): each table read as its columns' types say ---------

#: one table's shapes and the other's: a set as an array beside one as text, yes/no as
#: BOOLEAN beside one as the CRM's text, a date and a number as text
SHAPES = (
    {"tech_stack": "array", "erp_deployed": "text", "last_funding_date": "text"},
    {"services_needed": "array", "buys_through_tenders": "text", "employees": "text"},
)
#: yes/no as a CRM writes them, one per account (the typed value each means)
FLAG_WORDS = {True: "YES\t", False: "\u00a0no"}


def shaped_rows(spec: TableSpec, d: Any) -> list[list[Any]]:
    rows = []
    for ident, company in zip(IDS, ACCOUNTS, strict=True):
        written = {
            k: FLAG_WORDS[v] if isinstance(v, bool) and spec.shape(k, "yes_no") == "text" else v
            for k, v in company.items()
        }
        rows.append(to_row(HANDBOOK, spec, d, ident, written))
    return rows


@pytest.mark.parametrize("shapes", SHAPES)
def test_score_on_postgres_reads_each_columns_shape(
    pg_dsn: str, tmp_path: Path, shapes: dict[str, str]
) -> None:
    """`icp score --engine postgres --table` reads each column as its type says: two tables
    holding the same accounts in other shapes give the same verdicts (the query was built
    for one shape of each kind and failed on the other)."""
    import psycopg

    spec = TableSpec("crm_shaped", shapes=shapes)
    d = DIALECTS["postgres"]
    types = [t for _, t in column_types(HANDBOOK, spec, d)]
    with psycopg.connect(pg_dsn, autocommit=True) as con:
        con.execute("DROP TABLE IF EXISTS crm_shaped")
        con.execute(create_table_sql(HANDBOOK, spec, d))
        with con.cursor() as cur:
            cur.executemany(
                f"INSERT INTO crm_shaped VALUES ({', '.join(f'%s::{t}' for t in types)})",
                shaped_rows(spec, d),
            )
    out = tmp_path / "scores.csv"
    args = ["score", "--engine", "postgres", "--dsn", pg_dsn, "--table", "crm_shaped"]
    assert icp(*args, "-o", str(out)) == 0
    assert_scores(out)


_ARROW = {
    "STRING": pa.string(),
    "ARRAY<STRING>": pa.list_(pa.string()),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
}


@pytest.mark.parametrize("shapes", SHAPES)
def test_score_on_spark_reads_each_columns_shape(
    spark: Any, tmp_path: Path, shapes: dict[str, str]
) -> None:
    spec = TableSpec("t", shapes=shapes)
    d = DIALECTS["spark"]
    columns = column_types(HANDBOOK, spec, d)
    rows = shaped_rows(spec, d)
    for row in rows:
        for j, (_, t) in enumerate(columns):
            if t == "DOUBLE" and row[j] is not None:
                row[j] = float(row[j])
    schema = pa.schema([(c, _ARROW[t]) for c, t in columns])
    table = pa.Table.from_pylist([dict(zip([c for c, _ in columns], r, strict=True)) for r in rows])
    source = tmp_path / "accounts.parquet"
    pq.write_table(table.cast(schema), source)
    out = tmp_path / "scores.csv"
    assert (
        icp("score", "--engine", "spark", "--master", "local[2]", str(source), "-o", str(out)) == 0
    )
    assert_scores(out)


def test_sql_takes_a_shape_per_field(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`icp sql --shape FIELD=SHAPE` and `shape:` in the --map file: one set as an array
    beside the others as text; a shape the field's type has not is refused, naming both."""
    base = ["sql", "--dialect", "postgres", "--table", "t", "--as-of", "2026-11-01"]
    assert icp(*base, "--ddl", "--shape", "tech_stack=array", "--shape", "erp_deployed=text") == 0
    ddl = capsys.readouterr().out
    assert "tech_stack TEXT[]" in ddl and "services_needed TEXT," in ddl
    assert "erp_deployed TEXT" in ddl and "buys_through_tenders BOOLEAN" in ddl
    mapping = tmp_path / "map.yaml"
    mapping.write_text("tech_stack:\n  shape: array\n", encoding="utf-8")
    assert icp(*base, "--ddl", "--map", str(mapping)) == 0
    assert "tech_stack TEXT[]" in capsys.readouterr().out
    assert icp(*base, "--shape", "employees=array") == 2
    err = capsys.readouterr().err
    assert "employees" in err and "expected numeric or text" in err
    assert icp("sql", "--dialect", "sqlite", "--table", "t", "--shape", "tech_stack=array") == 2
    assert "sqlite has no array type" in capsys.readouterr().err


def test_postgres_reads_a_timestamp_with_a_zone_as_its_utc_day(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client in Los Angeles (libpq's PGTZ) gets the same day as DuckDB and Spark: 23:30 at
    UTC-5 is the next day in UTC, never the day before."""
    from icpkit.sql.engines import postgres_connect

    monkeypatch.setenv("PGTZ", "America/Los_Angeles")
    con = postgres_connect(pg_dsn)
    try:
        day = con.execute("SELECT CAST(TIMESTAMPTZ '2025-06-01 23:30:00-05' AS DATE)").fetchone()
    finally:
        con.close()
    assert day == (dt.date(2025, 6, 2),)
