"""The row-by-row evaluator and the compiled SQL give the same verdict on the same input.

Random companies (with random gaps and bands) against the example handbook, and random
rules drawn from the operator table against random companies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from icpkit.engine.evaluate import evaluate
from icpkit.engine.model import AllOf, AnyOf, Condition, Field, Handbook, Leaf, Not, Rule, Tiers
from icpkit.engine.operators import OPERATORS
from icpkit.loading.handbook import load
from icpkit.sql.layout import Columns
from icpkit.sql.parsing import MACROS
from icpkit.sql.sqlcompile import verdict_sql

HANDBOOK = load(REPO).handbook
AS_OF = dt.date(2026, 11, 1)


def value_strategy(fld: Field) -> st.SearchStrategy[Any]:
    if fld.type in ("number", "integer"):
        exact = (
            st.integers(-50, 3_000_000_000)
            if fld.type == "integer"
            else st.one_of(st.integers(-50, 3_000_000_000), st.floats(-100, 1e9, allow_nan=False))
        )
        band = st.tuples(st.integers(0, 5000), st.integers(0, 5000)).map(lambda p: (min(p), max(p)))
        interesting = st.sampled_from(
            [
                0,
                5,
                10,
                20,
                30,
                49,
                50,
                100,
                200,
                500,
                1000,
                1001,
                2000,
                5000,
                250_000,
                500_000,
                1_000_000,
                5_000_000,
                20_000_000,
                100_000_000,
                1990,
                2005,
                2012,
            ]
        )
        return st.one_of(exact, band, interesting)
    if fld.type == "yes_no":
        return st.booleans()
    if fld.type == "date":
        return st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31))
    if fld.type == "set_of":
        return st.frozensets(st.sampled_from(fld.values or ("a", "b", "c")), max_size=5)
    values = fld.values or ("alpha", "beta", "gamma")
    if fld.is_country:
        values = ("US", "CA", "GB", "IE", "DE", "FR", "NO", "PL", "LT", "IT", "AU", "JP")
    return st.sampled_from(values)


def companies(handbook: Handbook) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {}, optional={name: value_strategy(fld) for name, fld in handbook.fields.items()}
    )


def sql_verdicts(handbook: Handbook, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    cols = Columns(handbook)
    con = duckdb.connect()
    con.execute(MACROS)
    schema = cols.schema()
    con.execute(
        "CREATE TABLE parsed (icp_id VARCHAR, " + ", ".join(f"{c} {t}" for c, t in schema) + ")"
    )
    con.executemany(
        f"INSERT INTO parsed VALUES (?{', ?' * len(schema)})",
        [[str(i), *cols.to_row(r)] for i, r in enumerate(rows)],
    )
    sql = verdict_sql(handbook, AS_OF, per_profile=True)
    out = con.execute(f"SELECT * FROM ({sql}) ORDER BY CAST(icp_id AS INTEGER)").fetchall()
    names = [d[0] for d in con.description]
    return [tuple(dict(zip(names, r, strict=True)).items()) for r in out]


def py_verdict(handbook: Handbook, company: dict[str, Any]) -> dict[str, Any]:
    v = evaluate(handbook, company, AS_OF)
    out: dict[str, Any] = {
        "best_profile": v.best_profile,
        "tier": v.tier,
        "score": v.score,
        "disqualified_by": ";".join(v.disqualified_by) or None,
        "unknown_fields": ";".join(v.unknown_fields) or None,
        "status": v.status,
        "best_case_tier": v.best_case_tier,
        "deciding_fields": ";".join(v.deciding_fields) or None,
    }
    for p in v.profiles:
        out[f"{p.icp}_score"] = p.score if p.eligible else None
        out[f"{p.icp}_tier"] = p.tier
    return out


def assert_same(handbook: Handbook, rows: list[dict[str, Any]]) -> None:
    for company, sql_row in zip(rows, sql_verdicts(handbook, rows), strict=True):
        got = {k: v for k, v in sql_row if k != "icp_id"}
        assert got == py_verdict(handbook, company), company


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(companies(HANDBOOK), min_size=1, max_size=25))
def test_example_handbook_same_verdict_in_both_paths(rows: list[dict[str, Any]]) -> None:
    assert_same(HANDBOOK, rows)


# --- random rules drawn from the operator table -------------------------------------------------

FIELDS = dict(HANDBOOK.fields.items())


@st.composite
def leaf(draw: st.DrawFn) -> Leaf:
    name = draw(st.sampled_from(sorted(FIELDS)))
    fld = FIELDS[name]
    op_key = draw(
        st.sampled_from(
            sorted(
                k for k, o in OPERATORS.items() if fld.type in o.types and o.operand != "regions"
            )
        )
    )
    kind = OPERATORS[op_key].operand
    value = value_strategy(fld)
    if fld.type in ("number", "integer"):
        value = st.integers(-10, 6000)
    operand: Any
    if kind == "pair":
        pair = draw(st.tuples(value, value))
        operand = (min(pair), max(pair))
    elif kind == "values":
        operand = tuple(draw(st.lists(value_strategy(fld), min_size=1, max_size=3)))
        if fld.type == "set_of":
            operand = tuple(x for s in operand for x in s) or ("salesforce",)
    elif kind == "flag":
        operand = draw(st.booleans())
    elif kind == "days":
        operand = draw(st.integers(1, 2000))
    elif kind == "none":
        operand = None
    else:
        operand = draw(value)
    return Leaf(name, op_key, operand, operand)


conditions = st.recursive(
    leaf(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda x: AllOf(tuple(x))),
        st.lists(inner, min_size=1, max_size=3).map(lambda x: AnyOf(tuple(x))),
        inner.map(Not),
    ),
    max_leaves=6,
)


@st.composite
def random_handbook(draw: st.DrawFn) -> Handbook:
    import dataclasses

    icp = HANDBOOK.active_icps[0]

    def rules(kind: str, n: int) -> tuple[Rule, ...]:
        conds: list[Condition] = draw(
            st.lists(conditions, min_size=0 if kind == "requirement" else 1, max_size=n)
        )
        return tuple(
            Rule(
                f"r{i}",
                f"rule {i}",
                c,
                kind,
                draw(st.integers(-30, 40)) if kind == "criterion" else 0,
            )
            for i, c in enumerate(conds)
        )

    tiers = sorted(
        draw(st.lists(st.integers(-20, 120), min_size=3, max_size=3, unique=True)), reverse=True
    )
    new_icp = dataclasses.replace(
        icp,
        requirements=rules("requirement", 3),
        criteria=rules("criterion", 4),
        tiers=Tiers(*tiers),
    )
    neg = HANDBOOK.active_negatives[0]
    new_neg = dataclasses.replace(
        neg,
        disqualifiers=rules("disqualifier", 2),
        warnings=tuple(
            dataclasses.replace(r, kind="warning", points=-abs(r.points) or -5)
            for r in rules("criterion", 2)
        ),
    )
    share = draw(st.sampled_from([0.0, 0.5, 1.0]))
    return dataclasses.replace(
        HANDBOOK,
        icps=tuple(new_icp if i.id == icp.id else i for i in HANDBOOK.icps),
        negatives=(new_neg,),
        policy=dataclasses.replace(HANDBOOK.policy, min_known_share=share),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_handbook(), st.lists(companies(HANDBOOK), min_size=1, max_size=12))
def test_random_rules_same_verdict_in_both_paths(
    handbook: Handbook, rows: list[dict[str, Any]]
) -> None:
    assert_same(handbook, rows)


def test_unknown_is_never_met_or_unmet() -> None:
    """Every operator on a missing value is unknown (except present / missing)."""
    from icpkit.engine.evaluate import test_condition
    from icpkit.engine.operators import Ctx

    for key, op in OPERATORS.items():
        for name, fld in FIELDS.items():
            if fld.type not in op.types or op.operand == "regions":
                continue
            result = test_condition(
                Leaf(name, key, (1, 2) if op.operand == "pair" else 1), {}, Ctx(AS_OF)
            )
            assert result is (None if not op.null_known else key == "missing"), (key, name)


def test_verdicts_are_deterministic() -> None:
    company = {
        "country": "GB",
        "industry": "saas",
        "employees": 240,
        "tech_stack": frozenset({"python"}),
    }
    first = evaluate(HANDBOOK, company, AS_OF)
    assert all(evaluate(HANDBOOK, dict(company), AS_OF) == first for _ in range(5))
