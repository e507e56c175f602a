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
    assert lines[1].startswith(
        "profiles/icp/fit.yaml:73:89: note this file's other checks and the checks of 48 things"
    )


def test_a_broken_tier_policy_holds_back_the_fixtures_expected_statuses(tmp_path: Path) -> None:
    root = _posthog(
        tmp_path,
        {"rules/tier-policy.yaml": ("{field: profile_found, is: false}", "{field: profile_fond}")},
    )
    lines = _one_error_and_its_note(root)
    assert lines[0].startswith("rules/tier-policy.yaml:21:")
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


def _typo(tmp_path: Path, source: Path | None, name: str, old: str, new: str) -> list[str]:
    """A copy of a handbook (the repository's when `source` is None) with one id renamed
    where it is defined: exactly one error and one note."""
    if source is None:
        root = copy_handbook(tmp_path / "hb")
    else:
        root = tmp_path / "hb"
        shutil.copytree(source, root)
    text = (root / name).read_text(encoding="utf-8")
    assert old in text, (name, old)
    (root / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return _one_error_and_its_note(root)


def test_a_renamed_group_is_one_error_not_one_per_fixture(tmp_path: Path) -> None:
    lines = _typo(
        tmp_path, POSTHOG, "profiles/icp/fit.yaml", "- group: ai-pilled", "- group: ai-piled"
    )
    assert "found the group 'fit/ai-pilled', which does not exist" in lines[0]
    assert "(did you mean 'fit/ai-piled'?) (and 5 other references: tests/fixtures/" in lines[0]
    assert "note 5 other references to the same id in 5 other files wait" in lines[1]


def test_a_renamed_criterion_holds_back_the_fixtures_naming_it(tmp_path: Path) -> None:
    lines = _typo(
        tmp_path,
        None,
        "profiles/icp/western-software-teams.yaml",
        "- id: mid-size",
        "- id: mid-sise",
    )
    assert lines[0].startswith(
        "profiles/icp/western-software-teams.yaml:47:15: error found the rule 'mid-size'"
    )
    assert "(and 4 other references: tests/fixtures/companies/atlas-cloud.yaml," in lines[0]
    assert lines[1].startswith("profiles/icp/western-software-teams.yaml:47:15: note 4 other")


def test_a_renamed_warning_sign_is_one_error(tmp_path: Path) -> None:
    lines = _typo(
        tmp_path,
        None,
        "profiles/negative/churn-risk-startups.yaml",
        "- id: loss-making",
        "- id: loss-makin",
    )
    assert "found the rule 'churn-risk-startups/loss-making'" in lines[0]
    assert "(and 1 other reference: tests/fixtures/companies/copperleaf-software.yaml)" in lines[0]
    assert "note 1 other reference to the same id in 1 other file waits" in lines[1]


def test_a_renamed_segment_is_one_error_with_every_check_waiting_on_it(tmp_path: Path) -> None:
    lines = _typo(
        tmp_path, POSTHOG, "rules/segments.yaml", "- id: quality-capital", "- id: quality-captal"
    )
    assert lines[0].startswith("profiles/icp/fit.yaml:112:27: error found the segment")
    assert "(and 1 other reference: rules/tier-policy.yaml)" in lines[0]
    assert "1 other reference to the same id and the checks of 59 things" in lines[1]


def test_a_renamed_flag_is_one_error(tmp_path: Path) -> None:
    lines = _typo(
        tmp_path, POSTHOG, "rules/tier-policy.yaml", "- id: low_confidence", "- id: low-confidence"
    )
    assert "found the flag 'low_confidence', which does not exist" in lines[0]
    assert "(and 1 other reference: tests/fixtures/low-confidence--thin-coverage.yaml)" in lines[0]


def test_a_renamed_profile_is_one_error_with_its_rules_references_waiting(tmp_path: Path) -> None:
    # the id and the file renamed together, as the web editor does: every fixture still names
    # the old id, alone ('western-software-teams') or in a rule ('western-software-teams/x')
    root = copy_handbook(tmp_path / "hb")
    old = root / "profiles/icp/western-software-teams.yaml"
    text = old.read_text(encoding="utf-8")
    old.unlink()
    (root / "profiles/icp/western-software.yaml").write_text(
        text.replace("id: western-software-teams", "id: western-software", 1), encoding="utf-8"
    )
    lines = _one_error_and_its_note(root)
    assert "found the ICP 'western-software-teams', which does not exist" in lines[0]
    assert "(did you mean 'western-software'?)" in lines[0]
    assert "note 24 other references to the same id in 16 other files wait" in lines[1]


def test_a_renamed_profile_is_one_error_with_its_groups_references_waiting(tmp_path: Path) -> None:
    root = _posthog(tmp_path, {"profiles/icp/fit.yaml": ("id: fit\n", "id: fit-score\n")})
    (root / "profiles/icp/fit.yaml").rename(root / "profiles/icp/fit-score.yaml")
    lines = _one_error_and_its_note(root)
    assert "found the group 'fit/ai-pilled', which does not exist" in lines[0]
    assert "(did you mean 'fit-score/ai-pilled'?)" in lines[0]


def test_a_deleted_negative_portrait_is_one_error_with_the_pond_map_rule_waiting(
    tmp_path: Path,
) -> None:
    # an ICP's pond map names the portrait as a rule; the fixtures name it as a portrait
    root = copy_handbook(tmp_path / "hb")
    (root / "profiles/negative/enterprise-tenders.yaml").unlink()
    lines = _one_error_and_its_note(root)
    assert "found the negative portrait 'enterprise-tenders', which does not exist" in lines[0]
    assert "(and 7 other references: " in lines[0]
    assert "note 7 other references to the same id in 4 other files wait" in lines[1]


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("segments", "found the segment 'north-america', which is not defined"),
        ("regions", "found the region 'north_america', which is not in rules/regions.yaml"),
    ],
)
def test_a_deleted_segments_or_regions_file_is_one_error(
    tmp_path: Path, name: str, first: str
) -> None:
    # every reference to any of its names is unknown: one mistake, the file that is gone
    root = copy_handbook(tmp_path / "hb")
    (root / "rules" / f"{name}.yaml").unlink()
    lines = _one_error_and_its_note(root)
    assert first in lines[0]
    assert f"other references to {name}: " in lines[0]
    assert lines[0].endswith(
        f"; found no file of kind {name}: expected rules/{name}.yaml (deleted, or moved?) "
        f"(unknown-{name[:-1]})"
    )
    assert f"other references to {name} and the checks of" in lines[1]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "no",
            "found text 'no'; expected an ISO 3166 alpha-2 country code in capitals, such as DE, "
            "GB or NO (Norway) (did you mean 'NO'?) (schema-pattern)",
        ),
        (
            "Norway",
            "found text 'Norway'; expected an ISO 3166 alpha-2 country code in capitals, such "
            "as DE, GB or NO (Norway) (schema-pattern)",
        ),
        (
            "UK",
            "found 'UK', which is not an ISO 3166 country code (did you mean 'GB'?) "
            "(unknown-value)",
        ),
    ],
)
def test_a_country_of_a_region_says_what_a_code_is_and_the_code_meant(
    tmp_path: Path, written: str, said: str
) -> None:
    """A region's country in lowercase or as a name said 'expected ' and nothing more."""
    root = copy_handbook(tmp_path / "hb")
    path = root / "rules" / "regions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[DK, SE, NO, FI, IS]", f"[DK, SE, {written}, FI, IS]", 1))
    report = validate(root, today=TODAY)
    lines = [str(p) for p in report.sorted()]
    assert len(report.errors) == 1, lines
    assert str(report.errors[0]) == "rules/regions.yaml:16:25: error " + said, lines
