"""The back-test's result as plain data, built from the SQL wing's counts.

Every rate is a `Rate` (successes, trials, 95% Wilson interval); a rate over no trials
is None everywhere, never a division by zero. Two ratios of win rates have their own
names: the lift over the average (`Cell.lift`, JSON `lift`) is a tier's, band's or rule's
win rate divided by the base rate (every decided opportunity in the history); the A/C
win-rate ratio (`a_over_c`: the badge, `icp diff --history`, the tier policy's `a_over_c`)
is tier A's win rate divided by tier C's. Reporters render an `Evidence`; the handbook and
`icp diff` read the same value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.model import Handbook
from ..sql.backtest import BAND_WIDTH, BacktestOptions, Counts, RuleRef, Tally, count
from . import stats
from .checks import CheckResult, Policy, policy_of, run_checks

TIER_ORDER = ("A", "B", "C", "D")
#: the name of a win rate over the base rate, in every report
LIFT_NAME = "lift over the average"
#: the name of tier A's win rate over tier C's, in every report
A_OVER_C_NAME = "A/C win-rate ratio"
#: the note for a history without a single won or lost opportunity
NOTHING_DECIDED = (
    "no decided opportunity (won or lost) in the history: no win rate can be given, and "
    "no check can pass or fail"
)
#: what every check says of a history with one outcome only
UNTESTABLE = "the history has one outcome only, so it cannot test the tiers"
#: the note for a history where every check of the tier policy is too few to say
NOTHING_SHOWN = (
    "no check of the tier policy could be decided: each is too few to say, so the history "
    "supports no claim about the tiers (it needs more decided opportunities, or a lower "
    "evidence.min_decided in rules/tier-policy.yaml)"
)


@dataclass(frozen=True)
class Rate:
    """k of n, with its 95% interval (fractions); value and interval are None when n is 0."""

    k: int
    n: int
    low: float | None = None
    high: float | None = None

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    @classmethod
    def of(cls, k: int, n: int) -> Rate:
        ci = stats.interval(k, n)
        return cls(k, n, *(ci or (None, None)))


@dataclass(frozen=True)
class Cell:
    """One set of accounts: how many, how their opportunities ended, churn, value, lift,
    and among its customers (won) satisfaction and tenure."""

    accounts: int
    win: Rate
    churn: Rate
    median_value: float | None
    lift: float | None
    #: mean NPS or CSAT of the customers who gave one
    satisfaction: float | None = None
    #: median months as a customer, among the customers whose tenure is known
    median_tenure: float | None = None
    #: the lift's 95% interval: the win rate's interval over the base rate (None with lift)
    lift_low: float | None = None
    lift_high: float | None = None

    @property
    def decided(self) -> int:
        return self.win.n


def cell(t: Tally, base: float | None) -> Cell:
    """The cell of a tally; lift and its interval are the win rate and its interval over
    the base rate, so a lift over one decided opportunity carries that one's uncertainty."""
    win = Rate.of(t.won, t.decided)
    lift = low = high = None
    if win.value is not None and win.low is not None and win.high is not None and base:
        lift, low, high = win.value / base, win.low / base, win.high / base
    churn = Rate.of(t.churned, t.churn_known)
    return Cell(
        t.accounts, win, churn, t.median_value, lift, t.satisfaction, t.median_tenure, low, high
    )


@dataclass(frozen=True)
class TierRow:
    #: an ICP id, or '' for all profiles together
    profile: str
    #: A-D, or 'disqualified' / 'insufficient' / 'no ICP fits' / a status gate's id
    tier: str
    cell: Cell


@dataclass(frozen=True)
class RuleRow:
    """How the accounts a rule met, missed and could not tell did."""

    owner: str
    owner_kind: str
    rule: str
    kind: str
    label: str
    points: int
    met: Cell
    unmet: Cell
    unknown: Cell
    #: Fisher's exact test of met against unmet win rates, adjusted for testing every
    #: rule at once (Benjamini-Hochberg); None when a side is empty
    p_value: float | None
    #: too-few | no-difference | helps | hurts
    verdict: str
    #: criteria only: points if they followed the evidence (log-odds scaled to the range)
    suggested_points: int | None = None
    log_odds: float | None = None
    #: what a reviewer should look at, in words ('' when nothing)
    flag: str = ""

    @property
    def finding(self) -> str:
        """The flag, or what the evidence says in words when nothing is flagged."""
        if self.flag:
            return self.flag
        if self.verdict == "too-few":
            return "too few decided opportunities to say"
        if self.verdict == "no-difference":
            return "no difference"
        as_intended = (self.verdict == "helps") == (self.kind in ("requirement", "criterion"))
        if as_intended:
            return (
                "works as intended (met wins more)"
                if self.verdict == "helps"
                else ("works as intended (met wins less)")
            )
        return "met wins more" if self.verdict == "helps" else "met wins less"


@dataclass(frozen=True)
class Band:
    profile: str
    low: int
    high: int
    cell: Cell


@dataclass(frozen=True)
class Boundary:
    """Where one cut of a profile's scores separates winners best (the largest Fisher
    evidence, each side with at least `min_decided` decided opportunities)."""

    profile: str
    current: dict[str, int]
    best_cut: int | None
    above: Rate | None
    below: Rate | None


@dataclass(frozen=True)
class Miss:
    """An account the rules misjudged, with its verdict's reasons."""

    id: str
    profile: str
    tier: str
    score: int
    value: float | None
    outcome: str
    churned: bool | None
    reasons: tuple[str, ...]


@dataclass
class Evidence:
    """The back-test of one handbook against one history."""

    source: str
    rows: int
    base: Cell
    roles: dict[str, str]
    #: 'each row's own date (Create Date)' or 'a fixed date, 2026-11-29'
    as_of: str
    unknown_stages: dict[str, int]
    rows_without_date: int
    future_values: int
    tiers: list[TierRow]
    rules: list[RuleRow]
    bands: list[Band]
    boundaries: list[Boundary]
    best_missed: list[Miss]
    worst_in_a: list[Miss]
    checks: list[CheckResult]
    policy: Policy
    notes: list[str] = field(default_factory=list)
    #: closed rows with an empty outcome cell (undecided, never lost)
    rows_without_outcome: int = 0

    @property
    def decided(self) -> int:
        return self.base.decided

    @property
    def nothing_decided(self) -> bool:
        """Not one won or lost opportunity: nothing was measured (`--check` fails on it)."""
        return self.base.decided == 0

    @property
    def nothing_shown(self) -> bool:
        """Opportunities were decided, but every check is too few to say: the history
        supports no claim about the tiers (`--check` fails on it)."""
        return (
            not self.nothing_decided
            and not self.one_outcome
            and bool(self.checks)
            and all(c.status == "too-few" for c in self.checks)
        )

    @property
    def one_outcome(self) -> bool:
        """Opportunities were decided, but every one was won (or every one lost): the history
        cannot test the tiers, most likely an export filtered to one outcome (`--check`
        fails on it)."""
        return not self.nothing_decided and self.base.win.k in (0, self.base.win.n)

    @property
    def ok(self) -> bool:
        """No check contradicted (too few to say is not a contradiction), and something was
        shown: a history without a decided opportunity, or one where every check is too few
        to say, supports nothing, which is not ok."""
        if self.nothing_decided or self.nothing_shown or self.one_outcome:
            return False
        return all(c.status != "contradicted" for c in self.checks)

    def tier(self, profile: str, tier: str) -> TierRow | None:
        return next((t for t in self.tiers if t.profile == profile and t.tier == tier), None)

    def tier_counts(self, profile: str, tier: str) -> tuple[int, int]:
        """(won, decided) opportunities of a profile's tier ('' for all)."""
        row = self.tier(profile, tier)
        return (row.cell.win.k, row.cell.win.n) if row else (0, 0)

    def a_over_c(self, profile: str = "") -> float | None:
        """The A/C win-rate ratio of a profile ('' for all ICPs), or None."""
        a, c = self.tier(profile, "A"), self.tier(profile, "C")
        if a is None or c is None or a.cell.win.value is None or not c.cell.win.value:
            return None
        return a.cell.win.value / c.cell.win.value


def backtest(handbook: Handbook, opts: BacktestOptions) -> Evidence:
    """Back-test `handbook` against the history in `opts.input`.

    Raises UsageError / InputError (from the SQL wing) when the history cannot be read."""
    return build(handbook, count(handbook, opts), str(opts.input))


def build(handbook: Handbook, c: Counts, source: str) -> Evidence:
    """The report from one scan's counts."""
    policy = policy_of(handbook)
    base_rate = Rate.of(c.overall.won, c.overall.decided)
    base = cell(c.overall, base_rate.value)
    tiers = _tiers(handbook, c, base_rate.value)
    rules = _rules(handbook, c, base_rate.value, policy)
    bands, boundaries = _thresholds(handbook, c, base_rate.value, policy)
    notes = _reading_notes(c)
    as_of = (
        f"each row's own date ({c.roles['as_of']})"
        if "as_of" in c.roles
        else "no date at all (the history has no date column, so they are unknown for every "
        "row; --as-of-column names one)"
    )
    ev = Evidence(
        source=source,
        rows=c.rows,
        base=base,
        roles=dict(c.roles),
        as_of=as_of,
        unknown_stages=dict(c.unknown_stages),
        rows_without_date=c.rows_without_date,
        rows_without_outcome=c.rows_without_outcome,
        future_values=c.future_values,
        tiers=tiers,
        rules=rules,
        bands=bands,
        boundaries=boundaries,
        best_missed=[_miss(handbook, c.rules, r) for r in c.best_missed],
        worst_in_a=[_miss(handbook, c.rules, r) for r in c.worst_in_a],
        checks=[],
        policy=policy,
        notes=notes,
    )
    ev.checks = run_checks(
        ev.tier_counts,
        policy,
        [i.id for i in handbook.active_icps],
        UNTESTABLE if ev.one_outcome else None,
    )
    return ev


def one_outcome_note(won: int, decided: int) -> str:
    """The note for a history whose `decided` opportunities were all won (`won` = decided)
    or all lost (`won` = 0)."""
    word, other = ("won", "lost") if won else ("lost", "won")
    every = (
        f"the one decided opportunity was {word}"
        if decided == 1
        else f"every one of the {decided:,} decided opportunities was {word}"
    )
    return (
        f"{every}, none {other}: the history cannot test the tiers (a tier's win rate is "
        f"{'100' if won else '0'}% whatever it is). An export filtered to {word} deals is "
        f"the usual cause: export every closed opportunity, won and lost"
    )


def _reading_notes(c: Counts) -> list[str]:
    """What the report says about how the history was read: nothing decided, stages the
    mapping does not know, rows without a date, repeated ids, how the file was read (a
    report footer, misaligned records: `icp score`'s notes), the decimal convention,
    amounts and dates that do not read, dates after a row's own."""
    notes: list[str] = []
    if c.overall.decided == 0:
        notes.append(NOTHING_DECIDED)
    elif c.overall.won in (0, c.overall.decided):
        notes.append(one_outcome_note(c.overall.won, c.overall.decided))
    if c.unknown_stages:
        listed = ", ".join(f"{s!r} ({n:,})" for s, n in c.unknown_stages.items())
        notes.append(f"stages the mapping does not know, counted as undecided: {listed}")
    if c.rows_without_outcome:
        rows = (
            "1 row has" if c.rows_without_outcome == 1 else f"{c.rows_without_outcome:,} rows have"
        )
        notes.append(
            f"{rows} no outcome in {c.roles.get('outcome') or c.roles.get('is_won')} (empty or "
            "a placeholder such as n/a): counted as undecided, never as lost"
        )
    if c.rows_without_date:
        rows = "1 row has" if c.rows_without_date == 1 else f"{c.rows_without_date:,} rows have"
        notes.append(
            f"{rows} no date: time-relative rules are unknown for them; the rules that need "
            "no date are evaluated for them as for any other row"
        )
    if c.distinct_ids and c.distinct_ids < c.rows:
        notes.append(
            f"{c.rows:,} rows hold {c.distinct_ids:,} distinct account ids: each row is "
            "counted as one account's opportunity (an opportunity report); the counts are of "
            "rows"
        )
    notes += c.reading
    if c.convention:
        notes.append(c.convention)
    if c.unreadable_values:
        rows = "1 value" if c.unreadable_values == 1 else f"{c.unreadable_values:,} values"
        notes.append(
            f"{rows} of {c.roles['value']} could not be read as an amount (unknown: left out "
            "of the medians); amounts are read as icp score reads numbers, in the file's "
            "decimal convention"
        )
    bad_dates, example = c.unreadable_dates
    if bad_dates:
        rows = "1 row has" if bad_dates == 1 else f"{bad_dates:,} rows have"
        notes.append(
            f"{rows} a date in {c.roles['as_of']} that does not read, such as {example!r}: "
            "time-relative rules are unknown for them; expected ISO dates (2025-03-14), a "
            "date and time, or epoch milliseconds (3/14/2025 reads two ways: month or day "
            "first)"
        )
    if c.future_values:
        rows = "1 row has" if c.future_values == 1 else f"{c.future_values:,} rows have"
        notes.append(
            f"{rows} a date field after the row's own date "
            "(read as unknown: it cannot explain the outcome)"
        )
    return notes


def _tiers(handbook: Handbook, c: Counts, base: float | None) -> list[TierRow]:
    rows: list[TierRow] = []
    for icp in handbook.active_icps:
        for tier in TIER_ORDER:
            t = c.groups.get(("scored", icp.id, tier), Tally())
            rows.append(TierRow(icp.id, tier, cell(t, base)))
    for tier in TIER_ORDER:
        rows.append(TierRow("", tier, cell(c.pooled.get(tier, Tally()), base)))
    fixed = ("no ICP fits", "disqualified", "insufficient")
    # then each status gate that stopped accounts (not scored: `not_found`), by its id
    for name in (*fixed, *sorted(set(c.others) - set(fixed))):
        rows.append(TierRow("", name, cell(c.others.get(name, Tally()), base)))
    return rows


def _verdict(met: Tally, unmet: Tally, p: float | None, min_decided: int) -> str:
    if met.decided < min_decided or unmet.decided < min_decided or p is None:
        return "too-few"
    if p >= stats.ALPHA:
        return "no-difference"
    return "helps" if met.won / met.decided > unmet.won / unmet.decided else "hurts"


def _rules(handbook: Handbook, c: Counts, base: float | None, policy: Policy) -> list[RuleRow]:
    median = c.overall.median_value
    rows: list[RuleRow] = []
    lor: dict[int, float] = {}
    for k in range(len(c.rules)):
        states = c.rule_states.get(k, {})
        met, unmet = states.get("met", Tally()), states.get("unmet", Tally())
        if met.decided and unmet.decided:
            lor[k] = stats.log_odds_ratio(met.won, met.decided, unmet.won, unmet.decided)
    scale: dict[str, float] = {}
    for icp in handbook.active_icps:
        ks = [
            k
            for k, ref in enumerate(c.rules)
            if ref.owner == icp.id and ref.rule.kind == "criterion"
        ]
        top = max((lor[k] for k in ks if k in lor), default=0.0)
        most = max((ref.rule.points for ref in c.rules if ref.owner == icp.id), default=0)
        scale[icp.id] = most / top if top > 0 else 0.0
    raw: dict[int, float] = {}
    for k in range(len(c.rules)):
        states = c.rule_states.get(k, {})
        met, unmet = states.get("met", Tally()), states.get("unmet", Tally())
        p = stats.p_value(met.won, met.decided, unmet.won, unmet.decided)
        if p is not None:
            raw[k] = p
    adjusted = dict(zip(raw, stats.adjust(list(raw.values())), strict=True))
    for k, ref in enumerate(c.rules):
        states = c.rule_states.get(k, {})
        met, unmet, unknown = (states.get(s, Tally()) for s in ("met", "unmet", "unknown"))
        p = adjusted.get(k)
        verdict = _verdict(met, unmet, p, policy.min_decided)
        suggested = None
        if ref.rule.kind == "criterion" and k in lor:
            suggested = round(lor[k] * scale[ref.owner])
        rows.append(
            RuleRow(
                owner=ref.owner,
                owner_kind=ref.owner_kind,
                rule=ref.rule.id,
                kind=ref.rule.kind,
                label=ref.rule.label,
                points=ref.rule.points,
                met=cell(met, base),
                unmet=cell(unmet, base),
                unknown=cell(unknown, base),
                p_value=p,
                verdict=verdict,
                suggested_points=suggested,
                log_odds=lor.get(k),
                flag=_flag(ref, verdict, met, median),
            )
        )
    return rows


def _flag(ref: RuleRef, verdict: str, met: Tally, median: float | None) -> str:
    kind = ref.rule.kind
    if kind == "criterion":
        if verdict == "no-difference":
            return "met and unmet win rates cannot be told apart"
        if verdict == "hurts":
            return "accounts that meet it win less often"
    elif kind == "disqualifier":
        times = (
            met.median_value / median
            if met.median_value is not None and median and met.won > 0
            else None
        )
        worth = times is not None and times >= 2
        if verdict == "helps" or (worth and verdict != "hurts"):
            parts = []
            if verdict == "helps":
                parts.append("the accounts it excludes win more often than the rest")
            if worth:
                parts.append(f"it threw away customers worth {times:.1f}× the median")
            return "; ".join(parts)
    elif kind == "warning":
        if verdict == "helps":
            return "accounts it takes points from win more often"
    elif kind == "requirement" and verdict == "hurts":
        return "accounts that fail it win more often"
    return ""


def _thresholds(
    handbook: Handbook, c: Counts, base: float | None, policy: Policy
) -> tuple[list[Band], list[Boundary]]:
    bands: list[Band] = []
    boundaries: list[Boundary] = []
    for icp in handbook.active_icps:
        scores = c.scores.get(icp.id, {})
        by_band = c.bands.get(icp.id, {})
        for low in sorted(by_band):
            bands.append(Band(icp.id, low, low + BAND_WIDTH - 1, cell(by_band[low], base)))
        current = {"A": icp.tiers.A, "B": icp.tiers.B, "C": icp.tiers.C}
        best: tuple[float, int, Rate, Rate] | None = None
        total_won = sum(t.won for t in scores.values())
        total_dec = sum(t.decided for t in scores.values())
        for cut in sorted({s for s in scores if s > min(scores, default=0)}):
            won = sum(t.won for s, t in scores.items() if s >= cut)
            dec = sum(t.decided for s, t in scores.items() if s >= cut)
            if dec < policy.min_decided or total_dec - dec < policy.min_decided:
                continue
            p = stats.p_value(won, dec, total_won - won, total_dec - dec)
            if p is None or (won / dec) <= (total_won - won) / (total_dec - dec):
                continue
            if best is None or p < best[0]:
                best = (p, cut, Rate.of(won, dec), Rate.of(total_won - won, total_dec - dec))
        boundaries.append(
            Boundary(
                icp.id,
                current,
                best[1] if best else None,
                best[2] if best else None,
                best[3] if best else None,
            )
        )
    return bands, boundaries


def _profile_reasons(
    profile: str, refs: list[RuleRef], states: dict[int, bool | None]
) -> list[str]:
    """The best profile's unknown requirements and its criteria: points given or unknown."""
    out: list[str] = []
    for k, ref in enumerate(refs):
        if ref.owner != profile or states[k] is False:
            continue
        label = ref.rule.label
        if ref.rule.kind == "requirement" and states[k] is None:
            out.append(f"unknown: {label}")
        elif ref.rule.kind == "criterion":
            out.append(
                f"+{ref.rule.points} {label}" if states[k] else f"unknown (no points): {label}"
            )
    return out


def _misfit_reasons(
    handbook: Handbook, refs: list[RuleRef], states: dict[int, bool | None]
) -> list[str]:
    """For an account no ICP fits: the first requirements each ICP failed."""
    out: list[str] = []
    for icp in handbook.active_icps:
        failed = [
            ref.rule.label
            for k, ref in enumerate(refs)
            if ref.owner == icp.id and ref.rule.kind == "requirement" and states[k] is False
        ]
        if failed:
            out.append(f"not {icp.id}: {'; '.join(failed[:2])}")
    return out


def _miss(handbook: Handbook, refs: list[RuleRef], row: dict[str, Any]) -> Miss:
    """A misjudged account with its verdict's reasons: disqualifiers, the best profile's
    points and unknowns (or why no ICP fits), and warning signs."""
    states: dict[int, bool | None] = row["rules"]
    profile = row["best_profile"] or ""
    reasons = [
        f"disqualified by {ref.owner}: {ref.rule.label}"
        for k, ref in enumerate(refs)
        if ref.rule.kind == "disqualifier" and states[k]
    ]
    if profile:
        reasons += _profile_reasons(profile, refs, states)
    else:
        reasons += _misfit_reasons(handbook, refs, states)
    reasons += [
        f"{ref.rule.points} {ref.rule.label} ({ref.owner})"
        for k, ref in enumerate(refs)
        if ref.rule.kind == "warning" and states[k]
    ]
    return Miss(
        row["id"],
        profile,
        row["tier"],
        row["score"],
        row["value"],
        row["outcome"],
        row["churned"],
        tuple(reasons),
    )


#: where a configured history's name came from
FROM_ENV = "$ICP_HISTORY"
FROM_POLICY = "evidence.history in the tier policy"


def configured_history(
    handbook: Handbook, root: Path | None = None, *, from_env: str | None = None
) -> tuple[Path | None, str]:
    """The history configured for the handbook and where its name came from: `from_env`
    ($ICP_HISTORY, which the command line or the mkdocs hook reads and passes), else the
    tier policy's `evidence.history`, relative to `root` (default: the handbook's folder);
    (None, '') when neither names one. The file may not exist. Raises nothing."""
    given, origin = (from_env, FROM_ENV) if from_env else (policy_of(handbook).history, FROM_POLICY)
    if not given:
        return None, ""
    path = Path(given)
    return (path if path.is_absolute() else Path(root or handbook.root) / path), origin


def history_path(handbook: Handbook, from_env: str | None = None) -> Path | None:
    """The history configured for the handbook: `from_env` ($ICP_HISTORY), else the tier
    policy's `evidence.history` (relative to the repository); None when neither names one."""
    return configured_history(handbook, from_env=from_env)[0]


def default_options(handbook: Handbook, path: Path, today: dt.date) -> BacktestOptions:
    """Options for the configured history (the handbook and `icp diff` use these)."""
    policy = policy_of(handbook)
    return BacktestOptions(input=path, as_of=today, as_of_column=policy.as_of_column)
