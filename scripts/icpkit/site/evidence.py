"""The handbook's evidence: an overview page and an Evidence section on each profile page,
from a back-test of the configured CRM history (`evidence.history` in the tier policy, or
$ICP_HISTORY). No history configured, or the file missing, is said plainly on the pages;
it is not an error. Charts are static SVG from `icpkit.site.charts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..engine.model import Handbook, Icp
from ..evidence.report import (
    A_OVER_C_NAME,
    Evidence,
    RuleRow,
    backtest,
    default_options,
    history_path,
)
from ..reporters.evidence import churn_shares, lift, lift_ci, money, months, pct
from . import charts
from .badges import GREEN, GREY, RED, Badge, files
from .templating import Page, render

PAGE = "evidence.md"
BADGE = "evidence-lift"


@dataclass(frozen=True)
class EvidencePages:
    """The overview page's text and, per ICP id, the section added to its page."""

    overview: str
    sections: dict[str, str]
    #: None when there is no history
    evidence: Evidence | None = None


def _absence(handbook: Handbook, from_env: str | None) -> str | None:
    path = history_path(handbook, from_env)
    if path is None:
        return (
            "No CRM history is configured, so nothing here is measured yet. Name an export "
            "of won and lost opportunities under evidence.history in rules/tier-policy.yaml, "
            "or set ICP_HISTORY, and rebuild."
        )
    if not path.is_file():
        return f"The configured CRM history {path.name} was not found when this handbook was built."
    return None


def _cell(c: Any) -> dict[str, str]:
    return {
        "accounts": f"{c.accounts:,}",
        "decided": f"{c.decided:,}",
        "win": pct(c.win),
        "churn": pct(c.churn),
        "value": money(c.median_value),
        "tenure": months(c.median_tenure),
        "lift": lift_ci(c),
    }


def _rule(r: RuleRow) -> dict[str, Any]:
    return {
        "row": r,
        "met": pct(r.met.win),
        "unmet": pct(r.unmet.win),
        "unknown": pct(r.unknown.win),
        "churn": churn_shares(r),
        "lift": lift_ci(r.met),
        "ratio": lift(
            r.met.win.value / r.unmet.win.value
            if r.met.win.value is not None and r.unmet.win.value
            else None
        ),
        "suggested": "n/a" if r.suggested_points is None else str(r.suggested_points),
        "finding": r.finding,
    }


def _ratio(r: RuleRow) -> float | None:
    if r.met.win.value is None or not r.unmet.win.value:
        return None
    return r.met.win.value / r.unmet.win.value


def _triple(c: Any) -> tuple[float | None, float | None, float | None]:
    return (c.win.value, c.win.low, c.win.high)


def evidence_pages(
    root: Path,
    env: jinja2.Environment,
    handbook: Handbook,
    today: dt.date,
    from_env: str | None = None,
) -> EvidencePages:
    """The overview page and the per-profile sections (both say so when there is no
    history). Raises what the back-test raises for a history that cannot be read."""
    absent = _absence(handbook, from_env)
    ev: Evidence | None = None
    if absent is None:
        path = history_path(handbook, from_env)
        assert path is not None
        ev = backtest(handbook, default_options(handbook, path, today))
    icps = handbook.active_icps
    sections: dict[str, str] = {}
    for icp in icps:
        ctx: dict[str, Any] = {"absent": absent, "icp": icp, "ev": ev}
        if ev is not None:
            ctx |= _profile_context(ev, icp)
        sections[icp.id] = render(env, "_evidence.md.j2", **ctx)
    overview = render(env, "evidence.md.j2", **_overview_context(absent, ev, icps, today))
    return EvidencePages(overview, sections, ev)


def _profile_context(ev: Evidence, icp: Icp) -> dict[str, Any]:
    """What one ICP's Evidence section shows: its tiers, rules, boundary, checks, charts."""
    tiers = [t for t in ev.tiers if t.profile == icp.id]
    crit = [r for r in ev.rules if r.owner == icp.id and r.kind == "criterion"]
    reqs = [r for r in ev.rules if r.owner == icp.id and r.kind == "requirement"]
    bands = [b for b in ev.bands if b.profile == icp.id]
    return {
        "tiers": [{"tier": t.tier, **_cell(t.cell)} for t in tiers],
        "criteria": [_rule(r) for r in crit],
        "requirements": [_rule(r) for r in reqs],
        "boundary": next((b for b in ev.boundaries if b.profile == icp.id), None),
        "checks": [c for c in ev.checks if c.profile == icp.id],
        "pct": pct,
        "tier_chart": charts.win_rate_bars(
            [t.tier for t in tiers],
            [_triple(t.cell) for t in tiers],
            f"Win rate by tier: {icp.id}",
            salt=f"tiers-{icp.id}",
            base=ev.base.win.value,
        ),
        "lift_chart": charts.lift_bars(
            [f"{r.rule} ({r.points})" for r in crit],
            [_ratio(r) for r in crit],
            f"Win rate when met ÷ when unmet: {icp.id}",
            salt=f"lift-{icp.id}",
        )
        if crit
        else Markup(""),
        "band_chart": charts.band_line(
            [b.low for b in bands],
            [_triple(b.cell) for b in bands],
            {"A": icp.tiers.A, "B": icp.tiers.B, "C": icp.tiers.C},
            f"Win rate by score band: {icp.id}",
            salt=f"bands-{icp.id}",
        )
        if bands
        else Markup(""),
    }


def _overview_context(
    absent: str | None, ev: Evidence | None, icps: tuple[Icp, ...], today: dt.date
) -> dict[str, Any]:
    """What the evidence overview page shows: all ICPs pooled, the base rate, the portraits'
    rules, the findings, the misclassified accounts, and how the history is read."""
    from ..evidence.outcomes import ROLE_MEANINGS, ROLES, STAGES

    ctx: dict[str, Any] = {
        "absent": absent,
        "ev": ev,
        "icps": icps,
        "today": today,
        "roles": [(r, ROLES[r], ROLE_MEANINGS[r]) for r in ROLES],
        "stages": {m: [s for s, v in STAGES.items() if v == m] for m in ("won", "lost", "open")},
    }
    if ev is not None:
        pooled = [t for t in ev.tiers if not t.profile]
        ctx |= {
            "pooled": [{"tier": t.tier, **_cell(t.cell)} for t in pooled],
            "by_profile": [
                {"profile": t.profile, "tier": t.tier, **_cell(t.cell)}
                for t in ev.tiers
                if t.profile
            ],
            "base": _cell(ev.base),
            "negatives": [_rule(r) for r in ev.rules if r.kind in ("disqualifier", "warning")],
            "findings": [r for r in ev.rules if r.flag],
            "misses": [
                ("Best customers put in C, D or out of the pond", ev.best_missed),
                ("Lost or churned accounts put in A", ev.worst_in_a),
            ],
            "money": money,
            "chart": charts.win_rate_bars(
                [t.tier for t in pooled],
                [_triple(t.cell) for t in pooled],
                "Win rate by tier, all ICPs",
                salt="tiers-all",
                base=ev.base.win.value,
            ),
        }
    return ctx


def add_evidence(
    root: Path,
    env: jinja2.Environment,
    handbook: Handbook,
    today: dt.date,
    pages: list[Any],
    nav: list[Any],
    from_env: str | None = None,
) -> tuple[list[Any], list[Any], dict[str, bytes]]:
    """`pages` with each ICP page's Evidence section appended and the overview page added;
    `nav` with the overview after the profiles; the lift badge's files."""
    made = evidence_pages(root, env, handbook, today, from_env)
    badge = lift_badge(made.evidence)
    out = [
        Page(p.path, p.text + made.sections[p.path[4:-3]])
        if p.path.startswith("icp/") and p.path[4:-3] in made.sections
        else p
        for p in pages
    ]
    out.append(Page(PAGE, made.overview))
    at = next((i + 1 for i, item in enumerate(nav) if "Negative portraits" in item), len(nav))
    return out, [*nav[:at], {"Evidence": PAGE}, *nav[at:]], files([badge])


def lift_badge(ev: Evidence | None) -> Badge:
    """The current A/C win-rate ratio (all ICPs): green when it meets the tier policy's
    a_over_c, red when not, grey when there is no history or too few to say. (The badge's
    file keeps its name, evidence-lift.svg, so that links to it keep working.)"""
    if ev is None:
        return Badge(BADGE, A_OVER_C_NAME, "no history", GREY)
    check = next((c for c in ev.checks if c.id == "a-over-c" and not c.profile), None)
    if check is not None and check.status == "untestable":
        return Badge(BADGE, A_OVER_C_NAME, "cannot test", GREY)
    value = ev.a_over_c()
    if value is None or (check is not None and check.status == "too-few"):
        return Badge(BADGE, A_OVER_C_NAME, "too few to say", GREY)
    good = check is None or check.status == "passed"
    return Badge(BADGE, A_OVER_C_NAME, f"{value:.1f}×", GREEN if good else RED)


def configured_lift_badge(handbook: Handbook, today: dt.date, from_env: str | None = None) -> Badge:
    """The lift badge from the configured history (grey 'no history' without one). Raises
    what the back-test raises for a history that cannot be read."""
    if _absence(handbook, from_env) is not None:
        return lift_badge(None)
    path = history_path(handbook, from_env)
    assert path is not None
    return lift_badge(backtest(handbook, default_options(handbook, path, today)))
