"""The row-by-row evaluator and the compiled SQL give the same verdict on the same input.

Random companies (with random gaps and bands) against the example handbook, and random
rules drawn from the operator table against random companies.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from icpkit.engine.evaluate import evaluate
from icpkit.engine.model import (
    AllOf,
    AnyOf,
    Condition,
    CountOf,
    Field,
    Flag,
    Group,
    Handbook,
    Leaf,
    Not,
    Rule,
    Tiers,
)
from icpkit.engine.normal import normal
from icpkit.engine.operators import OPERATORS, Ctx, Members
from icpkit.engine.risk import risks
from icpkit.engine.values import typed_value
from icpkit.loading.handbook import load
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.ir import READS_NO_TEXT
from icpkit.sql.layout import Columns
from icpkit.sql.parsing import MACROS
from icpkit.sql.sqlcompile import verdict_sql

HANDBOOK = load(REPO).handbook
AS_OF = dt.date(2026, 11, 1)
#: members of a closed set that no value names, as CRM exports hold them
UNRECOGNISED = ("Google Analytics", "Wordpress", "python 3")


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
        known = st.frozensets(st.sampled_from(fld.values or ("a", "b", "c")), max_size=5)
        if fld.values is None:
            return known
        # a closed set may have members no value names: each an unknown member
        unrecognised = st.lists(st.sampled_from(UNRECOGNISED), min_size=1, max_size=2)
        return st.one_of(known, st.builds(Members, known, unrecognised))
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
        "at_risk": ";".join(dict.fromkeys(r.negative for r in risks(handbook, v) if r.disqualifies))
        or None,
    }
    for flag, value in v.flag_values.items():
        out[f"flag_{flag}"] = value
    for p in v.profiles:
        shown = v.shows_score(p)  # none under a status without a score
        out[f"{p.icp}_score"] = p.score if shown else None
        out[f"{p.icp}_tier"] = p.tier if shown else None
        for group, points in p.groups:
            out[f"{p.icp}_{group}"] = points if shown else None
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
#: the operand kinds drawn here (text words and member phrases are drawn below, on the PostHog
#: example, whose vocabulary has text fields and open sets)
NORTHWIND_OPERANDS = ("value", "pair", "values", "flag", "days", "none")


@st.composite
def leaf(draw: st.DrawFn) -> Leaf:
    name = draw(st.sampled_from(sorted(FIELDS)))
    fld = FIELDS[name]
    op_key = draw(
        st.sampled_from(
            sorted(
                k
                for k, o in OPERATORS.items()
                if fld.type in o.types and o.operand in NORTHWIND_OPERANDS
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


# --- the rule language's newer rows: text, set members, counts, groups, gates, flags -------------
#
# Drawn against the PostHog example handbook, whose vocabulary has text fields and open sets.

PH = load(REPO / "tests" / "examples" / "posthog").handbook
PH_FIELDS = dict(PH.fields.items())
#: words with case, accents, punctuation, underscores, '&', stems, a sharp s and a ligature
#: (folded: 'Straße' is 'STRASSE', 'ﬁnance' is 'finance') to trip a normalisation
WORDS = [
    "AI",
    "ai-powered",
    "Café",
    "ML_pipeline",
    "automation",
    "automat",
    "first",
    "aid",
    "Développeur",
    "&",
    "and",
    "LLMs",
    "acme.ai",
    ".AI",
    "İstanbul",
    "Sequoia Capital India",
    "GV",
    "gvk",
    "x",
    # case folding: one text however its sharp s or ligature is written
    "Straße",
    "STRASSE",
    "GROẞ",
    "\ufb01nance",
    "Finance",
]
MEMBERS = sorted({normal(w) for w in WORDS} - {""})


def within_bounds(fld: Field, value: Any) -> bool:
    """A number (or each end of a band) inside the vocabulary's minimum / maximum: what a
    fixture may hold (outside them `typed_value` refuses it, as a fixture-value error)."""
    ends = value if isinstance(value, tuple) else (value,)
    low = -math.inf if fld.minimum is None else fld.minimum
    high = math.inf if fld.maximum is None else fld.maximum
    return all(low <= v <= high for v in ends)


def ph_value(fld: Field) -> st.SearchStrategy[Any]:
    if fld.type == "text":
        return st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)
    if fld.type == "set_of":
        return st.frozensets(st.sampled_from(MEMBERS), max_size=4)
    if fld.type in ("number", "integer"):
        return value_strategy(fld).filter(lambda v: within_bounds(fld, v))
    return value_strategy(fld)


def ph_companies() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={n: ph_value(f) for n, f in PH_FIELDS.items()})


#: what the warehouse IR renders for every dialect (see icpkit.sql.ir.refuse_unsupported): a
#: test that reads a text field's normal form only while every dialect has SQL for it
def warehouse_renders(op_key: str, ftype: str) -> bool:
    everywhere = all(d.normal_form is not None for d in DIALECTS.values())
    return ftype != "text" or op_key in READS_NO_TEXT or everywhere


@st.composite
def ph_leaf(draw: st.DrawFn, warehouse: bool = False) -> Leaf:
    """A leaf on the PostHog vocabulary (with `warehouse`, only what the IR renders)."""
    name = draw(st.sampled_from(sorted(PH_FIELDS)))
    fld = PH_FIELDS[name]
    keys = sorted(
        k
        for k, o in OPERATORS.items()
        if fld.type in o.types
        and o.operand != "regions"
        and (not warehouse or warehouse_renders(k, fld.type))
    )
    op_key = draw(st.sampled_from(keys))
    kind = OPERATORS[op_key].operand
    operand: Any
    if kind == "words":
        # stems cut short, and stems that are a whole word (which must not match that word)
        cut = st.integers(1, 12)
        stems = st.tuples(st.sampled_from(MEMBERS), cut).map(lambda p: p[0][: p[1]] + "*")
        operand = tuple(draw(st.lists(st.one_of(st.sampled_from(MEMBERS), stems), min_size=1)))
    elif kind == "text":
        operand = draw(st.sampled_from([".ai", "acme", "ai", "ist", "café", "strass", "fin"]))
    elif kind == "phrases":
        phrases = tuple(draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=3)))
        operand = (phrases, draw(st.integers(1, 10)))
    elif kind == "values" and fld.type in ("set_of", "text"):
        operand = tuple(draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=3)))
    elif kind == "value" and fld.type == "text":
        operand = draw(st.sampled_from(MEMBERS))
    elif kind == "none":
        operand = None
    else:
        return draw(leaf_for(name))
    return Leaf(name, op_key, operand, operand)


def leaf_for(name: str) -> st.SearchStrategy[Leaf]:
    """A leaf on a number, yes/no or date field of the PostHog vocabulary."""
    fld = PH_FIELDS[name]
    keys = sorted(
        k
        for k, o in OPERATORS.items()
        if fld.type in o.types and o.operand in ("value", "pair", "flag", "none")
    )

    @st.composite
    def build(draw: st.DrawFn) -> Leaf:
        op_key = draw(st.sampled_from(keys))
        kind = OPERATORS[op_key].operand
        operand: Any = None
        if kind == "pair":
            a, b = draw(st.integers(-10, 200_000)), draw(st.integers(-10, 200_000))
            operand = (min(a, b), max(a, b))
        elif kind == "value" and fld.type == "yes_no":
            operand = draw(st.booleans())
        elif kind == "value":
            operand = draw(st.integers(-10, 200_000))
        elif kind == "flag":
            operand = draw(st.booleans())
        return Leaf(name, op_key, operand, operand)

    return build()


def _count(args: tuple[list[Condition], str, int]) -> CountOf:
    items, op, n = args
    return CountOf(tuple(items), op, min(n, len(items)))


def conditions_of(leaves: st.SearchStrategy[Leaf]) -> st.SearchStrategy[Condition]:
    """Conditions over `leaves`: all, any, not and counts, up to six leaves."""
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda x: AllOf(tuple(x))),
            st.lists(inner, min_size=1, max_size=3).map(lambda x: AnyOf(tuple(x))),
            inner.map(Not),
            st.tuples(
                st.lists(inner, min_size=1, max_size=4),
                st.sampled_from(["at_least", "at_most"]),
                st.integers(0, 4),
            ).map(_count),
        ),
        max_leaves=6,
    )


ph_conditions = conditions_of(ph_leaf())


@st.composite
def ph_handbook(
    draw: st.DrawFn, conditions: st.SearchStrategy[Condition] = ph_conditions
) -> Handbook:
    """The PostHog handbook with random criteria (groups with caps and first-match tiers),
    requirements, profile and policy gates, flags, a disqualifier and disqualified_score."""
    import dataclasses

    icp = PH.active_icps[0]

    def rule(i: int, kind: str) -> Rule:
        points = draw(st.integers(1, 30)) if kind == "criterion" else 0
        return Rule(f"{kind[0]}{i}", f"{kind} {i}", draw(conditions), kind, points)

    crit = [rule(i, "criterion") for i in range(draw(st.integers(1, 6)))]
    split = draw(st.integers(0, len(crit)))
    cap = draw(st.one_of(st.none(), st.integers(1, 60)))
    inner = Group("tiers", "Tiers", tuple(crit[:split]), cap, first_match=True)
    outer = Group(
        "all",
        "All",
        (inner, *crit[split:]),
        draw(st.one_of(st.none(), st.integers(1, 90))),
    )
    new_icp = dataclasses.replace(
        icp,
        requirements=tuple(rule(i, "requirement") for i in range(draw(st.integers(0, 2)))),
        criteria=tuple(crit),
        scoring=(outer,),
        gates=tuple(
            dataclasses.replace(rule(i, "gate"), id=f"profile_status_{i}")
            for i in range(draw(st.integers(0, 2)))
        ),
    )
    neg = PH.active_negatives[0]
    new_neg = dataclasses.replace(
        neg, disqualifiers=tuple(rule(i, "disqualifier") for i in range(draw(st.integers(0, 2))))
    )
    gates = tuple(
        dataclasses.replace(rule(i, "gate"), id=f"status_{i}")
        for i in range(draw(st.integers(0, 2)))
    )
    flags = tuple(
        Flag(rule(i, "flag"), draw(st.booleans())) for i in range(draw(st.integers(0, 2)))
    )
    policy = dataclasses.replace(
        PH.policy,
        gates=gates,
        flags=flags,
        disqualified_score=draw(st.sampled_from(["keep", "zero"])),
    )
    return dataclasses.replace(PH, icps=(new_icp,), negatives=(new_neg,), policy=policy)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ph_handbook(), st.lists(ph_companies(), min_size=1, max_size=12))
def test_new_rows_same_verdict_in_both_paths(
    handbook: Handbook, rows: list[dict[str, Any]]
) -> None:
    """Text and member tests, counts, groups with caps and tiers, gates, flags and the
    disqualified score: the evaluator and SQL agree."""
    typed = [{n: typed_value(PH_FIELDS[n], v) for n, v in row.items()} for row in rows]
    assert_same(handbook, typed)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ph_companies())
def test_posthog_example_same_verdict_in_both_paths(row: dict[str, Any]) -> None:
    assert_same(PH, [{n: typed_value(PH_FIELDS[n], v) for n, v in row.items()}])


WORD_CASES = [
    # (text, words as written, expected)
    ("We build ML pipelines for robots", ["ml"], True),
    ("First aid mail retail", ["ai", "ml"], False),
    ("AI-powered", ["ai"], True),
    ("Café automation", ["automat*"], True),
    ("an automat", ["automat*"], False),
    ("an automat", ["automat"], True),
    ("Machine   Learning!", ["machine learning"], True),
    ("machine-learning", ["machine learning"], True),
    ("learning machine", ["machine learning"], False),
    ("ÉCOLE d'été", ["ecole"], True),
    ("R&D tools", ["r and d"], True),
    ("", ["ai"], False),
]


def test_word_tests_agree_on_chosen_cases() -> None:
    """`mentions` reads whole words and phrases, stems only as longer words; SQL agrees."""
    fld = PH_FIELDS["description"]
    con = duckdb.connect()
    con.execute(MACROS)
    for text, words, expected in WORD_CASES:
        operand = tuple(normal(w.rstrip("*")) + ("*" if w.endswith("*") else "") for w in words)
        value = typed_value(fld, text)
        assert OPERATORS["mentions"].test(value, operand, None) is expected, (text, words)  # type: ignore[arg-type]
        sql = OPERATORS["mentions"].sql("f", "text", operand, None)  # type: ignore[arg-type]
        got = con.execute(f"SELECT {sql} FROM (SELECT ? AS f__n)", [normal(text)]).fetchone()
        assert got is not None and got[0] is expected, (text, words, sql)


def _gated_northwind(all_profiles: bool) -> Handbook:
    """The example handbook with a status gate on one profile (or on every profile)."""
    import dataclasses

    gate = Rule("no_country", "Country unknown", Leaf("country", "missing", None), "gate")
    icps = tuple(
        dataclasses.replace(i, gates=(gate,)) if all_profiles or n == 0 else i
        for n, i in enumerate(HANDBOOK.active_icps)
    )
    return dataclasses.replace(HANDBOOK, icps=icps)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.lists(companies(HANDBOOK), min_size=1, max_size=12))
def test_profile_gates_same_verdict_in_both_paths(
    all_profiles: bool, rows: list[dict[str, Any]]
) -> None:
    """A profile's own gate makes it not eligible; a company every profile stops gets the
    gate's status and no score."""
    assert_same(_gated_northwind(all_profiles), rows)


def test_a_company_every_profile_stops_has_a_status_and_no_score() -> None:
    v = evaluate(_gated_northwind(True), {"employees": 200}, AS_OF)
    assert (v.status, v.score, v.tier) == ("no_country", None, None)
    v = evaluate(_gated_northwind(False), {"employees": 200}, AS_OF)
    assert v.status == "scored" and v.profiles[0].status == "no_country"


def test_set_tests_on_a_partly_known_set_agree_in_both_paths() -> None:
    """Each set test on a closed set with an unknown member (`Members`): the scorer's SQL
    (the ';a;b;' text with the unknown member) gives the evaluator's verdict, and the
    evaluator's is three-valued: decided by the known members, else unknown."""
    import dataclasses

    tests: list[tuple[str, Any]] = [
        ("has_any", ("dotnet", "python")),
        ("has_all", ("dotnet", "azure")),
        ("has_none", ("sap_erp",)),
        ("member_contains", (("net", "sap"), 3)),
        ("not_empty", None),
    ]
    rules = tuple(
        Rule(f"r_{op}", op, Leaf("tech_stack", op, x, x), "criterion", 2**i)
        for i, (op, x) in enumerate(tests)
    )
    icp = dataclasses.replace(HANDBOOK.active_icps[0], criteria=rules, scoring=(), gates=())
    handbook = dataclasses.replace(HANDBOOK, icps=(icp,))
    ctx = Ctx(AS_OF)
    want = {
        # (known members, unrecognised): has_any, has_all, has_none, member_contains, not_empty
        (frozenset({"dotnet"}), ("Google Analytics",)): [True, None, None, True, True],
        (frozenset({"dotnet", "azure"}), ("cobol",)): [True, True, None, True, True],
        (frozenset({"sap_erp"}), ("Wordpress",)): [None, None, False, True, True],
        (frozenset(), ("dotnetnuke",)): [None, None, None, None, True],
        (frozenset({"gcp"}), ()): [False, False, True, False, True],
    }
    rows = []
    for (known, unrecognised), results in want.items():
        value = Members(known, unrecognised)
        got = [OPERATORS[op].test(value, x, ctx) for op, x in tests]
        assert got == results, (known, unrecognised)
        rows.append({"tech_stack": value, "employees": 200})
    assert_same(handbook, rows)
