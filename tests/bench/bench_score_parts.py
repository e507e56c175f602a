#!/usr/bin/env python3
"""Where `icp score`'s query time goes: its output columns apart, against the baseline.

    python tests/bench/bench_score_parts.py                     # 1,000,000 accounts, Parquet in
    python tests/bench/bench_score_parts.py --input csv --rounds 5

bench_score.py times whole processes; this one runs in one process, on one machine's
DuckDB, the hand-written baseline (the shared bench's impl/icp_duckdb.py, run from there)
and the query `icp score` writes the scores with, first with the baseline's columns only
(best profile, tier, score, disqualifiers: `core`), then with each further output column
of the scorer's contract alone (`core+<column>`: unknown and unreadable fields, status,
best-case tier, deciding fields, the tier policy's flags), then all of them (`all`, what
`icp score` writes). Each is written as Parquet, in rotating order, `--rounds` times;
the report gives the median wall and CPU seconds (user + system of the process, both
threads), each one's ratio to the baseline, and each column's cost over `core`. Results
go to tests/bench/results/score-parts-<rows>-<input>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
from bench_score import AS_OF, HERE, generate
from benchlib import add_shared, rotating, save

from icpkit.loading.validate import open_handbook
from icpkit.sql import scoring
from icpkit.sql.connection import connect, quote_ident
from icpkit.sql.mapping import read_map, with_values
from icpkit.sql.sources import open_source, plan_columns, with_convention
from icpkit.sql.sqlcompile import output_extras

BASELINE = "duckdb (hand-written)"
EXTRA = ("unknown_fields", "unreadable_fields", "status", "best_case_tier", "deciding_fields")


def scorer_queries(src: Path, out: Path) -> tuple[duckdb.DuckDBPyConnection, dict[str, str]]:
    """The scorer's connection and its COPY statements: `core`, `core+<column>`, `all`."""
    column_map = read_map(HERE / "handbook" / "map.yaml")
    handbook = with_values(open_handbook(HERE / "handbook"), column_map.values)
    con = connect(handbook, None)
    source = open_source(con, src, src.suffix[1:], folder=out, headers_again=False)
    plan = plan_columns(handbook, source, id_column=None, mapping=column_map.columns)
    source = with_convention(con, handbook, source, plan, None)
    verdicts = scoring.scoring_sql(
        handbook,
        scoring.typed_reading(handbook, source, plan),
        plan,
        dt.date.fromisoformat(AS_OF),
        per_profile=False,
    )
    flags = [quote_ident(c) for c in output_extras(handbook, per_profile=False)]
    ident = f"icp_id AS {quote_ident(plan.id_column)}"
    core = [ident, "best_profile", "tier", "score", "disqualified_by"]
    columns = {"core": core, **{f"core+{c}": [*core, c] for c in EXTRA}}
    if flags:
        columns["core+flags"] = [*core, *flags]
    full = scoring._output_select(verdicts, plan, "parquet", flags)
    target = out / "parts.parquet"
    queries = {
        name: f"COPY (SELECT {', '.join(cols)} FROM ({verdicts})) TO '{target}' (FORMAT parquet)"
        for name, cols in columns.items()
    }
    queries["all"] = f"COPY ({full}) TO '{target}' (FORMAT parquet)"
    return con, queries


def baseline(shared: Path) -> Any:
    """The shared bench's impl/icp_duckdb.py as a module (run from there, not copied)."""
    spec = importlib.util.spec_from_file_location("icp_duckdb", shared / "impl" / "icp_duckdb.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--input", choices=("csv", "parquet"), default="parquet")
    add_shared(ap)
    args = ap.parse_args()
    shared = args.shared.resolve()
    src = generate(shared, args.rows, 42).with_suffix(f".{args.input}")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    con, queries = scorer_queries(src, out)
    ref = baseline(shared)

    def one(name: str) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        if name == BASELINE:
            ref.main(str(src), str(out / "parts-duckdb.parquet"))
        else:
            con.execute(queries[name])
        return time.perf_counter() - wall, time.process_time() - cpu

    runs = rotating([BASELINE, *queries], args.rounds, one)
    wall = {n: round(statistics.median(w for w, _ in r), 3) for n, r in runs.items()}
    cpu = {n: round(statistics.median(c for _, c in r), 3) for n, r in runs.items()}
    result = {
        "rows": args.rows,
        "input": args.input,
        "rounds": args.rounds,
        "wall_s": wall,
        "cpu_s": cpu,
        "wall_ratio_to_baseline": {n: round(w / wall[BASELINE], 2) for n, w in wall.items()},
        "cpu_over_core_s": {
            n: round(c - cpu["core"], 3) for n, c in cpu.items() if n.startswith("core+")
        },
        "baseline": BASELINE,
    }
    print(f"{'query':24} {'wall s':>7} {'cpu s':>7} {'x base':>7}")
    for name in runs:
        ratio = result["wall_ratio_to_baseline"][name]
        print(f"{name:24} {wall[name]:7.2f} {cpu[name]:7.2f} {ratio:7.2f}")
    print(f"wrote {save(f'score-parts-{args.rows}-{args.input}', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
