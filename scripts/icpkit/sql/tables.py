"""How a warehouse table holds each field type, per SQL dialect.

`SQL_TYPES[dialect][field type]` is the column type a scoring query expects (`icp sql`
documents it, `engines.create_table_sql` writes it): numbers as numeric, dates as DATE,
yes/no as BOOLEAN, one-of and set fields as text (a set as `a;b;c`), or a set as the
dialect's array type where it has one ("set_array").
"""

from __future__ import annotations

#: the field types in the order of the columns of `_TYPES` ("set_array": a set field as an
#: array); one_of and set_of fields are stored as text fields are
_FIELD_TYPES = ("number", "integer", "text", "set_array", "yes_no", "date")
#: warehouse column type per dialect, one column per field type of `_FIELD_TYPES` (None: the
#: dialect has no such type)
_TYPES: dict[str, tuple[str | None, ...]] = {
    "duckdb": ("DOUBLE", "BIGINT", "VARCHAR", "VARCHAR[]", "BOOLEAN", "DATE"),
    "postgres": ("DOUBLE PRECISION", "BIGINT", "TEXT", "TEXT[]", "BOOLEAN", "DATE"),
    "sqlite": ("REAL", "INTEGER", "TEXT", None, "INTEGER", "TEXT"),
    "spark": ("DOUBLE", "BIGINT", "STRING", "ARRAY<STRING>", "BOOLEAN", "DATE"),
    "snowflake": ("DOUBLE", "NUMBER(38,0)", "VARCHAR", "ARRAY", "BOOLEAN", "DATE"),
    "bigquery": ("FLOAT64", "INT64", "STRING", "ARRAY<STRING>", "BOOL", "DATE"),
}


def _by_field_type(row: tuple[str | None, ...]) -> dict[str, str]:
    """A row of `_TYPES` keyed by field type, one_of and set_of typed as text."""
    types = {ftype: sql for ftype, sql in zip(_FIELD_TYPES, row, strict=True) if sql is not None}
    return types | {"one_of": types["text"], "set_of": types["text"]}


#: warehouse column type per dialect and field type
SQL_TYPES: dict[str, dict[str, str]] = {d: _by_field_type(row) for d, row in _TYPES.items()}
