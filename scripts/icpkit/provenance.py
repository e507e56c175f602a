"""What produced an output: the handbook's git commit (and whether its tree was dirty), the
as-of date, the tool version. Recorded with every scored file so it can be reproduced."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

from . import __version__


def git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def handbook_version(root: Path) -> dict[str, Any]:
    commit = git(root, "rev-parse", "HEAD")
    status = git(root, "status", "--porcelain", "--", "rules", "profiles") if commit else None
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def provenance(root: Path, as_of: dt.date, source: Path | None = None) -> dict[str, Any]:
    version = handbook_version(root)
    return {
        "tool": "icp",
        "tool_version": __version__,
        "handbook_commit": version["commit"],
        "handbook_dirty": version["dirty"],
        "as_of": as_of.isoformat(),
        "input": str(source) if source else None,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
