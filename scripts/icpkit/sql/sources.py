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
import tempfile
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from ..engine.model import Handbook
from ..engine.operators import sql_literal
from ..errors import InputError, UsageError
from ..wording import suggest
from .connection import input_error, quote_ident
from .numbers import BLANKS, CURRENCIES, DOT, Convention, detect, given_convention
from .parsing import MEMBERS, Parsed, parse_field, typed_column
from .shapes import CELL_LIMIT, KEY_SQL, MISSING, Misaligned, Shape, inspect, rewrite
from .shapes import key as key  # column names are compared by it (companies, backtest)

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
    """The format of `path`: `given` (an --input-format / --output-format), else its
    extension's. Raises UsageError for an extension no reader knows."""
    if given:
        return given
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"found the extension '{path.suffix}' on {path}; expected .csv, "
            ".parquet or .jsonl (or --input-format / --output-format)"
        )
    return fmt


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
    #: the decimal convention of its text numbers ("dot", "comma", None: not known)
    decimal: str | None = None
    #: how the convention was decided, for the summary
    convention: str = ""
    #: what was done to read the file (footer lines ignored, ragged records), for the summary
    notes: tuple[str, ...] = ()
    #: the CSV delimiter ('' for other formats)
    delimiter: str = ""
    #: a rewritten copy of the input that the caller removes when done
    scratch: Path | None = None
    #: columns whose empty cell reads as '' (present and empty), not NULL (`keeping_empty`)
    present_empty: tuple[str, ...] = ()
    #: the names of the id columns a misaligned record keeps in the careful pass
    ids: tuple[str, ...] = ()
    #: the records the careful pass found misaligned (every field unknown)
    misaligned: Misaligned = field(default_factory=Misaligned, compare=False)

    def typed(self, columns: Set[str], numbers: Set[str] = frozenset()) -> Source:
        """This CSV with `columns` read with their sniffed types (every other column stays
        text). Reading fails if a value beyond the sniffed sample does not fit its type; the
        caller then falls back to the all-text source.

        A whole-number type is never kept: DuckDB's reader rounds a later `3.5` to 4 and reads
        `1.200` as 1 in an integer column instead of failing. A column of `numbers` (number
        and integer fields) the sniffer typed as whole is read as DOUBLE when the convention is
        the dot (whose reading of every plain number it is), any other as text."""
        if self.csv_options is None or not columns:
            return self
        types = tuple((c, self._type_read(c, t, columns, numbers)) for c, t in self.sniffed)
        if types == self.columns:
            return self
        relation = _csv_read(self.path, self.csv_options, types, self.present_empty)
        return replace(self, relation=relation, columns=types)

    def _type_read(self, column: str, sniffed: str, columns: Set[str], numbers: Set[str]) -> str:
        if column not in columns:
            return "VARCHAR"
        if _whole_type(sniffed):
            return "DOUBLE" if column in numbers and self.decimal == DOT else "VARCHAR"
        if _decimal_type(sniffed) and self.decimal != DOT:
            return "VARCHAR"
        return sniffed

    def as_text(self) -> Source:
        """This CSV with every column read as text (cells quoted as written in warnings)."""
        if self.csv_options is None:
            return self
        text = tuple((c, "VARCHAR") for c, _ in self.columns)
        relation = _csv_read(self.path, self.csv_options, text, self.present_empty)
        return replace(self, relation=relation, columns=text)

    def keeping_empty(self, columns: list[str]) -> Source:
        """This CSV with an empty cell of `columns` read as '' (present and empty), not as
        NULL (absent): a set field's empty cell may mean "none", a missing one never does.
        A quoted empty cell ("", as Salesforce and many exporters write every empty cell) is
        also ''; in other columns '' reads as unknown as an empty cell does.

        Every record of a regular CSV has every cell (a ragged file is rewritten first, its
        missing cells written as `shapes.MISSING`, the rewrite's only NULL), so a NULL in such
        a column is an empty cell: it is read as ''. DuckDB's `force_not_null` is not used:
        it applies its list by the position among the columns a query reads, not in the file
        (DuckDB 2.0: reading columns b and c of a, b, c keeps c's empty cell and makes b's
        NULL, and a DOUBLE column it lands on fails the read)."""
        if self.csv_options is None or not columns:
            return self
        options = f"{self.csv_options}, allow_quoted_nulls = false"
        # a rewritten copy already reads an empty cell as '' (its NULL is MISSING)
        empty = () if self.scratch is not None else tuple(columns)
        return replace(
            self,
            csv_options=options,
            relation=_csv_read(self.path, options, self.columns, empty),
            present_empty=empty,
        )


def _decimal_type(duck_type: str) -> bool:
    return duck_type.upper() in ("DOUBLE", "FLOAT") or duck_type.upper().startswith("DECIMAL")


def _whole_type(duck_type: str) -> bool:
    whole = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
    return duck_type.upper().removeprefix("U") in whole


def open_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    *,
    encoding: str | None = None,
    folder: Path | None = None,
    headers_again: bool = True,
    ids: Sequence[str] = (),
) -> Source:
    """An export as a relation. A CSV of an irregular shape (`icpkit.sql.shapes`) is first
    rewritten into `folder` (default: the system's temporary folder); the caller removes
    `Source.scratch` when done. With `headers_again`, a CSV where some record may be the
    header row again is read through that pass too (the scorer looks for such a row in its
    scores instead, which costs nothing when there is none). `ids` names the columns that
    may be the id (`id_candidates`): a misaligned record keeps their cells, and no other.
    Raises UsageError for a missing file, InputError for a file that cannot be read (naming
    the cause and the line)."""
    if not path.is_file():
        raise UsageError(f"found no file {path}; expected an account export")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: found an empty file; expected a header row and accounts")
    if fmt == "csv":
        return _open_csv(
            con, path, encoding=encoding, folder=folder, headers_again=headers_again, ids=tuple(ids)
        )
    return _open_records(con, path, fmt)


def _open_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    encoding: str | None,
    folder: Path | None,
    headers_again: bool,
    ids: tuple[str, ...],
) -> Source:
    """`open_source` for a CSV: DuckDB's sniffer for a regular file, the careful pass
    (`regular`) for another shape, a dialect it cannot sniff or a header row again."""
    lit = sql_literal(str(path))
    shape = inspect(path, encoding)
    if shape.irregular:
        return regular(path, shape, folder, ids)
    try:
        delim, options, sniffed = _csv_sniff(con, path, lit)
    except InputError as exc:
        said = str(exc)
        if isinstance(exc, _Unsniffable):
            # a dialect DuckDB cannot sniff, a cell longer than its sample reads (2 MB):
            # the careful pass reads it, or says what is wrong and where
            shape.reasons.append("a dialect DuckDB cannot sniff")
        elif "names in the header but" in said and shape.delimiter in _header_line(path):
            # the sniffer took another delimiter from the rows ('a, b, c' cells in a ';'
            # file); the careful pass reads the delimiter of the header line
            shape.reasons.append(f"a {shape.delimiter!r}-separated header")
        else:
            raise
        return regular(path, shape, folder, ids)
    text = tuple((c, "VARCHAR") for c, _ in sniffed)
    relation = _csv_read(path, options, text)
    again = _header_again(con, relation, [c for c, _ in sniffed]) if headers_again else False
    if again is not False:
        shape.reasons.append(
            "a record DuckDB cannot read" if again is None else "a row of column names"
        )
        return regular(path, shape, folder, ids)
    return Source(path, "csv", relation, text, options, sniffed, delimiter=delim, ids=ids)


def _open_records(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> Source:
    """`open_source` for Parquet and JSON Lines: the reader's own types."""
    lit = sql_literal(str(path))
    # JSON Lines, or (a .json file) one array of records, as APIs and `jq -s` write it
    form = "'auto'" if path.suffix.lower() == ".json" else "'newline_delimited'"
    relation = (
        f"read_parquet({lit})"
        if fmt == "parquet"
        # every record decides a key's type: from a sample, a key typed BIGINT rounds a
        # later 49.6 to 50 (a key holding numbers and text is typed JSON, read as text)
        else f"read_json({lit}, format = {form}, sample_size = -1)"
    )
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as exc:
        if fmt == "jsonl" and form == "'newline_delimited'":
            _first_bad_record(path)
        raise input_error(path, exc, f"cannot be read as {fmt}") from exc
    columns = tuple((str(r[0]), str(r[1])) for r in described)
    if fmt == "jsonl":
        # JSON has no dates: a key DuckDB types as a date or time holds text, read as text
        # (`icp_date`), never as its reader's date (which reads `2026-1-5` and year 0)
        texts = tuple((c, "VARCHAR" if _time_type(t) else t) for c, t in columns)
        # the types found, given to the reader, so that no later query reads the file twice
        spec = ", ".join(f"{sql_literal(c)}: {sql_literal(t)}" for c, t in texts)
        pinned = f"read_json({lit}, format = {form}, columns = {{{spec}}})"
        try:
            con.execute(f"DESCRIBE SELECT * FROM {pinned}").fetchall()
            relation, columns = pinned, texts
        except duckdb.Error:
            pass
    return Source(path, fmt, relation, columns)


def _time_type(duck_type: str) -> bool:
    """Whether a type DuckDB's JSON reader gives text is a date or time type."""
    return duck_type.upper().startswith(("DATE", "TIME", "INTERVAL"))


def ids_name_columns(
    con: duckdb.DuckDBPyConnection, relation: str, ident: str, source: Source
) -> bool:
    """Some row of `relation` has an id (`ident`, SQL) that is a column name of `source`,
    compared as header names are: a header row repeated below the header, or another
    export's header, read as an account. The scorer asks it of its scores and the back-test
    of its rows, so that a file without such a row is not scanned for one beforehand."""
    keys = _header_keys(source.names)
    if not keys:
        return False
    within = ", ".join(keys)
    test = KEY_SQL.format(f"CAST({ident} AS VARCHAR)")
    return bool(
        con.execute(f"SELECT 1 FROM {relation} WHERE {test} IN ({within}) LIMIT 1").fetchall()
    )


def _header_keys(names: Sequence[str]) -> list[str]:
    """The column names as `key` compares them, each once, as SQL literals (sorted): what a
    cell holding a column name reads as (`KEY_SQL`)."""
    return [sql_literal(k) for k in sorted({key(n) for n in names if key(n)})]


def _header_again(con: duckdb.DuckDBPyConnection, relation: str, names: list[str]) -> bool | None:
    """Whether some record may be a header row again (`shapes.header_again` decides, in the
    careful pass): its first cell and at least two cells are column names, by `key`. A scan
    of the first column (every cell of a 1,000,000-row export: 0.6 CPU-s), then of the
    other cells of the rows it finds. None when DuckDB cannot read the file whole (the
    careful pass reads it, or says why)."""
    keys = _header_keys(names)
    if not keys:
        return False
    within = ", ".join(keys)
    first = KEY_SQL.format(quote_ident(names[0]))
    named = " + ".join(
        f"CASE WHEN {KEY_SQL.format(quote_ident(n))} IN ({within}) THEN 1 ELSE 0 END" for n in names
    )
    least = min(2, len(keys))
    try:
        found = con.execute(
            f"SELECT 1 FROM (SELECT * FROM {relation} WHERE {first} IN ({within})) "
            f"WHERE ({named}) >= {least} LIMIT 1"
        ).fetchall()
    except duckdb.InterruptException:
        raise
    except duckdb.Error:
        return None
    return bool(found)


def id_candidates(handbook: Handbook, id_column: str | None) -> tuple[str, ...]:
    """The names of the columns that may be an export's id: `--id-column`, else the
    vocabulary's `id_columns` (a misaligned record keeps these cells, `open_source`)."""
    return (id_column,) if id_column else tuple(handbook.id_columns)


def regular(
    path: Path,
    shape: Shape | None = None,
    folder: Path | None = None,
    ids: tuple[str, ...] = (),
) -> Source:
    """A CSV read through the rewriting pass of `icpkit.sql.shapes` (all text); a misaligned
    record keeps the cells of the columns `ids` names, and no other."""
    shape = shape or inspect(path)
    done = rewrite(path, shape, folder or Path(tempfile.gettempdir()), ids)
    header = _named(done.header)
    _unique(path, header)
    text = tuple((c, "VARCHAR") for c in header)
    # a missing cell (padded by the rewrite) is NULL, an empty one '' (present and empty)
    options = (
        "delim = ',', header = true, quote = '\"', escape = '\"', "
        f"nullstr = {sql_literal(MISSING)}, "
        # a record as long as the rewrite lets a cell be (DuckDB's default stops at 2 MB)
        f"max_line_size = {2 * CELL_LIMIT}"
    )
    why = ", ".join(shape.reasons) or "a record DuckDB could not read"
    return Source(
        path,
        "csv",
        _csv_read(done.path, options, text),
        text,
        notes=(
            f"read record by record, not by DuckDB's fast reader, because of {why}",
            *done.notes,
        ),
        delimiter=shape.delimiter,
        scratch=done.path,
        ids=ids,
        misaligned=done.misaligned,
    )


def _first_bad_record(path: Path) -> None:
    """Raise InputError at the first line of a JSON Lines file that is not one JSON object,
    as file:line:column (DuckDB's own message counts lines from another place)."""
    import json

    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}:{number}:{exc.start + 1}: found the byte 0x{raw[exc.start]:02x}, "
                    "which is not UTF-8; expected UTF-8 text"
                ) from None
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{path}:{number}:{exc.colno}: found invalid JSON ({exc.msg.lower()}); "
                    "expected one JSON object per line"
                ) from None
            if not isinstance(record, dict):
                kind = {list: "an array", str: "a string", bool: "true or false"}.get(
                    type(record), "a number" if record is not None else "null"
                )
                raise InputError(
                    f"{path}:{number}:1: found {kind}; expected one JSON object (a record "
                    "with its keys) per line"
                )


def _csv_read(
    path: Path, options: str, columns: tuple[tuple[str, str], ...], empty: Sequence[str] = ()
) -> str:
    """read_csv of `path` with these columns and types; the NULL cells of `empty` read as ''
    (see `Source.keeping_empty`)."""
    spec = ", ".join(f"{sql_literal(c)}: {sql_literal(t)}" for c, t in columns)
    lit = sql_literal(str(path))
    read = f"read_csv({lit}, {options}, auto_detect = false, columns = {{{spec}}})"
    if not empty:
        return read
    kept = ", ".join(f"coalesce({quote_ident(c)}, '') AS {quote_ident(c)}" for c in empty)
    return f"(SELECT * REPLACE ({kept}) FROM {read})"


def _csv_sniff(
    con: duckdb.DuckDBPyConnection, path: Path, lit: str
) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """The CSV's dialect as read_csv options, and its columns with their sniffed types
    (sniffed once: sniffing a large file costs as much as a tenth of reading it)."""
    try:
        sniffed = con.execute(
            f"SELECT Delimiter, Quote, Escape, Columns FROM sniff_csv({lit}, sample_size = 1024)"
        ).fetchone()
    except duckdb.Error as exc:
        raise _Unsniffable(str(input_error(path, exc, "cannot be read as CSV"))) from exc
    if sniffed is None:
        raise InputError(f"{path}: found no columns; expected a header row and accounts")
    delim, quote_char, escape, columns = sniffed
    # the sniffer says '(empty)' when the sample has no quotes: quotes later still work
    quote_char = quote_char if isinstance(quote_char, str) and len(quote_char) == 1 else '"'
    escape = escape if isinstance(escape, str) and len(escape) == 1 else quote_char
    header = _named(_header(path, str(delim), quote_char))
    _unique(path, header)
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
    return str(delim), ", ".join(options), types


def _named(header: list[str]) -> list[str]:
    """The header's names, trimmed, with a column that has none named by its position (a
    spreadsheet's index column, as pandas writes it: no field reads it, and a reader needs a
    name for every column)."""
    names = [c.strip(BLANKS) for c in header]
    return [name or f"(column {i} without a name)" for i, name in enumerate(names, 1)]


def _unique(path: Path, header: list[str]) -> None:
    """Raise InputError for two columns of one name, in any case ('Industry' and
    'industry': the reader compares names without case)."""
    seen: dict[str, tuple[int, str]] = {}
    for i, name in enumerate(header, 1):
        if name.lower() in seen:
            j, first = seen[name.lower()]
            found = (
                f"the column '{name}' twice"
                if first == name
                else (f"the columns '{first}' and '{name}', one name in another case")
            )
            raise InputError(
                f"{path}:1: found {found} (columns {j} and {i}); expected unique column "
                "names (rename or drop one)"
            )
        seen[name.lower()] = (i, name)


class _Unsniffable(InputError):
    """DuckDB's sniffer could not read the head of a CSV."""


def _header_line(path: Path) -> str:
    """The file's first line (up to 1 MB), as text."""
    with path.open("rb") as handle:
        return handle.readline(1 << 20).decode("utf-8-sig", errors="replace")


def _header(path: Path, delim: str, quote_char: str) -> list[str]:
    with path.open("rb") as handle:
        head = handle.read(1 << 20).decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(head), delimiter=delim, quotechar=quote_char)
    row = next(reader, None)
    if not row:
        raise InputError(f"{path}: found no header row; expected column names on line 1")
    return [c.strip(BLANKS) for c in row]


@dataclass
class Plan:
    """Which column feeds which field, and what nothing feeds."""

    id_column: str
    used: dict[str, str] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)
    #: fields no column supplies: unknown for every account (listed once, not per row)
    missing: list[str] = field(default_factory=list)
    #: columns that would also fit a field already taken: (column, field)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    #: columns whose name says another currency than their field's unit: (column, field,
    #: currency); not read (a revenue in EUR is no revenue in USD)
    other_currency: list[tuple[str, str, str]] = field(default_factory=list)


def plan_columns(
    handbook: Handbook,
    source: Source,
    *,
    id_column: str | None,
    mapping: dict[str, str] | None = None,
) -> Plan:
    """Which column feeds each field, in this order: the column `--map` names; else the first
    column, in the file's order, whose name matches (without case, spaces or punctuation) the
    field's own name, then each of its vocabulary `columns` in the order written there
    (HubSpot's, Salesforce's, then others). Any further column that fits the same field is
    ignored and named (`Plan.ignored`); `--map` chooses another. Raises InputError when the id
    column is not found, UsageError when `mapping` names an unknown field or column."""
    plan = Plan(_id_column(handbook, source, id_column))
    _mapped(plan, handbook, source, mapping or {})
    taken = {*plan.used.values(), plan.id_column}
    for name, fld in handbook.fields.items():
        candidates = [c for c in _fitting(source.names, (name, *fld.columns)) if c not in taken]
        for c in candidates:
            currency = _other_currency(c, fld.unit)
            if currency is not None:
                plan.other_currency.append((c, name, currency))
        candidates = [c for c in candidates if _other_currency(c, fld.unit) is None]
        if name in plan.used:
            plan.ignored += [(c, name) for c in candidates]
        elif candidates:
            plan.used[name] = candidates[0]
            plan.ignored += [(c, name) for c in candidates[1:]]
        else:
            plan.missing.append(name)
        taken.update(candidates)
    plan.unused = [c for c in source.names if c not in taken]
    return plan


#: how a column name says its currency: a symbol, or a code as a word ('Revenue (EUR)'):
#: the currencies a cell may write (`parsing.CURRENCIES`), and others a column may be in
_CURRENCY_MARKS = {
    **CURRENCIES,
    "JPY": ("¥", "jpy"),
    "CHF": ("chf",),
    "INR": ("₹", "inr"),
    "CAD": ("cad",),
    "AUD": ("aud",),
    "SEK": ("sek",),
}


def _other_currency(column: str, unit: str | None) -> str | None:
    """The currency a column's name says (€, 'EUR' as a word) when it is not `unit`, the
    field's currency; None when it says none, says `unit`, or the field is no amount."""
    if unit is None or unit.upper() not in _CURRENCY_MARKS:
        return None
    words = set(re.findall(r"[a-z]+", column.lower()))
    for code, marks in _CURRENCY_MARKS.items():
        if code != unit.upper() and any(m in words if m.isalpha() else m in column for m in marks):
            return code
    return None


def _fitting(names: list[str], candidates: tuple[str, ...]) -> list[str]:
    """The columns whose key equals a candidate's, in candidate order, without repeats."""
    out: list[str] = []
    for candidate in candidates:
        out += [c for c in names if key(c) == key(candidate) and key(c) and c not in out]
    return out


def id_columns_in(handbook: Handbook, names: list[str]) -> list[str]:
    """The `names` that are one of the vocabulary's `id_columns` (compared by `key`), in the
    order the vocabulary lists them: the first is an export's id column."""
    return _fitting(names, handbook.id_columns)


def _id_column(handbook: Handbook, source: Source, id_column: str | None) -> str:
    names = source.names
    if id_column is not None:
        if id_column not in names:
            raise InputError(
                f"{source.path}: found no column '{id_column}'"
                + suggest(id_column, names)
                + f"; columns are {', '.join(names)}"
            )
        return id_column
    found = id_columns_in(handbook, names)
    if not found:
        raise InputError(
            f"{source.path}: found no id column; expected one of "
            f"{', '.join(handbook.id_columns)} (or --id-column NAME); columns are "
            f"{', '.join(names[:12])}{', …' if len(names) > 12 else ''}"
        )
    return found[0]


def _mapped(plan: Plan, handbook: Handbook, source: Source, mapping: dict[str, str]) -> None:
    for field_name, col in mapping.items():
        if field_name not in handbook.fields:
            raise UsageError(
                f"--map: found the field '{field_name}', which is not in the vocabulary"
                + suggest(field_name, list(handbook.fields))
            )
        if col not in source.names:
            raise UsageError(
                f"--map: found the column '{col}', which is not in {source.path}"
                + suggest(col, source.names)
            )
        plan.used[field_name] = col


def parsed_columns(handbook: Handbook, source: Source, plan: Plan) -> tuple[str, dict[str, Parsed]]:
    """A SELECT giving icp_id and each used field's cleaned text (or typed column), and the
    parse expressions that read those columns."""
    types = dict(source.columns)
    items = [f"{id_value(plan.id_column, types[plan.id_column])} AS icp_id"]
    parsed: dict[str, Parsed] = {}
    # a number the file types (Parquet's binary numbers, JSON's number literals) has no decimal
    # convention; only a CSV's sniffed type was read from text that may have one
    typed_in = source.decimal if source.fmt == "csv" else DOT
    for i, (name, col) in enumerate(plan.used.items()):
        alias = f"t{i}"
        typed = typed_column(handbook.fields[name], alias, types[col], typed_in)
        if typed is not None:
            items.append(f"{quote_ident(col)} AS {alias}")
            parsed[name] = typed
        else:
            fld = handbook.fields[name]
            items.append(f"{text_column(col, types[col], members=fld.type == 'set_of')} AS {alias}")
            typed_json = None
            if types[col] == "JSON" and fld.type in ("number", "integer"):
                # a JSON number among text cells: its value, never read through a convention
                typed_json = f"{alias}_jn"
                items.append(f"{json_number(col)} AS {typed_json}")
            parsed[name] = parse_field(fld, alias, source.decimal, typed_json)
    return f"SELECT {', '.join(items)} FROM {source.relation}", parsed


#: the types `json_type` gives a JSON number literal
JSON_NUMBERS = "('BIGINT', 'UBIGINT', 'DOUBLE')"


def json_number(col: str) -> str:
    """SQL: the value of a JSON column's cell when it is a number literal (finite), as a
    DOUBLE (as every number of the scorer: integers past 2**53 lose digits), else NULL."""
    q = quote_ident(col)
    value = f"TRY_CAST({q} ->> '$' AS DOUBLE)"
    return f"CASE WHEN json_type({q}) IN {JSON_NUMBERS} AND isfinite({value}) THEN {value} END"


def id_value(col: str, ctype: str) -> str:
    """SQL for an account id as it is written out and looked up: a whole number held as a
    float (pandas writes an integer column with a gap as float64) as its digits, `9001` and
    `100000000000000000000`, never `9001.0` or `1e+20`, which no CRM matches; a JSON value
    (a JSON Lines key holding both numbers and text) as the text it holds, without JSON's
    quotes; any other column as it is."""
    q = quote_ident(col)

    def whole(x: str) -> str:
        return (
            f"CASE WHEN {x} = trunc({x}) AND TRY_CAST({x} AS HUGEINT) IS NOT NULL "
            f"THEN CAST(CAST({x} AS HUGEINT) AS VARCHAR) ELSE CAST({x} AS VARCHAR) END"
        )

    if ctype in ("DOUBLE", "FLOAT", "REAL"):
        return whole(q)
    if ctype == "JSON":
        number = f"TRY_CAST({q} ->> '$' AS DOUBLE)"
        return f"CASE WHEN json_type({q}) = 'DOUBLE' THEN {whole(number)} ELSE {q} ->> '$' END"
    return q


def text_column(col: str, ctype: str, *, members: bool = False) -> str:
    """SQL for the text of a column of type `ctype`: a list as `a;b`, or for a set field
    (`members`) as its members marked (`parsing.MEMBERS`: each member is one, a ',' in it
    splits nothing); a JSON value (a JSON Lines key holding both numbers and text) as the
    text it holds, without JSON's quotes."""
    q = quote_ident(col)

    def joined(lst: str) -> str:
        # a list with a NULL member is not known whole: unknown, as a NULL list is
        text = f"array_to_string({lst}, ';')"
        if members:
            text = (
                f"CASE WHEN len({lst}) > 0 THEN chr({ord(MEMBERS)}) || "
                f"array_to_string({lst}, chr({ord(MEMBERS)})) ELSE '' END"
            )
        return f"CASE WHEN list_count({lst}) = len({lst}) THEN {text} END"

    if ctype == "VARCHAR":
        return q
    if ctype.endswith("[]"):
        return joined(q)
    if ctype == "JSON":
        return (
            f"CASE WHEN json_type({q}) = 'ARRAY' THEN {joined(f'TRY_CAST({q} AS VARCHAR[])')} "
            f"ELSE {q} ->> '$' END"
        )
    return f"CAST({q} AS VARCHAR)"


#: rows read to decide a file's decimal convention
CONVENTION_SAMPLE = 5000


def with_convention(
    con: duckdb.DuckDBPyConnection,
    handbook: Handbook,
    source: Source,
    plan: Plan,
    decimal_comma: bool | None = None,
) -> Source:
    """`source` with its decimal convention: "comma" with `decimal_comma`, "dot" when it is
    False, else detected from the first rows of its text number columns (`numbers.detect`)."""
    given = given_convention(decimal_comma)
    if given is not None:
        flag = "--decimal-comma" if decimal_comma else "--decimal-point"
        convention = Convention(given, f"set by {flag}")
    else:
        types = dict(source.columns)
        text_cols = [
            col
            for name, col in plan.used.items()
            if handbook.fields[name].type in ("number", "integer")
            and types[col] in ("VARCHAR", "JSON")
        ]
        cells: list[tuple[str, str]] = []
        first = None
        if text_cols:
            # a JSON number literal shows no convention: only the text cells are looked at
            select = ", ".join(
                f"CASE WHEN json_type({quote_ident(c)}) NOT IN {JSON_NUMBERS} "
                f"THEN {text_column(c, types[c])} END"
                if types[c] == "JSON"
                else text_column(c, types[c])
                for c in text_cols
            )
            try:
                rows = con.execute(
                    f"SELECT {select} FROM {source.relation} LIMIT {CONVENTION_SAMPLE}"
                ).fetchall()
            except duckdb.Error:
                rows = []
            cells = [(c, v) for row in rows for c, v in zip(text_cols, row, strict=True) if v]
            first = CONVENTION_SAMPLE if len(rows) >= CONVENTION_SAMPLE else None
        convention = detect(cells, source.delimiter, first)
        if not text_cols and source.fmt != "csv":
            convention = Convention(DOT, "numbers are typed in the file")
    return replace(
        keep_empty_sets(handbook, source, plan),
        decimal=convention.decimal,
        convention=convention.describe(),
    )


def keep_empty_sets(handbook: Handbook, source: Source, plan: Plan) -> Source:
    """`source` with the empty cells of its set columns read as present and empty ('')."""
    sets = [col for name, col in plan.used.items() if handbook.fields[name].type == "set_of"]
    return source.keeping_empty(sets)


def read_through(
    con: duckdb.DuckDBPyConnection,
    handbook: Handbook,
    plan: Plan,
    source: Source,
    run: Callable[[Source], tuple[str, str]],
    *,
    typed: Source,
    encoding: str | None = None,
    folder: Path | None = None,
    scratch: list[Path],
) -> Source:
    """Run a whole-file query until a reading of `source` serves; the source it ran on.

    `run(attempt)` runs the query on one reading and returns what it wrote: a relation and
    its id expression (SQL). The readings, in order: `typed` (the sniffed types: fast),
    `source` as text (a value beyond the sniffer's sample that does not fit its type), then,
    for a CSV, the careful pass (`regular`, in `encoding`): when DuckDB cannot read the file
    whole, or when a written id is a column name (`ids_name_columns`: a header row again,
    which the careful pass skips or refuses at its line). The careful pass's copy (in
    `folder`, default the temporary folder) is added to `scratch` for the caller to remove.
    Raises InputError (the DuckDB error as its cause) when no reading serves;
    duckdb.InterruptException passes through."""
    attempts = [typed, source] if typed is not source else [source]
    while attempts:
        attempt = attempts.pop(0)
        careful_next = source.fmt == "csv" and source.scratch is None
        try:
            relation, ident = run(attempt)
            if not (careful_next and ids_name_columns(con, relation, ident, source)):
                return attempt
        except duckdb.InterruptException:
            raise
        except duckdb.Error as exc:
            if attempts:
                continue
            if not careful_next:
                raise input_error(source.path, exc, limit=400) from exc
        again = careful(source, encoding, folder)
        scratch += [again.scratch] if again.scratch else []
        source = keep_empty_sets(handbook, again, plan)
        attempts = [source]
    raise AssertionError("every reading ends in a return or a raise")


def careful(source: Source, encoding: str | None = None, folder: Path | None = None) -> Source:
    """`source` (a CSV) read again through the careful pass (`regular`, in `encoding`, its
    copy in `folder`), in the decimal convention already found for it. The caller removes
    the copy (`Source.scratch`). Raises InputError naming the line at fault when the file
    cannot be read even so."""
    again = regular(source.path, inspect(source.path, encoding), folder, source.ids)
    return replace(again, decimal=source.decimal, convention=source.convention)
