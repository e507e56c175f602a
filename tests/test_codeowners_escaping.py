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
    """A hand-edited CODEOWNERS line with an unescaped space is caught by --check, and
    regenerating writes every path as GitHub reads it."""
    shutil.copytree(REPO / ".github", handbook_copy / ".github")
    target = handbook_copy / ".github" / "CODEOWNERS"
    target.write_text(target.read_text() + "/profiles/icp/EMEA fintech.yaml @team\n")
    args = ["--root", str(handbook_copy), "codeowners"]
    assert main([*args, "--check"]) == 1
    out = capsys.readouterr().out
    assert "found 'fintech.yaml' where an owner" in out
    assert main(args) == 0
    assert "EMEA fintech" not in target.read_text()
    assert main([*args, "--check"]) == 0


def test_a_profile_file_not_named_by_its_id_is_caught_before_codeowners(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A profile's file name is its id, so no valid handbook has a profile path with a
    space: renaming the file is one error at the id, and --check fails on it."""
    shutil.copytree(REPO / ".github", handbook_copy / ".github")
    icp_dir = handbook_copy / "profiles" / "icp"
    (icp_dir / "na-saas-scaleups.yaml").rename(icp_dir / "EMEA fintech.yaml")
    assert main(["--root", str(handbook_copy), "codeowners", "--check"]) == 1
    err = capsys.readouterr().err
    assert "profiles/icp/EMEA fintech.yaml:3:5: error found the id 'na-saas-scaleups'" in err
    assert "expected the file to be named after the id (na-saas-scaleups.yaml)" in err
