"""The command line contract: exit codes, output formats, help with examples, no tracebacks."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import click
import pytest

from conftest import REPO, TODAY
from icpkit.cli import cli, main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--today", TODAY.isoformat(), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_example_handbook_validates_strictly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(REPO), "validate", "--strict")
    assert code == 0, out
    assert "0 errors, 0 warnings; validation passed" in out


def test_the_example_handbook_is_formatted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(REPO), "fmt", "--check")
    assert code == 0, out


def test_findings_exit_1_and_usage_exits_2(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path
) -> None:
    bad = handbook_copy / "profiles" / "icp" / "broken.yaml"
    bad.write_text("kind: icp\nid: [\n")
    code, out, _ = run(capsys, "--root", str(handbook_copy), "validate")
    assert code == 1 and "broken.yaml:2:5: error found a [ opened on line 2 that is never" in out
    code, _, err = run(capsys, "--root", str(handbook_copy), "validate", "--format", "yaml")
    assert code == 2 and "Invalid value for '--format'" in err


def test_warnings_fail_only_with_strict(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path
) -> None:
    path = handbook_copy / "profiles" / "icp" / "na-saas-scaleups.yaml"
    path.write_text(
        path.read_text().replace("last_reviewed: 2026-11-09", "last_reviewed: 2025-01-01")
    )
    assert run(capsys, "--root", str(handbook_copy), "validate")[0] == 0
    code, out, _ = run(capsys, "--root", str(handbook_copy), "validate", "--strict")
    assert code == 1 and "(review-overdue)" in out


def test_validate_json_envelope_shape_is_pinned(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path
) -> None:
    (handbook_copy / "profiles" / "icp" / "typo.yaml").write_text(
        (handbook_copy / "profiles" / "icp" / "na-saas-scaleups.yaml")
        .read_text()
        .replace("id: na-saas-scaleups", "id: typo")
        .replace("status: active", "status: actve")
    )
    code, out, _ = run(capsys, "--root", str(handbook_copy), "validate", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert set(data) == {
        "version",
        "tool",
        "tool_version",
        "command",
        "ok",
        "strict",
        "summary",
        "problems",
    }
    assert data["version"] == 1 and data["command"] == "validate" and data["ok"] is False
    assert set(data["summary"]) == {"files", "errors", "warnings"}
    problem = data["problems"][0]
    assert set(problem) == {"path", "line", "column", "level", "message", "rule", "json_path"}
    assert problem["path"] == "profiles/icp/typo.yaml" and problem["json_path"] == "$.status"
    assert "did you mean 'active'?" in problem["message"]


def test_github_annotations_are_chosen_under_actions(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (handbook_copy / "profiles" / "icp" / "x.yaml").write_text("kind: icpp\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(capsys, "--root", str(handbook_copy), "validate")
    assert code == 1
    assert out.startswith("::error file=profiles/icp/x.yaml,line=1,col=7,title=schema-enum::")


def test_no_traceback_reaches_a_user(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--root", str(tmp_path), "validate")
    assert code == 2 and "Traceback" not in out + err
    assert "found no rules/vocabulary.yaml" in err


def test_new_scaffolds_a_profile_that_validates(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path
) -> None:
    for kind, ident in (("icp", "dach-logistics"), ("negative", "resellers")):
        code, out, _ = run(capsys, "--root", str(handbook_copy), "new", kind, ident)
        assert code == 0, out
    code, out, _ = run(capsys, "--root", str(handbook_copy), "validate")
    assert code == 0, out
    # the placeholders it writes fail --strict (tests/test_scaffold.py)
    assert run(capsys, "--root", str(handbook_copy), "validate", "--strict")[0] == 1
    assert run(capsys, "--root", str(handbook_copy), "fmt", "--check")[0] == 0
    code, _, err = run(capsys, "--root", str(handbook_copy), "new", "icp", "dach-logistics")
    assert code == 2 and "existing profile" in err


def test_fmt_check_names_files_and_fmt_fixes_them(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path
) -> None:
    path = handbook_copy / "rules" / "tier-policy.yaml"
    text = path.read_text()
    # unknown_cap moved (with the comment above it) before tiers: fmt moves both back
    block = text[text.index("# A company whose") : text.index("notes:")]
    assert block.endswith("unknown_cap: B\n")
    path.write_text(
        text.replace(block, "").replace("kind: tier_policy\n", "kind: tier_policy\n" + block)
    )
    code, out, _ = run(capsys, "--root", str(handbook_copy), "fmt", "--check")
    assert code == 1 and "rules/tier-policy.yaml:5: would be reformatted" in out
    assert run(capsys, "--root", str(handbook_copy), "fmt", "--diff")[0] == 0
    assert run(capsys, "--root", str(handbook_copy), "fmt")[0] == 0
    assert path.read_text() == text


def test_test_command_formats_and_failure(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "--root", str(handbook_copy), "test", "--format", "junit")
    assert code == 0 and out.startswith('<?xml version="1.0" encoding="utf-8"?>')
    fixture = handbook_copy / "tests" / "fixtures" / "companies" / "cadence-hr.yaml"
    fixture.write_text(fixture.read_text().replace("  score: 100", "  score: 90"))
    code, out, _ = run(capsys, "--root", str(handbook_copy), "test")
    assert code == 1
    assert "FAIL cadence-hr::score" in out and "expected score 90, got 100" in out
    assert "cadence-hr.yaml:20:" in out
    assert "icp test --update writes the new outcomes" in out and "/accept" in out
    # two failing expectations of one company: its verdict is printed once (it was printed
    # again for each, ~35 lines apiece)
    fixture.write_text(fixture.read_text().replace("  tier: A", "  tier: B"))
    code, out, _ = run(capsys, "--root", str(handbook_copy), "test")
    assert code == 1 and out.count("FAIL cadence-hr::") == 2, out
    assert out.count("ICP 'na-saas-scaleups'") == 1 and "(its verdict is above)" in out
    fixture.write_text(fixture.read_text().replace("  tier: B", "  tier: A"))
    code, out, _ = run(capsys, "--root", str(handbook_copy), "test", "-k", "nothing-matches")
    assert code == 1 and "no rule test ran" in out
    report = tmp_path / "report.json"
    code, _, _ = run(
        capsys, "--root", str(handbook_copy), "test", "--format", "json", "-o", str(report)
    )
    data = json.loads(report.read_text())
    # 161: the unknown-prospect fixture also expects its status (insufficient_data)
    assert data["summary"] == {"tests": 161, "passed": 160, "failed": 1, "fixtures_not_run": 0}


def test_coverage_and_mutation_on_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(REPO), "test", "--coverage", "--mutate")
    assert code == 0, out
    assert "coverage 100.0%" in out and "0 survived" in out


def test_explain_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--root",
        str(REPO),
        "explain",
        "--set",
        "country=DE",
        "--set",
        "employees=240",
        "--set",
        "industry=saas",
        "--set",
        "tech_stack=python",
        "--as-of",
        "2026-11-01",
    )
    assert code == 0
    assert "Employees: 240, between 50 and 1,000: met" in out
    assert "Employees: 240, between 100 and 500: met, +15" in out
    assert "as of 2026-11-01" in out


def test_explain_a_row_of_the_sample_export(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--root",
        str(REPO),
        "explain",
        str(REPO / "tests" / "examples" / "hubspot-export.csv"),
        "--row",
        "5",
        "--format",
        "json",
        "--as-of",
        "2026-11-01",
    )
    data = json.loads(out)
    assert code == 0 and data["verdict"]["disqualified_by"] == ["enterprise-tenders"]
    assert data["verdict"]["best_profile"] == "uk-eu-manufacturers-docs"
    assert data["verdict"]["tier"] == "D"


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ("9001,GB\n9002,US\n", "expected 1 to 2 (the export has 2 accounts)"),
        ("9001,GB\n", "expected 1 (the export has 1 account)"),
        ("", "expected an account (the export has no accounts)"),
    ],
)
def test_explain_a_row_past_the_end_says_how_many_rows_there_are(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: str, said: str
) -> None:
    export = tmp_path / "short.csv"
    export.write_text("Record ID,Country/Region\n" + rows, encoding="utf-8")
    code, _, err = run(capsys, "--root", str(REPO), "explain", str(export), "--row", "3")
    assert code == 2
    assert f"found no row 3 in {export}; {said}" in err


def test_score_exit_code_and_strict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sample = REPO / "tests" / "examples" / "hubspot-export.csv"
    code, _, err = run(
        capsys,
        "--root",
        str(REPO),
        "score",
        str(sample),
        "-o",
        str(tmp_path / "s.csv"),
        "--as-of",
        "2026-11-01",
    )
    assert code == 0 and "scored 12 accounts" in err and "row 10, column Annual Revenue" in err
    code, _, _ = run(
        capsys, "--root", str(REPO), "score", str(sample), "-o", str(tmp_path / "s.csv"), "--strict"
    )
    assert code == 1


def test_every_command_has_help_with_an_example() -> None:
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        assert command.help, name
        assert "Example" in command.help, f"icp {name} has no example in its help"


def test_help_examples_name_files_that_exist() -> None:
    """An example a user copies from --help runs on the example handbook: the files it names
    are in the repository."""
    named = 0
    for name, command in cli.commands.items():
        for path in re.findall(r"(?:tests|profiles|rules)/[\w./-]+\.\w+", command.help or ""):
            named += 1
            assert (REPO / path).exists(), f"icp {name} --help names {path}, which does not exist"
    assert named >= 4


def test_readme_is_one_screen_and_every_command_is_documented() -> None:
    """The README gets a new user going in one screen and names every command; the
    reference page (published in the handbook for editors) documents each one."""
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) <= 50
    reference = (REPO / "site_src" / "docs" / "reference" / "commands.md").read_text()
    assert "reference/commands.md" in readme
    for name in cli.commands:
        assert f"icp {name}" in readme, f"README does not mention icp {name}"
        assert f"`icp {name}" in reference, f"the reference page does not document icp {name}"


def test_a_handbook_with_errors_is_not_scored(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path, tmp_path: Path
) -> None:
    shutil.copyfile(
        REPO / "tests" / "corpus" / "validate" / "unknown-field.yaml",
        handbook_copy / "profiles" / "icp" / "bad.yaml",
    )
    code, _, err = run(
        capsys,
        "--root",
        str(handbook_copy),
        "score",
        str(REPO / "tests" / "examples" / "hubspot-export.csv"),
        "-o",
        str(tmp_path / "o.csv"),
    )
    assert code == 1 and "run icp validate" in err
    assert not (tmp_path / "o.csv").exists()


def test_explain_writes_a_year_as_a_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--root",
        str(REPO),
        "explain",
        "--set",
        "founded_year=2016",
        "--as-of",
        "2026-11-01",
    )
    assert code == 0
    assert "Founded: 2016, less than 1990" in out and "2,016" not in out and "1,990" not in out


def test_the_help_names_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    """`icp --help` lists each exit code a command can end with (130, interrupted, was only
    in the README)."""
    from icpkit.errors import ExitCode

    assert main(["--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for code in ExitCode:
        assert f"{code.value} " in text, code
    assert "130 interrupted" in text


def test_counts_are_said_in_their_number(
    capsys: pytest.CaptureFixture[str], handbook_copy: Path
) -> None:
    """Validating one file said '1 files checked'; every count printed is in its number."""
    path = handbook_copy / "profiles" / "icp" / "na-saas-scaleups.yaml"
    code, out, _ = run(capsys, "--root", str(handbook_copy), "validate", str(path))
    assert code == 0 and "1 file checked: 0 errors, 0 warnings" in out
    from icpkit.wording import counted

    assert [counted(n, "company", "companies") for n in (1, 2, 1200)] == [
        "1 company",
        "2 companies",
        "1,200 companies",
    ]
