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
from pathlib import Path

import duckdb
import pytest

from conftest import REPO
from icpkit.cli import main
from icpkit.engine.evaluate import evaluate
from icpkit.engine.explain import undecided_gates, verdict_data
from icpkit.loading.validate import open_handbook
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engines import create_table_sql
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
