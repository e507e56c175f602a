"""The pull-request workflow: icp diff on a scratch git repository, badges from a real run,
CODEOWNERS kept current, and the GitHub workflows linted and run locally."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TODAY, copy_handbook
from icpkit.cli import main
from icpkit.codeowners import codeowners
from icpkit.engine.coverage import coverage
from icpkit.engine.ruletests import run
from icpkit.loading.handbook import load
from icpkit.site.badges import badges
from workflow_steps import run_step

INITECH = """\
kind: fixture
name: Initech Software Ltd
as_of: 2026-11-01
company:
  country: GB
  industry: saas
  employees: 240
  tech_stack: [dotnet, azure]
  growth_rate: 25
  funding_stage: series_b
  it_budget: 300000
expect:
  disqualified_by: []
"""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "Test Editor",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "Test Editor",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )
    return done.stdout


def scratch_repo(tmp_path: Path) -> Path:
    root = copy_handbook(tmp_path / "repo", fixtures=False)
    (root / "tests" / "fixtures" / "initech.yaml").write_text(INITECH)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "handbook")
    return root


def diff_json(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, dict]:
    code = main(
        ["--root", str(root), "--today", TODAY.isoformat(), "diff", *args, "--format", "json"]
    )
    return code, json.loads(capsys.readouterr().out)


def test_diff_reports_exactly_the_flipped_companies_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scratch_repo(tmp_path)
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    # commit 1: retune a criterion, moving Initech from B (65) to C (55), breaking no test
    profile.write_text(
        profile.read_text().replace(
            "      when: {field: growth_rate, at_least: 20}\n      points: 20",
            "      when: {field: growth_rate, at_least: 20}\n      points: 10",
        )
    )
    git(root, "commit", "-q", "-am", "Retune fast growth")
    code, data = diff_json(capsys, root, "HEAD~1", "HEAD")
    assert code == 0 and data["ok"] is True and data["regressions"] == []
    assert [c["change"] for c in data["rule_changes"]] == [
        "'Growing 20% a year or more' went from +20 to +10 points"
    ]
    assert [
        (m["company"], m["before"]["tier"], m["after"]["tier"], m["because"]) for m in data["moves"]
    ] == [
        (
            "Initech Software Ltd",
            "B",
            "C",
            ["'Growing 20% a year or more' went from +20 to +10 points"],
        )
    ]
    # commit 2: a new disqualifier catches Initech, breaking its expectation
    neg = root / "profiles" / "negative" / "churn-risk-startups.yaml"
    neg.write_text(
        neg.read_text().replace(
            "disqualifiers:\n",
            (
                "disqualifiers:\n  - id: azure-shops\n    label: Runs on Azure\n"
                "    when: {field: tech_stack, has_any: [azure]}\n"
            ),
            1,
        )
    )
    git(root, "commit", "-q", "-am", "Disqualify Azure shops")
    code, data = diff_json(capsys, root, "HEAD~1", "HEAD")
    assert code == 1 and data["ok"] is False
    assert [
        (r["fixture"], r["expectation"], r["expected"], r["after"]) for r in data["regressions"]
    ] == [("Initech Software Ltd", "disqualified_by", [], ["churn-risk-startups"])]
    assert data["moves"][0]["after"]["disqualified_by"] == ["churn-risk-startups"]
    assert "'Runs on Azure' was added: met" in data["moves"][0]["because"]


def _rename(root: Path, old: str, new: str) -> None:
    """Rename a profile as an editor does: its file, its id and every mention of it."""
    git(root, "mv", f"profiles/icp/{old}.yaml", f"profiles/icp/{new}.yaml")
    for path in [*root.glob("profiles/**/*.yaml"), *root.glob("rules/**/*.yaml"),
                 *root.glob("tests/fixtures/**/*.yaml")]:  # fmt: skip
        text = path.read_text()
        if old in text:
            path.write_text(text.replace(old, new))


def test_a_renamed_profile_is_a_rename_not_a_move_of_every_company(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A profile renamed (same rules, new id and file name) showed as one profile added
    and one removed, and every company in it as moved though its tier and score were
    unchanged. The diff says 'renamed X → Y' and lists only the real moves."""
    root = scratch_repo(tmp_path)
    _rename(root, "na-saas-scaleups", "na-saas-growth")
    # a real change beside it: Initech moves from B to C
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    profile.write_text(
        profile.read_text().replace(
            "      when: {field: growth_rate, at_least: 20}\n      points: 20",
            "      when: {field: growth_rate, at_least: 20}\n      points: 10",
        )
    )
    code, data = diff_json(capsys, root, "HEAD")
    assert code == 0 and data["regressions"] == []
    changes = [c["change"] for c in data["rule_changes"]]
    assert "profile renamed na-saas-scaleups → na-saas-growth" in changes
    assert not any("was added" in c or "was removed" in c for c in changes), changes
    assert data["renamed"] == {"na-saas-scaleups": "na-saas-growth"}
    assert [m["company"] for m in data["moves"]] == ["Initech Software Ltd"]
    common = ["--root", str(root), "--today", TODAY.isoformat(), "diff", "HEAD"]
    assert main([*common, "--no-history", "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "profile renamed na-saas-scaleups → na-saas-growth" in text
    assert "1 of " in text and "Cadence HR" not in text
    assert main([*common, "--no-history", "--format", "markdown"]) == 0
    md = html.unescape(capsys.readouterr().out)
    assert "renamed na-saas-scaleups → na-saas-growth" in md and "Cadence HR" not in md


def test_a_renamed_profile_whose_verdicts_are_all_the_same_is_a_rename(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rename that also renames a rule's id (the compiled rules differ only there) is
    still a rename when every fixture gets the same verdict from it: no company moves; the
    rule's id change is listed under the new name."""
    root = scratch_repo(tmp_path)
    # a fixture the profile scores (A), and one it does not
    fixture = REPO / "tests" / "fixtures" / "companies" / "cadence-hr.yaml"
    shutil.copy(fixture, root / "tests" / "fixtures" / fixture.name)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Cadence HR")
    _rename(root, "na-saas-scaleups", "na-saas-growth")
    profile = root / "profiles" / "icp" / "na-saas-growth.yaml"
    text = profile.read_text()
    rid = re.search(r"criteria:\n\s+- id: ([a-z0-9-]+)", text)
    assert rid is not None
    for path in [profile, *root.glob("tests/fixtures/**/*.yaml")]:
        path.write_text(re.sub(rf"\b{rid[1]}\b", f"{rid[1]}-renamed", path.read_text()))
    code, data = diff_json(capsys, root, "HEAD")
    assert code == 0 and data["moves"] == []
    assert data["renamed"] == {"na-saas-scaleups": "na-saas-growth"}
    changes = [c["change"] for c in data["rule_changes"]]
    assert "profile renamed na-saas-scaleups → na-saas-growth" in changes
    assert not any("profile 'na-saas" in c for c in changes), changes


def test_a_moved_company_is_explained_by_what_the_rule_now_gives_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A criterion whose condition and points both change (growth 20% or more, +20, to
    growth 5% or less, +40) drops Initech (growth 25) from B to C: it no longer meets it.
    The diff said only "went from +20 to +40 points", a rise that cannot explain a fall;
    the reason names the rule's new result and the points the company now gets from it."""
    root = scratch_repo(tmp_path)
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    profile.write_text(
        profile.read_text().replace(
            "      when: {field: growth_rate, at_least: 20}\n      points: 20",
            "      when: {field: growth_rate, at_most: 5}\n      points: 40",
        )
    )
    git(root, "commit", "-q", "-am", "Reward slow growth")
    code, data = diff_json(capsys, root, "HEAD~1", "HEAD")
    assert code == 0, data
    (move,) = data["moves"]
    assert (move["before"]["tier"], move["after"]["tier"]) == ("B", "C")
    assert move["because"] == [
        "'Growing 20% a year or more' is now unmet (was met): +0 points (was +20)"
    ]


def test_diff_markdown_defaults_and_sample_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scratch_repo(tmp_path)
    git(root, "checkout", "-q", "-b", "retune")
    profile = root / "profiles" / "icp" / "na-saas-scaleups.yaml"
    profile.write_text(profile.read_text().replace("status: active", "status: retired"))
    code = main(
        [
            "--root",
            str(root),
            "diff",
            "--accounts",
            str(REPO / "tests" / "examples" / "hubspot-export.csv"),
            "--as-of",
            "2026-11-01",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0  # moves, but no fixture expectation breaks
    # Markdown escapes only what can start markup: quotes, hyphens and parentheses stay
    assert "profile 'na-saas-scaleups' was retired" in out
    assert "| 9003 | A (na-saas-scaleups, 100) |" in out


def test_diff_says_plainly_when_the_configured_history_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --history, icp diff looks for the history the tier policy names: a file that
    is not there is 'no history found', a policy that names none 'no history configured';
    neither is an error, and --no-history leaves the evidence out."""
    monkeypatch.delenv("ICP_HISTORY", raising=False)
    root = scratch_repo(tmp_path)  # rules and profiles only: the sample history is not there
    code, data = diff_json(capsys, root, "HEAD")
    assert code == 0 and data["ok"] is True
    ev = data["evidence"]
    assert ev["history"] == "tests/examples/history.parquet"
    assert ev["origin"] == "evidence.history in the tier policy"
    assert ev["absent"].startswith("no history found: tests/examples/history.parquet")
    assert ev["changes"] == [] and ev["newly_contradicted"] == []
    assert main(["--root", str(root), "--today", TODAY.isoformat(), "diff", "HEAD"]) == 0
    out = capsys.readouterr()
    assert "**Evidence from the CRM history**: no history found" in out.out
    assert "Traceback" not in out.err and out.err == ""
    args = ["--root", str(root), "--today", TODAY.isoformat(), "diff", "HEAD", "--format", "text"]
    assert main(args) == 0
    assert (
        "evidence from the CRM history: no history found: tests/examples/history.parquet "
        "(from evidence.history in the tier policy) does not exist"
    ) in capsys.readouterr().out
    # $ICP_HISTORY comes first, and is named as the origin
    monkeypatch.setenv("ICP_HISTORY", "elsewhere/deals.csv")
    code, data = diff_json(capsys, root, "HEAD")
    assert code == 0 and data["evidence"]["origin"] == "$ICP_HISTORY"
    assert "elsewhere/deals.csv" in data["evidence"]["absent"]
    monkeypatch.delenv("ICP_HISTORY")
    # a policy that names no history
    policy = root / "rules" / "tier-policy.yaml"
    policy.write_text(policy.read_text().replace("  history: tests/examples/history.parquet\n", ""))
    code, data = diff_json(capsys, root, "HEAD")
    assert code == 0 and data["evidence"]["history"] is None
    assert data["evidence"]["absent"].startswith("no history configured")
    code, data = diff_json(capsys, root, "HEAD", "--no-history")
    assert code == 0 and "evidence" not in data
    code = main(["--root", str(root), "diff", "HEAD", "--no-history", "--history", str(policy)])
    assert code == 2 and "not both" in capsys.readouterr().err


def test_diff_uses_the_configured_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the history the tier policy names in place, icp diff back-tests it before and
    after without being told, and says where it came from."""
    monkeypatch.delenv("ICP_HISTORY", raising=False)
    root = scratch_repo(tmp_path)
    sample = root / "tests" / "examples" / "history.parquet"
    sample.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "tests" / "examples" / "history.parquet", sample)
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    # the A threshold raised: fewer, surer A accounts
    text = profile.read_text()
    profile.write_text(
        text.replace("  criteria:\n", "  tiers: {A: 95, B: 60, C: 40}\n  criteria:\n", 1)
    )
    code, data = diff_json(capsys, root, "HEAD")
    assert code == 0
    ev = data["evidence"]
    assert ev["history"] == "tests/examples/history.parquet" and ev["absent"] == ""
    assert ev["origin"] == "evidence.history in the tier policy"
    changes = {c["profile"]: c for c in ev["changes"]}
    wst = changes["western-software-teams"]
    assert wst["after"]["a_decided"] < wst["before"]["a_decided"]
    main(["--root", str(root), "--today", TODAY.isoformat(), "diff", "HEAD"])
    md = capsys.readouterr().out
    assert (
        "**Evidence from the CRM history** (before → after; tests/examples/history.parquet, "
        "from evidence.history in the tier policy)" in md
    )
    assert re.search(r"- western-software-teams: A-tier win rate \d+% → \d+%", md), md


def test_badges_are_made_from_a_real_run(handbook_copy: Path) -> None:
    fixture = handbook_copy / "tests" / "fixtures" / "companies" / "cadence-hr.yaml"
    fixture.write_text(fixture.read_text().replace("  score: 100", "  score: 90"))
    profile = handbook_copy / "profiles" / "icp" / "na-saas-scaleups.yaml"
    profile.write_text(
        profile.read_text().replace("last_reviewed: 2026-11-09", "last_reviewed: 2025-01-01")
    )
    hb = load(handbook_copy).handbook
    result = run(hb, today=TODAY)
    made = {b.name: b for b in badges(hb, result, coverage(hb, today=TODAY), today=TODAY)}
    assert made["rule-tests"].message == f"{len(result.failed)} failed" == "1 failed"
    assert made["coverage"].message == f"{coverage(hb, today=TODAY).percent:.0f}%"
    assert made["reviews"].message == "1"
    assert made["regressions"].message == "not checked"
    assert json.loads(made["rule-tests"].endpoint())["message"] == "1 failed"
    assert made["rule-tests"].svg().startswith("<svg")


def test_codeowners_is_current_and_drift_is_caught(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (REPO / ".github" / "CODEOWNERS").read_text() == codeowners(load(REPO).handbook)
    shutil.copytree(REPO / ".github", handbook_copy / ".github")
    profile = handbook_copy / "profiles" / "icp" / "na-saas-scaleups.yaml"
    profile.write_text(
        profile.read_text().replace(
            "['@northwind-it/sales-na']", "['@northwind-it/sales-na', '@new-owner']"
        )
    )
    args = ["--root", str(handbook_copy), "codeowners"]
    assert main([*args, "--check"]) == 1
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    assert (
        "/profiles/icp/na-saas-scaleups.yaml @northwind-it/sales-na @new-owner"
        in (handbook_copy / ".github" / "CODEOWNERS").read_text()
    )


def test_the_workflows_pass_actionlint() -> None:
    actionlint = Path(sys.executable).with_name("actionlint")
    done = subprocess.run([str(actionlint)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actions_are_pinned_and_permissions_are_least() -> None:
    for path in (REPO / ".github" / "workflows").glob("*.yml"):
        flow = yaml.safe_load(path.read_text())
        assert flow["permissions"] == {}, path.name
        assert "concurrency" in flow
        for job in flow["jobs"].values():
            assert "permissions" in job and "timeout-minutes" in job
            for step in job["steps"]:
                if "uses" in step:
                    ref = step["uses"].split("@")[1]
                    assert len(ref) == 40, f"{path.name}: {step['uses']} is not pinned to a SHA"


def _steps(path: Path, job: str) -> list[dict]:
    return yaml.safe_load(path.read_text())["jobs"][job]["steps"]


def test_the_pull_request_workflow_passes_the_history() -> None:
    """Every icp diff of the pull-request check names the CRM history explicitly, the file
    the tier policy configures, so the comment carries the evidence before and after."""
    steps = _steps(REPO / ".github" / "workflows" / "pull-request.yml", "check")
    step = next(s for s in steps if "icp diff" in s.get("run", ""))
    history = step["env"]["HISTORY"]
    policy = yaml.safe_load((REPO / "rules" / "tier-policy.yaml").read_text())
    assert history == policy["evidence"]["history"]
    assert (REPO / history).is_file()
    diffs = [line for line in step["run"].splitlines() if line.strip().startswith("icp diff")]
    assert len(diffs) == 3
    assert all('--history "$HISTORY"' in line for line in diffs)


@pytest.mark.parametrize(
    ("workflow", "job"), [("pull-request.yml", "check"), ("publish.yml", "build")]
)
def test_the_workflow_commands_pass_when_run_locally(
    tmp_path: Path, workflow: str, job: str
) -> None:
    """Each `run:` of the workflow, in order, on a clean clone (installed tools reused)."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    # the clone holds the committed files; its setup script must honour ICP_SETUP_SKIP, or
    # it would reinstall the package into this very environment
    assert "ICP_SETUP_SKIP" in (clone / "scripts" / "setup.sh").read_text(), (
        "commit scripts/setup.sh first"
    )
    git(clone, "update-ref", "refs/remotes/origin/main", "HEAD")
    bindir = Path(sys.executable).parent
    (clone / ".venv").symlink_to(bindir.parent)
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "gh").write_text('#!/bin/sh\necho "$@" >> "$GH_LOG"\n')
    (stub / "gh").chmod(0o755)
    github_path, summary = tmp_path / "github_path", tmp_path / "summary.md"
    github_path.write_text("")
    values = {
        "${{ github.base_ref }}": "main",
        "${{ github.token }}": "token",
        "${{ github.event.pull_request.number }}": "7",
        "${{ steps.pages.outputs.base_url }}": "http://127.0.0.1:8000",
    }
    env = {
        "PATH": f"{stub}:{bindir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GITHUB_PATH": str(github_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "ICP_SETUP_SKIP": "1",
        "GH_LOG": str(tmp_path / "gh.log"),
        "ICP_TODAY": TODAY.isoformat(),
        "NO_MKDOCS_2_WARNING": "1",
    }
    ran = []
    for step in _steps(REPO / ".github" / "workflows" / workflow, job):
        if "run" not in step:
            continue
        done = run_step(step, values, clone, env)
        assert done.returncode == 0, (
            f"{step.get('name')}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
        ran.append(step.get("name"))
    assert (clone / "site" / "index.html").is_file()
    if workflow == "pull-request.yml":
        assert (clone / "rule-tests.xml").read_text().startswith("<?xml")
        assert "ICP handbook" in summary.read_text()
        assert "pr comment 7 --body-file diff.md" in (tmp_path / "gh.log").read_text()
        assert "Evidence from the CRM history" in summary.read_text()
        assert "Evidence from the CRM history" in (clone / "diff.md").read_text()
        evidence = json.loads((clone / "diff.json").read_text())["evidence"]
        assert evidence["history"] == "tests/examples/history.parquet"
        assert evidence["origin"] == "--history" and evidence["absent"] == ""
        assert [c["profile"] for c in evidence["changes"]] == [""]  # nothing changed
    assert (clone / "site" / "badges" / "rule-tests.svg").is_file()
    assert len(ran) >= 6


def test_a_change_that_contradicts_the_tier_checks_fails_the_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pull request that makes the tiers mean less is flagged, not only commented on:
    a check of the tier policy that held before and is contradicted after exits 1."""
    root = scratch_repo(tmp_path)
    history = REPO / "tests" / "examples" / "history.parquet"
    policy = root / "rules" / "tier-policy.yaml"
    policy.write_text(policy.read_text().replace("a_over_c: 1.5", "a_over_c: 1.95"))
    code, data = diff_json(capsys, root, "HEAD", "--history", str(history))
    assert data["ok"] is True  # no fixture expectation breaks
    assert data["evidence"]["newly_contradicted"], data["evidence"]
    assert code == 1
    # the same history and no change: nothing newly contradicted, exit 0
    code, data = diff_json(capsys, root, "HEAD", "HEAD", "--history", str(history))
    assert code == 0 and data["evidence"]["newly_contradicted"] == []


def test_a_check_that_loses_its_support_is_flagged_without_failing_the_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A change under which a check that passed (was shown) becomes too few to say was not
    mentioned: only newly contradicted checks were. It is now a warning line in every format
    (text, the Markdown PR comment, JSON `lost_support`), and the diff still exits 0."""
    root = scratch_repo(tmp_path)
    history = REPO / "tests" / "examples" / "history.parquet"
    policy = root / "rules" / "tier-policy.yaml"
    policy.write_text(policy.read_text().replace("min_decided: 30", "min_decided: 100000"))
    code, data = diff_json(capsys, root, "HEAD", "--history", str(history))
    lost = data["evidence"]["lost_support"]
    assert code == 0 and data["evidence"]["newly_contradicted"] == []
    assert any(t.startswith("all ICPs: A's win rate at least 1.5× C's") for t in lost), lost
    common = ["--root", str(root), "--today", TODAY.isoformat(), "diff", "HEAD"]
    assert main([*common, "--history", str(history), "--format", "text"]) == 0
    text = capsys.readouterr().out
    lost_words = "no longer supported by the history (it passed before)"
    assert f"  warning: {lost_words}: all ICPs: A's win rate" in text
    assert main([*common, "--history", str(history), "--format", "markdown"]) == 0
    # the raw comment (and its e-mail) reads as plain text: no character references
    md = capsys.readouterr().out
    assert f"- ⚠️ {lost_words}: all ICPs: A's win rate at least 1.5× C's" in md
    evidence = md[md.index("**Evidence from the CRM history**") :]
    assert "&#" not in evidence, evidence
    assert re.search(r"A-tier decided deals \d+ → \d+", evidence), evidence
    # the same history and no change: nothing lost
    code, data = diff_json(capsys, root, "HEAD", "HEAD", "--history", str(history))
    assert code == 0 and data["evidence"]["lost_support"] == []


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{bad", ":1:2: found invalid JSON"),
        ("[1]", "found no list of regressions"),
        ('{"command": "diff", "regressions": 3}', "found no list of regressions"),
        ('{"regressions": []}', "found no list of regressions"),
        (b"\xff\xfe", "cannot read the file"),
    ],
)
def test_badges_say_what_is_wrong_with_a_saved_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, said: str
) -> None:
    """`icp badges --diff FILE` with a file that is not a saved `icp diff --format json`: one
    clear error naming the file, no internal error, no badge written."""
    report = tmp_path / "diff.json"
    if isinstance(content, bytes):
        report.write_bytes(content)
    else:
        report.write_text(content, encoding="utf-8")
    out = tmp_path / "badges"
    code = main(["--root", str(REPO), "badges", "-o", str(out), "--diff", str(report)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert f"{report}" in err and said in err and "internal error" not in err
    assert not out.exists() or not any(out.iterdir())


def test_a_label_with_a_line_break_starts_no_line_of_a_text_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A label or title written with a line break ("x\\n::error::forged") is refused where it
    stands (a one-line text), and what `icp diff` and `icp explain` print about it shows the
    break as \\n: no line of what a CI log prints starts with '::' (a workflow command: a
    forged annotation, add-mask, stop-commands)."""
    root = scratch_repo(tmp_path)
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    text = profile.read_text()
    text = text.replace(
        "      label: Growing 20% a year or more\n",
        '      label: "Growing\\n::error file=x::forged"\n',
    )
    text = re.sub(r"(?m)^title: .*$", 'title: "Western\\n::warning::teams"', text)
    profile.write_text(text)
    git(root, "commit", "-q", "-am", "A label on two lines")
    profile.write_text(text.replace("      points: 20", "      points: 10", 1))
    base = ["--root", str(root), "--today", TODAY.isoformat()]
    outputs = []
    assert main([*base, "diff", "HEAD", "--format", "text", "--no-history"]) != 0
    outputs.append("".join(capsys.readouterr()))
    assert main([*base, "explain", str(root / "tests" / "fixtures" / "initech.yaml")]) != 0
    outputs.append("".join(capsys.readouterr()))
    assert main([*base, "validate", "--format", "github"]) != 0
    outputs.append("".join(capsys.readouterr()))
    assert "one line of free text" in outputs[0] and "western-software-teams.yaml:" in outputs[0]
    for out in outputs:
        assert "::error" in out or "::warning" in out, out[:400]
        assert not [
            line
            for line in out.splitlines()
            if line.lstrip().startswith(("::error file=x", "::warning::teams"))
        ], out


@pytest.mark.parametrize(
    ("rev", "meant"), [("mian", "main"), ("v1.O", "v1.0"), ("HEAD~1\x1b[2J", None)]
)
def test_an_unknown_revision_is_named_with_the_closest_branch_or_tag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rev: str, meant: str | None
) -> None:
    """A mistyped revision is one plain error naming it (escaped) and the closest branch or
    tag, not git's 'Needed a single revision'; exit 2, no traceback."""
    root = scratch_repo(tmp_path)
    git(root, "tag", "v1.0")
    code = main(["--root", str(root), "diff", rev, "HEAD", "--format", "json"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1
    assert "which this repository does not have; expected a branch, tag or commit" in err
    assert "\x1b" not in err and "Needed a single revision" not in err
    assert (f"(did you mean '{meant}'?)" in err) if meant else "did you mean" not in err
