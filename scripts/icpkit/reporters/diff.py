"""A handbook diff as Markdown (a PR comment, a job summary) or as the JSON envelope."""

from __future__ import annotations

from ..diff import DiffReport, Outcome
from ..site.mdtext import inline
from . import envelope


def _short(rev: str) -> str:
    return rev[:10] if len(rev) == 40 else rev


def markdown(report: DiffReport, *, limit: int = 50) -> str:
    """Every piece of profile text is escaped for Markdown (it may come from any PR)."""
    base, head = _short(report.base), _short(report.head)
    lines = [f"### ICP handbook: {inline(base)} → {inline(head)}", ""]
    if report.regressions:
        lines += [
            f"**❌ {len(report.regressions)} rule test regression(s)**: a fixture "
            "expectation that held before fails now.",
            "",
            "| Fixture | Expectation | Expected | Before | Now |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in report.regressions:
            lines.append(
                f"| {inline(r.fixture)} ({inline(r.path)}:{r.line}) | "
                f"{inline(r.expectation)} | {inline(r.expected)} | {inline(r.before)} "
                f"| {inline(r.after)} |"
            )
        lines.append("")
    else:
        lines += ["✅ No rule test regression.", ""]
    if report.rule_changes:
        lines += ["**Rule changes**", ""]
        lines += [f"- {inline(c.text)}" for c in report.rule_changes]
        lines.append("")
    else:
        lines += ["No rule changed.", ""]
    if report.moves:
        lines += [
            f"**{len(report.moves)} of {report.compared} companies moved**",
            "",
            "| Company | Before | After | Because |",
            "| --- | --- | --- | --- |",
        ]
        for m in report.moves[:limit]:
            lines.append(
                f"| {inline(m.company)} | {inline(m.before.words())} | "
                f"{inline(m.after.words())} | {inline('; '.join(m.reasons))} |"
            )
        if len(report.moves) > limit:
            lines.append(f"| … and {len(report.moves) - limit} more | | | |")
    else:
        lines.append(f"No company moved ({report.compared} compared).")
    lines += ["", f"<sub>as of {report.as_of.isoformat()}</sub>"]
    return "\n".join(lines)


def json_text(report: DiffReport) -> str:
    def outcome(o: Outcome) -> dict[str, object]:
        return {
            "best_profile": o.best_profile,
            "tier": o.tier,
            "score": o.score,
            "disqualified_by": list(o.disqualified_by),
        }

    return envelope(
        "diff",
        report.ok,
        base=report.base,
        head=report.head,
        as_of=report.as_of.isoformat(),
        compared=report.compared,
        regressions=[
            {
                "fixture": r.fixture,
                "path": r.path,
                "line": r.line,
                "expectation": r.expectation,
                "expected": r.expected,
                "before": r.before,
                "after": r.after,
            }
            for r in report.regressions
        ],
        rule_changes=[
            {"profile": c.owner, "rule": c.rule, "change": c.text} for c in report.rule_changes
        ],
        moves=[
            {
                "company": m.company,
                "source": m.source,
                "before": outcome(m.before),
                "after": outcome(m.after),
                "because": list(m.reasons),
            }
            for m in report.moves
        ],
    )
