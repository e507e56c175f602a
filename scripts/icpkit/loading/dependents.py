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

One id renamed or misspelt where it is defined makes every reference to the old id fail:
unknown-reference problems naming the same missing id of the same kind (group, rule,
criterion, segment, flag, status, profile) are one mistake. The first of them (by file,
line, column) stays as the error, saying how many other references name that id; the others
wait on it and are counted in its note, like the problems of a failing document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
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


#: what a reference message names → the kind of id it is (one kind per namespace of ids)
_SAME_KIND = (
    ("the ICP '", "profile"),
    ("the negative portrait '", "profile"),
    ("the warning sign '", "rule"),
    ("the rule '", "rule"),
    ("the segment '", "segment"),
    ("the group '", "group"),
    ("the flag '", "flag"),
    ("the status '", "status"),
)
#: the kinds of id written `profile/name`
_QUALIFIED = frozenset({"rule", "group"})
#: how many files an error folding other references lists by name
_LISTED = 3


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


def _missing_id(problem: Problem, docs: Mapping[str, Document]) -> tuple[str, str] | None:
    """The kind and the (qualified) name of the id an unknown-reference problem says is
    missing, or None for another problem. A profile's pond map names its own rules
    without the profile's id: they are qualified with it."""
    if problem.level is not Level.ERROR or problem.rule not in REFERENCE_RULES:
        return None
    found = _referenced(problem)  # the one reading of a reference message
    kind = dict(_SAME_KIND).get(found[2]) if found is not None else None
    if found is None or kind is None:
        return None
    name = found[1]
    if problem.rule == "unknown-rule" and "/" not in name:
        doc = docs.get(problem.path)
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        ident = data.get("id")
        owner = ident if isinstance(ident, str) else Path(problem.path).stem
        name = f"{owner}/{name}"
    profile, _, _ = name.partition("/")
    if kind in _QUALIFIED and "/" in name and profile not in _profile_ids(docs):
        return "profile", profile  # a renamed profile: its rules and groups are missing too
    return kind, name


def _name_of(problem: Problem) -> str | None:
    """The name a reference problem says is missing, as its message writes it."""
    found = _referenced(problem)
    return found[1] if found is not None else None


def _profile_ids(docs: Mapping[str, Document]) -> frozenset[str]:
    """The ids of the profiles (ICPs and negative portraits) that read, as written."""
    return frozenset(
        d.data["id"]
        for d in docs.values()
        if isinstance(d.data, dict)
        and d.data.get("kind") in ("icp", "negative")
        and isinstance(d.data.get("id"), str)
    )


def _same_mistake(
    kept: list[Problem], docs: Mapping[str, Document], absent: frozenset[str]
) -> tuple[list[Problem], dict[Problem, Problem]]:
    """`kept` with the references to one missing id, or to any name of a kind of document
    that is `absent` (`_absent_kinds`), folded into the first of them (which says how many
    others there are), and each folded problem mapped to that first one."""
    groups: dict[tuple[str, str], list[Problem]] = {}
    for problem in kept:
        key = _in_absent(problem, absent) or _missing_id(problem, docs)
        if key is not None:
            groups.setdefault(key, []).append(problem)
    # a pond map's rule naming a negative portrait that is gone: the portrait's mistake
    for kind, name in list(groups):
        profile = ("profile", name.partition("/")[2])
        if kind == "rule" and profile in groups and profile != ("profile", ""):
            groups[profile] += groups.pop((kind, name))
    folded: dict[Problem, Problem] = {}
    firsts: dict[Problem, Problem] = {}
    for (kind, name), group in groups.items():
        gone = (
            f"; found no file of kind {kind}: expected {RULES_DIR}/{kind}.yaml (deleted, or moved?)"
            if kind in absent
            else ""
        )
        if len(group) < 2:
            if gone:
                firsts[group[0]] = replace(group[0], message=group[0].message + gone)
            continue
        # the reference naming the missing id itself says it best (a profile, not its rule)
        # (and a reference to it by name, not a pond map's rule that happens to name it)
        first, *others = sorted(
            group,
            key=lambda p: (
                kind == "profile" and (_name_of(p) != name or p.rule == "unknown-rule"),
                p,
            ),
        )
        files = list(dict.fromkeys(p.path for p in others))
        shown = ", ".join(files[:_LISTED]) + (", …" if len(files) > _LISTED else "")
        n = len(others)
        which = f" to {name}" if name in absent else ""
        said = replace(
            first,
            message=f"{first.message} (and {n} other reference{'s' if n != 1 else ''}{which}: "
            f"{shown}){gone}",
        )
        firsts[first] = said
        folded.update((p, said) for p in others)
    return [firsts.get(p, p) for p in kept if p not in folded], folded


#: the kinds of document a handbook may leave out, whose every name is then unknown (a
#: kind's names are called by its kind: segments, regions)
_OPTIONAL = ("segments", "regions")


def _absent_kinds(docs: Mapping[str, Document]) -> frozenset[str]:
    """The optional kinds of document (segments, regions) that no file is of (a file deleted
    or moved out of rules/ makes every reference to any of their names unknown: one
    mistake)."""
    present = {d.data.get("kind") for d in docs.values() if isinstance(d.data, dict)}
    return frozenset(kind for kind in _OPTIONAL if kind not in present)


def _in_absent(problem: Problem, absent: frozenset[str]) -> tuple[str, str] | None:
    """(kind, kind) for the absent kind of document that `problem` says a name of is unknown
    (the key `_same_mistake` groups by: a kind, and the names it is about), or None."""
    if problem.level is not Level.ERROR or problem.rule not in REFERENCE_RULES:
        return None
    found = _referenced(problem)
    kinds = found[0] if found is not None else ()
    kind = next((k for k in kinds if k in absent), None)
    return (kind, kind) if kind is not None else None


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
    # references to one missing id: one error, the others wait on it
    absent = _absent_kinds(docs)
    kept, folded = _same_mistake(kept, docs, absent)
    depends_on.update((p, first.path) for p, first in folded.items())
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
        same = sum(1 for d in deps if d in folded)
        names = {k[1] for d in deps if d in folded and (k := _in_absent(d, absent)) is not None}
        to = f"to {min(names)}" if names else "to the same id"
        said = _waiting(len(deps) - same, len(files), same, to, own=root_path in failed)
        kept.append(
            Problem(
                root_path,
                line,
                column,
                Level.NOTE,
                f"{said} until the error above is fixed; they are not more errors",
                DEPENDENTS_RULE,
            )
        )
    return kept


def _waiting(n: int, m: int, same: int, to: str, *, own: bool) -> str:
    """What waits on a root error: `n` checks in `m` other files, `same` other references
    `to` the same id; `own`: the file was left out of the model, so its other checks too."""
    if same == 0:
        said = (
            f"checks of {n} thing{'s' if n != 1 else ''} in {m} other "
            f"{'file that uses' if m == 1 else 'files that use'} this file wait"
        )
        if own:
            # a file left out of the model: its own further checks did not run either
            said = (
                f"this file's other checks and the checks of {n} "
                f"thing{'s' if n != 1 else ''} in {m} other "
                f"{'file that uses' if m == 1 else 'files that use'} it wait"
            )
    elif n == 0:
        said = (
            f"{same} other reference{'s' if same != 1 else ''} {to} in {m} other "
            f"file{'s' if m != 1 else ''} {'waits' if same == 1 else 'wait'}"
        )
    else:
        said = (
            f"{same} other reference{'s' if same != 1 else ''} {to} and the "
            f"checks of {n} thing{'s' if n != 1 else ''} that depend on them, in {m} other "
            f"file{'s' if m != 1 else ''}, wait"
        )
    return said
