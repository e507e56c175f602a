"""What GitHub shows: at most 10 error and 10 warning annotations per step, a pull-request
comment of at most 65,536 characters. Each limit is tested with generated input larger
than it; the diff reports are tested for people (Markdown escapes only what starts markup,
a plain-text format for terminals, and "Because" names only what moved the company)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from conftest import TODAY
from icpkit.cli import main
from icpkit.diff import DiffReport, Move, Outcome, Regression, RuleChange
from icpkit.engine.ruletests import run
from icpkit.loading.handbook import load
from icpkit.problems import Level, Problem, Report
from icpkit.reporters import diff as diff_report
from icpkit.reporters import problems as problem_report
from icpkit.reporters import ruletests as test_report
from test_pull_requests import diff_json, git, scratch_repo

ANNOTATION = re.compile(r"^::(error|warning|notice) ", re.MULTILINE)


def annotations(text: str) -> list[str]:
    return ANNOTATION.findall(text)


def test_validate_annotations_stop_at_github_caps_and_say_how_many_more() -> None:
    report = Report(
        [Problem(f"profiles/icp/p{i}.yaml", 3, 1, Level.ERROR, "found x", "r") for i in range(37)]
        + [Problem(f"profiles/icp/w{i}.yaml", 2, 1, Level.WARNING, "old", "w") for i in range(12)],
        49,
    )
    out = problem_report.render(report, "github", strict=False)
    kinds = annotations(out)
    assert kinds.count("error") == 10 and kinds.count("warning") == 10
    assert kinds.count("notice") == 1
    notice = next(line for line in out.splitlines() if line.startswith("::notice"))
    assert "27 more errors, 2 more warnings" in notice and "log" in notice
    # the log still lists every problem
    assert sum(1 for line in out.splitlines() if line.startswith("profiles/icp/")) == 49


def test_strict_warnings_count_against_the_error_cap() -> None:
    report = Report([Problem(f"p{i}.yaml", 1, 1, Level.WARNING, "old", "w") for i in range(15)], 15)
    kinds = annotations(problem_report.render(report, "github", strict=True))
    assert kinds.count("error") == 10 and kinds.count("notice") == 1


def test_rule_test_annotations_stop_at_the_cap(handbook_copy: Path) -> None:
    handbook = load(handbook_copy).handbook
    # every fixture now expects a tier nobody gets: one failure per fixture
    fixtures = tuple(
        f.__class__(
            **{
                **f.__dict__,
                "expectations": tuple(
                    e.__class__(e.key, "Z" if e.key == "tier" else e.expected, e.line)
                    for e in f.expectations
                ),
            }
        )
        for f in handbook.fixtures
    )
    handbook = handbook.__class__(**{**handbook.__dict__, "fixtures": fixtures})
    result = run(handbook, today=TODAY)
    assert len(result.failed) > 10
    out = test_report.render(handbook, result, "github")
    kinds = annotations(out)
    assert kinds.count("error") == 10 and kinds.count("notice") == 1
    assert f"{len(result.failed) - 10} more errors" in out
    # the summary lists every failing test by name and file:line
    for r in result.failed:
        assert f"  {r.check.name} ({r.check.fixture.path}:{r.check.line})" in out


def _big_report(regressions: int, moves: int) -> DiffReport:
    out = Outcome("na-saas-scaleups", "A", 90, ())
    after = Outcome("na-saas-scaleups", "B", 70, ())
    reason = "'Growing 30% a year or more' went from +25 to +5 points"
    return DiffReport(
        "a" * 40,
        "b" * 40,
        dt.date(2026, 11, 1),
        [RuleChange("na-saas-scaleups", f"r{i}", f"change {i}: {reason}") for i in range(29)],
        [
            Regression(
                f"Fixture {i}", f"tests/fixtures/companies/f{i}.yaml", 20, "tier", "A", "A", "B"
            )
            for i in range(regressions)
        ],
        [
            Move(f"Account {i:05d} with a long company name", "x.csv", out, after, (reason,) * 2)
            for i in range(moves)
        ],
        3000,
    )


@pytest.mark.parametrize(("regressions", "moves"), [(0, 3000), (2000, 3000), (5, 10)])
def test_the_pr_comment_fits_githubs_limit(regressions: int, moves: int) -> None:
    full = diff_report.markdown(_big_report(regressions, moves), max_chars=None)
    comment = diff_report.markdown(
        _big_report(regressions, moves), link="https://github.com/o/r/actions/runs/1"
    )
    assert len(comment) <= diff_report.COMMENT_LIMIT
    if len(full) <= diff_report.DEFAULT_BUDGET:
        assert (
            comment.replace(" · [full report](https://github.com/o/r/actions/runs/1)", "") == full
        )
        return
    assert len(full) > diff_report.COMMENT_LIMIT
    assert "more companies" in comment and "https://github.com/o/r/actions/runs/1" in comment
    # regressions come first: they are cut only when they alone exceed the budget
    shown = comment.count("| Fixture ")
    if regressions:
        assert (
            comment.index("regression") < comment.index("Rule changes")
            if "Rule changes" in comment
            else True
        )
        assert shown > 100
    assert comment.rstrip().endswith("</sub>")


def test_markdown_escapes_only_what_starts_markup() -> None:
    text = diff_report.md("tests/fixtures/x.yaml 'Growing 30%' a|b *x* <b> [l](u) &amp; \x1b[2K")
    assert text == (
        "tests/fixtures/x.yaml 'Growing 30%' a\\|b \\*x\\* \\<b\\> \\[l\\](u) \\&amp; \\\\x1b\\[2K"
    )


def test_diff_text_format_for_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scratch_repo(tmp_path)
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    profile.write_text(
        profile.read_text().replace(
            "      when: {field: growth_rate, at_least: 20}\n      points: 20",
            "      when: {field: growth_rate, at_least: 20}\n      points: 10",
        )
    )
    git(root, "commit", "-q", "-am", "Retune")
    code = main(
        [
            "--root",
            str(root),
            "--today",
            TODAY.isoformat(),
            "diff",
            "HEAD~1",
            "HEAD",
            "--format",
            "text",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert re.search(r"^  Initech Software Ltd: B \(western-software-teams, \d+\) → C ", out, re.M)
    assert "      because 'Growing 20% a year or more' went from +20 to +10 points" in out
    assert "&#" not in out and "\\" not in out


def test_diff_writes_text_to_a_terminal_and_markdown_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --format: plain text for a person at a terminal, Markdown into a pipe or a
    file (what the pull-request workflow posts)."""
    root = scratch_repo(tmp_path)
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    profile.write_text(profile.read_text().replace("points: 20", "points: 10", 1))
    git(root, "commit", "-q", "-am", "Retune")
    args = ["--root", str(root), "--today", TODAY.isoformat(), "diff", "HEAD~1", "HEAD"]
    assert main([*args, "--no-history"]) == 0
    piped = capsys.readouterr().out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main([*args, "--no-history"]) == 0
    terminal = capsys.readouterr().out
    assert piped.startswith("### ICP handbook: HEAD\\~1 → HEAD") and "| --- |" in piped
    assert "'Growing 20% a year or more' went from +20 to +10 points" in terminal
    assert "#" not in terminal and "| --- |" not in terminal and "\\" not in terminal
    assert main([*args, "--no-history", "-o", str(tmp_path / "d.md")]) == 0
    assert (tmp_path / "d.md").read_text(encoding="utf-8") == piped


def test_because_names_only_rule_changes_that_moved_the_company(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scratch_repo(tmp_path)
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    profile.write_text(
        profile.read_text().replace(
            "      when: {field: growth_rate, at_least: 20}\n      points: 20",
            "      when: {field: growth_rate, at_least: 20}\n      points: 10\n"
            "    - id: giant\n      label: Over 100,000 people\n"
            "      when: {field: employees, at_least: 100000}\n      points: 5",
        )
    )
    git(root, "commit", "-q", "-am", "Retune, and a criterion Initech does not meet")
    code, data = diff_json(capsys, root, "HEAD~1", "HEAD")
    assert code == 0
    assert any("Over 100,000 people" in c["change"] for c in data["rule_changes"])
    initech = next(m for m in data["moves"] if m["company"] == "Initech Software Ltd")
    assert initech["because"] == ["'Growing 20% a year or more' went from +20 to +10 points"]


@pytest.mark.parametrize(
    ("argv", "actions"),
    [
        (["test", "--format", "github"], False),
        (["test"], True),
        (["score", "tests/examples/hubspot-export.csv", "-o", "OUT"], True),
    ],
)
def test_a_broken_handbook_is_annotated_on_its_file_by_any_ci_step(
    handbook_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    actions: bool,
) -> None:
    """A pull request whose typo reaches `icp test` (or the scorer) before `icp validate`
    in CI shows the error on the file's line, as validate's annotations do, not only as a
    line in the log."""
    profile = next(handbook_copy.glob("profiles/icp/*.yaml"))
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("at_least", "at_leest", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(profile.read_text().splitlines(), 1) if "at_leest" in row)
    monkeypatch.setenv("GITHUB_ACTIONS", "true" if actions else "false")
    argv = [
        str(tmp_path / "scores.csv") if a == "OUT" else str(Path.cwd() / a) if "/" in a else a
        for a in argv
    ]
    assert main(["--root", str(handbook_copy), *argv]) == 1
    out, err = capsys.readouterr()
    kinds = annotations(out)
    assert kinds.count("error") == 1, out
    rel = profile.relative_to(handbook_copy).as_posix()
    assert f"::error file={rel},line={line}," in out and "at_least" in out
    assert "the handbook has 1 error" in err
    # the working tree's own text format says it once, as before
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert main(["--root", str(handbook_copy), "test", "--format", "text"]) == 1
    out, _ = capsys.readouterr()
    assert annotations(out) == []
