"""One root error per mistake: problems that only follow from another document failing to load.

When a document fails to load (bad YAML, a schema error, a condition that cannot be
built), it is left out of the model, and everything that refers to it then reports
"found the ICP 'x', which does not exist", "found the field 'y', which is not in
rules/vocabulary.yaml" and so on. Those are not mistakes of their own: this module
moves them out of the report and leaves, on the failing document, one note saying how
many problems elsewhere depend on it (they are checked again once it loads). Every kind
of reference counts: a fixture's expected group, flag or status that a failing profile
or tier policy would define waits for it like a rule or a field does.

A document that exists but is invalid is never reported as missing either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..kinds import KINDS
from ..problems import Level, Problem
from ..repo import FIXTURES_DIR, PROFILES_DIR, RULES_DIR
from .document import Document

#: problems that say a referenced thing does not exist (their first quoted name is the thing)
REFERENCE_RULES = frozenset(
    {
        "unknown-profile",
        "unknown-reference",
        "unknown-rule",
        "unknown-field",
        "unknown-segment",
        "unknown-region",
    }
)
DEPENDENTS_RULE = "dependents"

_QUOTED = re.compile(r"'([^']*)'")
_TOP_KEY = {
    key: re.compile(rf"^{key}:[ \t]*['\"]?([^'\"#\s]+)", re.MULTILINE) for key in ("kind", "id")
}
#: what a reference message names → the kinds of document that define such names
_WHAT = (
    ("the ICP '", ("icp",)),
    ("the negative portrait '", ("negative",)),
    ("the warning sign '", ("negative",)),
    ("the rule '", ("icp", "negative")),
    ("the field '", ("vocabulary",)),
    ("the segment '", ("segments",)),
    ("the region '", ("regions",)),
    ("the group '", ("icp",)),
    ("the flag '", ("tier_policy",)),
    ("the status '", ("tier_policy", "icp")),
)


@dataclass(frozen=True)
class _Provider:
    """A document that failed to load, and the names it would have defined."""

    path: str
    kind: str | None
    ident: str | None
    #: the statuses of the profile's status gates, as far as its data was read (None: its
    #: text did not parse, so any status may be one of them)
    statuses: frozenset[str] | None = None

    def defines(self, kinds: tuple[str, ...], name: str, what: str = "") -> bool:
        if self.kind is not None and self.kind not in kinds:
            return False
        if self.kind in ("vocabulary", "segments", "regions"):
            return True  # every field / segment / region is unknown while it fails
        if what == "the status '" and self.kind == "icp":
            return self.statuses is None or name in self.statuses
        if self.ident is None:
            return self.kind is not None
        # a profile is named by its file too (its id must be its file's name): a reference
        # to the file's name waits for the profile whatever its broken id says
        names = {self.ident}
        if self.kind in ("icp", "negative"):
            names.add(Path(self.path).stem)
        return any(name == n or name.startswith(n + "/") for n in names)


def _sniff(root: Path, doc: Document) -> tuple[str | None, str | None]:
    """The kind and id of a document, from its data or (when it did not parse) its text."""
    data = doc.data if isinstance(doc.data, dict) else {}
    kind, ident = data.get("kind"), data.get("id")
    if not isinstance(kind, str) or not isinstance(ident, str):
        try:
            text = (root / doc.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        if not isinstance(kind, str):
            m = _TOP_KEY["kind"].search(text)
            kind = m.group(1) if m else _kind_by_place(doc.path)
        if not isinstance(ident, str):
            m = _TOP_KEY["id"].search(text)
            ident = (
                m.group(1) if m else (Path(doc.path).stem if kind in ("icp", "negative") else None)
            )
    if kind not in KINDS:
        kind = _kind_by_place(doc.path)
    return kind, ident


def _statuses(doc: Document) -> frozenset[str] | None:
    """The statuses of a profile's status gates (`qualification.gates`), or None when its
    data did not parse into a mapping."""
    if not isinstance(doc.data, dict):
        return None
    qualification = doc.data.get("qualification")
    gates = qualification.get("gates") if isinstance(qualification, dict) else None
    if not isinstance(gates, list):
        return frozenset()
    return frozenset(
        g["status"] for g in gates if isinstance(g, dict) and isinstance(g.get("status"), str)
    )


def _kind_by_place(path: str) -> str | None:
    p = Path(path)
    if path.startswith(RULES_DIR + "/"):
        return p.stem.replace("-", "_")
    if path.startswith(PROFILES_DIR + "/icp/"):
        return "icp"
    if path.startswith(PROFILES_DIR + "/negative/"):
        return "negative"
    if path.startswith(FIXTURES_DIR + "/"):
        return "fixture"
    return None


def _referenced(problem: Problem) -> tuple[tuple[str, ...], str, str] | None:
    """The kinds of document that could define what `problem` says is missing, its name,
    and what it is (the message's words before the name)."""
    for prefix, kinds in _WHAT:
        at = problem.message.find(prefix)
        if at >= 0:
            m = _QUOTED.match(problem.message, at + len(prefix) - 1)
            if m:
                return kinds, m.group(1), prefix
    return None


def collapse(
    problems: Iterable[Problem], failed: Iterable[str], docs: Mapping[str, Document], root: Path
) -> list[Problem]:
    """`problems` with those that only follow from a failed document replaced by one note on it.

    `failed` are the paths of documents left out of the model because of their own errors.
    The note is a `Level.NOTE` problem (rule `dependents`) at the first error of the failing
    document."""
    problems = list(problems)
    failed = [p for p in dict.fromkeys(failed) if p in docs]
    providers = [_Provider(p, *_sniff(root, docs[p]), _statuses(docs[p])) for p in failed]
    kept: list[Problem] = []
    depends_on: dict[Problem, str] = {}
    for problem in problems:
        if problem.rule == "missing-rules" and problem.path in docs:
            continue  # it exists: its own problems say why it did not load
        target = _referenced(problem) if problem.rule in REFERENCE_RULES else None
        owner = None
        if target is not None and problem.level is Level.ERROR:
            owner = next(
                (v.path for v in providers if v.path != problem.path and v.defines(*target)),
                None,
            )
        if owner is None:
            kept.append(problem)
        else:
            depends_on[problem] = owner
    # a document that failed only because of another one: its problems belong to that root
    own_errors = {p.path for p in kept if p.level is Level.ERROR}
    roots: dict[str, str] = {}
    for start in {*depends_on.values()}:
        path, seen = start, {start}
        while path not in own_errors:
            nxt = next((o for d, o in depends_on.items() if d.path == path), None)
            if nxt is None or nxt in seen:
                break
            seen.add(nxt)
            path = nxt
        roots[start] = path
    counted: dict[str, list[Problem]] = {}
    for problem, owner in depends_on.items():
        counted.setdefault(roots.get(owner, owner), []).append(problem)
    for root_path, deps in counted.items():
        files = {d.path for d in deps} - {root_path}
        first = min((p for p in kept if p.path == root_path), default=None)
        line, column = (first.line, first.column) if first else (1, 1)
        n, m = len(deps), len(files)
        kept.append(
            Problem(
                root_path,
                line,
                column,
                Level.NOTE,
                f"checks of {n} thing{'s' if n != 1 else ''} in {m} other "
                f"{'file that uses' if m == 1 else 'files that use'} this file wait until the "
                "error above is fixed; they are not more errors",
                DEPENDENTS_RULE,
            )
        )
    return kept
