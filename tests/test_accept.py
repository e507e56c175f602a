"""`icp test --update`: an intended change is accepted by rewriting the expected outcomes it
moved, keeping every comment and the layout; pinned expectations are refused.

tests/corpus/accept/<case>.yaml is a fixture with stale expectations (placed in a copy of
the example handbook); <case>.after.yaml is the file, byte for byte, after --update.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TODAY
from icpkit.cli import main

CORPUS = Path(__file__).parent / "corpus" / "accept"
CASES = sorted(p for p in CORPUS.glob("*.yaml") if not p.name.endswith(".after.yaml"))


def icp(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    code = main(["--root", str(root), "--today", TODAY.isoformat(), *args])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_update_rewrites_only_the_values(
    case: Path, handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = handbook_copy / "tests" / "fixtures" / case.name
    shutil.copyfile(case, target)
    assert icp(capsys, handbook_copy, "test")[0] == 1
    code, out = icp(capsys, handbook_copy, "test", "--update")
    assert code == 0, out
    assert target.read_bytes() == case.with_name(case.stem + ".after.yaml").read_bytes()
    assert icp(capsys, handbook_copy, "test")[0] == 0


def retune(root: Path) -> None:
    """The issue's example: one criterion retuned from 25 to 35 points."""
    profile = root / "profiles" / "icp" / "na-saas-scaleups.yaml"
    text = profile.read_text()
    assert "      points: 25\n" in text
    profile.write_text(text.replace("      points: 25\n", "      points: 35\n", 1))


def test_retuning_a_criterion_is_accepted_in_one_command(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retune(handbook_copy)
    code, out = icp(capsys, handbook_copy, "test")
    assert code == 1
    failing = [line for line in out.splitlines() if line.startswith("  ") and "::" in line]
    assert "  pinecone-martech::tier (tests/fixtures/companies/pinecone-martech.yaml:19)" in failing
    before = {p.name: p.read_text() for p in (handbook_copy / "tests" / "fixtures").rglob("*.yaml")}
    code, out = icp(capsys, handbook_copy, "test", "--update")
    assert code == 0, out
    assert (
        "updated tests/fixtures/companies/pinecone-martech.yaml:19: pinecone-martech::tier: B → A"
        in out
    )
    assert out.splitlines()[-1].startswith(f"{len(failing)} failing rule tests: {len(failing)} ")
    assert icp(capsys, handbook_copy, "test")[0] == 0
    # only the moved values changed: every other line of every fixture is as it was
    for path in (handbook_copy / "tests" / "fixtures").rglob("*.yaml"):
        old, new = before[path.name].splitlines(), path.read_text().splitlines()
        assert len(old) == len(new)
        changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
        assert all(a.split(":")[0] == b.split(":")[0] for a, b in changed)


def test_a_pinned_expectation_is_refused(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retune(handbook_copy)
    fixture = handbook_copy / "tests" / "fixtures" / "companies" / "pinecone-martech.yaml"
    original = fixture.read_text()
    fixture.write_text(original.replace("expect:\n", "pinned: [tier]\nexpect:\n"))
    code, out = icp(capsys, handbook_copy, "test", "--update")
    assert code == 1
    assert (
        "refused tests/fixtures/companies/pinecone-martech.yaml:20: pinecone-martech::tier" in out
    )
    assert "pinned" in out
    text = fixture.read_text()
    assert "  tier: B\n" in text and "  score: 80\n" in text  # the unpinned score moved


def test_a_fixture_that_does_not_pin_a_score_does_not_fail_when_only_the_score_moves(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retune(handbook_copy)
    fixture = handbook_copy / "tests" / "fixtures" / "companies" / "riverbend-data.yaml"
    text = fixture.read_text()
    assert "  score: 85\n" in text
    fixture.write_text(text.replace("  score: 85\n", ""))
    code, out = icp(capsys, handbook_copy, "test", "-k", "riverbend-data")
    assert code == 0, out
