"""Running the rule IR where the data lives: DuckDB, SQLite, PostgreSQL and Spark.

PostgreSQL is reached through psycopg (a DSN; a table already there, or a CSV of
typed columns loaded with COPY into a temporary table); Spark through pyspark
(`local[*]` or a cluster's master URL; a Parquet file or directory, or a table).
psycopg and pyspark are optional: `pip install 'icpkit[warehouse]'`.

The warehouse column types each field type is expected in are in `SQL_TYPES`
(`create_table_sql` writes the table a query expects). Generated queries run
with PostgreSQL's JIT off (see PITFALLS: one probe ran 10x slower with it on).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlglot import exp

from ..engine.model import Handbook
from ..engine.operators import NUMERIC
from ..errors import InputError, UsageError
from .dialects import Dialect

#: warehouse column type per dialect and field type ("set_array": a set field as an array)
SQL_TYPES: dict[str, dict[str, str]] = {
    "duckdb": {
        "number": "DOUBLE", "integer": "BIGINT", "text": "VARCHAR", "one_of": "VARCHAR",
        "set_of": "VARCHAR", "set_array": "VARCHAR[]", "yes_no": "BOOLEAN", "date": "DATE",
    },
    "postgres": {
        "number": "DOUBLE PRECISION", "integer": "BIGINT", "text": "TEXT", "one_of": "TEXT",
        "set_of": "TEXT", "set_array": "TEXT[]", "yes_no": "BOOLEAN", "date": "DATE",
    },
    "sqlite": {
        "number": "REAL", "integer": "INTEGER", "text": "TEXT", "one_of": "TEXT",
        "set_of": "TEXT", "yes_no": "INTEGER", "date": "TEXT",
    },
    "spark": {
        "number": "DOUBLE", "integer": "BIGINT", "text": "STRING", "one_of": "STRING",
        "set_of": "STRING", "set_array": "ARRAY<STRING>", "yes_no": "BOOLEAN", "date": "DATE",
    },
    "snowflake": {
        "number": "DOUBLE", "integer": "NUMBER(38,0)", "text": "VARCHAR", "one_of": "VARCHAR",
        "set_of": "VARCHAR", "set_array": "ARRAY", "yes_no": "BOOLEAN", "date": "DATE",
    },
    "bigquery": {
        "number": "FLOAT64", "integer": "INT64", "text": "STRING", "one_of": "STRING",
        "set_of": "STRING", "set_array": "ARRAY<STRING>", "yes_no": "BOOL", "date": "DATE",
    },
}  # fmt: skip


def column_types(handbook: Handbook, spec: Any, d: Dialect) -> list[tuple[str, str]]:
    """(column, type) of the table a query over `spec` reads: the id, then each field a rule
    reads, typed as `spec` says (sets as text or arrays, dates, yes/no)."""
    types = SQL_TYPES[d.name]
    out = [(spec.id_column, types["text"])]
    for name in handbook.read_fields:
        ftype = handbook.fields[name].type
        key = ftype
        if ftype == "set_of" and spec.sets == "array":
            key = "set_array"
        elif ftype == "date" and spec.dates == "text":
            key = "text"
        elif ftype == "yes_no" and spec.flags == "text":
            key = "text"
        out.append((spec.column(name), types[key]))
    return out


def create_table_sql(handbook: Handbook, spec: Any, d: Dialect, table: str | None = None) -> str:
    """CREATE TABLE for the typed table a scoring query expects."""
    name = exp.to_table(table or spec.table, dialect=d.sqlglot).sql(dialect=d.sqlglot)
    cols = ",\n  ".join(
        f"{exp.to_identifier(c).sql(dialect=d.sqlglot)} {t}"
        for c, t in column_types(handbook, spec, d)
    )
    return f"CREATE TABLE {name} (\n  {cols}\n)"


def to_row(
    handbook: Handbook, spec: Any, d: Dialect, ident: str, company: Mapping[str, Any]
) -> list[Any]:
    """A typed company (as the evaluator takes it; numbers exact) as a row of
    `column_types`: sets as 'a;b' text ('' for the empty set) or lists, SQLite's dates as
    ISO text and yes/no as 0/1."""
    row: list[Any] = [ident]
    for name in handbook.read_fields:
        fld = handbook.fields[name]
        value = company.get(name)
        if value is None:
            row.append(None)
        elif fld.type == "set_of":
            row.append(sorted(value) if spec.sets == "array" else ";".join(sorted(value)))
        elif fld.type == "date" and (spec.dates == "text" or d.name == "sqlite"):
            row.append(value.isoformat())
        elif fld.type == "yes_no" and spec.flags == "text":
            row.append("true" if value else "false")
        elif fld.type == "yes_no" and d.name == "sqlite":
            row.append(int(value))
        elif fld.type in NUMERIC and isinstance(value, tuple):
            raise UsageError(f"found a band for {name}; a warehouse table holds exact numbers")
        else:
            row.append(value)
    return row


# --- PostgreSQL -------------------------------------------------------------------------------


def postgres_connect(dsn: str) -> Any:
    """A psycopg connection (autocommit) with JIT off for generated queries."""
    try:
        import psycopg
    except ImportError:
        raise UsageError(
            "found no psycopg; expected it installed for --engine postgres "
            "(pip install 'icpkit[warehouse]')"
        ) from None
    try:
        con = psycopg.connect(dsn, autocommit=True)
    except psycopg.Error as exc:
        raise InputError(f"cannot connect to PostgreSQL ({dsn}): {_first_line(exc)}") from None
    con.execute("SET jit = off")
    return con


def postgres_load_csv(
    con: Any, handbook: Handbook, spec: Any, d: Dialect, path: Path, table: str
) -> None:
    """COPY a CSV of typed columns (header: the id and the field columns, any order) into a new
    temporary table. An unquoted empty cell is NULL; "" is the empty text."""
    import csv

    with path.open(newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f), [])
    types = dict(column_types(handbook, spec, d))
    missing = [c for c in types if c not in header]
    if missing:
        raise InputError(
            f"{path}: found no column {missing[0]}; expected the id column and one column per "
            f"field a rule reads ({', '.join(types)})"
        )
    cols = ", ".join(
        f"{exp.to_identifier(c).sql('postgres')} {types.get(c, 'TEXT')}" for c in header
    )
    con.execute(f"CREATE TEMPORARY TABLE {table} ({cols})")
    with con.cursor() as cur, path.open("rb") as f:
        copy_sql = f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)"
        with cur.copy(copy_sql) as cp:
            while chunk := f.read(1 << 20):
                cp.write(chunk)
    con.execute(f"ANALYZE {table}")


def postgres_rows(con: Any, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with con.cursor() as cur:
        cur.execute(sql)
        names = [c.name for c in cur.description or []]
        return names, list(cur.fetchall())


# --- Spark ------------------------------------------------------------------------------------


def spark_session(master: str = "local[*]", app: str = "icpkit") -> Any:
    """A SparkSession (SPARK_LOCAL_IP defaults to 127.0.0.1 for local masters)."""
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "found no pyspark; expected it installed for --engine spark "
            "(pip install 'icpkit[warehouse]', and Java 17)"
        ) from None
    builder: Any = SparkSession.builder
    spark = (
        builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:400] if text else type(exc).__name__


# --- a run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarehouseRun:
    """Where to score: engine, connection and input."""

    engine: str
    #: PostgreSQL DSN
    dsn: str | None = None
    #: Spark master URL
    master: str = "local[*]"
    #: a table already in the engine (else `source` is loaded)
    table: str | None = None
    #: a CSV (PostgreSQL, COPY) or Parquet (Spark) of typed columns
    source: Path | None = None
    #: write the scores into this table in the engine (else they are fetched)
    into: str | None = None


@dataclass
class WarehouseResult:
    """Scores fetched from an engine, and timings in seconds."""

    names: list[str]
    rows: list[tuple[Any, ...]]
    timings: dict[str, float] = field(default_factory=dict)


def run_query(run: WarehouseRun, handbook: Handbook, spec: Any, sql_for: Any) -> WarehouseResult:
    """Load the input if needed, run `sql_for(table_name)`, fetch (or store) the scores."""
    timings: dict[str, float] = {}
    if run.engine == "postgres":
        if not run.dsn:
            raise UsageError("found --engine postgres without --dsn; expected a DSN")
        from .dialects import DIALECTS

        con = postgres_connect(run.dsn)
        try:
            table = run.table or "icp_accounts"
            start = time.perf_counter()
            if run.table is None:
                if run.source is None:
                    raise UsageError("found neither --table nor an input CSV")
                postgres_load_csv(con, handbook, spec, DIALECTS["postgres"], run.source, table)
            timings["load"] = time.perf_counter() - start
            sql = sql_for(table)
            start = time.perf_counter()
            if run.into:
                con.execute(f"DROP TABLE IF EXISTS {run.into}")
                con.execute(f"CREATE TABLE {run.into} AS {sql}")
                names, rows = postgres_rows(con, f"SELECT * FROM {run.into} LIMIT 0")
            else:
                names, rows = postgres_rows(con, sql)
            timings["query"] = time.perf_counter() - start
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                raise InputError(f"PostgreSQL: {_first_line(exc)}") from None
            raise
        finally:
            con.close()
        return WarehouseResult(names, rows, timings)
    if run.engine == "spark":
        start = time.perf_counter()
        spark = spark_session(run.master)
        timings["session"] = time.perf_counter() - start
        try:
            start = time.perf_counter()
            table = run.table or "icp_accounts"
            if run.table is None:
                if run.source is None:
                    raise UsageError("found neither --table nor an input Parquet")
                spark.read.parquet(str(run.source.resolve())).createOrReplaceTempView(table)
            timings["load"] = time.perf_counter() - start
            start = time.perf_counter()
            df = spark.sql(sql_for(table))
            if run.into:
                df.write.mode("overwrite").saveAsTable(run.into)
                names, rows = list(df.columns), []
            else:
                names = list(df.columns)
                rows = [tuple(r) for r in df.collect()]
            timings["query"] = time.perf_counter() - start
        except Exception as exc:
            if "pyspark" in type(exc).__module__:
                raise InputError(f"Spark: {_first_line(exc)}") from None
            raise
        return WarehouseResult(names, rows, timings)
    raise UsageError(f"found the engine '{run.engine}'; expected duckdb, postgres or spark")


def write_rows(path: Path, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write fetched scores as CSV (cells a spreadsheet would run as a formula get a leading
    apostrophe), Parquet or JSON Lines, by the file's extension; atomically."""
    import csv
    import json

    from ..atomic import atomic_path

    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            data = list(rows)
            table = pa.table({n: [r[i] for r in data] for i, n in enumerate(names)})
            pq.write_table(table, tmp)
        elif suffix in (".jsonl", ".json"):
            with tmp.open("w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(dict(zip(names, r, strict=True)), default=str) + "\n")
        else:
            with tmp.open("w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(names)
                for r in rows:
                    w.writerow([_cell(v) for v in r])


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
