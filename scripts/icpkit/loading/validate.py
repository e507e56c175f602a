"""`validate`: load everything, check everything, collect every problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.model import Handbook
from ..errors import InputError
from ..problems import Report, one_per_line
from ..repo import display_path
from ..wording import counted

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
    """The handbook at `root` loaded, schema-validated and cross-checked (`checks.check`).

    Every problem is collected in the returned report; nothing about the handbook is
    raised. `validate`, `icp new` and the pytest plugin (which shows each fixture's own
    problems) read this; everything else goes through `open_handbook`."""
    from .checks import check
    from .dependents import collapse
    from .handbook import load

    today = today or dt.date.today()
    loaded = load(root)
    failed = [p.path for p in loaded.report.errors]
    loaded.report.extend(check(loaded.handbook, loaded.docs, today))
    problems = collapse(loaded.report.problems, failed, loaded.docs, root)
    loaded.report.problems = one_per_line(problems, "yaml-typographic-quotes")
    return loaded


def open_loaded(root: Path, *, today: dt.date | None = None, label: str | None = None) -> Loaded:
    """The checked handbook at `root` with its report, for callers that also show its
    warnings (the site).

    Raises InputError (one message: the count of errors and the first, with its
    file:line:col) when the handbook has an error; `label` (a git revision) prefixes it."""
    loaded = load_checked(root, today=today)
    if said := invalid(loaded.report, label):
        # a revision's problems are not annotated on the working tree's files
        raise HandbookInvalid(said, loaded.report if label is None else Report())
    return loaded


class HandbookInvalid(InputError):
    """The handbook has errors: the message is `invalid`'s one line; `report` keeps every
    problem, for the CLI to annotate them in CI as `icp validate` does."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


def invalid(report: Report, label: str | None = None) -> str | None:
    """The one message for a handbook with errors (their count and the first, with its
    file:line:col; `label`, a git revision, names the handbook), or None without errors."""
    errors = sorted(set(report.errors))
    if not errors:
        return None
    where = f"the handbook at {label}" if label else "the handbook"
    return f"{where} has {counted(len(errors), 'error')}, the first: {errors[0]}; run icp validate"


def open_handbook(
    root: Path, *, today: dt.date | None = None, cache: bool = False, label: str | None = None
) -> Handbook:
    """The one way to open a handbook for use: load, schema-validate, cross-check.

    With `cache`, a handbook whose exact files validated before is read from the cache
    (`icpkit.loading.cache`) without parsing YAML or validating again; the cache entry's
    digest is computed once per call. Raises InputError (see `open_loaded`) when the
    handbook has an error; `label` names the revision in that message."""
    from . import cache as kept

    entry = kept.entry(root) if cache else None
    if entry is not None:
        handbook = kept.read_entry(entry)
        if handbook is not None:
            return handbook
    handbook = open_loaded(root, today=today, label=label).handbook
    if entry is not None:
        kept.write_entry(entry, handbook)
    return handbook


def _under(path: str, wanted: str) -> bool:
    wanted = wanted.rstrip("/")
    return wanted in (".", "") or path == wanted or path.startswith(wanted + "/")
