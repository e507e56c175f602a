"""Interrupted and killed runs leave nothing behind; an interruption is said as such."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from icpkit import cli
from icpkit.atomic import remove_leftovers

BENCH = REPO / "tests" / "bench" / "handbook"
ICP = [sys.executable, "-c", "import sys; from icpkit.cli import main; sys.exit(main())"]


def big_export(path: Path, rows: int = 600_000) -> Path:
    line = "ACC{0:08d},Name,DE,{1},1234567.5,software,python;aws,series_a,2010,50000.5,true,12.5\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "account_id,name,country,employees,annual_revenue_usd,industry,tech_stack,"
            "funding_stage,founded_year,it_budget_usd,has_erp,growth_rate_pct\n"
        )
        handle.writelines(line.format(i, 50 + i % 900) for i in range(rows))
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_export(tmp_path_factory.mktemp("big") / "accounts.csv")


def ours(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".icp-" in p.name)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_score_removes_temporary_files_and_exits_130(
    export: Path, tmp_path: Path, signum: int
) -> None:
    out = tmp_path / "out" / "scores.csv"
    proc = subprocess.Popen(
        [*ICP, "--root", str(BENCH), "score", str(export), "-o", str(out), "--as-of", "2026-11-01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.parent.is_dir() and ours(out.parent)):
        time.sleep(0.02)
    assert ours(out.parent), "the run never started writing"
    time.sleep(0.3)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "internal error" not in err
    assert ours(out.parent) == [] and not out.exists()


def test_the_next_run_removes_what_a_killed_run_left_and_nothing_else(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = [
        f".scores.csv.icp-{dead.pid}-k2j4h_a1.tmp",
        f"tmp_.scores.csv.icp-{dead.pid}-k2j4h_a1.tmp",
        f".accounts.csv.icp-{dead.pid}-input.tmp",
    ]
    kept = [
        "scores.csv",
        ".notes.tmp",
        "tmp_report.csv",
        f".scores.csv.icp-{os.getpid()}-running1.tmp",  # a run still going
        f".scores.csv.icp-{dead.pid}-x.tmp.keep",
    ]
    for name in left + kept:
        (tmp_path / name).write_text("x")
    removed = remove_leftovers(tmp_path)
    assert sorted(p.name for p in removed) == sorted(left)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


def test_the_provenance_file_has_the_output_s_mode(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("Record ID,Country/Region,Number of Employees\n1,DE,240\n", encoding="utf-8")
    out = tmp_path / "scores.csv"
    code = cli.main(["--root", str(REPO), "score", str(src), "-o", str(out)])
    assert code == 0
    side = Path(f"{out}.provenance.json")
    assert stat.S_IMODE(side.stat().st_mode) == stat.S_IMODE(out.stat().st_mode)


def test_crm_import_files_have_a_new_file_s_mode(tmp_path: Path) -> None:
    """`icp score --crm hubspot` wrote the import CSV, its provenance and the property
    definitions with mkstemp's private mode 0600, where `icp score` writes 0644."""
    mask = os.umask(0o022)
    try:
        out = tmp_path / "icp.csv"
        src = REPO / "tests" / "examples" / "hubspot-export.csv"
        code = cli.main(
            ["--root", str(REPO), "score", str(src), "-o", str(out), "--crm", "hubspot"]
        )
        assert code == 0
        written = [out, Path(f"{out}.provenance.json"), tmp_path / "icp.hubspot-properties.json"]
        assert [stat.S_IMODE(p.stat().st_mode) for p in written] == [0o644] * 3
    finally:
        os.umask(mask)


def test_ctrl_c_is_an_interruption_not_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import icpkit.sql.scoring

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(icpkit.sql.scoring, "score", interrupted)
    src = tmp_path / "in.csv"
    src.write_text("Record ID\n1\n", encoding="utf-8")
    code = cli.main(["--root", str(REPO), "score", str(src), "-o", str(tmp_path / "o.csv")])
    assert code == 130
    assert capsys.readouterr().err.strip() == "interrupted"


def test_what_icp_writes_is_readable_by_others_as_the_umask_says(tmp_path: Path) -> None:
    """Written through a 0o600 temporary file, an output would stay unreadable to a web
    server or a colleague: new files get the umask's mode (0o644 under 022), a replaced file
    keeps its own, and the built site's folder is 0o755."""
    old = os.umask(0o022)
    try:
        sql = tmp_path / "icp.sql"
        assert cli.main(["--root", str(REPO), "sql", "--dialect", "duckdb", "--table", "t",
                         "-o", str(sql)]) == 0  # fmt: skip
        dbt = tmp_path / "dbt"
        assert cli.main(["--root", str(REPO), "export", "dbt", str(dbt), "--source", "crm.a"]) == 0
        src = tmp_path / "in.csv"
        src.write_text("Record ID,Country/Region\n1,DE\n", encoding="utf-8")
        out = tmp_path / "scores.csv"
        assert cli.main(["--root", str(REPO), "score", str(src), "-o", str(out)]) == 0
        written = [sql, *[p for p in dbt.rglob("*") if p.is_file()], out]
        written.append(Path(f"{out}.provenance.json"))
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in written} == {
            p.name: 0o644 for p in written
        }
        out.chmod(0o640)
        assert cli.main(["--root", str(REPO), "score", str(src), "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
        assert stat.S_IMODE(Path(f"{out}.provenance.json").stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_the_built_site_folder_is_readable_by_others(tmp_path: Path) -> None:
    from icpkit.site.build import build_site

    old = os.umask(0o022)
    try:
        site = tmp_path / "site"
        build_site(REPO, site_dir=site)
        assert stat.S_IMODE(site.stat().st_mode) == 0o755
        assert stat.S_IMODE((site / "index.html").stat().st_mode) == 0o644
    finally:
        os.umask(old)
