"""A change log people read: for every profile, the rule changes of each commit that
touched its file, in plain words, with date and author.

The words come from the engine behind `icp diff` (`icpkit.diff.rule_changes`) applied to
the handbook before and after the commit (read with `git archive`, the working tree is
untouched). A commit that changed only the profile's narrative says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..engine.model import Handbook
from ..errors import UsageError
from ..repo import git, git_ok

#: commits read at most (each costs two handbook loads)
MAX_COMMITS = 20


@dataclass(frozen=True)
class Entry:
    """One commit's changes to one profile."""

    date: str
    author: str
    commit: str
    #: the rule changes in words; empty when only the text around the rules changed
    changes: tuple[str, ...]


def _commits(root: Path) -> list[tuple[str, str, str, list[str]]]:
    """(hash, date, author, files) of recent commits under profiles/, newest first."""
    try:
        log = git(
            root,
            "log",
            f"-{MAX_COMMITS}",
            "--date=short",
            "--name-only",
            "--format=%x1e%H%x1f%ad%x1f%an",
            "--relative",
            "--",
            "profiles",
        ).decode(errors="replace")
    except UsageError:  # no git, or not a repository: no change log
        return []
    out = []
    for record in log.split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        parts = head.split("\x1f")
        if len(parts) == 3:
            out.append((parts[0], parts[1], parts[2], names.split()))
    return out


def _handbook_at(root: Path, rev: str, cache: dict[str, Handbook | None]) -> Handbook | None:
    """The handbook at a revision, opened as `icp diff` opens it (None when that revision has
    no handbook or one with errors)."""
    if rev in cache:
        return cache[rev]
    from ..diff import checkout
    from ..errors import IcpError
    from ..loading.validate import open_handbook

    try:
        with checkout(root, rev) as folder:
            hb: Handbook | None = open_handbook(folder, today=dt.date.today(), label=rev)
    except (IcpError, OSError):
        hb = None
    cache[rev] = hb
    return hb


def _has_parent(root: Path, commit: str) -> bool:
    return git_ok(root, "rev-parse", "--verify", "--quiet", f"{commit}^", timeout=30)


def _commit_changes(
    root: Path, commit: str, owners: list[str], loaded: dict[str, Handbook | None]
) -> dict[str, list[str]]:
    """owner id -> the rule changes `commit` made to it, in words (the words of `icp diff`)."""
    from ..diff import rule_changes

    after = _handbook_at(root, commit, loaded)
    parent = _has_parent(root, commit)
    before = _handbook_at(root, f"{commit}^", loaded) if after is not None and parent else None
    if after is None or (parent and before is None):
        unread = ["the rules at this revision could not be read (icp validate failed there)"]
        return dict.fromkeys(owners, unread)
    changes = rule_changes(before, after) if before is not None else []
    out = {}
    for oid in owners:
        texts = [c.text.removeprefix(f"'{oid}': ") for c in changes if c.owner == oid]
        out[oid] = texts if before is not None else ["the profile was added"]
    return out


def _cache_file(commit: str, owners: list[str]) -> Path:
    """Where one commit's changes are kept between builds: a commit never changes, so the
    name digests it with the code that words the changes (kept in the user's cache folder)."""
    from .. import __version__, diff
    from ..engine import explain
    from ..loading.cache import folder

    digest = hashlib.sha256(f"{__version__}\0{commit}\0{','.join(owners)}".encode())
    for module in (diff, explain):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return folder() / "changelog" / f"{digest.hexdigest()[:32]}.json"


def _cached_changes(
    root: Path, commit: str, owners: list[str], loaded: dict[str, Handbook | None]
) -> dict[str, list[str]]:
    path = _cache_file(commit, owners)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and all(isinstance(data.get(o), list) for o in owners):
            return {o: [str(t) for t in data[o]] for o in owners}
    except (OSError, ValueError):
        pass
    found = _commit_changes(root, commit, owners, loaded)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(found), encoding="utf-8")
    except OSError:
        pass  # a cache that cannot be written is not used
    return found


def change_log(root: Path, paths: dict[str, str]) -> dict[str, list[Entry]]:
    """For each profile id (with its file path in `paths`), its changes, newest first.
    Each commit is read once; its changes are kept in the user's cache folder."""
    by_path = {p: i for i, p in paths.items()}
    out: dict[str, list[Entry]] = {}
    loaded: dict[str, Handbook | None] = {}
    for commit, date, author, files in _commits(root):
        touched = sorted({by_path[f] for f in files if f in by_path})
        if not touched:
            continue
        changes = _cached_changes(root, commit, touched, loaded)
        for oid in touched:
            out.setdefault(oid, []).append(Entry(date, author, commit[:7], tuple(changes[oid])))
    return out
