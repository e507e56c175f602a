"""`icp new` writes placeholders an editor must replace: they fail `validate --strict`, an
active profile cannot keep them, and so no placeholder rule ever scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TODAY
from icpkit.cli import main
from icpkit.loading.validate import validate


def icp(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    code = main(["--root", str(root), "--today", TODAY.isoformat(), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_placeholders_fail_strict_at_their_lines(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert icp(capsys, handbook_copy, "new", "icp", "dach-logistics")[0] == 0
    report = validate(handbook_copy, today=TODAY)
    placeholders = [p for p in report.problems if p.rule == "placeholder"]
    assert not report.failed(strict=False) and report.failed(strict=True)
    where = {(p.json_path, p.line) for p in placeholders}
    assert ("$.owners[0]", 13) in where and ("$.summary", 24) in where
    assert ("$.contact.name", 17) in where and ("$.contact.chat", 18) in where
    assert ("$.qualification.criteria[0].id", 73) in where
    text = (handbook_copy / "profiles" / "icp" / "dach-logistics.yaml").read_text()
    assert "    # positives:\n    #   - text: 50 to 500 employees\n" in text


def test_an_active_profile_cannot_keep_a_placeholder_rule_so_it_never_scores(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert icp(capsys, handbook_copy, "new", "icp", "dach-logistics")[0] == 0
    path = handbook_copy / "profiles" / "icp" / "dach-logistics.yaml"
    path.write_text(path.read_text().replace("status: draft", "status: active"))
    report = validate(handbook_copy, today=TODAY)
    assert {p.json_path for p in report.errors if p.rule == "placeholder"} >= {
        "$.qualification.criteria[0].id",
        "$.qualification.requirements[0].id",
    }
    code, out = icp(capsys, handbook_copy, "explain", "--set", "country=DE")
    assert code != 0 and "placeholder" in out


def test_a_negative_portrait_scaffold_is_flagged_too(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert icp(capsys, handbook_copy, "new", "negative", "resellers")[0] == 0
    report = validate(handbook_copy, today=TODAY)
    assert any(
        p.rule == "placeholder" and p.json_path == "$.disqualifiers[0].id" for p in report.warnings
    )
