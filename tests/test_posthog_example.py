"""The second example handbook: PostHog's public ICP fit score v0.5, expressed exactly.

Every public v0.5 test case is a fixture under tests/examples/posthog/tests/fixtures/
(the pytest plugin runs each expectation as its own test). Here: the rule tests pass as
`icp test` runs them, and the bulk scorer reads the same companies from a CRM-style CSV
(text cells, one normalisation) and gives every one the same status, score, flags and
group subtotals as the row-by-row evaluator.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import REPO
from icpkit.cli import cli
from icpkit.engine.evaluate import evaluate
from icpkit.engine.ruletests import run
from icpkit.loading.handbook import load
from icpkit.sql.scoring import ScoreOptions, score

ROOT = REPO / "tests" / "examples" / "posthog"
LOADED = load(ROOT)
HANDBOOK = LOADED.handbook
AS_OF = dt.date(2026, 11, 1)
RAW = {f.path: f for f in HANDBOOK.fixtures}


def test_the_example_validates_cleanly() -> None:
    assert [str(p) for p in LOADED.report.problems] == []


def test_every_public_case_is_a_fixture_and_passes() -> None:
    result = run(HANDBOOK, today=AS_OF)
    assert len(HANDBOOK.fixtures) == 62
    assert result.ok, [r.message for r in result.failed]


@pytest.mark.parametrize(
    ("company", "low"),
    [
        # funding or investors is one of the four core signals (PostHog's coverage counter)
        ({"funding_total": 3_000_000, "investors": frozenset({"acme_ventures"})}, True),
        ({"funding_total": 3_000_000, "investors": frozenset(), "headcount": 5}, False),
        ({"investors": frozenset({"acme_ventures"}), "tags": frozenset({"saas"})}, False),
    ],
)
def test_low_confidence_counts_funding_or_investors_as_one_signal(
    company: dict[str, Any], low: bool
) -> None:
    company = {"profile_found": True, "company_type": "startup", **company}
    assert evaluate(HANDBOOK, company, AS_OF).flag_values["low_confidence"] is low


def test_icp_test_passes_from_the_command_line() -> None:
    out = CliRunner().invoke(cli, ["--root", str(ROOT), "test"])
    assert out.exit_code == 0, out.output
    assert "0 failed" in out.output


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, frozenset | set | list | tuple):
        return ";".join(sorted(str(v) for v in value))
    return str(value)


def _raw_company(path: str) -> dict[str, Any]:
    """The fixture's company as written in its YAML (set members as written, not normal)."""
    from icpkit.loading.yamlio import load_file

    data = load_file(ROOT / path, path).data
    assert isinstance(data, dict)
    company = data["company"]
    assert isinstance(company, dict)
    return company


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    folder = tmp_path_factory.mktemp("posthog")
    names = list(HANDBOOK.fields)
    src = folder / "signups.csv"
    with src.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organization_id", *names])
        for fx in HANDBOOK.fixtures:
            raw = _raw_company(fx.path)
            writer.writerow([fx.path, *(_cell(raw.get(n)) for n in names)])
    out = folder / "scored.csv"
    score(HANDBOOK, ScoreOptions(src, out, AS_OF, per_profile=True))
    with out.open(newline="") as handle:
        return {row["organization_id"]: row for row in csv.DictReader(handle)}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_the_bulk_scorer_agrees_with_the_evaluator_on_every_case(
    scored: dict[str, dict[str, str]],
) -> None:
    for fx in HANDBOOK.fixtures:
        row = scored[fx.path]
        v = evaluate(HANDBOOK, fx.company, AS_OF)
        assert row["status"] == v.status, fx.path
        assert row["score"] == _text(v.score), fx.path
        assert row["tier"] == _text(v.tier), fx.path
        for flag, value in v.flag_values.items():
            assert row[f"flag_{flag}"] == _text(value), (fx.path, flag)
        best = v.profiles[0]
        for group, points in best.groups:
            want = _text(points if v.shows_score(best) else None)
            assert row[f"fit_{group}"] == want, (fx.path, group)


def test_the_output_has_status_flags_and_group_columns(
    scored: dict[str, dict[str, str]],
) -> None:
    row = scored["tests/fixtures/archetype-scores-100.yaml"]
    assert (row["status"], row["score"], row["fit_capital"], row["flag_quality_investor"]) == (
        "scored",
        "100",
        "30",
        "true",
    )
    gated = scored["tests/fixtures/empty-shell-is-insufficient-data.yaml"]
    assert (gated["status"], gated["score"], gated["tier"]) == ("insufficient_data", "", "")
    assert gated["flag_low_confidence"] == ""  # shown only when scored


def test_explain_shows_the_status_and_no_score(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        cli,
        [
            "--root",
            str(ROOT),
            "explain",
            str(ROOT / "tests/fixtures/missing-profile-is-not-found.yaml"),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "No score, status not_found" in out.output


def _copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "hb"
    shutil.copytree(ROOT, root)
    return root


def _problems(root: Path) -> list[str]:
    from icpkit.loading.validate import validate

    return [str(p) for p in validate(root, today=dt.date(2026, 11, 23)).problems]


def test_validate_reports_a_gate_every_company_meets(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    policy = root / "rules" / "tier-policy.yaml"
    policy.write_text(
        policy.read_text().replace(
            "when: {field: profile_found, is: false}",
            "when: {any: [{field: headcount, present: true}, {field: headcount, missing: true}]}",
        )
    )
    assert _problems(root) == [
        "rules/tier-policy.yaml:21:11: error found the gate 'not_found' met by every company; "
        "expected a condition some company fails, or no company would ever be scored "
        "(gate-always-true)"
    ]


def test_validate_reports_a_word_with_no_letter(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    profile = root / "profiles" / "icp" / "fit.yaml"
    profile.write_text(profile.read_text().replace("mentions: [ai, ", "mentions: ['...', "))
    # one mistake, one error: the fixtures' groups of the profile wait for it (one note)
    assert _problems(root) == [
        "profiles/icp/fit.yaml:123:28: error found '...', which has no "
        "letter or digit; expected a word or phrase (case, accents and punctuation are ignored) "
        "(empty-words)",
        "profiles/icp/fit.yaml:123:28: note this file's other checks and the checks of 48 "
        "things in 44 other files that use it wait until the error above is fixed; they are "
        "not more errors (dependents)",
    ]
