"""Account exports as SQL relations: formats, CSV quirks, and columns mapped to fields.

CSV is read with every column as text (the parse layer decides what a cell
means); delimiter and quoting are sniffed, a byte-order mark is skipped,
quoted newlines are kept, and duplicate header names are refused (readers
disagree on which one wins). Parquet and JSON Lines keep their types where
they fit a field. Column names map to fields through the vocabulary: the
field's own name, then its HubSpot, Salesforce and other column names,
compared without case, spaces or punctuation; `--map` overrides.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .errors import InputError, UsageError
from .model import Handbook
from .operators import sql_literal
from .parsing import Parsed, parse_field, text_of, typed_column
from .schema import suggest

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
           ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


def fmt_of(path: Path, given: str | None) -> str:
    if given:
        return given
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"found the extension '{path.suffix}' on {path}; expected .csv, "
                         ".parquet or .jsonl (or --input-format / --output-format)")
    return fmt


def key(name: str) -> str:
    """Column names are compared by this key: lowercase letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Source:
    """An input file as a relation: its FROM clause and its columns with their types."""

    path: Path
    fmt: str
    relation: str
    columns: tuple[tuple[str, str], ...]
    #: read_csv options (CSV only), to read some columns with their sniffed types
    csv_options: str | None = None

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]

    def typed(self, con: duckdb.DuckDBPyConnection, columns: set[str]) -> Source:
        """This CSV with `columns` typed by DuckDB's sniffer (every other column stays text).
        Reading it fails if a value beyond the sniffed sample does not fit the type; the
        caller then falls back to the all-text source."""
        if self.csv_options is None or not columns:
            return self
        text = ", ".join(f"{sql_literal(c)}: 'VARCHAR'" for c in self.names if c not in columns)
        relation = (f"read_csv({sql_literal(str(self.path))}, {self.csv_options}"
                    + (f", types = {{{text}}})" if text else ")"))
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        except duckdb.Error:
            return self
        return Source(self.path, self.fmt, relation,
                      tuple((str(r[0]), str(r[1])) for r in described), self.csv_options)


def open_source(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> Source:
    if not path.is_file():
        raise UsageError(f"found no file {path}; expected an account export")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: found an empty file; expected a header row and accounts")
    lit = sql_literal(str(path))
    options = None
    if fmt == "csv":
        options = _csv_options(con, path, lit)
        relation = f"read_csv({lit}, {options}, all_varchar = true)"
    elif fmt == "parquet":
        relation = f"read_parquet({lit})"
    else:
        relation = f"read_json({lit}, format = 'newline_delimited')"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot be read as {fmt}: {_first_line(exc)}") from None
    return Source(path, fmt, relation, tuple((str(r[0]), str(r[1])) for r in described), options)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300]


def _csv_options(con: duckdb.DuckDBPyConnection, path: Path, lit: str) -> str:
    try:
        sniffed = con.execute(f"SELECT Delimiter, Quote, Escape FROM sniff_csv({lit})").fetchone()
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot be read as CSV: {_first_line(exc)}") from None
    delim, quote_char, escape = sniffed if sniffed else (",", '"', '"')
    header = _header(path, str(delim), str(quote_char or '"'))
    seen: dict[str, int] = {}
    for i, name in enumerate(header, 1):
        if name in seen:
            raise InputError(f"{path}:1: found the column '{name}' twice (columns {seen[name]} "
                             f"and {i}); expected unique column names (rename or drop one)")
        seen[name] = i
    options = [f"delim = {sql_literal(str(delim))}", "header = true"]
    if quote_char:
        options.append(f"quote = {sql_literal(str(quote_char))}")
    if escape:
        options.append(f"escape = {sql_literal(str(escape))}")
    return ", ".join(options)


def _header(path: Path, delim: str, quote_char: str) -> list[str]:
    with path.open("rb") as handle:
        head = handle.read(1 << 20).decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(head), delimiter=delim, quotechar=quote_char)
    row = next(reader, None)
    if not row:
        raise InputError(f"{path}: found no header row; expected column names on line 1")
    return [c.strip() for c in row]


@dataclass
class Plan:
    """Which column feeds which field, and what nothing feeds."""

    id_column: str
    used: dict[str, str] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: columns that would also fit a field already taken: (column, field)
    ignored: list[tuple[str, str]] = field(default_factory=list)


def plan_columns(handbook: Handbook, source: Source, *, id_column: str | None,
                 mapping: dict[str, str] | None = None) -> Plan:
    names = source.names
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(key(name), name)
    if id_column is not None:
        if id_column not in names:
            raise InputError(f"{source.path}: found no column '{id_column}'"
                             + suggest(id_column, names) + f"; columns are {', '.join(names)}")
        ident = id_column
    else:
        found = next((by_key[key(c)] for c in handbook.id_columns if key(c) in by_key), None)
        if found is None:
            raise InputError(
                f"{source.path}: found no id column; expected one of "
                f"{', '.join(handbook.id_columns)} (or --id-column NAME); columns are "
                f"{', '.join(names[:12])}{', …' if len(names) > 12 else ''}")
        ident = found
    plan = Plan(ident)
    mapping = mapping or {}
    for fld, col in mapping.items():
        if fld not in handbook.fields:
            raise UsageError(f"--map: found the field '{fld}', which is not in the vocabulary"
                             + suggest(fld, list(handbook.fields)))
        if col not in names:
            raise UsageError(f"--map: found the column '{col}', which is not in {source.path}"
                             + suggest(col, names))
        plan.used[fld] = col
    taken = set(plan.used.values()) | {ident}
    for name, fld in handbook.fields.items():
        if name in plan.used:
            continue
        for candidate in (name, *fld.columns):
            col = by_key.get(key(candidate))
            if col is None:
                continue
            if col in taken:
                continue
            plan.used[name] = col
            taken.add(col)
            break
    for name, fld in handbook.fields.items():
        if name not in plan.used:
            plan.missing.append(name)
            continue
        for candidate in fld.columns:
            col = by_key.get(key(candidate))
            if col is not None and col not in taken:
                plan.ignored.append((col, name))
                taken.add(col)
    plan.unused = [c for c in names if c not in taken]
    return plan


def parsed_columns(handbook: Handbook, source: Source, plan: Plan) -> tuple[str, dict[str, Parsed]]:
    """A SELECT giving icp_id and each used field's cleaned text (or typed column), and the
    parse expressions that read those columns."""
    types = dict(source.columns)
    items = [f"{quote(plan.id_column)} AS icp_id"]
    parsed: dict[str, Parsed] = {}
    for i, (name, col) in enumerate(plan.used.items()):
        alias = f"t{i}"
        typed = typed_column(handbook.fields[name], alias, types[col])
        if typed is not None:
            items.append(f"{quote(col)} AS {alias}")
            parsed[name] = typed
        else:
            raw = quote(col) if types[col] == "VARCHAR" else f"CAST({quote(col)} AS VARCHAR)"
            items.append(f"{text_of(raw)} AS {alias}")
            parsed[name] = parse_field(handbook.fields[name], alias)
    return f"SELECT {', '.join(items)} FROM {source.relation}", parsed
