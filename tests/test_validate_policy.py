"""validate on the tier policy and the groups of a small handbook (tests/corpus/small): one
mistake gives one error, flags make distinct columns, first-match tiers read top down."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, TODAY
from icpkit.loading.validate import validate

SMALL = REPO / "tests" / "corpus" / "small"


def _problems(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> list[str]:
    root = tmp_path / "hb"
    shutil.copytree(SMALL, root)
    for rel, (old, new) in edits.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [str(p) for p in validate(root, today=TODAY).sorted()]


POLICY = "rules/tier-policy.yaml"
PROFILE = "profiles/icp/p.yaml"


def test_the_small_handbook_is_valid(tmp_path: Path) -> None:
    assert _problems(tmp_path, {}) == []


def test_a_typo_in_the_tier_policy_is_one_error(tmp_path: Path) -> None:
    """While the policy fails to load, the default thresholds (80/60/40) stand in: the
    profile, which reaches 22 points, is not blamed for missing them."""
    got = _problems(tmp_path, {POLICY: ("  - status: no_data", "  - stauts: no_data")})
    assert got == [
        "rules/tier-policy.yaml:6:5: error found the unknown key 'stauts'; expected one of "
        "status, label, why, when (did you mean 'status'?) (schema-additionalProperties)"
    ]


def test_a_gate_named_as_a_verdict_status_says_which_names_are_kept(tmp_path: Path) -> None:
    """`status: scored` on a gate: one error that names the statuses a gate may not take
    (it said only 'expected a value other than that')."""
    got = _problems(tmp_path, {POLICY: ("  - status: no_data", "  - status: scored")})
    assert len(got) == 1, got
    assert "found text 'scored'; expected a value other than 'scored' or 'disqualified'" in got[0]


def test_a_misspelt_policy_value_is_one_error(tmp_path: Path) -> None:
    got = _problems(tmp_path, {POLICY: ("disqualified_score: zero", "disqualified_score: Zero")})
    assert len(got) == 1 and "(schema-enum)" in got[0], got


def test_a_profile_with_its_own_tiers_is_still_checked_when_the_policy_fails(
    tmp_path: Path,
) -> None:
    got = _problems(
        tmp_path,
        {
            POLICY: ("  - status: no_data", "  - stauts: no_data"),
            PROFILE: ("  criteria:\n", "  tiers: {A: 90, B: 15, C: 5}\n  criteria:\n"),
        },
    )
    assert [g for g in got if "(unreachable-tier)" in g] == [
        "profiles/icp/p.yaml:22:5: error found at most 22 points from the criteria; tier A "
        "needs 90, so no company can reach it: add points or lower the threshold "
        "(unreachable-tier)"
    ]


def test_a_minus_sign_that_puts_two_tiers_out_of_reach_is_one_error_at_that_points(
    tmp_path: Path,
) -> None:
    """`points: 12` edited to `points: -12` leaves 10 points, below A (20) and B (15): one
    error, at the edited value, naming both tiers (it gave one per tier, at the list)."""
    got = _problems(
        tmp_path,
        {
            POLICY: ("tiers: {A: 20, B: 10, C: 5}", "tiers: {A: 20, B: 15, C: 5}"),
            PROFILE: ("at_least: 1}, points: 12}", "at_least: 1}, points: -12}"),
        },
    )
    assert got == [
        "profiles/icp/p.yaml:35:76: error found -12 points on the criterion 'c-pos', which "
        "leaves at most 10 points from the criteria; tiers A and B need 20 and 15, so no "
        "company can reach them: did you mean 12? (a criterion's points are added when it is "
        "met) (unreachable-tier)"
    ]


def test_too_few_points_for_two_tiers_is_one_error_at_the_criteria(tmp_path: Path) -> None:
    got = _problems(
        tmp_path,
        {
            POLICY: ("tiers: {A: 20, B: 10, C: 5}", "tiers: {A: 20, B: 15, C: 5}"),
            PROFILE: ("at_least: 1}, points: 12}", "at_least: 1}, points: 1}"),
        },
    )
    assert got == [
        "profiles/icp/p.yaml:21:5: error found at most 11 points from the criteria; tiers A "
        "and B need 20 and 15, so no company can reach them: add points or lower the "
        "thresholds (unreachable-tier)"
    ]


def test_a_policy_threshold_no_profile_reaches_is_one_error_at_the_policy(
    handbook_copy: Path,
) -> None:
    """`A: 80` edited to `A: 180`: one error at that value, not one per profile."""
    policy = handbook_copy / POLICY
    policy.write_text(policy.read_text().replace("  A: 80\n", "  A: 180\n"))
    got = [str(p) for p in validate(handbook_copy, today=TODAY).sorted()]
    assert got == [
        "rules/tier-policy.yaml:6:6: error found tier A at 180, above the most the criteria "
        "of any profile give (100 points, in na-saas-scaleups, uk-eu-manufacturers-docs and "
        "western-software-teams), so no company can reach it: expected at most 100, or add "
        "points (unreachable-tier)"
    ]


def test_two_disqualifiers_every_fit_meets_are_one_error(tmp_path: Path) -> None:
    """A requirement that every company meeting it is disqualified by two rules: one
    error at the requirements, naming both (it gave one per disqualifier)."""
    neg = "profiles/negative/n.yaml"
    got = _problems(
        tmp_path,
        {
            neg: (
                "at_least: 100}}\n",
                "at_least: 100}}\n"
                "  - {id: big-a, label: a is huge, when: {field: a, at_least: 5}}\n",
            ),
            PROFILE: (
                "  requirements: []\n",
                "  requirements:\n    - {id: r, label: r, when: {all: [{field: c, at_least: 200}, "
                "{field: a, at_least: 9}]}}\n",
            ),
        },
    )
    assert got == [
        "profiles/icp/p.yaml:20:5: error found that every company meeting these requirements "
        "is disqualified by 'n/big-c' (c is huge) and 'n/big-a' (a is huge); expected an ICP "
        "someone can fit (always-disqualified)"
    ]


def test_two_flags_of_one_id_are_an_error(tmp_path: Path) -> None:
    got = _problems(tmp_path, {POLICY: ("{id: f_always,", "{id: f_scored,")})
    assert got == [
        "rules/tier-policy.yaml:11:10: error found the flag id 'f_scored' twice; expected "
        "each flag's id to be unique (duplicate-id)"
    ]


def test_two_flag_ids_of_one_column_are_an_error(tmp_path: Path) -> None:
    got = _problems(tmp_path, {POLICY: ("{id: f_always,", "{id: f-scored,")})
    assert got == [
        "rules/tier-policy.yaml:11:10: error found the flag id 'f-scored', whose column "
        "icp_flag_f_scored is that of the flag 'f_scored' too; expected ids that differ in "
        "their letters or digits (duplicate-id)"
    ]


def test_a_first_match_tier_worth_more_than_one_above_it_is_a_warning(tmp_path: Path) -> None:
    got = _problems(
        tmp_path,
        {PROFILE: ("at_least: 10}, points: 7}", "at_least: 10}, points: 3}")},
    )
    assert got == [
        "profiles/icp/p.yaml:31:80: warning found the tier 'b-low' (4 points) below the tier "
        "'b-high' (3 points) in the first-match group 'tier-s': a company whose 'b-high' is "
        "unknown gets 4, and 3 once it is known to be met; expected tiers from most points "
        "to fewest (first-match-order)"
    ]


def test_two_profile_ids_of_one_column_are_an_error(tmp_path: Path) -> None:
    root = tmp_path / "hb"
    shutil.copytree(SMALL, root)
    profile = root / PROFILE
    text = profile.read_text(encoding="utf-8")
    (root / "profiles" / "icp" / "p-x.yaml").write_text(text.replace("\nid: p\n", "\nid: p-x\n"))
    (root / "profiles" / "icp" / "p_x.yaml").write_text(text.replace("\nid: p\n", "\nid: p_x\n"))
    profile.unlink()
    assert [str(p) for p in validate(root, today=TODAY).sorted()] == [
        "profiles/icp/p_x.yaml:2:5: error found the id 'p_x', whose columns (icp_p_x_score) are "
        "those of the ICP 'p-x' too; expected ids that differ in their letters or digits "
        "(duplicate-id)"
    ]


def test_two_group_ids_of_one_column_are_an_error(tmp_path: Path) -> None:
    got = _problems(
        tmp_path,
        {PROFILE: ("    - group: neg\n      label: Neg", "    - group: tier_s\n      label: Neg")},
    )
    assert got == [
        "profiles/icp/p.yaml:32:14: error found the group 'tier_s', whose subtotal column "
        "(icp_p_tier_s) is that of the group 'tier-s' too; expected group ids that differ in "
        "their letters or digits (duplicate-id)"
    ]


@pytest.mark.parametrize(
    ("group", "column", "owner"),
    [
        # the profile's own score and tier columns (icp score wrote the subtotal as
        # p_score_1 holding the profile's score; the SQL had two columns icp_p_score)
        ("score", "icp_p_score", "the score of the ICP 'p'"),
        ("tier", "icp_p_tier", "the tier of the ICP 'p'"),
    ],
)
def test_a_group_named_as_a_profile_column_is_an_error(
    tmp_path: Path, group: str, column: str, owner: str
) -> None:
    got = _problems(
        tmp_path,
        {PROFILE: ("    - group: neg\n", f"    - group: {group}\n")},
    )
    assert got == [
        f"profiles/icp/p.yaml:32:14: error found the group '{group}', whose subtotal column "
        f"({column}) is that of {owner} too; expected group ids that differ in their letters "
        "or digits (duplicate-id)"
    ]


def test_a_group_column_of_another_profile_or_a_fixed_column_is_an_error(tmp_path: Path) -> None:
    """Any two output columns of one name: a group of the profile 'p' named 'x_score' makes
    the column of the profile 'p_x', and an ICP 'best' with a group 'profile' the column
    icp_best_profile."""
    root = tmp_path / "hb"
    shutil.copytree(SMALL, root)
    profile = root / PROFILE
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("    - group: neg\n", "    - group: x_score\n"))
    (root / "profiles" / "icp" / "p_x.yaml").write_text(text.replace("\nid: p\n", "\nid: p_x\n"))
    (root / "profiles" / "icp" / "best.yaml").write_text(
        text.replace("\nid: p\n", "\nid: best\n").replace("- group: neg\n", "- group: profile\n")
    )
    got = [str(p) for p in validate(root, today=TODAY).sorted()]
    assert got == [
        "profiles/icp/best.yaml:32:14: error found the group 'profile', whose subtotal column "
        "(icp_best_profile) is that of the best profile too; expected group ids that differ "
        "in their letters or digits (duplicate-id)",
        "profiles/icp/p.yaml:32:14: error found the group 'x_score', whose subtotal column "
        "(icp_p_x_score) is that of the score of the ICP 'p_x' too; expected group ids that "
        "differ in their letters or digits (duplicate-id)",
    ]


GATE = "    when: {at_most: 0, of: [{field: a, present: true}, {field: b, present: true}, {field: c, present: true}]}"  # noqa: E501


@pytest.mark.parametrize(
    "when",
    [
        "{at_least: 0, of: [{field: a, present: true}, {field: b, present: true}]}",
        "{at_most: 2, of: [{field: a, present: true}, {field: b, present: true}]}",
        "{any: [{field: a, present: true}, {field: a, missing: true}]}",
        "{any: [{field: a, present: true}, {not: {field: a, present: true}}]}",
        # the shape alone cannot tell this one: every case is tried
        "{not: {all: [{field: a, present: true}, {field: a, missing: true}]}}",
        "{any: [{field: name, starts_with: acme}, {not: {field: name, starts_with: acme}},"
        " {field: name, missing: true}]}",
        "{any: [{field: tags, not_empty: true}, {not: {field: tags, not_empty: true}},"
        " {field: tags, missing: true}]}",
    ],
)
def test_a_gate_every_company_meets_is_an_error(tmp_path: Path, when: str) -> None:
    got = _problems(tmp_path, {POLICY: (GATE, f"    when: {when}")})
    assert len(got) == 1 and got[0].endswith("(gate-always-true)"), got
    assert got[0].startswith("rules/tier-policy.yaml:8:11: error found the gate 'no_data' met")


@pytest.mark.parametrize(
    "when",
    [
        "{at_most: 0, of: [{field: a, present: true}, {field: a, missing: true}]}",
        "{all: [{field: a, at_least: 5}, {field: a, less_than: 5}]}",
        # a whole number: none lies between 5 and 6, or between 5 and 7 but 6
        "{all: [{field: a, more_than: 5}, {field: a, less_than: 6}]}",
        "{all: [{field: b, more_than: 5}, {field: b, less_than: 7}, {field: b, not_equals: 6}]}",
    ],
)
def test_a_gate_no_company_meets_is_a_warning(tmp_path: Path, when: str) -> None:
    got = _problems(tmp_path, {POLICY: (GATE, f"    when: {when}")})
    assert len(got) == 1 and got[0].endswith("(gate-never-met)"), got
    assert "warning found the gate 'no_data' met by no company" in got[0]


@pytest.mark.parametrize(
    "when",
    [
        "{any: [{field: a, at_least: 5}, {field: a, less_than: 4}]}",
        "{any: [{field: a, missing: true}, {field: b, present: true}]}",
        "{not: {field: name, mentions: [acme, beta]}}",
        # a band ('51-200') leaves these unknown: some company fails them
        "{any: [{field: a, at_least: 5}, {field: a, less_than: 5}, {field: a, missing: true}]}",
        "{any: [{field: a, more_than: 3}, {field: a, at_most: 3}, {field: a, missing: true}]}",
        # met by a=2, by 'bar foo', by a set holding both: never 'met by no company'
        "{all: [{field: a, more_than: 1}, {field: a, less_than: 3}]}",
        "{all: [{field: name, ends_with: foo}, {field: name, mentions: [bar]}]}",
        "{all: [{field: name, starts_with: ab}, {field: name, ends_with: bc}]}",
        "{all: [{field: tags, member_contains: {phrases: [alpha]}}, {field: tags, has_none: [x]}]}",
        "{at_least: 2, of: [{field: a, more_than: 1}, {field: a, less_than: 3}]}",
    ],
)
def test_a_gate_some_companies_meet_is_valid(tmp_path: Path, when: str) -> None:
    assert _problems(tmp_path, {POLICY: (GATE, f"    when: {when}")}) == []


BOUNDS = ["    minimum: 1\n", "    minimum: 3\n    maximum: 3\n"]
PRESENCE = [
    "{field: a, missing: true}",
    "{field: a, present: true}",
    "{not: {field: a, missing: true}}",
]


@pytest.mark.parametrize("bounds", BOUNDS)
@pytest.mark.parametrize("when", PRESENCE)
def test_a_presence_gate_on_a_bounded_number_is_valid(
    tmp_path: Path, bounds: str, when: str
) -> None:
    """A gate that tests only whether a number is there: the cases tried must hold a value
    inside the field's bounds (0 lay outside 'minimum: 1', so every case was unknown and
    'employees missing' was said to be met by every company, an error)."""
    edits = {
        "rules/vocabulary.yaml": ("    label: A\n", "    label: A\n" + bounds),
        POLICY: (GATE, f"    when: {when}"),
    }
    assert _problems(tmp_path, edits) == []


def test_a_phrase_whose_written_and_compared_lengths_disagree_is_a_warning(
    tmp_path: Path,
) -> None:
    """min_length counts the compared form: 'A&B Cap' (7 as written) is a_and_b_cap (11),
    so with min_length 8 it matches part of a member; 'Index Co' (8 and 8) says nothing."""
    flag = (
        "  - {id: f_mc, label: mc, when: {field: inv, member_contains: "
        "{phrases: ['Index Co', 'A&B Cap'], min_length: 8}}}\n"
    )
    got = _problems(tmp_path, {POLICY: ("flags:\n", "flags:\n" + flag)})
    assert len(got) == 1 and got[0].endswith("(min-length-form)"), got
    assert "warning found 'A&B Cap', 7 characters as written and 11 as compared" in got[0]


def test_cases_decide_dates_only_where_the_as_of_day_does_not_matter() -> None:
    """A day count leaves a date after the as-of day unknown, so 'within 30 days, or not,
    or missing' is not met by every company; one date field compared both by a day count
    and by a date depends on the as-of day and is not decided."""
    import datetime as dt

    from icpkit.engine.model import AnyOf, Leaf, Not
    from icpkit.loading.cases import always_met, never_met
    from icpkit.loading.validate import open_handbook

    fields = open_handbook(REPO).fields
    name = next(n for n, f in fields.items() if f.type == "date")
    recent = Leaf(name, "within_days", 30, 30)
    either = AnyOf((recent, Not(recent), Leaf(name, "missing", None, True)))
    assert always_met(fields, either) is False
    assert never_met(fields, recent) is False
    after = Leaf(name, "more_than", dt.date(2026, 6, 1), "2026-06-01")
    assert always_met(fields, AnyOf((recent, after))) is None
    assert never_met(fields, AnyOf((recent, after))) is None


NEG = "profiles/negative/n.yaml"
DISQ = "when: {field: c, at_least: 100}"
CRIT = "when: {field: c, at_least: 1}, points: 12"
ALWAYS = "{any: [{field: c, present: true}, {field: c, missing: true}]}"
NEVER = "{all: [{field: c, at_least: 500}, {field: c, less_than: 100}]}"


def test_a_disqualifier_every_company_meets_is_an_error(tmp_path: Path) -> None:
    """Present or missing: every company, even one with no data, was disqualified, and
    validate said nothing."""
    got = _problems(tmp_path, {NEG: (DISQ, f"when: {ALWAYS}")})
    assert got == [
        "profiles/negative/n.yaml:12:41: error found the disqualifier 'big-c' (c is huge) met "
        "by every company, even one with no data; expected a condition some company fails, "
        "or every company is disqualified (rule-always-met)"
    ]


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        ((NEG, (DISQ, f"when: {NEVER}")), "the disqualifier 'big-c' (c is huge) met by no"),
        (
            (PROFILE, (CRIT, f"when: {NEVER}, points: 12")),
            "the criterion 'c-pos' (c pos) met by no",
        ),
        (
            (PROFILE, (CRIT, f"when: {ALWAYS}, points: 12")),
            "the criterion 'c-pos' (c pos) met by every",
        ),
        # a whole number: none lies between 5 and 6
        (
            (
                PROFILE,
                (
                    CRIT,
                    "when: {all: [{field: a, more_than: 5}, {field: a, less_than: 6}]}, points: 12",
                ),
            ),
            "the criterion 'c-pos' (c pos) met by no",
        ),
    ],
)
def test_a_rule_met_by_every_company_or_by_none_is_a_warning(
    tmp_path: Path, edit: tuple[str, tuple[str, str]], said: str
) -> None:
    """A criterion or disqualifier whose outcome is the same for every company (a range no
    number is in, present-or-missing) passed validation; one warning at its condition."""
    got = _problems(tmp_path, dict([edit]))
    assert len(got) == 1 and f"warning found {said}" in got[0], got
    assert got[0].endswith(("(rule-never-met)", "(rule-always-met)")), got


REQ = "  requirements:\n    - {{id: r, label: r, when: {{all: [{}]}}}}\n"


def test_a_requirement_no_company_meets_is_one_error(tmp_path: Path) -> None:
    """Present and missing at once: no company fits the ICP (one error, as for ranges that
    do not overlap, which say so once)."""
    req = REQ.format("{field: a, present: true}, {field: a, missing: true}")
    got = _problems(tmp_path, {PROFILE: ("  requirements: []\n", req)})
    assert len(got) == 1 and got[0].endswith("(unsatisfiable)"), got
    assert "error found the requirement 'r' (r) met by no company" in got[0]
    req = REQ.format("{field: a, at_least: 5}, {field: a, less_than: 5}")
    got = _problems(tmp_path / "2", {PROFILE: ("  requirements: []\n", req)})
    assert len(got) == 1 and "found hard requirements on a that no company" in got[0], got


def test_a_negative_first_match_tier_is_said_with_its_own_points(tmp_path: Path) -> None:
    """A tier of -5 above one of 7: the warning said '(0 points)' and 'and 0 once it is
    known to be met', where the company then gets -5."""
    got = _problems(
        tmp_path,
        {
            PROFILE: (
                "when: {field: b, at_least: 10}, points: 7",
                "when: {field: b, at_least: 10}, points: -5",
            )
        },
    )
    assert len(got) == 1 and got[0].endswith("(first-match-order)"), got
    assert "below the tier 'b-high' (-5 points)" in got[0]
    assert "and -5 once it is known to be met" in got[0]
