"""The names the SQL wing offers, as the CLI's choices: importing this module imports no
database library. Each tuple is the key set of the registry named beside it (pinned by
tests/test_registries.py), so a new engine, preset or dialect is offered once registered."""

from __future__ import annotations

#: export file formats (the values of `sources.FORMATS`)
FILE_FORMATS = ("csv", "parquet", "jsonl")
#: where `icp score --engine` runs the rules (`engines.RUNNERS`)
ENGINES = ("duckdb", "postgres", "spark")
#: CRM import presets (`crm.PRESETS`)
CRMS = ("hubspot", "salesforce")
#: warehouse dialects `icp sql` renders (`dialects.DIALECTS`)
DIALECTS = ("duckdb", "postgres", "sqlite", "spark", "snowflake", "bigquery")
#: the dialects `icp export dbt` writes for (SQLite has no dbt adapter here)
DBT_DIALECTS = tuple(d for d in DIALECTS if d != "sqlite")
