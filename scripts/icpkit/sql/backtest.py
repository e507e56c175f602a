"""The back-test's counts: the scorer's compiled query over a CRM history, one scan.

The history streams through the same parse layer and the same compiled verdict query
as `icp score` (`scoring`, `sqlcompile`), with three additions:

- each row's outcome (won, lost, undecided), value, churn and own date are read from the
  columns named in `icpkit.evidence.outcomes`;
- time-relative rules are evaluated as of the row's own date, and a date field whose
  value comes after that date (a funding round after the deal) is unknown for that row;
- every rule's own state (met, unmet, unknown) is kept beside the verdict.

That per-row result is kept in memory once (one scan of the file), and every table of
the report is a GROUP BY over it. Nothing here computes a rate or an interval: that is
`icpkit.evidence.report`'s job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..engine.model import Field, Handbook, Leaf, Rule
from ..engine.operators import Ctx, sql_literal
from ..errors import InputError, UsageError
from ..evidence.outcomes import DAYS_PER_MONTH, ROLES, STAGES, stage_key
from ..wording import suggest
from .connection import connect, quote_ident
from .layout import Columns
from .percents import fraction_columns
from .sources import (
    Plan,
    Source,
    fmt_of,
    id_candidates,
    key,
    open_source,
    parsed_columns,
    plan_columns,
    read_through,
    with_convention,
)
from .sqlcompile import condition_sql, parsed_sql, verdict_sql

#: how many misclassified accounts each list keeps
MISCLASSIFIED = 10
#: points per score band
BAND_WIDTH = 10

#: a tally's measures over the kept rows; bt_oc = outcome * 3 + churn, where outcome is
#: 0 lost, 1 won, 2 undecided and churn 0 no, 1 yes, 2 unknown
_MEASURES = (
    "count(*)::BIGINT, count_if(bt_oc BETWEEN 3 AND 5)::BIGINT, count_if(bt_oc < 3)::BIGINT, "
    "count_if(bt_oc = 4)::BIGINT, count_if(bt_oc IN (3, 4))::BIGINT, "
    "median(bt_value) FILTER (WHERE bt_oc BETWEEN 3 AND 5), "
    "avg(bt_sat) FILTER (WHERE bt_oc BETWEEN 3 AND 5), "
    "median(bt_tenure) FILTER (WHERE bt_oc BETWEEN 3 AND 5)"
)


@dataclass(frozen=True)
class BacktestOptions:
    input: Path
    #: the date time-relative rules use when the history has no date column
    as_of: dt.date
    input_format: str | None = None
    id_column: str | None = None
    #: field or role (outcome, as_of, value, churned, ...) -> column
    mapping: dict[str, str] | None = None
    as_of_column: str | None = None
    value_column: str | None = None
    threads: int | None = None
    #: stage spellings of this export -> 'won' | 'lost' | 'open' (the --map file's
    #: `outcome: {values: ...}`), before the built-in table
    stages: dict[str, str] | None = None
    #: True: comma decimals (1.234,5); False: dot decimals; None: detect, as `score` does
    decimal_comma: bool | None = None
    #: the history's text encoding when it is not UTF-8 (a Python codec name)
    encoding: str | None = None


@dataclass(frozen=True)
class Tally:
    """Counts over a set of accounts: all of them, won and lost opportunities, and churn
    among the won (customers) whose churn is known; the median value of the won."""

    accounts: int = 0
    won: int = 0
    lost: int = 0
    churned: int = 0
    churn_known: int = 0
    median_value: float | None = None
    #: mean NPS or CSAT of the won (customers) who gave one
    satisfaction: float | None = None
    #: median tenure in months of the won (customers) whose tenure is known
    median_tenure: float | None = None

    @property
    def decided(self) -> int:
        return self.won + self.lost

    @classmethod
    def of(cls, row: tuple[Any, ...]) -> Tally:
        n, won, lost, churned, known, median, satisfaction, tenure = row
        # count_if over no row at all is NULL in DuckDB: that is 0 here
        return cls(
            int(n or 0), int(won or 0), int(lost or 0), int(churned or 0), int(known or 0),
            None if median is None else float(median),
            None if satisfaction is None else float(satisfaction),
            None if tenure is None else float(tenure),
        )  # fmt: skip


@dataclass(frozen=True)
class RuleRef:
    """A rule of the handbook as the back-test counts it."""

    owner: str
    #: icp | negative
    owner_kind: str
    rule: Rule


@dataclass
class Counts:
    """What one back-test scan counted: data for `icpkit.evidence.report`."""

    rows: int
    plan: Plan
    #: role -> the column read for it
    roles: dict[str, str]
    #: (status, best profile or '', tier) -> tally; status: scored | disqualified | insufficient
    groups: dict[tuple[str, str, str], Tally]
    #: tier -> tally over every ICP's accounts (not disqualified, with a best profile)
    pooled: dict[str, Tally]
    #: 'no ICP fits' | 'disqualified' | 'insufficient' -> tally
    others: dict[str, Tally]
    #: best profile -> lowest score of a band of BAND_WIDTH points -> tally
    bands: dict[str, dict[int, Tally]]
    rules: list[RuleRef]
    #: rule index -> state (met | unmet | unknown) -> tally, over the rule's population
    rule_states: dict[int, dict[str, Tally]]
    #: best profile -> score -> tally (accounts not disqualified and with a profile)
    scores: dict[str, dict[int, Tally]]
    #: stage text the mapping does not know -> rows
    unknown_stages: dict[str, int]
    rows_without_date: int
    #: rows where a date field's value came after the row's own date (read as unknown)
    future_values: int
    overall: Tally
    #: rows whose value cell has text that does not read as an amount (unknown value)
    unreadable_values: int = 0
    #: rows whose date cell has text that does not read as a date, and one such text
    unreadable_dates: tuple[int, str] = (0, "")
    #: distinct account ids (fewer than rows: an opportunity report, a row per deal)
    distinct_ids: int = 0
    #: rows whose outcome cell is empty (or a placeholder such as n/a): undecided
    rows_without_outcome: int = 0
    #: the decimal convention numbers were read in, and why (as `icp score` says it)
    convention: str = ""
    #: how the history was read (a report footer, misaligned records), as `icp score` says it
    reading: tuple[str, ...] = ()
    #: the best customers the rules put low, and the worst they put in A (dicts per row)
    best_missed: list[dict[str, Any]] = field(default_factory=list)
    worst_in_a: list[dict[str, Any]] = field(default_factory=list)


def rule_refs(handbook: Handbook) -> list[RuleRef]:
    """Every active rule, in handbook order: ICP requirements and criteria, then negative
    portraits' disqualifiers and warning signs."""
    refs: list[RuleRef] = []
    for icp in handbook.active_icps:
        refs += [RuleRef(icp.id, "icp", r) for r in icp.rules]
    for neg in handbook.active_negatives:
        refs += [RuleRef(neg.id, "negative", r) for r in neg.rules]
    return refs


def _roles(source: Source, opts: BacktestOptions, taken: set[str]) -> dict[str, str]:
    names = source.names
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(key(name), name)
    given = {role: col for role, col in (opts.mapping or {}).items() if role in ROLES} | {
        role: col
        for role, col in (("as_of", opts.as_of_column), ("value", opts.value_column))
        if col
    }
    roles: dict[str, str] = {}
    for role, col in given.items():
        if col not in names:
            raise UsageError(
                f"found no column '{col}' for {role} in {source.path}"
                + suggest(col, names)
                + f"; columns are {', '.join(names[:16])}"
            )
        roles[role] = col
    for role, candidates in ROLES.items():
        if role in roles:
            continue
        found = next((by_key[key(c)] for c in candidates if key(c) in by_key), None)
        if found is not None and found not in taken:
            roles[role] = found
    if "outcome" not in roles and "is_won" not in roles:
        raise InputError(
            f"{source.path}: found no outcome column; expected one of "
            f"{', '.join(ROLES['outcome'] + ROLES['is_won'])} (or --map with outcome: COLUMN)"
        )
    return roles


def _text(col: str) -> str:
    return f"icp_text(CAST({quote_ident(col)} AS VARCHAR))"


_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")


def _score_of(col: str, types: dict[str, str]) -> str:
    """An NPS or CSAT answer: a plain number (8, 9.5), else unknown."""
    if types.get(col, "").upper().startswith(_NUMERIC):
        return f"CAST({quote_ident(col)} AS DOUBLE)"
    return f"TRY_CAST({_text(col)} AS DOUBLE)"


def _date(col: str, types: dict[str, str]) -> str:
    if types.get(col, "").upper() == "DATE":
        return quote_ident(col)
    return f"icp_date({_text(col)})"


def _outcome_items(
    roles: dict[str, str],
    types: dict[str, str],
    today: dt.date,
    stages: dict[str, str] | None = None,
) -> list[str]:
    """SELECT items reading the outcome columns: bt_won (TRUE won, FALSE lost, NULL
    undecided), bt_stage (the text of a stage the table does not know; '' when a closed
    row's outcome cell is empty), bt_value, bt_asof,
    bt_churned, bt_sat, bt_tenure (months; from customer_since to the churn date or
    `today` when there is no tenure column). Columns the reader already typed (dates,
    numbers) are used as they are. `stages` (spelling -> won / lost / open) come before the
    built-in table."""
    mapped = {stage_key(k): v for k, v in (stages or {}).items()}
    by_class: dict[str, list[str]] = {"won": [], "lost": [], "open": []}
    for spelling, meaning in STAGES.items():
        if spelling not in mapped:
            by_class[meaning].append(sql_literal(spelling))
    mapped_class: dict[str, list[str]] = {}
    for spelling, meaning in mapped.items():
        mapped_class.setdefault(meaning, []).append(sql_literal(spelling))
    if "outcome" in roles:
        raw = quote_ident(roles["outcome"])
        if types.get(roles["outcome"], "VARCHAR").upper() != "VARCHAR":
            raw = f"CAST({raw} AS VARCHAR)"
        t = _text(roles["outcome"])
        k = f"regexp_replace(lower({t}), '[^a-z0-9]', '', 'g')"
        # the spellings as exports write them are matched first, without any cleaning
        won_raw = ", ".join(sql_literal(s) for s in ("closedwon", "Closed Won", "won", "Won"))
        lost_raw = ", ".join(sql_literal(s) for s in ("closedlost", "Closed Lost", "lost", "Lost"))
        open_raw = ", ".join(v for v in by_class["open"])
        truth = {"won": "TRUE", "lost": "FALSE", "open": "NULL"}
        first = " ".join(
            f"WHEN {k} IN ({', '.join(keys)}) THEN {truth[m]}" for m, keys in mapped_class.items()
        )
        won = (
            f"CASE {first} WHEN {raw} IN ({won_raw}) THEN TRUE WHEN {raw} IN ({lost_raw}) "
            f"THEN FALSE WHEN {raw} IN ({open_raw}) THEN NULL "
            f"WHEN {k} IN ({', '.join(by_class['won'])}) THEN TRUE "
            f"WHEN {k} IN ({', '.join(by_class['lost'])}) THEN FALSE END"
        )
        known = ", ".join(v for vs in (*by_class.values(), *mapped_class.values()) for v in vs)
        stage = (
            f"CASE WHEN {t} IS NULL THEN '' "
            f"WHEN {raw} IN ({won_raw}, {lost_raw}, {open_raw}) THEN NULL "
            f"WHEN {k} NOT IN ({known}) THEN {t} END"
        )
    else:
        t = _text(roles["is_won"])
        closed = f"icp_bool({_text(roles['is_closed'])})" if "is_closed" in roles else "TRUE"
        won = f"CASE WHEN {closed} IS DISTINCT FROM FALSE THEN icp_bool({t}) END"
        stage = (
            f"CASE WHEN {closed} IS NOT DISTINCT FROM FALSE THEN NULL WHEN {t} IS NULL THEN '' "
            f"WHEN icp_bool({t}) IS NULL THEN {t} END"
        )
    items = [f"{won} AS bt_won", f"{stage} AS bt_stage"]
    # the value is read with the fields (`VALUE`) and put in place after the parse layer
    items += ["CAST(NULL AS DOUBLE) AS bt_value", "FALSE AS bt_value_bad"]
    asof = _date(roles["as_of"], types) if "as_of" in roles else "CAST(NULL AS DATE)"
    items.append(f"{asof} AS bt_asof")
    # the text of a date cell that does not read (3/14/2025 reads two ways): counted apart
    # from the rows with no date, with an example
    bad_date = (
        f"CASE WHEN {asof} IS NULL THEN {_text(roles['as_of'])} END"
        if "as_of" in roles and types.get(roles["as_of"], "").upper() != "DATE"
        else "CAST(NULL AS VARCHAR)"
    )
    items.append(f"{bad_date} AS bt_date_bad")
    churn_flag = f"icp_bool({_text(roles['churned'])})" if "churned" in roles else "NULL"
    if "churn_date" in roles:
        churn_date = _date(roles["churn_date"], types)
        fallback = (
            f"({churn_date} IS NOT NULL)"
            if "churned" not in roles
            else (f"CASE WHEN {churn_date} IS NOT NULL THEN TRUE END")
        )
        churn = f"coalesce({churn_flag}, {fallback})"
    else:
        churn = f"CAST({churn_flag} AS BOOLEAN)"
    items.append(f"{churn} AS bt_churned")
    sat = _score_of(roles["satisfaction"], types) if "satisfaction" in roles else "NULL"
    items.append(f"CAST({sat} AS DOUBLE) AS bt_sat")
    items.append(f"{_tenure(roles, types, churn, today)} AS bt_tenure")
    return items


#: a tenure as text: a number of months, or a number with a unit (months or years)
_TENURE = r"^([0-9]+(?:\.[0-9]+)?)\s*(months?|mos?|years?|yrs?)?$"


def _tenure(roles: dict[str, str], types: dict[str, str], churn: str, today: dt.date) -> str:
    """Months as a customer: the tenure column (a number, or with a unit), else the months
    from customer_since to the churn date (or `today` for a customer who has not churned);
    NULL (unknown) for anything that does not read, is negative or not finite, and for a
    churned customer without a churn date."""
    if "tenure" in roles:
        col = roles["tenure"]
        if types.get(col, "").upper().startswith(_NUMERIC):
            x = f"CAST({quote_ident(col)} AS DOUBLE)"
            return f"CASE WHEN isfinite({x}) AND {x} >= 0 THEN {x} END"
        t = _text(col)
        plain = f"TRY_CAST({t} AS DOUBLE)"
        low = f"lower(trim({t}))"
        pattern = sql_literal(_TENURE)
        num = f"TRY_CAST(regexp_extract({low}, {pattern}, 1) AS DOUBLE)"
        unit = f"regexp_extract({low}, {pattern}, 2)"
        # a plain number is read directly; the pattern has no sign, so a unit never
        # makes a negative
        return (
            f"CASE WHEN {plain} IS NULL THEN "
            f"CASE WHEN {unit} LIKE 'y%' THEN {num} * 12 ELSE {num} END "
            f"WHEN isfinite({plain}) AND {plain} >= 0 THEN {plain} END"
        )
    if "customer_since" in roles:
        since = _date(roles["customer_since"], types)
        churn_date = _date(roles["churn_date"], types) if "churn_date" in roles else "NULL"
        end = (
            f"CASE WHEN {churn_date} IS NOT NULL THEN {churn_date} "
            f"WHEN ({churn}) IS NOT TRUE THEN DATE {sql_literal(today.isoformat())} END"
        )
        days = f"date_diff('day', {since}, {end})"
        return f"CASE WHEN {days} >= 0 THEN {days} / {DAYS_PER_MONTH!r} END"
    return "CAST(NULL AS DOUBLE)"


#: the deal value is read as a number field of the handbook is (`parsing`: the file's decimal
#: convention, $ and k / m suffixes, groups of three, a reading two ways is unknown)
VALUE = Field("bt_value", "number", "Deal value", "The value column of the history", "USD", 0)

_KEEP = (
    "icp_id",
    "bt_won",
    "bt_stage",
    "bt_value",
    "bt_value_bad",
    "bt_date_bad",
    "bt_asof",
    "bt_churned",
    "bt_sat",
    "bt_tenure",
)


def _with_items(text_select: str, source: Source, items: list[str]) -> str:
    """`parsed_columns`' SELECT with more items read from the same relation."""
    tail = f" FROM {source.relation}"
    if not text_select.endswith(tail):  # pragma: no cover - pinned by the tests
        raise AssertionError("parsed_columns no longer ends with its FROM clause")
    return f"{text_select[: -len(tail)]}, {', '.join(items)}{tail}"


def _rule_items(handbook: Handbook, refs: list[RuleRef], ctx: Ctx, exact: frozenset[str]) -> str:
    cols = Columns(handbook)
    return ", ".join(
        f"{condition_sql(ref.rule.when, handbook, cols, ctx, exact)} AS bt_r{k}"
        for k, ref in enumerate(refs)
    )


def _shadow(handbook: Handbook, refs: list[RuleRef]) -> Handbook:
    """The handbook with every rule reading its own outcome, computed once: rule k becomes
    `bt_rule_k is true` on a yes/no field appended to the vocabulary (so the real fields
    keep their columns). The compiled verdict query then combines those columns exactly
    as it combines conditions (three-valued: NULL stays unknown), instead of evaluating
    every condition a second time."""
    fields = dict(handbook.fields)
    swapped: dict[tuple[str, str, str], Rule] = {}
    for k, ref in enumerate(refs):
        name = f"bt_rule_{k}"
        fields[name] = Field(name, "yes_no", name, "")
        swapped[(ref.owner, ref.rule.kind, ref.rule.id)] = dataclasses.replace(
            ref.rule, when=Leaf(name, "is", True)
        )

    def rules(owner: str, items: tuple[Rule, ...]) -> tuple[Rule, ...]:
        return tuple(swapped.get((owner, r.kind, r.id), r) for r in items)

    icps = tuple(
        dataclasses.replace(
            i, requirements=rules(i.id, i.requirements), criteria=rules(i.id, i.criteria)
        )
        if i in handbook.active_icps
        else i
        for i in handbook.icps
    )
    negatives = tuple(
        dataclasses.replace(
            n, disqualifiers=rules(n.id, n.disqualifiers), warnings=rules(n.id, n.warnings)
        )
        if n in handbook.active_negatives
        else n
        for n in handbook.negatives
    )
    shadow = dataclasses.replace(handbook, fields=fields, icps=icps, negatives=negatives)
    # unknown_fields is not read by the back-test: no field list to build per row
    shadow.__dict__["read_fields"] = ()
    return shadow


#: rule states packed per BIGINT (2 bits each: 0 unmet, 1 met, 2 unknown)
_PER_WORD = 31


def _state(k: int) -> str:
    """SQL for rule k's state (0 unmet, 1 met, 2 unknown) from the packed columns."""
    return f"((bt_pk{k // _PER_WORD} >> {2 * (k % _PER_WORD)}) & 3)"


def _packed(handbook: Handbook, refs: list[RuleRef]) -> list[str]:
    """The compact per-row result kept in memory: rule states packed 31 to a BIGINT, and
    per ICP whether its hard requirements did not fail (`bt_h<i>`, a criterion's
    population)."""
    items = []
    for word in range(0, len(refs), _PER_WORD):
        # TRUE 1, FALSE 0, NULL 2; times 4**j puts rule j in bits 2j and 2j+1
        parts = [
            f"coalesce(bt_r{k}::BIGINT, 2) * {4 ** (k - word)}"
            for k in range(word, min(word + _PER_WORD, len(refs)))
        ]
        items.append(f"({' + '.join(parts)}) AS bt_pk{word // _PER_WORD}")
    for i, icp in enumerate(handbook.active_icps):
        reqs = [
            f"bt_r{k}"
            for k, ref in enumerate(refs)
            if ref.owner == icp.id and ref.rule.kind == "requirement"
        ]
        items.append(f"(({' AND '.join(reqs) or 'TRUE'}) IS NOT FALSE) AS bt_h{i}")
    return items


def _population(handbook: Handbook, ref: RuleRef) -> str:
    """A requirement's population is every account not disqualified; a criterion's, those
    whose ICP's requirements did not fail; a disqualifier's, every account; a warning
    sign's, every account not disqualified."""
    if ref.rule.kind == "disqualifier":
        return "TRUE"
    if ref.rule.kind == "criterion":
        i = [icp.id for icp in handbook.active_icps].index(ref.owner)
        return f"NOT bt_disq AND bt_h{i}"
    return "NOT bt_disq"


def count(handbook: Handbook, opts: BacktestOptions) -> Counts:
    """Scan the history once and count everything the report needs.

    Raises UsageError for a mapped column that is not there, InputError for a history
    that cannot be read or has no outcome column."""
    fmt = fmt_of(opts.input, opts.input_format)
    con = connect(handbook, opts.threads)
    scratch: list[Path] = []
    try:
        # a header row repeated below the header is looked for in the rows scanned (an id
        # that is a column name), not in a scan of the history before them
        source = open_source(
            con,
            opts.input,
            fmt,
            encoding=opts.encoding,
            headers_again=False,
            ids=id_candidates(handbook, opts.id_column),
        )
        # a rewritten copy (a report footer, another encoding)
        scratch += [source.scratch] if source.scratch else []
        field_map = {f: c for f, c in (opts.mapping or {}).items() if f not in ROLES}
        plan = plan_columns(handbook, source, id_column=opts.id_column, mapping=field_map)
        roles = _roles(source, opts, set(plan.used.values()) | {plan.id_column})
        if "value" in roles:
            handbook = dataclasses.replace(handbook, fields={**handbook.fields, VALUE.name: VALUE})
            plan = dataclasses.replace(plan, used={**plan.used, VALUE.name: roles["value"]})
        # the file's decimal convention, as score detects it; an empty set cell is "none"
        source = with_convention(con, handbook, source, plan, opts.decimal_comma)
        refs = rule_refs(handbook)
        typeable = {
            c
            for n, c in plan.used.items()
            if handbook.fields[n].type in ("number", "integer", "yes_no", "date")
        }
        typed_roles = {
            roles[r]
            for r in ("as_of", "churn_date", "value", "satisfaction", "tenure", "customer_since")
            if r in roles
        }
        numbers = {
            c for n, c in plan.used.items() if handbook.fields[n].type in ("number", "integer")
        }
        typed = source.typed(typeable | typed_roles, numbers)

        def run(attempt: Source) -> tuple[str, str]:
            query = _query(handbook, attempt, plan, roles, refs, opts.as_of, opts.stages)
            con.execute(f"CREATE OR REPLACE TEMP TABLE bt AS {query}")
            return "bt", "icp_id"

        source = read_through(
            con, handbook, plan, source, run, typed=typed, encoding=opts.encoding, scratch=scratch
        )
        counts = _counts(con, handbook, plan, roles, refs, opts)
        reading = source.notes + fraction_columns(con, handbook, source, plan)
        return dataclasses.replace(counts, convention=source.convention, reading=reading)
    finally:
        con.close()
        for path in scratch:
            path.unlink(missing_ok=True)


def _query(
    handbook: Handbook,
    source: Source,
    plan: Plan,
    roles: dict[str, str],
    refs: list[RuleRef],
    as_of: dt.date,
    stages: dict[str, str] | None = None,
) -> str:
    text_select, parsed = parsed_columns(handbook, source, plan)
    exact = frozenset(n for n, p in parsed.items() if p.exact) | frozenset(
        n for n in handbook.fields if n not in parsed
    )
    outcomes = _outcome_items(roles, dict(source.columns), as_of, stages)
    txt = _with_items(text_select, source, outcomes)
    # each row's own date; a history without a date column has none (bt_asof NULL): its
    # time-relative rules are unknown, the rules that need no date are evaluated
    per_row = True
    cols = Columns(handbook)
    dates = [cols.name(n) for n in handbook.read_fields if handbook.fields[n].type == "date"]
    future = " OR ".join(f"{d} > bt_asof" for d in dates) if per_row and dates else "FALSE"
    masked = (
        "SELECT * REPLACE ("
        + ", ".join(f"CASE WHEN {d} > bt_asof THEN NULL ELSE {d} END AS {d}" for d in dates)
        + f"), {future} AS bt_future FROM flagged"
        if per_row and dates
        else "SELECT *, FALSE AS bt_future FROM flagged"
    )
    ctx = Ctx(as_of, "bt_asof" if per_row else None)
    rules = _rule_items(handbook, refs, ctx, exact)
    keep = (*_KEEP, *(f"bt_r{k}" for k in range(len(refs))))
    shadow = _shadow(handbook, refs)
    shadow_cols = Columns(shadow)
    aliases = ", ".join(f"bt_r{k} AS {shadow_cols.name(f'bt_rule_{k}')}" for k in range(len(refs)))
    verdict = verdict_sql(
        shadow,
        as_of,
        as_of_sql="bt_asof",  # the status gates, flags and profile gates as of each row too
        relation="ruled",
        keep=(*keep, "bt_future"),
        exact=exact | frozenset(f"bt_rule_{k}" for k in range(len(refs))),
    )
    ruled = (
        # the fields stay: the status gates, flags and profile gates read them directly
        f"SELECT *, {aliases} FROM (SELECT *, {rules} FROM masked)"
        if refs
        else "SELECT * FROM masked"
    )
    flagged = parsed_sql(handbook, parsed, "txt", keep=_KEEP)
    if VALUE.name in parsed:
        lo, hi = cols.of(VALUE.name)
        flagged = (
            f"SELECT * REPLACE (CASE WHEN {lo} = {hi} THEN {lo} END AS bt_value, "
            f"coalesce(contains(unreadable_fields, {sql_literal(VALUE.name)}), FALSE) "
            f"AS bt_value_bad) FROM ({flagged})"
        )
    return (
        f"WITH txt AS ({txt}),\n"
        f"flagged AS ({flagged}),\n"
        f"masked AS ({masked}),\n"
        f"ruled AS ({ruled}),\n"
        f"verdicts AS ({verdict})\n"
        f"SELECT icp_id, best_profile, tier, score, disqualified_by, status AS bt_status, "
        "disqualified_by IS NOT NULL AS bt_disq, bt_value, bt_sat, bt_tenure, bt_stage, "
        "bt_asof IS NULL AND bt_date_bad IS NULL AS bt_nodate, bt_value_bad, bt_date_bad, "
        "bt_future, CAST(coalesce(CAST(bt_won AS TINYINT), 2) * 3 "
        "+ coalesce(CAST(bt_churned AS TINYINT), 2) AS TINYINT) AS bt_oc"
        f"{''.join(', ' + x for x in _packed(handbook, refs))} FROM verdicts"
    )


def _status_sql() -> str:
    """The verdict's status as the report groups it: disqualified, insufficient (no profile
    knows enough to judge), a status gate's id (not scored: `not_found`), or scored."""
    return "CASE bt_status WHEN 'insufficient_data' THEN 'insufficient' ELSE bt_status END"


def _counts(
    con: duckdb.DuckDBPyConnection,
    handbook: Handbook,
    plan: Plan,
    roles: dict[str, str],
    refs: list[RuleRef],
    opts: BacktestOptions,
) -> Counts:
    status = _status_sql()
    groups = {
        (str(s), str(p or ""), str(t)): Tally.of(tuple(rest))
        for s, p, t, *rest in con.execute(
            f"SELECT {status}, best_profile, tier, {_MEASURES} FROM bt GROUP BY ALL"
        ).fetchall()
    }
    in_pond = f"{status} = 'scored' AND best_profile IS NOT NULL"
    pooled = {
        str(t): Tally.of(tuple(rest))
        for t, *rest in con.execute(
            f"SELECT tier, {_MEASURES} FROM bt WHERE {in_pond} GROUP BY ALL"
        ).fetchall()
    }
    others = {
        str(name): Tally.of(tuple(rest))
        for name, *rest in con.execute(
            f"SELECT CASE WHEN {status} = 'scored' THEN 'no ICP fits' ELSE {status} END AS o, "
            f"{_MEASURES} FROM bt WHERE NOT ({in_pond}) GROUP BY ALL"
        ).fetchall()
    }
    bands: dict[str, dict[int, Tally]] = {}
    for profile, low, *rest in con.execute(
        f"SELECT best_profile, (score // {BAND_WIDTH}) * {BAND_WIDTH}, {_MEASURES} FROM bt "
        f"WHERE {in_pond} GROUP BY ALL"
    ).fetchall():
        bands.setdefault(str(profile), {})[int(low)] = Tally.of(tuple(rest))
    overall_row = con.execute(
        f"SELECT {_MEASURES}, count_if(bt_nodate), count_if(bt_future IS TRUE), "
        "count_if(bt_value_bad), count(bt_date_bad), min(bt_date_bad), "
        "count(DISTINCT icp_id), count_if(bt_stage = '') FROM bt"
    ).fetchone()
    assert overall_row is not None
    overall = Tally.of(overall_row[:8])
    rule_states = _rule_states(con, handbook, refs)
    scores: dict[str, dict[int, Tally]] = {}
    for profile, score, *rest in con.execute(
        f"SELECT best_profile, score, {_MEASURES} FROM bt WHERE {in_pond} GROUP BY ALL"
    ).fetchall():
        scores.setdefault(str(profile), {})[int(score)] = Tally.of(tuple(rest))
    unknown_stages = {
        str(s): int(n)
        for s, n in con.execute(
            "SELECT bt_stage, count(*) FROM bt WHERE bt_stage IS NOT NULL AND bt_stage <> '' "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
    }
    best, worst = _misclassified(con, refs)
    return Counts(
        rows=overall.accounts,
        plan=plan,
        roles=roles,
        groups=groups,
        pooled=pooled,
        others=others,
        bands=bands,
        rules=refs,
        rule_states=rule_states,
        scores=scores,
        unknown_stages=unknown_stages,
        rows_without_date=int(overall_row[8] or 0),
        future_values=int(overall_row[9] or 0),
        unreadable_values=int(overall_row[10] or 0),
        unreadable_dates=(int(overall_row[11] or 0), str(overall_row[12] or "")),
        distinct_ids=int(overall_row[13] or 0),
        rows_without_outcome=int(overall_row[14] or 0),
        overall=overall,
        best_missed=best,
        worst_in_a=worst,
    )


def _misclassified(
    con: duckdb.DuckDBPyConnection, refs: list[RuleRef]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The accounts a reviewer looks at first: the most valuable won accounts put in C, D or
    out of the pond, and the lost or churned accounts put in A (the most valuable first)."""
    states = ", ".join(_state(k) for k in range(len(refs)))
    pick = "icp_id, best_profile, tier, score, disqualified_by, bt_value, bt_oc"
    pick += f", {states}" if states else ""
    # bt_oc = outcome * 3 + churn (outcome 0 lost, 1 won, 2 undecided; churn 0, 1, 2 unknown)
    best = con.execute(
        f"SELECT {pick} FROM bt WHERE bt_oc IN (3, 5) AND bt_value IS NOT NULL "
        "AND (tier IN ('C', 'D') OR bt_disq) "
        f"ORDER BY bt_value DESC, icp_id LIMIT {MISCLASSIFIED}"
    ).fetchall()
    worst = con.execute(
        f"SELECT {pick} FROM bt WHERE tier = 'A' AND (bt_oc = 4 OR bt_oc < 3) "
        "ORDER BY bt_oc = 4 DESC, bt_value DESC NULLS LAST, icp_id "
        f"LIMIT {MISCLASSIFIED}"
    ).fetchall()
    return [_row(r, refs) for r in best], [_row(r, refs) for r in worst]


_STATE_NAMES = {0: "unmet", 1: "met", 2: "unknown"}


def _rule_states(
    con: duckdb.DuckDBPyConnection, handbook: Handbook, refs: list[RuleRef]
) -> dict[int, dict[str, Tally]]:
    """Per rule and state, the tally over the rule's population: for each rule a GROUP BY
    of its state and the row's outcome and churn coded as one small integer (9 values), so
    every count is a count(*), and the median value of the won only where a reviewer reads
    it (disqualifiers and warnings)."""
    if not refs:
        return {}
    parts = [
        f"SELECT {k} AS k, {_state(k)} AS s, bt_oc, count(*) AS n FROM bt "
        f"WHERE {_population(handbook, ref)} GROUP BY ALL"
        for k, ref in enumerate(refs)
    ]
    counts: dict[tuple[int, int], dict[int, int]] = {}
    for k, state, oc, n in con.execute(" UNION ALL ".join(parts)).fetchall():
        counts.setdefault((int(k), int(state)), {})[int(oc)] = int(n)
    medians: dict[int, float | None] = {}
    negative = [k for k, r in enumerate(refs) if r.rule.kind in ("disqualifier", "warning")]
    if negative:
        query = " UNION ALL ".join(
            f"SELECT {k}, median(bt_value) FROM bt WHERE {_state(k)} = 1 AND bt_oc // 3 = 1 "
            f"AND {_population(handbook, refs[k])}"
            for k in negative
        )
        medians = {int(k): m for k, m in con.execute(query).fetchall()}
    out: dict[int, dict[str, Tally]] = {}
    for (k, state), by in counts.items():
        # bt_oc = outcome * 3 + churn: outcome 1 won, 0 lost, 2 undecided; churn 1, 0, 2 unknown
        won = sum(n for oc, n in by.items() if oc // 3 == 1)
        out.setdefault(k, {})[_STATE_NAMES[state]] = Tally(
            accounts=sum(by.values()),
            won=won,
            lost=sum(n for oc, n in by.items() if oc // 3 == 0),
            churned=by.get(4, 0),
            churn_known=by.get(3, 0) + by.get(4, 0),
            median_value=medians.get(k) if state == 1 else None,
        )
    return out


def _row(values: tuple[Any, ...], refs: list[RuleRef]) -> dict[str, Any]:
    ident, profile, tier, score, disq, value, oc, *states = values
    return {
        "id": str(ident),
        "best_profile": profile,
        "tier": tier,
        "score": int(score),
        "disqualified_by": disq,
        "value": value,
        "outcome": ("lost", "won", "undecided")[int(oc) // 3],
        "churned": (False, True, None)[int(oc) % 3],
        "rules": {k: (False, True, None)[int(states[k])] for k in range(len(refs))},
    }


def csv_to_parquet(csv_path: Path, parquet_path: Path) -> None:
    """Copy a CSV to a compressed Parquet file with every column as text (what an export
    holds), for a compact sample history."""
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT * FROM read_csv({sql_literal(str(csv_path))}, all_varchar = true)) "
            f"TO {sql_literal(str(parquet_path))} (FORMAT parquet, COMPRESSION zstd)"
        )
    finally:
        con.close()
