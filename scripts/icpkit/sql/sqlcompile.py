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
from collections.abc import Callable, Sequence
from typing import assert_never

from ..engine.model import (
    TIER_RANK,
    AllOf,
    AnyOf,
    Condition,
    CountOf,
    Group,
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
from ..engine.operators import EXACT, OPEN_SET, OPERATORS, Ctx, sql_after_as_of, sql_literal
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
            fld = handbook.fields[cond.field]
            # an open set's members are all values: none is ever unknown
            ftype = OPEN_SET if fld.type == "set_of" and fld.values is None else fld.type
            return op.sql(cols.name(cond.field), ftype, cond.operand, ctx)
        case AllOf() | AnyOf():
            joiner = " AND " if isinstance(cond, AllOf) else " OR "
            inner = (condition_sql(c, handbook, cols, ctx, exact) for c in cond.items)
            return "(" + joiner.join(inner) + ")"
        case Not():
            return f"(NOT {condition_sql(cond.item, handbook, cols, ctx, exact)})"
        case SegmentRef():
            return condition_sql(cond.item, handbook, cols, ctx, exact)
        case CountOf():
            counted = [condition_sql(c, handbook, cols, ctx, exact) for c in cond.items]
            # the fewest and the most conditions that may hold (unknown ones either way)
            least = " + ".join(f"CASE WHEN {c} THEN 1 ELSE 0 END" for c in counted) or "0"
            most = " + ".join(f"CASE WHEN NOT {c} THEN 0 ELSE 1 END" for c in counted) or "0"
            n = cond.n
            if cond.op == "at_least":
                return f"(CASE WHEN ({least}) >= {n} THEN TRUE WHEN ({most}) < {n} THEN FALSE END)"
            return f"(CASE WHEN ({most}) <= {n} THEN TRUE WHEN ({least}) > {n} THEN FALSE END)"
        case _:
            assert_never(cond)


#: the SQL (a column name) of a rule's condition, as computed once in the first layer
When = Callable[[Rule], str]


def item_sql(item: Rule | Group, when: When, *, hope: bool = False) -> str:
    """SQL for the points of a criterion or a group (as `evaluate.group_points`), its
    conditions read through `when`: a CASE passes over an unknown (NULL) condition as the
    evaluator does; with `hope`, the points if every unknown criterion went the company's way
    (the best case: an unknown criterion that gives points is met, one that takes them is
    not)."""

    def test(rule: Rule) -> str:
        if not hope:
            return when(rule)
        return f"coalesce({when(rule)}, {'TRUE' if rule.points > 0 else 'FALSE'})"

    match item:
        case Rule():
            return f"CASE WHEN {test(item)} THEN {item.points} ELSE 0 END"
        case Group():
            if item.first_match:
                tiers = " ".join(
                    f"WHEN {test(r)} THEN {r.points}" for r in item.items if isinstance(r, Rule)
                )
                total = f"(CASE {tiers} ELSE 0 END)" if tiers else "0"
            else:
                inner = [item_sql(i, when, hope=hope) for i in item.items]
                total = "(" + (" + ".join(inner) or "0") + ")"
            return f"least({item.cap}, {total})" if item.cap is not None else total
        case _:
            assert_never(item)


def flag_column(flag_id: str) -> str:
    return f"flag_{flag_id}"


def group_column(icp_id: str, group_id: str) -> str:
    return f"{icp_id}_{group_id}"


def output_extras(handbook: Handbook, *, per_profile: bool) -> list[str]:
    """The output columns beyond the fixed ones: a column per flag, and with `per_profile`
    <icp>_score, <icp>_tier and a subtotal per group of criteria, <icp>_<group>."""
    out = [flag_column(f.id) for f in handbook.policy.flags]
    if per_profile:
        for icp in handbook.active_icps:
            out += [f"{icp.id}_score", f"{icp.id}_tier"]
            out += [group_column(icp.id, g.id) for g in icp.groups]
    return out


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


def _score(base: str, has_score: str, disq_score: str) -> str:
    """The score: a disqualified company's (kept, or 0), none when its status withholds one
    (a gate's, insufficient_data), else the best profile's; `base` appears once (the query
    is inlined into one projection)."""
    if disq_score == base:
        return f"CASE WHEN {has_score} THEN {base} END"
    return f"CASE WHEN disq THEN {disq_score} WHEN {has_score} THEN {base} END"


def _flag_columns(handbook: Handbook, scored: str) -> list[str]:
    """A column per flag (fl<j>); one shown only when scored is NULL otherwise."""
    out = []
    for j, flag in enumerate(handbook.policy.flags):
        value = f"CASE WHEN {scored} THEN fl{j} END" if flag.only_when_scored else f"fl{j}"
        out.append(f"{value} AS {quote_ident(flag_column(flag.id))}")
    return out


def _profile_columns(handbook: Handbook, has_score: str) -> list[str]:
    """<icp>_score, <icp>_tier and <icp>_<group> per active ICP: NULL when not eligible, or
    when the company's status gives no score (`has_score` false: a gate, insufficient
    data), as `Verdict.shows_score`."""
    out = []
    for i, icp in enumerate(handbook.active_icps):
        shown = f"r{i} IS NOT NULL AND {has_score}"
        out.append(
            f"CASE WHEN {shown} THEN CAST(s{i} AS INTEGER) END AS {quote_ident(icp.id + '_score')}"
        )
        out.append(
            f"CASE WHEN {shown} THEN CASE r{i} "
            + " ".join(f"WHEN {r} THEN '{t}'" for r, t in RANK_TIER.items())
            + f" END END AS {quote_ident(icp.id + '_tier')}"
        )
        for k, group in enumerate(icp.groups):
            out.append(
                f"CASE WHEN {shown} THEN CAST(g{i}_{k} AS INTEGER) END "
                f"AS {quote_ident(group_column(icp.id, group.id))}"
            )
    return out


def _policy_layer(handbook: Handbook, cols: Columns, ctx: Ctx, exact: frozenset[str]) -> list[str]:
    """Layer-1 columns of the tier policy: gt<j> per status gate (unknown is not met), fl<j>
    per flag."""
    out = []
    for j, gate in enumerate(handbook.policy.gates):
        when = condition_sql(gate.when, handbook, cols, ctx, exact)
        out.append(f"coalesce({when}, FALSE) AS gt{j}")
    for j, flag in enumerate(handbook.policy.flags):
        out.append(f"{condition_sql(flag.rule.when, handbook, cols, ctx, exact)} AS fl{j}")
    return out


class _Conditions:
    """The column each rule condition of the active profiles is computed in, once, in the
    query's first layer: rq<i>_<k> for requirement k of ICP i, m<i>_<k> for its criterion k.
    Points, the best case, the known share and the deciding fields read these columns; a
    rule is found by its kind and id within its profile (a group holds the same rules)."""

    def __init__(self, icps: Sequence[Icp]) -> None:
        self.icps = icps
        self._names: list[dict[tuple[str, str], str]] = [
            {(r.kind, r.id): f"rq{i}_{k}" for k, r in enumerate(icp.requirements)}
            | {(r.kind, r.id): f"m{i}_{k}" for k, r in enumerate(icp.criteria)}
            for i, icp in enumerate(icps)
        ]

    def of(self, i: int) -> When:
        """The column reader of ICP number `i` (a rule is found by its kind and id)."""
        names = self._names[i]
        return lambda rule: names[(rule.kind, rule.id)]

    def layer(self, sql: Callable[[Rule], str]) -> list[str]:
        """The first layer's columns: each condition's SQL (from `sql`) under its name."""
        out = []
        for i, icp in enumerate(self.icps):
            when = self.of(i)
            out += [f"{sql(r)} AS {when(r)}" for r in (*icp.requirements, *icp.criteria)]
        return out


def _icp_layer(i: int, icp: Icp, when: When, *, per_profile: bool) -> list[str]:
    """Second-layer columns of ICP number `i`, from its conditions' columns: h<i> (its
    requirements; FALSE when one of its own status gates, pg<i>, stopped it), c<i> (its
    criteria's points), q<i> (how many requirements are known) and, per profile, g<i>_<k>
    per group."""
    requirements = f"({' AND '.join(when(r) for r in icp.requirements) or 'TRUE'})"
    if icp.gates:
        requirements = f"(CASE WHEN pg{i} IS NOT NULL THEN FALSE ELSE {requirements} END)"
    known = [f"CASE WHEN {when(r)} IS NULL THEN 0 ELSE 1 END" for r in icp.requirements]
    out = [
        f"{requirements} AS h{i}",
        f"({' + '.join(item_sql(r, when) for r in icp.items) or '0'}) AS c{i}",
        f"({' + '.join(known) or '0'}) AS q{i}",
    ]
    if per_profile:
        out += [f"{item_sql(g, when)} AS g{i}_{k}" for k, g in enumerate(icp.groups)]
    return out


def _gate_layer(icps: Sequence[Icp], sql: Callable[[Condition], str]) -> list[str]:
    """pg<i> per ICP: the id of its first own status gate met (unknown is not met), else
    NULL."""
    out = []
    for i, icp in enumerate(icps):
        if icp.gates:
            whens = " ".join(f"WHEN {sql(g.when)} THEN {sql_literal(g.id)}" for g in icp.gates)
            out.append(f"CASE {whens} END AS pg{i}")
        else:
            out.append(f"CAST(NULL AS VARCHAR) AS pg{i}")
    return out


def verdict_sql(
    handbook: Handbook,
    as_of: dt.date,
    *,
    per_profile: bool = False,
    relation: str = "parsed",
    keep: tuple[str, ...] = ("icp_id",),
    exact: frozenset[str] = frozenset(),
    as_of_sql: str | None = None,
    absent: frozenset[str] = frozenset(),
) -> str:
    """A SELECT over `relation` giving best_profile, tier, score, disqualified_by,
    unknown_fields, status, best_case_tier, deciding_fields (and <icp>_score / <icp>_tier
    per profile), keeping the `keep` columns. Fields in `absent` (no column supplies them)
    are unknown for every row, and each row's unknown_fields names them, as `icp explain`
    and the warehouse SQL do (a row that only lacks them reads as complete otherwise).
    `as_of_sql` (a DATE column of `relation`) evaluates time-relative rules as of each
    row's own date instead of `as_of`.

    Each condition of a profile is computed once, as a column of the first layer; the
    points, the best case, the known share and the deciding fields read those columns."""
    ctx = Ctx(as_of, as_of_sql)
    cols = Columns(handbook)
    icps = handbook.active_icps

    def sql(c: Condition) -> str:
        return condition_sql(c, handbook, cols, ctx, exact)

    when = _Conditions(icps)
    layer1, warn_cols = _condition_layer(handbook, when, sql, cols, ctx, exact, absent)
    layer2 = [
        item
        for i, icp in enumerate(icps)
        for item in _icp_layer(i, icp, when.of(i), per_profile=per_profile)
    ]
    layer3, offset, base = _points_layer(handbook, when, warn_cols)
    layers = [
        layer1,
        layer2,
        layer3,
        _rank_layer(handbook),
        _key_layer(len(icps), offset, base),
        _best_layer(handbook),
        _status_layer(handbook, base),
    ]
    final = _final_columns(handbook, cols, when, keep, ctx, per_profile=per_profile)
    ctes = []
    for n, items in enumerate(layers, start=1):
        source = relation if n == 1 else f"l{n - 1}"
        ctes.append(f"l{n} AS (SELECT *, {', '.join(items or ['0 AS _l' + str(n)])} FROM {source})")
    return "WITH " + ",\n".join(ctes) + f"\nSELECT {', '.join(final)} FROM l{len(layers)}"


def _condition_layer(
    handbook: Handbook,
    when: _Conditions,
    sql: Callable[[Condition], str],
    cols: Columns,
    ctx: Ctx,
    exact: frozenset[str],
    absent: frozenset[str],
) -> tuple[list[str], list[tuple[str, Negative]]]:
    """The first layer: every condition once (profiles' rules, disqualifiers, warning signs,
    gates, the policy's gates and flags) and unknown_fields; and the warning-sign columns
    with their portraits."""
    warn_cols: list[tuple[str, Negative]] = []
    layer1 = when.layer(lambda r: sql(r.when))
    for j, neg in enumerate(handbook.active_negatives):
        disq = [sql(r.when) for r in neg.disqualifiers]
        layer1.append(f"coalesce({' OR '.join(disq) or 'FALSE'}, FALSE) AS d{j}")
        # unknown, so not disqualifying: the tier rests on it (`engine.risk`)
        layer1.append(f"({' OR '.join(disq) or 'FALSE'}) IS NULL AS du{j}")
        for k, rule in enumerate(neg.warnings):
            layer1.append(f"CASE WHEN {sql(rule.when)} THEN {rule.points} ELSE 0 END AS w{j}_{k}")
            warn_cols.append((f"w{j}_{k}", neg))
    layer1 += _gate_layer(handbook.active_icps, sql)
    layer1 += _policy_layer(handbook, cols, ctx, exact)
    unknown = [
        ("TRUE" if name in absent else f"NOT {cols.known(name)}", name)
        for name in handbook.read_fields
    ]
    layer1.append(f"{names_sql(unknown)} AS unknown_fields")
    return layer1, warn_cols


def _points_layer(
    handbook: Handbook, when: _Conditions, warn_cols: list[tuple[str, Negative]]
) -> tuple[list[str], int, int]:
    """Each profile's score s<i> (its points and the warning signs that apply), what its
    unknowns could still add u<i>, whether it knows enough e<i>; and the offset and base
    of the sort keys (wide enough for any score)."""
    icps, negatives = handbook.active_icps, handbook.active_negatives
    layer3 = []
    max_points = 0
    for i, icp in enumerate(icps):
        warns = [c for c, neg in warn_cols if neg.applies(icp.id)]
        layer3.append(f"(c{i}{''.join(' + ' + w for w in warns)}) AS s{i}")
        # what unknowns could still add: only for the rows where it matters (no requirement
        # unmet)
        hoped = [item_sql(r, when.of(i), hope=True) for r in icp.items]
        layer3.append(
            f"CASE WHEN h{i} IS NOT FALSE THEN ({' + '.join(hoped) or '0'}) - c{i} END AS u{i}"
        )
        need = handbook.policy.known_needed(len(icp.requirements))
        layer3.append(f"(h{i} IS NOT NULL OR q{i} >= {need}) AS e{i}")
        max_points = max(
            max_points,
            sum(abs(r.points) for r in icp.criteria)
            + sum(abs(r.points) for n in negatives for r in n.warnings),
        )
    offset = max_points + 1
    return layer3, offset, 2 * offset + len(icps) + 2


def _rank_of(score: str, t: Tiers) -> str:
    return (
        f"CASE WHEN {score} >= {t.A} THEN 4 WHEN {score} >= {t.B} THEN 3 "
        f"WHEN {score} >= {t.C} THEN 2 ELSE 1 END"
    )


def _rank_layer(handbook: Handbook) -> list[str]:
    """Each profile's tier rank r<i> (capped while a requirement is unknown) and its best
    case b<i>."""
    cap = TIER_RANK[handbook.policy.unknown_cap]
    layer4 = []
    for i, icp in enumerate(handbook.active_icps):
        rank = _rank_of(f"s{i}", icp.tiers)
        layer4 += [
            f"CASE WHEN h{i} IS NULL THEN least({rank}, {cap}) WHEN h{i} THEN {rank} END AS r{i}",
            f"CASE WHEN h{i} IS NOT FALSE THEN {_rank_of(f's{i} + u{i}', icp.tiers)} END AS b{i}",
        ]
    return layer4


def _key_layer(count: int, offset: int, base: int) -> list[str]:
    """A sort key per profile (rank, then score, then ruleset order; -1 not eligible), for
    the verdict (k<i>) and the best case (bk<i>)."""
    layer5 = []
    for i in range(count):
        order = count - i
        layer5 += [
            f"CASE WHEN r{i} IS NULL OR NOT e{i} THEN -1 ELSE r{i} * {base * base} "
            f"+ (s{i} + {offset}) * {base} + {order} END AS k{i}",
            f"CASE WHEN b{i} IS NULL THEN -1 ELSE b{i} * {base * base} "
            f"+ (s{i} + u{i} + {offset}) * {base} + {order} END AS bk{i}",
        ]
    return layer5


def _best_layer(handbook: Handbook) -> list[str]:
    """The best keys (verdict, best case) and whether any portrait disqualifies."""
    count = len(handbook.active_icps)
    keys = ", ".join(f"k{i}" for i in range(count))
    bkeys = ", ".join(f"bk{i}" for i in range(count))
    any_disq = " OR ".join(f"d{j}" for j in range(len(handbook.active_negatives))) or "FALSE"
    return [
        f"greatest({keys}) AS best" if count else "-1 AS best",
        f"greatest({bkeys}) AS bbest" if count else "-1 AS bbest",
        f"({any_disq}) AS disq",
    ]


def _status_layer(handbook: Handbook, base: int) -> list[str]:
    """The tier ranks of the verdict and the best case, and the one status
    (`icpkit.engine.verdict`): disqualified, a gate's, insufficient_data, scored."""
    icps, policy = handbook.active_icps, handbook.policy
    gated_all = icps and all(icp.gates for icp in icps)
    all_gated = " AND ".join(f"pg{i} IS NOT NULL" for i in range(len(icps))) if gated_all else ""
    status = " ".join(f"WHEN gt{j} THEN {sql_literal(g.id)}" for j, g in enumerate(policy.gates))
    status += f" WHEN {all_gated} THEN pg0" if all_gated else ""
    eligible_any = " OR ".join(f"h{i} IS NOT FALSE" for i in range(len(icps))) or "FALSE"
    return [
        f"CASE WHEN disq OR best < 0 THEN 1 ELSE best // {base * base} END AS trank",
        f"CASE WHEN disq OR bbest < 0 THEN 1 ELSE bbest // {base * base} END AS brank",
        f"CASE WHEN disq THEN 'disqualified' {status} "
        f"WHEN best < 0 AND ({eligible_any}) THEN 'insufficient_data' ELSE 'scored' END AS st",
    ]


def _final_columns(
    handbook: Handbook,
    cols: Columns,
    when: _Conditions,
    keep: tuple[str, ...],
    ctx: Ctx,
    *,
    per_profile: bool,
) -> list[str]:
    """The output columns, read from the last layer."""
    icps, negatives, policy = handbook.active_icps, handbook.active_negatives, handbook.policy
    pick_profile = " ".join(
        f"WHEN best = k{i} THEN {sql_literal(icp.id)}" for i, icp in enumerate(icps)
    )
    pick_score = " ".join(f"WHEN best = k{i} THEN s{i}" for i in range(len(icps)))
    disq_by = names_sql([(f"d{j}", n.id) for j, n in enumerate(negatives)])
    letters = " ".join(f"WHEN {r} THEN '{t}'" for r, t in RANK_TIER.items())
    deciding = " ".join(
        f"WHEN bbest = bk{i} THEN {_deciding_sql(handbook, cols, icp, when.of(i), ctx)}"
        for i, icp in enumerate(icps)
    )
    base_score = f"CASE WHEN best < 0 THEN 0 {pick_score} END" if icps else "0"
    disq_score = "0" if policy.disqualified_score == "zero" else base_score
    has_score = "st IN ('scored', 'disqualified')"
    has_best_case = "st IN ('scored', 'disqualified', 'insufficient_data')"
    final = [
        ", ".join(keep),
        f"CASE WHEN best < 0 THEN NULL {pick_profile} END AS best_profile"
        if icps
        else "CAST(NULL AS VARCHAR) AS best_profile",
        f"CASE WHEN {has_score} THEN CASE trank {letters} END END AS tier",
        f"CAST({_score(base_score, has_score, disq_score)} AS INTEGER) AS score",
        f"{disq_by} AS disqualified_by",
        "unknown_fields",
        "st AS status",
        f"CASE WHEN {has_best_case} THEN CASE greatest(trank, brank) {letters} END END "
        "AS best_case_tier",
        f"CASE WHEN brank > trank AND {has_best_case} THEN "
        f"CASE {deciding or 'WHEN FALSE THEN NULL'} END END AS deciding_fields",
    ]
    at_risk = names_sql([(f"du{j}", n.id) for j, n in enumerate(negatives)])
    final.append(f"CASE WHEN st = 'scored' AND trank > 1 THEN {at_risk} END AS at_risk")
    final += _flag_columns(handbook, "st = 'scored'")
    if per_profile:
        final += _profile_columns(handbook, has_score)
    return final


def _deciding_sql(handbook: Handbook, cols: Columns, icp: Icp, when: When, ctx: Ctx) -> str:
    """SQL for the fields read by this ICP's unknown requirements and (positive) criteria
    that are unknown, a band, or a date after the as-of date (`evaluate._best_case`), in
    vocabulary order."""
    rules = [*icp.requirements, *(r for r in icp.criteria if r.points > 0)]
    items = []
    for name in handbook.fields:
        readers = [r for r in rules if name in condition_fields(r.when)]
        if readers:
            open_rule = " OR ".join(f"{when(r)} IS NULL" for r in readers)
            unsettled = f"NOT {cols.exact(name)}"
            if handbook.fields[name].type == "date":
                after = sql_after_as_of(cols.of(name)[0], ctx)
                unsettled = f"({unsettled} OR coalesce({after}, FALSE))"
            items.append((f"({unsettled} AND ({open_rule}))", name))
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
