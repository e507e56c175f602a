"""`icp export dbt DIR` writes a model that `dbt build` (dbt-duckdb, for real) builds and tests,
with the same verdicts as the explaining evaluator."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import REPO
from icpkit.cli import main
from icpkit.engine.model import Handbook
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engines import column_types, create_table_sql, to_row
from icpkit.sql.ir import TableSpec
from test_backends_agree import PH
from test_warehouse_parity import expected
from test_warehouse_score import ACCOUNTS, AS_OF, HANDBOOK, IDS

POSTHOG = REPO / "tests" / "examples" / "posthog"


def dbt_command() -> str:
    """dbt lives in its own environment (scripts/setup.sh makes .venv-dbt: dbt-core pins
    libraries the project's linters need newer)."""
    for candidate in (
        os.environ.get("ICP_DBT"),
        str(REPO / (os.environ.get("ICP_VENV", ".venv") + "-dbt") / "bin" / "dbt"),
        shutil.which("dbt"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    raise AssertionError("dbt not found: run scripts/setup.sh (it creates .venv-dbt)")


def build_export(
    tmp_path: Path,
    root: Path,
    handbook: Handbook,
    accounts: dict[str, dict[str, Any]],
    *,
    id_column: str = "account_id",
    files: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """`icp export dbt` for the handbook at `root`, `dbt build` on dbt-duckdb over a table of
    `accounts` (id -> typed company) whose id column is `id_column`, in a project that has
    `files` already (relative path -> text); the rows of the built view by id."""
    project = tmp_path / "analytics"
    project.mkdir()
    (project / "dbt_project.yml").write_text(
        "name: icp_demo\nversion: '1.0'\nconfig-version: 2\nprofile: icp_demo\n"
        "model-paths: [models]\n"
    )
    (project / "profiles.yml").write_text(
        "icp_demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {tmp_path / 'warehouse.duckdb'}\n      threads: 1\n"
    )
    for rel, text in (files or {}).items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    spec = TableSpec("crm.accounts", id_column=id_column)
    d = DIALECTS["duckdb"]
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA crm")
    con.execute(create_table_sql(handbook, spec, d))
    marks = ", ".join("?" for _ in column_types(handbook, spec, d))
    con.executemany(
        f"INSERT INTO crm.accounts VALUES ({marks})",
        [to_row(handbook, spec, d, i, c) for i, c in accounts.items()],
    )
    con.close()

    args = ["--root", str(root), "export", "dbt", str(project), "--source", "crm.accounts"]
    args += ["--id-column", id_column]
    assert main([*args, "--as-of", AS_OF.isoformat()]) == 0
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    proc = subprocess.run(
        [dbt_command(), "build", "--project-dir", str(project), "--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    # the view and its eight tests: id not null and unique; status not null and accepted; tier
    # and score not null where the status gives them, tier accepted
    assert "PASS=9" in proc.stdout, proc.stdout[-2000:]

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    cur = con.execute("SELECT * FROM main.icp_scores")
    names = [c[0] for c in cur.description]
    return {r[0]: dict(zip(names[1:], r[1:], strict=True)) for r in cur.fetchall()}


def test_dbt_build_runs_the_exported_model(tmp_path: Path) -> None:
    got = build_export(tmp_path, REPO, HANDBOOK, dict(zip(IDS, ACCOUNTS, strict=True)))
    # an account here has insufficient data: no tier, no score, and the schema tests pass
    assert any(expected(HANDBOOK, c, AS_OF)["icp_status"] == "insufficient_data" for c in ACCOUNTS)
    for ident, company in zip(IDS, ACCOUNTS, strict=True):
        assert got[ident] == expected(HANDBOOK, company, AS_OF), ident


def test_dbt_build_runs_the_posthog_example(tmp_path: Path) -> None:
    """Text tests (AI words, a `.ai` domain) and capped groups render for dbt-duckdb, and the
    built view gives explain's verdicts and group subtotals."""
    accounts: dict[str, dict[str, Any]] = {
        "p1": {"description": "Café IA: AI-powered ML pipelines", "signup_domain": "acme.ai"},
        "p2": {"description": "Développeur", "headcount": 40, "engineering_headcount": 12},
        "p3": {"tags": frozenset({"saas"}), "web_traffic": 250_000, "profile_found": True},
        "p4": {},
    }
    got = build_export(tmp_path, POSTHOG, PH, accounts)
    for ident, company in accounts.items():
        assert got[ident] == expected(PH, company, AS_OF), ident


def test_export_needs_one_input(tmp_path: Path) -> None:
    assert main(["--root", str(REPO), "export", "dbt", str(tmp_path)]) == 2


def test_export_keeps_every_layout_option_of_the_table(tmp_path: Path) -> None:
    """`icp export dbt --parse-text` renders the query `icp sql --parse-text` renders (the
    model lost the number reading: the spec was rebuilt field by field, without `numbers`)."""
    from icpkit.sql.dbt import PLACEHOLDER, export
    from icpkit.sql.ir import Options, render

    spec = TableSpec("crm.accounts", numbers="text", dates="text", flags="text")
    [model, *_] = export(
        HANDBOOK, tmp_path, dialect_name="duckdb", spec=spec, source="crm.accounts", as_of=AS_OF
    )
    wanted = render(
        HANDBOOK, TableSpec(PLACEHOLDER, numbers="text", dates="text", flags="text"),
        DIALECTS["duckdb"], Options(AS_OF),
    )  # fmt: skip
    relation = '{{ source("crm", "accounts") }}'
    body = model.read_text()
    assert wanted.replace(PLACEHOLDER, relation) in body
    assert "icp__n" in body  # the layers that read numbers from text


def test_dbt_build_with_the_projects_own_source_and_a_quoted_id(tmp_path: Path) -> None:
    """The project declares the source `crm.accounts` already (a second declaration broke
    `dbt build`: the export reads the project's), and the id column is `Record ID` (dbt's
    tests quote it: `quote: true`)."""
    own = "version: 2\nsources:\n  - name: crm\n    tables:\n      - name: accounts\n"
    accounts = dict(zip(IDS, ACCOUNTS, strict=True))
    got = build_export(
        tmp_path,
        REPO,
        HANDBOOK,
        accounts,
        id_column="Record ID",
        files={"models/staging/sources.yml": own},
    )
    schema = (tmp_path / "analytics" / "models" / "icp" / "schema.yml").read_text()
    assert "sources:" not in schema and "quote: true" in schema
    for ident, company in accounts.items():
        assert got[ident] == expected(HANDBOOK, company, AS_OF), ident


def test_a_source_declared_with_other_tables_is_declared_here(tmp_path: Path) -> None:
    """Another table of the same source, declared elsewhere, is no conflict for dbt: the
    export declares its own table."""
    other = tmp_path / "models" / "staging" / "sources.yml"
    other.parent.mkdir(parents=True)
    other.write_text("version: 2\nsources:\n  - name: crm\n    tables:\n      - name: deals\n")
    assert (
        main(["--root", str(REPO), "export", "dbt", str(tmp_path), "--source", "crm.accounts"]) == 0
    )
    schema = (tmp_path / "models" / "icp" / "schema.yml").read_text()
    assert 'sources:\n  - name: "crm"\n    tables:\n      - name: "accounts"' in schema


@pytest.mark.parametrize("model", ["../..", "../escape", "a/b", "", "1st", "scores.v2"])
def test_a_model_name_with_path_parts_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str
) -> None:
    project = tmp_path / "p" / "analytics"
    args = ["--root", str(REPO), "export", "dbt", str(project), "--source", "crm.accounts"]
    assert main([*args, "--model", model]) == 2
    assert "expected a plain name" in capsys.readouterr().err
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_the_model_and_its_schema_are_written_together_or_not_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When schema.yml cannot be written (a folder in its place), the model is not written
    either: a model without its tests, or with the tests of an older export, is a
    half-written export. The message names the path; the earlier model is left as it was."""
    folder = tmp_path / "models" / "icp"
    (folder / "schema.yml").mkdir(parents=True)
    old = folder / "icp_scores.sql"
    old.write_text("-- an earlier export\n", encoding="utf-8")
    args = ["--root", str(REPO), "export", "dbt", str(tmp_path), "--source", "crm.accounts"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"cannot write {folder / 'schema.yml'}" in err and "Traceback" not in err
    assert old.read_text(encoding="utf-8") == "-- an earlier export\n"
    assert sorted(p.name for p in folder.iterdir()) == ["icp_scores.sql", "schema.yml"]


def test_a_folder_that_is_no_dbt_project_gets_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The model is written into any folder, but one with no dbt_project.yml is said (dbt,
    run elsewhere, would not find it); a dbt project's folder gets no note."""
    args = ["--root", str(REPO), "export", "dbt"]
    assert main([*args, str(tmp_path / "loose"), "--source", "crm.accounts"]) == 0
    err = capsys.readouterr().err
    assert "has no dbt_project.yml" in err and (tmp_path / "loose/models/icp").is_dir()
    project = tmp_path / "analytics"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: analytics\nversion: '1'\n")
    assert main([*args, str(project), "--source", "crm.accounts"]) == 0
    assert capsys.readouterr().err == ""
