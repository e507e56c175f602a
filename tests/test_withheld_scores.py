"""A status without a score withholds every profile's score too, and a gate left undecided by
unknown values is said (issue 16, helper findings).

tests/corpus/small's policy gate `no_data` (nothing of a, b, c known) gave the company no
score, yet `--per-profile` wrote `p_score` 0 and `p_tier` D, and `explain` (text and JSON)
said "ICP 'p': 0 points, tier D". And a gate whose value is unknown (here `not_found`, on an
unknown name) stopped nothing without a word in `explain`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import REPO
from icpkit.cli import main
from icpkit.engine.evaluate import evaluate
from icpkit.engine.explain import undecided_gates, verdict_data
from icpkit.engine.model import Handbook, condition_fields
from icpkit.engine.reason import reason
from icpkit.loading.validate import open_handbook
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engines import create_table_sql, to_row
from icpkit.sql.ir import Options, TableSpec, render

AS_OF = dt.date(2026, 11, 1)
NOT_FOUND = """\
  - status: not_found
    label: not found
    when: {field: name, equals: unknown}
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/corpus/small with a first gate on `name`, before its `no_data` gate."""
    out = tmp_path_factory.mktemp("gates") / "hb"
    shutil.copytree(REPO / "tests" / "corpus" / "small", out)
    policy = out / "rules" / "tier-policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert "gates:\n" in text
    policy.write_text(text.replace("gates:\n", "gates:\n" + NOT_FOUND, 1), encoding="utf-8")
    return out


def icp(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    code = main(["--root", str(root), *args])
    return code, capsys.readouterr().out


def test_per_profile_columns_are_empty_under_a_status_without_a_score(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "accounts.csv"
    export.write_text("id,a,b,c\nnothing,,,\nfound,1,,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code, said = icp(
        capsys, root, "score", str(export), "-o", str(out), "--per-profile", "--as-of", "2026-11-01"
    )
    assert code == 0, said
    rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    nothing, found = rows["nothing"], rows["found"]
    assert (nothing["status"], nothing["score"], nothing["tier"]) == ("no_data", "", "")
    assert [nothing[c] for c in ("p_score", "p_tier", "p_capped", "p_tier-s", "p_neg")] == [""] * 5
    assert (found["status"], found["p_score"], found["p_tier"], found["p_capped"]) == (
        "scored",
        "8",
        "C",
        "8",
    )


def test_the_warehouse_sql_withholds_them_too(root: Path) -> None:
    handbook = open_handbook(root)
    spec = TableSpec("accounts")
    d = DIALECTS["duckdb"]
    con = duckdb.connect()
    con.execute(create_table_sql(handbook, spec, d))
    names = ["icp_id", *handbook.read_fields]
    for ident, a in (("nothing", None), ("found", 1)):
        row = dict.fromkeys(names) | {"icp_id": ident, "a": a}
        con.execute(
            f"INSERT INTO accounts VALUES ({', '.join('?' for _ in names)})", list(row.values())
        )
    cur = con.execute(render(handbook, spec, d, Options(AS_OF, per_profile=True)))
    cols = [c[0] for c in cur.description]
    got = {r[0]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}
    profile = [c for c in cols if c.startswith("icp_p_")]
    assert profile and all(got["nothing"][c] is None for c in profile), got["nothing"]
    assert (got["found"]["icp_p_score"], got["found"]["icp_p_tier"]) == (8, "C")


def test_explain_says_no_score_for_each_profile(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    company = tmp_path / "nothing.yaml"
    company.write_text("a: null\n", encoding="utf-8")
    code, said = icp(capsys, root, "explain", str(company), "--as-of", "2026-11-01")
    assert code == 0, said
    assert "ICP 'p': no score (status no_data)  ← best fit" in said
    assert "0 points, tier D" not in said
    code, said = icp(
        capsys, root, "explain", str(company), "--as-of", "2026-11-01", "--format", "json"
    )
    profile = json.loads(said)["verdict"]["profiles"][0]
    assert (profile["score"], profile["tier"], profile["status"]) == (None, None, "no_data")
    assert set(profile["groups"].values()) == {None}


def test_an_undecided_gate_is_said_in_explain(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    company = tmp_path / "some.yaml"
    company.write_text("a: 1\n", encoding="utf-8")
    code, said = icp(capsys, root, "explain", str(company), "--as-of", "2026-11-01")
    assert code == 0, said
    assert "Tier C" in said
    assert "Status gate 'not_found' undecided" in said and "(name unknown)" in said
    code, said = icp(
        capsys, root, "explain", str(company), "--as-of", "2026-11-01", "--format", "json"
    )
    verdict = json.loads(said)["verdict"]
    assert verdict["undecided_gates"] == ["not_found"]
    assert [g["result"] for g in verdict["gates"]] == ["unknown", "unmet"]


def test_a_gate_decides_nothing_after_the_one_met_or_for_a_disqualified_company(
    root: Path,
) -> None:
    handbook = open_handbook(root)
    named = evaluate(handbook, {"name": "unknown"}, AS_OF)
    assert named.status == "not_found" and undecided_gates(named) == ()
    known = evaluate(handbook, {"name": "Acme", "a": 1}, AS_OF)
    assert undecided_gates(known) == ()
    assert verdict_data(handbook, known)["undecided_gates"] == []


# --- the reason a rep reads -------------------------------------------------------------------


def _warehouse_reasons(handbook: Handbook, rows: list[dict[str, Any]], engine: str) -> list[str]:
    spec = TableSpec("accounts")
    d = DIALECTS[engine]
    con: Any = duckdb.connect() if engine == "duckdb" else sqlite3.connect(":memory:")
    con.execute(create_table_sql(handbook, spec, d))
    names = ["icp_id", *handbook.read_fields]
    for i, company in enumerate(rows):
        row = to_row(handbook, spec, d, str(i), company)
        con.execute(f"INSERT INTO accounts VALUES ({', '.join('?' for _ in names)})", row)
    cur = con.execute(render(handbook, spec, d, Options(AS_OF)))
    cols = [c[0] for c in cur.description]
    got = {r[0]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}
    return [got[str(i)]["icp_reason"] for i in range(len(rows))]


def _crm_reasons(root: Path, tmp_path: Path, rows: list[dict[str, str]]) -> list[str]:
    """icp_reason of `icp score FILE --crm hubspot` (the DuckDB fast path)."""
    export = tmp_path / "accounts.csv"
    names = sorted({k for r in rows for k in r})
    with export.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", *names])
        writer.writerows([[str(i), *(r.get(n, "") for n in names)] for i, r in enumerate(rows)])
    out = tmp_path / "icp.csv"
    args = ["--root", str(root), "score", str(export), "-o", str(out), "--crm", "hubspot"]
    assert main([*args, "--as-of", "2026-11-01"]) == 0
    return [r["icp_reason"] for r in csv.DictReader(out.open(encoding="utf-8"))]


def test_insufficient_data_names_the_unknown_fields_everywhere(tmp_path: Path) -> None:
    handbook = open_handbook(REPO)
    rows: list[dict[str, Any]] = [{}, {"employees": 120}]
    want = [reason(handbook, evaluate(handbook, c, AS_OF)) for c in rows]
    assert want[0] == (
        "insufficient data: no Country, no Employees, no Annual revenue, no Industry, "
        "no Tech stack, no Funding stage, no ERP deployed"
    )
    assert want[1] == (
        "D for western-software-teams: 15 pts; Between 100 and 500 employees; "
        "not known: Country, Industry, Tech stack"
    )
    for engine in ("duckdb", "sqlite"):
        assert _warehouse_reasons(handbook, rows, engine) == want, engine
    assert _crm_reasons(REPO, tmp_path, [{}, {"Employees": "120"}]) == want


def test_a_label_of_two_lines_is_one_line_in_the_reason(tmp_path: Path) -> None:
    """A label is one line (validate refuses a line break in it: corpus case
    line-break-in-a-label); a handbook built in code with one still gives one-line reasons
    on every path."""
    import dataclasses

    root = tmp_path / "hb"
    shutil.copytree(REPO / "tests" / "corpus" / "small", root)
    loaded = open_handbook(root)
    icp = loaded.icps[0]
    criteria = tuple(
        dataclasses.replace(r, label="a8\nsecond line") if r.id == "a8" else r for r in icp.criteria
    )
    handbook = dataclasses.replace(loaded, icps=(dataclasses.replace(icp, criteria=criteria),))
    want = reason(handbook, evaluate(handbook, {"a": 1}, AS_OF))
    assert want == "C for p: 8 pts; a8 second line; at risk: Neg (c is huge)"
    for engine in ("duckdb", "sqlite"):
        assert _warehouse_reasons(handbook, [{"a": 1}], engine) == [want], engine


def test_a_tier_counted_while_a_cheaper_tier_above_is_unknown_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """First-match tiers out of order (validate warns, first-match-order): 'b low' counts
    4 while 'c high' above it, worth 3, is unknown; explain says the 4 is not sure."""
    root = tmp_path / "hb"
    shutil.copytree(REPO / "tests" / "corpus" / "small", root)
    profile = root / "profiles" / "icp" / "p.yaml"
    text = profile.read_text(encoding="utf-8")
    old = "{id: b-high, label: b high, when: {field: b, at_least: 10}, points: 7}"
    assert old in text
    new = "{id: b-high, label: c high, when: {field: c, at_least: 10}, points: 3}"
    profile.write_text(text.replace(old, new), encoding="utf-8")
    company = tmp_path / "c.yaml"
    company.write_text("a: 1\nb: 5\n", encoding="utf-8")
    code, said = icp(capsys, root, "explain", str(company), "--as-of", "2026-11-01")
    assert code == 0, said
    assert (
        "b low\n          B: 5, 1 or more: met, +4 (counted while 'c high' above it is unknown: "
        "met, that tier would give +3 instead)"
    ) in said, said
    company.write_text("a: 1\nb: 5\nc: 1\n", encoding="utf-8")
    code, said = icp(capsys, root, "explain", str(company), "--as-of", "2026-11-01")
    assert "counted while" not in said


def test_a_policy_gate_of_insufficient_data_names_what_it_missed(tmp_path: Path) -> None:
    """PostHog's handbook gives insufficient_data by a tier-policy gate (no headcount, no
    funding, no tags, no traffic): the reason names those fields, on every path."""
    root = REPO / "tests" / "examples" / "posthog"
    handbook = open_handbook(root)
    gate = next(g for g in handbook.policy.gates if g.id == "insufficient_data")
    rows: list[dict[str, Any]] = [{}]
    want = [reason(handbook, evaluate(handbook, c, AS_OF)) for c in rows]
    assert want[0].startswith("insufficient data: no "), want
    named = want[0].removeprefix("insufficient data: ").split(", ")
    read = [f for f in handbook.read_fields if f in condition_fields(gate.when)]
    assert named == [f"no {handbook.fields[f].label}" for f in read]
    for engine in ("duckdb",):
        assert _warehouse_reasons(handbook, rows, engine) == want, engine
    assert _crm_reasons(root, tmp_path, [{"name": "x"}]) == want


def test_a_tier_not_counted_is_not_named_in_the_reason(tmp_path: Path) -> None:
    """b=20 meets both first-match tiers of tests/corpus/small ('b high' 7, 'b low' 4);
    only 'b high' counts, and only it is named."""
    root = REPO / "tests" / "corpus" / "small"
    handbook = open_handbook(root)
    company = {"a": 1, "b": 20}
    want = reason(handbook, evaluate(handbook, company, AS_OF))
    assert want == "B for p: 10 pts; a8, b high; at risk: Neg (c is huge)", want
    for engine in ("duckdb", "sqlite"):
        assert _warehouse_reasons(handbook, [company], engine) == [want], engine
    assert _crm_reasons(root, tmp_path, [{"a": "1", "b": "20"}]) == [want]


def test_a_profile_gate_stops_its_score_and_an_undecided_one_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A profile's own gate: met, the profile reads 'not scored (status ...)' with no points
    and no subtotals; unknown, explain names it and what it lacks (text and JSON)."""
    root = tmp_path / "hb"
    shutil.copytree(REPO / "tests" / "corpus" / "small", root)
    profile = root / "profiles" / "icp" / "p.yaml"
    text = profile.read_text(encoding="utf-8")
    gate = "  gates:\n    - {status: p_blocked, label: c is 50+, when: {field: c, at_least: 50}}\n"
    profile.write_text(
        text.replace("qualification:\n", "qualification:\n" + gate), encoding="utf-8"
    )
    company = tmp_path / "c.yaml"
    company.write_text("a: 1\nc: 60\n", encoding="utf-8")
    code, said = icp(capsys, root, "explain", str(company), "--as-of", "2026-11-01")
    assert code == 0, said
    assert "ICP 'p': not scored (status p_blocked)" in said
    assert "Capped: no score" in said and "Capped: 8 points" not in said
    company.write_text("a: 1\n", encoding="utf-8")
    code, said = icp(capsys, root, "explain", str(company), "--as-of", "2026-11-01")
    assert "gate 'p_blocked' undecided (c unknown): an unknown gate stops nothing" in said
    code, said = icp(
        capsys, root, "explain", str(company), "--as-of", "2026-11-01", "--format", "json"
    )
    profile_data = json.loads(said)["verdict"]["profiles"][0]
    assert profile_data["undecided_gates"] == ["p_blocked"]
    assert [g["result"] for g in profile_data["gates"]] == ["unknown"]


def test_a_reason_says_capped_only_when_the_cap_lowered_the_tier(tmp_path: Path) -> None:
    """A D (or a C under a cap of B) with an unknown requirement was 'capped, not known:
    Country': nothing was capped. Only a score above the cap says 'capped'; the others say
    'not known', in the explaining evaluator, the warehouse SQL and icp score --crm."""
    handbook = open_handbook(REPO)
    base = {"employees": 240, "industry": "software"}
    rich = {
        **base,
        "tech_stack": frozenset({"python", "aws"}),
        "growth_rate": 25,
        "it_budget": 600_000,
        "funding_stage": "series_a",
        "services_needed": frozenset({"dedicated_team"}),
        "profitability": "profitable_growing",
    }
    rows: list[dict[str, Any]] = [rich, {**base, "tech_stack": frozenset({"python"})}]
    want = [reason(handbook, evaluate(handbook, c, AS_OF)) for c in rows]
    assert want[0].startswith("B for western-software-teams: 100 pts")
    assert want[0].endswith("; capped, not known: Country")
    assert want[1].startswith("D for western-software-teams: 15 pts")
    assert want[1].endswith("; not known: Country") and "capped" not in want[1]
    for engine in ("duckdb", "sqlite"):
        assert _warehouse_reasons(handbook, rows, engine) == want, engine
    text = [
        {k: ";".join(sorted(v)) if isinstance(v, frozenset) else str(v) for k, v in c.items()}
        for c in rows
    ]
    assert _crm_reasons(REPO, tmp_path, text) == want


def test_a_reason_names_the_unknown_disqualifier_a_tier_rests_on(tmp_path: Path) -> None:
    """Tier A for a 501-5,000 band that buys through tenders: 'over 1,000 employees and buys
    through tenders' is unknown and does not disqualify, but the reason a rep reads gave no
    hint of it; it now ends '; at risk: <portrait> (<disqualifier>)', in the explaining
    evaluator, the warehouse SQL and icp score --crm. A D, or a known headcount, says no
    such thing."""
    handbook = open_handbook(REPO)
    company: dict[str, Any] = {
        "country": "DE",
        "industry": "manufacturing",
        "annual_revenue": 50_000_000,
        "erp_deployed": True,
        "tech_stack": frozenset({"sap_erp"}),
        "it_budget": 2_000_000,
        "growth_rate": 6,
        "founded_year": 1970,
        "buys_through_tenders": True,
        "services_needed": frozenset({"document_automation"}),
    }
    rows = [
        {**company, "employees": (501, 5000)},
        {**company, "employees": 800},
        {"country": "DE", "industry": "software", "buys_through_tenders": True},
    ]
    want = [reason(handbook, evaluate(handbook, c, AS_OF)) for c in rows]
    risk = (
        "; at risk: Enterprises over 1,000 employees that buy through tenders "
        "(Over 1,000 employees and buys through tenders)"
    )
    assert want[0].startswith("A for uk-eu-manufacturers-docs") and want[0].endswith(risk)
    assert "at risk" not in want[1] and "at risk" not in want[2]
    # a warehouse table holds exact numbers: no headcount at all (capped to B) instead
    exact = [company, *rows[1:]]
    held = [reason(handbook, evaluate(handbook, c, AS_OF)) for c in exact]
    assert held[0].startswith("B for uk-eu-manufacturers-docs") and "; at risk: " in held[0]
    assert held[0].endswith(risk.removeprefix("; at risk: "))
    for engine in ("duckdb", "sqlite"):
        assert _warehouse_reasons(handbook, exact, engine) == held, engine

    def cell(v: Any) -> str:
        if isinstance(v, frozenset):
            return ";".join(sorted(v))
        if isinstance(v, tuple):
            return f"{v[0]}-{v[1]}"
        return "yes" if v is True else str(v)

    # (the third row's empty cells would read as empty sets in one CSV: left out)
    text = [{k: cell(v) for k, v in c.items()} for c in rows[:2]]
    assert _crm_reasons(REPO, tmp_path, text) == want[:2]


def test_no_profile_fits_names_the_closest_profiles_first_unmet_requirement(
    tmp_path: Path,
) -> None:
    """'D: no profile fits' never said which requirement failed; it now names the profile
    with the fewest unmet requirements (the first on a tie) and its first unmet one, in
    the explaining evaluator, the warehouse SQL and icp score --crm."""
    handbook = open_handbook(REPO)
    rows: list[dict[str, Any]] = [
        {
            "country": "DE",
            "industry": "software",
            "employees": 240,
            "tech_stack": frozenset({"java"}),
        },
        {"country": "US", "industry": "manufacturing", "employees": 240, "erp_deployed": False},
    ]
    want = [reason(handbook, evaluate(handbook, c, AS_OF)) for c in rows]
    assert want[0] == (
        "D: no profile fits (closest: western-software-teams, unmet: Builds on .NET or Python)"
    )
    assert want[1].startswith("D: no profile fits (closest: ")
    for engine in ("duckdb", "sqlite"):
        assert _warehouse_reasons(handbook, rows, engine) == want, engine
    text = [
        {k: ";".join(sorted(v)) if isinstance(v, frozenset) else str(v) for k, v in c.items()}
        for c in rows[:1]
    ]
    assert _crm_reasons(REPO, tmp_path, text) == want[:1]
