"""`validate`: load everything, check everything, collect every problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.model import Handbook
from ..errors import InputError
from ..problems import Report
from ..repo import display_path

if TYPE_CHECKING:
    from .handbook import Loaded


def validate(root: Path, paths: Sequence[Path] = (), *, today: dt.date | None = None) -> Report:
    """All problems of the handbook at `root`; with `paths`, only those in these files or folders.

    The whole handbook is always loaded, because a profile's references reach into rules/.
    """
    loaded = load_checked(root, today=today)
    report = loaded.report
    if paths:
        wanted = [display_path(p, root) for p in paths]
        report = Report(
            [p for p in report.problems if any(_under(p.path, w) for w in wanted)],
            sum(1 for d in loaded.docs if any(_under(d, w) for w in wanted)),
        )
    return report


def load_checked(root: Path, *, today: dt.date | None = None) -> Loaded:
    """The handbook with every check run."""
    from .checks import check
    from .dependents import collapse
    from .handbook import load

    today = today or dt.date.today()
    loaded = load(root, today=today)
    failed = [p.path for p in loaded.report.errors]
    loaded.report.extend(check(loaded.handbook, loaded.docs, today))
    loaded.report.problems = collapse(loaded.report.problems, failed, loaded.docs, root)
    return loaded


def valid_handbook(root: Path, *, today: dt.date | None = None, cache: bool = False) -> Handbook:
    """The handbook, for commands that need a valid one: an error stops them (validate
    says which).

    With `cache`, a handbook whose exact files validated before is read from the cache
    (`icpkit.loading.cache`) without parsing YAML or validating again."""
    from . import cache as kept

    if cache:
        handbook = kept.read(root)
        if handbook is not None:
            return handbook
    handbook = load_valid(root, today=today).handbook
    if cache:
        kept.write(root, handbook)
    return handbook


def load_valid(root: Path, *, today: dt.date | None = None) -> Loaded:
    """The handbook with every check run; an error stops the caller (validate says which)."""
    loaded = load_checked(root, today=today)
    if loaded.report.errors:
        first = loaded.report.sorted()[0]
        raise InputError(
            f"the handbook has {len(loaded.report.errors)} error(s), the first: "
            f"{first}; run icp validate"
        )
    return loaded


def _under(path: str, wanted: str) -> bool:
    wanted = wanted.rstrip("/")
    return wanted in (".", "") or path == wanted or path.startswith(wanted + "/")
