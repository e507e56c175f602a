"""What produced an output: the handbook's git commit (and whether its tree was dirty), the
as-of date, the tool version. Recorded with every scored file so it can be reproduced."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__
from ..repo import git_argv


def _git(root: Path, *args: str) -> subprocess.Popen[str] | None:
    try:
        return subprocess.Popen(
            git_argv(root, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    except OSError:
        return None


def _output(proc: subprocess.Popen[str] | None) -> str | None:
    if proc is None:
        return None
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.SubprocessError:
        proc.kill()
        proc.communicate()
        return None
    return out.strip() if proc.returncode == 0 else None


def start(root: Path, as_of: dt.date, source: Path | None = None) -> Callable[[], dict[str, Any]]:
    """Start asking git now (both questions at once, while the caller does other work); the
    function returned waits for the answers and gives the record."""
    head = _git(root, "rev-parse", "HEAD")
    status = _git(root, "status", "--porcelain", "--", "rules", "profiles")

    def record() -> dict[str, Any]:
        commit = _output(head)
        changes = _output(status) if commit else None
        return {
            "tool": "icp",
            "tool_version": __version__,
            "handbook_commit": commit,
            "handbook_dirty": bool(changes) if changes is not None else None,
            "as_of": as_of.isoformat(),
            "input": str(source) if source else None,
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        }

    return record
