"""Evidence before and after a change to the handbook (`icp diff --history FILE`).

The history is back-tested under the handbook at both revisions; for every profile whose
tier evidence differs (and for all ICPs together) the report gives A's win rate, the
A-versus-C lift and A's decided opportunities before and after:
"A-tier win rate 41% → 35%, lift 3.1× → 2.4×, n 212 → 250".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..diff import checkout
from ..errors import InputError
from ..loading.handbook import load
from .report import Evidence, backtest, default_options


@dataclass(frozen=True)
class Side:
    a_win: float | None
    lift: float | None
    a_decided: int


@dataclass(frozen=True)
class ProfileChange:
    #: an ICP id, or '' for all ICPs together
    profile: str
    before: Side | None
    after: Side | None

    def words(self) -> str:
        def p(x: float | None) -> str:
            return "n/a" if x is None else f"{x:.0%}"

        def x(v: float | None) -> str:
            return "n/a" if v is None else f"{v:.1f}×"

        b = self.before or Side(None, None, 0)
        a = self.after or Side(None, None, 0)
        return (
            f"A-tier win rate {p(b.a_win)} → {p(a.a_win)}, lift {x(b.lift)} → {x(a.lift)}, "
            f"n {b.a_decided} → {a.a_decided}"
        )


@dataclass(frozen=True)
class EvidenceDiff:
    history: str
    changes: tuple[ProfileChange, ...]
    #: checks contradicted after the change that passed (or were too few) before
    newly_contradicted: tuple[str, ...]


def _side(ev: Evidence, profile: str) -> Side | None:
    row = ev.tier(profile, "A")
    if row is None:
        return None
    return Side(row.cell.win.value, ev.lift_a_over_c(profile), row.cell.decided)


def _evidence(root: Path, rev: str, history: Path, today: dt.date) -> Evidence:
    with checkout(root, rev) as path:
        loaded = load(path)
        if loaded.report.errors:
            raise InputError(f"the handbook at {rev} has errors; run icp validate there")
        return backtest(loaded.handbook, default_options(loaded.handbook, history, today))


def compare(root: Path, base: str, head: str, history: Path, today: dt.date) -> EvidenceDiff:
    """Back-test `history` under the handbook at `base` and at `head`."""
    before = _evidence(root, base, history, today)
    after = _evidence(root, head, history, today)
    profiles = [*sorted({t.profile for t in (*before.tiers, *after.tiers) if t.profile}), ""]
    changes = []
    for profile in profiles:
        b, a = _side(before, profile), _side(after, profile)
        if b != a or profile == "":
            changes.append(ProfileChange(profile, b, a))
    was = {(c.id, c.profile): c.status for c in before.checks}
    newly = tuple(
        f"{c.profile or 'all ICPs'}: {c.detail}"
        for c in after.checks
        if c.status == "contradicted" and was.get((c.id, c.profile)) != "contradicted"
    )
    return EvidenceDiff(str(history), tuple(changes), newly)


def markdown(d: EvidenceDiff) -> str:
    from ..site.mdtext import inline

    lines = ["", "**Evidence from the CRM history** (before → after)", ""]
    for c in d.changes:
        lines.append(f"- {inline(c.profile or 'all ICPs')}: {inline(c.words())}")
    for text in d.newly_contradicted:
        lines.append(f"- ❌ now contradicted: {inline(text)}")
    return "\n".join(lines)


def with_evidence(
    text: str, fmt: str, root: Path, base: str, head: str, history: Path, today: dt.date
) -> str:
    """A rendered diff report (`markdown` or `json`) with the evidence comparison added."""
    import dataclasses
    import json

    d = compare(root, base, head, history.resolve(), today)
    if fmt != "json":
        return text + "\n" + markdown(d)
    body = json.loads(text)
    body["evidence"] = dataclasses.asdict(d) | {
        "words": {c.profile or "all ICPs": c.words() for c in d.changes}
    }
    return json.dumps(body, indent=2, ensure_ascii=False)
