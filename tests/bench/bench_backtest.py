#!/usr/bin/env python3
"""Benchmark `icp backtest` against `icp score` on the same history, in the same process.

    python tests/bench/bench_backtest.py                    # 1,000,000 accounts, 3 rounds
    python tests/bench/bench_backtest.py --rows 200000 --rounds 2

The history comes from the seeded generator (`icpkit.evidence.generate`), written once
to tests/bench/data/history-<rows>.csv. Both library calls (the ones the commands make)
run on the example handbook, in rotating order, `--rounds` times; the report gives the
median wall time of each and their ratio. Target: the back-test within 2x `icp score`
(which writes its scores to a Parquet file). Results go to tests/bench/results/backtest.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import rotating, save

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TODAY = dt.date(2026, 11, 23)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()

    from icpkit.evidence import generate
    from icpkit.evidence.report import backtest
    from icpkit.loading.validate import open_handbook
    from icpkit.sql.backtest import BacktestOptions
    from icpkit.sql.scoring import ScoreOptions, score

    data = HERE / "data" / f"history-{args.rows}-{args.seed}.csv"
    if data.is_file():
        with data.open(newline="", encoding="utf-8") as handle:
            if next(csv.reader(handle), []) != list(generate.COLUMNS):
                data.unlink()  # written by an older generator (a column was added since)
    if not data.is_file():
        data.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        generate.write_csv(data, args.rows, args.seed)
        print(f"generated {data} in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    handbook = open_handbook(REPO, today=TODAY)
    out = Path(tempfile.mkdtemp()) / "scores.parquet"

    def run_one(name: str) -> float:
        start = time.perf_counter()
        if name == "score":
            score(handbook, ScoreOptions(input=data, output=out, as_of=TODAY))
        else:
            backtest(handbook, BacktestOptions(data, TODAY))
        return time.perf_counter() - start

    times = rotating(["score", "backtest"], args.rounds, run_one)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    ratio = med["backtest"] / med["score"]
    result = {
        "rows": args.rows,
        "rounds": args.rounds,
        "seconds": times,
        "median_seconds": med,
        "ratio_backtest_to_score": round(ratio, 3),
        "target": 2.0,
        "met": ratio <= 2.0,
    }
    target = save("backtest", result)
    print(
        f"{args.rows:,} accounts: score {med['score']:.2f}s, backtest {med['backtest']:.2f}s, "
        f"ratio {ratio:.2f}x (target <= 2x) -> {target}"
    )
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
