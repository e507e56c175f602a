"""`validate`: load everything, check everything, collect every problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from .checks import check
from .handbook import Loaded, display_path, load
from .problems import Report


def validate(root: Path, paths: Sequence[Path] = (), *, today: dt.date | None = None) -> Report:
    """All problems of the handbook at `root`; with `paths`, only those in these files or folders.

    The whole handbook is always loaded, because a profile's references reach into rules/.
    """
    today = today or dt.date.today()
    loaded = load(root, today=today)
    report = loaded.report
    report.extend(check(loaded.handbook, loaded.docs, today))
    if paths:
        wanted = [display_path(p, root) for p in paths]
        report = Report(
            [p for p in report.problems if any(_under(p.path, w) for w in wanted)],
            sum(1 for d in loaded.docs if any(_under(d, w) for w in wanted)),
        )
    return report


def load_checked(root: Path, *, today: dt.date | None = None) -> Loaded:
    """The handbook with every check run; commands that need a valid handbook use this."""
    today = today or dt.date.today()
    loaded = load(root, today=today)
    loaded.report.extend(check(loaded.handbook, loaded.docs, today))
    return loaded


def _under(path: str, wanted: str) -> bool:
    wanted = wanted.rstrip("/")
    return wanted in (".", "") or path == wanted or path.startswith(wanted + "/")
