"""`diff`: what a change to the handbook does, between two git revisions.

The handbook is read at each revision with `git archive` (no checkout, the working tree
is untouched; `WORKTREE` is the files as they are). The fixture companies, and
optionally a sample export, are evaluated under both; every company whose best profile,
tier or disqualification changed is reported with the rule changes that moved it. An
expectation of a fixture that held before and fails after is a regression.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine.evaluate import evaluate
from .engine.model import Handbook, Icp, Negative, Rule
from .engine.ruletests import checks, fixture_as_of, passes
from .engine.verdict import RuleResult, Verdict
from .errors import InputError, UsageError
from .loading.handbook import load
from .site.pages import words

WORKTREE = "WORKTREE"
HANDBOOK_PARTS = ("rules", "profiles", "tests/fixtures")


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args)}: {message[0] if message else 'failed'}")
    return done.stdout.decode(errors="replace")


def default_base(root: Path) -> str:
    """The merge base with the main branch (origin/main, main, origin/master or master)."""
    for branch in ("origin/main", "main", "origin/master", "master"):
        try:
            return _git(root, "merge-base", "HEAD", branch).strip()
        except UsageError:
            continue
    raise UsageError("found no main branch to compare with; expected icp diff BASE [HEAD]")


@contextmanager
def checkout(root: Path, rev: str) -> Iterator[Path]:
    """The handbook files at `rev` in a temporary folder (or `root` itself for WORKTREE)."""
    if rev == WORKTREE:
        yield root
        return
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    commit = _git(root, "rev-parse", "--verify", f"{rev}^{{commit}}").strip()
    tree = f"{commit}:{prefix}" if prefix else commit
    try:
        data = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "archive",
                "--format=tar",
                tree,
                *[p for p in HANDBOOK_PARTS if _exists(root, tree, p)],
            ],
            capture_output=True,
            timeout=120,
            check=True,
        ).stdout
    except subprocess.CalledProcessError as exc:
        raise UsageError(
            f"git archive {rev}: {exc.stderr.decode(errors='replace')[:200]}"
        ) from None
    with tempfile.TemporaryDirectory(prefix="icp-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def _exists(root: Path, tree: str, path: str) -> bool:
    done = subprocess.run(
        ["git", "-C", str(root), "cat-file", "-e", f"{tree}/{path}"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


# --- rule changes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleChange:
    """One change to the rules, in words."""

    owner: str
    rule: str | None
    text: str


def _rule_map(owner: Icp | Negative) -> dict[str, Rule]:
    return {r.id: r for r in owner.rules}


def _points(rule: Rule) -> str:
    return f"{rule.points:+d}"


def rule_changes(hb_a: Handbook, hb_b: Handbook) -> list[RuleChange]:
    out: list[RuleChange] = []
    owners_a = {o.id: o for o in hb_a.owners}
    owners_b = {o.id: o for o in hb_b.owners}
    for oid in sorted(owners_a.keys() | owners_b.keys()):
        a, b = owners_a.get(oid), owners_b.get(oid)
        if a is None and b is not None:
            out.append(RuleChange(oid, None, f"profile '{oid}' was added ({b.status})"))
            continue
        if b is None and a is not None:
            out.append(RuleChange(oid, None, f"profile '{oid}' was removed"))
            continue
        assert a is not None and b is not None
        if a.status != b.status:
            verb = "retired" if b.status == "retired" else f"set to {b.status}"
            out.append(RuleChange(oid, None, f"profile '{oid}' was {verb} (was {a.status})"))
        if isinstance(a, Icp) and isinstance(b, Icp):
            for tier in ("A", "B", "C"):
                ta, tb = a.tiers.threshold(tier), b.tiers.threshold(tier)
                if ta != tb:
                    out.append(
                        RuleChange(
                            oid,
                            None,
                            f"'{oid}': tier {tier} threshold moved from {ta} to {tb} points",
                        )
                    )
        ra, rb = _rule_map(a), _rule_map(b)
        for rid in [*ra, *[r for r in rb if r not in ra]]:
            x, y = ra.get(rid), rb.get(rid)
            if x is None and y is not None:
                extra = f", {_points(y)} points" if y.points else ""
                out.append(
                    RuleChange(
                        oid,
                        rid,
                        f"'{oid}': {y.kind} '{y.label}' was added ({words(hb_b, y.when)}{extra})",
                    )
                )
            elif y is None and x is not None:
                out.append(RuleChange(oid, rid, f"'{oid}': {x.kind} '{x.label}' was removed"))
            elif x is not None and y is not None:
                if x.points != y.points:
                    out.append(
                        RuleChange(
                            oid, rid, f"'{y.label}' went from {_points(x)} to {_points(y)} points"
                        )
                    )
                wa, wb = words(hb_a, x.when), words(hb_b, y.when)
                if x.when != y.when:
                    out.append(RuleChange(oid, rid, f'\'{y.label}\' changed from "{wa}" to "{wb}"'))
    return out


# --- verdict changes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    best_profile: str | None
    tier: str
    score: int
    disqualified_by: tuple[str, ...]

    @classmethod
    def of(cls, v: Verdict) -> Outcome:
        return cls(v.best_profile, v.tier, v.score, v.disqualified_by)

    def key(self) -> tuple[object, ...]:
        """What makes a move: best profile, tier or disqualification (not the score alone)."""
        return (self.best_profile, self.tier, self.disqualified_by)

    def words(self) -> str:
        if self.disqualified_by:
            return f"D (disqualified by {', '.join(self.disqualified_by)})"
        return f"{self.tier} ({self.best_profile or 'no ICP'}, {self.score})"


@dataclass(frozen=True)
class Move:
    """A company whose best profile, tier or disqualification changed."""

    company: str
    source: str
    before: Outcome
    after: Outcome
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Regression:
    fixture: str
    path: str
    line: int
    expectation: str
    expected: Any
    before: Any
    after: Any


@dataclass
class DiffReport:
    base: str
    head: str
    as_of: dt.date
    rule_changes: list[RuleChange] = field(default_factory=list)
    regressions: list[Regression] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    compared: int = 0

    @property
    def ok(self) -> bool:
        return not self.regressions


def _moved(a: RuleResult | None, b: RuleResult | None) -> bool:
    """Whether a rule's change changed what it gives this company: the points it earns (a
    criterion or warning sign), or whether it holds (a requirement: absent counts as met; a
    disqualifier: absent counts as not met). A new criterion the company does not meet
    moved nothing."""
    either = b or a
    if either is None:
        return False
    rule = either.rule
    if rule.kind in ("criterion", "warning"):
        return (a.points if a else 0) != (b.points if b else 0)
    absent = rule.kind == "requirement"
    return (a.result if a else absent) != (b.result if b else absent)


def _reasons(
    hb_a: Handbook, hb_b: Handbook, va: Verdict, vb: Verdict, changes: list[RuleChange]
) -> tuple[str, ...]:
    """The rule changes that moved this company: rules whose result or points changed."""
    changed_rules = {(c.owner, c.rule) for c in changes if c.rule}
    reasons: list[str] = []
    results_a = {r.key: r for p in va.profiles for r in (*p.requirements, *p.criteria)}
    results_a |= {r.key: r for n in va.negatives for r in (*n.disqualifiers, *n.warnings)}
    results_b = {r.key: r for p in vb.profiles for r in (*p.requirements, *p.criteria)}
    results_b |= {r.key: r for n in vb.negatives for r in (*n.disqualifiers, *n.warnings)}
    for key in [*results_b, *[k for k in results_a if k not in results_b]]:
        owner, _, rid = key.partition("/")
        a, b = results_a.get(key), results_b.get(key)
        if (owner, rid) not in changed_rules or not _moved(a, b):
            continue
        if a is None and b is not None:
            reasons.append(
                f"'{b.rule.label}' was added: {b.status}"
                + (f", {b.points:+d}" if b.rule.kind in ("criterion", "warning") else "")
            )
        elif b is None and a is not None:
            reasons.append(f"'{a.rule.label}' was removed (it was {a.status})")
        elif a is not None and b is not None:
            if a.rule.points != b.rule.points and (a.points or b.points):
                reasons.append(
                    f"'{b.rule.label}' went from {a.rule.points:+d} to {b.rule.points:+d} points"
                )
            elif a.status != b.status:
                reasons.append(f"'{b.rule.label}' is now {b.status} (was {a.status})")
    for c in changes:
        if c.rule is None and (
            c.owner in (va.best_profile, vb.best_profile)
            or c.owner in va.disqualified_by + vb.disqualified_by
        ):
            reasons.append(c.text)
    return tuple(dict.fromkeys(reasons)) or ("no single rule: the combination of changes",)


def _evaluate_pair(
    hb_a: Handbook, hb_b: Handbook, company: dict[str, Any], as_of: dt.date
) -> tuple[Verdict, Verdict]:
    only_a = {k: v for k, v in company.items() if k in hb_a.fields}
    return evaluate(hb_a, only_a, as_of), evaluate(hb_b, company, as_of)


def diff(
    root: Path,
    base: str | None = None,
    head: str = WORKTREE,
    *,
    accounts: Path | None = None,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
) -> DiffReport:
    """Compare the handbook at `base` (default: merge base with main) and at `head`."""
    today = today or dt.date.today()
    as_of = as_of or today
    base = base or default_base(root)
    with checkout(root, base) as dir_a, checkout(root, head) as dir_b:
        loaded_a, loaded_b = load(dir_a, today=today), load(dir_b, today=today)
        for label, loaded in ((base, loaded_a), (head, loaded_b)):
            if loaded.report.errors:
                first = loaded.report.sorted()[0]
                raise InputError(f"the handbook at {label} has errors, the first: {first}")
        hb_a, hb_b = loaded_a.handbook, loaded_b.handbook
        report = DiffReport(base, head, as_of, rule_changes(hb_a, hb_b))
        fixtures_a = {f.path: f for f in hb_a.fixtures if not f.broken}
        for fx in hb_b.fixtures:
            if fx.broken:
                continue
            fixture_date = fixture_as_of(fx, today)
            va, vb = _evaluate_pair(hb_a, hb_b, fx.company, fixture_date)
            report.compared += 1
            old = fixtures_a.get(fx.path)
            va_own = evaluate(hb_a, old.company, fixture_as_of(old, today)) if old else None
            old_checks = {c.key: c for c in checks(old)} if old else {}
            for check in checks(fx):
                ok_b, got_b = passes(check, vb)
                before_check = old_checks.get(check.key)
                ok_a = (
                    va_own is not None
                    and before_check is not None
                    and passes(before_check, va_own)[0]
                )
                if ok_a and not ok_b:
                    report.regressions.append(
                        Regression(
                            fx.name,
                            fx.path,
                            check.line,
                            check.key,
                            check.expected,
                            passes(check, va)[1],
                            got_b,
                        )
                    )
            if Outcome.of(va).key() != Outcome.of(vb).key():
                report.moves.append(
                    Move(
                        fx.name,
                        fx.path,
                        Outcome.of(va),
                        Outcome.of(vb),
                        _reasons(hb_a, hb_b, va, vb, report.rule_changes),
                    )
                )
        if accounts is not None:
            from .sql.companies import all_rows

            for ident, company in all_rows(hb_b, accounts):
                va, vb = _evaluate_pair(hb_a, hb_b, company, as_of)
                report.compared += 1
                if Outcome.of(va).key() != Outcome.of(vb).key():
                    report.moves.append(
                        Move(
                            ident,
                            str(accounts),
                            Outcome.of(va),
                            Outcome.of(vb),
                            _reasons(hb_a, hb_b, va, vb, report.rule_changes),
                        )
                    )
    return report
