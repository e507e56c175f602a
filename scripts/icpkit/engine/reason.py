"""One line a sales rep reads for a verdict: the `reason` column of scores sent to a CRM.

    A for western-software-teams: 100 pts; Growing 20% a year or more, Runs on AWS or Azure
    B for na-saas-scaleups: 85 pts; Raised Series B or C; capped, not known: Country
    A for uk-eu-docs: 80 pts; ...; at risk: Enterprise tenders (Over 1,000 employees)
    disqualified: Public sector and education (Public body or school)
    D: no profile fits

The SQL rendering (`icpkit.sql.ir`) builds the same text in the warehouse; the
parity tests compare the two.

- Disqualified: the first disqualifying negative portrait (in priority order)
  by title, and the label of its first disqualifier that holds.
- Stopped by a status gate (no tier): "not scored: <status>".
- Insufficient data (no tier): "insufficient data: no <label>, no <label>", the fields
  that the hard requirements of the profiles still in play read and found unknown, in
  vocabulary order.
- No eligible profile: "D: no profile fits (closest: <icp>, unmet: <label>)": the profile
  with the fewest unmet hard requirements (the first on a tie) and its first unmet one.
- Otherwise: the tier and best profile with its score; then the labels of the
  criteria it met, in handbook order; then, when a hard requirement could not be
  checked, the fields those requirements read that are unknown, as "capped, not known:
  <label>, <label>" when the tier policy's cap lowered the tier, else "not known: <label>"
  (a D or a C under a cap of B was never capped; not the insufficient_data status, which
  gives no tier at all). Last, for a tier above D, each disqualifier that is unknown (it
  does not disqualify, but the tier rests on it: `risk.risks`) as "at risk: <portrait
  title> (<disqualifier label>)", in handbook order.

Every title and label is written on one line (`textsafety.flat`): a YAML block scalar's
line break would split the CSV row a rep reads.
"""

from __future__ import annotations

from ..textsafety import flat
from .model import Handbook, Icp, Rule, condition_fields
from .risk import risks
from .verdict import INSUFFICIENT_DATA, ProfileVerdict, RuleResult, Verdict


def missing_fields(handbook: Handbook, profile: ProfileVerdict) -> list[str]:
    """Field names read by the profile's hard requirements whose value is unknown, in order."""
    unknown = {leaf.field for r in profile.requirements for leaf in r.leaves if leaf.value is None}
    out: list[str] = []
    for r in profile.requirements:
        for name in condition_fields(r.rule.when):
            if name in unknown and name not in out:
                out.append(name)
    return out


def closest_miss(verdict: Verdict) -> str:
    """' (closest: <icp>, unmet: <label>)': of the profiles with an unmet requirement, the
    one with the fewest (the first in handbook order on a tie), and its first unmet
    requirement; '' when none has one (every profile stopped by a gate)."""
    missed = [(len(p.unmet), k) for k, p in enumerate(verdict.profiles) if p.unmet]
    if not missed:
        return ""
    p = verdict.profiles[min(missed)[1]]
    return f" (closest: {p.icp}, unmet: {flat(p.unmet[0].rule.label)})"


def cap_lowered(profile: ProfileVerdict) -> bool:
    """The tier policy's unknown_cap lowered the profile's tier (its score alone gives a
    better one): only then does a reason say 'capped'."""
    return profile.capped and profile.score_tier != profile.tier


def cap_threshold(icp: Icp, cap: str) -> int | None:
    """The least score the cap `cap` lowers (the threshold of the tier above it), or None
    when it lowers none (a cap of A)."""
    above = {"B": icp.tiers.A, "C": icp.tiers.B, "D": icp.tiers.C}
    return above.get(cap)


def earlier_tiers(icp: Icp) -> dict[str, tuple[str, ...]]:
    """Criterion id -> the ids of the tiers above it in its first-match group (it counts
    only when none of them is met); criteria outside such groups are not keys."""
    out: dict[str, tuple[str, ...]] = {}
    for group in icp.groups:
        if group.first_match:
            tiers = [r.id for r in group.items if isinstance(r, Rule)]
            for k, rid in enumerate(tiers):
                out[rid] = tuple(tiers[:k])
    return out


def _shadowed(result: RuleResult) -> bool:
    """A criterion met that earned nothing though it gives points: an earlier tier of its
    first-match group was met (`evaluate._shadowed`)."""
    return result.points == 0 and result.rule.points != 0


def reason(handbook: Handbook, verdict: Verdict) -> str:
    """The one-line reason for a verdict (see the module docstring)."""
    for neg in verdict.negatives:
        fired = [r for r in neg.disqualifiers if r.result is True]
        if fired:
            return f"disqualified: {flat(neg.title)} ({flat(fired[0].rule.label)})"
    if verdict.tier is None and verdict.status == INSUFFICIENT_DATA:
        gate = next((g for g in verdict.gates if g.result is True), None)
        if gate is not None:  # the tier policy's gate of that status: the fields it missed
            unknown = {leaf.field for leaf in gate.leaves if leaf.value is None}
        else:
            unknown = {
                f for p in verdict.profiles if p.eligible for f in missing_fields(handbook, p)
            }
        named = [
            f"no {flat(handbook.fields[f].label)}" for f in handbook.read_fields if f in unknown
        ]
        return "insufficient data" + (": " + ", ".join(named) if named else "")
    if verdict.tier is None:
        return f"not scored: {verdict.status}"
    best = verdict.best
    if best is None:
        return "D: no profile fits" + closest_miss(verdict)
    parts = [f"{verdict.tier} for {best.icp}: {best.score} pts"]
    # a tier met after the first one met in its first-match group counts nothing: not named
    met = [flat(r.rule.label) for r in best.criteria if r.result is True and not _shadowed(r)]
    if met:
        parts.append(", ".join(met))
    if best.capped:
        missing = [flat(handbook.fields[f].label) for f in missing_fields(handbook, best)]
        if missing:
            # 'capped' only when the cap lowered the tier: a D or a C was never capped
            said = "capped, not known: " if cap_lowered(best) else "not known: "
            parts.append(said + ", ".join(missing))
    # an unknown disqualifier does not disqualify, but the tier rests on it (`risk.risks`)
    risky = [
        f"{flat(r.title)} ({flat(r.result.rule.label)})"
        for r in risks(handbook, verdict)
        if r.disqualifies
    ]
    if risky:
        parts.append("at risk: " + ", ".join(risky))
    return "; ".join(parts)
