"""An engine's failure reaches the user as one sentence with where it happened (Spark: no
Java stack trace; PostgreSQL's COPY: the file's line and column), and a CSV loaded with COPY
is read as `icp score` reads it: the same verdicts, empty cells included."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import REPO
from icpkit.cli import main
from icpkit.sql.dialects import DIALECTS
from icpkit.sql.engine_errors import spark_message
from icpkit.sql.engines import column_types, to_row
from icpkit.sql.ir import TableSpec
from test_warehouse_score import ACCOUNTS, HANDBOOK, typed_parquet

AS_OF = dt.date(2026, 11, 1)
#: what must never reach a user
NOISE = ("Traceback", "\tat org.apache", "at py4j", "Py4JJavaError", '"level": "ERROR"', "SQLSTATE")


def icp(*args: str) -> int:
    return main(["--root", str(REPO), "--today", AS_OF.isoformat(), *args])


def spark_score(*args: str) -> list[str]:
    return ["score", "--engine", "spark", "--master", "local[2]", *args]


def one_sentence(err: str) -> str:
    lines = [x for x in err.splitlines() if x.startswith("icp: ")]
    assert len(lines) == 1, err[-3000:]
    for noise in NOISE:
        assert noise not in err, err[-3000:]
    return lines[0]


# --- Spark ------------------------------------------------------------------------------------


def test_spark_unreadable_parquet_is_one_sentence(
    spark: Any, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A corrupt Parquet file: the JVM logged the failed task's stack trace and the user read
    'An error occurred while calling o36.parquet.'; now the file and why."""
    bad = tmp_path / "accounts.parquet"
    bad.write_bytes(b"PAR1" + b"not a parquet file" * 4 + b"PAR1")
    assert icp(*spark_score(str(bad), "-o", str(tmp_path / "o.csv"))) == 1
    line = one_sentence(capfd.readouterr().err)
    assert f"cannot read the file file:{bad}" in line


def test_spark_column_of_the_wrong_type_is_named(
    spark: Any, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Dates in the employees column: named before the query, not Spark's type mismatch
    inside a query plan of thousands of characters."""
    path = tmp_path / "accounts.parquet"
    table = pa.table({"account_id": ["a1"], "employees": [dt.date(2020, 1, 1)]})
    pq.write_table(table, path)
    assert icp(*spark_score(str(path), "-o", str(tmp_path / "o.csv"))) == 1
    line = one_sentence(capfd.readouterr().err)
    assert "found the column employees of type date for employees; expected" in line


def test_spark_missing_table_and_mapped_column(
    spark: Any, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "o.csv")
    assert icp(*spark_score("--table", "no_such_accounts", "-o", out)) == 1
    assert "found no table or view `no_such_accounts`" in one_sentence(capfd.readouterr().err)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("country: countyr\n")
    source = typed_parquet(tmp_path / "accounts.parquet")
    assert icp(*spark_score(str(source), "--map", str(mapping), "-o", out)) == 1
    line = one_sentence(capfd.readouterr().err)
    assert "found no column countyr, which --map names for country" in line
    assert "(did you mean 'country'?)" in line


def test_spark_messages_read_the_error_condition(spark: Any) -> None:
    """pyspark's own exceptions (AnalysisException) and the Java ones a Py4JJavaError carries
    are read the same way: their condition and parameters, not their first line."""
    from pyspark.errors import PySparkException

    with pytest.raises(PySparkException) as caught:
        spark.sql("SELECT nope FROM range(1)").collect()  # type: ignore[attr-defined]
    assert spark_message(caught.value) == "found no column `nope` in the table"
    with pytest.raises(Exception) as failed:
        spark.sql("SELECT assert_true(false, 'an account id is missing')").collect()  # type: ignore[attr-defined]
    said = spark_message(failed.value)
    assert "an account id is missing" in said and "\n" not in said and "at org." not in said


# --- PostgreSQL COPY --------------------------------------------------------------------------


def test_copy_error_names_the_line_and_column(
    pg_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,country,employees\na1,US,250\na2,GB,lots\n", encoding="utf-8")
    args = ["score", "--engine", "postgres", "--dsn", pg_dsn, str(path)]
    assert icp(*args, "-o", str(tmp_path / "o.csv")) == 1
    line = one_sentence(capsys.readouterr().err)
    assert line == (
        f'icp: {path}:3: column employees: invalid input syntax for type bigint: "lots"'
    )


def _cells(ident: str, company: dict[str, Any]) -> list[str]:
    """A row of the typed CSV, every value quoted (numbers too), None an empty cell."""
    spec = TableSpec("t")
    row = to_row(HANDBOOK, spec, DIALECTS["postgres"], ident, company)
    return ["" if v is None else '"' + str(v).replace('"', '""') + '"' for v in row]


def test_the_same_csv_gives_the_same_verdicts_on_duckdb_and_postgres(
    pg_dsn: str, tmp_path: Path
) -> None:
    """Empty cells, quoted ("") and not, in every kind of column (a set with `empty:
    empty_set`, a set without, text, numbers, dates, yes/no): COPY read "" as the empty text
    (a known, empty set) and an unquoted empty cell of tech_stack as unknown where `icp
    score` reads the empty set; both now read it as `icp score` does."""
    names = [c for c, _ in column_types(HANDBOOK, TableSpec("t"), DIALECTS["postgres"])]
    rows = [_cells(f"t{i}", c) for i, c in enumerate(ACCOUNTS)]
    rows.append(["empty-unquoted"] + [""] * (len(names) - 1))
    rows.append(["empty-quoted"] + ['""'] * (len(names) - 1))
    mixed = {n: ('""' if i % 2 else "") for i, n in enumerate(names)}
    mixed |= {"account_id": "mixed", "country": "GB", "industry": "saas", "employees": "250"}
    rows.append([mixed[n] for n in names])
    path = tmp_path / "accounts.csv"
    path.write_text(
        "\n".join([",".join(names), *(",".join(r) for r in rows)]) + "\n", encoding="utf-8"
    )
    plain, warehouse = tmp_path / "plain.csv", tmp_path / "pg.csv"
    assert icp("score", str(path), "-o", str(plain)) == 0
    assert (
        icp("score", "--engine", "postgres", "--dsn", pg_dsn, str(path), "-o", str(warehouse)) == 0
    )

    def verdicts(out: Path, prefix: str) -> dict[str, dict[str, str]]:
        keys = ("best_profile", "tier", "score", "disqualified_by", "status", "unknown_fields")
        with out.open(newline="", encoding="utf-8") as f:
            got = {}
            for r in csv.DictReader(f):
                v = {k: r[prefix + k] for k in keys}
                # icp score lists the unknown fields of the file's columns only
                v["unknown_fields"] = ";".join(
                    x for x in v["unknown_fields"].split(";") if x in names
                )
                got[r["account_id"].lstrip("'")] = v
        return got

    want, got = verdicts(plain, ""), verdicts(warehouse, "icp_")
    assert len(want) == len(rows)
    assert got == want
    # the set field with `empty: empty_set` read an empty cell as the empty set (known)
    assert "tech_stack" not in want["empty-unquoted"]["unknown_fields"]
    assert "services_needed" in want["empty-quoted"]["unknown_fields"]
