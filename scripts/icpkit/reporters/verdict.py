"""A verdict as text a sales rep reads, or as the JSON envelope."""

from __future__ import annotations

from typing import Any

from ..engine.explain import (
    best_case_sentence,
    risk_sentence,
    rule_sentence,
    summary,
    undecided_gates,
    undecided_profile_gates,
    unknown_reads,
    verdict_data,
)
from ..engine.model import Group, Handbook, Icp, Rule
from ..engine.risk import risks
from ..engine.verdict import SCORED, ProfileVerdict, RuleResult, Verdict
from ..textsafety import one_line
from . import envelope

MARK = {"met": "✔", "unmet": "✘", "unknown": "?"}


def _row(handbook: Handbook, tag: str, r: RuleResult) -> str:
    return (
        f"  {MARK[r.status]} {tag:<9} {one_line(r.rule.label)}\n      {rule_sentence(handbook, r)}"
    )


def _pending_tiers(icp: Icp, results: dict[str, RuleResult]) -> dict[str, list[Rule]]:
    """For the criterion counted in a first-match group, the unknown tiers above it worth
    fewer points: the points counted are not sure while they are unknown (validate warns
    of such an order, `first-match-order`)."""
    out: dict[str, list[Rule]] = {}
    for group in icp.groups:
        if not group.first_match:
            continue
        tiers = [r for r in group.items if isinstance(r, Rule)]
        counted = next((r for r in tiers if results[r.id].result is True), None)
        if counted is None:
            continue
        above = tiers[: tiers.index(counted)]
        lower = [r for r in above if results[r.id].result is None and r.points < counted.points]
        if lower:
            out[counted.id] = lower
    return out


def _criteria(handbook: Handbook, p: ProfileVerdict, *, withheld: bool = False) -> list[str]:
    """The criteria of a profile, inside their groups with each group's subtotal (none
    when the profile's score is `withheld`: a status without a score)."""
    icp = handbook.icp(p.icp)
    results = {r.rule.id: r for r in p.criteria}
    if icp is None or not icp.scoring:
        return [_row(handbook, f"{r.rule.points:+d} pts", r) for r in p.criteria]
    subtotals = dict(p.groups)
    lines: list[str] = []
    pending = _pending_tiers(icp, results)

    def walk(item: Rule | Group, depth: int) -> None:
        pad = "  " * depth
        if isinstance(item, Rule):
            r = results[item.id]
            row = _row(handbook, f"{item.points:+d} pts", r)
            if r.result is True and r.points == 0:
                row += " (not counted: an earlier tier was met)"
            for upper in pending.get(item.id, ()):
                row += (
                    f" (counted while '{one_line(upper.label)}' above it is unknown: met, "
                    f"that tier would give {upper.points:+d} instead)"
                )
            lines.append("\n".join(pad + line for line in row.split("\n")))
            return
        raw = sum(results[r.id].points for r in item.rules)
        notes = ["first met counts" if item.first_match else ""]
        if item.cap is not None and raw > item.cap:
            notes.append(f"capped at {item.cap}")
        note = "; ".join(n for n in notes if n)
        subtotal = "no score" if withheld else f"{subtotals.get(item.id, 0)} points"
        lines.append(
            f"{pad}  {one_line(item.label)}: {subtotal}"
            + (f" ({note})" if note and not withheld else "")
        )
        for inner in item.items:
            walk(inner, depth + 1)

    for item in icp.items:
        walk(item, 0)
    return lines


def _status_lines(handbook: Handbook, verdict: Verdict) -> list[str]:
    """The status gate that stopped the company, the flags shown, and the gates left
    undecided by unknown values (`undecided_gates`)."""
    lines = []
    for gate in verdict.gates:
        if gate.result is True and verdict.status == gate.rule.id:
            lines += ["", f"Status '{verdict.status}': no score", _row(handbook, "gate", gate)]
    shown = [
        f"{r.rule.id} ({'unknown' if value is None else ('yes' if value else 'no')})"
        for r, value in verdict.flags
        if value is not None or verdict.status == SCORED
    ]
    if shown:
        lines.append("flags: " + ", ".join(shown))
    for gate in undecided_gates(verdict):
        lines += [
            "",
            f"Status gate '{gate.rule.id}' undecided: an unknown gate stops no company, so "
            f"its status is not given ({', '.join(unknown_reads(gate))} unknown)",
            _row(handbook, "gate", gate),
        ]
    return lines


def _profile_lines(handbook: Handbook, verdict: Verdict, p: ProfileVerdict) -> list[str]:
    """One profile: its state, its own gates (the one met, the undecided), requirements,
    criteria in their groups, and the warning signs that apply to it."""
    state = (
        f"{p.score} points, tier {p.tier}"
        + (f" (capped from {p.score_tier})" if p.capped and p.tier != p.score_tier else "")
        if verdict.shows_score(p)
        else f"no score (status {verdict.status})"
        if p.eligible
        else (f"not scored (status {p.status})" if p.status else f"{p.score} points, not eligible")
    )
    best = "  ← best fit" if p.icp == verdict.best_profile else ""
    lines = [f"ICP '{p.icp}': {state}{best}"]
    for gate in p.gates:
        if gate.result is True and gate.rule.id == p.status:
            lines.append(_row(handbook, "gate", gate))
    for gate in undecided_profile_gates(p):
        lines.append(
            f"  gate '{gate.rule.id}' undecided ({', '.join(unknown_reads(gate))} unknown): "
            "an unknown gate stops nothing"
        )
        lines.append(_row(handbook, "gate", gate))
    for r in p.requirements:
        lines.append(_row(handbook, "required", r))
    withheld = (p.eligible and not verdict.shows_score(p)) or bool(p.status)
    lines += _criteria(handbook, p, withheld=withheld)
    for r in p.warnings:
        lines.append(_row(handbook, f"{r.rule.points:+d} pts", r))
    return lines


def text(
    handbook: Handbook, verdict: Verdict, *, name: str | None = None, all_profiles: bool = True
) -> str:
    lines = []
    if name:
        lines.append(name)
    lines.append(summary(verdict, handbook))
    best_case = best_case_sentence(verdict)
    if best_case:
        lines.append(best_case)
    lines += [risk_sentence(handbook, r) for r in risks(handbook, verdict)]
    lines.append(
        f"as of {verdict.as_of.isoformat()}"
        + (f"; unknown: {', '.join(verdict.unknown_fields)}" if verdict.unknown_fields else "")
    )
    lines += _status_lines(handbook, verdict)
    for neg in verdict.negatives:
        fired = neg.fired
        if fired:
            lines.append("")
            lines.append(f"Negative portrait '{neg.negative}' ({one_line(neg.title)})")
            for r in fired:
                tag = "DISQUALIFY" if r.rule.kind == "disqualifier" else "warning"
                lines.append(_row(handbook, tag, r))
    for p in verdict.profiles:
        if all_profiles or p.icp == verdict.best_profile:
            lines += ["", *_profile_lines(handbook, verdict, p)]
    return "\n".join(lines)


def json_text(
    handbook: Handbook, verdict: Verdict, *, name: str | None = None, **reading: Any
) -> str:
    """The verdict as JSON; `reading` adds what was read about the input (its unreadable
    cells, its decimal convention)."""
    return envelope(
        "explain", True, company=name, verdict=verdict_data(handbook, verdict), **reading
    )
