"""Compiling a handbook into one vectorised SQL query (DuckDB dialect).

The query reads a relation `parsed` with one column per field (`f<i>`, or
`f<i>__lo` / `f<i>__hi` for numbers, sets as ';a;b;' text) and returns one row
per account with the verdict's columns. It implements the contract of
`icpkit.engine.evaluate` with SQL's three-valued logic, which is the same Kleene
logic: a hard requirement's AND is FALSE when one fails, NULL (unknown) when
none fails and one is unknown. Leaf tests come from the operator table, like
the evaluator's. Points and thresholds are integers: no float is ever cast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import assert_never

from ..engine.model import (
    TIER_RANK,
    AllOf,
    AnyOf,
    Condition,
    Handbook,
    Icp,
    Leaf,
    Negative,
    Not,
    Rule,
    SegmentRef,
    Tiers,
    condition_fields,
)
from ..engine.operators import EXACT, OPERATORS, Ctx, sql_literal
from .connection import quote_ident
from .layout import Columns
from .parsing import Parsed

RANK_TIER = {v: k for k, v in TIER_RANK.items()}


def condition_sql(
    cond: Condition,
    handbook: Handbook,
    cols: Columns,
    ctx: Ctx,
    exact: frozenset[str] = frozenset(),
) -> str:
    """SQL for a condition; number fields in `exact` hold no bands and compile to plain
    comparisons."""
    match cond:
        case Leaf():
            op = OPERATORS[cond.op]
            if cond.field in exact:
                return op.sql(cols.of(cond.field)[0], EXACT, cond.operand, ctx)
            ftype = handbook.fields[cond.field].type
            return op.sql(cols.name(cond.field), ftype, cond.operand, ctx)
        case AllOf() | AnyOf():
            joiner = " AND " if isinstance(cond, AllOf) else " OR "
            inner = (condition_sql(c, handbook, cols, ctx, exact) for c in cond.items)
            return "(" + joiner.join(inner) + ")"
        case Not():
            return f"(NOT {condition_sql(cond.item, handbook, cols, ctx, exact)})"
        case SegmentRef():
            return condition_sql(cond.item, handbook, cols, ctx, exact)
        case _:
            assert_never(cond)


def _points(rule: Rule, handbook: Handbook, cols: Columns, ctx: Ctx, exact: frozenset[str]) -> str:
    when = condition_sql(rule.when, handbook, cols, ctx, exact)
    return f"CASE WHEN {when} THEN {rule.points} ELSE 0 END"


#: conditions per bitmask in `names_sql` (a constant list of 2**6 texts)
_MASK_BITS = 6


def names_sql(items: list[tuple[str, str]]) -> str:
    """SQL for the ';'-joined names whose condition is true (NULL counts as false), in order,
    or NULL when none is. Each run of up to six conditions becomes a bitmask that picks its
    text from a constant list: a third of the cost of concatenating a CASE per name."""
    if not items:
        return "CAST(NULL AS VARCHAR)"
    picks = []
    for start in range(0, len(items), _MASK_BITS):
        chunk = items[start : start + _MASK_BITS]
        mask = " + ".join(
            f"CASE WHEN {cond} THEN {1 << bit} ELSE 0 END" for bit, (cond, _) in enumerate(chunk)
        )
        texts = (
            ";".join(name for bit, (_, name) in enumerate(chunk) if m >> bit & 1)
            for m in range(1 << len(chunk))
        )
        table = ", ".join(sql_literal(t) if t else "NULL" for t in texts)
        picks.append(f"[{table}][1 + {mask}]")
    if len(picks) == 1:
        return picks[0]
    return f"nullif(concat_ws(';', {', '.join(picks)}), '')"


def verdict_sql(
    handbook: Handbook,
    as_of: dt.date,
    *,
    per_profile: bool = False,
    relation: str = "parsed",
    keep: tuple[str, ...] = ("icp_id",),
    exact: frozenset[str] = frozenset(),
    absent: frozenset[str] = frozenset(),
) -> str:
    """A SELECT over `relation` giving best_profile, tier, score, disqualified_by,
    unknown_fields, status, best_case_tier, deciding_fields (and <icp>_score / <icp>_tier
    per profile), keeping the `keep` columns. Fields in `absent` (no column supplies them)
    are left out of the per-row unknown_fields: they are unknown for every row."""
    ctx = Ctx(as_of)
    cols = Columns(handbook)
    icps = handbook.active_icps
    negatives = handbook.active_negatives

    def cond(rule: Rule) -> str:
        return condition_sql(rule.when, handbook, cols, ctx, exact)

    warn_cols: list[tuple[str, Negative]] = []
    layer1 = []
    for j, neg in enumerate(negatives):
        disq = [cond(r) for r in neg.disqualifiers]
        layer1.append(f"coalesce({' OR '.join(disq) or 'FALSE'}, FALSE) AS d{j}")
        for k, rule in enumerate(neg.warnings):
            layer1.append(f"{_points(rule, handbook, cols, ctx, exact)} AS w{j}_{k}")
            warn_cols.append((f"w{j}_{k}", neg))
    for i, icp in enumerate(icps):
        # one AND per ICP: DuckDB evaluates a conjunct only on the rows the earlier ones left
        hard = [cond(r) for r in icp.requirements]
        layer1.append(f"({' AND '.join(hard) or 'TRUE'}) AS h{i}")
        points = [_points(r, handbook, cols, ctx, exact) for r in icp.criteria]
        layer1.append(f"({' + '.join(points) or '0'}) AS c{i}")
    unknown = [
        (f"NOT {cols.known(name)}", name) for name in handbook.read_fields if name not in absent
    ]
    layer1.append(f"{names_sql(unknown)} AS unknown_fields")

    cap = TIER_RANK[handbook.policy.unknown_cap]
    layer2 = []
    max_points = 0
    for i, icp in enumerate(icps):
        warns = [c for c, neg in warn_cols if neg.applies(icp.id)]
        layer2.append(f"(c{i}{''.join(' + ' + w for w in warns)}) AS s{i}")
        # what unknowns could still add, and how many requirements are known: only for the
        # rows where they matter (no requirement unmet; some unknown)
        upside = [
            f"CASE WHEN ({cond(r)}) IS NULL THEN {r.points} ELSE 0 END"
            for r in icp.criteria
            if r.points > 0
        ]
        layer2.append(f"CASE WHEN h{i} IS NOT FALSE THEN {' + '.join(upside) or '0'} END AS u{i}")
        total = len(icp.requirements)
        need = handbook.policy.known_needed(total)
        known = [f"CASE WHEN ({cond(r)}) IS NULL THEN 0 ELSE 1 END" for r in icp.requirements]
        enough = f"({' + '.join(known)}) >= {need}" if known else "TRUE"
        layer2.append(f"CASE WHEN h{i} IS NULL THEN {enough} ELSE TRUE END AS e{i}")
        max_points = max(
            max_points,
            sum(abs(r.points) for r in icp.criteria)
            + sum(abs(r.points) for n in negatives for r in n.warnings),
        )
    offset = max_points + 1
    base = 2 * offset + len(icps) + 2

    def rank_of(score: str, t: Tiers) -> str:
        return (
            f"CASE WHEN {score} >= {t.A} THEN 4 WHEN {score} >= {t.B} THEN 3 "
            f"WHEN {score} >= {t.C} THEN 2 ELSE 1 END"
        )

    layer3 = []
    for i, icp in enumerate(icps):
        rank = rank_of(f"s{i}", icp.tiers)
        layer3 += [
            f"CASE WHEN h{i} IS NULL THEN least({rank}, {cap}) WHEN h{i} THEN {rank} END AS r{i}",
            f"CASE WHEN h{i} IS NOT FALSE THEN {rank_of(f's{i} + u{i}', icp.tiers)} END AS b{i}",
        ]
    layer4 = []
    for i in range(len(icps)):
        order = len(icps) - i
        layer4 += [
            f"CASE WHEN r{i} IS NULL OR NOT e{i} THEN -1 ELSE r{i} * {base * base} "
            f"+ (s{i} + {offset}) * {base} + {order} END AS k{i}",
            f"CASE WHEN b{i} IS NULL THEN -1 ELSE b{i} * {base * base} "
            f"+ (s{i} + u{i} + {offset}) * {base} + {order} END AS bk{i}",
        ]
    keys = ", ".join(f"k{i}" for i in range(len(icps)))
    bkeys = ", ".join(f"bk{i}" for i in range(len(icps)))
    any_disq = " OR ".join(f"d{j}" for j in range(len(negatives))) or "FALSE"
    layer5 = [
        f"greatest({keys}) AS best" if icps else "-1 AS best",
        f"greatest({bkeys}) AS bbest" if icps else "-1 AS bbest",
        f"({any_disq}) AS disq",
    ]
    layer6 = [
        f"CASE WHEN disq OR best < 0 THEN 1 ELSE best // {base * base} END AS trank",
        f"CASE WHEN disq OR bbest < 0 THEN 1 ELSE bbest // {base * base} END AS brank",
    ]
    pick_profile = " ".join(
        f"WHEN best = k{i} THEN {sql_literal(icp.id)}" for i, icp in enumerate(icps)
    )
    pick_score = " ".join(f"WHEN best = k{i} THEN s{i}" for i in range(len(icps)))
    disq_by = names_sql([(f"d{j}", n.id) for j, n in enumerate(negatives)])
    letters = " ".join(f"WHEN {r} THEN '{t}'" for r, t in RANK_TIER.items())
    eligible_any = " OR ".join(f"h{i} IS NOT FALSE" for i in range(len(icps))) or "FALSE"
    deciding = " ".join(
        f"WHEN bbest = bk{i} THEN {_deciding_sql(handbook, cols, icp, cond)}"
        for i, icp in enumerate(icps)
    )
    final = [
        ", ".join(keep),
        f"CASE WHEN best < 0 THEN NULL {pick_profile} END AS best_profile"
        if icps
        else "CAST(NULL AS VARCHAR) AS best_profile",
        f"CASE trank {letters} END AS tier",
        f"CAST(CASE WHEN best < 0 THEN 0 {pick_score} END AS INTEGER) AS score"
        if icps
        else "CAST(0 AS INTEGER) AS score",
        f"{disq_by} AS disqualified_by",
        "unknown_fields",
        "CASE WHEN disq THEN 'disqualified' WHEN best >= 0 THEN 'fit' "
        f"WHEN {eligible_any} THEN 'insufficient_data' ELSE 'no_fit' END AS status",
        f"CASE greatest(trank, brank) {letters} END AS best_case_tier",
        f"CASE WHEN brank > trank THEN CASE {deciding or 'WHEN FALSE THEN NULL'} END END "
        "AS deciding_fields",
    ]
    if per_profile:
        for i, icp in enumerate(icps):
            final.append(
                f"CASE WHEN r{i} IS NULL THEN NULL ELSE CAST(s{i} AS INTEGER) END "
                f"AS {quote_ident(icp.id + '_score')}"
            )
            final.append(f"CASE r{i} {letters} END AS {quote_ident(icp.id + '_tier')}")

    def layer(items: list[str], src: str) -> str:
        return f"SELECT *, {', '.join(items)} FROM {src}"

    return (
        f"WITH l1 AS ({layer(layer1, relation)}),\n"
        f"l2 AS ({layer(layer2 or ['0 AS _s'], 'l1')}),\n"
        f"l3 AS ({layer(layer3 or ['0 AS _r'], 'l2')}),\n"
        f"l4 AS ({layer(layer4 or ['0 AS _k'], 'l3')}),\n"
        f"l5 AS ({layer(layer5, 'l4')}),\n"
        f"l6 AS ({layer(layer6, 'l5')})\n"
        f"SELECT {', '.join(final)} FROM l6"
    )


def _deciding_sql(handbook: Handbook, cols: Columns, icp: Icp, cond: Callable[[Rule], str]) -> str:
    """SQL for the unknown fields read by this ICP's unknown requirements and (positive)
    criteria, in vocabulary order."""
    rules = [*icp.requirements, *(r for r in icp.criteria if r.points > 0)]
    items = []
    for name in handbook.fields:
        readers = [r for r in rules if name in condition_fields(r.when)]
        if readers:
            open_rule = " OR ".join(f"({cond(r)}) IS NULL" for r in readers)
            items.append((f"(NOT {cols.known(name)} AND ({open_rule}))", name))
    # a CASE per name: computed for the few rows whose best case is above their tier, where
    # the bitmask table of `names_sql` would cost more
    if not items:
        return "CAST(NULL AS VARCHAR)"
    parts = ", ".join(f"CASE WHEN {c} THEN {sql_literal(n)} END" for c, n in items)
    return f"nullif(concat_ws(';', {parts}), '')"


def staged(parsed: dict[str, Parsed], relation: str) -> str:
    """`relation` with every field's helper stages added as nested layers."""
    depth = max((len(p.stages) for p in parsed.values()), default=0)
    source = relation
    for level in range(depth):
        helpers = [
            f"{expr} AS {name}"
            for p in parsed.values()
            if level < len(p.stages)
            for name, expr in p.stages[level].items()
        ]
        source = f"(SELECT *, {', '.join(helpers)} FROM {source})"
    return source


def parsed_sql(
    handbook: Handbook,
    parsed: dict[str, Parsed],
    relation: str,
    keep: tuple[str, ...] = ("icp_id",),
) -> str:
    """SELECT that renames each field's parsed expressions to the compiler's column names,
    adding `unreadable_fields` (fields whose cell had text that could not be read). Helper
    stages become nested layers, so that no expression is repeated inside another."""
    cols = Columns(handbook)
    source = staged(parsed, relation)
    items = list(keep)
    bad: list[tuple[str, str]] = []
    for name, p in parsed.items():
        for col, expr in p.columns.items():
            suffix = col[len(name) :]
            items.append(f"{expr} AS {cols.name(name)}{suffix}")
        if p.bad != "FALSE":
            bad.append((p.bad, name))
    types = dict(cols.schema())
    for name in handbook.fields:
        if name not in parsed:
            for col in cols.of(name):  # no column: unknown (never the empty set)
                items.append(f"CAST(NULL AS {types[col]}) AS {col}")
    items.append(f"{names_sql(bad)} AS unreadable_fields")
    return "SELECT " + ",\n  ".join(items) + f" FROM {source}"
