#!/usr/bin/env python3
"""Benchmark `icp score` against the hand-written DuckDB and polars baselines.

    pip install -e ".[bench]"                              # polars, numpy for the baselines
    python tests/bench/bench_score.py                      # 1,000,000 accounts, 5 rounds
    python tests/bench/bench_score.py --rows 100000 --rounds 3

The baselines and the account generator live in the shared bench folder
(`--shared`, default ../shared/bench beside the repository, or $ICP_BENCH_SHARED)
and are run from there, never copied. Every program runs as a whole process
(CSV in, Parquet out), in rotating order, `--rounds` times; the report gives the
median wall time and the peak resident memory of each, the ratios of `icp score`
to the faster baseline, and whether all outputs agree row by row (the shared
compare.py). Targets: time within 1.3x, memory within 2x, identical verdicts.
Results are written to tests/bench/results/score.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import rotating, save

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0,):
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, int(usage.ru_maxrss)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("ICP_BENCH_SHARED", REPO.parent / "shared" / "bench")),
    )
    args = ap.parse_args()
    shared = args.shared.resolve()
    if not (shared / "gen_accounts.py").is_file():
        sys.exit(f"no gen_accounts.py in {shared}; pass --shared")
    data = HERE / "data" / f"accounts_{args.rows}"
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    if not data.with_suffix(".csv").is_file():
        subprocess.run(
            [
                sys.executable,
                str(shared / "gen_accounts.py"),
                "--rows",
                str(args.rows),
                "--seed",
                str(args.seed),
                "--out",
                str(data),
            ],
            check=True,
        )
    csv = str(data.with_suffix(".csv"))
    icp = str(Path(sys.executable).with_name("icp"))
    programs = {
        "duckdb (hand-written)": [
            sys.executable,
            str(shared / "impl" / "icp_duckdb.py"),
            csv,
            str(out / "duckdb.parquet"),
        ],
        "polars (hand-written)": [
            sys.executable,
            str(shared / "impl" / "icp_polars.py"),
            csv,
            str(out / "polars.parquet"),
        ],
        "icp score": [
            icp,
            "--root",
            str(HERE / "handbook"),
            "score",
            csv,
            "-o",
            str(out / "icp.parquet"),
            "--as-of",
            "2026-11-01",
        ],
    }
    runs = rotating(list(programs), args.rounds, lambda name: run(programs[name]))
    same = subprocess.run(
        [
            sys.executable,
            str(shared / "compare.py"),
            str(out / "duckdb.parquet"),
            str(out / "polars.parquet"),
            str(out / "icp.parquet"),
        ],
        capture_output=True,
        text=True,
    )
    median = {n: statistics.median(wall for wall, _ in r) for n, r in runs.items()}
    peak = {n: max(kb for _, kb in r) for n, r in runs.items()}
    fastest = min(("duckdb (hand-written)", "polars (hand-written)"), key=median.__getitem__)
    time_ratio = median["icp score"] / median[fastest]
    mem_ratio = peak["icp score"] / peak[fastest]
    print(f"{args.rows:,} accounts, CSV in, Parquet out, median of {args.rounds} runs")
    for n in programs:
        print(f"  {n:<24} {median[n]:6.2f} s   peak {peak[n] / 1024:7.0f} MB")
    print(
        f"icp score / {fastest}: time {time_ratio:.2f}x (target 1.3x), "
        f"memory {mem_ratio:.2f}x (target 2x)"
    )
    print(same.stdout.strip())
    verdicts_same = same.returncode == 0
    print("verdicts identical" if verdicts_same else "VERDICTS DIFFER")
    save(
        "score",
        {
            "rows": args.rows,
            "rounds": args.rounds,
            "median_s": median,
            "peak_kb": peak,
            "baseline": fastest,
            "time_ratio": round(time_ratio, 3),
            "memory_ratio": round(mem_ratio, 3),
            "verdicts_identical": verdicts_same,
        },
    )
    return 0 if verdicts_same else 1


if __name__ == "__main__":
    sys.exit(main())
