"""The claims a tier policy makes about its tiers, checked against the back-test.

Configured under `evidence:` in rules/tier-policy.yaml (all keys optional):

    evidence:
      history: tests/examples/history.parquet   # or $ICP_HISTORY
      as_of_column: Create Date                 # default: found by name
      min_decided: 30        # decided opportunities a tier needs before any claim
      a_over_c: 1.5          # A's win rate at least this many times C's
      tiers_in_order: true   # win rates fall from A to D

Each check is run for every ICP and for all ICPs together, and ends `passed`,
`contradicted` (the evidence says otherwise) or `too-few` (fewer decided
opportunities than `min_decided`: nothing can be said, which is not a failure).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine.model import Handbook


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
    #: passed | contradicted | too-few
    status: str
    #: the claim and what the history says, in words
    detail: str


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


#: (decided opportunities, win rate or None) of a profile's tier ('' for all profiles): the
#: back-test's counts (`report.Evidence.tier_counts`)
TierCounts = Callable[[str, str], tuple[int, float | None]]


def run_checks(counts: TierCounts, policy: Policy, profiles: list[str]) -> list[CheckResult]:
    """Every configured check, for each profile and for all together ('')."""
    out: list[CheckResult] = []
    for profile in [*profiles, ""]:
        rows = {t: counts(profile, t) for t in "ABCD"}
        decided = {t: n for t, (n, _) in rows.items()}
        rate = {t: r for t, (_, r) in rows.items()}
        if policy.a_over_c is not None:
            claim = f"A's win rate at least {policy.a_over_c:g}× C's"
            if min(decided["A"], decided["C"]) < policy.min_decided:
                status = "too-few"
                detail = (
                    f"{claim}: too few decided opportunities to say (A {decided['A']}, "
                    f"C {decided['C']}; {policy.min_decided} needed)"
                )
            else:
                a, c = rate["A"] or 0.0, rate["C"] or 0.0
                ratio = a / c if c else float("inf")
                status = "passed" if ratio >= policy.a_over_c else "contradicted"
                detail = f"{claim}: A {_pct(a)}, C {_pct(c)}, {ratio:.2f}×"
            out.append(CheckResult("a-over-c", profile, status, detail))
        if policy.tiers_in_order:
            claim = "win rates fall from A to D"
            enough = [t for t in "ABCD" if decided[t] >= policy.min_decided]
            if len(enough) < 2:
                out.append(
                    CheckResult(
                        "tiers-in-order",
                        profile,
                        "too-few",
                        f"{claim}: fewer than two tiers with {policy.min_decided} decided "
                        "opportunities",
                    )
                )
                continue
            pairs = list(itertools.pairwise(enough))
            wrong = [(h, lo) for h, lo in pairs if (rate[h] or 0.0) < (rate[lo] or 0.0)]
            shown = ", ".join(f"{t} {_pct(rate[t])}" for t in enough)
            skipped = [t for t in "ABCD" if t not in enough]
            note = f" ({', '.join(skipped)}: too few to say)" if skipped else ""
            if wrong:
                detail = f"{claim}: {shown}; " + ", ".join(
                    f"{h} wins less often than {lo}" for h, lo in wrong
                )
                out.append(CheckResult("tiers-in-order", profile, "contradicted", detail + note))
            else:
                out.append(
                    CheckResult("tiers-in-order", profile, "passed", f"{claim}: {shown}{note}")
                )
    return out
