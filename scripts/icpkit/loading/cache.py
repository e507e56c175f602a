"""The validated handbook, kept between runs by content.

`score` on a large export should pay neither for validation nor for reading
YAML on every run. A handbook whose files validated with no error is stored
(pickled) under a name that digests everything it was built from: the tool's
version, its schemas and model code, the handbook's folder, and the path and
bytes of every handbook file. Any change to any of them is a new name, so a
stale entry is never read.

The entries live in the user's own cache folder ($ICP_CACHE_DIR, else
$XDG_CACHE_HOME/icpkit, else ~/.cache/icpkit), never in the repository: a
pickle can run code, and a repository is not trusted to ship one. A cache that
cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from importlib import resources
from pathlib import Path

from .. import __version__
from ..atomic import atomic_path
from ..engine.model import Handbook
from ..errors import UsageError
from ..kinds import SCHEMA_FILES
from ..repo import handbook_files

#: the code a loaded handbook depends on: its classes (engine/model.py, yamlvalues.py), and
#: what reads, checks and normalises it (the loading and engine wings), so that a changed
#: check in a development checkout is never skipped by an entry an older one wrote
_CODE = ("loading", "engine", "yamlvalues.py", "kinds.py", "problems.py")


def folder() -> Path:
    explicit = os.environ.get("ICP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "icpkit"


def digest(root: Path) -> str:
    """A fingerprint of everything the loaded handbook depends on."""
    h = hashlib.sha256(__version__.encode() + b"\0" + str(root.resolve()).encode() + b"\0")
    package = resources.files("icpkit")
    for name in _CODE:
        where = package.joinpath(name)
        files = sorted(where.iterdir(), key=lambda f: f.name) if where.is_dir() else [where]
        for code in files:
            if code.name.endswith(".py"):
                h.update(code.name.encode() + b"\0" + code.read_bytes() + b"\0")
    for name in SCHEMA_FILES:
        h.update(package.joinpath("schemas", name).read_bytes())
    for path in handbook_files(root):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def entry(root: Path) -> Path:
    """The cache file for the handbook at `root` as its files are now (digests them once)."""
    return folder() / f"handbook-{digest(root)}.pickle"


def read(root: Path) -> Handbook | None:
    """The handbook at `root` as it validated before, or None."""
    return read_entry(entry(root))


def read_entry(path: Path) -> Handbook | None:
    """The handbook kept in the cache file `path`, or None (missing or damaged: a miss)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        handbook = pickle.loads(data)
    except Exception:  # a damaged entry is a miss
        return None
    return handbook if isinstance(handbook, Handbook) else None


def write(root: Path, handbook: Handbook) -> None:
    """Keep a handbook that validated with no error (temporary file, then rename)."""
    write_entry(entry(root), handbook)


def write_entry(path: Path, handbook: Handbook) -> None:
    """Keep `handbook` in the cache file `path`; a cache that cannot be written is skipped."""
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(pickle.dumps(handbook, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, UsageError):  # atomic_path says a folder it cannot make as UsageError
        pass  # a read-only home simply validates every time
