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

from ..engine.model import Handbook
from ..engine.operators import sql_literal
from ..errors import InputError, UsageError
from ..wording import suggest
from .connection import input_error, quote_ident
from .parsing import Parsed, parse_field, typed_column

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def fmt_of(path: Path, given: str | None) -> str:
    if given:
        return given
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"found the extension '{path.suffix}' on {path}; expected .csv, "
            ".parquet or .jsonl (or --input-format / --output-format)"
        )
    return fmt


def key(name: str) -> str:
    """Column names are compared by this key: lowercase letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


quote = quote_ident


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

    #: the types DuckDB's sniffer gave each CSV column
    sniffed: tuple[tuple[str, str], ...] = ()

    def typed(self, columns: set[str]) -> Source:
        """This CSV with `columns` read with their sniffed types (every other column stays
        text). Reading fails if a value beyond the sniffed sample does not fit its type; the
        caller then falls back to the all-text source."""
        if self.csv_options is None or not columns:
            return self
        types = tuple((c, t if c in columns else "VARCHAR") for c, t in self.sniffed)
        if types == self.columns:
            return self
        return Source(
            self.path,
            self.fmt,
            _csv_read(self.path, self.csv_options, types),
            types,
            self.csv_options,
            self.sniffed,
        )


def open_source(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> Source:
    if not path.is_file():
        raise UsageError(f"found no file {path}; expected an account export")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: found an empty file; expected a header row and accounts")
    lit = sql_literal(str(path))
    if fmt == "csv":
        options, sniffed = _csv_sniff(con, path, lit)
        text = tuple((c, "VARCHAR") for c, _ in sniffed)
        return Source(path, fmt, _csv_read(path, options, text), text, options, sniffed)
    relation = (
        f"read_parquet({lit})"
        if fmt == "parquet"
        else f"read_json({lit}, format = 'newline_delimited')"
    )
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as exc:
        raise input_error(path, exc, f"cannot be read as {fmt}") from exc
    return Source(path, fmt, relation, tuple((str(r[0]), str(r[1])) for r in described))


def _csv_read(path: Path, options: str, columns: tuple[tuple[str, str], ...]) -> str:
    spec = ", ".join(f"{sql_literal(c)}: {sql_literal(t)}" for c, t in columns)
    return (
        f"read_csv({sql_literal(str(path))}, {options}, auto_detect = false, columns = {{{spec}}})"
    )


def _csv_sniff(
    con: duckdb.DuckDBPyConnection, path: Path, lit: str
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The CSV's dialect as read_csv options, and its columns with their sniffed types
    (sniffed once: sniffing a large file costs as much as a tenth of reading it)."""
    try:
        sniffed = con.execute(
            f"SELECT Delimiter, Quote, Escape, Columns FROM sniff_csv({lit}, sample_size = 1024)"
        ).fetchone()
    except duckdb.Error as exc:
        raise input_error(path, exc, "cannot be read as CSV") from exc
    if sniffed is None:
        raise InputError(f"{path}: found no columns; expected a header row and accounts")
    delim, quote_char, escape, columns = sniffed
    # the sniffer says '(empty)' when the sample has no quotes: quotes later still work
    quote_char = quote_char if isinstance(quote_char, str) and len(quote_char) == 1 else '"'
    escape = escape if isinstance(escape, str) and len(escape) == 1 else quote_char
    header = _header(path, str(delim), quote_char)
    seen: dict[str, int] = {}
    for i, name in enumerate(header, 1):
        if name in seen:
            raise InputError(
                f"{path}:1: found the column '{name}' twice (columns {seen[name]} "
                f"and {i}); expected unique column names (rename or drop one)"
            )
        seen[name] = i
    if len(header) != len(columns):
        raise InputError(
            f"{path}:1: found {len(header)} names in the header but {len(columns)} "
            "columns in the rows; expected one name per column"
        )
    options = [
        f"delim = {sql_literal(str(delim))}",
        "header = true",
        f"quote = {sql_literal(quote_char)}",
        f"escape = {sql_literal(escape)}",
    ]
    types = tuple((name, str(col["type"])) for name, col in zip(header, columns, strict=True))
    return ", ".join(options), types


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


def plan_columns(
    handbook: Handbook,
    source: Source,
    *,
    id_column: str | None,
    mapping: dict[str, str] | None = None,
) -> Plan:
    names = source.names
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(key(name), name)
    if id_column is not None:
        if id_column not in names:
            raise InputError(
                f"{source.path}: found no column '{id_column}'"
                + suggest(id_column, names)
                + f"; columns are {', '.join(names)}"
            )
        ident = id_column
    else:
        found = next((by_key[key(c)] for c in handbook.id_columns if key(c) in by_key), None)
        if found is None:
            raise InputError(
                f"{source.path}: found no id column; expected one of "
                f"{', '.join(handbook.id_columns)} (or --id-column NAME); columns are "
                f"{', '.join(names[:12])}{', …' if len(names) > 12 else ''}"
            )
        ident = found
    plan = Plan(ident)
    mapping = mapping or {}
    for field_name, col in mapping.items():
        if field_name not in handbook.fields:
            raise UsageError(
                f"--map: found the field '{field_name}', which is not in the vocabulary"
                + suggest(field_name, list(handbook.fields))
            )
        if col not in names:
            raise UsageError(
                f"--map: found the column '{col}', which is not in {source.path}"
                + suggest(col, names)
            )
        plan.used[field_name] = col
    taken = set(plan.used.values()) | {ident}
    for name, fld in handbook.fields.items():
        if name in plan.used:
            continue
        for candidate in (name, *fld.columns):
            found = by_key.get(key(candidate))
            if found is None or found in taken:
                continue
            plan.used[name] = found
            taken.add(found)
            break
    for name, fld in handbook.fields.items():
        if name not in plan.used:
            plan.missing.append(name)
            continue
        for candidate in fld.columns:
            other = by_key.get(key(candidate))
            if other is not None and other not in taken:
                plan.ignored.append((other, name))
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
            ctype = types[col]
            raw = (
                quote(col)
                if ctype == "VARCHAR"
                else f"array_to_string({quote(col)}, ';')"
                if ctype.endswith("[]")
                else f"CAST({quote(col)} AS VARCHAR)"
            )
            items.append(f"{raw} AS {alias}")
            parsed[name] = parse_field(handbook.fields[name], alias)
    return f"SELECT {', '.join(items)} FROM {source.relation}", parsed
