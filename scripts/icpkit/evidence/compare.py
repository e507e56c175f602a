"""Evidence before and after a change to the handbook (`icp diff --history FILE`).

The history is back-tested under the handbook at both revisions; for every profile whose
tier evidence differs (and for all ICPs together) the report gives A's win rate, the
A/C win-rate ratio (A's win rate over C's) and A's decided opportunities before and after:
"A-tier win rate 41% → 35%, A/C win-rate ratio 3.1× → 2.4×, A-tier decided deals 212 → 250".
In JSON the ratio is `a_over_c`; `lift`, its key in earlier versions, is kept with the same
value (it is not `icp backtest`'s lift over the average).

A check of the tier policy that passed before and is contradicted after fails the diff
(`newly_contradicted`); one that passed before and is no longer supported after (too few to
say, or a history that cannot test the tiers) is a warning line (`lost_support`) and does
not fail it.

Without `--history` the history configured for the handbook at HEAD is used ($ICP_HISTORY,
else `evidence.history` in the tier policy, relative to the repository), and the report
says where it came from. No history configured, or a configured file that does not exist,
is said plainly in the report ("no history configured" / "no history found"): it is not an
error. `icp diff --no-history` leaves the evidence out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..diff import checkout
from ..loading.validate import open_handbook
from .report import A_OVER_C_NAME, Evidence, backtest, configured_history, default_options

#: where the history came from when it was given on the command line
FROM_OPTION = "--history"
#: the words before a check that passed before and is too few to say (or untestable) after
LOST = "no longer supported by the history (it passed before):"


@dataclass(frozen=True)
class Side:
    a_win: float | None
    #: the A/C win-rate ratio
    a_over_c: float | None
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
            f"A-tier win rate {p(b.a_win)} → {p(a.a_win)}, "
            f"{A_OVER_C_NAME} {x(b.a_over_c)} → {x(a.a_over_c)}, "
            f"A-tier decided deals {b.a_decided} → {a.a_decided}"
        )


@dataclass(frozen=True)
class EvidenceDiff:
    #: the history back-tested (relative to the repository when inside it), or None
    history: str | None
    changes: tuple[ProfileChange, ...]
    #: checks contradicted after the change that passed (or were too few) before
    newly_contradicted: tuple[str, ...]
    #: checks that passed before and are too few to say (or untestable) after: a warning
    lost_support: tuple[str, ...] = ()
    #: where the history's name came from: --history, $ICP_HISTORY or the tier policy
    origin: str = FROM_OPTION
    #: why there is no evidence, in words ('' when there is)
    absent: str = ""


def _side(ev: Evidence, profile: str) -> Side | None:
    row = ev.tier(profile, "A")
    if row is None:
        return None
    return Side(row.cell.win.value, ev.a_over_c(profile), row.cell.decided)


def _evidence(root: Path, rev: str, history: Path, today: dt.date) -> Evidence:
    with checkout(root, rev) as path:
        handbook = open_handbook(path, today=today, cache=True, label=rev)
        return backtest(handbook, default_options(handbook, history, today))


def compare(root: Path, base: str, head: str, history: Path, today: dt.date) -> EvidenceDiff:
    """Back-test `history` under the handbook at `base` and at `head`. Raises InputError
    when either handbook has errors or the history cannot be read, UsageError when git
    cannot check out a revision."""
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
    lost = tuple(
        f"{c.profile or 'all ICPs'}: {c.detail}"
        for c in after.checks
        if c.status in ("too-few", "untestable") and was.get((c.id, c.profile)) == "passed"
    )
    return EvidenceDiff(_shown(root, history), tuple(changes), newly, lost)


def _shown(root: Path, path: Path) -> str:
    """A history's name as the report shows it: relative to the repository when inside it
    (no runner's folders in a PR comment)."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def configured(root: Path, head: str, from_env: str | None = None) -> tuple[Path | None, str]:
    """The history configured for the handbook at `head` and where its name came from;
    (None, '') when none is. A relative name is read from the repository at `root`.
    Raises InputError when the handbook at `head` has errors or `head` cannot be checked
    out."""
    with checkout(root, head) as path:
        handbook = open_handbook(path, cache=True, label=head)
        return configured_history(handbook, root, from_env=from_env)


def evidence_diff(
    root: Path,
    base: str,
    head: str,
    history: Path | None,
    today: dt.date,
    from_env: str | None = None,
) -> EvidenceDiff:
    """The evidence before and after: `history` when given, else the configured one. No
    history configured, or a configured file that does not exist, is an EvidenceDiff with
    `absent` saying so (not an error). Raises what `compare` raises."""
    if history is not None:
        return compare(root, base, head, history.resolve(), today)
    path, origin = configured(root, head, from_env)
    if path is None:
        return EvidenceDiff(
            None,
            (),
            (),
            origin="",
            absent="no history configured (name an export under evidence.history in "
            "rules/tier-policy.yaml, set ICP_HISTORY, or pass --history FILE)",
        )
    if not path.is_file():
        return EvidenceDiff(
            _shown(root, path),
            (),
            (),
            origin=origin,
            absent=f"no history found: {_shown(root, path)} (from {origin}) does not exist",
        )
    return dataclasses.replace(compare(root, base, head, path, today), origin=origin)


def markdown(d: EvidenceDiff) -> str:
    """The comparison for the pull-request comment: user text escaped only where it could
    start markup (`reporters.md`), so the raw comment and its e-mail read as plain text."""
    from ..reporters import md as inline

    if d.absent:
        return "\n".join(["", f"**Evidence from the CRM history**: {inline(d.absent)}"])
    lines = [
        "",
        f"**Evidence from the CRM history** (before → after; {inline(d.history or '')}, "
        f"from {inline(d.origin)})",
        "",
    ]
    for c in d.changes:
        lines.append(f"- {inline(c.profile or 'all ICPs')}: {inline(c.words())}")
    for text in d.newly_contradicted:
        lines.append(f"- ❌ now contradicted: {inline(text)}")
    for text in d.lost_support:
        lines.append(f"- ⚠️ {LOST} {inline(text)}")
    return "\n".join(lines)


def text(d: EvidenceDiff) -> str:
    """The comparison for a terminal (`icp diff --format text`)."""
    if d.absent:
        return f"\nevidence from the CRM history: {d.absent}"
    lines = ["", f"evidence from the CRM history (before → after; {d.history}, from {d.origin})"]
    lines += [f"  {c.profile or 'all ICPs'}: {c.words()}" for c in d.changes]
    lines += [f"  now contradicted: {t}" for t in d.newly_contradicted]
    lines += [f"  warning: {LOST} {t}" for t in d.lost_support]
    return "\n".join(lines)


def with_evidence(report: str, fmt: str, d: EvidenceDiff) -> str:
    """A rendered diff report (`markdown`, `text` or `json`) with the evidence comparison
    `d` (`evidence_diff`) added."""
    import json

    if fmt == "text":
        return report + "\n" + text(d)
    if fmt != "json":
        return report + "\n" + markdown(d)
    body = json.loads(report)
    evidence = dataclasses.asdict(d)
    for change in evidence["changes"]:
        for side in (change["before"], change["after"]):
            if side is not None:
                side["lift"] = side["a_over_c"]  # the key of earlier versions
    body["evidence"] = evidence | {"words": {c.profile or "all ICPs": c.words() for c in d.changes}}
    return json.dumps(body, indent=2, ensure_ascii=False)
