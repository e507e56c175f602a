"""The example handbook's rule tests: coverage, mutations, and what plain pytest collects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, TODAY
from icpkit.engine.coverage import coverage
from icpkit.engine.mutation import mutate
from icpkit.engine.ruletests import run
from icpkit.loading.handbook import load

HANDBOOK = load(REPO).handbook


def test_the_example_ships_at_least_30_fixtures_covering_every_tier_of_every_icp() -> None:
    assert len(HANDBOOK.fixtures) >= 30
    seen = {
        (r.verdict.best_profile, r.verdict.tier)
        for r in run(HANDBOOK, today=TODAY).results
        if not r.verdict.disqualified_by
    }
    for icp in HANDBOOK.active_icps:
        for tier in "ABCD":
            assert (icp.id, tier) in seen, (icp.id, tier)


def test_every_disqualifier_and_warning_sign_fires_in_some_fixture() -> None:
    fired = {
        r.key
        for r_ in run(HANDBOOK, today=TODAY).results
        for n in r_.verdict.negatives
        for r in n.fired
    }
    for neg in HANDBOOK.active_negatives:
        for rule in neg.rules:
            assert f"{neg.id}/{rule.id}" in fired


def test_all_rule_tests_pass_and_coverage_is_complete() -> None:
    result = run(HANDBOOK, today=TODAY)
    assert result.ok and len(result.results) >= 150
    assert coverage(HANDBOOK, today=TODAY).percent == 100.0


def test_no_mutation_survives() -> None:
    results = mutate(HANDBOOK, today=TODAY)
    assert len(results) > 90
    assert [m.description for m in results if m.survived] == []


def test_a_removed_rule_is_noticed_by_a_named_fixture() -> None:
    caught = {m.description: m.caught_by for m in mutate(HANDBOOK, today=TODAY)}
    assert caught["western-software-teams/our-stack removed"] is not None


def test_plain_pytest_collects_one_item_per_expectation(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            str(REPO / "tests" / "fixtures"),
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    counts = dict(line.rsplit(": ", 1) for line in done.stdout.splitlines() if ".yaml: " in line)
    assert sum(int(n) for n in counts.values()) == len(run(HANDBOOK, today=TODAY).results)
    assert counts["tests/fixtures/companies/cadence-hr.yaml"] == "4"


def test_plain_pytest_on_a_broken_handbook_reports_it_once(tmp_path: Path) -> None:
    """A profile that does not validate: plain `pytest` ran every fixture against the half-
    loaded handbook (22 failed, 139 passed, none naming the error); it now fails once, with
    the one message `icp test` gives, and runs no rule test."""
    from conftest import copy_handbook

    root = copy_handbook(tmp_path / "hb")
    profile = root / "profiles" / "icp" / "na-saas-scaleups.yaml"
    text = profile.read_text()
    assert "points: 15" in text
    profile.write_text(text.replace("points: 15", "points: fifteen", 1))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(root / "tests" / "fixtures"),
         "-p", "no:cacheprovider", "--icp-today", "2026-11-23", "-o", "addopts="],
        capture_output=True, text=True, cwd=root,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout
    assert "1 failed" in done.stdout and "passed" not in done.stdout, done.stdout[-2000:]
    assert "the handbook has 1 error, the first: profiles/icp/na-saas-scaleups.yaml:" in (
        done.stdout
    )
