"""Running the rule IR where the data lives: DuckDB, SQLite, PostgreSQL and Spark.

PostgreSQL is reached through psycopg (a DSN; a table already there, or a CSV of
typed columns loaded with COPY into a temporary table); Spark through pyspark
(`local[*]` or a cluster's master URL; a Parquet file or directory, or a table).
psycopg and pyspark are optional: `pip install 'icpkit[warehouse]'`.

The warehouse column types each field type is expected in are in `tables.SQL_TYPES`
(`create_table_sql` writes the table a query expects). Generated queries run
with PostgreSQL's JIT off (see PITFALLS: one probe ran 10x slower with it on).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.model import Handbook
from ..engine.operators import NUMERIC
from ..errors import InputError, UsageError
from ..wording import suggest
from . import idents
from .connection import first_line, in_utc, input_error
from .dialects import Dialect
from .engine_errors import postgres_copy_message, spark_message
from .ir import TableSpec, table_ident
from .tables import SQL_TYPES


def column_types(handbook: Handbook, spec: Any, d: Dialect) -> list[tuple[str, str]]:
    """(column, type) of the table a query over `spec` reads: the id, then each field a rule
    reads, typed as `spec` says (sets as text or arrays, dates, yes/no)."""
    types = SQL_TYPES[d.name]
    out = [(spec.id_column, types["text"])]
    for name in handbook.read_fields:
        if name in spec.absent:
            continue
        ftype = handbook.fields[name].type
        shape = spec.shape(name, ftype)
        key = ftype
        if ftype == "set_of" and shape == "array":
            key = "set_array"
        elif ftype in ("date", "yes_no", *NUMERIC) and shape == "text":
            key = "text"
        out.append((spec.column(name), types[key]))
    return out


def create_table_sql(handbook: Handbook, spec: Any, d: Dialect, table: str | None = None) -> str:
    """CREATE TABLE for the typed table a scoring query expects."""
    name = idents.table_sql(table or spec.table, d)
    cols = ",\n  ".join(
        f"{table_ident(c, d).sql(dialect=d.sqlglot)} {t}"
        for c, t in column_types(handbook, spec, d)
    )
    return f"CREATE TABLE {name} (\n  {cols}\n)"


def to_row(
    handbook: Handbook, spec: Any, d: Dialect, ident: str, company: Mapping[str, Any]
) -> list[Any]:
    """A typed company (as the evaluator takes it; numbers exact) as a row of
    `column_types`: sets as 'a;b' text ('' for the empty set) or lists, SQLite's dates as
    ISO text and yes/no as 0/1. Raises UsageError for a number band ('51-200'): a warehouse
    table holds exact numbers."""
    row: list[Any] = [ident]
    for name in handbook.read_fields:
        if name in spec.absent:
            continue
        fld = handbook.fields[name]
        value = company.get(name)
        shape = spec.shape(name, fld.type)
        if value is None:
            row.append(None)
        elif fld.type == "set_of":
            row.append(sorted(value) if shape == "array" else ";".join(sorted(value)))
        elif fld.type == "date" and (shape == "text" or d.name == "sqlite"):
            row.append(value if isinstance(value, str) else value.isoformat())
        elif fld.type == "yes_no" and shape == "text":
            row.append(value if isinstance(value, str) else "true" if value else "false")
        elif fld.type == "yes_no" and d.name == "sqlite":
            row.append(int(value))
        elif fld.type in NUMERIC and shape == "text":
            row.append(value if isinstance(value, str) else repr(value))
        elif fld.type in NUMERIC and isinstance(value, tuple):
            raise UsageError(f"found a band for {name}; a warehouse table holds exact numbers")
        else:
            row.append(value)
    return row


# --- PostgreSQL -------------------------------------------------------------------------------


def postgres_connect(dsn: str) -> Any:
    """A psycopg connection (autocommit) with JIT off for generated queries and the session
    in UTC (a `timestamptz` column's day is its UTC day, on any server's setting). Raises
    UsageError when psycopg is not installed, InputError when the server cannot be reached
    (its first line, the DSN named)."""
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
        raise InputError(f"cannot connect to PostgreSQL ({dsn}): {first_line(exc, 400)}") from None
    con.execute("SET jit = off")
    # a timestamp with a time zone is read as its UTC day, as every other reader does
    con.execute("SET TimeZone = 'UTC'")
    return con


def postgres_load_csv(
    con: Any, handbook: Handbook, spec: Any, d: Dialect, path: Path, table: str
) -> None:
    """COPY a CSV of typed columns (header: the id and the field columns, any order) into a new
    temporary table. An empty cell, quoted ("") or not, is read as `icp score` reads it
    (`parsing`): the empty set in the column of a set field with `empty: empty_set`, NULL
    (unknown) in every other column. Raises InputError when a column the query reads is
    missing from the header, or when the server refuses a value: the file's line (COPY's,
    the header being line 1), the column and PostgreSQL's message."""
    import csv

    import psycopg

    with path.open(newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f), [])
    types = dict(column_types(handbook, spec, d))
    missing = [c for c in types if c not in header]
    if missing:
        raise InputError(
            f"{path}: found no column {missing[0]}; expected the id column and one column per "
            f"field a rule reads ({', '.join(types)})"
        )
    cols = ", ".join(f"{idents.ident(c, d).sql('postgres')} {types.get(c, 'TEXT')}" for c in header)
    con.execute(f"CREATE TEMPORARY TABLE {table} ({cols})")
    field_of = {spec.column(f): f for f in handbook.read_fields if f not in spec.absent}
    as_empty = {c for c in header if c in field_of and handbook.fields[field_of[c]].empty_set}

    def listed(names: list[str]) -> str:
        return ", ".join(idents.ident(c, d).sql("postgres") for c in names)

    options = ["FORMAT csv", "HEADER true"]
    if [c for c in header if c not in as_empty]:
        options.append(f"FORCE_NULL ({listed([c for c in header if c not in as_empty])})")
    if as_empty:
        options.append(f"FORCE_NOT_NULL ({listed([c for c in header if c in as_empty])})")
    try:
        with con.cursor() as cur, path.open("rb") as raw:
            copy_sql = f"COPY {table} FROM STDIN ({', '.join(options)})"
            with cur.copy(copy_sql) as cp:
                while chunk := raw.read(1 << 20):
                    cp.write(chunk)
    except psycopg.Error as exc:
        raise InputError(postgres_copy_message(exc, path)) from None
    con.execute(f"ANALYZE {table}")


def postgres_table(con: Any, given: str) -> tuple[str, dict[str, str]]:
    """The one table (or view) `given` names, as `schema.table`, and its columns' types
    (lowercased `information_schema` data types), in column order.

    The name is resolved as PostgreSQL resolves it in a query: quoted as `idents` quotes it
    (its exact case), in the schema it names or else the first schema of the search_path
    that has it; when no table has that exact name, as PostgreSQL reads the name unquoted
    (folded to lower case: `--table Accounts` finds accounts). Raises InputError when
    neither names a table, UsageError for an empty name."""
    from .dialects import DIALECTS

    d = DIALECTS["postgres"]
    tries = [idents.table_sql(given, d)]
    folded = idents.table_sql(given, d, fold=True)
    if folded != tries[0]:
        tries.append(folded)
    for name in tries:
        found = con.execute(
            "SELECT n.nspname, c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(%s)",
            [name],
        ).fetchone()
        if found is None:
            continue
        schema, relname = found
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            [schema, relname],
        ).fetchall()
        qualified = idents.written([schema, relname], d)
        return qualified, {c: str(t).lower() for c, t in columns}
    raise InputError(
        f"PostgreSQL: found no table {tries[0]} (in the search_path, or the schema named); "
        "expected --table naming a table or view this connection can read"
    )


def postgres_rows(con: Any, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with con.cursor() as cur:
        cur.execute(sql)
        names = [c.name for c in cur.description or []]
        return names, list(cur.fetchall())


# --- Spark ------------------------------------------------------------------------------------


def spark_session(master: str = "local[*]", app: str = "icpkit") -> Any:
    """A SparkSession.

    For local masters SPARK_LOCAL_IP defaults to 127.0.0.1 and the Python workers default to
    this interpreter (PYSPARK_PYTHON), since PySpark refuses a worker of another minor version.
    Raises UsageError when pyspark (or the Java it needs) is not installed.
    """
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
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
        # the scoring query is one wide projection: above 8,000 bytes of bytecode the JVM
        # never compiles a generated method, so Spark splits it instead (2.4x faster at 1M
        # accounts, tests/bench/bench_warehouse.py)
        .config("spark.sql.codegen.hugeMethodLimit", "8000")
        .getOrCreate()
    )
    # failures reach the user as one sentence (`engine_errors.spark_message`): neither the
    # JVM's log of a failed task (a Java stack trace) nor pyspark's JSON log of the exception
    spark.sparkContext.setLogLevel("OFF")
    _quiet_pyspark_loggers()
    return spark


def _quiet_pyspark_loggers() -> None:
    """Switch off pyspark's loggers that print each failed query's Java stack as JSON."""
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:  # pyspark before 4.0 has none
        return
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True


#: the id column `run_query` checks when none is given (the table's is found by name)
ID_DEFAULT = "account_id"


# --- a run ---------------------------------------------------------------------------------


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
    #: a CSV (PostgreSQL: COPY) or a Parquet file (Spark, DuckDB) of typed columns
    source: Path | None = None


@dataclass
class WarehouseResult:
    """Scores fetched from an engine, and timings in seconds."""

    names: list[str]
    rows: list[tuple[Any, ...]]
    #: the table layout the query was built for
    spec: Any = None
    timings: dict[str, float] = field(default_factory=dict)


def detect_spec(
    handbook: Handbook,
    table: str,
    types: Mapping[str, str],
    id_column: str | None,
    mapping: Mapping[str, str] | None,
    origin: str | None = None,
) -> Any:
    """The TableSpec for a table whose columns have these (lowercased) engine types: each
    field's shape is its own column's (`column_shape`: a set as an array or text, a date or
    yes/no as text or typed, a number as text or numeric), so that one table may hold a set
    as an array and another as text; a field with no column is unknown for every account.
    Raises InputError when no id column is found."""
    lower = {c.lower(): c for c in types}
    columns: dict[str, str] = {}
    absent = set()
    for name in handbook.read_fields:
        wanted = (mapping or {}).get(name, name)
        if wanted in types:
            columns[name] = wanted
        elif wanted.lower() in lower:
            columns[name] = lower[wanted.lower()]
        elif mapping and name in mapping:
            raise InputError(
                f"{origin or table}: found no column {wanted}, which --map names for {name}; "
                f"expected one of its columns{suggest(wanted, list(types))}"
            )
        else:
            absent.add(name)
    _not_a_raw_export(handbook, origin or table, list(types), absent)
    _types_fit(handbook, origin or table, columns, types)
    candidates = [id_column] if id_column else [*handbook.id_columns, "account_id", "id"]
    ident = next((c for c in candidates if c in types), None) or next(
        (lower[c.lower()] for c in candidates if c.lower() in lower), None
    )
    if ident is None:
        raise InputError(
            f"{table}: found no id column ({', '.join(candidates)}); expected --id-column "
            f"naming one of {', '.join(types)}"
        )

    shapes = {
        name: column_shape(handbook.fields[name].type, types[column])
        for name, column in columns.items()
    }
    return TableSpec(
        table,
        id_column=ident,
        columns=columns,
        absent=frozenset(absent),
        shapes={n: shape for n, shape in shapes.items() if shape},
    )


#: an engine's column type (lowercased) -> its family: numeric, date, boolean, array or text
_NUMERIC_TYPE = re.compile(
    r"^(u?(tiny|small|big|huge)?int(eger)?|long|short|byte|float|real|double|decimal|numeric|number)"
)
#: per field type, the families its column may not have (the query could not read them)
_REFUSED: dict[str, tuple[frozenset[str], str]] = {
    "number": (frozenset({"date", "boolean", "array"}), "numbers"),
    "integer": (frozenset({"date", "boolean", "array"}), "whole numbers"),
    "date": (frozenset({"numeric", "boolean", "array"}), "dates (DATE, or ISO text)"),
    "yes_no": (frozenset({"date", "array"}), "yes/no (BOOLEAN, or true/false text)"),
    "set_of": (frozenset({"numeric", "date", "boolean"}), "a;b;c text or an array of text"),
    "one_of": (frozenset({"array"}), "one value as text"),
    "text": (frozenset({"array"}), "text"),
}


def type_family(engine_type: str) -> str:
    """numeric, date, boolean, array or text, for a column type as an engine names it
    (`bigint`, `double precision`, `timestamp`, `array<string>`, `text[]`, `ARRAY`)."""
    t = engine_type.strip().lower()
    if "[]" in t or t.startswith("array"):
        return "array"
    if t.startswith(("date", "timestamp")):
        return "date"
    if t in ("boolean", "bool"):
        return "boolean"
    return "numeric" if _NUMERIC_TYPE.match(t) else "text"


def _types_fit(
    handbook: Handbook, table: str, columns: Mapping[str, str], types: Mapping[str, str]
) -> None:
    """Raise InputError for a column whose type the query cannot read as its field (a date
    in a number field's column): one sentence, before the engine fails on the query."""
    for name, column in columns.items():
        ftype = handbook.fields[name].type
        refused, expected = _REFUSED.get(ftype, (frozenset(), ""))
        family = type_family(types[column])
        if family in refused:
            raise InputError(
                f"{table}: found the column {column} of type {types[column]} for {name}; "
                f"expected {expected}"
            )


#: the type `_csv_header` gives every column of a CSV to be loaded: dates and yes/no are loaded
#: as text, numbers as numeric (COPY reads them)
CSV_TEXT = "text (csv)"


def _texty(column_type: str) -> bool:
    t = column_type.lower()
    return t in ("text", "string", CSV_TEXT) or t.startswith(
        ("varchar", "character varying", "char", "character", "nvarchar", "bpchar")
    )


def column_shape(field_type: str, column_type: str) -> str:
    """The shape (`ir.SHAPES`) of a field of `field_type` held in a column of the engine's
    `column_type` (lowercased: PostgreSQL's information_schema names, Spark's simple strings,
    DuckDB's): a set as an array or text, a date or yes/no as text or typed, a number as text
    (read as `--parse-text` reads it) or numeric; "" for a field type with one shape."""
    t = column_type.lower()
    if field_type == "set_of":
        return "array" if "[]" in t or t.startswith("array") else "text"
    if field_type == "date":
        return "text" if _texty(t) else "date"
    if field_type == "yes_no":
        return "text" if _texty(t) else "boolean"
    if field_type in NUMERIC:
        return "text" if _texty(t) and t != CSV_TEXT else "numeric"
    return ""


def _not_a_raw_export(handbook: Handbook, table: str, names: list[str], absent: set[str]) -> None:
    """Raise UsageError when a field has no column of its own name but a column has a CRM
    export's name for it (`Number of Employees`): a raw export, which the warehouse query
    would read as if that field were missing for every account."""
    from .sources import key

    by_key = {key(n): n for n in names}
    for name in handbook.read_fields:
        if name not in absent:
            continue
        found = next(
            (by_key[key(c)] for c in handbook.fields[name].columns if key(c) in by_key), None
        )
        if found is not None:
            raise UsageError(
                f"{table}: found the column '{found}', a CRM export's name for {name}, and no "
                f"column {name}; expected typed columns named after the fields: the warehouse "
                "query does not read a raw export (bands, '1,200', 'a; b', country names). "
                "Score a raw export without --engine (--crm works there too), or, if the "
                f"column holds typed values, name it with --map ({name}: {found})"
            )


@dataclass(frozen=True)
class _Query:
    """What every engine is asked: the scoring query `sql_for(spec)` for the layout of the
    table it reads, found from the table's columns (`detect_spec`)."""

    handbook: Handbook
    sql_for: Any
    id_column: str | None
    mapping: Mapping[str, str] | None

    def spec(self, table: str, types: Mapping[str, str], origin: str | None = None) -> Any:
        """`origin`: the file read into `table`, named in errors instead."""
        return detect_spec(self.handbook, table, types, self.id_column, self.mapping, origin)


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    """Records the seconds the block took as `timings[step]` (when it does not raise)."""
    start = time.perf_counter()
    yield
    timings[step] = time.perf_counter() - start


def run_query(
    run: WarehouseRun,
    handbook: Handbook,
    sql_for: Any,
    *,
    id_column: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> WarehouseResult:
    """Load the input if needed, work out the table's layout, run `sql_for(spec)` and fetch
    the scores. Raises UsageError for an unknown engine or a table that does not fit the
    handbook, InputError (the engine's first line) when the engine fails."""
    runner = RUNNERS.get(run.engine)
    if runner is None:
        raise UsageError(f"found the engine '{run.engine}'; expected duckdb, postgres or spark")
    from .dialects import DIALECTS

    idents.check_spec(run.table, id_column or ID_DEFAULT, mapping or {}, DIALECTS[run.engine])
    return runner(run, _Query(handbook, sql_for, id_column, mapping))


def _run_postgres(run: WarehouseRun, query: _Query) -> WarehouseResult:
    from .dialects import DIALECTS

    if not run.dsn:
        raise UsageError("found --engine postgres without --dsn; expected a DSN")
    timings: dict[str, float] = {}
    con = postgres_connect(run.dsn)
    try:
        with _timed(timings, "load"):
            if run.table is None:
                if run.source is None:
                    raise UsageError("found neither --table nor an input CSV")
                table = "icp_accounts"
                spec = query.spec(table, _csv_header(run.source), str(run.source))
                dialect = DIALECTS["postgres"]
                postgres_load_csv(con, query.handbook, spec, dialect, run.source, table)
            else:
                table, types = postgres_table(con, run.table)
                spec = query.spec(table, types)
        assert isinstance(spec, TableSpec)
        with _timed(timings, "query"):
            names, rows = postgres_rows(con, query.sql_for(spec))
    except Exception as exc:
        if type(exc).__module__.startswith("psycopg"):
            raise InputError(f"PostgreSQL: {first_line(exc, 400)}") from None
        raise
    finally:
        con.close()
    return WarehouseResult(names, rows, spec, timings)


def _csv_header(path: Path) -> dict[str, str]:
    import csv

    with path.open(newline="", encoding="utf-8-sig") as f:
        return dict.fromkeys(next(csv.reader(f), []), CSV_TEXT)


def _run_spark(run: WarehouseRun, query: _Query) -> WarehouseResult:
    from .dialects import DIALECTS

    timings: dict[str, float] = {}
    try:
        with _timed(timings, "session"):
            spark = spark_session(run.master)
    except Exception as exc:
        if _from_spark(exc):
            raise InputError(
                f"Spark: cannot start a session on {run.master}: {spark_message(exc)}"
            ) from None
        raise
    try:
        with _timed(timings, "load"):
            if run.table is None:
                if run.source is None:
                    raise UsageError("found neither --table nor an input Parquet")
                table = "icp_accounts"
                spark.read.parquet(str(run.source.resolve())).createOrReplaceTempView(table)
            else:
                table = run.table
            schema = spark.table(idents.table_sql(table, DIALECTS["spark"])).schema
            types = {f.name: f.dataType.simpleString().lower() for f in schema.fields}
            spec = query.spec(table, types, str(run.source) if run.table is None else None)
        with _timed(timings, "query"):
            df = spark.sql(query.sql_for(spec))
            names = list(df.columns)
            rows = [tuple(r) for r in df.collect()]
    except Exception as exc:
        if _from_spark(exc):
            where = f" ({run.source})" if run.table is None else f" (table {run.table})"
            raise InputError(f"Spark{where}: {spark_message(exc)}") from None
        raise
    return WarehouseResult(names, rows, spec, timings)


def _from_spark(exc: BaseException) -> bool:
    """The exception comes from pyspark or py4j (AnalysisException, Py4JJavaError, ...)."""
    module = type(exc).__module__
    return module.startswith(("pyspark", "py4j"))


def _run_duckdb(run: WarehouseRun, query: _Query) -> WarehouseResult:
    import duckdb

    timings: dict[str, float] = {}
    con = duckdb.connect()
    try:
        in_utc(con)
        with _timed(timings, "load"):
            if run.source is None:
                raise UsageError("found no input; expected a Parquet or CSV file of typed columns")
            path = str(run.source).replace("'", "''")
            parquet = run.source.suffix.lower() in (".parquet", ".pq")
            reader = "read_parquet" if parquet else "read_csv"
            table = "icp_accounts"
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM {reader}('{path}')")
            described = con.execute(f"DESCRIBE {table}").fetchall()
            types = {str(r[0]): str(r[1]).lower() for r in described}
            spec = query.spec(table, types, str(run.source))
        with _timed(timings, "query"):
            cur = con.execute(query.sql_for(spec))
            names = [c[0] for c in cur.description or []]
            rows = cur.fetchall()
    except duckdb.Error as exc:
        raise input_error("DuckDB", exc, limit=400) from exc
    finally:
        con.close()
    return WarehouseResult(names, rows, spec, timings)


#: the engine a run names -> how to score in it
RUNNERS: dict[str, Callable[[WarehouseRun, _Query], WarehouseResult]] = {
    "postgres": _run_postgres,
    "spark": _run_spark,
    "duckdb": _run_duckdb,
}


def write_rows(path: Path, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write fetched scores as CSV (cells a spreadsheet would run as a formula get a leading
    apostrophe), Parquet or JSON Lines, by the file's extension; atomically."""
    from ..atomic import atomic_path

    with atomic_path(path) as tmp:
        write_rows_to(tmp, path.suffix, names, rows)


def write_rows_to(
    tmp: Path, suffix: str, names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """`write_rows` into a temporary file `tmp` in the format of `suffix` (its caller
    renames it into place)."""
    import csv
    import json

    suffix = suffix.lower()
    if suffix in (".parquet", ".pq"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        data = list(rows)
        table = pa.table({n: [r[i] for r in data] for i, n in enumerate(names)})
        pq.write_table(table, tmp)
    elif suffix in (".jsonl", ".json", ".ndjson"):
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
