"""Renderings of a back-test (`icpkit.evidence.report.Evidence`): text, Markdown, JSON, HTML."""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..evidence.report import (
    LIFT_NAME,
    NOTHING_DECIDED,
    NOTHING_SHOWN,
    Cell,
    Evidence,
    Miss,
    Rate,
    RuleRow,
    one_outcome_note,
)
from ..wording import accounts
from . import FORMATS as _REGISTRY
from . import envelope, md

FORMATS = _REGISTRY["backtest"]

_KIND_TITLES = {
    "requirement": "Requirements",
    "criterion": "Criteria",
    "disqualifier": "Disqualifiers",
    "warning": "Warning signs",
}


def pct(r: Rate) -> str:
    """'41% (36-46%)', or 'n/a' for a rate over nothing."""
    if r.value is None:
        return "n/a"
    assert r.low is not None and r.high is not None
    return f"{r.value:.0%} ({r.low:.0%}–{r.high:.0%})"


def _share(r: Rate) -> str:
    """'12%' (the value alone, where a table has no room for the interval), or 'n/a'."""
    return "n/a" if r.value is None else f"{r.value:.0%}"


def churn_shares(r: RuleRow) -> str:
    """A rule's churn among customers when it was met, unmet and unknown: '8% / 14% / 13%'."""
    return " / ".join(_share(c.churn) for c in (r.met, r.unmet, r.unknown))


#: the units of an amount, smallest first: (power of ten, suffix, decimals shown)
_MONEY_UNITS = ((0, "", 0), (3, "k", 0), (6, "M", 1), (9, "B", 1))


def money(x: float | None) -> str:
    """An amount in the unit it rounds to: '950', '1k', '12k', '1.0M', '1.3B'; halves round
    away from zero (999.5 is '1k'), and the unit is chosen after rounding, so 999,999 is
    '1.0M', never '1000k'. A negative amount keeps its sign; one that rounds to zero is
    '0'; 'n/a' when no amount is known."""
    if x is None or not math.isfinite(x):
        return "n/a"
    amount = abs(Decimal(repr(float(x))))
    shown, suffix = amount, ""
    for power, unit, places in _MONEY_UNITS:
        shown = amount.scaleb(-power).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        suffix = unit
        if shown < 1000:
            break
    sign = "-" if x < 0 and shown else ""
    return f"{sign}{shown}{suffix}"


def months(x: float | None) -> str:
    """A median tenure: '14 months', or 'n/a' when no customer's tenure is known."""
    if x is None:
        return "n/a"
    return "1 month" if round(x) == 1 else f"{x:.0f} months"


def mean(x: float | None) -> str:
    """A mean NPS or CSAT to one decimal: '7.8', '-0.2'; one that rounds to zero is '0.0',
    never '-0.0' (NPS runs from -100 to 100); 'n/a' when no customer gave one."""
    if x is None:
        return "n/a"
    return f"{x if round(x, 1) else 0.0:.1f}"


def lift(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}×"


def lift_ci(c: Cell) -> str:
    """A cell's lift over the average with its 95% interval, '1.60× (0.50×–2.25×)', or
    'n/a'."""
    if c.lift is None or c.lift_low is None or c.lift_high is None:
        return "n/a"
    return f"{c.lift:.2f}× ({c.lift_low:.2f}×–{c.lift_high:.2f}×)"


def _cell_cols(c: Cell) -> list[str]:
    return [
        f"{c.accounts:,}",
        f"{c.decided:,}",
        pct(c.win),
        pct(c.churn),
        money(c.median_value),
        months(c.median_tenure),
        mean(c.satisfaction),
        lift_ci(c),
    ]


CELL_HEAD = [
    "accounts",
    "decided",
    "win rate (95% CI)",
    "churn",
    "median value",
    "median tenure",
    "NPS/CSAT",
    f"{LIFT_NAME} (95% CI)",
]


def _header(ev: Evidence) -> list[str]:
    lines = [
        f"back-test of {accounts(ev.rows)} from {ev.source}: {ev.decided:,} decided "
        f"opportunities, base win rate {pct(ev.base.win)}, churn {pct(ev.base.churn)}, "
        f"median value {money(ev.base.median_value)}, "
        f"median tenure {months(ev.base.median_tenure)}",
        "columns: " + ", ".join(f"{role} ← {col}" for role, col in ev.roles.items()),
        f"time-relative rules evaluated as of {ev.as_of}",
    ]
    return lines + [n if n.startswith("warning: ") else f"note: {n}" for n in ev.notes]


def _tier_label(profile: str, tier: str) -> str:
    return f"{profile or 'all ICPs'} {tier}" if tier in "ABCD" else tier


def tier_rows(ev: Evidence) -> list[list[str]]:
    return [[_tier_label(t.profile, t.tier), *_cell_cols(t.cell)] for t in ev.tiers]


def rule_rows(ev: Evidence, kind: str) -> list[list[str]]:
    rows = []
    for r in ev.rules:
        if r.kind != kind:
            continue
        pts = ""
        if kind == "criterion":
            sug = "n/a" if r.suggested_points is None else str(r.suggested_points)
            pts = f"{r.points} → {sug}"
        elif kind == "warning":
            pts = str(r.points)
        rows.append(
            [
                f"{r.owner}: {r.rule}",
                pct(r.met.win),
                pct(r.unmet.win),
                pct(r.unknown.win),
                lift_ci(r.met),
                churn_shares(r),
                f"{r.met.decided:,}/{r.unmet.decided:,}/{r.unknown.decided:,}",
                "n/a" if r.p_value is None else f"{r.p_value:.2g}",
                pts,
                r.finding,
            ]
        )
    return rows


RULE_HEAD = [
    "rule",
    "won when met",
    "unmet",
    "unknown",
    f"{LIFT_NAME} (met, 95% CI)",
    "churn met / unmet / unknown",
    "decided met/unmet/unknown",
    "p",
    "points → suggested",
    "finding",
]


def band_rows(ev: Evidence) -> list[list[str]]:
    return [[f"{b.profile} {b.low}–{b.high}", *_cell_cols(b.cell)] for b in ev.bands]


def boundary_lines(ev: Evidence) -> list[str]:
    out = []
    for b in ev.boundaries:
        cur = ", ".join(f"{t} ≥ {v}" for t, v in b.current.items())
        if b.best_cut is None or b.above is None or b.below is None:
            out.append(f"{b.profile}: tiers {cur}; no cut separates winners with enough data")
        else:
            out.append(
                f"{b.profile}: tiers {cur}; the best single cut is at {b.best_cut} "
                f"(won {pct(b.above)} at or above, {pct(b.below)} below)"
            )
    return out


def miss_rows(misses: list[Miss]) -> list[list[str]]:
    return [
        [
            m.id,
            f"{m.profile or '-'} {m.tier} ({m.score})",
            money(m.value),
            m.outcome + (", churned" if m.churned else ""),
            "; ".join(m.reasons) or "-",
        ]
        for m in misses
    ]


MISS_HEAD = ["account", "verdict", "value", "outcome", "reasons"]


def _text_table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)
    ]
    widths[-1] = 0  # the last column is free text
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*head).rstrip()] + [fmt.format(*r).rstrip() for r in rows]


@dataclasses.dataclass(frozen=True)
class Section:
    """One part of the report: a titled table (`head` and `rows`) or a titled list of lines
    (`head` empty, one cell per row)."""

    title: str
    head: list[str]
    rows: list[list[str]]


def _lines(title: str, lines: list[str]) -> Section:
    return Section(title, [], [[x] for x in lines])


def _sections(ev: Evidence) -> list[Section]:
    """The report's parts in order, as every rendering prints them (text, Markdown, HTML)."""
    out = [Section("Tiers", ["tier", *CELL_HEAD], tier_rows(ev))]
    for kind, title in _KIND_TITLES.items():
        out.append(Section(title, RULE_HEAD, rule_rows(ev, kind)))
    out.append(Section("Score bands", ["band", *CELL_HEAD], band_rows(ev)))
    out.append(_lines("Tier boundaries", boundary_lines(ev)))
    out.append(
        Section(
            "Best customers put in C, D or out of the pond", MISS_HEAD, miss_rows(ev.best_missed)
        )
    )
    out.append(Section("Lost or churned accounts put in A", MISS_HEAD, miss_rows(ev.worst_in_a)))
    named = named_findings(ev)
    if named:
        out.append(_lines("Findings", named))
    out.append(_lines("Checks", _check_lines(ev)))
    return out


def _check_lines(ev: Evidence) -> list[str]:
    lines = [f"nothing was checked: {NOTHING_DECIDED}"] if ev.nothing_decided else []
    lines += [f"nothing was shown: {NOTHING_SHOWN}"] if ev.nothing_shown else []
    if ev.one_outcome:
        lines += [f"nothing was tested: {one_outcome_note(ev.base.win.k, ev.base.win.n)}"]
    return lines + [f"{c.status:<12} {c.profile or 'all ICPs'}: {c.detail}" for c in ev.checks]


def text(ev: Evidence) -> str:
    lines = _header(ev)
    for sec in _sections(ev):
        body = _text_table(sec.head, sec.rows) if sec.head else [r[0] for r in sec.rows]
        lines += ["", sec.title.upper(), *body]
    return "\n".join(lines)


def named_findings(ev: Evidence) -> list[str]:
    """One line per rule the evidence calls into question."""
    return [f"{r.kind} {r.owner}: {r.rule} ({r.label}): {r.flag}" for r in ev.rules if r.flag]


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(md(c) for c in r) + " |" for r in rows]
    return out


def markdown(ev: Evidence) -> str:
    lines = ["## Evidence from the CRM history", ""]
    lines += [f"- {md(x)}" for x in _header(ev)]
    for sec in _sections(ev):
        lines += ["", f"### {sec.title}", ""]
        if sec.head:
            lines += _md_table(sec.head, sec.rows) if sec.rows else ["(none)"]
        else:
            lines += [f"- {md(r[0])}" for r in sec.rows]
    return "\n".join(lines)


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, Rate):
            out["value"] = obj.value
        return out
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    return obj


def json_text(ev: Evidence) -> str:
    """The versioned envelope with the whole result (`evidence`)."""
    return envelope("backtest", ev.ok, evidence=_plain(ev), findings=named_findings(ev))


def html_text(ev: Evidence) -> str:
    """A standalone page (no scripts, no external resources)."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>ICP back-test</title><style>body{font-family:system-ui,sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #8884;padding:.2em .5em;text-align:left}"
        "@media(prefers-color-scheme:dark){body{background:#111;color:#ddd}}</style>",
        "</head><body><h1>Evidence from the CRM history</h1><ul>",
        *(f"<li>{e(x)}</li>" for x in _header(ev)),
        "</ul>",
    ]
    for sec in _sections(ev):
        parts.append(f"<h2>{e(sec.title)}</h2>")
        if not sec.head:
            parts += ["<ul>", *(f"<li>{e(r[0])}</li>" for r in sec.rows), "</ul>"]
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in sec.head) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in sec.rows]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


RENDER: dict[str, Callable[[Evidence], str]] = {
    "text": text,
    "markdown": markdown,
    "json": json_text,
    "html": html_text,
}


def render(ev: Evidence, fmt: str) -> str:
    return RENDER[fmt](ev)


__all__ = ["FORMATS", "RENDER", "render"]
