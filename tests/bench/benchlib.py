"""What the benchmark scripts share: whole-process runs in rotating order, and results files."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def rotating(names: Sequence[str], rounds: int, run_one: Callable[[str], T]) -> dict[str, list[T]]:
    """Run every program `rounds` times, starting each round one program later, so no program
    always runs first (cold caches) or last (warm ones)."""
    out: dict[str, list[T]] = {name: [] for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in [*names[k:], *names[:k]]:
            out[name].append(run_one(name))
    return out


def save(name: str, data: dict[str, Any]) -> Path:
    """Write tests/bench/results/<name>.json, with the command that produced it."""
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"{name}.json"
    target.write_text(json.dumps({**data, "command": " ".join(sys.argv)}, indent=2) + "\n")
    return target


def add_shared(ap: argparse.ArgumentParser) -> None:
    """The `--shared` option: the shared bench folder, where the baselines and the account
    generator are run from (default ../shared/bench beside the repository, or
    $ICP_BENCH_SHARED)."""
    ap.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("ICP_BENCH_SHARED", REPO.parent / "shared" / "bench")),
    )
