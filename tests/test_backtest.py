"""`icp backtest`: the back-test recovers the seeded history's known truth, reads CRM
outcome columns the way they are exported, and never divides by zero."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import REPO, TODAY, copy_handbook
from icpkit.cli import main
from icpkit.errors import InputError
from icpkit.evidence import generate
from icpkit.evidence.report import NOTHING_DECIDED, Evidence, backtest
from icpkit.loading.handbook import load
from icpkit.reporters.evidence import RENDER
from icpkit.sql.backtest import BacktestOptions

HANDBOOK = load(REPO).handbook
SAMPLE = REPO / "tests" / "examples" / "history.parquet"


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return backtest(HANDBOOK, BacktestOptions(SAMPLE, TODAY))


def rule(ev: Evidence, owner: str, rule_id: str) -> object:
    return next(r for r in ev.rules if r.owner == owner and r.rule == rule_id)


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --- the generator -----------------------------------------------------------------------


def test_generator_is_seeded() -> None:
    """The same seed gives the same history; another seed another one."""
    first = list(generate.history(50, seed=3))
    assert first == list(generate.history(50, seed=3))
    assert first != list(generate.history(50, seed=4))


def test_sample_history_is_the_generators_output(tmp_path: Path) -> None:
    """The committed sample is exactly what the generator writes (40,000 rows, seed 15)."""
    rows = list(generate.history(40_000, seed=15))
    con = duckdb.connect()
    stored = con.execute(
        f"SELECT * FROM read_parquet('{SAMPLE}') ORDER BY CAST(\"Record ID\" AS INTEGER)"
    ).fetchall()
    assert len(stored) == len(rows) == 40_000
    for got, want in zip(stored[::997], rows[::997], strict=True):
        assert [g or "" for g in got] == [want[c] for c in generate.COLUMNS]


def test_generated_tenure_follows_churn() -> None:
    """A customer's tenure runs from its close date to its churn date, or to the export
    date when it stayed; opportunities that were not won have none."""
    rows = list(generate.history(3_000, seed=15))
    filled = 0
    for row in rows:
        tenure = row["Tenure (months)"]
        if row["Deal Stage"] != "closedwon" or not tenure:
            assert row["Deal Stage"] == "closedwon" or tenure == ""
            continue
        filled += 1
        if not row["Close Date"]:
            continue  # a row without dates: nothing to check against
        close = dt.date.fromisoformat(row["Close Date"])
        end = (
            dt.date.fromisoformat(row["Churn Date"])
            if row["Churned"] == "true"
            else generate.EXPORTED
        )
        assert int(tenure) == max(0, round((end - close).days / (365.25 / 12))), row
    assert filled > 500


# --- the known truth is recovered -----------------------------------------------------------


def test_noise_criterion_is_named(evidence: Evidence) -> None:
    owner, rule_id = generate.NOISE
    row = rule(evidence, owner, rule_id)
    assert row.verdict == "no-difference"  # type: ignore[attr-defined]
    assert "cannot be told apart" in row.flag  # type: ignore[attr-defined]


def test_predictive_criteria_rank_first(evidence: Evidence) -> None:
    """Per ICP, the criteria the world rewards most have the largest log-odds, and the
    suggested points put them first."""
    for icp, strong in generate.PREDICTIVE.items():
        rows = [r for r in evidence.rules if r.owner == icp and r.kind == "criterion"]
        ranked = sorted(rows, key=lambda r: -(r.log_odds or 0.0))
        assert {r.rule for r in ranked[: len(strong)]} == set(strong), icp
        for r in ranked[: len(strong)]:
            assert r.verdict == "helps"
            assert r.suggested_points is not None and r.suggested_points >= 10


def test_wrong_disqualifier_is_flagged_and_only_it(evidence: Evidence) -> None:
    owner, rule_id = generate.WRONG_DISQUALIFIER
    flagged = [r for r in evidence.rules if r.kind == "disqualifier" and r.flag]
    assert [(r.owner, r.rule) for r in flagged] == [(owner, rule_id)]
    assert "threw away customers worth" in flagged[0].flag
    assert "win more often" in flagged[0].flag


def test_checks_pass_on_the_truthful_handbook(evidence: Evidence) -> None:
    assert evidence.checks and {c.status for c in evidence.checks} == {"passed"}
    assert evidence.ok
    lift = evidence.a_over_c()
    assert lift is not None and lift >= 1.5


def test_tiers_report_rates_with_intervals(evidence: Evidence) -> None:
    a = evidence.tier("western-software-teams", "A")
    assert a is not None and a.cell.win.value is not None
    assert a.cell.win.low is not None and a.cell.win.high is not None
    assert a.cell.win.low < a.cell.win.value < a.cell.win.high
    assert a.cell.lift is not None and a.cell.lift > 2
    assert evidence.roles["satisfaction"] == "NPS"
    assert a.cell.satisfaction is not None and 0 <= a.cell.satisfaction <= 10
    assert evidence.roles["tenure"] == "Tenure (months)"
    assert a.cell.median_tenure is not None and 1 <= a.cell.median_tenure <= 48
    names = {t.tier for t in evidence.tiers if not t.profile}
    assert {"disqualified", "insufficient", "no ICP fits"} <= names


def test_misclassified_lists_carry_reasons(evidence: Evidence) -> None:
    assert evidence.best_missed and evidence.worst_in_a
    top = evidence.best_missed[0]
    assert top.outcome == "won" and top.tier in ("C", "D")
    assert any("disqualified by enterprise-tenders" in r for r in top.reasons)
    assert all(m.tier == "A" for m in evidence.worst_in_a)
    values = [m.value or 0 for m in evidence.best_missed]
    assert values == sorted(values, reverse=True)


def test_bad_input_is_counted_not_guessed(evidence: Evidence) -> None:
    """The custom stage is listed and undecided; rows without a date are counted; funding
    rounds after the deal are unknown for that deal."""
    assert evidence.unknown_stages == {generate.CUSTOM_STAGE: 623}
    assert evidence.rows_without_date > 0
    assert evidence.future_values > 0
    assert any("never" in n or "undecided" in n for n in evidence.notes)


def _invert(root: Path) -> None:
    """Every ICP criterion negated: the accounts the world favours now score lowest."""
    for path in (root / "profiles" / "icp").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        head, _, criteria = text.partition("  criteria:\n")
        criteria = re.sub(r"^(\s+)when: (\{.*\})$", r"\1when: {not: \2}", criteria, flags=re.M)
        path.write_text(head + "  criteria:\n" + criteria, encoding="utf-8")


def test_check_fails_on_inverted_tiers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_handbook(tmp_path / "hb", fixtures=False)
    _invert(root)
    args = ["--root", str(root), "--today", TODAY.isoformat(), "backtest", str(SAMPLE)]
    assert main([*args, "--check"]) == 1
    out = capsys.readouterr().out
    assert "contradicted" in out
    assert main(args) == 0  # without --check the report is not a failure


def test_check_passes_on_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest", str(SAMPLE)]
    assert main([*args, "--check", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["command"] == "backtest" and body["ok"] is True
    assert body["evidence"]["rows"] == 40_000
    assert any("tender-buyer" in f for f in body["findings"])


def test_backtest_reads_the_configured_history_when_none_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without HISTORY, icp backtest reads the history the tier policy (or $ICP_HISTORY)
    names; none configured, or a file that is not there, is said in words (exit 2)."""
    monkeypatch.delenv("ICP_HISTORY", raising=False)
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest"]
    assert main([*args, "--check", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["evidence"]["source"] == str(SAMPLE) and body["evidence"]["rows"] == 40_000
    monkeypatch.setenv("ICP_HISTORY", "nowhere/deals.csv")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("icp: no history found: ") and "(from $ICP_HISTORY)" in err
    monkeypatch.delenv("ICP_HISTORY")
    root = copy_handbook(tmp_path / "hb", fixtures=False)
    policy = root / "rules" / "tier-policy.yaml"
    policy.write_text(policy.read_text().replace("  history: tests/examples/history.parquet\n", ""))
    assert main(["--root", str(root), "backtest"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("icp: no history configured: give HISTORY") and "Traceback" not in err


# --- CRM shapes and bad input ---------------------------------------------------------------

COMPANY = ["US", "300", "saas", "salesforce;outreach;gong", "series_b", "45"]
COMPANY_COLS = ["Country/Region", "Number of Employees", "Industry", "Web Technologies",
                "Funding Stage", "Growth Rate"]  # fmt: skip


def test_salesforce_stages(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sf.csv",
        ["Id", *COMPANY_COLS, "Stage", "Close Date", "Amount"],
        [
            # as Salesforce writes amounts (the cents show the decimal convention: alone,
            # "$50,000" reads two ways and is unknown, as icp score reads it)
            ["1", *COMPANY, "Closed Won", "2026-01-10", "$50,000.00"],
            ["2", *COMPANY, "Closed Lost", "2026-01-11", "10000"],
            ["3", *COMPANY, "Negotiation/Review", "2026-01-12", "1"],
            ["4", *COMPANY, "On hold (custom)", "2026-01-12", "1"],
        ],
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert (ev.base.win.k, ev.base.win.n) == (1, 2)
    assert ev.unknown_stages == {"On hold (custom)": 1}
    assert ev.base.median_value == 50_000
    assert ev.roles["as_of"] == "Close Date"


def test_unknown_stages_are_listed_with_counts_and_never_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Custom stages are listed with their counts, most first, in every rendering, and the
    rows are undecided: neither won nor lost."""
    stages = ["closedwon", "closedlost", "On hold", "On hold", "Lost - no budget", "Won-ish"]
    path = write(
        tmp_path / "custom.csv",
        ["Record ID", *COMPANY_COLS, "Deal Stage"],
        [[str(i), *COMPANY, s] for i, s in enumerate(stages)],
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert ev.unknown_stages == {"On hold": 2, "Lost - no budget": 1, "Won-ish": 1}
    assert list(ev.unknown_stages) == ["On hold", "Lost - no budget", "Won-ish"]
    assert (ev.base.win.k, ev.base.win.n) == (1, 2)  # one won, one lost: nothing else
    assert sum(t.cell.win.n - t.cell.win.k for t in ev.tiers if t.profile) == 1
    listed = "'On hold' (2), 'Lost - no budget' (1), 'Won-ish' (1)"
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest", str(path)]
    assert main(args) == 0
    assert f"counted as undecided: {listed}" in capsys.readouterr().out
    assert main([*args, "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["evidence"]["unknown_stages"] == {"On hold": 2, "Lost - no budget": 1, "Won-ish": 1}
    # Salesforce's IsWon: a value that is neither true nor false is listed the same way
    sf = write(
        tmp_path / "sf.csv",
        ["Id", *COMPANY_COLS, "IsWon"],
        [["1", *COMPANY, "true"], ["2", *COMPANY, "pending"], ["3", *COMPANY, "pending"]],
    )
    ev = backtest(HANDBOOK, BacktestOptions(sf, TODAY))
    assert ev.unknown_stages == {"pending": 2} and (ev.base.win.k, ev.base.win.n) == (1, 1)


def test_salesforce_is_won_and_is_closed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sf.csv",
        ["Id", *COMPANY_COLS, "IsWon", "IsClosed", "CloseDate"],
        [
            ["1", *COMPANY, "true", "true", "2026-01-10"],
            ["2", *COMPANY, "false", "true", "2026-01-10"],
            ["3", *COMPANY, "false", "false", "2026-01-10"],
        ],
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert (ev.base.win.k, ev.base.win.n) == (1, 2)


def test_a_misaligned_record_is_unknown_and_named(tmp_path: Path) -> None:
    """A history read as `icp score` reads an export: a record with an unquoted delimiter
    in a cell (a cell more than the others) was counted on its shifted cells (its stage
    read from another column). Every field of it is unknown, its outcome too (undecided),
    and the report names its row and line, as a warning."""
    path = write(
        tmp_path / "history.csv",
        ["Record ID", *COMPANY_COLS, "Deal Stage"],
        [["1", *COMPANY, "closedwon"], ["2", *COMPANY, "closedlost"]],
    )
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("3,US,300,saas,python,java,series_b,45,closedwon\n")
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert (ev.base.win.k, ev.base.win.n) == (1, 2)
    warning = next(n for n in ev.notes if "more cells than the header" in n)
    assert "row 3 (line 4)" in warning and "every field of it is read as unknown" in warning
    text = RENDER["text"](ev)
    assert "\nwarning: 1 record has more cells" in text and "note: warning" not in text


def test_no_decided_opportunity_is_a_message(tmp_path: Path) -> None:
    path = write(
        tmp_path / "open.csv",
        ["Record ID", *COMPANY_COLS, "Deal Stage"],
        [["1", *COMPANY, "appointmentscheduled"], ["2", *COMPANY, "Custom stage"]],
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert ev.decided == 0 and ev.base.win.value is None and ev.base.lift is None
    assert any("no decided opportunity" in n for n in ev.notes)
    assert {c.status for c in ev.checks} == {"too-few"}  # never contradicted
    assert ev.nothing_decided and not ev.ok  # nothing was checked: not ok either
    for fmt, render in RENDER.items():
        assert "no decided opportunity" in render(ev), fmt


@pytest.mark.parametrize("rows", [[["1", *COMPANY, "Paused"], ["2", *COMPANY, "contractsent"]], []])
def test_no_decided_opportunity_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[list[str]]
) -> None:
    """Only open or unknown stages, or no row at all: the report says so first, exits 0;
    --check says on stderr that nothing was checked and exits 1 (never a traceback, never
    a division by zero, never 'contradicted')."""
    path = write(tmp_path / "open.csv", ["Record ID", *COMPANY_COLS, "Deal Stage"], rows)
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest", str(path)]
    assert main(args) == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert f"{len(rows)} accounts" in lines[0] and "0 decided opportunities" in lines[0]
    assert "base win rate n/a" in lines[0]
    assert any(line.startswith("note: no decided opportunity (won or lost)") for line in lines)
    assert out.err == ""
    assert main([*args, "--check"]) == 1
    out = capsys.readouterr()
    assert "CHECKS\nnothing was checked: no decided opportunity" in out.out
    assert "contradicted" not in out.out
    assert out.err == f"icp: {path}: {NOTHING_DECIDED}\n"
    assert main([*args, "--check", "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] is False and body["evidence"]["base"]["win"]["value"] is None


def test_no_outcome_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", ["Record ID", *COMPANY_COLS], [["1", *COMPANY]])
    with pytest.raises(InputError, match="no outcome column"):
        backtest(HANDBOOK, BacktestOptions(path, TODAY))


def test_time_relative_rules_use_each_rows_date(tmp_path: Path) -> None:
    """A round 100 days before the deal is recent for that deal even years later; a round
    after the deal is unknown for it; a row without a date leaves the rule unknown."""
    cols = ["Record ID", *COMPANY_COLS, "Last Funding Date", "Deal Stage", "Create Date"]
    path = write(
        tmp_path / "h.csv",
        cols,
        [
            ["1", *COMPANY, "2023-01-01", "closedwon", "2023-04-11"],
            ["2", *COMPANY, "2024-06-01", "closedlost", "2023-04-11"],
            ["3", *COMPANY, "2023-01-01", "closedlost", ""],
        ],
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, dt.date(2026, 11, 1)))
    row = next(r for r in ev.rules if r.rule == "recent-round")
    assert (row.met.accounts, row.unmet.accounts, row.unknown.accounts) == (1, 0, 2)
    assert ev.rows_without_date == 1 and ev.future_values == 1
    # the row without a date is used for every rule that needs none, and counted
    for rule_id in ("hypergrowth", "later-stage", "rich-stack"):
        other = next(r for r in ev.rules if r.rule == rule_id)
        assert (other.met.accounts, other.unknown.accounts) == (3, 0), rule_id
    assert ev.base.decided == 3  # its outcome counts like any other
    assert "note: 1 row has no date: time-relative rules are unknown for them" in RENDER["text"](ev)
    fixed = backtest(
        HANDBOOK, BacktestOptions(path, dt.date(2026, 11, 1), mapping={"as_of": "Record ID"})
    )
    # a column that holds no date: every row's date does not read, and that is said
    assert fixed.rows_without_date == 0
    assert any("3 rows have a date in Record ID that does not read" in n for n in fixed.notes)


def test_formats_render(evidence: Evidence) -> None:
    md = RENDER["markdown"](evidence)
    assert "### Criteria" in md and "cloud-we-know" in md
    page = RENDER["html"](evidence)
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert "CHECKS" in RENDER["text"](evidence)


def test_every_rendering_prints_the_same_sections(evidence: Evidence) -> None:
    """Text, Markdown and HTML print the same parts in the same order (the HTML page left out
    the tier boundaries and the findings), each with its lines."""
    text, md, page = (RENDER[f](evidence) for f in ("text", "markdown", "html"))
    titles = re.findall(r"^### (.+)$", md, flags=re.M)
    assert titles[-1] == "Checks" and "Tier boundaries" in titles
    assert re.findall(r"<h2>(.+?)</h2>", page) == [html.escape(t) for t in titles]
    assert [t.upper() for t in titles] == [
        line for line in text.splitlines() if line in {t.upper() for t in titles}
    ]
    boundary = next(
        line
        for line in text.splitlines()
        if "the best single cut" in line or "no cut separates" in line
    )
    assert boundary in md and html.escape(boundary) in page


# --- the handbook ---------------------------------------------------------------------------


def test_handbook_evidence_pages() -> None:
    """Each ICP gets an Evidence section with three charts; the overview lists the checks
    and names the wrong disqualifier. Charts are inline SVG that follow the theme's text
    colour and load nothing."""
    from icpkit.site.evidence import evidence_pages
    from icpkit.site.templating import environment

    made = evidence_pages(REPO, environment(REPO), HANDBOOK, TODAY)
    assert set(made.sections) == {i.id for i in HANDBOOK.active_icps}
    section = made.sections["western-software-teams"]
    assert "## Evidence from the CRM" in section
    assert section.count("<svg") == 3
    assert "currentColor" in section and "#010203" not in section
    for text in (section, made.overview):
        assert "<script" not in text and "url(http" not in text and "<image" not in text
    assert "tender" in made.overview and "passed" in made.overview
    again = evidence_pages(REPO, environment(REPO), HANDBOOK, TODAY)
    assert again == made  # deterministic: no date or random id in the charts


def test_handbook_says_plainly_when_there_is_no_history(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from icpkit.site.evidence import evidence_pages
    from icpkit.site.templating import environment

    # $ICP_HISTORY, as the command line and the hook pass it
    made = evidence_pages(REPO, environment(REPO), HANDBOOK, TODAY, "nowhere/history.csv")
    assert "was not found" in made.overview
    assert all("No evidence yet" in s for s in made.sections.values())
    policy = {k: v for k, v in HANDBOOK.documents["tier_policy"][0].items() if k != "evidence"}
    bare = dataclasses.replace(HANDBOOK, documents={**HANDBOOK.documents, "tier_policy": [policy]})
    made = evidence_pages(REPO, environment(REPO), bare, TODAY)
    assert "No CRM history is configured" in made.overview


# --- pull requests ------------------------------------------------------------------------


def test_diff_with_history_shows_evidence_before_and_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A change that makes the tiers mean less shows A's win rate and lift falling, and the
    check it now contradicts."""
    import os
    import subprocess

    root = copy_handbook(tmp_path / "repo", fixtures=False)
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "handbook"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env)
    _invert(root)
    common = ["--root", str(root), "--today", TODAY.isoformat(), "diff", "main"]
    main([*common, "--history", str(SAMPLE), "--format", "json"])
    body = json.loads(capsys.readouterr().out)
    changes = {c["profile"]: c for c in body["evidence"]["changes"]}
    assert set(changes) == {"", *generate.PREDICTIVE}
    wst = changes["western-software-teams"]
    assert wst["after"]["a_win"] < wst["before"]["a_win"]
    assert wst["after"]["a_over_c"] < 1 < 1.5 < wst["before"]["a_over_c"]
    # the key of earlier reports is kept, with the same value
    assert wst["after"]["lift"] == wst["after"]["a_over_c"]
    assert "A/C win-rate ratio" in body["evidence"]["words"]["western-software-teams"]
    assert body["evidence"]["newly_contradicted"]
    main([*common, "--history", str(SAMPLE)])
    import html

    md = html.unescape(capsys.readouterr().out)
    assert "A-tier win rate" in md and "now contradicted" in md
    assert "A/C win-rate ratio" in md and "lift" not in md.lower()


def test_verdicts_agree_with_icp_score_as_of_each_rows_date(tmp_path: Path) -> None:
    """The back-test's verdicts are the scorer's: rows dated D get the tiers `icp score
    --as-of D` gives them (dates after every funding round, so nothing is masked)."""
    from collections import Counter

    from icpkit.sql.scoring import ScoreOptions, score

    dates = ["2028-01-01", "2028-06-01", "2029-01-01"]
    rows = list(generate.history(300, seed=7))
    for i, row in enumerate(rows):
        row["Create Date"] = dates[i % 3]
    header = list(generate.COLUMNS)
    path = write(tmp_path / "all.csv", header, [[r[c] for c in header] for r in rows])
    expected: Counter[tuple[str, str]] = Counter()
    for d in dates:
        part = write(
            tmp_path / f"{d}.csv",
            header,
            [[r[c] for c in header] for r in rows if r["Create Date"] == d],
        )
        summary = score(
            HANDBOOK,
            ScoreOptions(
                input=part, output=tmp_path / f"{d}.out.csv", as_of=dt.date.fromisoformat(d)
            ),
        )
        for profile, tiers in summary.tiers.items():
            for tier, n in tiers.items():
                expected[(profile, tier)] += n
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    from icpkit.sql.backtest import count

    counts = count(HANDBOOK, BacktestOptions(path, TODAY))
    got: Counter[tuple[str, str]] = Counter()
    for (_status, profile, tier), t in counts.groups.items():
        got[(profile, tier)] += t.accounts
    assert got == expected
    assert ev.rows == 300 and ev.rows_without_date == 0 and ev.future_values == 0


STAGE_TEXT = st.one_of(
    st.sampled_from(
        [
            *("closedwon", "Closed Won", "closedlost", "Closed Lost", "contractsent"),
            *("Prospecting", "", "On hold", "WON", "closed-lost", "n/a", " Lost "),
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
)


@settings(max_examples=25, deadline=None)
@given(stages=st.lists(STAGE_TEXT, min_size=1, max_size=12))
@example(stages=["\xa0", "Closed Won", " closedlost "])  # a cell of a no-break space is empty
def test_only_known_stages_are_decided(
    tmp_path_factory: pytest.TempPathFactory, stages: list[str]
) -> None:
    """Won and lost are exactly the stages the table maps to them (compared without case,
    spaces or punctuation); any other text is undecided and listed, never lost."""
    from icpkit.engine.normal import NULL_TOKENS
    from icpkit.evidence.outcomes import STAGES, stage_key
    from icpkit.sql.numbers import BLANKS

    path = tmp_path_factory.mktemp("stages") / "h.csv"
    rows = [[str(i), *COMPANY, s] for i, s in enumerate(stages)]
    write(path, ["Record ID", *COMPANY_COLS, "Deal Stage"], rows)
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    meaning = [
        # the parse layer trims blanks (a no-break space too: a cell of blanks is empty)
        "empty"
        if not s.strip(BLANKS) or s.strip(BLANKS).lower() in NULL_TOKENS
        else STAGES.get(stage_key(s))
        for s in stages
    ]
    assert ev.base.win.k == meaning.count("won")
    assert ev.base.win.n == meaning.count("won") + meaning.count("lost")
    assert sum(ev.unknown_stages.values()) == meaning.count(None)


def test_lift_badge(evidence: Evidence) -> None:
    from icpkit.site.badges import GREEN, GREY
    from icpkit.site.evidence import lift_badge

    badge = lift_badge(evidence)
    assert badge.label == "A/C win-rate ratio" and badge.color == GREEN
    assert badge.message == f"{evidence.a_over_c():.1f}×"
    assert lift_badge(None).message == "no history" and lift_badge(None).color == GREY


def test_tier_policy_evidence_settings_are_validated(tmp_path: Path) -> None:
    from icpkit.loading.validate import validate

    root = copy_handbook(tmp_path / "hb", fixtures=False)
    policy = root / "rules" / "tier-policy.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("min_decided: 30", "min_decided: 0\n  a_over_see: 2"))
    lines = [str(p) for p in validate(root, today=TODAY).sorted()]
    assert "rules/tier-policy.yaml:20:16: error found a number '0'; expected at least 1 " in (
        "\n".join(lines)
    )
    assert any(":21:3:" in line and "(did you mean 'a_over_c'?)" in line for line in lines)


# --- tenure -----------------------------------------------------------------------------------


def test_median_tenure_reads_customers_only_and_unreadable_is_unknown(tmp_path: Path) -> None:
    """The median tenure is over customers (won) whose tenure reads: a number of months or a
    number with a unit; 'n/a', a negative number and an empty cell are unknown, never 0;
    a lost opportunity's tenure is not a customer's."""
    tenures = ["12", "24 months", "2 years", "n/a", "-3", "", "1.5 yrs"]
    rows = [["1", *COMPANY, "closedwon", "2026-01-10", t] for t in tenures]
    rows.append(["9", *COMPANY, "closedlost", "2026-01-10", "100"])
    path = write(
        tmp_path / "t.csv",
        ["Record ID", *COMPANY_COLS, "Deal Stage", "Close Date", "Tenure (months)"],
        [[str(i), *r[1:]] for i, r in enumerate(rows)],
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert ev.roles["tenure"] == "Tenure (months)"
    # known: 12, 24, 24, 18 -> median 21 (reading n/a, -3 or empty as 0 would give 12)
    assert ev.base.median_tenure == 21
    (row,) = [t for t in ev.tiers if t.profile and t.cell.accounts]
    assert row.cell.median_tenure == 21
    pooled = ev.tier("", row.tier)
    assert pooled is not None and pooled.cell.median_tenure == 21
    renamed = path.with_name("renamed.csv")
    renamed.write_text(path.read_text().replace("Tenure (months)", "Months with us"))
    mapped = backtest(
        HANDBOOK, BacktestOptions(renamed, TODAY, mapping={"tenure": "Months with us"})
    )
    assert mapped.roles["tenure"] == "Months with us" and mapped.base.median_tenure == 21
    # a column of plain numbers is read typed (the CSV reader sniffs integers): the same rule
    typed = write(
        tmp_path / "typed.csv",
        ["Record ID", *COMPANY_COLS, "Deal Stage", "Tenure"],
        [["1", *COMPANY, "closedwon", "12"], ["2", *COMPANY, "closedwon", "30"],
         ["3", *COMPANY, "closedwon", ""], ["4", *COMPANY, "closedwon", "-1"]],
    )  # fmt: skip
    ev = backtest(HANDBOOK, BacktestOptions(typed, TODAY))
    assert ev.roles["tenure"] == "Tenure" and ev.base.median_tenure == 21


def test_tenure_from_customer_since(tmp_path: Path) -> None:
    """Without a tenure column, 'Customer Since' starts it; it ends at the churn date, or at
    the back-test's date for a customer who stayed; a churned customer without a churn
    date, and a start after the end, are unknown."""
    cols = ["Record ID", *COMPANY_COLS, "Deal Stage", "Customer Since", "Churned", "Churn Date"]
    path = write(
        tmp_path / "since.csv",
        cols,
        [
            ["1", *COMPANY, "closedwon", "2025-11-01", "false", ""],  # to 2026-11-01: 12
            ["2", *COMPANY, "closedwon", "2024-11-01", "true", "2025-05-02"],  # 6
            ["3", *COMPANY, "closedwon", "2020-01-01", "true", ""],  # unknown end
            ["4", *COMPANY, "closedwon", "2027-01-01", "false", ""],  # after the end
            ["5", *COMPANY, "closedwon", "not a date", "false", ""],
        ],
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, dt.date(2026, 11, 1)))
    assert ev.roles["customer_since"] == "Customer Since" and "tenure" not in ev.roles
    assert ev.base.median_tenure is not None
    assert round(ev.base.median_tenure, 1) == 9.0  # the median of 12.0 and 6.0


def test_no_tenure_column_is_unknown_everywhere(tmp_path: Path) -> None:
    path = write(
        tmp_path / "none.csv",
        ["Record ID", *COMPANY_COLS, "Deal Stage"],
        [["1", *COMPANY, "closedwon"], ["2", *COMPANY, "closedlost"]],
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert ev.base.median_tenure is None
    assert all(t.cell.median_tenure is None for t in ev.tiers)
    assert "median tenure n/a" in RENDER["text"](ev)


def test_median_tenure_in_every_rendering(evidence: Evidence) -> None:
    """Text, Markdown and HTML have a median tenure column beside the median value; JSON
    carries it per tier; the handbook's tier tables show it too."""
    from icpkit.reporters.evidence import months
    from icpkit.site.evidence import evidence_pages
    from icpkit.site.templating import environment

    a = evidence.tier("", "A")
    assert a is not None and a.cell.median_tenure is not None
    want = months(a.cell.median_tenure)
    assert want.endswith(" months")
    text = RENDER["text"](evidence)
    assert "median tenure" in text.splitlines()[0]
    line = next(x for x in text.splitlines() if x.startswith("all ICPs A "))
    assert want in line
    assert "| median value | median tenure |" in RENDER["markdown"](evidence)
    assert f"<td>{want}</td>" in RENDER["html"](evidence)
    body = json.loads(RENDER["json"](evidence))
    tiers = body["evidence"]["tiers"]
    got = next(t for t in tiers if t["profile"] == "" and t["tier"] == "A")
    assert got["cell"]["median_tenure"] == a.cell.median_tenure
    made = evidence_pages(REPO, environment(REPO), HANDBOOK, TODAY)
    assert "| Median value | Median tenure |" in made.overview
    assert f"| {want} |" in made.overview
    assert "median tenure among customers" in made.overview
    wst = evidence.tier("western-software-teams", "A")
    assert wst is not None
    section = made.sections["western-software-teams"]
    assert "Median tenure" in section and f"| {months(wst.cell.median_tenure)} |" in section
    import html

    # the mapping is documented on the overview (page text is entity-escaped)
    assert "| tenure | Tenure (months), Tenure, tenure_months" in html.unescape(made.overview)
    assert "| customer_since | Became a Customer Date" in html.unescape(made.overview)


def test_a_handbook_with_grouped_criteria_backtests_as_it_scores(tmp_path: Path) -> None:
    """The back-test reads each rule's outcome once (a shadow column per rule); criteria
    inside a capped or first-match group (the PostHog example) are read through the same
    columns, and every account's tier is the one `evaluate` gives the same record."""
    from icpkit.engine.evaluate import evaluate
    from icpkit.sql.companies import from_values

    posthog = load(REPO / "tests" / "examples" / "posthog").handbook
    header = ["id", "headcount", "engineering_headcount", "web_traffic"]
    header += ["funding_total", "tags", "description", "Deal Stage", "Close Date"]
    rows = [
        ["1", "40", "25", "120000", "12000000", "Developer Tools;B2B", "AI agents", "closedwon"],
        ["2", "8", "", "3000", "", "", "A bakery", "closedlost"],
        ["3", "250", "90", "", "80000000", "Fintech", "payments", "closedwon"],
        ["4", "", "", "", "", "", "", "closedlost"],
        ["5", "1200", "400", "900000", "", "Open Source", "", "closedwon"],
    ]
    rows = [[*r, "2026-06-01"] for r in rows]
    path = write(tmp_path / "deals.csv", header, rows)
    ev = backtest(posthog, BacktestOptions(path, TODAY))
    counted = {(t.profile, t.tier): t.cell.accounts for t in ev.tiers if t.profile}
    expected: dict[tuple[str, str], int] = {}
    for row in rows:
        company, _ = from_values(posthog, dict(zip(header[1:7], row[1:7], strict=True)))
        v = evaluate(posthog, company, dt.date(2026, 6, 1))
        if v.best_profile and v.tier:
            key = (v.best_profile, v.tier)
            expected[key] = expected.get(key, 0) + 1
    assert expected and {k: n for k, n in counted.items() if n} == expected


def test_a_map_file_says_what_custom_stages_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`outcome: {column: Opp Result, values: {Signed: won, Dead: lost}}` in the --map file
    reads a custom pipeline: mapped stages are decided (before the built-in table), the
    rest stay undecided and listed; a meaning other than won / lost / open is refused."""
    stages = ["Signed", "signed ", "DEAD", "Dead", "Paused", "closedwon"]
    path = write(
        tmp_path / "custom.csv",
        ["Record ID", *COMPANY_COLS, "Opp Result"],
        [[str(i), *COMPANY, s] for i, s in enumerate(stages)],
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "outcome:\n  column: Opp Result\n  values: {Signed: won, Dead: lost, Paused: open}\n",
        encoding="utf-8",
    )
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest", str(path)]
    assert main([*args, "--map", str(mapping), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)["evidence"]
    assert body["unknown_stages"] == {}
    assert (body["base"]["win"]["k"], body["base"]["win"]["n"]) == (3, 5)
    mapping.write_text("outcome:\n  values: {Signed: wonn}\n", encoding="utf-8")
    assert main([*args, "--map", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert "found 'Signed: wonn'; expected won, lost or open" in err and "won" in err


def test_amounts_are_read_as_score_reads_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A European export's amounts (30.416,00 in a ';' file) read in the file's decimal
    convention, as `icp score` reads numbers; text that is no amount is unknown and counted,
    never a median of nothing without a word; --decimal-comma / --encoding are accepted."""
    header = ["Record ID", *COMPANY_COLS, "Deal Stage", "Amount"]
    rows = [
        [str(i), *COMPANY[:-1], "4,5", stage, amount]
        for i, (stage, amount) in enumerate(
            [("closedwon", "30.416,00"), ("closedwon", "12.000,00"), ("closedlost", "abc")]
        )
    ]
    path = tmp_path / "eu.csv"
    with path.open("w", newline="", encoding="cp1252") as handle:
        csv.writer(handle, delimiter=";").writerows([header, *rows, ["3", "DE"] + [""] * 7])
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY, encoding="cp1252"))
    assert ev.base.median_value == pytest.approx((30_416 + 12_000) / 2)
    assert any("1 value of Amount could not be read" in n for n in ev.notes)
    assert any(n.startswith("decimal convention: comma") for n in ev.notes)
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest", str(path)]
    assert main([*args, "--encoding", "cp1252", "--decimal-comma"]) == 0
    assert "set by --decimal-comma" in capsys.readouterr().out


def test_a_history_without_a_date_column_leaves_time_relative_rules_unknown(
    tmp_path: Path,
) -> None:
    """No date column at all: every row is without a date, so 'raised in the past 12
    months' is unknown for each (never judged as of today), and the report says why."""
    cols = ["Record ID", *COMPANY_COLS, "Last Funding Date", "Deal Stage"]
    rows = [["1", *COMPANY, "2026-10-01", "closedwon"], ["2", *COMPANY, "2019-01-01", "closedlost"]]
    ev = backtest(HANDBOOK, BacktestOptions(write(tmp_path / "h.csv", cols, rows), TODAY))
    row = next(r for r in ev.rules if r.rule == "recent-round")
    assert (row.met.accounts, row.unmet.accounts, row.unknown.accounts) == (0, 0, 2)
    assert ev.rows_without_date == 2
    assert "no date column" in ev.as_of
    hyper = next(r for r in ev.rules if r.rule == "hypergrowth")
    assert hyper.met.accounts == 2  # the rules that need no date are evaluated


def test_a_date_that_does_not_read_is_named_apart_from_a_missing_one(tmp_path: Path) -> None:
    cols = ["Record ID", *COMPANY_COLS, "Deal Stage", "Create Date"]
    rows = [
        ["1", *COMPANY, "closedwon", "3/14/2025"],
        ["2", *COMPANY, "closedlost", ""],
        ["3", *COMPANY, "closedwon", "2025-03-14"],
    ]
    ev = backtest(HANDBOOK, BacktestOptions(write(tmp_path / "h.csv", cols, rows), TODAY))
    assert ev.rows_without_date == 1
    said = " ".join(ev.notes)
    assert "1 row has a date in Create Date that does not read, such as '3/14/2025'" in said
    assert "expected ISO dates (2025-03-14)" in said


def test_repeated_account_ids_are_said(tmp_path: Path) -> None:
    cols = ["Record ID", *COMPANY_COLS, "Deal Stage"]
    rows = [["1", *COMPANY, "closedwon"], ["1", *COMPANY, "closedlost"], ["2", *COMPANY, "x"]]
    ev = backtest(HANDBOOK, BacktestOptions(write(tmp_path / "h.csv", cols, rows), TODAY))
    assert any(n.startswith("3 rows hold 2 distinct account ids") for n in ev.notes)


def test_rule_rows_show_churn_when_met_unmet_and_unknown(evidence: Evidence) -> None:
    text = RENDER["text"](evidence)
    assert "churn met / unmet / unknown" in text
    row = next(r for r in evidence.rules if r.rule == "fast-growth")
    shares = [f"{c.churn.value:.0%}" for c in (row.met, row.unmet, row.unknown)]
    assert " / ".join(shares) in text
    assert "churn met / unmet / unknown" in RENDER["markdown"](evidence)


def test_a_repeated_header_row_is_not_an_opportunity(tmp_path: Path) -> None:
    cols = ["Record ID", *COMPANY_COLS, "Deal Stage"]
    rows = [["1", *COMPANY, "closedwon"], cols, ["2", *COMPANY, "closedlost"]]
    ev = backtest(HANDBOOK, BacktestOptions(write(tmp_path / "h.csv", cols, rows), TODAY))
    assert ev.rows == 2 and ev.unknown_stages == {}


def test_a_timestamp_with_a_zone_is_read_as_its_utc_day_on_any_machine(tmp_path: Path) -> None:
    """A Parquet export's typed Close Date (a timestamp with a time zone) is the same day on
    a laptop in Los Angeles as on CI in UTC: its UTC day (DuckDB read it in the machine's
    zone, so 23:30 at UTC-5 was June 1 there and June 2 elsewhere, and a funding round on
    June 2 came 'after the deal' on one machine only)."""
    import os
    import subprocess
    import sys

    path = tmp_path / "tz.parquet"
    cols = ["Record ID", *COMPANY_COLS, "Last Funding Date", "Deal Stage"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (" + ", ".join(f'"{c}" VARCHAR' for c in cols) + ")")
    con.execute(
        "INSERT INTO t VALUES (" + ", ".join("?" for _ in cols) + ")",
        ["1", *COMPANY, "2025-06-02", "closedwon"],
    )
    con.execute(
        "COPY (SELECT *, TIMESTAMPTZ '2025-06-01 23:30:00-05' AS \"Close Date\" FROM t) "
        f"TO '{path}' (FORMAT parquet)"
    )
    con.close()
    import icpkit

    scripts = str(Path(icpkit.__file__).parent.parent)
    env = {**os.environ, "TZ": "America/Los_Angeles", "PYTHONPATH": scripts}
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest", str(path)]
    argv = [*args, "--format", "json"]
    code = f"import sys; from icpkit.cli import main; sys.exit(main({argv!r}))"
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    body = json.loads(run.stdout)["evidence"]
    assert body["future_values"] == 0 and body["rows_without_date"] == 0, body["notes"]


def test_a_difference_chance_could_explain_is_never_contradicted() -> None:
    """--check fails only on what the history shows: A 14 of 30 against B 15 of 30 (Fisher's
    p = 1) or A 40% against C 30% of 30 each (the intervals allow 1.5×) is too few to say,
    never contradicted; the same rates over 300 decided opportunities each are."""
    from icpkit.evidence.checks import Policy, run_checks

    def checks(tiers: dict[str, tuple[int, int]]) -> dict[str, tuple[str, str]]:
        got = run_checks(lambda _p, t: tiers[t], Policy(), [])
        return {c.id: (c.status, c.detail) for c in got}

    small = checks({"A": (14, 30), "B": (15, 30), "C": (8, 30), "D": (5, 30)})
    assert small["tiers-in-order"][0] == "too-few"
    assert "A wins less often than B (p = 1)" in small["tiers-in-order"][1]
    # 47% against 27% is 1.75x, but Fisher's p = 0.18: the rates could be one
    assert small["a-over-c"][0] == "too-few"
    assert "could be one rate by chance (p = 0.18)" in small["a-over-c"][1]
    small = checks({"A": (12, 30), "B": (10, 30), "C": (9, 30), "D": (5, 30)})
    # Wilson: 12/30 reaches 57.7%, 9/30 falls to 16.7%: 3.46× is within reach
    assert small["a-over-c"] == (
        "too-few",
        "A's win rate at least 1.5× C's: A 40%, C 30%, 1.33×: below 1.5×, but too few to "
        "say: the 95% intervals allow 3.46× (A up to 58%, C down to 17%)",
    )
    large = checks({"A": (140, 300), "B": (200, 300), "C": (120, 300), "D": (50, 300)})
    assert large["tiers-in-order"][0] == "contradicted"
    said = "A wins less often than B (p = 6.5e-06), adjusted for 6 comparisons"
    assert said in large["tiers-in-order"][1]
    large = checks({"A": (60, 300), "B": (50, 300), "C": (75, 300), "D": (5, 300)})
    assert large["a-over-c"][0] == "contradicted"


def test_markdown_report_escapes_export_text(tmp_path: Path) -> None:
    """A deal stage or account id from the export is text in the Markdown report (a PR
    comment, a job summary), never emphasis, a link or HTML: only `|` and `<` were escaped."""
    evil = "*x* [x](javascript:alert(1)) <b> ~~y~~ `z`"
    path = write(
        tmp_path / "evil.csv",
        ["Record ID", *COMPANY_COLS, "Deal Stage", "Amount"],
        [["1", *COMPANY, "closedwon", "1000"], [evil, *COMPANY, evil, "5000"]],
    )
    md = RENDER["markdown"](backtest(HANDBOOK, BacktestOptions(path, TODAY)))
    escaped = r"\*x\* \[x\](javascript:alert(1)) \<b\> \~\~y\~\~ \`z\`"
    assert escaped in md
    assert "*x*" not in md.replace(r"\*x\*", "") and "](javascript" not in md.replace(
        r"\](javascript", ""
    )


def test_charts_draw_a_rate_that_cannot_be_given_as_n_a_never_as_0() -> None:
    """A criterion whose met-over-unmet ratio cannot be given (no decided opportunity on a
    side) is drawn with no bar and 'n/a' in the handbook's lift chart: it was a bar of 0 in
    the colour of a rule that hurts. A tier with no decided opportunity says n/a too."""
    from icpkit.site import charts

    svg = str(charts.lift_bars(["known (10)", "unknown (10)"], [1.5, None], "t", salt="t"))
    assert "n/a" in svg and charts._BAR2 not in svg
    svg = str(
        charts.win_rate_bars(["A", "B"], [(0.5, 0.3, 0.7), (None, None, None)], "t", salt="t")
    )
    assert "n/a" in svg


def test_every_chart_text_is_drawn_in_the_pages_text_colour() -> None:
    """Session 11: a chart's 'n/a' was drawn in a fixed grey (#8a8a8a), 3.45:1 on the light
    page (the evidence page's pooled tier chart always has one). Every text of every chart
    is in currentColor, the page's own text colour, which reads in both schemes."""
    from icpkit.site import charts

    rates = [(0.5, 0.3, 0.7), (None, None, None)]
    svgs = [
        charts.lift_bars(["known (10)", "unknown (10)"], [1.5, None], "t", salt="t"),
        charts.win_rate_bars(["A", "B"], rates, "t", salt="t", base=0.4),
        charts.band_line([0, 20], rates, {"A": 80, "B": 60, "C": 40}, "t", salt="t"),
    ]
    for svg in map(str, svgs):
        texts = re.findall(r"<text [^>]*>", svg)
        assert texts
        fills = {m for t in texts for m in re.findall(r"fill: ?([^;\"]+)", t)}
        assert fills <= {"currentColor"}, fills


def test_lift_carries_the_win_rates_uncertainty_in_the_report_and_the_handbook() -> None:
    """A tier of 3 decided opportunities, 2 won, against a base of 5 won in 12: win rate 67%
    with Wilson's 20.8%-93.9%, lift 0.667 / 0.417 = 1.60× within 0.50×-2.25×; one won deal
    alone is 2.40× within 0.50×-2.40×, never a bare 2.40×. The CLI's table and the handbook
    page show the same words."""
    from icpkit.evidence.report import cell
    from icpkit.reporters.evidence import _cell_cols, lift_ci
    from icpkit.site.evidence import _cell
    from icpkit.sql.backtest import Tally

    base = 5 / 12
    a = cell(Tally(accounts=4, won=2, lost=1), base)
    assert (round(a.win.low or 0, 4), round(a.win.high or 0, 4)) == (0.2077, 0.9385)
    assert lift_ci(a) == "1.60× (0.50×–2.25×)"
    assert lift_ci(cell(Tally(accounts=1, won=1), base)) == "2.40× (0.50×–2.40×)"
    assert lift_ci(cell(Tally(accounts=2), base)) == "n/a"
    assert _cell(a)["lift"] == _cell_cols(a)[-1] == "1.60× (0.50×–2.25×)"


def test_an_empty_outcome_is_counted_and_said_never_a_loss(tmp_path: Path) -> None:
    """A deal whose stage cell is empty or a placeholder is undecided, and the report counts
    those rows in a note (they were left out without a word)."""
    rows = [
        ["1", *COMPANY, "closedwon"],
        ["2", *COMPANY, "closedlost"],
        ["3", *COMPANY, ""],
        ["4", *COMPANY, "n/a"],
        ["5", *COMPANY, "appointmentscheduled"],
    ]
    path = write(tmp_path / "h.csv", ["Record ID", *COMPANY_COLS, "Deal Stage"], rows)
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert ev.decided == 2 and ev.base.win.k == 1 and ev.rows_without_outcome == 2
    note = "2 rows have no outcome in Deal Stage"
    assert any(n.startswith(note) and "never as lost" in n for n in ev.notes), ev.notes
    assert not ev.unknown_stages
    for fmt, render in RENDER.items():
        assert note in render(ev), fmt


def test_flat_win_rates_never_pass_as_falling() -> None:
    """Tiers that win alike (every tier 50%, or every opportunity won) do not show win rates
    falling from A to D: the check passed on them. It passes only when the highest tier with
    enough data wins more often than the lowest by more than chance could explain."""
    from icpkit.evidence.checks import Policy, run_checks

    def in_order(tiers: dict[str, tuple[int, int]]) -> tuple[str, str]:
        got = run_checks(lambda _p, t: tiers[t], Policy(a_over_c=None), [])
        return next((c.status, c.detail) for c in got if c.id == "tiers-in-order")

    flat = in_order({"A": (20, 40), "B": (20, 40), "C": (20, 40), "D": (20, 40)})
    assert flat[0] == "too-few", flat
    assert "A does not win more often than D by more than chance" in flat[1]
    assert in_order(dict.fromkeys("ABCD", (40, 40)))[0] == "too-few"
    assert in_order({"A": (30, 40), "B": (30, 40), "C": (0, 0), "D": (0, 0)})[0] == "too-few"
    # a clear fall, with a tie in the middle, passes
    assert in_order({"A": (32, 40), "B": (20, 40), "C": (20, 40), "D": (8, 40)})[0] == "passed"


def test_check_fails_when_no_check_can_be_decided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A history too small for any check (a handful of decided opportunities) supports
    nothing: --check exits 1 and says so, as for a history with nothing decided (it passed)."""
    rows = [[str(i), *COMPANY, "closedwon" if i % 2 else "closedlost"] for i in range(6)]
    path = write(tmp_path / "small.csv", ["Record ID", *COMPANY_COLS, "Deal Stage"], rows)
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert ev.decided == 6 and {c.status for c in ev.checks} == {"too-few"}
    assert ev.nothing_shown and not ev.ok
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest", str(path)]
    assert main(args) == 0  # the report alone is not a failure
    capsys.readouterr()
    assert main([*args, "--check"]) == 1
    out = capsys.readouterr()
    assert "CHECKS\nnothing was shown: no check of the tier policy could be decided" in out.out
    assert out.err.startswith(f"icp: {path}: no check of the tier policy could be decided")
    assert main([*args, "--check", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_a_over_c_passes_only_when_a_and_c_are_told_apart() -> None:
    """'A at least 1.5x C' passed on A 2 of 2 against C 0 of 2 (and printed 'inf×'): a ratio
    from a handful of deals is not evidence. It passes when the rates meet the ratio and
    Fisher's test tells A from C; a C that won nothing is said in words, never 'inf×'."""
    from icpkit.evidence.checks import Policy, run_checks

    def a_over_c(tiers: dict[str, tuple[int, int]]) -> tuple[str, str]:
        got = run_checks(lambda _p, t: tiers[t], Policy(min_decided=2), [])
        return next((c.status, c.detail) for c in got if c.id == "a-over-c")

    tiny = a_over_c({"A": (2, 2), "B": (1, 2), "C": (0, 2), "D": (0, 2)})
    assert tiny[0] == "too-few" and "p = 0.33" in tiny[1], tiny
    clear = a_over_c({"A": (30, 40), "B": (20, 40), "C": (0, 40), "D": (0, 40)})
    assert clear == ("passed", "A's win rate at least 1.5× C's: A 75%, C 0%, no ratio (C won none)")
    assert a_over_c({"A": (32, 40), "B": (20, 40), "C": (8, 40), "D": (2, 40)})[0] == "passed"
    for tiers in ({"A": (0, 40), "B": (0, 40), "C": (0, 40), "D": (0, 40)},):
        assert "inf" not in a_over_c(tiers)[1]


def test_a_higher_tier_that_wins_less_than_any_lower_one_is_contradicted() -> None:
    """Win rates that creep up from A to D (45%, 47%, 49%, 51% of 2,000 each) never differ
    enough between neighbours for Fisher's test (p = 0.22 each), yet A against D does
    (p = 0.00017; z = 3.8 by the normal approximation): the tiers mean less, and the check
    said 'too few to say' because it compared neighbours only. Every higher tier is
    compared with every lower one."""
    from icpkit.evidence.checks import Policy, run_checks

    tiers = {"A": (900, 2000), "B": (940, 2000), "C": (980, 2000), "D": (1020, 2000)}
    got = run_checks(lambda _p, t: tiers[t], Policy(a_over_c=None), [])
    status, detail = next((c.status, c.detail) for c in got if c.id == "tiers-in-order")
    assert status == "contradicted", detail
    assert "A wins less often than D (p = 0.00099)" in detail  # 0.00017 for one pair alone
    assert detail.endswith("adjusted for 6 comparisons")
    # a non-neighbour inversion chance could explain stays too few to say
    tiers = {"A": (14, 30), "B": (15, 30), "C": (16, 30), "D": (5, 30)}
    got = run_checks(lambda _p, t: tiers[t], Policy(a_over_c=None), [])
    assert next(c.status for c in got if c.id == "tiers-in-order") == "too-few"


def test_one_reversal_among_six_pairs_is_judged_as_one_of_six() -> None:
    """A 48% and B 51.5% of 2,000 each (Fisher p = 0.029), every other pair in order: with
    six pairs compared at 5% each, one such reversal turns up by chance far more often than
    5% of the time, so it is too few to say (adjusted p = 0.17), not a contradiction."""
    from icpkit.evidence.checks import Policy, run_checks

    tiers = {"A": (960, 2000), "B": (1030, 2000), "C": (900, 2000), "D": (800, 2000)}
    got = run_checks(lambda _p, t: tiers[t], Policy(a_over_c=None), [])
    status, detail = next((c.status, c.detail) for c in got if c.id == "tiers-in-order")
    assert status == "too-few", detail
    assert "A wins less often than B (p = 0.17)" in detail


def test_a_mean_satisfaction_just_below_zero_is_never_minus_zero() -> None:
    """NPS runs from -100 to 100: customers scoring -1, 0, 0, 1, -1 average -0.2, and
    -1 among twenty-four zeros averages -0.04, which the NPS/CSAT column printed as '-0.0'.
    A mean that rounds to zero is '0.0'; one that does not keeps its sign."""
    from icpkit.evidence.report import cell
    from icpkit.reporters.evidence import _cell_cols
    from icpkit.sql.backtest import Tally

    nps = 6  # the NPS/CSAT column
    assert _cell_cols(cell(Tally(accounts=25, won=25, satisfaction=-0.04), 1.0))[nps] == "0.0"
    assert _cell_cols(cell(Tally(accounts=5, won=5, satisfaction=-0.2), 1.0))[nps] == "-0.2"
    assert _cell_cols(cell(Tally(accounts=5, won=5), 1.0))[nps] == "n/a"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "0"),
        (0.4, "0"),
        (-0.4, "0"),
        (999, "999"),
        (999.4, "999"),
        (999.5, "1k"),
        (1000, "1k"),
        (2500, "3k"),
        (999_499, "999k"),
        (999_500, "1.0M"),
        (999_999, "1.0M"),
        (1e6, "1.0M"),
        (1_250_000, "1.3M"),
        (999_949_999, "999.9M"),
        (999_999_999, "1.0B"),
        (2.5e9, "2.5B"),
        (-999_999, "-1.0M"),
        (-1500, "-2k"),
        (-12, "-12"),
        (None, "n/a"),
    ],
)
def test_a_median_value_is_shown_in_the_unit_it_rounds_to(amount: float | None, shown: str) -> None:
    """The unit is chosen after rounding: 999,999 is '1.0M', never '1000k', and 999.5 is
    '1k', never '1000'; halves round up, as money is read; a negative amount keeps its
    sign and its unit; an amount that rounds to zero is '0'."""
    from icpkit.reporters.evidence import money

    assert money(amount) == shown


def test_lift_over_the_average_and_the_a_over_c_ratio_have_their_own_names(
    evidence: Evidence,
) -> None:
    """'Lift' meant a tier's win rate over the base rate in icp backtest and A's win rate
    over C's in icp diff and the badge: each now has its own name in every format, and the
    handbook's evidence page says what each is."""
    from icpkit.site.evidence import evidence_pages
    from icpkit.site.templating import environment

    for fmt in ("text", "markdown", "html"):
        out = html.unescape(RENDER[fmt](evidence))
        assert "lift over the average" in out.lower(), fmt
        assert "vs base" not in out and "A vs C" not in out, fmt
    made = evidence_pages(REPO, environment(REPO), HANDBOOK, TODAY)
    page = html.unescape(made.overview)
    assert "Lift over the average (95% CI)" in page and "A/C win-rate ratio" in page
    assert "vs base" not in page and "A vs C lift" not in page
    for section in made.sections.values():
        text = html.unescape(section)
        assert "vs base" not in text and "Criterion lift" not in text


@pytest.mark.parametrize("kept", ["closedwon", "closedlost"])
def test_a_history_of_only_won_or_only_lost_deals_cannot_test_the_tiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kept: str
) -> None:
    """An export filtered to won deals (or to lost ones) has nothing to compare: every
    tier wins 100% (or 0%). It was reported 'contradicted' ('A at least 1.5x C: A 100%, C
    100%'), as if the tiers were wrong. Every format notes the likely export mistake, every
    check is 'untestable' (never contradicted, never passed), and --check fails, saying so."""
    from icpkit.site.badges import RED
    from icpkit.site.evidence import evidence_pages, lift_badge
    from icpkit.site.templating import environment

    path = tmp_path / "filtered.csv"
    duckdb.sql(
        f"COPY (SELECT * FROM '{SAMPLE}' WHERE \"Deal Stage\" = '{kept}') TO '{path}' (HEADER)"
    )
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    assert ev.decided > 1000
    assert {c.status for c in ev.checks} == {"untestable"}
    assert ev.one_outcome and not ev.nothing_shown and not ev.ok
    word = "won" if kept == "closedwon" else "lost"
    note = next(n for n in ev.notes if "cannot test the tiers" in n)
    assert f"every one of the {ev.decided:,} decided opportunities was {word}" in note
    assert "filtered" in note
    for fmt in ("text", "markdown", "html", "json"):
        out = html.unescape(RENDER[fmt](ev))
        assert "cannot test the tiers" in out and "contradicted" not in out, fmt
    assert lift_badge(ev).message == "cannot test" and lift_badge(ev).color != RED
    made = evidence_pages(REPO, environment(REPO), HANDBOOK, TODAY, from_env=str(path))
    page = html.unescape(made.overview)
    assert "cannot test the tiers" in page and "**contradicted**" not in page
    args = ["--root", str(REPO), "--today", TODAY.isoformat(), "backtest", str(path)]
    assert main(args) == 0
    capsys.readouterr()
    assert main([*args, "--check"]) == 1
    out = capsys.readouterr()
    assert out.err.startswith(f"icp: {path}: every one of the {ev.decided:,}")
    assert "cannot test the tiers" in out.err and "nothing was tested" in out.out


def test_a_percent_column_of_fractions_is_warned_of(tmp_path: Path) -> None:
    """Session 12: a history whose Growth Rate is written as fractions (0.45 for 45 %) was
    counted on values 100 times too small without a word; the report warns, as icp score."""
    rows = [
        [str(i), *COMPANY[:-1], ["0.45", "0.12", "-0.05", "0.3"][i % 4], "closedwon"]
        for i in range(1, 25)
    ]
    path = write(tmp_path / "history.csv", ["Record ID", *COMPANY_COLS, "Deal Stage"], rows)
    ev = backtest(HANDBOOK, BacktestOptions(path, TODAY))
    warning = next(n for n in ev.notes if "fractions" in n)
    assert warning.startswith("warning: column Growth Rate (growth_rate, in percent)")
    text = RENDER["text"](ev)
    assert "\nwarning: column Growth Rate" in text and "note: warning" not in text
    # the same history in percent: no warning
    rows = [[*r[:-2], "45", r[-1]] for r in rows]
    path = write(tmp_path / "percent.csv", ["Record ID", *COMPANY_COLS, "Deal Stage"], rows)
    assert not any("fractions" in n for n in backtest(HANDBOOK, BacktestOptions(path, TODAY)).notes)
