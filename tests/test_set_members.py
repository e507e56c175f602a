"""Members of a set read alike on every path (issue 16, helper findings):

- a list's member is one member: 'Health, Wellness and Fitness' in a JSON or YAML list, a
  JSON Lines array or an array column is not split at its ',' (`icp test` never split it;
  `icp explain FILE` and `icp score` did), and `validate` warns of a member operand that a
  CSV cell would split;
- a set of no members ('' or ';' in a cell, `[]` in a file, an empty array) is the empty set
  only for a field with `empty: empty_set`, and unknown otherwise, in `icp test`,
  `icp explain`, `icp score` and the warehouse SQL alike.
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
from icpkit.engine.model import Handbook
from icpkit.engine.values import typed_value
from icpkit.loading.validate import open_handbook
from icpkit.sql.companies import from_file
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engines import create_table_sql
from icpkit.sql.ir import Options, TableSpec, render

AS_OF = dt.date(2026, 11, 1)
FLAGS = """
  - {id: hw, label: hw, when: {field: tags, has_any: ['Health, Wellness and Fitness']}}
  - {id: ne_tags, label: tags known, when: {field: tags, not_empty: true}}
  - {id: ne_inv, label: inv known, when: {field: inv, not_empty: true}}
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/corpus/small (`tags` says `empty: empty_set`, `inv` does not) with flags on
    both sets."""
    out = tmp_path_factory.mktemp("members") / "hb"
    shutil.copytree(REPO / "tests" / "corpus" / "small", out)
    policy = out / "rules" / "tier-policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert text.rstrip().splitlines()[-1].startswith("  - {id: f_always")  # flags: come last
    policy.write_text(text + FLAGS.lstrip("\n"), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def handbook(root: Path) -> Handbook:
    return open_handbook(root)


def icp(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    code = main(["--root", str(root), *args])
    return code, capsys.readouterr().out


def flags(handbook: Handbook, company: dict[str, Any]) -> dict[str, bool | None]:
    return dict(evaluate(handbook, company, AS_OF).flag_values)


def test_the_policy_has_the_flags(handbook: Handbook) -> None:
    assert {"hw", "ne_tags", "ne_inv"} <= set(flags(handbook, {}))


# --- a list's member is one member ------------------------------------------------------------


def test_a_list_member_holding_a_comma_is_one_member_in_every_file(
    root: Path, handbook: Handbook, tmp_path: Path
) -> None:
    member = "Health, Wellness and Fitness"
    typed = {"a": 1, "tags": typed_value(handbook.fields["tags"], [member])}
    assert flags(handbook, typed)["hw"] is True  # as icp test reads a fixture
    as_json = tmp_path / "c.json"
    as_json.write_text(json.dumps({"a": 1, "tags": [member, "x | y"]}), encoding="utf-8")
    as_yaml = tmp_path / "c.yaml"
    as_yaml.write_text(f"a: 1\ntags:\n  - '{member}'\n  - 'a; b'\n", encoding="utf-8")
    for path in (as_json, as_yaml):
        read = from_file(handbook, path)
        assert read.company["tags"] == typed_value(
            handbook.fields["tags"], [member, "x | y" if path is as_json else "a; b"]
        ), path
        assert flags(handbook, read.company)["hw"] is True, path


def test_a_json_lines_array_member_holding_a_comma_is_one_member(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "accounts.jsonl"
    rows = [
        {"id": "x", "a": 1, "tags": ["Health, Wellness and Fitness"]},
        {"id": "y", "a": 1, "tags": ["Health", "Wellness and Fitness"]},
    ]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.csv"
    code, said = icp(capsys, root, "score", str(export), "-o", str(out), "--as-of", "2026-11-01")
    assert code == 0, said
    got = {r["id"]: r["flag_hw"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert got == {"x": "true", "y": "false"}


def test_a_csv_cell_is_still_split_and_validate_says_so(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "accounts.csv"
    export.write_text('id,a,tags\nx,1,"Health, Wellness and Fitness"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    code, said = icp(capsys, root, "score", str(export), "-o", str(out), "--as-of", "2026-11-01")
    assert code == 0, said
    assert next(csv.DictReader(out.open(encoding="utf-8")))["flag_hw"] == "false"
    code, said = icp(capsys, root, "validate")
    assert code == 0, said
    lines = [ln for ln in said.splitlines() if "(operand-splits)" in ln]
    assert len(lines) == 1, said
    assert lines[0].startswith("rules/tier-policy.yaml:") and "warning" in lines[0]
    assert "'Health, Wellness and Fitness', which holds ','" in lines[0]


# --- no members -------------------------------------------------------------------------------


def test_an_empty_list_is_the_empty_set_only_where_the_field_says_so(handbook: Handbook) -> None:
    assert typed_value(handbook.fields["tags"], []) == frozenset()
    assert typed_value(handbook.fields["inv"], []) is None
    assert typed_value(handbook.fields["inv"], ["", "  "]) is None
    company = {"a": 1, "tags": [], "inv": []}
    typed = {k: typed_value(handbook.fields[k], v) for k, v in company.items()}
    v = evaluate(handbook, typed, AS_OF)
    assert dict(v.flag_values)["ne_tags"] is False
    assert dict(v.flag_values)["ne_inv"] is None
    assert "inv" in v.unknown_fields and "tags" not in v.unknown_fields


CELLS = ["", ";", " ; ", "[]"]


@pytest.mark.parametrize("cell", CELLS)
def test_a_cell_of_no_members_reads_alike_in_score(
    root: Path, tmp_path: Path, cell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "accounts.csv"
    with export.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "a", "tags", "inv"], ["x", "1", cell, cell]])
    out = tmp_path / "out.csv"
    code, said = icp(capsys, root, "score", str(export), "-o", str(out), "--as-of", "2026-11-01")
    assert code == 0, said
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert (row["flag_ne_tags"], row["flag_ne_inv"]) == ("false", "")
    assert "inv" in row["unknown_fields"].split(";")


@pytest.mark.parametrize(
    ("engine", "sets"), [("duckdb", "text"), ("duckdb", "array"), ("sqlite", "text")]
)
def test_no_members_reads_alike_in_the_warehouse(
    handbook: Handbook, engine: str, sets: str
) -> None:
    spec = TableSpec("accounts", sets=sets)
    d = DIALECTS[engine]
    sql = render(handbook, spec, d, Options(AS_OF))
    con: Any = duckdb.connect() if engine == "duckdb" else sqlite3.connect(":memory:")
    con.execute(create_table_sql(handbook, spec, d))
    names = ["icp_id", *handbook.read_fields]
    empties: list[Any] = [[], [""]] if sets == "array" else ["", ";", " ; "]
    for i, empty in enumerate(empties):
        row = dict.fromkeys(names) | {"icp_id": str(i), "a": 1, "tags": empty, "inv": empty}
        marks = ", ".join("?" for _ in names)
        con.execute(f"INSERT INTO accounts VALUES ({marks})", [row[n] for n in names])
    cur = con.execute(sql)
    cols = [c[0] for c in cur.description]
    for got in (dict(zip(cols, r, strict=True)) for r in cur.fetchall()):
        assert got["icp_flag_ne_tags"] in (False, 0), got
        assert got["icp_flag_ne_inv"] is None, got
        assert "inv" in str(got["icp_unknown_fields"]).split(";"), got


def test_a_list_with_a_null_member_is_unknown_in_a_company_file(
    handbook: Handbook, tmp_path: Path
) -> None:
    """A YAML '- ' with nothing after it is a null member: the list is not known whole, as
    a JSON Lines list with a null is read (never a member called 'none')."""
    company = tmp_path / "c.yaml"
    company.write_text("a: 1\ninv:\n  - x\n  -\n", encoding="utf-8")
    read = from_file(handbook, company)
    assert read.company.get("inv") is None
    assert flags(handbook, read.company)["ne_inv"] is None


@pytest.mark.parametrize("cell", ["n/a", "N/A", "-", "null", "none", "[]", '""'])
@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_null_tokens_and_empty_lists_in_a_set_text_read_as_icp_score_reads_them(
    root: Path,
    handbook: Handbook,
    tmp_path: Path,
    engine: str,
    cell: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export = tmp_path / "accounts.csv"
    with export.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "a", "tags", "inv"], ["x", "1", cell, cell]])
    out = tmp_path / "out.csv"
    code, said = icp(capsys, root, "score", str(export), "-o", str(out), "--as-of", "2026-11-01")
    assert code == 0, said
    scored = next(csv.DictReader(out.open(encoding="utf-8")))
    spec = TableSpec("accounts")
    d = DIALECTS[engine]
    con: Any = duckdb.connect() if engine == "duckdb" else sqlite3.connect(":memory:")
    con.execute(create_table_sql(handbook, spec, d))
    names = ["icp_id", *handbook.read_fields]
    row = dict.fromkeys(names) | {"icp_id": "x", "a": 1, "tags": cell, "inv": cell}
    con.execute(
        f"INSERT INTO accounts VALUES ({', '.join('?' for _ in names)})", list(row.values())
    )
    cur = con.execute(render(handbook, spec, d, Options(AS_OF)))
    got = dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))
    shown = {None: "", True: "true", False: "false"}  # SQLite says 1 and 0 (equal keys)
    for flag in ("ne_tags", "ne_inv"):
        assert shown[got[f"icp_flag_{flag}"]] == scored[f"flag_{flag}"], (flag, got, scored)
    assert scored["flag_ne_inv"] == ""  # never a member called 'n/a'
    # a cell that holds nothing is unknown, not unreadable, in both
    assert (got["icp_unreadable_fields"] or "") == scored["unreadable_fields"] == ""
    for cells in (["", ";", " ; ", " "], ["n/a", ""]):
        con.execute("DELETE FROM accounts")
        for i, held in enumerate(cells):
            values = dict(row) | {"icp_id": str(i), "tags": held, "inv": held}
            con.execute(
                f"INSERT INTO accounts VALUES ({', '.join('?' for _ in names)})",
                list(values.values()),
            )
        got_all = con.execute(render(handbook, spec, d, Options(AS_OF))).fetchall()
        col = [c[0] for c in cur.description].index("icp_unreadable_fields")
        assert [r[col] for r in got_all] == [None] * len(cells)


#: arrays as a table or an export holds them, and what each reads as: a ';' inside a
#: member is part of it (one member), a null member leaves the set unknown, even where the
#: field's empty set is a value (`tags`)
ARRAYS: list[tuple[list[str | None], bool | None, bool | None]] = [
    # (tags, flag hw, flag ne_tags)
    (["Health; Wellness and Fitness"], True, True),
    (["AI", "Health;Wellness and Fitness"], True, True),
    (["Health, Wellness and Fitness", None], None, None),
    ([None], None, None),
    ([None, ""], None, None),
    (["AI"], False, True),
]


def _array_flags(got: dict[str, Any], prefix: str) -> list[Any]:
    return [got[f"{prefix}hw"], got[f"{prefix}ne_tags"]]


def test_an_array_member_is_one_member_in_the_warehouse(handbook: Handbook) -> None:
    """Helper finding (session 8): the warehouse SQL read an array member holding ';' as
    an unknown set and ignored a null member; the evaluator reads the first as one member
    and the second as a set not known whole."""
    spec = TableSpec("accounts", sets="array")
    d = DIALECTS["duckdb"]
    con = duckdb.connect()
    con.execute(create_table_sql(handbook, spec, d))
    names = ["icp_id", *handbook.read_fields]
    for i, (tags, _, _) in enumerate(ARRAYS):
        row = dict.fromkeys(names) | {"icp_id": str(i), "a": 1, "tags": tags, "inv": [None]}
        con.execute(
            f"INSERT INTO accounts VALUES ({', '.join('?' for _ in names)})",
            [row[n] for n in names],
        )
    cur = con.execute(render(handbook, spec, d, Options(AS_OF)) + " ORDER BY 1")
    cols = [c[0] for c in cur.description]
    got = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    assert [_array_flags(g, "icp_flag_") for g in got] == [[hw, ne] for _, hw, ne in ARRAYS]
    assert all(g["icp_flag_ne_inv"] is None for g in got)
    # a null member leaves the set unknown, not unreadable, as icp score reads it
    assert all(g["icp_unreadable_fields"] is None for g in got)
    for g, (_, _, ne) in zip(got, ARRAYS, strict=True):
        assert ("tags" in str(g["icp_unknown_fields"]).split(";")) == (ne is None), g


def test_an_array_member_is_one_member_in_score_and_explain(
    root: Path, handbook: Handbook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same arrays in a Parquet export (`icp score`) and a JSON company file (`icp
    explain`): the evaluator's reading, which the warehouse SQL now shares."""
    export = tmp_path / "accounts.parquet"
    con = duckdb.connect()
    con.execute("CREATE TABLE t (id VARCHAR, a INTEGER, tags VARCHAR[], inv VARCHAR[])")
    for i, (tags, _, _) in enumerate(ARRAYS):
        con.execute("INSERT INTO t VALUES (?, 1, ?, [NULL])", [str(i), tags])
    con.execute(f"COPY t TO '{export}' (FORMAT parquet)")
    out = tmp_path / "out.csv"
    code, said = icp(capsys, root, "score", str(export), "-o", str(out), "--as-of", "2026-11-01")
    assert code == 0, said
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    words = {"true": True, "false": False, "": None}
    got = [[words[r["flag_hw"]], words[r["flag_ne_tags"]]] for r in rows]
    assert got == [[hw, ne] for _, hw, ne in ARRAYS]
    assert {r["flag_ne_inv"] for r in rows} == {""}
    assert {r["unreadable_fields"] for r in rows} == {""}
    for i, (tags, hw, ne) in enumerate(ARRAYS):
        company = tmp_path / f"c{i}.json"
        company.write_text(json.dumps({"a": 1, "tags": tags, "inv": [None]}), encoding="utf-8")
        read = from_file(handbook, company)
        assert _array_flags(flags(handbook, read.company), "") == [hw, ne], tags


def test_an_unrecognised_member_leaves_the_others_known_in_explain(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A data engineer's HubSpot export (fault report): one tool the vocabulary does not
    track made the whole tech stack unknown ('Tech stack: unknown, includes any of .NET,
    Python: unknown'), .NET thrown away. The recognised members are known members, the
    other an unknown member, said by name; a test the known ones do not decide is unknown."""
    code, out = icp(
        capsys,
        REPO,
        "explain",
        "--set",
        "country=GB",
        "--set",
        "tech_stack=.NET; Azure; Google Analytics",
        "--set",
        "employees=200",
        "--set",
        "industry=software",
    )
    assert code == 0, out
    shown = "Tech stack: .NET, Azure and 1 unrecognised: 'Google Analytics'"
    assert f"{shown}, includes any of .NET, Python: met" in out
    assert f"{shown}, includes any of SAP, Dynamics 365: unknown" in out
    assert "unknown: " in out and "tech_stack" not in out.split("unknown: ", 1)[1].split("\n")[0]
    assert "unrecognised members in '.NET; Azure; Google Analytics'" in out
    assert "unreadable (counted as unknown)" not in out
    code, out = icp(
        capsys, REPO, "explain", "--set", "tech_stack=.NET; Google Analytics", "--format", "json"
    )
    said = json.loads(out)
    assert said["verdict"]["unknown_fields"].count("tech_stack") == 0
