"""`diff`: what a change to the handbook does, between two git revisions.

The handbook is read at each revision with `git archive` (no checkout, the working tree
is untouched; `WORKTREE` is the files as they are). The fixture companies, and
optionally a sample export, are evaluated under both; every company whose best profile,
tier or disqualification changed is reported with the rule changes that moved it. An
expectation of a fixture that held before and fails after is a regression.

A profile removed and another of the same kind added are a rename (`renames`) when their
rules compile to the same thing (the same rules, points, tiers, priority and status; only
the id, file and words differ), or else when every fixture gets the same verdict from the
new one as from the old (and at least one fixture is scored or caught by it): the report
says "profile renamed X → Y", lists what else changed in it, and a company that kept its
tier and score under the new name has not moved.
"""

from __future__ import annotations

import datetime as dt
import io
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine.evaluate import evaluate
from .engine.explain import condition_words as words
from .engine.model import Group, Handbook, Icp, Negative, Rule
from .engine.ruletests import checks, fixture_as_of, passes
from .engine.verdict import RuleResult, Verdict
from .errors import UsageError
from .loading.validate import open_handbook
from .repo import git, git_ok
from .textsafety import one_line
from .wording import suggest

WORKTREE = "WORKTREE"
HANDBOOK_PARTS = ("rules", "profiles", "tests/fixtures")


def _git(root: Path, *args: str) -> str:
    return git(root, *args).decode(errors="replace")


def default_base(root: Path) -> str:
    """The merge base with the main branch (origin/main, main, origin/master or master).

    Raises UsageError when none of these branches exists."""
    for branch in ("origin/main", "main", "origin/master", "master"):
        try:
            return _git(root, "merge-base", "HEAD", branch).strip()
        except UsageError:
            continue
    raise UsageError("found no main branch to compare with; expected icp diff BASE [HEAD]")


def commit_of(root: Path, rev: str) -> str:
    """The commit `rev` names (a branch, tag, commit or an expression such as HEAD~2).

    Raises UsageError naming the closest branch or tag when git knows no such revision."""
    if git_ok(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"):
        return _git(root, "rev-parse", "--verify", f"{rev}^{{commit}}").strip()
    _git(root, "rev-parse", "--git-dir")  # not a repository: git's own words
    refs = _git(root, "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes",
                "refs/tags").split()  # fmt: skip
    raise UsageError(
        f"found the revision {one_line(rev)!r}, which this repository does not have; expected "
        f"a branch, tag or commit{suggest(rev, refs)}"
    )


@contextmanager
def checkout(root: Path, rev: str) -> Iterator[Path]:
    """The handbook files at `rev` in a temporary folder (or `root` itself for WORKTREE).
    Raises UsageError when git cannot read `rev` (an unknown revision, not a repository)."""
    if rev == WORKTREE:
        yield root
        return
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    commit = commit_of(root, rev)
    tree = f"{commit}:{prefix}" if prefix else commit
    parts = [p for p in HANDBOOK_PARTS if git_ok(root, "cat-file", "-e", f"{tree}/{p}")]
    data = git(root, "archive", "--format=tar", tree, *parts, timeout=120)
    with tempfile.TemporaryDirectory(prefix="icp-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


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


def _compiled(item: Rule | Group) -> tuple[object, ...]:
    """What a rule (or group) computes, without its words or where it is written."""
    if isinstance(item, Group):
        return ("group", item.id, item.cap, item.first_match, *map(_compiled, item.items))
    return (item.id, item.kind, item.when, item.points)


def compiled(owner: Icp | Negative) -> tuple[object, ...]:
    """What a profile computes: its rules, points, tiers, priority and status (not its id,
    file, title or words)."""
    if isinstance(owner, Icp):
        return (
            "icp",
            owner.status,
            owner.priority,
            owner.tiers,
            tuple(map(_compiled, owner.requirements)),
            tuple(map(_compiled, owner.items)),
            tuple(map(_compiled, owner.gates)),
        )
    return (
        "negative",
        owner.status,
        owner.priority,
        owner.applies_to,
        tuple(map(_compiled, owner.rules)),
    )


def _gives(v: Verdict, owner: str) -> tuple[bool, tuple[object, ...]] | None:
    """What profile `owner` gives one company, and whether it scored or caught it: an ICP's
    eligibility, score, tier and status (it scores an eligible company); a portrait's met
    disqualifiers and points off (it catches a company either hits). None when the verdict
    has no such profile."""
    for p in v.profiles:
        if p.icp == owner:
            return p.eligible, (p.eligible, p.score, p.tier, p.status, p.capped)
    for n in v.negatives:
        if n.negative == owner:
            met = tuple(r.rule.id for r in n.disqualifiers if r.result is True)
            off = sum(r.points for r in n.warnings)
            return bool(met or off), (met, off)
    return None


def renames(hb_a: Handbook, hb_b: Handbook, today: dt.date) -> dict[str, str]:
    """Profiles renamed between two handbooks, old id -> new id: a profile only `hb_a` has
    and one only `hb_b` has, of the same kind, that compile to the same thing (`compiled`),
    or else that give every fixture of `hb_b` the same verdict (and score or catch at least
    one). A profile pairs with one other profile only."""
    owners_a = {o.id: o for o in hb_a.owners}
    owners_b = {o.id: o for o in hb_b.owners}
    removed = [owners_a[i] for i in sorted(owners_a.keys() - owners_b.keys())]
    added = [owners_b[i] for i in sorted(owners_b.keys() - owners_a.keys())]
    out: dict[str, str] = {}

    def pair(same: Callable[[Icp | Negative, Icp | Negative], bool]) -> None:
        for a in removed:
            if a.id in out:
                continue
            free = [b for b in added if b.id not in out.values() and type(b) is type(a)]
            found = [b for b in free if same(a, b)]
            if len(found) == 1:
                out[a.id] = found[0].id

    pair(lambda a, b: compiled(a) == compiled(b))
    if len(out) < min(len(removed), len(added)):
        verdicts = [
            _evaluate_pair(hb_a, hb_b, fx.company, fixture_as_of(fx, today))
            for fx in hb_b.fixtures
            if not fx.broken
        ]

        def same_verdicts(a: Icp | Negative, b: Icp | Negative) -> bool:
            given = [(_gives(va, a.id), _gives(vb, b.id)) for va, vb in verdicts]
            return all(x == y for x, y in given) and any(x and x[0] for x, _ in given)

        pair(same_verdicts)
    return out


def rule_changes(
    hb_a: Handbook, hb_b: Handbook, renamed: dict[str, str] | None = None
) -> list[RuleChange]:
    """What changed in the rules between two handbooks: profiles added, removed, renamed
    (`renamed`: old id -> new id) or set to another status, tier thresholds moved, rules
    added, removed or changed (in words)."""
    renamed = renamed or {}
    out: list[RuleChange] = []
    owners_a = {o.id: o for o in hb_a.owners}
    owners_b = {o.id: o for o in hb_b.owners}
    for oid in sorted(owners_a.keys() | owners_b.keys()):
        a, b = owners_a.get(oid), owners_b.get(oid)
        if oid in renamed.values():
            continue  # said under its old id
        if oid in renamed and a is not None:
            b = owners_b[renamed[oid]]
            out.append(RuleChange(b.id, None, f"profile renamed {oid} → {b.id}"))
            out += _profile_changes(a, b)
            out += _rules_changes(hb_a, hb_b, a, b)
        elif a is None and b is not None:
            out.append(RuleChange(oid, None, f"profile '{oid}' was added ({b.status})"))
        elif b is None and a is not None:
            out.append(RuleChange(oid, None, f"profile '{oid}' was removed"))
        elif a is not None and b is not None:
            out += _profile_changes(a, b)
            out += _rules_changes(hb_a, hb_b, a, b)
    return out


def _profile_changes(a: Icp | Negative, b: Icp | Negative) -> list[RuleChange]:
    out: list[RuleChange] = []
    oid = b.id
    if a.status != b.status:
        verb = "retired" if b.status == "retired" else f"set to {b.status}"
        out.append(RuleChange(oid, None, f"profile '{oid}' was {verb} (was {a.status})"))
    if isinstance(a, Icp) and isinstance(b, Icp):
        for tier in ("A", "B", "C"):
            ta, tb = a.tiers.threshold(tier), b.tiers.threshold(tier)
            if ta != tb:
                said = f"'{oid}': tier {tier} threshold moved from {ta} to {tb} points"
                out.append(RuleChange(oid, None, said))
    return out


def _rules_changes(
    hb_a: Handbook, hb_b: Handbook, a: Icp | Negative, b: Icp | Negative
) -> list[RuleChange]:
    out: list[RuleChange] = []
    oid = b.id
    ra, rb = _rule_map(a), _rule_map(b)
    for rid in [*ra, *[r for r in rb if r not in ra]]:
        x, y = ra.get(rid), rb.get(rid)
        if x is None and y is not None:
            extra = f", {_points(y)} points" if y.points else ""
            said = f"'{oid}': {y.kind} '{y.label}' was added ({words(hb_b, y.when)}{extra})"
            out.append(RuleChange(oid, rid, said))
        elif y is None and x is not None:
            out.append(RuleChange(oid, rid, f"'{oid}': {x.kind} '{x.label}' was removed"))
        elif x is not None and y is not None:
            if x.points != y.points:
                said = f"'{y.label}' went from {_points(x)} to {_points(y)} points"
                out.append(RuleChange(oid, rid, said))
            if x.when != y.when:
                wa, wb = words(hb_a, x.when), words(hb_b, y.when)
                out.append(RuleChange(oid, rid, f'\'{y.label}\' changed from "{wa}" to "{wb}"'))
    return out


# --- verdict changes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    best_profile: str | None
    #: None when a status gate stopped the company
    tier: str | None
    score: int | None
    disqualified_by: tuple[str, ...]
    status: str = "scored"

    @classmethod
    def of(cls, v: Verdict) -> Outcome:
        return cls(v.best_profile, v.tier, v.score, v.disqualified_by, v.status)

    def key(self, renamed: dict[str, str] | None = None) -> tuple[object, ...]:
        """What makes a move: best profile, tier, status or disqualification (not the score
        alone); `renamed` (old id -> new id) reads the profiles by their new names."""
        new = renamed or {}
        best = None if self.best_profile is None else new.get(self.best_profile, self.best_profile)
        by = tuple(new.get(n, n) for n in self.disqualified_by)
        return (best, self.tier, self.status, by)

    def words(self) -> str:
        if self.disqualified_by:
            return f"D (disqualified by {', '.join(self.disqualified_by)})"
        if self.tier is None:
            return f"no score ({self.status.replace('_', ' ')})"
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
    #: profiles renamed, old id -> new id
    renamed: dict[str, str] = field(default_factory=dict)

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
    hb_a: Handbook,
    hb_b: Handbook,
    va: Verdict,
    vb: Verdict,
    changes: list[RuleChange],
    renamed: dict[str, str],
) -> tuple[str, ...]:
    """The rule changes that moved this company: rules whose result or points changed (a
    renamed profile's rules read under its new id)."""
    changed_rules = {(c.owner, c.rule) for c in changes if c.rule}
    reasons: list[str] = []

    def new_key(r: RuleResult) -> str:
        owner, _, rid = r.key.partition("/")
        return f"{renamed.get(owner, owner)}/{rid}"

    results_a = {new_key(r): r for p in va.profiles for r in (*p.requirements, *p.criteria)}
    results_a |= {new_key(r): r for n in va.negatives for r in (*n.disqualifiers, *n.warnings)}
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
            # what the rule now gives this company: a new result (the points it earns with
            # it, when it has points) before a new number of points it earned both times
            if a.status != b.status:
                points = (
                    f": {b.points:+d} points (was {a.points:+d})"
                    if b.rule.kind in ("criterion", "warning")
                    else ""
                )
                reasons.append(f"'{b.rule.label}' is now {b.status} (was {a.status}){points}")
            elif a.rule.points != b.rule.points and (a.points or b.points):
                reasons.append(
                    f"'{b.rule.label}' went from {a.rule.points:+d} to {b.rule.points:+d} points"
                )
    before = {renamed.get(p, p) for p in (va.best_profile, *va.disqualified_by) if p}
    for c in changes:
        if c.rule is None and (
            c.owner in before or c.owner in (vb.best_profile, *vb.disqualified_by)
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
    """Compare the handbook at `base` (default: merge base with main) and at `head`.

    Raises UsageError when git fails (an unknown revision, no main branch) and InputError
    when the handbook at either revision has an error (the message names the revision)."""
    today = today or dt.date.today()
    as_of = as_of or today
    base = base or default_base(root)
    with checkout(root, base) as dir_a, checkout(root, head) as dir_b:
        hb_a = open_handbook(dir_a, today=today, label=base)
        hb_b = open_handbook(dir_b, today=today, label=head)
        renamed = renames(hb_a, hb_b, today)
        report = DiffReport(base, head, as_of, rule_changes(hb_a, hb_b, renamed))
        report.renamed = renamed
        _compare_fixtures(report, hb_a, hb_b, today)
        if accounts is not None:
            _compare_accounts(report, hb_a, hb_b, accounts, as_of)
    return report


def _compare_fixtures(report: DiffReport, hb_a: Handbook, hb_b: Handbook, today: dt.date) -> None:
    """Each fixture of `hb_b` under both handbooks: its moves, and the rule tests it passed
    under `hb_a` (its own expectations then) that fail under `hb_b` (regressions)."""
    fixtures_a = {f.path: f for f in hb_a.fixtures if not f.broken}
    for fx in hb_b.fixtures:
        if fx.broken:
            continue
        va, vb = _evaluate_pair(hb_a, hb_b, fx.company, fixture_as_of(fx, today))
        report.compared += 1
        old = fixtures_a.get(fx.path)
        va_own = evaluate(hb_a, old.company, fixture_as_of(old, today)) if old else None
        old_checks = {c.key: c for c in checks(old)} if old else {}
        for check in checks(fx):
            ok_b, got_b = passes(check, vb)
            before_check = old_checks.get(check.key)
            ok_a = (
                va_own is not None and before_check is not None and passes(before_check, va_own)[0]
            )
            if ok_a and not ok_b:
                report.regressions.append(
                    Regression(
                        fixture=fx.name,
                        path=fx.path,
                        line=check.line,
                        expectation=check.key,
                        expected=check.expected,
                        before=passes(check, va)[1],
                        after=got_b,
                    )
                )
        _note_move(report, hb_a, hb_b, fx.name, fx.path, va, vb)


def _compare_accounts(
    report: DiffReport, hb_a: Handbook, hb_b: Handbook, accounts: Path, as_of: dt.date
) -> None:
    """Each account of the export `accounts` under both handbooks: its moves."""
    from .sql.companies import all_rows

    for ident, company in all_rows(hb_b, accounts):
        va, vb = _evaluate_pair(hb_a, hb_b, company, as_of)
        report.compared += 1
        _note_move(report, hb_a, hb_b, ident, str(accounts), va, vb)


def _note_move(
    report: DiffReport,
    hb_a: Handbook,
    hb_b: Handbook,
    name: str,
    where: str,
    va: Verdict,
    vb: Verdict,
) -> None:
    """A move (tier, best profile or status changed) of one company, with its reasons."""
    if Outcome.of(va).key(report.renamed) != Outcome.of(vb).key():
        why = _reasons(hb_a, hb_b, va, vb, report.rule_changes, report.renamed)
        report.moves.append(Move(name, where, Outcome.of(va), Outcome.of(vb), why))
