"""CODEOWNERS that GitHub reads as meant: a profile path with a space (or #, *, [) is
escaped, and `icp codeowners --check` catches a file where it is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from icpkit.cli import main
from icpkit.codeowners import escape_path, lint


@pytest.mark.parametrize(
    ("path", "escaped"),
    [
        ("profiles/icp/EMEA fintech.yaml", "profiles/icp/EMEA\\ fintech.yaml"),
        ("profiles/icp/#1 pick.yaml", "profiles/icp/\\#1\\ pick.yaml"),
        ("profiles/icp/[draft]*.yaml", "profiles/icp/\\[draft\\]\\*.yaml"),
        ("profiles/icp/plain-name.yaml", "profiles/icp/plain-name.yaml"),
    ],
)
def test_paths_are_escaped_for_codeowners(path: str, escaped: str) -> None:
    assert escape_path(path) == escaped
    assert lint(f"/{escaped} @team\n") == []


def test_check_catches_a_path_with_an_unescaped_space(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / ".github", handbook_copy / ".github")
    icp_dir = handbook_copy / "profiles" / "icp"
    (icp_dir / "na-saas-scaleups.yaml").rename(icp_dir / "EMEA fintech.yaml")
    target = handbook_copy / ".github" / "CODEOWNERS"
    target.write_text(
        target.read_text().replace(
            "/profiles/icp/na-saas-scaleups.yaml", "/profiles/icp/EMEA fintech.yaml"
        )
    )
    args = ["--root", str(handbook_copy), "codeowners"]
    assert main([*args, "--check"]) == 1
    out = capsys.readouterr().out
    assert "found 'fintech.yaml' where an owner" in out
    assert main(args) == 0
    assert "/profiles/icp/EMEA\\ fintech.yaml @northwind-it/sales-na\n" in target.read_text()
    assert main([*args, "--check"]) == 0
