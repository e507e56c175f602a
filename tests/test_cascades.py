"""One mistake, one error: a document that fails to load is reported once, with one note
saying how many problems elsewhere depend on it (never 15 'does not exist' errors in files
the editor did not touch, and never 'missing' for a document that exists but is invalid).

Each case in tests/corpus/replace is a broken copy of one file of the example handbook; its
first line names the file it replaces (`# replaces: rules/vocabulary.yaml`), and its
`.expected` file holds every problem of the whole handbook, one per line. Cases named
`cascade-*` plant one mistake that others depend on: exactly one error and one note.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TODAY, copy_handbook
from icpkit.loading.validate import validate
from icpkit.problems import Level

CORPUS = Path(__file__).parent / "corpus" / "replace"
CASES = sorted(CORPUS.glob("*.yaml"))


def replaced(case: Path) -> str:
    first = case.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# replaces: "), f"{case.name} does not say which file it replaces"
    return first.removeprefix("# replaces: ").strip()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_the_whole_handbook_gives_the_expected_problems(case: Path, tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "hb")
    shutil.copyfile(case, root / replaced(case))
    report = validate(root, today=TODAY)
    lines = [str(p) for p in report.sorted()]
    assert lines == case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    # a document that exists but is invalid is never reported as missing
    assert not any(p.rule == "missing-rules" for p in report.problems)
    if case.stem.startswith("cascade-"):
        assert len(report.errors) == 1
        assert [p.rule for p in report.problems if p.level is Level.NOTE] == ["dependents"]
        assert report.failed(strict=False)


def test_the_corpus_has_an_expectation_for_every_case() -> None:
    assert CASES
    for case in CASES:
        assert case.with_suffix(".expected").is_file(), case.name


POSTHOG = Path(__file__).parent / "examples" / "posthog"


def _posthog(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """A copy of the PostHog example with `edits` (file -> (old, new)) made once each."""
    root = tmp_path / "posthog"
    shutil.copytree(POSTHOG, root)
    for name, (old, new) in edits.items():
        text = (root / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (root / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def _one_error_and_its_note(root: Path) -> list[str]:
    report = validate(root, today=TODAY)
    lines = [str(p) for p in report.sorted()]
    assert len(report.errors) == 1, lines
    assert [p.rule for p in report.sorted()] == [report.errors[0].rule, "dependents"], lines
    return lines


def test_a_typo_in_a_profile_holds_back_the_fixtures_expected_groups(tmp_path: Path) -> None:
    """48 fixture expectations name a group of the PostHog profile: they wait for it."""
    root = _posthog(
        tmp_path,
        {
            "profiles/icp/fit.yaml": (
                "{field: web_traffic, at_least: 100000}",
                "{field: web_trafic, at_least: 100000}",
            )
        },
    )
    lines = _one_error_and_its_note(root)
    assert lines[0].startswith("profiles/icp/fit.yaml:73:89: error found the field 'web_trafic'")
    assert "did you mean 'web_traffic'?" in lines[0]
    assert lines[1].startswith("profiles/icp/fit.yaml:73:89: note checks of 48 things in 44 other")


def test_a_broken_tier_policy_holds_back_the_fixtures_expected_statuses(tmp_path: Path) -> None:
    root = _posthog(
        tmp_path,
        {"rules/tier-policy.yaml": ("{field: profile_found, is: false}", "{field: profile_fond}")},
    )
    lines = _one_error_and_its_note(root)
    assert lines[0].startswith("rules/tier-policy.yaml:18:")
    assert "1 thing in 1 other file" in lines[1]


def test_a_broken_tier_policy_holds_back_the_fixtures_expected_flags(tmp_path: Path) -> None:
    root = _posthog(
        tmp_path,
        {
            "rules/tier-policy.yaml": (
                "[{field: headcount, present: true}, {field: headcount, at_least: 1}]",
                "[{field: headcont, present: true}, {field: headcount, at_least: 1}]",
            )
        },
    )
    lines = _one_error_and_its_note(root)
    assert "found the field 'headcont'" in lines[0]
    assert "2 things in 2 other files" in lines[1]


def test_a_broken_profile_holds_back_only_the_statuses_of_its_own_gates(tmp_path: Path) -> None:
    """A fixture expecting a status of the failing profile's gate waits; an expected status
    no document defines is still its own error."""
    gate = (
        "qualification:\n"
        "  gates:\n"
        "    - status: not_software\n"
        "      label: Not a software company\n"
        "      when: {field: profil_found, is: false}\n"
    )
    root = _posthog(tmp_path, {"profiles/icp/fit.yaml": ("qualification:\n", gate)})
    fixtures = root / "tests" / "fixtures"
    source = (fixtures / "missing-profile-is-not-found.yaml").read_text(encoding="utf-8")
    (fixtures / "gate-status.yaml").write_text(
        source.replace('"not_found"', '"not_software"'), encoding="utf-8"
    )
    (fixtures / "typo-status.yaml").write_text(
        source.replace('"not_found"', '"not_fonud"'), encoding="utf-8"
    )
    report = validate(root, today=TODAY)
    lines = [str(p) for p in report.sorted()]
    assert sorted((p.path, p.rule) for p in report.errors) == [
        ("profiles/icp/fit.yaml", "unknown-field"),
        ("tests/fixtures/typo-status.yaml", "unknown-reference"),
    ], lines
    assert "found the status 'not_fonud'" in "\n".join(lines)
    assert "gate-status.yaml" not in "\n".join(lines)
    assert [p.rule for p in report.problems if p.level is Level.NOTE] == ["dependents"]
