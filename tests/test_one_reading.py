"""`icp explain FILE` and `icp test` read a fixture company the same way (one reader:
`icpkit.engine.values.typed_company`), and the CRM-text route of `--set` agrees with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, TODAY
from icpkit.engine.model import Fixture
from icpkit.loading.validate import open_handbook
from icpkit.sql.companies import _as_text, from_file, from_values

HANDBOOK = open_handbook(REPO, today=TODAY)
FIXTURES = [f for f in HANDBOOK.fixtures if not f.broken]


def test_there_are_fixtures_to_compare() -> None:
    assert len(FIXTURES) >= 10


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.id)
def test_explain_reads_a_fixture_as_the_rule_tests_do(fixture: Fixture) -> None:
    name, company, unreadable, as_of = from_file(HANDBOOK, REPO / fixture.path)
    assert (name, company, unreadable) == (fixture.name, fixture.company, [])
    assert as_of == fixture.as_of


def test_explain_judges_a_fixture_as_of_its_date_as_the_rule_tests_do(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`icp explain FIXTURE` took today's date where `icp test` takes the fixture's as_of:
    with --today past a time-relative rule's window, cadence-hr got 85 points, not 100."""
    import json

    from icpkit.cli import main
    from icpkit.engine.evaluate import evaluate

    dated = [f for f in FIXTURES if f.as_of is not None]
    assert dated
    for fixture in dated:
        args = ["--root", str(REPO), "--today", "2031-01-01", "explain", str(REPO / fixture.path)]
        assert main([*args, "--format", "json"]) == 0
        shown = json.loads(capsys.readouterr().out)["verdict"]
        verdict = evaluate(HANDBOOK, fixture.company, fixture.as_of)
        assert (shown["tier"], shown["score"]) == (verdict.tier, verdict.score), fixture.id


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.id)
def test_the_same_values_as_crm_text_read_the_same(fixture: Fixture) -> None:
    """Written out as a CRM cell would hold them and parsed by the SQL layer, the values of
    every fixture come back as the typed reader made them."""
    text = {name: _as_text(_plain(value)) for name, value in fixture.company.items()}
    company, unreadable = from_values(HANDBOOK, text)
    assert unreadable == []
    assert {k: company.get(k) for k in fixture.company} == fixture.company
    # the text route also fills the set fields it was not given (an empty cell is an empty
    # set); the typed reader leaves them unknown, as `icp test` always has
    assert all(company[k] == frozenset() for k in set(company) - set(fixture.company))


def _plain(value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def test_a_fixture_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    from icpkit.errors import UsageError

    path = tmp_path / "x.yaml"
    path.write_text("kind: fixture\nname: x\ncompany:\n  employes: 40\nexpect: {tier: D}\n")
    with pytest.raises(UsageError, match=r"employes.*employees"):
        from_file(HANDBOOK, path)
