"""Absent data is unknown everywhere: never the empty set, never a match or a miss."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from icpkit.cli import main
from icpkit.engine.evaluate import evaluate
from icpkit.engine.evaluate import test_condition as condition_result
from icpkit.engine.model import AllOf, AnyOf, Condition, Leaf
from icpkit.engine.operators import OPERATORS, Ctx
from test_backends_agree import HANDBOOK, companies, conditions

AS_OF = dt.date(2026, 11, 1)


def _tests_presence(cond: Condition) -> bool:
    if isinstance(cond, Leaf):
        return OPERATORS[cond.op].null_known
    if isinstance(cond, AllOf | AnyOf):
        return any(_tests_presence(c) for c in cond.items)
    return _tests_presence(cond.item)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies(HANDBOOK), conditions, st.sampled_from(sorted(HANDBOOK.fields)))
def test_removing_a_field_never_turns_unknown_into_met_or_unmet(
    company: dict[str, Any], cond: Condition, name: str
) -> None:
    """For any company, any rule (other than present / missing, which test presence itself)
    and any field: if the rule is unknown, it stays unknown without the field."""
    if _tests_presence(cond):
        return
    ctx = Ctx(AS_OF)
    before = condition_result(cond, company, ctx)
    after = condition_result(cond, {k: v for k, v in company.items() if k != name}, ctx)
    if before is None:
        assert after is None
    if after is not None:
        assert after == before


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies(HANDBOOK), st.sampled_from(sorted(HANDBOOK.fields)))
def test_removing_a_field_never_makes_a_verdict_rule_met_or_unmet(
    company: dict[str, Any], name: str
) -> None:
    """The same over the example handbook's own rules, through the whole verdict."""
    before = evaluate(HANDBOOK, company, AS_OF)
    after = evaluate(HANDBOOK, {k: v for k, v in company.items() if k != name}, AS_OF)
    for p_before, p_after in zip(before.profiles, after.profiles, strict=True):
        for r1, r2 in zip(
            p_before.requirements + p_before.criteria,
            p_after.requirements + p_after.criteria,
            strict=True,
        ):
            if r1.result is None:
                assert r2.result is None, r1.key


def test_a_set_field_no_one_supplied_is_unknown_not_empty() -> None:
    """No tech_stack at all: 'Builds on .NET or Python' is unknown, not unmet (the issue's
    German software company of 240 people)."""
    company = {"country": "DE", "employees": 240, "industry": "software"}
    verdict = evaluate(HANDBOOK, company, AS_OF)
    western = next(p for p in verdict.profiles if p.icp == "western-software-teams")
    assert western.eligible
    assert verdict.best_profile == "western-software-teams"
    assert "tech_stack" in verdict.unknown_fields


def test_an_all_empty_record_has_insufficient_data_and_no_best_profile() -> None:
    verdict = evaluate(HANDBOOK, {}, AS_OF)
    assert verdict.best_profile is None
    assert verdict.status == "insufficient_data"
    # no score and no tier, as a status gate gives (issues 11 and 16 combined)
    assert (verdict.tier, verdict.score) == (None, None)


def test_a_company_that_fits_nothing_is_scored_d_with_no_best_profile() -> None:
    """Issue 11's `no_fit` is issue 16's `scored` with no best profile: judged, tier D."""
    company = {"country": "JP", "employees": 3, "industry": "mining", "tech_stack": frozenset()}
    verdict = evaluate(HANDBOOK, company, AS_OF)
    assert (verdict.best_profile, verdict.status, verdict.tier) == (None, "scored", "D")


def test_the_tier_policy_may_ask_for_a_share_of_known_requirements() -> None:
    company = {"country": "DE", "employees": 240, "industry": "software"}
    strict = dataclasses.replace(
        HANDBOOK, policy=dataclasses.replace(HANDBOOK.policy, min_known_share=1.0)
    )
    verdict = evaluate(strict, company, AS_OF)
    assert verdict.best_profile is None and verdict.status == "insufficient_data"


def test_the_best_case_names_the_deciding_unknown_fields() -> None:
    """A HubSpot export carries no funding, growth or budget: the account scores few points
    today, and its best case says which unknown fields would lift it."""
    company = {
        "country": "DE",
        "employees": 240,
        "industry": "software",
        "tech_stack": frozenset({"python"}),
    }
    verdict = evaluate(HANDBOOK, company, AS_OF)
    assert verdict.tier in ("C", "D")
    assert verdict.best_case_tier == "A"
    assert "growth_rate" in verdict.deciding_fields
    assert "country" not in verdict.deciding_fields


def test_a_band_across_a_rules_edge_is_a_deciding_field_in_every_backend(
    tmp_path: Path,
) -> None:
    """Harbor Analytics (LinkedIn band 51-200) meets 'between 50 and 1,000' but not surely
    'between 100 and 500': its headcount is what to ask, in explain and in icp score alike
    (the page's evaluator is held to the same in the browser parity tests)."""
    company = {
        "country": "IE",
        "employees": (51, 200),
        "industry": "saas",
        "tech_stack": frozenset({"python", "gcp"}),
        "funding_stage": "series_a",
        "growth_rate": 40,
        "it_budget": 300_000,
        "services_needed": frozenset({"dedicated_team"}),
        "profitability": "profitable_growing",
    }
    verdict = evaluate(HANDBOOK, company, AS_OF)
    assert (verdict.tier, verdict.best_case_tier) == ("C", "B")
    assert verdict.deciding_fields == ("employees",)
    exact = evaluate(HANDBOOK, {**company, "employees": 150}, AS_OF)
    assert exact.tier == "B" and exact.deciding_fields == ()

    export = tmp_path / "harbor.csv"
    export.write_text(
        "id,country,employees,industry,tech_stack,funding_stage,growth_rate,it_budget,"
        "services_needed,profitability\n"
        "harbor,IE,51-200,saas,python;gcp,series_a,40,300000,dedicated_team,profitable_growing\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    args = ["--root", str(REPO), "score", str(export), "-o", str(out), "--as-of", "2026-11-01"]
    assert main(args) == 0
    scored = out.read_text(encoding="utf-8").splitlines()
    row = dict(zip(scored[0].split(","), scored[1].split(","), strict=True))
    assert (row["tier"], row["best_case_tier"], row["deciding_fields"]) == ("C", "B", "employees")


def test_a_date_after_the_as_of_date_is_a_deciding_field_in_every_backend(
    tmp_path: Path,
) -> None:
    """A last funding date after the as-of date leaves 'raised in the past 12 months'
    unknown (not known then), and that rule lifts the company from B to A: its date is what
    to ask, though it has a value. Both explain and icp score named no field to ask."""
    company = {
        "country": "US",
        "employees": 300,
        "industry": "saas",
        "tech_stack": frozenset({"salesforce", "outreach"}),
        "funding_stage": "series_b",
        "growth_rate": 35,
        "annual_revenue": 20_000_000,
        "last_funding_date": dt.date(2027, 1, 1),
    }
    verdict = evaluate(HANDBOOK, company, AS_OF)
    assert (verdict.tier, verdict.best_case_tier) == ("B", "A")
    assert "last_funding_date" in verdict.deciding_fields
    before = evaluate(HANDBOOK, {**company, "last_funding_date": dt.date(2026, 6, 1)}, AS_OF)
    assert "last_funding_date" not in before.deciding_fields

    export = tmp_path / "future.csv"
    export.write_text(
        "id,country,employees,industry,tech_stack,funding_stage,growth_rate,annual_revenue,"
        "last_funding_date\n"
        "future,US,300,saas,salesforce;outreach,series_b,35,20000000,2027-01-01\n"
        "past,US,300,saas,salesforce;outreach,series_b,35,20000000,2026-06-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    args = ["--root", str(REPO), "score", str(export), "-o", str(out), "--as-of", "2026-11-01"]
    assert main(args) == 0
    with out.open(encoding="utf-8", newline="") as f:
        scored = {row["id"]: row for row in csv.DictReader(f)}
    assert scored["future"]["deciding_fields"].split(";") == list(verdict.deciding_fields)
    assert "last_funding_date" not in scored["past"]["deciding_fields"]


def test_explain_set_leaves_a_set_field_it_was_not_given_unknown() -> None:
    """`icp explain --set country=DE --set employees=240 --set industry=software`: the tech
    stack was not given, so it is unknown (it was read as the empty set, and the company got
    tier D, "no ICP fits")."""
    from icpkit.sql.companies import from_values

    company, bad = from_values(
        HANDBOOK, {"country": "DE", "employees": "240", "industry": "software"}
    )
    assert "tech_stack" not in company and bad == []
    verdict = evaluate(HANDBOOK, company, AS_OF)
    assert verdict.best_profile == "western-software-teams"
    assert verdict.status == "scored"  # issue 11's "fit" is the unified "scored"


def _explain_json(capsys: Any, *args: str) -> tuple[int, dict[str, Any], str]:
    import json

    from conftest import REPO
    from icpkit.cli import main

    code = main(
        ["--root", str(REPO), "explain", *args, "--as-of", "2026-11-01", "--format", "json"]
    )
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def _read(doc: dict[str, Any], field: str) -> Any:
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("field") == field and "test" in node:
                found.append(node["value"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc["verdict"])
    return found[0]


def test_explain_row_with_set_replaces_the_row_s_value_even_by_an_unknown(capsys: Any) -> None:
    """`icp explain FILE --row 1 --set employees=8.000`: the value set reads two ways, so
    employees is unknown; the row's own 201-500 must not stand in for it (it did: met, +15,
    under a footer saying employees was unreadable). `--set tech_stack=N/A` likewise."""
    from conftest import REPO

    export = str(REPO / "tests" / "examples" / "hubspot-export.csv")
    code, doc, _ = _explain_json(capsys, export, "--row", "1", "--set", "employees=8.000")
    assert code == 0
    assert _read(doc, "employees") is None
    assert "employees" in doc["verdict"]["unknown_fields"]
    code, doc, _ = _explain_json(capsys, export, "--row", "1", "--set", "tech_stack=N/A")
    assert _read(doc, "tech_stack") is None
    # a value set for a cell the row could not read is read, and no longer called unreadable
    code, doc, _ = _explain_json(capsys, export, "--row", "10", "--set", "annual_revenue=3e7")
    assert _read(doc, "annual_revenue") == 30_000_000
    assert doc["unreadable_cells"] == []


def test_explain_refuses_two_set_values_for_one_field(capsys: Any) -> None:
    """`--set "Number of Employees=1,200" --set employees=240` name one field twice: the
    last one silently won."""
    code, _, err = _explain_json(
        capsys, "--set", "Number of Employees=1,200", "--set", "employees=240"
    )
    assert code == 2
    assert "both for employees" in err


def test_a_quoted_empty_set_cell_is_the_empty_set(tmp_path: Path) -> None:
    """Exporters that quote every text cell (the bench generator, Salesforce): "" in the
    technologies column is present and empty (no tools), not absent, also when the numbers
    are read as typed columns (DuckDB 2 reads a quoted "" as NULL under force_not_null)."""
    export = tmp_path / "quoted.csv"
    export.write_text(
        '"account_id","name","country","employees","annual_revenue_usd","industry",'
        '"tech_stack","funding_stage","founded_year","it_budget_usd","has_erp","growth_rate_pct"\n'
        '"ACC1","Teken Inc","US",215,66846982.03,"saas","","series_b",2008,2645759.06,false,2.8\n',
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    bench = REPO / "tests" / "bench" / "handbook"
    args = ["--root", str(bench), "score", str(export), "-o", str(out), "--as-of", "2026-11-01"]
    assert main(args) == 0
    header, row = out.read_text(encoding="utf-8").splitlines()
    got = dict(zip(header.split(","), row.split(","), strict=True))
    # no tools: 'Builds on .NET or Python' is unmet, so no profile fits (the reference's D, 0)
    assert (got["best_profile"], got["tier"], got["unknown_fields"]) == ("", "D", "")


def test_a_date_after_the_as_of_date_is_unknown_in_every_backend() -> None:
    """A funding round dated after the as-of date (a deal's date in the back-test) cannot
    explain it, and the round before it is not in the record: 'within 365 days' and 'more
    than 365 days ago' are both unknown, in the evaluator, icp score's SQL and every warehouse
    dialect (the browser is held to the same by its parity tests)."""
    import duckdb

    from icpkit.sql import ir
    from icpkit.sql.dialects import DIALECTS

    ctx = Ctx(AS_OF)
    days = {"within_days": 365, "older_than_days": 365}
    cases = {
        dt.date(2027, 1, 5): (None, None),  # after the as-of date
        AS_OF: (True, False),
        dt.date(2026, 1, 1): (True, False),
        dt.date(2025, 1, 1): (False, True),
    }
    con = duckdb.connect()
    for value, expected in cases.items():
        for op, want in zip(days, expected, strict=True):
            leaf = Leaf("last_funding_date", op, days[op])
            assert condition_result(leaf, {"last_funding_date": value}, ctx) is want, (op, value)
            duck = OPERATORS[op].sql(f"DATE '{value}'", "date", days[op], ctx)
            assert con.execute(f"SELECT {duck}").fetchone() == (want,), (op, value)
            fld = HANDBOOK.fields["last_funding_date"]
            for d in DIALECTS.values():
                c = ir.LeafCtx(fld, d, AS_OF)
                rendered = ir.LEAVES[op](ir.literal(value, "date"), days[op], c).sql(d.sqlglot)
                if d.name in ("duckdb", "postgres", "spark", "snowflake", "bigquery"):
                    assert con.execute(f"SELECT {rendered}").fetchone() == (want,), (d.name, op)


def test_a_placeholder_text_is_unknown_in_a_fixture_as_in_an_export() -> None:
    """Session 9: `icp test` and `icp explain --set` read 'N/A' in a text field as a known
    text (it mentions no 'ai', it differs from 'student'); icp score, explain on an export
    row and the warehouse SQL read it as unknown. One reading now: `normal.read_text`."""
    from icpkit.engine.normal import NULL_TOKENS
    from icpkit.engine.values import typed_value
    from icpkit.loading.validate import open_handbook

    ph = open_handbook(REPO / "tests" / "examples" / "posthog")
    role = ph.fields["role"]
    for token in NULL_TOKENS:
        for written in (token, token.upper(), f" {token}\t", token.title()):
            assert typed_value(role, written) is None, written
    for text in ("n/a please", "none yet", "-x", "nano"):
        assert typed_value(role, text) is not None, text
    verdict = evaluate(ph, {"role": typed_value(role, "N/A")}, dt.date(2026, 11, 1))
    assert "role" in verdict.unknown_fields


def test_a_presence_test_does_not_read_as_an_unknown_result() -> None:
    """`missing: true` read 'Tech stack: Python, unknown (unmet)' and `present: true` on no
    value 'Tech stack: unknown, known (unmet)': the test's own words were the words of an
    unknown value and an unknown result. They say whether the field has a value."""
    from icpkit.engine.explain import leaf_sentence
    from icpkit.engine.verdict import LeafResult

    python = frozenset({"python"})
    missing = leaf_sentence(HANDBOOK, LeafResult("tech_stack", "missing", None, python, False))
    assert missing == "Tech stack: Python, has no value"
    present = leaf_sentence(HANDBOOK, LeafResult("tech_stack", "present", None, None, False))
    assert present == "Tech stack: unknown, has a value"


def test_a_tier_that_rests_on_an_unknown_disqualifier_says_what_it_risks(
    capsys: Any,
) -> None:
    """A manufacturer of 501-5,000 people that buys through tenders is tier A: the
    disqualifier 'over 1,000 employees and buys through tenders' is unknown and does not
    disqualify (unknown is never a match), but explain said nothing of it; it now names the
    disqualifier and the unknown test, and each unknown warning sign that would lower the
    tier, in text and in JSON."""
    args = ["--root", str(REPO), "explain", "--as-of", "2026-11-01"]
    for value in (
        "country=DE",
        "industry=manufacturing",
        "annual_revenue=50000000",
        "erp_deployed=yes",
        "tech_stack=sap_erp",
        "it_budget=2000000",
        "growth_rate=6",
        "founded_year=1970",
        "buys_through_tenders=yes",
        "employees=501-5000",
        "services_needed=document_automation",
    ):
        args += ["--set", value]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Tier A" in out
    assert (
        "At risk: disqualified by 'enterprise-tenders' (Over 1,000 employees and buys through "
        "tenders) if Employees more than 1,000 (known: 501–5,000)"
    ) in out
    assert "At risk: could drop to tier B by the warning sign 'Owned by the state'" in out
    assert main([*args, "--format", "json"]) == 0
    risks = json.loads(capsys.readouterr().out)["verdict"]["at_risk"]
    assert risks[0] == {
        "negative": "enterprise-tenders",
        "rule": "tender-buyer",
        "kind": "disqualifier",
        "tier": "D",
        "fields": ["employees"],
        "sentence": risks[0]["sentence"],
    }
    assert {(r["rule"], r["tier"]) for r in risks[1:]} >= {("state-owned", "B")}
    # known to be under 1,000: nothing at risk from that portrait
    known = [a.replace("501-5000", "800") for a in args]
    assert main([*known, "--format", "json"]) == 0
    risks = json.loads(capsys.readouterr().out)["verdict"]["at_risk"]
    assert all(r["negative"] != "enterprise-tenders" for r in risks)
