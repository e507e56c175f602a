"""A verdict as text a sales rep reads, or as the JSON envelope."""

from __future__ import annotations

from ..engine.explain import best_case_sentence, rule_sentence, summary, verdict_data
from ..engine.model import Handbook
from ..engine.verdict import RuleResult, Verdict
from . import envelope

MARK = {"met": "✔", "unmet": "✘", "unknown": "?"}


def _row(handbook: Handbook, tag: str, r: RuleResult) -> str:
    return f"  {MARK[r.status]} {tag:<9} {r.rule.label}\n      {rule_sentence(handbook, r)}"


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
    lines.append(
        f"as of {verdict.as_of.isoformat()}"
        + (f"; unknown: {', '.join(verdict.unknown_fields)}" if verdict.unknown_fields else "")
    )
    for neg in verdict.negatives:
        fired = neg.fired
        if fired:
            lines.append("")
            lines.append(f"Negative portrait '{neg.negative}' ({neg.title})")
            for r in fired:
                tag = "DISQUALIFY" if r.rule.kind == "disqualifier" else "warning"
                lines.append(_row(handbook, tag, r))
    for p in verdict.profiles:
        if not all_profiles and p.icp != verdict.best_profile:
            continue
        state = (
            f"tier {p.tier}"
            + (f" (capped from {p.score_tier})" if p.capped and p.tier != p.score_tier else "")
            if p.eligible
            else "not eligible"
        )
        best = "  ← best fit" if p.icp == verdict.best_profile else ""
        lines.append("")
        lines.append(f"ICP '{p.icp}': {p.score} points, {state}{best}")
        for r in p.requirements:
            lines.append(_row(handbook, "required", r))
        for r in p.criteria:
            lines.append(_row(handbook, f"{r.rule.points:+d} pts", r))
        for r in p.warnings:
            lines.append(_row(handbook, f"{r.rule.points:+d} pts", r))
    return "\n".join(lines)


def json_text(handbook: Handbook, verdict: Verdict, *, name: str | None = None) -> str:
    return envelope("explain", True, company=name, verdict=verdict_data(handbook, verdict))
