"""The one-line reason of a verdict (`icpkit.engine.reason`) in the DuckDB fast path.

`icp score FILE --crm hubspot|salesforce` reads the export as plain `icp score` does and
writes the CRM's import shape, whose `icp_reason` column is this text. It is one more
column the verdict query of `icpkit.sql.sqlcompile` keeps (`verdict_sql(keep=...)`): an
expression over that query's last layer (disq, d<j>, st, best, k<i>, s<i>, h<i>, trank) and
the parsed field columns, with the same leaf tests as the verdict. The warehouse renders
the same text from the rule IR (`icpkit.sql.ir`); the tests compare all three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..engine.model import Handbook, Rule, condition_fields
from ..engine.operators import Ctx, sql_literal
from ..engine.reason import cap_threshold, earlier_tiers
from ..textsafety import flat
from .layout import Columns
from .sqlcompile import RANK_TIER, condition_sql


def _joined(items: list[tuple[str, str]]) -> str:
    """SQL for the texts whose condition is true, joined by ', ' ('' when none is)."""
    if not items:
        return "''"
    parts = ", ".join(f"CASE WHEN {c} THEN {sql_literal(text)} END" for c, text in items)
    return f"concat_ws(', ', {parts})"


def _insufficient(handbook: Handbook, cols: Columns) -> str:
    """'insufficient data: no Country, no Employees' (`reason.reason`): the unknown fields
    the hard requirements of the profiles still eligible (h<i> not false) read."""
    items = []
    for f in handbook.read_fields:
        readers = [
            f"coalesce(h{i}, TRUE)"
            for i, icp in enumerate(handbook.active_icps)
            if any(f in condition_fields(r.when) for r in icp.requirements)
        ]
        if readers:
            label = flat(handbook.fields[f].label)
            items.append((f"NOT {cols.known(f)} AND ({' OR '.join(readers)})", f"no {label}"))
    named = _joined(items)
    gated = [
        f"WHEN gt{j} THEN "
        + _joined(
            [
                (f"NOT {cols.known(f)}", f"no {flat(handbook.fields[f].label)}")
                for f in handbook.read_fields
                if f in condition_fields(g.when)
            ]
        )
        for j, g in enumerate(handbook.policy.gates)
        if g.id == "insufficient_data"
    ]
    if gated:  # a tier-policy gate of this status: the fields it read and found unknown
        named = f"(CASE {' '.join(gated)} ELSE {named} END)"
    return f"coalesce('insufficient data: ' || nullif({named}, ''), 'insufficient data')"


def _closest(handbook: Handbook, cond: Callable[[Rule], str]) -> str:
    """SQL for ' (closest: <icp>, unmet: <label>)' (`reason.closest_miss`), '' when no
    profile has an unmet requirement."""
    icps = handbook.active_icps
    n = len(icps) + 1
    keys = []
    texts = []
    for i, icp in enumerate(icps):
        if not icp.requirements:
            keys.append(str(n * 10_000))
            continue
        misses = " + ".join(
            f"CASE WHEN ({cond(r)}) IS FALSE THEN 1 ELSE 0 END" for r in icp.requirements
        )
        keys.append(f"(CASE WHEN ({misses}) > 0 THEN ({misses}) * {n} + {i} ELSE {n * 10_000} END)")
        first = " ".join(
            f"WHEN ({cond(r)}) IS FALSE THEN {sql_literal(flat(r.label))}" for r in icp.requirements
        )
        head = sql_literal(f" (closest: {icp.id}, unmet: ")
        texts.append((i, f"{head} || (CASE {first} END) || ')'"))
    if not texts:
        return "''"
    least = f"least({', '.join(keys)})" if len(keys) > 1 else keys[0]
    picks = " ".join(
        f"WHEN {least} = {keys[i]} AND {keys[i]} < {n * 10_000} THEN {t}" for i, t in texts
    )
    return f"(CASE {picks} ELSE '' END)"


def reason_sql(handbook: Handbook, as_of: dt.date, exact: frozenset[str] = frozenset()) -> str:
    """SQL for the reason text over the last layer of `verdict_sql` (same `as_of`, `exact`)."""
    cols = Columns(handbook)
    ctx = Ctx(as_of)

    def cond(rule: Rule) -> str:
        return condition_sql(rule.when, handbook, cols, ctx, exact)

    whens: list[str] = []
    fired = []
    for j, neg in enumerate(handbook.active_negatives):
        if not neg.disqualifiers:
            continue
        label = " ".join(
            f"WHEN {cond(r)} THEN {sql_literal(flat(r.label))}" for r in neg.disqualifiers
        )
        text = sql_literal(f"disqualified: {flat(neg.title)} (")
        fired.append(f"WHEN d{j} THEN {text} || (CASE {label} END) || ')'")
    if fired:
        whens.append(f"WHEN disq THEN (CASE {' '.join(fired)} END)")
    whens.append(f"WHEN st = 'insufficient_data' THEN {_insufficient(handbook, cols)}")
    whens.append("WHEN st <> 'scored' THEN 'not scored: ' || st")
    whens.append(f"WHEN best < 0 THEN 'D: no profile fits' || {_closest(handbook, cond)}")
    letter = "(CASE trank " + " ".join(f"WHEN {r} THEN '{t}'" for r, t in RANK_TIER.items())
    letter += " END)"
    picks = []
    for i, icp in enumerate(handbook.active_icps):
        above = earlier_tiers(icp)
        by_id = {r.id: r for r in icp.criteria}
        met = _joined(
            [
                (
                    f"({cond(r)}) IS TRUE"
                    + "".join(f" AND ({cond(by_id[e])}) IS NOT TRUE" for e in above.get(r.id, ())),
                    flat(r.label),
                )
                for r in icp.criteria
            ]
        )
        read = dict.fromkeys(f for r in icp.requirements for f in condition_fields(r.when))
        # 'capped' only when the cap lowered the tier (`reason.cap_lowered`)
        least = cap_threshold(icp, handbook.policy.unknown_cap)
        said = (
            f"(CASE WHEN s{i} >= {least} THEN '; capped, not known: ' ELSE '; not known: ' END)"
            if least is not None
            else "'; not known: '"
        )
        missing = _joined([(f"NOT {cols.known(f)}", flat(handbook.fields[f].label)) for f in read])
        text = (
            f"{letter} || {sql_literal(f' for {icp.id}: ')} || CAST(CAST(s{i} AS BIGINT) AS "
            f"VARCHAR) || ' pts' || coalesce('; ' || nullif({met}, ''), '') || "
            f"(CASE WHEN h{i} IS NULL THEN coalesce({said} || "
            f"nullif({missing}, ''), '') ELSE '' END)"
        )
        picks.append(f"WHEN best = k{i} THEN {text}")
    # an unknown disqualifier of a tier above D (`risk.risks`)
    risky = _joined(
        [
            (f"({cond(r)}) IS NULL", f"{flat(neg.title)} ({flat(r.label)})")
            for neg in handbook.active_negatives
            for r in neg.disqualifiers
        ]
    )
    at_risk = (
        f"(CASE WHEN trank > 1 THEN coalesce('; at risk: ' || nullif({risky}, ''), '') ELSE '' END)"
    )
    if picks:
        whens.append(f"ELSE (CASE {' '.join(picks)} END) || {at_risk}")
    return f"(CASE {' '.join(whens)} END)"
