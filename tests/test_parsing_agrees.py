"""The typed fast path and the text parse layer read every value the same way.

A CSV column DuckDB types itself (numbers, true/false, ISO dates) is used as typed; the
same cells read as text go through icpkit.sql.parsing. Both must give the same value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from icpkit.engine.normal import normal
from icpkit.engine.operators import Members, has_unknown_member
from icpkit.loading.handbook import load
from icpkit.sql.companies import from_values
from icpkit.sql.connection import connect
from icpkit.sql.layout import Columns
from icpkit.sql.scoring import scoring_sql
from icpkit.sql.sources import open_source, parsed_columns, plan_columns
from icpkit.sql.sqlcompile import parsed_sql

HANDBOOK = load(REPO / "tests" / "bench" / "handbook").handbook
FIELDS = ["employees", "annual_revenue_usd", "growth_rate_pct", "has_erp", "founded_year"]

numbers = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.decimals(-(10**9), 10**9, places=3, allow_nan=False, allow_infinity=False).map(str),
    st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False).map(repr),
)
rows = st.lists(
    st.tuples(
        st.integers(1, 10**6).map(str),
        st.one_of(numbers, st.just("")),
        st.one_of(numbers, st.just("")),
        st.one_of(numbers, st.just("")),
        st.sampled_from(["true", "false", ""]),
        st.integers(1600, 2100).map(str),
    ),
    min_size=1,
    max_size=40,
)


def parsed(path: Path, typed: bool) -> list[dict[str, object]]:
    con = connect(HANDBOOK)
    source = open_source(con, path, "csv")
    plan = plan_columns(HANDBOOK, source, id_column=None)
    if typed:
        source = source.typed(set(plan.used.values()))
    text_select, exprs = parsed_columns(HANDBOOK, source, plan)
    cur = con.execute(f"WITH txt AS ({text_select}) {parsed_sql(HANDBOOK, exprs, 'txt')}")
    names = [d[0] for d in cur.description]
    cols = Columns(HANDBOOK)
    return [cols.from_row(dict(zip(names, r, strict=True))) for r in cur.fetchall()]


@settings(max_examples=60, deadline=None)
@given(rows)
def test_typed_and_text_reading_agree(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("csv") / "accounts.csv"
    lines = ["account_id," + ",".join(FIELDS)] + [",".join(r) for r in data]
    path.write_text("\n".join(lines) + "\n")
    text = parsed(path, typed=False)
    typed = parsed(path, typed=True)
    assert typed == text


def test_a_whole_number_type_from_the_sample_never_rounds_a_later_cell(tmp_path: Path) -> None:
    """The sniffer types a column from a sample of the file: when the sample held only whole
    numbers (BIGINT) and a later cell holds `3.5`, `12.7` or `1.200`, DuckDB's reader rounds
    it (4, 13, 1) instead of failing. The typed read must still read what the text layer
    reads, in every decimal convention."""
    path = tmp_path / "accounts.csv"
    lines = [
        "account_id,employees,growth_rate_pct,annual_revenue_usd,founded_year",
        "1,240,10,1000000,1990",
        "2,12.7,19.6,499999.7,1990.5",
        "3,1.200,3.5,1.200,1.990",
        "4,8.000,8.000,8.000,2.001",
    ]
    path.write_text("\n".join(lines) + "\n")
    con = connect(HANDBOOK)
    source = open_source(con, path, "csv")
    plan = plan_columns(HANDBOOK, source, id_column=None)
    # what the sniffer says when its sample of the file held whole numbers only
    source = replace(source, sniffed=tuple((c, "BIGINT") for c, _ in source.sniffed))
    used = set(plan.used.values())
    for decimal in (None, "dot", "comma"):
        conv = replace(source, decimal=decimal)
        typed = _read(con, conv.typed(used, used - {"has_erp"}), plan)
        assert typed == _read(con, conv, plan), decimal
    dot = _read(con, replace(source, decimal="dot").typed(used, used), plan)
    assert [r.get("growth_rate_pct") for r in dot] == [10, 19.6, 3.5, 8]
    assert [r.get("employees") for r in dot] == [240, None, None, 8]


def _read(con: object, source: object, plan: object) -> list[dict[str, object]]:
    text_select, exprs = parsed_columns(HANDBOOK, source, plan)  # type: ignore[arg-type]
    cur = con.execute(  # type: ignore[attr-defined]
        f"WITH txt AS ({text_select}) {parsed_sql(HANDBOOK, exprs, 'txt')}"
    )
    names = [d[0] for d in cur.description]
    cols = Columns(HANDBOOK)
    return [cols.from_row(dict(zip(names, r, strict=True))) for r in cur.fetchall()]


def test_scoring_sql_is_deterministic_text() -> None:
    """The compiled query is a pure function of the handbook and the as-of date."""
    con = connect(HANDBOOK)
    csv = REPO / "tests" / "examples" / "hubspot-export.csv"
    source = open_source(con, csv, "csv")
    plan = plan_columns(load(REPO).handbook, source, id_column=None)
    handbook = load(REPO).handbook
    first = scoring_sql(handbook, source, plan, dt.date(2026, 11, 1), per_profile=True)
    assert first == scoring_sql(handbook, source, plan, dt.date(2026, 11, 1), per_profile=True)


def test_a_float32_column_reads_as_the_number_it_shows(tmp_path: Path) -> None:
    """A Parquet FLOAT (32-bit: pandas' float32, Spark's FloatType) holding 25.3 shows 25.3
    in every tool; widened to a double it was 25.299999237060547, and explain said "Growth
    rate: 25.3 percent, 25.3 or more: unmet". It reads as the shortest decimal that names
    it, as the same value written as text reads; NaN and infinities stay unreadable."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from icpkit.sql.companies import from_export, from_values

    handbook = load(REPO).handbook
    shown = ["25.3", "0.1", "4100000", "2010000", "1e-05", "16.1", "nan", "inf"]
    path = tmp_path / "accounts.parquet"
    table = pa.table(
        {
            "account_id": [str(i) for i in range(len(shown))],
            "growth_rate": pa.array([float(t) for t in shown], pa.float32()),
            "annual_revenue": pa.array([float(t) for t in shown], pa.float32()),
        }
    )
    pq.write_table(table, path)
    for row, text in enumerate(shown, 1):
        _, typed, typed_bad = from_export(handbook, path, row)
        company, _ = from_values(handbook, {"growth_rate": text, "annual_revenue": text})
        for name in ("growth_rate", "annual_revenue"):
            assert typed.get(name) == company.get(name), (name, text, typed.get(name))
        if text in ("nan", "inf"):
            assert "growth_rate" in typed_bad, text


def test_a_json_number_among_text_cells_is_its_value_in_every_convention(
    tmp_path: Path,
) -> None:
    """A JSON Lines key holding numbers and text ("n/a") is one JSON column: its number
    literals were read through their text, so 1.234 read two ways (unknown), was 1234 with
    --decimal-comma (a number guessed wrong) and 25.5 unreadable; and 25.5 counted as
    evidence of the dot convention against the text cells' comma. A JSON number is its value
    in every convention, and only text cells show the convention."""
    import json

    from icpkit.sql.companies import ExportOptions, from_export

    handbook = load(REPO).handbook
    rows = [
        {"account_id": "1", "growth_rate": 1.234, "annual_revenue": "3,5 Mio"},
        {"account_id": "2", "growth_rate": "n/a", "annual_revenue": "2,5"},
        {"account_id": "3", "growth_rate": 25.5, "annual_revenue": "1.234,5"},
        {"account_id": "4", "growth_rate": "12,5", "annual_revenue": None},
    ]
    jsonl = tmp_path / "accounts.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for comma in (None, True, False):
        read = {
            i: from_export(handbook, jsonl, i, ExportOptions(decimal_comma=comma))
            for i in (1, 2, 3, 4)
        }
        assert read[1][1].get("growth_rate") == 1.234 and "growth_rate" not in read[1][2]
        assert read[3][1].get("growth_rate") == 25.5 and "growth_rate" not in read[3][2]
        assert "growth_rate" not in read[2][1] and "growth_rate" not in read[2][2]  # n/a
        # the text cell '12,5' reads one way (12.5), but not in the dot convention
        assert read[4][1].get("growth_rate") == (None if comma is False else 12.5), comma
    # the JSON numbers show no convention: the text cells alone suggest the comma
    con = connect(handbook, None)
    source = open_source(con, jsonl, "jsonl", headers_again=False)
    plan = plan_columns(handbook, source, id_column=None)
    from icpkit.sql.sources import with_convention

    convention = with_convention(con, handbook, source, plan, None).convention or ""
    assert "mixes" not in convention and "'3,5 Mio'" in convention, convention


def test_a_typed_number_is_its_value_whatever_the_text_columns_show(tmp_path: Path) -> None:
    """A number the file types (a Parquet DOUBLE, a JSON number) has no decimal convention:
    1.234 is one point two three four. It was read through its text, so with a text number
    column beside it that showed no convention, `1.234` "read two ways" and was unknown,
    while the same file without the text column read it."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from icpkit.sql.companies import from_export

    handbook = load(REPO).handbook
    rows = [
        {"account_id": "1", "growth_rate": 1.234, "it_budget": 8.0, "annual_revenue": "5000000"},
        {"account_id": "2", "growth_rate": 12.5, "it_budget": 1.5, "annual_revenue": "1,200"},
    ]
    parquet, jsonl = tmp_path / "accounts.parquet", tmp_path / "accounts.jsonl"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for path in (parquet, jsonl):
        _, company, bad = from_export(handbook, path, 1)
        assert (company.get("growth_rate"), company.get("it_budget")) == (1.234, 8), path
        assert bad == [], path
        _, company, bad = from_export(handbook, path, 2)
        assert bad == ["annual_revenue"], path  # text still reads two ways: 1.2 or 1200


def test_a_yes_no_cell_is_read_by_the_one_list_of_words() -> None:
    """The DuckDB macro `icp_bool` holds the words of `engine.values.YES_WORDS` /
    `NO_WORDS` (the warehouse SQL and the operand advice read them; it spelt out its own
    copy), and reads each, in any case, as they say."""
    import re

    from icpkit.engine.values import NO_WORDS, YES_WORDS
    from icpkit.sql.parsing import MACROS

    macro = MACROS[MACROS.index("MACRO icp_bool") :].split(";")[0]
    lists = [re.findall(r"'([^']*)'", m) for m in re.findall(r"IN \(([^)]*)\)", macro)]
    assert lists == [list(YES_WORDS), list(NO_WORDS)]
    con = connect(HANDBOOK)
    words = [*YES_WORDS, *NO_WORDS, "on", "off", "oui"]
    read = [con.execute("SELECT icp_bool(?)", [w.upper()]).fetchone()[0] for w in words]
    assert read == [True] * len(YES_WORDS) + [False] * len(NO_WORDS) + [None] * 3


#: the example vocabulary, whose tech_stack is a closed set
EXAMPLE = load(REPO).handbook
#: members as HubSpot exports write them: values, labels and other spellings, and tools the
#: vocabulary does not track (each an unknown member)
SET_MEMBERS = [".NET", "Azure", "python", "Microsoft 365", "AWS", "Google Analytics", "Wordpress"]


def expected_set(text: str) -> object:
    """The set a cell holds as the evaluator reads it: the members a spelling names are
    known, every other member is an unknown member (kept as written, in order)."""
    fld = EXAMPLE.fields["tech_stack"]
    spellings = dict(fld.spellings)
    pieces = [p.strip() for p in re.split(r"[;,|\r\n]", text) if p.strip()]
    if not pieces:
        return None
    known = [spellings.get(normal(p, fld.folds)) for p in pieces]
    unrecognised = [p for p, k in zip(pieces, known, strict=True) if k is None]
    members = frozenset(k for k in known if k is not None)
    return Members(members, unrecognised) if unrecognised else members


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(SET_MEMBERS), st.sampled_from(["; ", ";", ", ", "|", "\n"])),
        min_size=1,
        max_size=5,
    )
)
def test_a_set_cell_keeps_its_known_members_beside_unknown_ones(
    parts: list[tuple[str, str]],
) -> None:
    """The parse layer (one row, as `icp explain --set` and `icp score` read a cell) keeps
    the members a spelling names and marks each other one as an unknown member: the set is
    partly known, never wholly unknown for one member it does not track."""
    text = "".join(m + sep for m, sep in parts)[: -len(parts[-1][1])]
    company, _ = from_values(EXAMPLE, {"tech_stack": text})
    got = company.get("tech_stack")
    want = expected_set(text)
    assert got == want, text
    assert has_unknown_member(got) == has_unknown_member(want), text
    if has_unknown_member(want):
        assert list(got.unrecognised) == list(want.unrecognised), text  # type: ignore[union-attr]
