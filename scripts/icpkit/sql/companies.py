"""Single companies for `explain`, read through the same parse layer as the bulk scorer.

A company comes from a YAML or JSON file (field or column names to values), one
row of an export (`--row N`), or `--set field=value` pairs. Whatever the source,
its text goes through `icpkit.sql.parsing` in DuckDB, exactly as `score` reads it,
so `explain` and `score` cannot disagree about what a cell means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from .. import wording
from ..engine.model import Handbook
from ..engine.operators import sql_literal
from ..engine.values import typed_company
from ..errors import InputError, UsageError
from ..loading.yamlio import load_file
from ..wording import suggest
from ..yamlvalues import YamlDate, as_date
from . import sources
from .connection import connect, input_error, quote_ident
from .layout import Columns
from .numbers import COMMA, given_convention
from .parsing import MEMBERS
from .percents import fraction_columns
from .shapes import misaligned_row_warning
from .sources import Plan, Source, key
from .sqlcompile import parsed_sql, staged


def _as_text(value: Any, *, members: bool = False) -> str | None:
    """A value of a YAML or JSON file as the text of a CSV cell; a list for a set field
    (`members`) as its members marked, as `sources.text_column` writes a list column."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        if members:
            # a list with a null member is not known whole: unknown, as a JSON Lines list is
            if any(v is None for v in value):
                return None
            return "".join(MEMBERS + str(v) for v in value)
        if len(value) == 2 and all(isinstance(v, int | float) for v in value):
            return f"{value[0]}-{value[1]}"
        return ";".join(str(v) for v in value)
    if isinstance(value, YamlDate | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


Row = tuple[str, dict[str, Any], list[str]]


@dataclass(frozen=True)
class Cell:
    """A cell that could not be read: where it is, what it says, and why."""

    row: int
    column: str
    field: str
    text: str
    why: str


@dataclass(frozen=True)
class ExportRow:
    """One row of an export as `explain` reads it, with what it could not read."""

    ident: str
    company: dict[str, Any]
    unreadable: list[str]
    cells: list[Cell]
    #: the decimal convention used and why (as the `score` summary says it)
    convention: str
    #: what was said about the export's columns: one that also fits a field already read
    #: from another is ignored (as the `score` summary says it)
    column_notes: tuple[str, ...] = ()
    #: what was said of the row itself: that it is misaligned (`shapes.Misaligned`)
    row_warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportOptions:
    """How an export is read, as `score` reads it: its format (None: by its ending), id
    column (None: from the vocabulary), column mapping, decimal convention (None: detected)
    and text encoding (None: UTF-8)."""

    fmt: str | None = None
    id_column: str | None = None
    mapping: Mapping[str, str] | None = None
    decimal_comma: bool | None = None
    encoding: str | None = None


def _cells(
    handbook: Handbook, con: duckdb.DuckDBPyConnection, source: Source, plan: Plan, row: int
) -> list[Cell]:
    """The unreadable cells of row `row` (1-based), read as `score` reports them."""
    text_select, parsed = sources.parsed_columns(handbook, source, plan)
    marker = f"chr({ord(MEMBERS)})"
    # a list's members are shown as a CRM writes them: 'a; b'
    shown = "replace(ltrim(CAST(t{i} AS VARCHAR), {m}), {m}, '; ')"
    checks = [
        f"CASE WHEN {parsed[name].bad} THEN [{sql_literal(name)}, {sql_literal(col)}, "
        f"{shown.format(i=i, m=marker)}, {parsed[name].why or 'NULL'}] END"
        for i, (name, col) in enumerate(plan.used.items())
    ]
    if not checks:
        return []
    query = (
        f"WITH txt AS (SELECT * FROM ({text_select}) LIMIT 1 OFFSET {row - 1}) "
        f"SELECT unnest([{', '.join(checks)}]) FROM {staged(parsed, 'txt')}"
    )
    try:
        found = con.execute(query).fetchall()
    except duckdb.Error:
        return []
    return [
        Cell(row, str(c[1]), str(c[0]), str(c[2]), str(c[3] or ""))
        for (c,) in found
        if c is not None
    ]


def _count(con: duckdb.DuckDBPyConnection, source: Source) -> int:
    """The number of accounts (records) `source` holds."""
    got = con.execute(f"SELECT count(*) FROM {source.relation}").fetchone()
    return int(got[0]) if got else 0


def _fetch(
    handbook: Handbook,
    con: duckdb.DuckDBPyConnection,
    source: Source,
    plan: Plan,
    *,
    limit: int,
    offset: int = 0,
) -> tuple[list[Row], Source]:
    """(account id, company, unreadable fields) of rows offset+1 .. offset+limit, and the
    source they were read from: `source`, or its careful reading (which the caller removes,
    `_done`) when DuckDB cannot read the CSV whole."""
    text_select, parsed = sources.parsed_columns(handbook, source, plan)
    # a set's unrecognised members as written, which the explainer names
    cols = Columns(handbook)
    written = tuple(
        f"{p.spellings} AS {cols.name(name)}__u" for name, p in parsed.items() if p.spellings
    )
    query = (
        f"WITH txt AS (SELECT * FROM ({text_select}) LIMIT {limit} OFFSET {offset}) "
        f"{parsed_sql(handbook, parsed, 'txt', ('icp_id', *written))}"
    )
    try:
        cursor = con.execute(query)
        fetched = cursor.fetchall()
    except duckdb.Error as exc:
        if source.fmt == "csv" and source.scratch is None and source.csv_options is not None:
            # (only a whole file: a filtered relation would lose its filter)
            # as `score` does: a CSV DuckDB cannot read whole goes through the careful pass,
            # which reads it or names the line at fault (an unclosed quote)
            again = sources.careful(source)
            try:
                return _fetch(handbook, con, again, plan, limit=limit, offset=offset)
            except BaseException:
                _done(again)
                raise
        raise input_error(source.path, exc) from exc
    names = [d[0] for d in cursor.description]
    out = []
    for values in fetched:
        data = dict(zip(names, values, strict=True))
        unreadable = [u for u in (data.get("unreadable_fields") or "").split(";") if u]
        out.append((str(data["icp_id"]), cols.from_row(data), unreadable))
    return out, source


def _row_notes(source: Source, row: int) -> tuple[str, ...]:
    """What is said of row `row` itself: that it is misaligned (every field unknown)."""
    line = source.misaligned.line_of(row)
    return () if line is None else (misaligned_row_warning(row, line),)


def _open(
    handbook: Handbook, path: Path, options: ExportOptions
) -> tuple[duckdb.DuckDBPyConnection, Source, Plan]:
    """A connection, the export as a source with its decimal convention, and its plan. The
    caller removes `Source.scratch` (a rewritten copy of an irregular CSV) when done."""
    con = connect(handbook)
    fmt = sources.fmt_of(path, options.fmt)
    source = sources.open_source(
        con,
        path,
        fmt,
        encoding=options.encoding,
        ids=sources.id_candidates(handbook, options.id_column),
    )
    try:
        mapping = dict(options.mapping or {})
        plan = sources.plan_columns(handbook, source, id_column=options.id_column, mapping=mapping)
        source = sources.with_convention(con, handbook, source, plan, options.decimal_comma)
    except BaseException:
        _done(source)
        raise
    return con, source, plan


def _done(source: Source) -> None:
    if source.scratch is not None:
        source.scratch.unlink(missing_ok=True)


def from_export(
    handbook: Handbook, path: Path, row: int, options: ExportOptions = ExportOptions()
) -> Row:
    """(account id, company, unreadable fields) of row `row` (1-based) of an export.

    Raises UsageError for a row below 1 or past the end, and InputError when the export
    cannot be read."""
    read = read_row(handbook, path, row, options)
    return read.ident, read.company, read.unreadable


def read_row(
    handbook: Handbook, path: Path, row: int, options: ExportOptions = ExportOptions()
) -> ExportRow:
    """Row `row` (1-based) of an export with its unreadable cells and decimal convention.

    Raises UsageError for a row below 1 or past the end, and InputError when the export
    cannot be read."""
    if row < 1:
        raise UsageError(f"found --row {row}; expected 1 or more (the first account is row 1)")
    con, source, plan = _open(handbook, path, options)
    read = source
    try:
        found, read = _fetch(handbook, con, source, plan, limit=1, offset=row - 1)
        cells = _cells(handbook, con, read, plan, row) if found and found[0][2] else []
        fractions = fraction_columns(con, handbook, read, plan) if found else ()
        rows = None if found else _count(con, read)
    finally:
        _done(source)
        _done(read)
    if not found:
        has = "no accounts" if not rows else f"{rows:,} account{'s' if rows != 1 else ''}"
        expected = f"1 to {rows:,}" if rows and rows > 1 else "1" if rows else "an account"
        raise UsageError(
            f"found no row {row} in {source.path}; expected {expected} (the export has {has})"
        )
    ident, company, unreadable = found[0]
    return ExportRow(
        ident,
        company,
        unreadable,
        cells,
        source.convention,
        ignored_notes(plan) + fractions,
        _row_notes(read, row),
    )


def field_names(handbook: Handbook, names: list[Any], *, origin: str = "--set") -> list[str]:
    """The field each name stands for (a field, or a CRM column name of one).

    Raises UsageError for a name that is neither a field nor a known column."""
    by_key = _fields_by_key(handbook)
    out = []
    for name in names:
        target = by_key.get(key(str(name)))
        if target is None:
            raise UsageError(
                f"{origin}: found '{name}', which is not a field or a known column"
                + suggest(str(name), list(handbook.fields))
            )
        out.append(target)
    return out


def _fields_by_key(handbook: Handbook) -> dict[str, str]:
    """The field each name a company may be given by stands for, by its key (`sources.key`):
    the field's own name, or a CRM column name of it."""
    by_key = {key(name): name for name in handbook.fields}
    for name, spec in handbook.fields.items():
        for col in spec.columns:
            by_key.setdefault(key(col), name)
    return by_key


def from_values(
    handbook: Handbook,
    values: Mapping[str, Any],
    *,
    origin: str = "--set",
    decimal: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """A company from names (fields, or CRM column names) to values, parsed like a CSV row:
    (company, names of the fields whose text could not be read). `decimal` is the convention
    of its numbers ("dot", "comma", None: not known). A field not named is absent (unknown),
    never empty.

    Raises UsageError for a name that is neither a field nor a known column."""
    read = read_values(handbook, values, origin=origin, decimal=decimal)
    return read.company, read.unreadable


def read_values(
    handbook: Handbook,
    values: Mapping[str, Any],
    *,
    origin: str = "--set",
    decimal: str | None = None,
    detect: bool = False,
    typed: Set[str] = frozenset(),
) -> ExportRow:
    """`from_values`, with the values that could not be read and why, as the scorer says it
    of a cell (`Cell.column` is the field's name). With `detect` (a company file), the values
    are read as one row of an export is: the convention `decimal` names, else the one its
    numbers show (`sources.with_convention`), said in `ExportRow.convention`. The names in
    `typed` hold a typed (unquoted) JSON or YAML number: as a JSON Lines key typed a number,
    it is no evidence of the convention (only a number written as text is)."""
    targets = field_names(handbook, list(values), origin=origin)
    typed_targets = {t for t, name in zip(targets, values, strict=True) if str(name) in typed}
    text: dict[str, str | None] = {
        target: _as_text(value, members=handbook.fields[target].type == "set_of")
        for target, value in zip(targets, values.values(), strict=True)
    }
    con = connect(handbook)
    names = ["icp_id", *text]
    row = ", ".join(
        sql_literal(v) if v is not None else "CAST(NULL AS VARCHAR)"
        for v in ["company", *text.values()]
    )
    con.execute(f"CREATE TEMP TABLE one ({', '.join(f'{quote_ident(n)} VARCHAR' for n in names)})")
    con.execute(f"INSERT INTO one VALUES ({row})")
    source = Source(
        Path(origin), "values", "one", tuple((n, "VARCHAR") for n in names), decimal=decimal
    )
    plan = Plan("icp_id", {f: f for f in text})
    if detect:
        # the evidence as the JSON Lines path takes it: a typed number's column is no text.
        # A typed number is read from its text as written (`8.000` may be eight thousand),
        # so with no text number the convention is not known, as a CSV's is ("csv" here),
        # never "typed in the file"
        probe = replace(
            source,
            fmt="csv",
            columns=tuple((n, "DOUBLE" if n in typed_targets else t) for n, t in source.columns),
        )
        decided = sources.with_convention(
            con, handbook, probe, plan, None if decimal is None else decimal == COMMA
        )
        source = replace(source, decimal=decided.decimal, convention=decided.convention)
    [(ident, company, unreadable)], read = _fetch(handbook, con, source, plan, limit=1)
    cells = _cells(handbook, con, read, plan, 1) if unreadable else []
    if read is not source:
        _done(read)
    con.close()
    return ExportRow(ident, company, unreadable, cells, source.convention)


class FileCompany(NamedTuple):
    """A company read from a YAML or JSON file (`from_file`)."""

    name: str
    company: dict[str, Any]
    #: fields whose value could not be read
    unreadable: list[str]
    #: a fixture's `as_of` (its verdict is judged as of that day, as `icp test` judges it)
    as_of: dt.date | None = None


@dataclass(frozen=True)
class FileValue:
    """A value of a company file that could not be read: where it is, its key as written,
    the field it is for, its text and why (the number reader's words, as for a cell)."""

    path: str
    line: int
    column: int
    key: str
    field: str
    text: str
    why: str


@dataclass(frozen=True)
class FileRead:
    """A company file as `explain` reads it (`read_file`)."""

    company: FileCompany
    #: the company's id, from a key that names one of the vocabulary's id columns
    ident: str | None = None
    #: the values that could not be read, with where and why
    values: tuple[FileValue, ...] = ()
    #: the decimal convention its numbers were read with, and why ('' for a fixture: typed)
    convention: str = ""


def from_file(
    handbook: Handbook, path: Path, options: ExportOptions = ExportOptions()
) -> FileCompany:
    """The company of a YAML or JSON file: a flat mapping of fields or column names to
    values (read as CRM text), or a fixture (its `company`, read with `typed_company`
    exactly as `icp test` reads it, values that do not fit unreadable; and its `as_of`).

    Raises InputError when the file is not valid YAML or not a mapping, and UsageError for a
    name that is not a field."""
    return read_file(handbook, path, options).company


def read_file(handbook: Handbook, path: Path, options: ExportOptions = ExportOptions()) -> FileRead:
    """`from_file`, with the company's id and what could not be read.

    A flat mapping is read as one row of an export: a key naming one of the vocabulary's id
    columns (or `options.id_column`) is the company's id, never a field; its numbers written
    as text are read with `options.decimal_comma`'s convention, else the one they show, as a
    CSV cell is (a value that reads two ways is unknown, and `FileRead.values` says why).

    Another id column the file has is a column not used, as an export's is. A typed
    (unquoted) number is no evidence of the convention, as a JSON Lines key typed a number
    is not; a number written as text is.

    Raises InputError when the file is not valid YAML or not a mapping or its id is a mapping
    or a list, and UsageError (at file:line:col) for a key that is not a field, or for an
    `options.id_column` the file has no key for."""
    doc = load_file(path)
    if doc.problems:
        raise InputError(str(doc.problems[0]))
    data = doc.data
    if not isinstance(data, dict):
        raise InputError(
            f"{path}:1:1: found a list or a value; expected a mapping of fields to values"
        )
    name = str(data.get("name") or path.stem)
    if data.get("kind") == "fixture" and isinstance(data.get("company"), dict):
        # a fixture is read exactly as `icp test` reads it: typed values, no text parsing
        read = typed_company(handbook.fields, data["company"])
        if read.unknown:
            line, col = doc.position(["company", str(read.unknown[0])], key=True)
            raise UsageError(
                f"{path}:{line}:{col}: found '{read.unknown[0]}', which is not a field"
                + suggest(read.unknown[0], list(handbook.fields))
            )
        typed = FileCompany(name, read.values, list(read.misfits), as_date(data.get("as_of")))
        return FileRead(typed)
    as_written = doc.numbers_as_written()  # `8.000` reads as the CSV cell `8.000` does
    # `name` (the company's) and `kind` label the file, unless the vocabulary has such a field
    labels = {"name", "kind"} - set(handbook.fields)
    # a typed (unquoted) number is read from its text, but is no evidence of the convention,
    # as a JSON Lines key typed a number is not (a date, text to JSON Lines, is)
    typed_keys = {
        str(k)
        for k, v in data.items()
        if str(k) in as_written and isinstance(v, int | float) and not isinstance(v, bool)
    }
    data = {k: as_written.get(str(k), v) for k, v in data.items() if k not in labels}
    # the id, as an export's id column is found (`sources.plan_columns`): it names the
    # company and is never a field; any other id column the file also has is a column not
    # used, as an export's is (unless it names a field)
    keys = {str(k): k for k in data}
    found = sources.id_columns_in(handbook, list(keys))
    if options.id_column is not None:
        if options.id_column not in keys:
            raise UsageError(
                f"{path}: found no key '{options.id_column}' (--id-column)"
                + suggest(options.id_column, list(keys))
                + f"; keys are {', '.join(keys)}"
            )
        chosen: str | None = options.id_column
    else:
        chosen = found[0] if found else None
    ident = None
    if chosen is not None:
        ident = _file_id(path, doc, chosen, data[keys[chosen]])
    fields = _fields_by_key(handbook)
    dropped = {chosen} | {k for k in found if key(k) not in fields}
    data = {k: v for k, v in data.items() if str(k) not in dropped}
    for k in data:
        if key(str(k)) not in fields:
            line, col = doc.position([str(k)], key=True)
            raise UsageError(
                f"{path}:{line}:{col}: found '{k}', which is not a field or a known column"
                + suggest(str(k), list(handbook.fields))
            )
    got = read_values(
        handbook,
        data,
        origin=str(path),
        decimal=given_convention(options.decimal_comma),
        detect=True,
        typed=typed_keys,
    )
    by_field = dict(zip(field_names(handbook, list(data), origin=str(path)), data, strict=True))
    values = tuple(
        FileValue(
            str(path),
            *doc.position([str(by_field[c.field])]),
            str(by_field[c.field]),
            c.field,
            c.text,
            c.why,
        )
        for c in got.cells
    )
    shown = name if ident is None else f"{name} ({ident})"
    return FileRead(FileCompany(shown, got.company, got.unreadable), ident, values, got.convention)


def _file_id(path: Path, doc: Any, name: str, value: Any) -> str | None:
    """A company file's id as text: a scalar (text or a number). Raises InputError, at the
    value, for a mapping or a list (an id is one value)."""
    if isinstance(value, Mapping | list | tuple):
        line, col = doc.position([name])
        raise InputError(
            f"{path}:{line}:{col}: {name}: found {wording.found(value)}; "
            "expected the company's id, one text or whole number"
        )
    return _as_text(value)


def all_rows(
    handbook: Handbook,
    path: Path,
    *,
    limit: int = 100_000,
) -> list[tuple[str, dict[str, Any]]]:
    """(account id, company) of every row of an export (a sample: at most `limit` rows).
    Raises UsageError for an id column or mapping that does not fit, InputError when the
    export cannot be read."""
    con, source, plan = _open(handbook, path, ExportOptions())
    read = source
    try:
        rows, read = _fetch(handbook, con, source, plan, limit=limit)
    finally:
        _done(source)
        _done(read)
    return [(ident, company) for ident, company, _ in rows]


def read_id(
    handbook: Handbook, path: Path, ident: str, options: ExportOptions = ExportOptions()
) -> ExportRow:
    """The row whose id column is `ident`, read as `read_row` reads it (a CSV written by icp
    may carry a leading apostrophe on an id a spreadsheet would run; both spellings are
    found). Raises UsageError when no row or several rows have that id."""
    con, source, plan = _open(handbook, path, options)
    careful: Source | None = None
    read = source  # where the row was read from: `source`, or its careful reading
    wanted = ", ".join(sql_literal(v) for v in {ident, ident.lstrip("'"), "'" + ident})

    def rows_with_id(src: Source) -> list[int]:
        return [
            int(r)
            for (r,) in con.execute(
                f"SELECT r FROM (SELECT row_number() OVER () AS r, "
                f"CAST({sources.id_value(plan.id_column, dict(src.columns)[plan.id_column])} "
                f"AS VARCHAR) AS v FROM {src.relation}) "
                f"WHERE v IN ({wanted}) ORDER BY r LIMIT 2"
            ).fetchall()
        ]

    try:
        try:
            numbers = rows_with_id(source)
        except duckdb.Error:
            if source.fmt != "csv" or source.scratch is not None:
                raise
            careful = sources.careful(source)  # names the line at fault in a malformed CSV
            source = careful
            numbers = rows_with_id(source)
        missing = _no_such_id(con, source, plan, ident) if not numbers else ""
        if len(numbers) == 1:
            # (as read_row: DuckDB may read the id column whole and not the row's other cells)
            [(found, company, unreadable)], read = _fetch(
                handbook, con, source, plan, limit=1, offset=numbers[0] - 1
            )
            cells = _cells(handbook, con, read, plan, numbers[0]) if unreadable else []
            fractions = fraction_columns(con, handbook, read, plan)
    except duckdb.Error as exc:
        raise input_error(path, exc) from exc
    finally:
        _done(source)
        _done(read)
        if careful is not None:
            _done(careful)
    if not numbers:
        raise UsageError(missing)
    if len(numbers) > 1:
        raise UsageError(
            f"found several accounts with {plan.id_column} {ident!r} in {source.path} (rows "
            f"{numbers[0]}, {numbers[1]}, …); expected the id to be unique (use --row N)"
        )
    return ExportRow(
        found,
        company,
        unreadable,
        cells,
        source.convention,
        ignored_notes(plan) + fractions,
        _row_notes(read, numbers[0]),
    )


def _no_such_id(con: duckdb.DuckDBPyConnection, source: Source, plan: Plan, ident: str) -> str:
    """The message for an id no row has: the id quoted (blanks show), and the closest id of
    the export (the same id with other blanks or case, or a near spelling)."""
    if not ident.strip():
        return (
            f"found --id {ident!r}, an empty id; expected an account's {plan.id_column} "
            "(an account without an id is explained with --row N)"
        )
    value = sources.id_value(plan.id_column, dict(source.columns)[plan.id_column])
    try:
        ids = [
            str(v)
            for (v,) in con.execute(
                f"SELECT DISTINCT CAST({value} AS VARCHAR) FROM {source.relation} LIMIT 100000"
            ).fetchall()
            if v is not None
        ]
    except duckdb.Error:
        ids = []
    near = [i for i in ids if i.strip().lower() == ident.strip().lower()][:1]
    hint = f" (did you mean {near[0]!r}?)" if near else wording.suggest(ident, ids)
    return f"found no account with {plan.id_column} {ident!r} in {source.path}{hint}"


@dataclass(frozen=True)
class ToExplain:
    """The company `icp explain` judges, and what was found reading it."""

    name: str
    company: dict[str, Any]
    #: fields whose value could not be read
    unreadable: list[str]
    #: the export row's unreadable cells, and the export's (or company file's) decimal
    #: convention
    cells: list[Cell]
    convention: str
    #: the --set values that could not be read
    set_cells: list[Cell]
    #: a fixture's as_of (None for other input)
    as_of: dt.date | None
    #: read from a row of an export (--row or --id)
    from_export: bool
    #: what was said about the export's columns (`ExportRow.column_notes`)
    column_notes: tuple[str, ...] = ()
    #: what was said of the export's row itself (`ExportRow.row_warnings`)
    row_warnings: tuple[str, ...] = ()
    #: a company file's values that could not be read (`FileRead.values`); its decimal
    #: convention is `convention`
    file_values: tuple[FileValue, ...] = ()


def to_explain(
    handbook: Handbook,
    source: Path | None,
    *,
    row: int | None,
    account_id: str | None,
    pairs: Sequence[str],
    options: ExportOptions,
) -> ToExplain:
    """The company of `icp explain`: a row of the export `source` (`row` or `account_id`), a
    YAML/JSON file (a fixture with its as_of, or a flat mapping), or none; then each `--set`
    FIELD=VALUE pair replaces what the file read for that field, also an unknown or
    unreadable value. Raises UsageError for an export without --row/--id, --row without an
    export, no company at all, a --set that is not FIELD=VALUE, two --set of one field or a
    name that is not a field; InputError when the file cannot be read."""
    name = "The company given with --set"
    base: dict[str, Any] = {}
    unreadable: list[str] = []
    cells: list[Cell] = []
    convention = ""
    as_of = None
    notes: tuple[str, ...] = ()
    row_warnings: tuple[str, ...] = ()
    file_values: tuple[FileValue, ...] = ()
    if source is not None and (account_id is not None or row is not None):
        if account_id is not None:
            read = read_id(handbook, source, account_id, options)
            name = f"{source.name} id {read.ident}"
        else:
            assert row is not None
            read = read_row(handbook, source, row, options)
            name = f"{source.name} row {row} ({read.ident})"
        base, unreadable = read.company, read.unreadable
        cells, convention, notes = read.cells, read.convention, read.column_notes
        row_warnings = read.row_warnings
    elif source is not None and sources.FORMATS.get(source.suffix.lower()) not in (None, "jsonl"):
        raise UsageError(
            f"found the export {source} without --row or --id; expected icp explain "
            f"{source} --row N (the first account is row 1) or --id ID"
        )
    elif source is not None:
        got_file = read_file(handbook, source, options)
        name, base, unreadable, as_of = got_file.company
        file_values, convention = got_file.values, got_file.convention
    elif row is not None:
        raise UsageError("found --row without an export file; expected icp explain FILE --row N")
    values = _set_values(handbook, pairs)
    if source is None and not values:
        raise UsageError("found no company; expected a file, FILE --row N, or --set FIELD=VALUE")
    set_cells: list[Cell] = []
    if values:
        got = read_values(handbook, values, decimal=given_convention(options.decimal_comma))
        set_cells = got.cells
        given = set(field_names(handbook, list(values)))
        base = {k: v for k, v in base.items() if k not in given} | got.company
        unreadable = [u for u in unreadable if u not in given] + got.unreadable
        cells = [c for c in cells if c.field not in given]
        file_values = tuple(v for v in file_values if v.field not in given)
    from_export = source is not None and (row is not None or account_id is not None)
    return ToExplain(
        name=name,
        company=base,
        unreadable=unreadable,
        cells=cells,
        convention=convention,
        set_cells=set_cells,
        as_of=as_of,
        from_export=from_export,
        column_notes=notes,
        row_warnings=row_warnings,
        file_values=file_values,
    )


def _set_values(handbook: Handbook, pairs: Sequence[str]) -> dict[str, str]:
    """The --set FIELD=VALUE pairs as field (as written) -> value. Raises UsageError for a
    pair without '=', a name that is not a field, or two pairs for one field."""
    seen: dict[str, str] = {}
    values: dict[str, str] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"found --set {pair}; expected FIELD=VALUE")
        [target] = field_names(handbook, [field.strip()])
        if target in seen:
            raise UsageError(
                f"found --set {seen[target]} and --set {pair}, both for {target}; expected "
                "one value per field"
            )
        seen[target] = pair
        values[field.strip()] = value.strip()
    return values


def ignored_notes(plan: Plan) -> tuple[str, ...]:
    """A line per column that also fits a field already read from another column: it is
    ignored, and --map chooses another (`icp score` and `icp explain` say it alike)."""
    return tuple(
        f"column {col} also fits {fld}, already read from {plan.used[fld]}; ignored "
        "(--map chooses another)"
        for col, fld in plan.ignored
    )
