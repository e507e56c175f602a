"""Parity is the contract: the explaining evaluator, DuckDB, SQLite, a real PostgreSQL server
and Spark in local mode give identical verdicts (reason line included) for the same typed
accounts, from the rule IR rendered per dialect.

Random companies with random gaps, random rules drawn from the operator table (the
random handbooks of test_backends_agree), random as-of dates; set fields as delimited
text and, where the dialect has them, as arrays.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from icpkit.engine.evaluate import evaluate
from icpkit.engine.model import Field, Handbook
from icpkit.engine.operators import OPERATORS
from icpkit.engine.reason import reason
from icpkit.errors import InputError
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engines import column_types, create_table_sql, to_row
from icpkit.sql.ir import ALL_OUTPUTS, LEAVES, Options, TableSpec, render
from icpkit.sql.names import CORE, flag_column, group_column, profile_column
from test_backends_agree import (
    HANDBOOK,
    MEMBERS,
    PH,
    WORDS,
    conditions_of,
    ph_handbook,
    ph_leaf,
    ph_value,
    random_handbook,
)

SAFE = dict(CORE)


def typed_value(fld: Field) -> st.SearchStrategy[Any]:
    """A value as a typed warehouse column holds it (numbers exact, never bands)."""
    if fld.type in ("number", "integer"):
        interesting = st.sampled_from(
            [0, 5, 10, 20, 30, 49, 50, 100, 200, 500, 1000, 1001, 2000, 250_000, 500_000,
             1_000_000, 20_000_000, 1990, 2005, 2012]
        )  # fmt: skip
        ints = st.one_of(st.integers(-50, 3_000_000_000), interesting)
        if fld.type == "integer":
            return ints
        return st.one_of(
            ints,
            st.floats(-100, 1e9, allow_nan=False, allow_infinity=False, allow_subnormal=False),
        )
    if fld.type == "yes_no":
        return st.booleans()
    if fld.type == "date":
        return st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31))
    if fld.type == "set_of":
        members = st.frozensets(st.sampled_from(fld.values or ("a", "b", "c")), max_size=5)
        if fld.values is None:
            return members
        # a member the vocabulary does not name ('cobol', 'Python' for python)
        return st.one_of(members, st.tuples(members, NOT_NAMED).map(lambda t: t[0] | {t[1]}))
    values = fld.values or ("alpha", "beta", "gamma")
    if fld.is_country:
        values = ("US", "CA", "GB", "IE", "DE", "FR", "NO", "PL", "LT", "IT", "AU", "JP")
    if fld.values is None:
        return st.sampled_from(values)
    return st.one_of(st.sampled_from(values), NOT_NAMED)


#: values no vocabulary of these tests names: a closed field holding one is unknown
NOT_NAMED = st.sampled_from(["cobol", "Python", "United States", "a.b", "x+y", "(b)"])


def named(handbook: Handbook, company: dict[str, Any]) -> dict[str, Any]:
    """`company` as the warehouse reads it: a closed field holding a value its vocabulary
    does not name (a one-of value, or any member of a set) is unknown, and so is a number
    outside the field's minimum / maximum."""
    out = {}
    for name, value in company.items():
        fld = handbook.fields[name]
        if fld.type in ("number", "integer") and isinstance(value, int | float):
            low = fld.minimum if fld.minimum is not None else value
            high = fld.maximum if fld.maximum is not None else value
            if not low <= value <= high:
                continue
        allowed = fld.values
        members = value if isinstance(value, frozenset) else {value}
        if allowed is None or all(m in allowed for m in members):
            out[name] = value
    return out


def companies(handbook: Handbook) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {}, optional={name: typed_value(fld) for name, fld in handbook.fields.items()}
    )


as_of_dates = st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31))


def expected(handbook: Handbook, company: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """The explaining evaluator's verdict, under the safe column names (a value the
    vocabulary does not name is unknown, `named`)."""
    v = evaluate(handbook, named(handbook, company), as_of)
    out: dict[str, Any] = {
        "icp_best_profile": v.best_profile,
        "icp_best_profile_title": v.best.title if v.best else None,
        "icp_tier": v.tier,
        "icp_score": v.score,
        "icp_disqualified_by": ";".join(v.disqualified_by) or None,
        "icp_unknown_fields": ";".join(v.unknown_fields) or None,
        "icp_reason": reason(handbook, v),
        "icp_status": v.status,
    }
    for result, shown in v.flags:
        out[flag_column(result.rule.id)] = shown
    for p in v.profiles:
        out[profile_column(p.icp, "score")] = p.score if p.eligible else None
        out[profile_column(p.icp, "tier")] = p.tier
        for group, points in p.groups:
            out[group_column(p.icp, group)] = points if p.eligible else None
    return out


def _typed(handbook: Handbook, spec: TableSpec, engine: str, rows: list[dict[str, Any]]) -> list:
    d = DIALECTS[engine]
    out = []
    for i, company in enumerate(rows):
        row = to_row(handbook, spec, d, str(i), company)
        # a DOUBLE column takes floats only in Spark
        for j, name in enumerate(handbook.read_fields, start=1):
            if handbook.fields[name].type == "number" and row[j] is not None:
                row[j] = float(row[j])
        out.append(row)
    return out


def run(
    engine: str,
    handbook: Handbook,
    rows: list[dict[str, Any]],
    as_of: dt.date | None,
    sets: str = "text",
    con: Any = None,
) -> list[dict[str, Any]]:
    """Verdicts from one engine, in row order, keyed by output column."""
    spec = TableSpec("accounts", sets=sets)
    d = DIALECTS[engine]
    sql = render(handbook, spec, d, Options(as_of))
    data = _typed(handbook, spec, engine, rows)
    types = [t for _, t in column_types(handbook, spec, d)]
    marks = ", ".join(f"%s::{t}" if engine == "postgres" else "?" for t in types)
    if engine == "duckdb":
        con = duckdb.connect()
    elif engine == "sqlite":
        con = sqlite3.connect(":memory:")
    if engine == "spark":
        schema = ", ".join(f"`{c}` {t}" for c, t in column_types(handbook, spec, d))
        con.createDataFrame(data, schema).createOrReplaceTempView("accounts")
        df = con.sql(sql)
        names, result = list(df.columns), [tuple(r) for r in df.collect()]
    else:
        if engine == "postgres":
            con.execute("DROP TABLE IF EXISTS accounts")
        con.execute(create_table_sql(handbook, spec, d))
        if data:
            if engine == "postgres":
                with con.cursor() as cur:
                    cur.executemany(f"INSERT INTO accounts VALUES ({marks})", data)
            else:
                con.executemany(f"INSERT INTO accounts VALUES ({marks})", data)
        cur = con.execute(sql)
        names = [c[0] for c in cur.description]
        result = list(cur.fetchall())
    by_id = {str(r[0]): dict(zip(names[1:], r[1:], strict=True)) for r in result}
    assert len(by_id) == len(rows)
    return [by_id[str(i)] for i in range(len(rows))]


def assert_parity(
    handbook: Handbook,
    rows: list[dict[str, Any]],
    as_of: dt.date,
    engines: dict[str, Any],
    sets: str = "text",
) -> None:
    want = [expected(handbook, c, as_of) for c in rows]
    for engine, con in engines.items():
        got = run(engine, handbook, rows, as_of, sets, con)
        for company, w, g in zip(rows, want, got, strict=True):
            assert g == w, (engine, sets, company)


# --- DuckDB, SQLite and PostgreSQL ------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(companies(HANDBOOK), min_size=1, max_size=20), as_of_dates)
def test_example_handbook_same_verdict_everywhere(
    pg_dsn: str, rows: list[dict[str, Any]], as_of: dt.date
) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        engines = {"duckdb": None, "sqlite": None, "postgres": pg}
        assert_parity(HANDBOOK, rows, as_of, engines)
        assert_parity(HANDBOOK, rows, as_of, {"duckdb": None, "postgres": pg}, sets="array")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    random_handbook(),
    st.lists(companies(HANDBOOK), min_size=1, max_size=12),
    as_of_dates,
    st.sampled_from(["text", "array"]),
)
def test_random_rules_same_verdict_everywhere(
    pg_dsn: str, handbook: Handbook, rows: list[dict[str, Any]], as_of: dt.date, sets: str
) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        engines: dict[str, Any] = {"duckdb": None, "postgres": pg}
        if sets == "text":
            engines["sqlite"] = None
        assert_parity(handbook, rows, as_of, engines, sets)


# --- Spark (one session per run; modest example counts) ---------------------------------------


#: Spark plans each query in seconds: few examples, and a failure is reported unshrunk
SPARK = settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


@SPARK
@given(
    random_handbook(),
    st.lists(companies(HANDBOOK), min_size=1, max_size=25),
    as_of_dates,
    st.sampled_from(["text", "array"]),
)
def test_random_rules_same_verdict_on_spark(
    spark: Any, handbook: Handbook, rows: list[dict[str, Any]], as_of: dt.date, sets: str
) -> None:
    assert_parity(handbook, rows, as_of, {"spark": spark}, sets)


@settings(SPARK, max_examples=3)
@given(st.lists(companies(HANDBOOK), min_size=20, max_size=60), as_of_dates)
def test_example_handbook_same_verdict_on_spark(
    spark: Any, rows: list[dict[str, Any]], as_of: dt.date
) -> None:
    assert_parity(HANDBOOK, rows, as_of, {"spark": spark})


# --- the IR's own invariants ------------------------------------------------------------------


def test_every_operator_has_an_sql_leaf() -> None:
    assert set(LEAVES) == set(OPERATORS)


# --- the rule language's newer rows: set members, counts, groups, gates, flags, status -------
#
# The PostHog handbook's random variants of test_backends_agree, drawn with only what the IR
# renders (no test that reads a text field's normal form: those are refused, see below).


def ph_typed(name: str) -> st.SearchStrategy[Any]:
    fld = PH.fields[name]
    if fld.type == "set_of":
        return st.frozensets(st.sampled_from(sorted({*MEMBERS, *(fld.values or ())})), max_size=4)
    if fld.type == "text":
        return ph_value(fld)
    return typed_value(fld)


def ph_rows() -> st.SearchStrategy[list[dict[str, Any]]]:
    row = st.fixed_dictionaries({}, optional={n: ph_typed(n) for n in PH.fields})
    return st.lists(row, min_size=1, max_size=10)


def _no_text_warnings(handbook: Handbook) -> Handbook:
    """The PostHog portrait's own warning signs read text: the drawn handbook without them."""
    import dataclasses

    negs = tuple(dataclasses.replace(n, warnings=()) for n in handbook.negatives)
    return dataclasses.replace(handbook, negatives=negs)


ph_warehouse = ph_handbook(conditions_of(ph_leaf(warehouse=True))).map(_no_text_warnings)
#: a failure is reported unshrunk (shrinking a handbook and rows takes minutes)
NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]


@settings(
    max_examples=40,
    deadline=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ph_warehouse, ph_rows(), as_of_dates, st.sampled_from(["text", "array"]))
def test_new_rows_same_verdict_everywhere(
    pg_dsn: str, handbook: Handbook, rows: list[dict[str, Any]], as_of: dt.date, sets: str
) -> None:
    """member_contains, not_empty, counts, groups with caps and first-match tiers, profile and
    policy gates, flags, status and disqualified_score: DuckDB, SQLite and PostgreSQL agree
    with the evaluator."""
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        engines: dict[str, Any] = {"duckdb": None, "postgres": pg}
        if sets == "text":
            engines["sqlite"] = None
        assert_parity(handbook, rows, as_of, engines, sets)


@settings(SPARK, max_examples=4)
@given(ph_warehouse, ph_rows(), as_of_dates, st.sampled_from(["text", "array"]))
def test_new_rows_same_verdict_on_spark(
    spark: Any, handbook: Handbook, rows: list[dict[str, Any]], as_of: dt.date, sets: str
) -> None:
    assert_parity(handbook, rows, as_of, {"spark": spark}, sets)


def _text_handbook(op: str) -> tuple[Handbook, str]:
    import dataclasses

    from icpkit.engine.model import Leaf, Rule

    name = next(n for n, f in PH.fields.items() if f.type == "text")
    operand: Any = {"mentions": ("ai",), "one_of": ("ai",)}.get(op, "ai")
    rule = Rule("says_ai", "Says AI", Leaf(name, op, operand, operand), "criterion", 5)
    icp = dataclasses.replace(PH.active_icps[0], criteria=(rule,), scoring=(), gates=())
    return dataclasses.replace(PH, icps=(icp,)), name


@pytest.mark.parametrize("op", ["mentions", "starts_with", "ends_with", "equals", "one_of"])
def test_tests_on_text_are_refused_where_no_normal_form(op: str) -> None:
    """A test that reads a text field's normal form renders only where the dialect has SQL for
    it (DuckDB); elsewhere `icp sql` refuses the handbook, naming the rule, the field, the
    dialect, what it lacks and the way out."""
    handbook, name = _text_handbook(op)
    as_of = Options(dt.date(2026, 11, 1))
    assert "STRIP_ACCENTS" in render(handbook, TableSpec("accounts"), DIALECTS["duckdb"], as_of)
    for dialect in DIALECTS.values():
        if dialect.normal_form is not None:
            continue
        with pytest.raises(InputError) as err:
            render(handbook, TableSpec("accounts"), dialect, as_of)
        message = str(err.value)
        assert "says_ai" in message and name in message and op in message
        assert "normal form" in message and f"the {dialect.name} dialect" in message
        assert dialect.lacks in message and "--dialect duckdb" in message


# --- text tests on DuckDB: the normal form in SQL ---------------------------------------------

#: any script, accents as combining marks, punctuation, symbols, spaces
UNICODE_TEXT = st.text(
    st.characters(
        codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Mn"), exclude_characters="\x00"
    ),
    max_size=25,
)


def text_typed(name: str) -> st.SearchStrategy[Any]:
    if PH.fields[name].type == "text":
        words = st.lists(st.one_of(st.sampled_from(WORDS), UNICODE_TEXT), max_size=4)
        return words.map(" ".join)
    return ph_typed(name)


def text_rows() -> st.SearchStrategy[list[dict[str, Any]]]:
    row = st.fixed_dictionaries({}, optional={n: text_typed(n) for n in PH.fields})
    return st.lists(row, min_size=1, max_size=10)


@settings(max_examples=60, deadline=None, phases=NO_SHRINK)
@given(ph_handbook(), text_rows(), as_of_dates, st.sampled_from(["text", "array"]))
def test_text_tests_same_verdict_on_duckdb(
    handbook: Handbook, rows: list[dict[str, Any]], as_of: dt.date, sets: str
) -> None:
    """mentions (words, phrases, stems), starts_with, ends_with, equals and one_of on text
    fields, with the rest of the rule language around them: DuckDB's SQL for the normal form
    gives the evaluator's verdicts on text in any script, with accents and punctuation."""
    assert_parity(handbook, rows, as_of, {"duckdb": None}, sets)


def test_posthog_example_renders_and_runs_on_duckdb() -> None:
    """The PostHog handbook (AI words in the description, a `.ai` domain, capped groups) runs
    as `icp sql --dialect duckdb` gives it, with explain's verdicts and group subtotals."""
    rows: list[dict[str, Any]] = [
        {"description": "Café de l'IA: AI-powered ML pipelines", "signup_domain": "acme.ai"},
        {"description": "Développeur d'automatisation", "headcount": 40, "role": "Engineer"},
        {"description": "", "signup_domain": "x.com", "tags": frozenset({"saas"})},
        {"company_type": "Non-Profit", "headcount": 900, "web_traffic": 200_000},
        {},
    ]
    assert_parity(PH, rows, dt.date(2026, 11, 1), {"duckdb": None})


def test_current_date_mode_matches_today(pg_dsn: str) -> None:
    """Without a fixed as-of date the query counts days back from the warehouse's date."""
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        today = pg.execute("SELECT CURRENT_DATE").fetchone()[0]  # type: ignore[index]
        rows = [
            {"last_funding_date": today - dt.timedelta(days=days)} for days in (100, 365, 366, 1000)
        ]
        for engine, con in (("duckdb", None), ("sqlite", None), ("postgres", pg)):
            got = run(engine, HANDBOOK, rows, None, con=con)
            assert got == [expected(HANDBOOK, c, today) for c in rows], engine


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_outputs_are_named_safely(dialect: str) -> None:
    sql = render(HANDBOOK, TableSpec("accounts"), DIALECTS[dialect], Options(dt.date(2026, 11, 1)))
    for plain in ALL_OUTPUTS:
        assert f"AS {SAFE[plain]}" in sql
    assert "MATERIALIZED" not in sql.upper()


# --- --parse-text: numbers as CRM text, read as the file scorer reads them ---------------------

NUMBER_FIELDS = [
    f for f in HANDBOOK.read_fields if HANDBOOK.fields[f].type in ("number", "integer")
]


def _grouped(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])


@st.composite
def numeral(draw: st.DrawFn) -> str:
    """An unsigned number as CRMs write it: plain, grouped in threes (, . or a wrong group),
    with a fraction after . or , or none."""
    whole = str(draw(st.integers(0, 10**9)))
    if draw(st.booleans()) and len(whole) > 3:
        whole = _grouped(whole, draw(st.sampled_from([",", "."])))
    elif draw(st.booleans()):
        whole = draw(st.sampled_from(["0", "00", "1,23", "12,3456", "0,123", "1.2345", ""])) + whole
    if draw(st.booleans()):
        fraction = draw(st.sampled_from(["0", "00", "000", "5", "25", "125", "5000", "75"]))
        whole += draw(st.sampled_from([".", ","])) + fraction
    return whole


#: spellings of the grammar `icpkit.sql.textnumbers` reads, and a few it leaves unknown
SPELLINGS = st.one_of(
    st.tuples(st.sampled_from(["", "", "-", "+", " "]), numeral()).map("".join),
    st.tuples(numeral(), st.sampled_from(["-", " - ", "-"]), numeral()).map("".join),
    numeral().map(lambda n: n + "+"),
    st.sampled_from(["", "n/a", "-", "+", ".", "5.", ",5", "1e3", "$5", "12k", "1 200", "51–200"]),
)
#: read by icp score, unknown in SQL (see textnumbers): never a different number
FILE_ONLY = ("e", "$", "k", " 2", "–")


def file_reading(texts: list[str]) -> list[list[Any]]:
    """(low, high) per number field, as the file scorer's parse layer (`icpkit.sql.parsing`,
    convention not known) reads each text (high None for an open band): one DuckDB query."""
    from icpkit.sql.parsing import MACROS, parse_field

    con = duckdb.connect()
    con.execute(MACROS)
    con.execute("CREATE TABLE cells (i INTEGER, r VARCHAR)")
    con.executemany("INSERT INTO cells VALUES (?, ?)", list(enumerate(texts)))
    out: list[list[Any]] = [[] for _ in texts]
    for f in NUMBER_FIELDS:
        parsed = parse_field(HANDBOOK.fields[f], "r")
        query = "SELECT * FROM cells"
        for stage in parsed.stages:
            items = ", ".join(f"{e} AS {k}" for k, e in stage.items())
            query = f"SELECT *, {items} FROM ({query})"
        lo, hi = parsed.columns[f"{f}__lo"], parsed.columns[f"{f}__hi"]
        for i, low, high in con.execute(f"SELECT i, {lo}, {hi} FROM ({query})").fetchall():
            out[i] += [low, None if high == float("inf") else high]
    return out


@functools.cache
def reading_query(engine: str) -> str:
    """The `--parse-text` query cut after its `src` layer: the id, then each number field's
    low and high (rendered once per engine)."""
    from sqlglot import exp

    from icpkit.sql.ir import scoring_query

    d = DIALECTS[engine]
    query = scoring_query(HANDBOOK, PARSE_TEXT, d, Options(dt.date(2026, 11, 1)))
    at = {f: HANDBOOK.read_fields.index(f) for f in NUMBER_FIELDS}
    picks = [exp.column(f"{p}{at[f]}") for f in NUMBER_FIELDS for p in ("v", "vh")]
    query.set("expressions", [exp.column("icp_id"), *picks])
    query.set("from_", exp.From(this=exp.to_table("src")))
    ctes = query.args["with_"]
    keep = [c for c in ctes.expressions if c.alias == "src" or c.alias.startswith("rd")]
    ctes.set("expressions", keep)
    return query.sql(dialect=d.sqlglot)


PARSE_TEXT = TableSpec("accounts", numbers="text", dates="text", flags="text")


def sql_reading(engine: str, texts: list[str], con: Any = None) -> list[list[Any]]:
    """(low, high) per number field as the `--parse-text` query reads each text on `engine`."""
    spec, d = PARSE_TEXT, DIALECTS[engine]
    rows = [
        to_row(HANDBOOK, spec, d, str(i), dict.fromkeys(NUMBER_FIELDS, t))
        for i, t in enumerate(texts)
    ]
    if engine == "duckdb":
        con = duckdb.connect()
    elif engine == "sqlite":
        con = sqlite3.connect(":memory:")
    else:
        con.execute("DROP TABLE IF EXISTS accounts")
    con.execute(create_table_sql(HANDBOOK, spec, d))
    marks = ", ".join("%s" if engine == "postgres" else "?" for _ in rows[0])
    if engine == "postgres":
        with con.cursor() as cur:
            cur.executemany(f"INSERT INTO accounts VALUES ({marks})", rows)
    else:
        con.executemany(f"INSERT INTO accounts VALUES ({marks})", rows)
    got = {
        int(r[0]): [None if x is None else float(x) for x in r[1:]]
        for r in con.execute(reading_query(engine)).fetchall()
    }
    return [got[i] for i in range(len(texts))]


def assert_same_reading(texts: list[str], got: list[list[Any]], engine: str) -> None:
    for text, want, read in zip(texts, file_reading(texts), got, strict=True):
        if any(mark in text for mark in FILE_ONLY):
            # outside the SQL grammar: unknown, or the same number
            assert all(r is None or r == w for r, w in zip(read, want, strict=True)), (engine, text)
        else:
            assert read == want, (engine, text, read, want)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SPELLINGS, min_size=1, max_size=8))
def test_parse_text_reads_numbers_as_the_file_scorer(texts: list[str]) -> None:
    """`--parse-text` reads each spelling of a number as `icp score` does (grouping only in
    threes, a value that reads two ways unknown, fractions in integer fields and values
    outside minimum/maximum unknown, bands and open bands): on DuckDB and SQLite."""
    for engine in ("duckdb", "sqlite"):
        assert_same_reading(texts, sql_reading(engine, texts), engine)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SPELLINGS, min_size=1, max_size=8))
def test_parse_text_reads_numbers_as_the_file_scorer_on_postgres(
    pg_dsn: str, texts: list[str]
) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        assert_same_reading(texts, sql_reading("postgres", texts, pg), "postgres")


@settings(
    max_examples=12, deadline=None, phases=NO_SHRINK, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    random_handbook(),
    st.lists(
        st.lists(SPELLINGS, min_size=len(NUMBER_FIELDS), max_size=len(NUMBER_FIELDS)),
        min_size=1,
        max_size=6,
    ),
    as_of_dates,
)
def test_parse_text_same_verdict(
    handbook: Handbook, cells: list[list[str]], as_of: dt.date
) -> None:
    """With numbers as text (bands read as bands), DuckDB and SQLite give the evaluator's
    verdicts on the values the file scorer reads from the same text."""
    from icpkit.sql.companies import from_values

    spec = TableSpec("accounts", numbers="text")
    d_rows, want = [], []
    for row in cells:
        texts = dict(zip(NUMBER_FIELDS, row, strict=True))
        read, _ = from_values(handbook, texts)
        sql_texts = {f: t for f, t in texts.items() if not any(m in t for m in FILE_ONLY)}
        read = {f: v for f, v in read.items() if f in sql_texts}
        want.append(expected(handbook, read, as_of))
        d_rows.append(sql_texts)
    for engine in ("duckdb", "sqlite"):
        d = DIALECTS[engine]
        sql = render(handbook, spec, d, Options(as_of))
        con: Any = duckdb.connect() if engine == "duckdb" else sqlite3.connect(":memory:")
        con.execute(create_table_sql(handbook, spec, d))
        rows = [to_row(handbook, spec, d, str(i), r) for i, r in enumerate(d_rows)]
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"INSERT INTO accounts VALUES ({marks})", rows)
        cur = con.execute(sql)
        names = [c[0] for c in cur.description]
        got = {str(r[0]): dict(zip(names[1:], r[1:], strict=True)) for r in cur.fetchall()}
        for i, w in enumerate(want):
            assert got[str(i)] == w, (engine, cells[i])
