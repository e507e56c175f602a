"""Which texts are dates: one grammar (`icpkit.engine.dates`) in every reader.

A real calendar day (year 0001-9999) written `YYYY-MM-DD`, a time in range after a space or
`T`, a zone after the time; anything else is unreadable (unknown, and listed as unreadable),
never another day: `icp explain --set`, `icp explain FILE.csv --row`, `icp score` on CSV,
JSON Lines and Parquet, a company file, a fixture, and the warehouse SQL (`--parse-text`;
SQLite always) on DuckDB, SQLite and PostgreSQL. `0000-01-01` crashed explain and was a date
to score; `2026-1-5` (not the documented form) was a date to score and explain only;
`2026-10-20T` was a date to the warehouse SQL only.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from conftest import REPO
from icpkit.cli import main
from icpkit.engine.dates import SHAPES, read_date
from icpkit.engine.evaluate import test_condition as condition_result
from icpkit.engine.model import Leaf
from icpkit.engine.operators import Ctx
from icpkit.engine.values import typed_company
from icpkit.sql import ir
from icpkit.sql.companies import from_values
from icpkit.sql.connection import connect
from icpkit.sql.dialects import DIALECTS
from test_backends_agree import HANDBOOK
from test_warehouse_parity import PARSE_TEXT, expected, run

AS_OF = dt.date(2026, 11, 1)
D = dt.date

#: text -> the day it writes, or None (unreadable)
CASES: dict[str, dt.date | None] = {
    "2026-03-01": D(2026, 3, 1),
    "2024-02-29": D(2024, 2, 29),
    "0001-01-01": D(1, 1, 1),
    "9999-12-31": D(9999, 12, 31),
    "2026-03-01 12:00:00": D(2026, 3, 1),
    "2026-03-01T12:00:00": D(2026, 3, 1),
    "2026-03-01T23:59": D(2026, 3, 1),
    "2026-03-01T12:00:00.000Z": D(2026, 3, 1),
    "2026-03-01T12:00:00.123456789+0000": D(2026, 3, 1),
    "2026-03-01 12:00:00+00": D(2026, 3, 1),
    "2026-03-01T23:00:00-05:30": D(2026, 3, 1),  # the day written, never moved by the zone
    "0000-01-01": None,
    "2026-1-5": None,
    "2026-01-5": None,
    "2026-10-20T": None,
    "2026-10-20T12": None,
    "2026-02-30": None,
    "2025-02-29": None,
    "1900-02-29": None,
    "2026-13-01": None,
    "2026-00-10": None,
    "2026-03-00": None,
    "2026-03-01 24:00": None,
    "2026-03-01 12:60": None,
    "2026-03-01 12:00:60": None,
    "2026-03-01T12:00:00.": None,
    "2026-03-01T12:00:00.1234567890": None,
    "2026-03-01T12:00:00+24:00": None,
    "2026-03-01T12:00:00+05:60": None,
    "2026-03-01T12:00:00+5": None,
    "2026-03-01Z": None,
    "2026-03-01t12:00": None,
    "2026-03-01 12:00:00 BC": None,
    "2026-03-01 garbage": None,
    "20260301": None,
    "2026-W09-7": None,
    "2026-060": None,
    "+2026-03-01": None,
    "-0001-01-01": None,
    "10000-01-01": None,
    "\u0662\u0660\u0662\u0666-03-01": None,  # Arabic-Indic digits
    "infinity": None,
    "next spring": None,
}
#: the cases a CSV cell holds as written
CELLS = CASES


def row(text: str) -> dict[str, str]:
    return {"country": "US", "industry": "software", "funding_stage": "series_b",
            "last_funding_date": text}  # fmt: skip


def test_read_date_follows_the_grammar() -> None:
    assert {t: read_date(t) for t in CASES} == CASES
    assert all(read_date(s.replace("0", "1")) == D(1111, 11, 11) for s in SHAPES[:1])


def test_explain_set_reads_each_text_or_says_unreadable() -> None:
    """`--set` (and so a CSV row, through the same parse layer): the day, or unreadable."""
    for text, day in CELLS.items():
        read, bad = from_values(HANDBOOK, {"last_funding_date": text})
        assert read.get("last_funding_date") == day, text
        assert bad == ([] if day else ["last_funding_date"]), text


def test_a_year_0_date_is_unknown_to_a_time_relative_rule() -> None:
    """`older_than_days: 365` on 0000-01-01 is unknown, never met (a guessed day)."""
    read, bad = from_values(HANDBOOK, {"last_funding_date": "0000-01-01"})
    assert bad == ["last_funding_date"]
    for op in ("older_than_days", "within_days"):
        leaf = Leaf("last_funding_date", op, 365)
        assert condition_result(leaf, read, Ctx(AS_OF)) is None


def test_explain_set_of_year_0_says_unreadable_not_internal_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--root", str(REPO), "explain", "--set", "last_funding_date=0000-01-01"]
    assert main([*args, "--set", "country=DE", "--as-of", "2026-11-01"]) == 0
    out, err = capsys.readouterr()
    assert "internal error" not in out + err
    assert "unreadable (counted as unknown): last_funding_date" in out + err


@pytest.mark.parametrize("text", ["0000-01-01", "2026-1-5", "2026-10-20T"])
def test_explain_csv_row_says_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    export = tmp_path / "y0.csv"
    export.write_text(f"Record ID,Last Funding Date,Country\n1,{text},DE\n", encoding="utf-8")
    args = ["--root", str(REPO), "explain", str(export), "--row", "1", "--as-of", "2026-11-01"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "internal error" not in out + err
    assert f"cannot read '{text}'" in out + err
    assert "unreadable (counted as unknown): last_funding_date" in out + err


def _score(tmp_path: Path, export: Path) -> dict[str, dict[str, str]]:
    out = tmp_path / "scores.csv"
    args = ["--root", str(REPO), "score", str(export), "-o", str(out), "--as-of", "2026-11-01"]
    assert main(args) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    return {r.split(",")[0]: dict(zip(header, r.split(","), strict=True)) for r in lines[1:]}


def _assert_scored(got: dict[str, dict[str, str]], texts: dict[str, dt.date | None]) -> None:
    for i, (text, day) in enumerate(texts.items()):
        unknown = got[str(i)]["unknown_fields"].split(";")
        unreadable = got[str(i)]["unreadable_fields"].split(";")
        assert ("last_funding_date" in unreadable) is (day is None), text
        assert ("last_funding_date" in unknown) is (day is None), text


def test_score_csv_reads_each_text_or_says_unreadable(tmp_path: Path) -> None:
    """Every date of a CSV column is read as text (the sniffer's DATE reads `2026-1-5` and
    year 0): a column of good dates and one with odd ones read alike."""
    export = tmp_path / "dates.csv"
    lines = ["id,last_funding_date,country"]
    lines += [f'{i},"{t}",US' for i, t in enumerate(CELLS)]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _assert_scored(_score(tmp_path, export), CELLS)
    for odd in ("0000-01-01", "2026-1-5"):  # a column the sniffer types DATE
        export.write_text(f"id,last_funding_date,country\n0,{odd},US\n1,2026-03-01,US\n")
        _assert_scored(_score(tmp_path, export), {odd: None, "2026-03-01": D(2026, 3, 1)})


def test_score_jsonl_reads_each_text_or_says_unreadable(tmp_path: Path) -> None:
    export = tmp_path / "dates.jsonl"
    records = [{"id": str(i), "last_funding_date": t, "country": "US"} for i, t in enumerate(CELLS)]
    export.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    _assert_scored(_score(tmp_path, export), CELLS)
    for odd in ("0000-01-01", "2026-1-5"):  # a key DuckDB's JSON reader types DATE
        export.write_text(
            json.dumps({"id": "0", "last_funding_date": odd})
            + "\n"
            + json.dumps({"id": "1", "last_funding_date": "2026-03-01"})
            + "\n"
        )
        _assert_scored(_score(tmp_path, export), {odd: None, "2026-03-01": D(2026, 3, 1)})


def test_score_parquet_date_of_year_0_is_unreadable(tmp_path: Path) -> None:
    export = tmp_path / "dates.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT * FROM (VALUES ('0', DATE '0000-01-01'), ('1', DATE '2026-03-01'),"
        " ('2', DATE '10000-01-01'), ('3', 'infinity'::DATE)) t(id, last_funding_date))"
        f" TO '{export}' (FORMAT parquet)"
    )
    con.close()
    got = _score(tmp_path, export)
    days = {"0": None, "1": D(2026, 3, 1), "2": None, "3": None}
    _assert_scored(got, {str(k): v for k, v in days.items()})


def test_company_files_read_dates_as_written(tmp_path: Path) -> None:
    """A flat company file reads its date from the text as written (YAML's own dates take
    `2026-1-5`); a fixture's typed value follows the same grammar."""
    for written, day in [("2026-1-5", None), ("'2026-1-5'", None), ("'0000-01-01'", None),
                         ("2026-03-01", D(2026, 3, 1)), ("2026-03-01 12:00:00", D(2026, 3, 1)),
                         ("'2026-10-20T'", None), ("'20260301'", None)]:  # fmt: skip
        path = tmp_path / "c.yaml"
        path.write_text(f"name: x\nlast_funding_date: {written}\n", encoding="utf-8")
        from icpkit.sql.companies import from_file

        read = from_file(HANDBOOK, path)
        assert read.company.get("last_funding_date") == day, written
        assert read.unreadable == ([] if day else ["last_funding_date"]), written
    fields = HANDBOOK.fields
    for text, day in CASES.items():
        typed = typed_company(fields, {"last_funding_date": text})
        assert typed.values.get("last_funding_date") == day, text


def _sql_reading(engine: str, texts: list[str], con: Any = None) -> list[dt.date | None]:
    """Each text as the warehouse SQL's `iso_date` reads it on `engine`."""
    d = DIALECTS[engine]
    expr = ir.iso_date(exp.column("t")).sql(d.sqlglot)
    if engine == "postgres":
        expr = expr.replace("%", "%%")  # a parameter mark is %s there
    own = con is None
    if engine == "duckdb" and own:
        con = duckdb.connect()
    elif engine == "sqlite" and own:
        con = sqlite3.connect(":memory:")
    out = []
    for text in texts:
        mark = "%s" if engine == "postgres" else "?"
        got = con.execute(f"SELECT {expr} FROM (SELECT {mark} AS t) AS x", [text]).fetchone()[0]
        out.append(D.fromisoformat(got) if isinstance(got, str) else got)
    return out


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_warehouse_iso_date_follows_the_grammar(engine: str) -> None:
    texts = list(CASES)
    assert dict(zip(texts, _sql_reading(engine, texts), strict=True)) == CASES


def test_warehouse_iso_date_follows_the_grammar_on_postgres(pg_dsn: str) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        texts = list(CASES)
        assert dict(zip(texts, _sql_reading("postgres", texts, pg), strict=True)) == CASES


def _assert_parse_text_verdicts(engine: str, con: Any = None) -> None:
    """`icp sql --parse-text` gives the verdict of what `icp explain --set` reads, with the
    same fields unreadable."""
    cells = [row(t) for t in CELLS]
    want = []
    for c in cells:
        read, bad = from_values(HANDBOOK, c)
        want.append(expected(HANDBOOK, read, AS_OF, unreadable=bad))
    got = run(engine, HANDBOOK, cells, AS_OF, con=con, spec=PARSE_TEXT)  # type: ignore[arg-type]
    for c, w, g in zip(cells, want, got, strict=True):
        assert g == w, (engine, c["last_funding_date"])
        unreadable = (g["icp_unreadable_fields"] or "").split(";")
        assert ("last_funding_date" in unreadable) is (CELLS[c["last_funding_date"]] is None)


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_parse_text_verdicts_follow_the_grammar(engine: str) -> None:
    _assert_parse_text_verdicts(engine)


def test_parse_text_verdicts_follow_the_grammar_on_postgres(pg_dsn: str) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        _assert_parse_text_verdicts("postgres", pg)


def test_a_typed_date_column_outside_years_1_to_9999_is_unknown(pg_dsn: str) -> None:
    """A PostgreSQL DATE column holding a BC day or `infinity`: unknown, as icp score reads
    such a Parquet DATE, never a day older than every other."""
    import psycopg

    spec = ir.TableSpec("accounts")
    sql = ir.render(HANDBOOK, spec, DIALECTS["postgres"], ir.Options(AS_OF))
    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        got = run("postgres", HANDBOOK, [row("2026-03-01")] * 3, AS_OF, con=pg, spec=PARSE_TEXT)
        assert got[0]["icp_unreadable_fields"] is None
        pg.execute("DROP TABLE IF EXISTS accounts")
        from icpkit.sql.engines import create_table_sql

        pg.execute(create_table_sql(HANDBOOK, spec, DIALECTS["postgres"]))
        for i, day in enumerate(["0001-01-01 BC", "infinity", "2026-03-01"]):
            pg.execute(
                "INSERT INTO accounts (account_id, country, last_funding_date)"
                " VALUES (%s, 'US', %s)",
                [str(i), day],
            )
        cur = pg.execute(sql)
        names = [c[0] for c in cur.description or []]
        bad = {r[0]: dict(zip(names, r, strict=True))["icp_unreadable_fields"] for r in cur}
    assert bad == {"0": "last_funding_date", "1": "last_funding_date", "2": None}


# --- property: every reader agrees on odd date texts ------------------------------------------

_digit = st.sampled_from("0123456789")


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.lists(_digit, min_size=n, max_size=n).map("".join)


#: texts near the grammar: dates with short, long or out-of-range parts, times and zones
#: cut short or out of range, stray separators
date_texts = st.builds(
    lambda y, m, dd, sep, time, zone: f"{y}-{m}-{dd}{sep}{time}{zone}",
    st.one_of(_digits(4), st.sampled_from(["0000", "0001", "9999", "2024", "1900", "2000"]),
              st.integers(0, 99999).map(str)),
    st.one_of(_digits(2), st.integers(0, 13).map(str), st.sampled_from(["02", "00", "13"])),
    st.one_of(_digits(2), st.integers(0, 32).map(str), st.sampled_from(["29", "30", "31"])),
    st.sampled_from(["", "", " ", "T", "t", "  "]),
    st.one_of(st.just(""), st.builds(lambda h, mi, s: f"{h}:{mi}{s}", _digits(2), _digits(2),
              st.sampled_from(["", ":00", ":59", ":60", ":00.5", ":00.", ":00.1234567890"]))),
    st.sampled_from(["", "", "Z", "+00", "-05:30", "+0000", "+24:00", "+5", "z", " BC"]),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(date_texts, min_size=1, max_size=12))
def test_every_reader_agrees_on_odd_date_texts(texts: list[str]) -> None:
    """Python (company files, fixtures), DuckDB's `icp_date` (score, explain) and the
    warehouse SQL on DuckDB and SQLite read each text as the same day, or not at all."""
    want = [read_date(t) for t in texts]
    con = connect(HANDBOOK)
    duck = [con.execute("SELECT icp_date(?)", [t]).fetchone()[0] for t in texts]  # type: ignore[index]
    assert duck == want, texts
    for engine in ("duckdb", "sqlite"):
        assert _sql_reading(engine, texts) == want, (engine, texts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(date_texts, min_size=1, max_size=12))
def test_postgres_agrees_on_odd_date_texts(pg_dsn: str, texts: list[str]) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        assert _sql_reading("postgres", texts, pg) == [read_date(t) for t in texts], texts


# --- an as-of date in year 1 (session 9 helper finding: OverflowError, exit 2) -----------------


@pytest.mark.parametrize(
    ("as_of", "funded"), [("0001-06-01", "0001-03-01"), ("0001-01-01", "0001-01-01")]
)
def test_a_rule_of_days_before_an_as_of_in_year_1_is_answered_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], as_of: str, funded: str
) -> None:
    """`within_days: 365` as of 0001-06-01 reaches back before the first day any date can
    have: every date on or before the as-of date is within it, none is older. explain,
    score, the warehouse SQL (run on DuckDB) and the engine give that answer; no command
    stops with an internal error."""
    from icpkit.engine.dates import days_before

    day = dt.date.fromisoformat(as_of)
    assert days_before(day, 365) == dt.date.min
    assert days_before(dt.date(2026, 11, 1), 365) == dt.date(2025, 11, 1)
    read, _ = from_values(HANDBOOK, {"last_funding_date": funded})
    assert condition_result(Leaf("last_funding_date", "within_days", 365), read, Ctx(day))
    older = condition_result(Leaf("last_funding_date", "older_than_days", 365), read, Ctx(day))
    assert older is False
    args = ["--root", str(REPO), "explain", "--set", f"last_funding_date={funded}"]
    assert main([*args, "--set", "country=US", "--as-of", as_of, "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "internal error" not in out + err
    explained = json.loads(out)["verdict"]
    src = tmp_path / "a.csv"
    src.write_text(f"Record ID,Country/Region,Last funding date\n1,US,{funded}\n", encoding="utf-8")
    target = tmp_path / "a.jsonl"
    assert main(["--root", str(REPO), "score", str(src), "-o", str(target), "--as-of", as_of]) == 0
    scored = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
    assert (scored["tier"], scored["score"]) == (explained["tier"], explained["score"])
    assert main(["--root", str(REPO), "sql", "--dialect", "duckdb", "--table", "t",
                 "--as-of", as_of]) == 0  # fmt: skip
    query = capsys.readouterr().out
    from icpkit.sql.engines import create_table_sql, to_row

    spec = ir.TableSpec("t")
    d = DIALECTS["duckdb"]
    con = duckdb.connect()
    con.execute(create_table_sql(HANDBOOK, spec, d))
    row = to_row(
        HANDBOOK,
        spec,
        d,
        "1",
        {"country": "US", "last_funding_date": dt.date.fromisoformat(funded)},
    )
    con.execute(f"INSERT INTO t VALUES ({', '.join('?' for _ in row)})", row)
    cur = con.execute(query)
    got = dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))
    assert (got["icp_tier"], got["icp_score"]) == (explained["tier"], explained["score"])


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--dialect", "sqlite", "--sets", "array"], "sqlite has no array type"),
        (["--dialect", "sqlite", "--shape", "services_needed=array"], "sqlite has no array type"),
        (["--dialect", "duckdb", "--shape", "employees=foo"], "an integer field; expected"),
    ],
)
def test_the_ddl_of_a_refused_query_is_refused_too(
    capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    """Session 9 helper finding: `--ddl` printed a KeyError as an internal error (sqlite
    arrays) or a table for a shape the query refuses."""
    code = main(["--root", str(REPO), "sql", "--table", "t", *args, "--ddl"])
    out, err = capsys.readouterr()
    assert code == 2, out
    assert said in err and "internal error" not in err


def test_a_review_on_the_last_day_of_year_9999_is_a_warning_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review due date (last review + cadence) passed 9999-12-31: OverflowError."""
    import shutil

    root = tmp_path / "hb"
    for part in ("profiles", "rules"):
        shutil.copytree(REPO / part, root / part)
    profile = root / "profiles" / "icp" / "na-saas-scaleups.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(
        "\n".join(
            "  last_reviewed: 9999-12-31" if line.startswith("  last_reviewed:") else line
            for line in text.splitlines()
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["--root", str(root), "validate"]) == 0
    out, err = capsys.readouterr()
    assert "internal error" not in out + err
    assert "(review-future)" in out + err


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Tokyo"])
def test_a_timestamp_with_time_zone_is_its_utc_day_whatever_the_machines_zone(
    tmp_path: Path, zone: str
) -> None:
    """A Parquet TIMESTAMP WITH TIME ZONE is an instant: its day is the UTC day (as HubSpot's
    epoch milliseconds are read), never the day of the machine's zone. Read through the
    zone of the process, `2025-06-01 02:00 UTC` was 2025-05-31 in Los Angeles, and a rule of
    365 days before 2026-06-01 was met on one machine and unmet on another."""
    import os
    import subprocess
    import sys

    export = tmp_path / "instants.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "COPY (SELECT *, 'US' AS country, 'saas' AS industry, 300 AS employees,"
        " 'salesforce;outreach' AS tech_stack, 'series_b' AS funding_stage FROM (VALUES"
        " ('1', TIMESTAMPTZ '2025-06-01 02:00:00+00'),"
        " ('2', TIMESTAMPTZ '2025-06-01 23:30:00+00')) t(id, last_funding_date))"
        f" TO '{export}' (FORMAT parquet)"
    )
    con.close()
    script = (
        "import json, sys; from icpkit.cli import main; sys.exit(main(json.loads(sys.argv[1])))"
    )
    env = {**os.environ, "TZ": zone}
    base = ["--root", str(REPO)]
    out = tmp_path / "scores.jsonl"
    days = []
    for row in ("1", "2"):
        args = [*base, "explain", str(export), "--row", row, "--as-of", "2026-06-01"]
        args += ["--format", "json"]
        done = subprocess.run(
            [sys.executable, "-c", script, json.dumps(args)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        verdict = json.loads(done.stdout)["verdict"]
        days.append(json.dumps(verdict).count('"2025-06-01"') > 0)
    assert days == [True, True], zone
    args = [*base, "score", str(export), "-o", str(out), "--as-of", "2026-06-01"]
    subprocess.run([sys.executable, "-c", script, json.dumps(args)], env=env, check=True)
    scored = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # 2025-06-01 is 365 days before the as-of day: the recent-round criterion is met
    assert [r["score"] for r in scored] == [30, 30], zone
    utc = tmp_path / "utc.jsonl"
    args = [*base, "score", str(export), "-o", str(utc), "--as-of", "2026-06-01"]
    subprocess.run(
        [sys.executable, "-c", script, json.dumps(args)], env={**env, "TZ": "UTC"}, check=True
    )
    assert scored == [json.loads(line) for line in utc.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("last", "cadence", "due"),
    [
        ("2025-01-09", "quarterly", "2025-04-09"),
        ("2025-11-30", "quarterly", "2026-02-28"),
        ("2024-01-31", "monthly", "2024-02-29"),
        ("2025-08-31", "half-yearly", "2026-02-28"),
        ("2024-02-29", "yearly", "2025-02-28"),
        ("9999-11-15", "quarterly", "9999-12-31"),
    ],
)
def test_a_review_is_due_after_calendar_months_not_a_count_of_days(
    last: str, cadence: str, due: str
) -> None:
    """A quarterly review from 2025-01-09 was said due 2025-04-11 (92 days); it is due three
    calendar months later, on the same day of the month or the month's last day."""
    from icpkit.engine.model import Review

    review = Review(dt.date.fromisoformat(last), cadence)
    assert review.due == dt.date.fromisoformat(due)
