"""A handbook diff as Markdown (a PR comment, a job summary), plain text, or the JSON envelope.

A pull-request comment over 65,536 characters is rejected by GitHub, and a job summary
over 1 MiB too: the Markdown is built to a character budget, regressions first, then rule
changes, then moved companies, each cut with "… and N more" and a link to the full report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..diff import DiffReport, Outcome
from ..textsafety import one_line
from ..wording import counted
from . import envelope, md

#: GitHub rejects a pull-request comment longer than this (characters)
COMMENT_LIMIT = 65_536
DEFAULT_BUDGET = 60_000


def _short(rev: str) -> str:
    return rev[:10] if len(rev) == 40 else rev


class _Budget:
    """Lines added while they fit in `limit` characters, keeping `reserve` for what follows."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines: list[str] = []
        self.size = 0

    def fits(self, line: str, reserve: int) -> bool:
        return self.size + len(line) + 1 + reserve <= self.limit

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.size += len(line) + 1

    def paragraph(self, line: str) -> None:
        """A line and the blank line that ends its paragraph."""
        self.add(line)
        self.add("")

    def rows(self, rows: Iterable[str], reserve: int, more: str) -> None:
        """Add `rows` while they fit; then one line `more` (with {n}: how many were left)."""
        rows = list(rows)
        for i, row in enumerate(rows):
            if not self.fits(row, reserve + len(more) + 20):
                self.add(more.format(n=len(rows) - i))
                return
            self.add(row)

    def table(self, header: Sequence[str], rows: Iterable[str], reserve: int, more: str) -> None:
        """A Markdown table with this `header`: its `rows` as `rows` adds them, `more` in the
        first cell of the last line."""
        self.add("| " + " | ".join(header) + " |")
        self.add("|" + " --- |" * len(header))
        self.rows(rows, reserve, "| " + more + " |" + " |" * (len(header) - 1))


def markdown(
    report: DiffReport, *, max_chars: int | None = DEFAULT_BUDGET, link: str | None = None
) -> str:
    """The report as GitHub Markdown in at most `max_chars` characters (None: no limit).

    Regressions come first, then rule changes, then moved companies; what does not fit is
    counted ("… and 12 more") and `link` (the job summary or artifact) named for the rest."""
    limit = max_chars or 10**12
    reserve = 600 + (len(link) if link else 0)  # the closing lines, always kept
    out = _Budget(limit)
    base, head = _short(report.base), _short(report.head)
    out.paragraph(f"### ICP handbook: {md(base)} → {md(head)}")
    where = f" (full report: {link})" if link else " (the full report is in the job summary)"
    if report.regressions:
        out.paragraph(
            f"**❌ {len(report.regressions)} rule test regression(s)**: a fixture "
            "expectation that held before fails now."
        )
        out.table(
            ("Fixture", "Expectation", "Expected", "Before", "Now"),
            (
                f"| {md(r.fixture)} ({md(r.path)}:{r.line}) | {md(r.expectation)} | "
                f"{md(r.expected)} | {md(r.before)} | {md(r.after)} |"
                for r in report.regressions
            ),
            reserve,
            "… and {n} more regressions" + md(where),
        )
    else:
        out.add("✅ No rule test regression.")
    out.add("")
    if report.rule_changes:
        out.paragraph("**Rule changes**")
        out.rows(
            (f"- {md(c.text)}" for c in report.rule_changes),
            reserve,
            "- … and {n} more rule changes" + md(where),
        )
    else:
        out.add("No rule changed.")
    out.add("")
    if report.moves:
        out.paragraph(
            f"**{len(report.moves)} of {counted(report.compared, 'company', 'companies')} moved**"
        )
        out.table(
            ("Company", "Before", "After", "Because"),
            (
                f"| {md(m.company)} | {md(m.before.words())} | {md(m.after.words())} | "
                f"{md('; '.join(m.reasons))} |"
                for m in report.moves
            ),
            reserve,
            "… and {n} more companies" + md(where),
        )
    else:
        out.add(f"No company moved ({report.compared} compared).")
    out.add("")
    footer = f"<sub>as of {report.as_of.isoformat()}"
    if link:
        footer += f" · [full report]({link})"
    out.add(footer + "</sub>")
    return "\n".join(out.lines)


def text(report: DiffReport) -> str:
    """The whole report for a terminal: plain lines, nothing escaped but control characters."""
    lines = [f"ICP handbook: {_short(report.base)} → {_short(report.head)}", ""]
    if report.regressions:
        lines.append(f"{len(report.regressions)} rule test regression(s):")
        lines += [
            f"  {r.path}:{r.line}: {r.fixture}: {r.expectation} expected {r.expected}, "
            f"was {r.before}, now {r.after}"
            for r in report.regressions
        ]
    else:
        lines.append("No rule test regression.")
    lines.append("")
    if report.rule_changes:
        lines.append("Rule changes:")
        lines += [f"  - {c.text}" for c in report.rule_changes]
    else:
        lines.append("No rule changed.")
    lines.append("")
    if report.moves:
        lines.append(
            f"{len(report.moves)} of {counted(report.compared, 'company', 'companies')} moved:"
        )
        for m in report.moves:
            lines.append(f"  {m.company}: {m.before.words()} → {m.after.words()}")
            lines += [f"      because {reason}" for reason in m.reasons]
    else:
        lines.append(f"No company moved ({report.compared} compared).")
    lines.append(f"(as of {report.as_of.isoformat()})")
    # a label's line break (a YAML block scalar) is shown as \\n: no line of the report
    # starts with text from a file (a CI log reads a line starting '::' as a command)
    return "\n".join(one_line(line) for line in lines)


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
        renamed=dict(report.renamed),
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
