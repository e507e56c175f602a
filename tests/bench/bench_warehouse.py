#!/usr/bin/env python3
"""Benchmark the generated warehouse SQL against the hand-written portable SQL, in one process.

    python tests/bench/bench_warehouse.py                       # PostgreSQL and Spark, 1,000,000
    python tests/bench/bench_warehouse.py --engine postgres --rows 200000 --rounds 3
    python tests/bench/bench_warehouse.py --planning            # planning time, 3..30 profiles

The hand-written queries (`reference_<dialect>.sql`) and the account generator live in the
shared bench folder (`--shared`, default ../shared/bench beside the repository, or
$ICP_BENCH_SHARED) and are read from there, never copied. The rules are the same ruleset
as a handbook (tests/bench/handbook). Each engine loads the data once (load time reported
separately: PostgreSQL COPY of the CSV into a throwaway server this script starts, Spark a
temporary view over the Parquet), then runs the reference query and the generated one in
rotating order, `--rounds` times, fetching every row (Arrow for Spark). The generated query
is run with the reference's columns (best profile, score, tier, disqualified_by) for the
ratio, and once more with every output column (reason, per-profile scores) for information.
Results must agree row by row. Target: generated within 1.3x of the reference's median query
time. Results go to tests/bench/results/warehouse-<engine>.json (one file per engine, so that
a run of one engine keeps the other's result).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchlib import add_shared, rotating, save

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests"))

from icpkit.engine.model import Handbook  # noqa: E402
from icpkit.loading.handbook import load  # noqa: E402
from icpkit.sql.dialects import DIALECTS  # noqa: E402
from icpkit.sql.ir import Options, TableSpec, render  # noqa: E402

CORE = ("best_profile", "score", "tier", "disqualified_by")
AS_OF = dt.date(2026, 11, 1)


def generated(handbook: Handbook, dialect: str, *, full: bool = False) -> str:
    spec = TableSpec("accounts")
    opts = Options(AS_OF) if full else Options(AS_OF, outputs=CORE, per_profile=False)
    return render(handbook, spec, DIALECTS[dialect], opts)


def rows_of(names: list[str], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """(id, best_profile, score, tier, disqualified_by) sorted by id, from either query."""
    plain = [n.removeprefix("icp_") for n in names]
    idx = [0] + [plain.index(c) for c in CORE]
    return sorted(tuple(r[i] for i in idx) for r in rows)


def bench_postgres(handbook: Handbook, data: Path, rounds: int, shared: Path) -> dict[str, Any]:
    import psycopg

    from icpkit.sql.engines import postgres_load_csv
    from warehouse_servers import postgres_server

    ref_sql = (shared / "warehouse" / "reference_postgres.sql").read_text()
    gen_sql = generated(handbook, "postgres")
    full_sql = generated(handbook, "postgres", full=True)
    out: dict[str, Any] = {}
    with postgres_server() as dsn, psycopg.connect(dsn, autocommit=True) as con:
        con.execute("SET jit = off")
        out["server_version"] = con.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        start = time.perf_counter()
        postgres_load_csv(con, handbook, TableSpec("accounts"), DIALECTS["postgres"],
                          data.with_suffix(".csv"), "accounts")  # fmt: skip
        out["load_s"] = round(time.perf_counter() - start, 2)
        results: dict[str, list[tuple[Any, ...]]] = {}

        def one(name: str) -> float:
            sql = {"reference": ref_sql, "generated": gen_sql}[name]
            start = time.perf_counter()
            with con.cursor() as cur:
                cur.execute(sql)
                rows = cur.fetchall()
                names = [c.name for c in cur.description or []]
            took = time.perf_counter() - start
            results[name] = rows_of(names, rows)
            return took

        times = rotating(["reference", "generated"], rounds, one)
        start = time.perf_counter()
        con.execute(full_sql).fetchall()
        out["generated_all_columns_s"] = round(time.perf_counter() - start, 2)
        out.update(agreement(results))
    return _summary(out, times)


def bench_spark(handbook: Handbook, data: Path, rounds: int, shared: Path) -> dict[str, Any]:
    import pyspark

    from icpkit.sql.engines import spark_session

    ref_sql = (shared / "warehouse" / "reference_spark.sql").read_text()
    gen_sql = generated(handbook, "spark")
    full_sql = generated(handbook, "spark", full=True)
    out: dict[str, Any] = {"spark_version": pyspark.__version__}
    start = time.perf_counter()
    spark = spark_session(os.environ.get("ICP_SPARK_MASTER", "local[2]"), "icp-bench")
    out["session_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    spark.read.parquet(str(data.with_suffix(".parquet"))).createOrReplaceTempView("accounts")
    out["load_s"] = round(time.perf_counter() - start, 2)
    results: dict[str, list[tuple[Any, ...]]] = {}

    def one(name: str) -> float:
        sql = {"reference": ref_sql, "generated": gen_sql}[name]
        start = time.perf_counter()
        table = spark.sql(sql).toArrow()
        took = time.perf_counter() - start
        results[name] = rows_of(
            table.column_names, list(zip(*table.to_pydict().values(), strict=True))
        )
        return took

    try:
        times = rotating(["reference", "generated"], rounds, one)
        start = time.perf_counter()
        spark.sql(full_sql).toArrow()
        out["generated_all_columns_s"] = round(time.perf_counter() - start, 2)
        out.update(agreement(results))
    finally:
        spark.stop()
    return _summary(out, times)


def agreement(results: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """Row-by-row agreement. An account no ICP knows enough to judge has no tier, score or
    best profile (status insufficient_data, a contract the reference rules predate): those
    rows are counted apart with the reference's tier for them, never hidden."""
    ref = {r[0]: r for r in results["reference"]}
    gen = {r[0]: r for r in results["generated"]}
    differ = [k for k in ref if ref[k] != gen.get(k)]
    by_contract = [k for k in differ if gen.get(k, (None,) * 5)[1:4] == (None, None, None)]
    return {
        "agree": len(differ) == len(by_contract) and len(ref) == len(gen),
        "rows_differing": len(differ),
        "insufficient_data_rows": len(by_contract),
        "reference_tiers_of_those": sorted(str(ref[k][3]) for k in by_contract),
    }


def _summary(out: dict[str, Any], times: dict[str, list[float]]) -> dict[str, Any]:
    ref = statistics.median(times["reference"])
    gen = statistics.median(times["generated"])
    return {
        **out,
        "reference_query_s": round(ref, 3),
        "generated_query_s": round(gen, 3),
        "ratio": round(gen / ref, 3),
        "within_1_3x": gen <= 1.3 * ref,
        "rounds": {k: [round(x, 3) for x in v] for k, v in times.items()},
    }


#: the generator's closed lists (../shared/bench/gen_accounts.py): a warehouse table keeps
#: these codes, and the dialects other than DuckDB compare closed values only (a text
#: field's normal form needs Unicode tables they lack, issue 16)
CLOSED = {
    "industry": "software saas fintech healthtech edtech martech hrtech security ecommerce "
    "gaming manufacturing automotive industrial_machinery chemicals electronics "
    "food_production aerospace pharma mining energy utilities biotech healthcare education "
    "government non_profit travel hospitality retail logistics construction real_estate "
    "telecom media consulting legal insurance banking agriculture marketing_agency",
    "funding_stage": "none seed series_a series_b series_c public",
}


def warehouse_handbook() -> Handbook:
    """The bench handbook as a warehouse keeps it: industry and funding stage closed lists of
    the generator's codes, and without the flags that read text (they are DuckDB-only and
    not in the reference query). The verdicts of the reference rules do not change."""
    import shutil
    import tempfile

    from ruamel.yaml import YAML

    yaml = YAML()
    tmp = Path(tempfile.mkdtemp(prefix="icp-bench-"))
    root = tmp / "handbook"
    shutil.copytree(HERE / "handbook", root)
    vocabulary = root / "rules" / "vocabulary.yaml"
    doc = yaml.load(vocabulary)
    for name, values in CLOSED.items():
        doc["fields"][name]["type"] = "one_of"
        doc["fields"][name]["values"] = values.split()
    yaml.dump(doc, vocabulary)
    policy_file = root / "rules" / "tier-policy.yaml"
    policy = yaml.load(policy_file)
    policy["flags"] = [f for f in policy["flags"] if "industry" not in str(f["when"])]
    yaml.dump(policy, policy_file)
    loaded = load(root)
    shutil.rmtree(tmp)
    return loaded.handbook


def many_profiles(handbook: Handbook, k: int) -> Handbook:
    """The bench handbook with `k` ICPs (its three, copied under new ids)."""
    icps = []
    for i in range(k):
        base = handbook.active_icps[i % len(handbook.active_icps)]
        icps.append(dataclasses.replace(base, id=f"{base.id}-{i}", priority=i))
    return dataclasses.replace(handbook, icps=tuple(icps))


def bench_planning(handbook: Handbook, engines: list[str]) -> dict[str, Any]:
    """Build + render time of the IR, and each engine's planning time, for 3, 10, 30 ICPs."""
    out: dict[str, Any] = {}
    spark = None
    con = None
    server = None
    if "postgres" in engines:
        import psycopg

        from icpkit.sql.engines import column_types
        from warehouse_servers import postgres_server

        server = postgres_server()
        dsn = server.__enter__()
        con = psycopg.connect(dsn, autocommit=True)
        cols = ", ".join(f"{c} {t}" for c, t in column_types(
            handbook, TableSpec("accounts"), DIALECTS["postgres"]))  # fmt: skip
        con.execute(f"CREATE TABLE accounts ({cols})")
    if "spark" in engines:
        from icpkit.sql.engines import column_types, spark_session

        spark = spark_session("local[2]", "icp-plan")
        schema = ", ".join(f"`{c}` {t}" for c, t in column_types(
            handbook, TableSpec("accounts"), DIALECTS["spark"]))  # fmt: skip
        spark.createDataFrame([], schema).createOrReplaceTempView("accounts")
    try:
        for k in (3, 10, 30):
            hb = many_profiles(handbook, k)
            row: dict[str, Any] = {}
            start = time.perf_counter()
            sql = {d: generated(hb, d, full=True) for d in ("postgres", "spark")}
            row["render_s_both"] = round(time.perf_counter() - start, 4)
            row["sql_chars"] = len(sql["postgres"])
            if con is not None:
                plans = []
                for _ in range(5):
                    text = "\n".join(
                        r[0] for r in con.execute("EXPLAIN (SUMMARY) " + sql["postgres"])
                    )
                    found = re.search(r"Planning Time: ([0-9.]+) ms", text)
                    plans.append(float(found.group(1)) if found else float("nan"))
                row["postgres_planning_ms"] = round(statistics.median(plans), 2)
            if spark is not None:
                plans = []
                for _ in range(3):
                    start = time.perf_counter()
                    spark.sql(sql["spark"])._jdf.queryExecution().executedPlan()
                    plans.append(time.perf_counter() - start)
                row["spark_planning_s"] = round(statistics.median(plans), 3)
            out[str(k)] = row
    finally:
        if con is not None:
            con.close()
        if server is not None:
            server.__exit__(None, None, None)
        if spark is not None:
            spark.stop()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--engine", choices=["postgres", "spark", "all"], default="all")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--planning", action="store_true", help="Only the planning-time table.")
    add_shared(ap)
    args = ap.parse_args()
    shared = args.shared.resolve()
    handbook = warehouse_handbook()
    engines = ["postgres", "spark"] if args.engine == "all" else [args.engine]
    report: dict[str, Any] = {"rows": args.rows}
    if args.planning:
        report = {"planning": bench_planning(handbook, engines)}
        print(report)
        save("warehouse-planning", report)
        return 0
    data = HERE / "data" / f"accounts_{args.rows}"
    if not data.with_suffix(".parquet").is_file() or not data.with_suffix(".csv").is_file():
        data.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(shared / "gen_accounts.py"), "--rows", str(args.rows),
             "--seed", str(args.seed), "--out", str(data)],
            check=True,
        )  # fmt: skip
    for engine in engines:
        fn = bench_postgres if engine == "postgres" else bench_spark
        report[engine] = fn(handbook, data, args.rounds, shared)
        print(engine, report[engine], flush=True)
        result = {"rows": args.rows, "rounds": args.rounds, engine: report[engine]}
        save(f"warehouse-{engine}", result)
    ok = all(report[e]["agree"] for e in engines)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
