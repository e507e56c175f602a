"""The shapes CSV exports come in, and the one pass that makes an irregular one regular.

A regular file (UTF-8, one line ending, every record as wide as the header) is
read by DuckDB directly. These shapes are recognised from the file's first
megabyte and last 64 KB and rewritten, in one streaming pass, into a regular
UTF-8 CSV beside the output:
- Excel's "Unicode Text" (UTF-16 with a byte-order mark, tab-separated, CRLF);
- Excel's `sep=;` first line (the delimiter is taken from it);
- a Salesforce report: data, a blank line, then a footer of one-cell lines
  (report name, confidentiality note): the footer is dropped and counted;
- mixed CRLF and LF line endings, bare CR, blank lines between records;
- a trailing delimiter on every record (the exporter's habit: the empty extra cell is
  dropped);
- ragged rows: a short record is padded (its missing cells are unknown); a misaligned
  record, one with more cells than the header while the others do not have them (an
  unquoted delimiter inside a cell moved every later cell: `SaaS;Salesforce;Outreach;…`),
  or with text past the header, is kept with every field unknown (only its id columns
  are kept, so that it can be found); both are named by row and line;
- text in another encoding given with `--encoding`.
- UTF-16 without a byte-order mark (recognised by its NUL bytes on every other byte);
- a Salesforce footer with no blank line before it: a total line ("Grand Total(s) (2
  records)"; an Excel table's "Total" row of sums) or one-cell lines with a footer's words
  (Copyright, Confidential).
- the header row again further down (two exports joined, an Excel copy-paste): each cell
  the column's own name (compared as header names are, `key`); it is not a record, it is
  dropped and its lines named. A row of the header's names in another order, or of some
  of them, is a second export's header: the records after it would be read into the wrong
  columns, so the file is refused, naming its line. (A regular file is checked for such a
  row by one query, `HEADER_AGAIN_SQL`, and rewritten only when it has one.)
Text that is not UTF-8 (Latin-1, Windows-1252) is refused with its line and
byte and how to re-save it, unless `--encoding` names its encoding; any other NUL
byte is refused (a cell with NULs is never scored), and so is a quote that opens
and is never closed (it would swallow every later record), naming its line.
A cell a short record lacks, and every cell of a misaligned record but its id, is
written as `MISSING` and read back as NULL (unknown), unlike a present empty cell.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .numbers import BLANKS

HEAD = 1 << 20
TAIL = 1 << 16
DELIMITERS = (",", ";", "\t", "|")
#: temporary rewritten inputs are named so (and removed by the next run if left behind)
REWRITE_SUFFIX = "-input.tmp"
#: the longest cell the rewrite reads: a longer one is a quote that is never closed
CELL_LIMIT = 16 << 20
#: what the rewrite writes for a cell a short record lacks (read back as NULL: unknown)
MISSING = "\x1e"
#: `_Copy.wide`'s count for a record with text in a cell past the header (misaligned)
TEXT_PAST = 1 << 62


def key(name: str) -> str:
    """Column names are compared by this key: lowercase letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


#: `key` in DuckDB's SQL, for a text expression
KEY_SQL = "regexp_replace(lower({}), '[^a-z0-9]', '', 'g')"
#: a repeated header is the header's exact names again; another export's header has at
#: least this share of the header's names (and at least two), and nothing else
HEADER_SHARE = 0.5


def header_again(header: list[str], row: list[str]) -> str | None:
    """'same' when `row` is the header again (each cell, by `key`, its column's name; cells
    past the header empty), 'other' when it is a header in another order or of other columns
    (only the header's names, at least two and half of them), else None (a record)."""
    keys = [key(n) for n in header]
    cells = [key(c) for c in row]
    cells += [""] * (len(keys) - len(cells))
    if any(keys) and cells[: len(keys)] == keys and not any(cells[len(keys) :]):
        return "same"
    named = {k for k in keys if k}
    found = [c for c in cells if c]
    if (
        len(found) >= 2
        and len(set(found)) == len(found)
        and all(c in named for c in found)
        and len(found) >= HEADER_SHARE * len(named)
    ):
        return "other"
    return None


@dataclass
class Shape:
    """What the head and tail of a file show."""

    encoding: str = "utf-8"
    delimiter: str = ","
    sep_line: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def irregular(self) -> bool:
        return bool(self.reasons)


def _decode_head(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    """(codec, text of the head)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", raw.decode("utf-16", errors="replace")
    if b"\x00" in raw and not (encoding or "").lower().replace("_", "-").startswith("utf-16"):
        utf16 = _utf16_without_bom(raw)
        if utf16 is None:
            _nul(path, raw)
        else:
            return utf16, raw[: len(raw) - len(raw) % 2].decode(utf16, errors="replace")
    if encoding:
        try:
            return encoding, raw.decode(encoding, errors="replace")
        except LookupError:
            raise InputError(
                f"found --encoding {encoding}, which Python does not know; expected for "
                "example utf-8, cp1252, latin-1 or utf-16"
            ) from None
    try:
        return "utf-8-sig", raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not a character cut by the end of the head
            not_utf8(path)
        return "utf-8-sig", raw[: exc.start].decode("utf-8-sig")


def _utf16_without_bom(raw: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the NUL bytes fall as UTF-16 puts them in mostly Latin
    text (every other byte), else None."""
    sample = raw[:4096]
    even, odd = sample[0::2], sample[1::2]
    if not odd:
        return None
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def _nul(path: Path, raw: bytes) -> None:
    """Raise InputError naming the first NUL byte: no text export holds one, and a cell with
    NULs is never scored."""
    at = raw.index(b"\x00")
    line = raw.count(b"\n", 0, at) + 1
    column = at - (raw.rfind(b"\n", 0, at) + 1) + 1
    raise InputError(
        f"{path}:{line}:{column}: found a NUL byte (0x00); expected text (the file may be "
        "UTF-16 without a byte-order mark, or not a text export at all): re-save it as UTF-8 "
        "(Excel: Save As › CSV UTF-8) or read it with --encoding utf-16-le"
    )


def not_utf8(path: Path) -> None:
    """Raise InputError naming the first line and byte that are not UTF-8."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = line[exc.start]
                guess = "Windows-1252 or Latin-1" if byte >= 0x80 else "another encoding"
                raise InputError(
                    f"{path}:{number}:{exc.start + 1}: not UTF-8: found the byte 0x{byte:02X} "
                    f"(the file looks like {guess} text); re-save it as UTF-8 (Excel: Save As "
                    "› CSV UTF-8) or read it as it is with --encoding cp1252"
                ) from None
    raise InputError(f"{path}: not UTF-8; re-save it as UTF-8 or pass --encoding")


#: Excel's first line naming the delimiter: `sep=;`, `sep=<tab>`, or quoted as `"sep=;"`;
#: a tool that re-saved the file may have padded it with empty cells (`sep=;;;;`,
#: `"sep=;";;;`): delimiters after it are allowed (checked to be the one it names)
_SEP_LINE = re.compile(r' *(?:sep=([^"\r\n])|"sep=([^"\r\n])") *([,;\t|]*) *', re.I)


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def allow_long_cells() -> None:
    """Python's CSV reader refuses a cell over 128 KB (a long description or notes field)."""
    csv.field_size_limit(max(csv.field_size_limit(), CELL_LIMIT))


def inspect(path: Path, encoding: str | None = None) -> Shape:
    """The shape of a CSV from its first megabyte and last 64 KB (never the whole file).
    Raises InputError when the file is not text in `encoding` (default: UTF-8, then the
    encodings `shapes` recognises) or cannot be read."""
    allow_long_cells()
    size = path.stat().st_size
    with path.open("rb") as handle:
        raw = handle.read(HEAD)
        handle.seek(max(0, size - TAIL))
        tail = handle.read()
    codec, head = _decode_head(path, raw, encoding)
    if size > HEAD and b"\x00" in tail and not codec.startswith("utf-16"):
        at = max(0, size - TAIL) + tail.index(b"\x00")
        raise InputError(
            f"{path}: found a NUL byte (0x00) at byte {at + 1}, near the end; expected text "
            "(the file may be cut short or not a text export): re-save it as UTF-8"
        )
    shape = Shape(codec)
    if codec not in ("utf-8-sig", "utf-8"):
        shape.reasons.append(f"{codec} text")
    first, _, _ = head.partition("\n")
    # the delimiter may be a tab (which strip() would remove), and a tool that re-saved the
    # file with that delimiter quotes the line ("sep=;")
    sep = _SEP_LINE.fullmatch(first.rstrip("\r\n"))
    if sep and set(sep.group(3)) - {sep.group(1) or sep.group(2)}:
        sep = None  # padded with another character than the one it names: not a sep= line
    if sep:
        shape.sep_line, shape.delimiter = True, sep.group(1) or sep.group(2)
        shape.reasons.append(f"a {'sep=' + shape.delimiter!r} first line")
    else:
        shape.delimiter = _delimiter(first)
    crlf = head.count("\r\n")
    if (crlf and head.count("\n") > crlf) or head.replace("\r\n", "").count("\r"):
        shape.reasons.append("mixed line endings")
    if size <= HEAD and head.count('"') % 2:
        shape.reasons.append("an odd number of quotes")
    rows = _head_rows(head, shape.delimiter, size > HEAD)
    if rows and len(rows[0]) > 1 and not rows[0][-1].strip(BLANKS) and not shape.sep_line:
        # Excel writes `a;b;c;;;` for a sheet once wider: columns without a name, which no
        # field reads (and '' twice, which no reader takes)
        shape.reasons.append("unnamed columns at the end of the header")
    if len({len(r) for r in rows if r}) > 1:
        shape.reasons.append("records of different widths")
    if any(r and not any(c.strip(BLANKS) for c in r) for r in rows):
        shape.reasons.append("empty records")
    if codec.startswith("utf-8") and _footer(
        tail.decode("utf-8", errors="replace"), shape.delimiter
    ):
        shape.reasons.append("a report footer")
    return shape


def _head_rows(head: str, delimiter: str, cut: bool) -> list[list[str]]:
    lines = head.splitlines()
    if cut:
        lines = lines[:-1]
    return list(csv.reader(lines, delimiter=delimiter))


#: the first cell of a report's total line ("Grand Total (2 records)", Salesforce Classic's
#: "Grand Totals (2 records)", an Excel table's "Total")
_TOTAL = re.compile(
    r"\s*(?:grand\s+totals?|sub\s*totals?|totals?)(?:\s*\(\d[\d,.]*\s+records?\))?\s*", re.I
)
#: a cell of a total line: a sum, a count or an average (digits, separators, a sign, a
#: currency sign or '%'), never a word
_SUM = re.compile(r"[-+(]?[$€£]?[0-9][0-9.,'’ \u00a0\u202f]*%?\)?")
#: how the one-cell lines of a report footer begin
_FOOTER_WORDS = re.compile(r"\s*(?:copyright|confidential|filtered\s+by|generated\s+by)\b", re.I)


def _total(row: list[str]) -> bool:
    """A report's total line: 'Total' or 'Grand Total(s) (2 records)' first, and at most half
    of its cells filled or every other filled cell a number (the sums: an Excel table's total
    row sums the columns it is asked to); an account named Total fills its record's cells,
    text among them."""
    if not row or not _TOTAL.fullmatch(row[0]):
        return False
    filled = [c.strip(BLANKS) for c in row[1:] if c.strip(BLANKS)]
    return 2 * (len(filled) + 1) <= max(len(row), 2) or all(_SUM.fullmatch(c) for c in filled)


def _footer_start(row: list[str], blank_seen: bool) -> bool:
    """Whether this record may begin a report footer: a total line, or a one-cell line after a
    blank line or with a footer's words (copyright, confidential, filtered by)."""
    if _total(row):
        return True
    return len(row) == 1 and (blank_seen or bool(_FOOTER_WORDS.match(row[0])))


def _footer(tail: str, delimiter: str) -> bool:
    """The file ends with a report footer: one-cell lines after a blank line, a total line
    ("Grand Total (2 records)") or a footer's words, up to the end."""
    lines = tail.rstrip("\r\n").splitlines()
    for count, line in enumerate(reversed(lines)):
        if not line.strip():
            return count > 0
        row = next(csv.reader([line], delimiter=delimiter), [])
        if _total(row):
            return True
        if len(row) != 1:
            return False
        if _FOOTER_WORDS.match(row[0]):
            return True
    return False


class Misaligned:
    """The misaligned records of a rewritten file: their rows (1-based, as `icp explain
    --row` counts them) and lines in the file, in order. Arrays: a file may have many."""

    def __init__(self, rows: Sequence[int] = (), lines: Sequence[int] = ()) -> None:
        self.rows = array("q", rows)
        self.lines = array("q", lines)

    def __len__(self) -> int:
        return len(self.rows)

    def line_of(self, row: int) -> int | None:
        """The line of record `row` when it is misaligned, else None."""
        at = bisect_left(self.rows, row)
        return self.lines[at] if at < len(self.rows) and self.rows[at] == row else None

    def shown(self, limit: int = 5) -> str:
        """The first records as 'row 2 (line 3), row 9 (line 10) and 4 more'."""
        pairs = zip(self.rows[:limit], self.lines[:limit], strict=True)
        shown = ", ".join(f"row {r} (line {n})" for r, n in pairs)
        return shown + (f" and {len(self) - limit} more" if len(self) > limit else "")


def _misaligned_why(one: bool) -> str:
    """Why a misaligned record's fields are unknown, and what to do (one record, or several)."""
    return (
        "a delimiter inside a cell that is not quoted moves every later cell, so none of "
        f"{'its' if one else 'their'} cells can be trusted: every field of "
        f"{'it' if one else 'them'} is read as unknown (quote that cell, or export with "
        "another delimiter)"
    )


def misaligned_warning(misaligned: Misaligned, width: int) -> str:
    """The warning for the misaligned records of a file (the summary, the provenance)."""
    count = len(misaligned)
    one = count == 1
    return (
        f"warning: {count} record{'' if one else 's'} {'has' if one else 'have'} more cells "
        f"than the header's {width} while the others do not: {misaligned.shown()}; "
        + _misaligned_why(one)
    )


def misaligned_row_warning(row: int, line: int) -> str:
    """What `icp explain --row/--id` says of a misaligned record."""
    return (
        f"warning: row {row} (line {line}) has more cells than the header while the other "
        "records do not: " + _misaligned_why(True)
    )


@dataclass
class Rewritten:
    path: Path
    header: list[str]
    notes: list[str]
    misaligned: Misaligned = field(default_factory=Misaligned)


def _shown(row: list[str], limit: int = 6) -> str:
    """The first cells of a record, for a message (as text, quoted)."""
    cells = [repr(c.strip(BLANKS)) for c in row if c.strip(BLANKS)]
    return ", ".join(cells[:limit]) + (", …" if len(cells) > limit else "")


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def rewrite(path: Path, shape: Shape, folder: Path, ids: Sequence[str] = ()) -> Rewritten:
    """Write `path` as a regular UTF-8 CSV (comma-separated, LF) into `folder`, with what was
    done for the summary. A misaligned record keeps only the cells of the columns named
    `ids` (compared by `key`: its id, so that it can be found). Raises InputError for text
    that is not in the shape's encoding."""
    target = folder / f".{path.name}.icp-{os.getpid()}{REWRITE_SUFFIX}"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    allow_long_cells()
    lines: _Tracked | None = None
    try:
        with (
            path.open(encoding=shape.encoding, newline="") as src,
            os.fdopen(fd, "w", encoding="utf-8", newline="") as out,
        ):
            lines = _Tracked(src)
            reader = csv.reader(lines, delimiter=shape.delimiter)
            header, copy = _copy(path, reader, lines, out, shape)
            _closed(path, lines, shape.delimiter)
        misaligned = copy.misaligned()
        if misaligned:
            # the id is kept (so that --id finds the record) only in the first column: a
            # delimiter in any cell before it would have moved it too
            keep = {key(i) for i in ids}
            _blank_misaligned(
                target, misaligned, [i == 0 and key(n) in keep for i, n in enumerate(header)]
            )
    except UnicodeDecodeError:
        target.unlink(missing_ok=True)
        not_utf8(path)
        raise
    except csv.Error as exc:
        target.unlink(missing_ok=True)
        if lines is None or "field limit" not in str(exc):
            raise
        # (an unclosed quote past the head: the head's check cannot see it)
        raise InputError(
            f"{path}:{lines.start}: found a cell of more than {CELL_LIMIT >> 20} MB from line "
            f"{lines.start} on (a quote that opens there and is never closed makes every later "
            'line one cell); expected every quoted cell to end with a quote: fix the stray " '
            "on that line"
        ) from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Rewritten(target, header, copy.notes(misaligned), misaligned)


def _blank_misaligned(target: Path, misaligned: Misaligned, kept: list[bool]) -> None:
    """Write every cell of the misaligned records of the rewritten `target` as `MISSING`
    (unknown), but those of the `kept` columns (a second pass over the copy: a record is
    known to be misaligned only once every record has been seen)."""
    again = target.with_name(target.name.removesuffix(REWRITE_SUFFIX) + "-2" + REWRITE_SUFFIX)
    fd = os.open(again, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            target.open(encoding="utf-8", newline="") as src,
            os.fdopen(fd, "w", encoding="utf-8", newline="") as out,
        ):
            reader, writer = csv.reader(src), _LfWriter(out)
            writer.writerow(next(reader))
            rows = iter(misaligned.rows)
            bad = next(rows, None)
            for number, row in enumerate(reader, 1):
                if number == bad:
                    row = [c if keep else MISSING for c, keep in zip(row, kept, strict=True)]
                    bad = next(rows, None)
                writer.writerow(row)
        again.replace(target)
    except BaseException:
        again.unlink(missing_ok=True)
        raise


class _Tracked:
    """The lines of a file, keeping those read since `mark` (the raw text of a record)."""

    def __init__(self, src: Any) -> None:
        self.src = src
        self.number = 0
        self.start = 1
        self.lines: list[str] = []
        self.last: list[str] = []
        self.last_start = 1

    def __iter__(self) -> _Tracked:
        return self

    def __next__(self) -> str:
        line: str = next(self.src)
        self.number += 1
        self.lines.append(line)
        return line

    def record(self) -> None:
        """A record was read: keep its lines as the last record's."""
        self.last, self.last_start = self.lines, self.start
        self.lines, self.start = [], self.number + 1


def _closed(path: Path, lines: _Tracked, delimiter: str) -> None:
    """Raise InputError when the last record read opens a quote that the file never closes
    (every later line would be swallowed into one cell)."""
    raw = lines.last + lines.lines
    if not any('"' in line for line in raw):
        return
    try:
        list(csv.reader(raw, delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if "end of data" not in str(exc):
            return
        raise InputError(
            f"{path}:{lines.last_start}: found a quote that opens on line {lines.last_start} and "
            f"is never closed (lines {lines.last_start} to {lines.number} would be one cell); "
            "expected every "
            'quoted cell to end with a quote: fix the stray " on that line'
        ) from None


def _blank(row: list[str]) -> bool:
    return not any(c.strip(BLANKS) for c in row)


def _header_row(path: Path, reader: Any, lines: _Tracked, shape: Shape) -> tuple[list[str], int]:
    """The first row that is neither Excel's `sep=` line nor blank, without trailing empty
    names (a trailing delimiter, or columns without a name), and how many were dropped."""
    for row in reader:
        lines.record()
        if (shape.sep_line and reader.line_num == 1) or _blank(row):
            continue
        named = list(row)
        while named and not named[-1].strip(BLANKS):
            named = named[:-1]
        return named, len(row) - len(named)
    raise InputError(f"{path}: found no header row; expected column names on line 1")


@dataclass
class _Copy:
    """Records copied so far, and what was done to them."""

    width: int
    #: columns without a name after the named ones (their cells are read by no field)
    unnamed: int = 0
    #: records with text in those columns
    in_unnamed: int = 0
    short: list[int] = field(default_factory=list)
    #: records written so far (the row number of the last one)
    rows: int = 0
    #: how many records that are not short and have no text past the header have each
    #: number of cells: the most common, when wider than the header, is the exporter's habit
    #: of ending records with extra delimiters
    widths: Counter[int] = field(default_factory=Counter)
    #: records wider than the header: their cell count (`TEXT_PAST` when a cell past the
    #: header holds text) -> (rows, lines)
    wide: dict[int, tuple[array[int], array[int]]] = field(default_factory=dict)
    #: lines where the header row is repeated (dropped: not a record)
    headers: list[int] = field(default_factory=list)
    #: one-cell records after a blank line: a report footer if nothing follows them
    pending: list[tuple[int, list[str]]] = field(default_factory=list)

    def fit(self, line: int, row: list[str]) -> list[str]:
        """The record as wide as the header (a short one padded with `MISSING`); one with more
        cells is noted (`wide`): whether it is misaligned is known once every record is."""
        self.rows += 1
        if len(row) < self.width:
            self.short.append(line)
            return row + [MISSING] * (self.width - len(row))
        seen = self.width + self.unnamed
        if len(row) <= seen:
            if not _blank(row[self.width :]):
                self.in_unnamed += 1
        else:
            count = len(row) if _blank(row[seen:]) else TEXT_PAST
            rows, lines = self.wide.setdefault(count, (array("q"), array("q")))
            rows.append(self.rows)
            lines.append(line)
        if _blank(row[seen:]):
            self.widths[len(row)] += 1
        return row[: self.width]

    def habit(self) -> int:
        """The cells a record may have: the header's, or more when most records that are not
        short end with extra empty cells (an exporter's habit: the most common width, the
        wider on a tie). One record without the habit (a row added by hand) does not make
        every other record misaligned; one record wider than the habit is."""
        usual = max(self.widths.items(), key=lambda kv: (kv[1], kv[0]))[0] if self.widths else 0
        return max(self.width + self.unnamed, usual)

    def misaligned(self) -> Misaligned:
        """The records with more cells than the others (or text past the header)."""
        habit = self.habit()
        found = sorted(
            (row, line)
            for count, (rows, lines) in self.wide.items()
            if count > habit
            for row, line in zip(rows, lines, strict=True)
        )
        return Misaligned([r for r, _ in found], [n for _, n in found])

    def notes(self, misaligned: Misaligned) -> list[str]:
        notes = []
        if self.headers:
            notes.append(
                f"warning: skipped the header row repeated on lines {_lines(self.headers)} (not an "
                "account: two exports joined, or a copy-paste)"
            )
        if self.pending:
            notes.append(
                f"ignored {len(self.pending)} footer line{'' if len(self.pending) == 1 else 's'} "
                "after the data (a report footer)"
            )
        habit = self.habit()
        if habit > self.width + self.unnamed:
            notes.append(
                f"records end with {habit - self.width - self.unnamed} extra "
                "delimiter(s) (the exporter's habit: the empty cells are ignored)"
            )
        if self.in_unnamed:
            notes.append(
                f"{self.in_unnamed} records have text in columns without a name at the end "
                "of the header (ignored: no field reads a column without a name)"
            )
        if self.short:
            notes.append(
                f"records on lines {_lines(self.short)} have fewer cells than the header; "
                "their missing cells are unknown"
            )
        if misaligned:
            notes.append(misaligned_warning(misaligned, self.width))
        return notes


class _LfWriter:
    """A csv writer of LF lines. A line break inside a cell is written as LF: Python's
    writer quotes a cell only for the characters of its line terminator, so a lone CR
    ('Accel\\rGV', quoted in the export) went out unquoted, and DuckDB could not read
    the copy (CR and LF read alike: a set's separator, a text's word break)."""

    def __init__(self, out: Any) -> None:
        self.writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: list[str]) -> None:
        self.writer.writerow(
            [c.replace("\r\n", "\n").replace("\r", "\n") if "\r" in c else c for c in row]
        )


def _copy(
    path: Path, reader: Any, lines: _Tracked, out: Any, shape: Shape
) -> tuple[list[str], _Copy]:
    writer = _LfWriter(out)
    header, unnamed = _header_row(path, reader, lines, shape)
    writer.writerow(header)
    copy = _Copy(len(header), unnamed)
    blank_seen = False
    for row in reader:
        lines.record()
        if _blank(row):
            blank_seen = True
            continue
        again = header_again(header, row)
        if again == "same":
            copy.headers.append(lines.last_start)
            continue
        if again == "other":
            raise InputError(
                f"{path}:{lines.last_start}: found a second header row in another column order or "
                f"with other columns ({_shown(row)}); expected one header row: the records "
                "after it would be read into the wrong columns. Split the file there into two "
                "exports and score each (or give its columns the first header's order)"
            )
        if (copy.pending and len(row) == 1) or _footer_start(row, blank_seen):
            # a footer if nothing but one-cell lines follows it
            copy.pending.append((lines.last_start, row))
            continue
        for held_line, held in copy.pending:  # not a footer after all: records
            writer.writerow(copy.fit(held_line, held))
        copy.pending, blank_seen = [], False
        writer.writerow(copy.fit(lines.last_start, row))
    return header, copy
