"""The claims a tier policy makes about its tiers, checked against the back-test.

Configured under `evidence:` in rules/tier-policy.yaml (all keys optional):

    evidence:
      history: tests/examples/history.parquet   # or $ICP_HISTORY
      as_of_column: Create Date                 # default: found by name
      min_decided: 30        # decided opportunities a tier needs before any claim
      a_over_c: 1.5          # A's win rate at least this many times C's
      tiers_in_order: true   # win rates fall from A to D

Each check is run for every ICP and for all ICPs together, and ends `passed`,
`contradicted` (the evidence says otherwise) or `too-few` (nothing can be said, which is
not a failure): fewer decided opportunities than `min_decided`, or rates that go against
the claim by less than chance could explain. A history whose decided opportunities were all
won (or all lost), almost always an export filtered to one outcome, cannot test any tier:
every check is `untestable` (neither passed nor contradicted; `icp backtest --check` fails,
as nothing was shown). Contradicted is said only when the history shows it at the 5% level:

- tiers in order: a higher tier wins less often than a lower one (any lower one, not only
  the next: rates creeping up by a little from tier to tier add up) with enough data, and
  Fisher's exact test tells the two apart (`stats.p_value`), its p-value adjusted for every
  pair of tiers compared (Benjamini-Hochberg, `stats.adjust`: with four tiers, six pairs
  at 5% each would find a chance reversal far more often than 5% of the time). It passes
  only when no tier wins less often than a lower one and the highest tier with enough data
  wins more often than the lowest by more than chance could explain (Fisher, 5%): tiers
  that all win alike (every opportunity won, or every tier at 50%) show no fall and are
  too few to say;
- A over C: even the most favourable reading of both 95% intervals (A's upper end over C's
  lower end) falls short of the ratio. Each end is passed with 2.5% chance, so a claim
  that holds is called contradicted at most 5% of the time.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine.model import Handbook
from . import stats


@dataclass(frozen=True)
class Policy:
    """The tier policy's `evidence:` settings."""

    history: str | None = None
    as_of_column: str | None = None
    min_decided: int = 30
    a_over_c: float | None = 1.5
    tiers_in_order: bool = True


def policy_of(handbook: Handbook) -> Policy:
    docs = handbook.documents.get("tier_policy") or [{}]
    raw: dict[str, Any] = dict(docs[0].get("evidence") or {})
    return Policy(
        history=raw.get("history"),
        as_of_column=raw.get("as_of_column"),
        min_decided=int(raw.get("min_decided", 30)),
        a_over_c=None if raw.get("a_over_c", 1.5) is None else float(raw.get("a_over_c", 1.5)),
        tiers_in_order=bool(raw.get("tiers_in_order", True)),
    )


@dataclass(frozen=True)
class CheckResult:
    id: str
    #: an ICP id, or '' for all ICPs together
    profile: str
    #: passed | contradicted | too-few | untestable (the history has one outcome only)
    status: str
    #: the claim and what the history says, in words
    detail: str


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _times(ratio: float) -> str:
    """A ratio of win rates in words: '2.50×', or 'no ratio (C won none)' (never 'inf×')."""
    return f"{ratio:.2f}×" if math.isfinite(ratio) else "no ratio (C won none)"


#: (won, decided) opportunities of a profile's tier ('' for all profiles): the back-test's
#: counts (`report.Evidence.tier_counts`)
TierCounts = Callable[[str, str], tuple[int, int]]


def _a_over_c(claim: str, a: tuple[int, int], c: tuple[int, int], ratio: float) -> tuple[str, str]:
    """(status, detail) of 'A's win rate at least `ratio` times C's', both with enough data."""
    ra, rc = a[0] / a[1], c[0] / c[1]
    seen = ra / rc if rc else math.inf
    detail = f"{claim}: A {_pct(ra)}, C {_pct(rc)}, {_times(seen)}"
    if seen >= ratio:
        # as many times as claimed, and A and C told apart: not two rates chance could give
        p = stats.p_value(*a, *c)
        if p is not None and p < stats.ALPHA:
            return "passed", detail
        return "too-few", (
            f"{detail}, but A's and C's win rates could be one rate by chance (p = {p:.2g}): "
            "too few to say"
        )
    a_ci, c_ci = stats.interval(*a), stats.interval(*c)
    a_high, c_low = (a_ci or (ra, ra))[1], (c_ci or (rc, rc))[0]
    best = a_high / c_low if c_low else math.inf
    if best >= ratio:
        return "too-few", (
            f"{detail}: below {ratio:g}×, but too few to say: the 95% intervals allow "
            f"{_times(best) if c_low else 'any ratio'} (A up to {_pct(a_high)}, C down to "
            f"{_pct(c_low)})"
        )
    return "contradicted", (
        f"{detail}: even A's highest {_pct(a_high)} over C's lowest {_pct(c_low)} in their "
        f"95% intervals is {_times(best)}"
    )


def _in_order(claim: str, counts: dict[str, tuple[int, int]], enough: list[str]) -> tuple[str, str]:
    """(status, detail) of 'win rates fall from A to D' over the tiers with enough data: a
    tier winning less often than any lower tier (not only the next) is contradicted only
    when Fisher's exact test tells the two apart; otherwise it is too few to say."""
    # every tier here has decided opportunities (min_decided is at least 1)
    rate = {t: counts[t][0] / counts[t][1] for t in enough}
    shown = ", ".join(f"{t} {_pct(rate[t])}" for t in enough)
    skipped = [t for t in "ABCD" if t not in enough]
    note = f" ({', '.join(skipped)}: too few to say)" if skipped else ""
    shown_apart: list[str] = []
    unclear: list[str] = []
    pairs = list(itertools.combinations(enough, 2))
    reversed_ = {
        (h, lo): stats.p_value(*counts[h], *counts[lo]) for h, lo in pairs if rate[h] < rate[lo]
    }
    # the pairs are one family of comparisons: a reversal among six pairs at the 5% level
    # each would be found by chance far more often than 5% of the time, so the p-values
    # are adjusted for every pair compared (Benjamini-Hochberg, `stats.adjust`)
    tested = [(pair, p) for pair, p in reversed_.items() if p is not None]
    family = [p for _, p in tested] + [1.0] * (len(pairs) - len(tested))
    adjusted = dict(zip([pair for pair, _ in tested], stats.adjust(family), strict=False))
    for h, lo in reversed_:
        q = adjusted.get((h, lo))
        said = f"{h} wins less often than {lo} (p = {'n/a' if q is None else f'{q:.2g}'})"
        (shown_apart if q is not None and q < stats.ALPHA else unclear).append(said)
    many = f", adjusted for {len(pairs)} comparisons" if len(pairs) > 1 else ""
    if shown_apart:
        return "contradicted", f"{claim}: {shown}; " + ", ".join(shown_apart) + many + note
    if unclear:
        return "too-few", (
            f"{claim}: {shown}; " + ", ".join(unclear) + ", but the difference could be "
            f"chance: too few to say{note}"
        )
    # no tier wins less than a lower one; the rates fall only if the ends can be told apart
    top, bottom = enough[0], enough[-1]
    p = stats.p_value(*counts[top], *counts[bottom])
    if rate[top] <= rate[bottom] or p is None or p >= stats.ALPHA:
        said = "n/a" if p is None else f"{p:.2g}"
        return "too-few", (
            f"{claim}: {shown}; {top} does not win more often than {bottom} by more than "
            f"chance could explain (p = {said}): too few to say{note}"
        )
    return "passed", f"{claim}: {shown}{note}"


def run_checks(
    counts: TierCounts, policy: Policy, profiles: list[str], untestable: str | None = None
) -> list[CheckResult]:
    """Every configured check, for each profile and for all together (''). `untestable`:
    why the history cannot test the tiers (every decided opportunity has one outcome); each
    check is then `untestable`, saying so."""
    out: list[CheckResult] = []
    for profile in [*profiles, ""]:
        rows = {t: counts(profile, t) for t in "ABCD"}
        decided = {t: n for t, (_, n) in rows.items()}
        if policy.a_over_c is not None:
            claim = f"A's win rate at least {policy.a_over_c:g}× C's"
            if untestable is not None:
                status, detail = "untestable", f"{claim}: {untestable}"
            elif min(decided["A"], decided["C"]) < policy.min_decided:
                status = "too-few"
                detail = (
                    f"{claim}: too few decided opportunities to say (A {decided['A']}, "
                    f"C {decided['C']}; {policy.min_decided} needed)"
                )
            else:
                status, detail = _a_over_c(claim, rows["A"], rows["C"], policy.a_over_c)
            out.append(CheckResult("a-over-c", profile, status, detail))
        if policy.tiers_in_order:
            claim = "win rates fall from A to D"
            enough = [t for t in "ABCD" if decided[t] >= policy.min_decided]
            if untestable is not None:
                status, detail = "untestable", f"{claim}: {untestable}"
            elif len(enough) < 2:
                status, detail = (
                    "too-few",
                    (
                        f"{claim}: fewer than two tiers with {policy.min_decided} decided "
                        "opportunities"
                    ),
                )
            else:
                status, detail = _in_order(claim, rows, enough)
            out.append(CheckResult("tiers-in-order", profile, status, detail))
    return out
