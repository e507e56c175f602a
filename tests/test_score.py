"""`icp score` end to end: formats, CRM shapes, bad exports, atomic output, provenance."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import REPO
from icpkit.engine.model import Field
from icpkit.engine.normal import NULL_TOKENS
from icpkit.engine.operators import Members
from icpkit.errors import InputError, UsageError
from icpkit.loading.handbook import load
from icpkit.sql.numbers import BLANKS
from icpkit.sql.parsing import SET_SPLIT, normalise
from icpkit.sql.scoring import ScoreOptions, score

HANDBOOK = load(REPO).handbook
AS_OF = dt.date(2026, 11, 1)
HUBSPOT = [
    "Record ID",
    "Company name",
    "Country/Region",
    "Number of Employees",
    "Annual Revenue",
    "Industry",
    "Web Technologies",
    "Funding Stage",
    "IT Budget",
    "Growth Rate",
    "Services Needed",
    "Profitability Trend",
]
BRIGHTLOOP = [
    "101",
    "Brightloop Software Ltd",
    "United Kingdom",
    "201-500",
    "$12M",
    "Computer Software",
    ".NET; Azure; Python",
    "Series B",
    "600k",
    "25%",
    "Dedicated team",
    "profitable_growing",
]


def write_csv(path: Path, rows: list[list[str]], **kwargs: str) -> Path:
    with path.open("w", newline="", encoding=kwargs.pop("encoding", "utf-8")) as handle:
        csv.writer(handle, **kwargs).writerows(rows)  # type: ignore[arg-type]
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(tmp_path: Path, src: Path, out: str = "out.csv", **kw: object) -> tuple[Path, object]:
    target = tmp_path / out
    summary = score(HANDBOOK, ScoreOptions(src, target, AS_OF, **kw))  # type: ignore[arg-type]
    return target, summary


def test_a_hubspot_export_scores_with_no_configuration(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "hubspot.csv", [HUBSPOT, BRIGHTLOOP])
    out, summary = run(tmp_path, src)
    row = read(out)[0]
    assert row["Record ID"] == "101"
    assert (row["best_profile"], row["tier"], row["score"]) == (
        "western-software-teams",
        "A",
        "100",
    )
    assert row["disqualified_by"] == "" and row["unreadable_fields"] == ""
    assert summary.plan.used["employees"] == "Number of Employees"  # type: ignore[attr-defined]


def test_a_salesforce_export_scores_with_no_configuration(tmp_path: Path) -> None:
    header = [
        "Account ID",
        "Account Name",
        "Billing Country",
        "Employees",
        "AnnualRevenue",
        "Industry",
        "ERP_Deployed__c",
        "Services_Needed__c",
        "Tech_Stack__c",
    ]
    row = [
        "0015g00000ABC",
        "Pennine Garments",
        "GB",
        "650",
        "85000000",
        "Apparel & Fashion",
        "Yes",
        "document_automation",
        "SAP;Microsoft 365",
    ]
    out, _ = run(tmp_path, write_csv(tmp_path / "sf.csv", [header, row]))
    got = read(out)[0]
    assert (got["Account ID"], got["best_profile"]) == ("0015g00000ABC", "uk-eu-manufacturers-docs")
    assert got["unreadable_fields"] == ""


def test_unreadable_values_are_unknown_counted_and_named(tmp_path: Path) -> None:
    bad = [*BRIGHTLOOP]
    bad[3], bad[4] = "lots", "€3m"  # employees unreadable; revenue in EUR for a USD field
    out, summary = run(tmp_path, write_csv(tmp_path / "x.csv", [HUBSPOT, BRIGHTLOOP, bad]))
    rows = read(out)
    assert len(rows) == 2
    assert rows[1]["unreadable_fields"] == "employees;annual_revenue"
    assert "employees" in rows[1]["unknown_fields"]
    assert summary.unreadable == {"annual_revenue": 1, "employees": 1}  # type: ignore[attr-defined]
    assert (2, "Number of Employees", "lots", "") in summary.examples  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("51-200", 51, 200),
        ("1,001-5,000", 1001, 5000),
        ("10,001+", 10001, None),
        ("240", 240, 240),
        (" 1,200 ", 1200, 1200),
    ],
)
def test_employee_bands(tmp_path: Path, text: str, low: int, high: int | None) -> None:
    from icpkit.sql.companies import from_values

    company, bad = from_values(HANDBOOK, {"employees": text})
    value = company["employees"]
    assert bad == []
    assert (value if isinstance(value, tuple) else (value, value))[0] == low
    if high is not None:
        assert (value if isinstance(value, tuple) else (value, value))[1] == high


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("annual_revenue", "$1.2M", 1_200_000),
        ("annual_revenue", "1,200,000", 1_200_000),
        ("annual_revenue", "USD 3m", 3_000_000),
        ("annual_revenue", "250k", 250_000),
        ("annual_revenue", "1.5e7", 15_000_000),
        ("growth_rate", "25%", 25),
        ("erp_deployed", "Yes", True),
        ("erp_deployed", "false", False),
        ("country", "Germany", "DE"),
        ("country", "usa", "US"),
        ("country", "no", "NO"),
        ("country", "United Kingdom", "GB"),
        ("industry", "Computer Software", "software"),
        ("funding_stage", "Series B", "series_b"),
        ("last_funding_date", "2026-03-01", dt.date(2026, 3, 1)),
        (
            "tech_stack",
            ".NET, Microsoft 365 | python",
            frozenset({"dotnet", "microsoft365", "python"}),
        ),
    ],
)
def test_common_crm_value_shapes(field: str, text: str, expected: object) -> None:
    from icpkit.sql.companies import from_values

    company, bad = from_values(HANDBOOK, {field: text})
    assert bad == []
    assert company[field] == expected


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("annual_revenue", "€3m"),
        ("annual_revenue", "£2m"),
        ("employees", "many"),
        ("employees", "12.5"),
        ("erp_deployed", "maybe"),
        ("country", "Atlantis"),
        ("last_funding_date", "next spring"),
        ("growth_rate", "inf"),
    ],
)
def test_unreadable_shapes_are_unknown_never_guessed(field: str, text: str) -> None:
    from icpkit.sql.companies import from_values

    company, bad = from_values(HANDBOOK, {field: text})
    assert field not in company
    assert bad == [field]


@pytest.mark.parametrize("text", ["", "N/A", "null", "-", "  ", "NA", "#N/A", "None", "(blank)"])
def test_empty_cells_are_unknown_not_unreadable(text: str) -> None:
    """An empty cell and a missing marker are unknown, never unreadable; only a present empty
    cell of a set with `empty: empty_set` is the empty set (a missing marker is unknown)."""
    from icpkit.sql.companies import from_values

    company, bad = from_values(HANDBOOK, {"employees": text, "tech_stack": text})
    assert "employees" not in company and bad == []
    if text.strip():
        assert "tech_stack" not in company  # N/A says nothing about the tools
    else:
        assert company["tech_stack"] == frozenset()  # the vocabulary: empty means no tools


BENCH = load(REPO / "tests" / "bench" / "handbook").handbook
#: padding as exports write it: ASCII spaces and tabs, and the Unicode blanks a cell may hold
#: (no-break, figure, narrow, ideographic and zero-width spaces, a byte-order mark mid-file)
PADS = ["", " ", "  ", "\t", "\u00a0", "\u2007", "\u202f", "\u3000", "\u200b", "\ufeff"]
cells = st.one_of(
    st.text(alphabet=st.sampled_from(list("naNA/#-—?lLuU| x\x1f\u00a0\u200b\ufeff")), max_size=8),
    st.tuples(
        st.lists(st.sampled_from(PADS), max_size=3).map("".join),
        st.sampled_from(
            [*NULL_TOKENS, "none", "seed", "saas", "n/a|x", "|n/a", "\x1fn/a", "-\x1f", "a b",
             "a\u00a0b", "élan", "x\u00a0"]
        ),
        st.lists(st.sampled_from(PADS), max_size=3).map("".join),
    ).map("".join),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(cells)
def test_text_cells_are_trimmed_and_null_tokens_are_unknown(text: str) -> None:
    """The SQL text cleaning, shortcuts and all, agrees with its plain definition: trim
    blanks (ASCII and Unicode whitespace, zero-width spaces, a BOM: `BLANKS`); empty or a
    null token (any case) is unknown; anything else is the text. A cell of only no-break
    spaces was "cannot read" (issue 11)."""
    from icpkit.sql.companies import from_values

    company, bad = from_values(BENCH, {"industry": text})
    trimmed = text.strip(BLANKS)
    expected = None if trimmed.lower() in ("", *NULL_TOKENS) else trimmed
    assert company.get("industry") == expected
    assert bad == []


ELEMENTS = [
    *("python", "aws", "dotnet", "sap_erp", "microsoft365", "salesforce", "java"),
    *(".NET", "ASP.NET", "Microsoft 365", "Office 365", "SAP", "Django", "Python", "AWS"),
    *("_python", "python_", "a__b", "node.js", "c#", "na", "null", "N/A", "-", "x"),
]
set_cells = st.tuples(
    st.sampled_from(["", " ", "\u00a0", "\u200b", "\ufeff\u3000"]),
    st.lists(st.sampled_from(ELEMENTS), max_size=5),
    st.lists(
        st.sampled_from([";", ", ", " | ", ";;", ",", " ; ", "\n", "\r\n", ";\u00a0", "\u202f,"]),
        min_size=5,
        max_size=5,
    ),
    st.sampled_from(["", " ", ";", "\u00a0", "\t"]),
).map(lambda p: p[0] + "".join(e + sep for e, sep in zip(p[1], p[2], strict=False))[:-1] + p[3])


def _read_set(fld: Field, text: str) -> tuple[frozenset[str] | None, bool]:
    """The documented reading of a set cell, in plain Python: (members or None for unknown,
    unreadable). Only a present empty cell (or []) is the empty set; a null token is unknown;
    a member of a closed set that no spelling names is an unknown member (`Members`: the
    others stay known) and makes the cell count as unreadable."""
    trimmed = text.strip(BLANKS)
    if trimmed in ("", "[]", '""'):
        return (frozenset() if fld.empty_set else None), False
    if trimmed.lower() in NULL_TOKENS:
        return None, False
    spellings = dict(fld.spellings)
    pieces = [e for e in re.split(SET_SPLIT, trimmed) if e]
    if fld.values:
        members = [spellings.get(normalise(e)) for e in pieces]
        if None in members:
            unrecognised = [e for e, m in zip(pieces, members, strict=True) if m is None]
            return Members(frozenset(m for m in members if m), unrecognised), True
        return frozenset(m for m in members if m), False
    return frozenset(n for n in (normalise(e) for e in pieces) if n), False


@settings(max_examples=200, deadline=None)
@given(set_cells, st.sampled_from(["example", "bench"]))
@example("na", "bench")  # a null token that also looks like a member in final form
@example("N/A", "example")
def test_set_cells_read_as_their_documented_elements(text: str, which: str) -> None:
    """The fast path (a cell already in final form is used as it is) and the slow path
    (split, normalise, map spellings) agree with the plain definition, for a set field with
    allowed values and aliases (the example handbook) and for an open one (the benchmark)."""
    from icpkit.sql.companies import from_values

    handbook = HANDBOOK if which == "example" else BENCH
    company, bad = from_values(handbook, {"tech_stack": text})
    members, unreadable = _read_set(handbook.fields["tech_stack"], text)
    assert company.get("tech_stack") == members
    got = company.get("tech_stack")
    assert getattr(got, "unrecognised", ()) == getattr(members, "unrecognised", ())
    assert bad == (["tech_stack"] if unreadable else [])


def test_bom_semicolons_and_quoted_newlines(tmp_path: Path) -> None:
    src = tmp_path / "excel.csv"
    rows = [HUBSPOT, [*BRIGHTLOOP[:1], "Brightloop\nSoftware; Ltd", *BRIGHTLOOP[2:]]]
    write_csv(src, rows, delimiter=";", encoding="utf-8-sig")
    assert src.read_bytes().startswith(b"\xef\xbb\xbf")
    out, _ = run(tmp_path, src)
    row = read(out)[0]
    assert row["Record ID"] == "101" and row["tier"] == "A"


def test_duplicate_headers_are_refused(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "dup.csv", [[*HUBSPOT, "Industry"], [*BRIGHTLOOP, "retail"]])
    with pytest.raises(InputError, match="found the column 'Industry' twice"):
        run(tmp_path, src)
    assert not (tmp_path / "out.csv").exists()


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "empty.csv"
    src.write_bytes(b"")
    with pytest.raises(InputError, match="found an empty file"):
        run(tmp_path, src)


def test_a_missing_id_column_is_named(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "noid.csv", [HUBSPOT[1:], BRIGHTLOOP[1:]])
    with pytest.raises(InputError, match="found no id column; expected one of Record ID"):
        run(tmp_path, src)
    assert not (tmp_path / "out.csv").exists()


def test_formula_cells_are_never_run_and_escaped_for_spreadsheets(tmp_path: Path) -> None:
    evil = [*BRIGHTLOOP]
    evil[0] = '=HYPERLINK("http://evil.example","click")'
    out, _ = run(tmp_path, write_csv(tmp_path / "f.csv", [HUBSPOT, evil]))
    assert read(out)[0]["Record ID"] == "'" + evil[0]


def test_parquet_and_jsonl_in_and_out_give_the_same_scores(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [HUBSPOT, BRIGHTLOOP])
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{src}', all_varchar=true)) TO "
        f"'{tmp_path / 'in.parquet'}' (FORMAT parquet)"
    )
    con.execute(
        f"COPY (SELECT * FROM read_csv('{src}', all_varchar=true)) TO "
        f"'{tmp_path / 'in.jsonl'}' (FORMAT json)"
    )
    results = []
    for name, out in (("in.csv", "a.parquet"), ("in.parquet", "b.jsonl"), ("in.jsonl", "c.csv")):
        target, _ = run(tmp_path, tmp_path / name, out)
        rel = {"parquet": "read_parquet", "jsonl": "read_json", "csv": "read_csv"}[
            target.suffix[1:]
        ]
        results.append(
            con.execute(
                f"SELECT best_profile, tier, CAST(score AS INTEGER) FROM {rel}('{target}')"
            ).fetchall()
        )
    assert results[0] == results[1] == results[2] == [("western-software-teams", "A", 100)]


def test_provenance_is_recorded_with_every_output(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [HUBSPOT, BRIGHTLOOP])
    out, _ = run(tmp_path, src, "scores.parquet")
    sidecar = json.loads(Path(f"{out}.provenance.json").read_text())
    assert sidecar["as_of"] == "2026-11-01" and sidecar["rows"] == 1
    assert "handbook_commit" in sidecar and "handbook_dirty" in sidecar
    meta = (
        duckdb.connect()
        .execute(f"SELECT value FROM parquet_kv_metadata('{out}') WHERE key = 'icp_provenance'")
        .fetchone()
    )
    assert meta is not None and json.loads(meta[0])["as_of"] == "2026-11-01"


def test_a_failed_run_leaves_no_file_behind(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [HUBSPOT, BRIGHTLOOP])
    with pytest.raises(UsageError):
        run(tmp_path, src, out="scores.xlsx")
    assert list(tmp_path.iterdir()) == [src]


def test_a_map_file_names_columns_for_anything_else(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "odd.csv",
        [["id", "Land", "Staff", "Sector", "Stack"], ["7", "DE", "300", "software", "python"]],
    )
    out, summary = run(
        tmp_path,
        src,
        mapping={
            "country": "Land",
            "employees": "Staff",
            "industry": "Sector",
            "tech_stack": "Stack",
        },
    )
    assert read(out)[0]["best_profile"] == "western-software-teams"
    assert summary.plan.used["country"] == "Land"  # type: ignore[attr-defined]


def test_per_profile_columns(tmp_path: Path) -> None:
    out, _ = run(tmp_path, write_csv(tmp_path / "in.csv", [HUBSPOT, BRIGHTLOOP]), per_profile=True)
    row = read(out)[0]
    assert row["western-software-teams_score"] == "100"
    assert row["western-software-teams_tier"] == "A"
    assert row["na-saas-scaleups_tier"] == ""  # not eligible


def test_a_late_value_that_breaks_the_sniffed_type_falls_back_to_text(tmp_path: Path) -> None:
    rows = [HUBSPOT] + [[str(i), *BRIGHTLOOP[1:3], "300", *BRIGHTLOOP[4:]] for i in range(5000)]
    rows.append(["late", *BRIGHTLOOP[1:3], "51-200", *BRIGHTLOOP[4:]])
    out, summary = run(tmp_path, write_csv(tmp_path / "late.csv", rows))
    got = read(out)
    assert len(got) == 5001 and got[-1]["tier"] == "A"
    assert summary.unreadable == {}  # type: ignore[attr-defined]


def test_scores_come_out_in_the_exports_row_order(tmp_path: Path) -> None:
    """Rows out in the order they came in (300,000 accounts: enough for DuckDB to run the
    rules in parallel; its IN-clause rewrite used to reorder them), so a warning's row
    number and a spreadsheet lookup by position both stay right."""
    source = REPO / "tests" / "examples" / "hubspot-export.csv"
    header, *body = list(csv.reader(source.open(newline="", encoding="utf-8")))
    src = tmp_path / "many.csv"
    count = 300_000
    with src.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(count):
            writer.writerow([str(100_000 + i), *body[i % len(body)][1:]])
    out, _ = run(tmp_path, src)
    with out.open(newline="", encoding="utf-8") as handle:
        ids = [row[0] for row in csv.reader(handle)][1:]
    assert ids == [str(100_000 + i) for i in range(count)]


def test_a_null_token_that_is_an_allowed_value_reads_two_ways_until_mapped(
    tmp_path: Path,
) -> None:
    # the bench vocabulary's funding stages include "none" (no outside funding), also a missing
    # marker: unknown with a warning, never silently either; the --map file settles it
    handbook = BENCH
    src = write_csv(
        tmp_path / "a.csv",
        [["account_id", "funding_stage"], ["1", "none"], ["2", "series_a"], ["3", "None"]],
    )
    summary = score(handbook, ScoreOptions(src, tmp_path / "o.csv", AS_OF))
    assert summary.unreadable == {"funding_stage": 2}
    assert [r["unreadable_fields"] for r in read(tmp_path / "o.csv")] == [
        "funding_stage",
        "",
        "funding_stage",
    ]
    assert "may be the value none or a missing value" in summary.examples[0][3]
    mapped = ScoreOptions(
        src, tmp_path / "m.csv", AS_OF, value_map={"funding_stage": {"none": "none"}}
    )
    assert not any(score(handbook, mapped).unreadable.values())
    assert [r["unreadable_fields"] for r in read(tmp_path / "m.csv")] == ["", "", ""]


def test_an_empty_set_cell_is_the_empty_set_wherever_its_column_stands(tmp_path: Path) -> None:
    """A Salesforce report with columns no rule reads before and after the set columns: an
    empty Tech_Stack__c is "no tools" (the vocabulary's `empty: empty_set`) in every row,
    the same with or without the report's footer (which sends the file down the careful
    path), and a number column beside it still reads (DuckDB's force_not_null, which these
    readings once relied on, applies its list by the position among the columns read)."""
    header = ["Opportunity ID", "Account ID", "Account Name", "Billing Country", "Employees"]
    header += ["Industry", "Business_Model__c", "Tech_Stack__c", "Services_Needed__c"]
    header += ["IT_Budget__c", "Stage", "Amount"]
    rows = [
        ["o1", "1", "A", "US", "120", "software", "", "", "dedicated_team", "", "Won", "5"],
        ["o2", "2", "B", "DE", "300", "saas", "", "python", "", "250000", "Lost", ""],
        ["o3", "3", "C", "FR", "", "", "", "", "", "", "", ""],
    ]
    plain = write_csv(tmp_path / "plain.csv", [header, *rows])
    footed = write_csv(tmp_path / "footed.csv", [header, *rows, [], ["Total"], ["Confidential"]])
    read_plain = read(run(tmp_path, plain, "p.csv")[0])
    read_footed = read(run(tmp_path, footed, "f.csv")[0])
    assert read_plain == read_footed
    unknown = [r["unknown_fields"].split(";") for r in read_plain]
    assert all("tech_stack" not in u for u in unknown)  # an empty cell: no tools
    assert "services_needed" in unknown[1]  # no `empty: empty_set`: an empty cell is unknown
    assert "it_budget" not in unknown[1] and "it_budget" in unknown[0]


def test_an_output_path_under_a_file_is_a_usage_error_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o under a path that is a file: a message naming it, exit 2, for score and backtest."""
    from icpkit.cli import main

    src = write_csv(tmp_path / "a.csv", [HUBSPOT, BRIGHTLOOP])
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    history = REPO / "tests" / "examples" / "history.parquet"
    for args in (
        ["score", str(src), "-o", str(blocker / "out.csv")],
        ["backtest", str(history), "-o", str(blocker / "out.md")],
    ):
        assert main(["--root", str(REPO), *args]) == 2
        err = capsys.readouterr().err
        assert f"found a file at {blocker} where a folder should be" in err
        assert "internal error" not in err and "Traceback" not in err


def test_a_file_of_blank_lines_is_refused_naming_it(tmp_path: Path) -> None:
    src = tmp_path / "blank.csv"
    src.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{re.escape(str(src))}: found no header row"):
        run(tmp_path, src)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"Record ID": "x", oops}', "3:20: found invalid JSON"),
        ('{"Record ID": "x"', "3:18: found invalid JSON"),
    ],
)
def test_a_bad_json_lines_record_is_named_by_its_line(tmp_path: Path, line: str, said: str) -> None:
    src = tmp_path / "a.jsonl"
    good = '{"Record ID": "1", "Country/Region": "DE"}'
    src.write_text(f"{good}\n{good}\n{line}\n{good}\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{src}:{said}")):
        run(tmp_path, src)


def test_the_provenance_sidecar_may_not_be_the_input(tmp_path: Path) -> None:
    """Scoring x.csv.provenance.json into x.csv would write its sidecar over the export it
    reads: refused, and the export is left as it was."""
    src = write_csv(tmp_path / "x.csv.provenance.json", [HUBSPOT, BRIGHTLOOP])
    before = src.read_bytes()
    with pytest.raises(UsageError, match="which is the input file"):
        score(HANDBOOK, ScoreOptions(src, tmp_path / "x.csv", AS_OF, input_format="csv"))
    assert src.read_bytes() == before


def test_two_column_names_in_another_case_are_refused_naming_both(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "a.csv", [["Record ID", "Industry", "industry"], ["1", "a", "b"]])
    with pytest.raises(InputError, match="found the columns 'Industry' and 'industry', one name"):
        run(tmp_path, src)


def test_a_cell_longer_than_the_sniffers_sample_is_read(tmp_path: Path) -> None:
    """A 2.1 MB notes cell (longer than DuckDB's sniffer reads a line) in the first record:
    the careful pass reads the file, every account is scored."""
    notes = "x" * 2_100_000
    src = write_csv(
        tmp_path / "long.csv",
        [["Record ID", "Country/Region", "Notes"], ["1", "DE", notes], ["2", "US", "short"]],
    )
    target, _ = run(tmp_path, src)
    assert [r["Record ID"] for r in read(target)] == ["1", "2"]


ORDERS = [("Employees", "Number of Employees"), ("Number of Employees", "Employees")]


@pytest.mark.parametrize("order", ORDERS)
def test_two_columns_that_fit_one_field_score_and_name_the_one_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], order: tuple[str, str]
) -> None:
    """An export with two columns for one field (a HubSpot export joined with a
    spreadsheet's): plan_columns stopped on an UnboundLocalError (exit 2); it scores every
    row from one column and says, in `icp score` and in `icp explain --row`, which it left."""
    from icpkit.cli import main

    export = tmp_path / "two.csv"
    with export.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Record ID", "Company name", *order, "Country/Region"])
        writer.writerow(["1", "Acme", "120", "120", "Germany"])
        writer.writerow(["2", "Brightloop", "4000", "4000", "France"])
    out = tmp_path / "scores.csv"
    root = ["--root", str(REPO)]
    assert main([*root, "score", str(export), "-o", str(out), "--as-of", "2026-11-01"]) == 0
    said = capsys.readouterr().err
    # the column named as the field is read, whichever comes first
    kept, left = "Employees", "Number of Employees"
    assert f"column {left} also fits employees, already read from {kept}; ignored" in said
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 2
    assert main([*root, "explain", str(export), "--row", "1", "--as-of", "2026-11-01"]) == 0
    assert f"note: column {left} also fits employees, already read from {kept}" in (
        capsys.readouterr().out
    )


def test_no_progress_bar_unless_asked() -> None:
    """DuckDB draws a progress bar on stderr for any query that runs over two seconds, by
    default, into CI logs and pipes too (seen: `icp explain EXPORT --id` on 10,000,000
    accounts). The scorer's connection has it off; `icp score` turns it on on a terminal.
    Checked in a process of its own: under pytest DuckDB's default is off already."""
    import os
    import subprocess
    import sys

    code = (
        "import sys, duckdb\n"
        "from pathlib import Path\n"
        "from icpkit.loading.handbook import load\n"
        "from icpkit.sql.connection import connect\n"
        "q = \"SELECT current_setting('enable_progress_bar')\"\n"
        "print(duckdb.connect().execute(q).fetchone()[0])\n"
        "for threads in (None, 1):\n"
        "    print(connect(load(Path(sys.argv[1])).handbook, threads).execute(q).fetchone()[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    out = subprocess.run(
        [sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    # DuckDB's own default, then the scorer's connection with and without a thread count
    assert out.stdout.split() == ["True", "False", "False"]


def test_a_field_no_column_supplies_is_named_in_each_rows_unknown_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Helper finding (session 9): a CSV with only `Record ID,Industry` scored with an empty
    unknown_fields (the absent fields were listed once, in the summary), while `icp explain`
    on the same row and the row's reason named them. Each row names them now, in vocabulary
    order, as explain does."""
    from icpkit.cli import main

    src = write_csv(tmp_path / "few.csv", [["Record ID", "Industry"], ["1", "Software"]])
    out, _ = run(tmp_path, src)
    row = read(out)[0]
    code = main(["--root", str(REPO), "explain", str(src), "--row", "1", "--as-of",
                 AS_OF.isoformat(), "--format", "json"])  # fmt: skip
    assert code == 0
    explained = json.loads(capsys.readouterr().out)["verdict"]["unknown_fields"]
    assert row["unknown_fields"].split(";") == explained
    assert {"country", "employees", "tech_stack"} <= set(explained)
    assert [f for f in HANDBOOK.read_fields if f != "industry"] == explained


def test_a_carriage_return_inside_a_quoted_cell_reads_as_a_line_break(tmp_path: Path) -> None:
    """A lone CR inside a quoted cell (a Mac-era export, a cell pasted from a document) made
    the careful pass write the cell unquoted, and the whole file failed with DuckDB's 'CSV
    Parser state machine reached an invalid state'. It reads as the same cell with LF: a
    set's separator, a text's word break."""
    head = "Record ID,Country/Region,Number of Employees,Industry,Web Technologies\n"
    rows = {
        sep: f'{head}1,DE,200,saas,"python{sep}aws"\n2,US,50,saas,".NET"\n' for sep in ("\r", "\n")
    }
    outputs = []
    for i, text in enumerate(rows.values()):
        src = tmp_path / f"export{i}.csv"
        src.write_bytes(text.encode())
        out, _ = run(tmp_path, src, out=f"out{i}.csv")
        outputs.append(read(out))
    assert outputs[0] == outputs[1]
    assert "tech_stack" not in outputs[0][0]["unknown_fields"]


def test_a_set_written_as_a_list_reads_as_its_members(tmp_path: Path) -> None:
    """The cells the warehouse SQL reads as {python, aws} (test_warehouse_parity's
    LISTED_CELLS) are {python, aws} to icp score too: one reading on every path."""
    from test_warehouse_parity import LISTED_CELLS

    head = "Record ID,Country/Region,Number of Employees,Industry,Web Technologies\n"
    cells = ["python;aws", *LISTED_CELLS]
    body = "".join(
        f'{i},DE,200,saas,"{c.replace(chr(34), chr(34) * 2)}"\n' for i, c in enumerate(cells)
    )
    src = tmp_path / "listed.csv"
    src.write_text(head + body, encoding="utf-8")
    out, _ = run(tmp_path, src)
    rows = read(out)
    verdicts = {(r["tier"], r["score"], r["unknown_fields"], r["unreadable_fields"]) for r in rows}
    assert len(rows) == len(cells) and len(verdicts) == 1, rows
    assert "tech_stack" not in rows[0]["unknown_fields"]


def _growth_export(tmp_path: Path, cells: list[str], name: str = "growth.csv") -> Path:
    rows = [[str(i), f"Acme {i}", "DE", "120", "", "", "", "", "", c] for i, c in enumerate(cells)]
    return write_csv(tmp_path / name, [HUBSPOT[:10], *rows])


FRACTIONS = ["0.12", "0.05", "-0.03", "0.25", "0.4", "0", "0.075", "1"] * 4


@pytest.mark.parametrize(
    ("cells", "warned"),
    [
        (FRACTIONS, True),
        # percent as percent: 12, 5, -3 …; or a % written; or too few values to judge
        ([c.replace("0.", "") for c in FRACTIONS], False),
        ([*FRACTIONS[:-1], "12%"], False),
        (FRACTIONS[:12], False),
        # whole numbers within -1 to 1 are no fractions
        (["0", "1", "-1", "0.5"] * 8, False),
    ],
)
def test_a_percent_column_of_fractions_is_warned_of(
    tmp_path: Path, cells: list[str], warned: bool
) -> None:
    """Session 12: a Growth Rate column written as fractions (0.12 for 12 %) was read as
    0.12 percent, every growth rule unmet, without a word (no single cell can tell). The
    summary warns when the column's readable values (the first 1024 rows) are at least 20,
    all within -1 to 1, most of them fractions, and none written with '%'."""
    summary = score(
        HANDBOOK, ScoreOptions(_growth_export(tmp_path, cells), tmp_path / "s.csv", AS_OF)
    )
    notes = [n for n in summary.notes if "fractions" in n]
    assert bool(notes) == warned, summary.notes
    if warned:
        assert notes[0].startswith("warning: column Growth Rate (growth_rate, in percent)")
        assert "0.4 is read as 0.4 percent" in notes[0] and "x100" in notes[0]


def test_explain_row_warns_of_a_percent_column_of_fractions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`icp explain EXPORT --row N` (and `--id`) says what `icp score` says of the column."""
    from icpkit.cli import main

    path = _growth_export(tmp_path, FRACTIONS)
    for how in (["--row", "3"], ["--id", "3"]):
        main(["--root", str(REPO), "explain", str(path), *how, "--as-of", "2026-11-01"])
        out = capsys.readouterr().out
        assert "\nwarning: column Growth Rate (growth_rate, in percent) holds only" in out, how
        assert "note: warning" not in out


def test_score_help_names_both_output_layouts(capsys: pytest.CaptureFixture[str]) -> None:
    """icp score --engine postgres|spark writes the warehouse query's columns (icp_tier,
    icp_reason, no best case) while the default engine writes tier, best_case_tier ...;
    --help described only the second. Both layouts are named, column by column, in --help
    and in the commands reference."""
    from icpkit.cli import main
    from icpkit.sql.names import CORE
    from icpkit.sql.scoring import OUTPUT_COLUMNS

    assert main(["score", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    reference = (REPO / "site_src" / "docs" / "reference" / "commands.md").read_text("utf-8")
    for name in (*OUTPUT_COLUMNS, *(safe for _, safe in CORE)):
        assert name in text, name
        assert f"`{name}`" in reference, name
    assert "no best_case_tier or deciding_fields" in text


def test_score_counts_and_names_the_accounts_at_risk_of_an_unknown_disqualifier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 501-5,000 band that buys through tenders scores A: 'over 1,000 employees and buys
    through tenders' is unknown and not applied, and icp score said nothing of it. Its row
    now names the portrait in at_risk (as explain's at_risk, `engine.risk.risks`), and the
    summary counts the accounts at risk; a known 800 is not at risk."""
    from icpkit.cli import main
    from icpkit.engine.evaluate import evaluate
    from icpkit.engine.risk import risks

    export = tmp_path / "accounts.csv"
    head = (
        "id,country,industry,annual_revenue,erp_deployed,tech_stack,it_budget,growth_rate,"
        "founded_year,buys_through_tenders,employees,services_needed\n"
    )
    common = "DE,manufacturing,50000000,yes,sap_erp,2000000,6,1970,yes"
    export.write_text(
        head
        + f"band,{common},501-5000,document_automation\n"
        + f"exact,{common},800,document_automation\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    assert (
        main(["--root", str(REPO), "score", str(export), "-o", str(out), "--as-of", "2026-11-01"])
        == 0
    )
    err = capsys.readouterr().err
    assert "at risk of a disqualifier: 1 account above D" in err
    assert "enterprise-tenders (1)" in err
    rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert (rows["band"]["tier"], rows["band"]["at_risk"]) == ("A", "enterprise-tenders")
    assert (rows["exact"]["tier"], rows["exact"]["at_risk"]) == ("A", "")
    company = {
        "country": "DE",
        "industry": "manufacturing",
        "annual_revenue": 50_000_000,
        "erp_deployed": True,
        "tech_stack": frozenset({"sap_erp"}),
        "it_budget": 2_000_000,
        "growth_rate": 6,
        "founded_year": 1970,
        "buys_through_tenders": True,
        "employees": (501, 5000),
        "services_needed": frozenset({"document_automation"}),
    }
    verdict = evaluate(HANDBOOK, company, AS_OF)
    named = {r.negative for r in risks(HANDBOOK, verdict) if r.disqualifies}
    assert named == {"enterprise-tenders"}
