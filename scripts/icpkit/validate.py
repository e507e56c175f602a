"""`validate`: load everything, check everything, collect every problem."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from . import __version__
from .checks import check
from .handbook import Loaded, display_path, handbook_files, load
from .kinds import SCHEMA_FILES
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


CACHE_DIR = ".icp-cache"


def digest(root: Path) -> str:
    """A fingerprint of everything validation depends on: every handbook file's path and
    bytes, the schemas and the tool version."""
    h = hashlib.sha256(__version__.encode())
    for name in SCHEMA_FILES:
        h.update(resources.files("icpkit.schemas").joinpath(name).read_bytes())
    for path in handbook_files(root):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def load_checked(root: Path, *, today: dt.date | None = None, cache: bool = False) -> Loaded:
    """The handbook with every check run; commands that need a valid handbook use this.

    With `cache`, a handbook whose exact files validated with no error before (a marker in
    .icp-cache/) is loaded without schema validation and checks (and without importing
    jsonschema): `score` on a large export should not pay for validation twice."""
    today = today or dt.date.today()
    marker = root / CACHE_DIR / f"valid-{digest(root)}" if cache else None
    if marker is not None and marker.is_file():
        return load(root, today=today, trusted=True)
    loaded = load(root, today=today)
    loaded.report.extend(check(loaded.handbook, loaded.docs, today))
    if marker is not None and not loaded.report.errors:
        try:
            marker.parent.mkdir(exist_ok=True)
            (marker.parent / ".gitignore").write_text("*\n")
            marker.touch()
        except OSError:
            pass  # a read-only checkout simply validates every time
    return loaded


def _under(path: str, wanted: str) -> bool:
    wanted = wanted.rstrip("/")
    return wanted in (".", "") or path == wanted or path.startswith(wanted + "/")
