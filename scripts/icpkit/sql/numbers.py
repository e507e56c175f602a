"""Numbers in CRM text, read so that a number is never silently wrong.

Two decimal conventions meet in exports: the dot (`1,234,567.89`, US and UK;
Swiss `1'234'567.89`) and the comma (`1.234.567,89`, most of Europe; also
`1 234 567,89`). A grouping separator (`,` `.` `'` `’` or a space) is accepted
only where every group after it has exactly three digits, and the first group
has one to three digits and no leading zero. So each cell has at most two
readings, one per convention:

| text        | dot reading | comma reading | read as (convention unknown)    |
| ----------- | ----------- | ------------- | ------------------------------- |
| `1,234.5`   | 1234.5      | none          | 1234.5                          |
| `3,5`       | none        | 3.5           | 3.5                             |
| `12,00`     | none        | 12            | 12                              |
| `1,200`     | 1200        | 1.2           | unknown, with a warning         |
| `8.000`     | 8           | 8000          | unknown, with a warning         |

A reading that does not fit the field is no reading: an integer field drops
1.2 (so `1,200` employees is 1200), and the vocabulary's `minimum` / `maximum`
drop values outside them (`-5` employees is unreadable). When the file's
convention is known (detected, or `--decimal-comma`), only its reading is used
and a cell that does not follow it is unreadable, never reread the other way.

Detection (`detect`): a `;`-delimited file whose number cells include
comma-decimal values and no dot-decimal ones is the European Excel export
(comma); a file with dot-decimal values and no comma-decimal ones is dot;
anything else stays unknown and ambiguous cells are unknown with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..engine.model import Field
from ..engine.normal import BLANKS as BLANKS
from ..engine.operators import sql_literal

#: a number cell longer than this (once trimmed) is unreadable: a longer numeral is beyond a
#: double's range or would be read as another number (0.000…1 as 0); the warehouse SQL
#: (`textnumbers.LONGEST`) reads it so too
LONGEST = 300

#: decimal conventions: "dot" (1,234.5), "comma" (1.234,5); None: not known
DOT = "dot"
COMMA = "comma"


def given_convention(decimal_comma: bool | None) -> str | None:
    """The convention --decimal-comma (True) or --decimal-point (False) names; None when
    neither is given (the file's own is detected)."""
    return None if decimal_comma is None else (COMMA if decimal_comma else DOT)


#: one blank, as a regular expression that reads the same in Python's re and DuckDB's RE2
#: (whose `\s` is ASCII only, while Python's is Unicode: the two read `25\u00a0%` apart)
BLANK = f"[{BLANKS}]"
#: the spaces a number may group its digits with (1 234 567, French and Swiss exports): the
#: ASCII space, the no-break, figure, narrow no-break and thin spaces
SPACES = " \u00a0\u2007\u202f\u2009"
_OTHER_GROUPS = ("'", "’", f"[{SPACES}]")


def _grammar(decimal: str, group: str) -> str:
    groups = "|".join(f"(?:{g}[0-9]{{3}})+" for g in (re.escape(group), *_OTHER_GROUPS))
    return (
        rf"(?:[0-9]+|[1-9][0-9]{{0,2}}(?:{groups}))(?:{re.escape(decimal)}[0-9]+)?"
        r"(?:e[-+]?[0-9]+)?"
    )


#: one unsigned number in each convention (lowercase text)
DOT_NUMBER = _grammar(".", ",")
COMMA_NUMBER = _grammar(",", ".")
#: the digits-and-separators part of a cell
_NUM = rf"[0-9](?:[0-9.,'’{SPACES}]*[0-9])?"
_CUR = r"us\$|usd|\$|€|eur|£|gbp"
#: an amount's suffix -> the power of ten it scales by (`icp_power`, AMOUNT and the Qualify page
#: read this table). The power moves the decimal point of the number as written (`4.1M` is read
#: as the text `4.1e6`), never multiplies a double: 4.1 × 10⁶ is 4099999.9999999995
SUFFIXES = {
    "k": 3,
    "thousand": 3,
    "m": 6,
    "mm": 6,
    "mn": 6,
    "million": 6,
    "b": 9,
    "bn": 9,
    "billion": 9,
    # German exports: Mio. (Millionen) and Mrd. (Milliarden)
    "mio": 6,
    "mio.": 6,
    "mrd": 9,
    "mrd.": 9,
}
#: the suffixes as one alternation, the longer first (`mm` before `m`)
_MULT = "|".join(re.escape(w) for w in sorted(SUFFIXES, key=len, reverse=True))
#: the minus signs: the hyphen-minus and U+2212 MINUS SIGN (what a spreadsheet or a word
#: processor writes, `−5`); a figure dash, en dash or em dash before a number is none (an en
#: dash reads as a band's dash, `51–200`), and a cell so written is unreadable, with `WHYS`
MINUS = "-\u2212"
AMOUNT = (
    rf"^({_CUR})?{BLANK}*([{MINUS}+])?{BLANK}*({_CUR})?{BLANK}*({_NUM}){BLANK}*"
    rf"({_MULT})?{BLANK}*({_CUR}|%)?$"
)
BAND = rf"^({_NUM}){BLANK}*[-–]{BLANK}*({_NUM})$"
#: an accounting negative: the number in parentheses, `(1,200)`, `($1,200)`, `(5%)`, read as
#: the cell `-` and what the parentheses hold (`icp_signed`, `signed`); a sign inside them
#: (`(-5)`) or a band (`(51-200)`) is unreadable
OPEN, CLOSE = "(", ")"
_LEAD = rf"{BLANK}*(?:{_CUR})?{BLANK}*[0-9]"
#: shapes of a number cell no reader reads, each with why (the lowered cell, after `signed`,
#: searched from its start): `icp explain`, `icp score` and the Qualify page say it after
#: "cannot read"
WHYS = (
    (
        rf"^(?:~|≈|approx\.?|approximately|about|around|circa|ca\.)(?:{_LEAD})",
        "an approximate value: write the number, or a band such as 400-600",
    ),
    (
        rf"^(?:[<>≤≥]=?|less than|fewer than|more than|greater than|over|under|below|above"
        rf"|at least|at most|up to)(?:{_LEAD})",
        "a bound, not a value: write the value, or a band such as 51-200 or 1,001+",
    ),
    (
        rf"^(?:{_CUR})?{BLANK}*[{MINUS}+]?{BLANK}*(?:{_CUR})?{BLANK}*"
        rf"[1-9][0-9]?(?:,[0-9]{{2}})+,[0-9]{{3}}(?:\.[0-9]+)?{BLANK}*(?:{_CUR})?$",
        "digit groups of 2 (1,00,000, the Indian grouping): write it without separators "
        "(100000) or grouped in threes (100,000)",
    ),
    (
        rf"^[‒–—]{BLANK}*(?:{_CUR})?{BLANK}*[0-9]",
        "a dash before the number is no minus sign: write -5 for a negative value",
    ),
    (
        rf"^[{MINUS}+]{BLANK}*[{MINUS}+(]",
        "two signs (a sign inside parentheses): write -5 or (5) for a negative value",
    ),
    (
        rf"^[{MINUS}+]{BLANK}*{_NUM}{BLANK}*[-–]{BLANK}*[0-9]",
        "a band after a sign (or in parentheses): write the band alone, 51-200",
    ),
    (
        rf"^{_NUM}{BLANK}*[‒—−]{BLANK}*[0-9]",
        "a band is written with a hyphen or an en dash: 51-200",
    ),
)
PLUS = rf"^({_NUM}){BLANK}*\+$"
#: a plain number read the same in every convention known to be dot, or not known: the
#: ambiguous shape 1.234 (one dot, three decimals, no leading zero) is left to the slow path
_PLAIN_DOT = r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"
_PLAIN_ANY = (
    r"[-+]?([0-9]+(\.([0-9]{1,2}|[0-9]{4,}))?|0\.[0-9]+|[0-9]{4,}\.[0-9]+|\.[0-9]+)"
    r"([eE][-+]?[0-9]+)?"
)
_PLAIN_COMMA = r"[-+]?[0-9]+"
_STRIP_DOT = f"[,'’{SPACES}]"
_STRIP_COMMA = f"[.'’{SPACES}]"

#: the currencies a cell may write, by code; '%' is the percent sign (`icp_cur`)
CURRENCIES = {"USD": ("$", "us$", "usd"), "EUR": ("€", "eur"), "GBP": ("£", "gbp")}
_CUR_SQL = " ".join(
    f"WHEN x IN ({', '.join(sql_literal(s) for s in spellings)}) THEN {sql_literal(code)}"
    for code, spellings in CURRENCIES.items()
)
_POWER_SQL = " ".join(
    f"WHEN m IN ({', '.join(sql_literal(w) for w, p in SUFFIXES.items() if p == power)}) "
    f"THEN {power}"
    for power in sorted(set(SUFFIXES.values()))
)

MACROS = rf"""
CREATE OR REPLACE TEMP MACRO icp_dot(t, p) AS
  CASE WHEN regexp_full_match(t, {sql_literal(DOT_NUMBER)})
       THEN TRY_CAST(regexp_replace(t, {sql_literal(_STRIP_DOT)}, '', 'g') || 'e' || p
                     AS DOUBLE) END;
CREATE OR REPLACE TEMP MACRO icp_comma(t, p) AS
  CASE WHEN regexp_full_match(t, {sql_literal(COMMA_NUMBER)})
       THEN TRY_CAST(replace(regexp_replace(t, {sql_literal(_STRIP_COMMA)}, '', 'g'), ',', '.')
                     || 'e' || p AS DOUBLE) END;
CREATE OR REPLACE TEMP MACRO icp_cur(x) AS
  CASE {_CUR_SQL} WHEN x = '%' THEN '%' END;
CREATE OR REPLACE TEMP MACRO icp_power(m) AS
  CASE {_POWER_SQL} ELSE 0 END;
CREATE OR REPLACE TEMP MACRO icp_signed(t) AS
  CASE WHEN starts_with(t, '−') THEN '-' || substr(t, 2)
       WHEN starts_with(t, '(') AND ends_with(t, ')')
       THEN '-' || icp_trim(substr(t, 2, length(t) - 2)) ELSE t END;
CREATE OR REPLACE TEMP MACRO icp_plain(t) AS
  CASE WHEN regexp_full_match(t, {sql_literal(_PLAIN_DOT)}) AND isfinite(TRY_CAST(t AS DOUBLE))
            AND length(t) <= {LONGEST}
       THEN TRY_CAST(t AS DOUBLE) END;
"""

_PLAIN = {DOT: _PLAIN_DOT, None: _PLAIN_ANY, COMMA: _PLAIN_COMMA}


def grammar() -> dict[str, object]:
    """The reading of a number cell, as plain regular expressions and tables, for a reader
    outside SQL (the qualify page's): a plain number (`plain` with the convention not known,
    what `icp explain --set` does; `plain_dot` with a decimal point, `--decimal-point`);
    else the lowered cell as a band, an open band or an amount (groups: currency, sign,
    currency, digits, suffix, currency), each digits part read by `dot` and by `comma` (then
    `strip_dot` / `strip_comma` removed, the comma made a point); the cell fits in one
    convention, or reads two ways (`pick_sql`)."""
    return {
        "plain": _PLAIN_ANY,
        "plain_dot": _PLAIN_DOT,
        "band": BAND,
        "plus": PLUS,
        "amount": AMOUNT,
        "dot": DOT_NUMBER,
        "comma": COMMA_NUMBER,
        "strip_dot": _STRIP_DOT,
        "strip_comma": _STRIP_COMMA,
        "longest": LONGEST,
        "minus": MINUS,
        "whys": [list(w) for w in WHYS],
        "currencies": {s: code for code, spellings in CURRENCIES.items() for s in spellings},
        "suffixes": SUFFIXES,
    }


def plain_sql(raw: str, decimal: str | None) -> str:
    """SQL for the fast path: a plain number that reads the same whatever the convention."""
    if decimal == DOT:
        return f"icp_plain({raw})"
    return (
        f"CASE WHEN regexp_full_match({raw}, {sql_literal(_PLAIN[decimal])}) "
        f"AND isfinite(TRY_CAST({raw} AS DOUBLE)) AND length({raw}) <= {LONGEST} "
        f"THEN TRY_CAST({raw} AS DOUBLE) END"
    )


def fits_sql(fld: Field, v: str, *, upper: bool = False) -> str:
    """SQL: `v` is a value the field can hold (finite, whole for integers, inside the
    vocabulary's bounds); `upper` also accepts +infinity (the open end of `10,001+`)."""
    parts = [f"(isfinite({v}) OR {v} = CAST('inf' AS DOUBLE))" if upper else f"isfinite({v})"]
    if fld.type == "integer":
        parts.append(f"{v} = floor({v})")
    if fld.minimum is not None:
        parts.append(f"{v} >= {float(fld.minimum)!r}")
    if fld.maximum is not None and not upper:
        parts.append(f"{v} <= {float(fld.maximum)!r}")
    elif fld.maximum is not None:
        parts.append(f"({v} <= {float(fld.maximum)!r} OR isinf({v}))")
    return "(" + " AND ".join(parts) + ")"


def in_range_sql(fld: Field, v: str) -> str:
    """SQL: a finite `v` is outside the vocabulary's bounds."""
    parts = []
    if fld.minimum is not None:
        parts.append(f"{v} < {float(fld.minimum)!r}")
    if fld.maximum is not None:
        parts.append(f"{v} > {float(fld.maximum)!r}")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def _cell_fits(fld: Field, lo: str, hi: str) -> str:
    return f"({fits_sql(fld, lo)} AND {fits_sql(fld, hi, upper=True)} AND {lo} <= {hi})"


def pick_sql(fld: Field, dot: tuple[str, str], comma: tuple[str, str], decimal: str | None) -> str:
    """SQL for the convention a cell is read in ('d' or 'c', NULL for none), given the (low,
    high) of its dot and comma readings: one convention for the whole cell (both ends of a
    band), the file's when it is known, else the one that fits, and none when both fit and
    differ."""
    ok_dot, ok_comma = _cell_fits(fld, *dot), _cell_fits(fld, *comma)
    if decimal == DOT:
        return f"CASE WHEN {ok_dot} THEN 'd' END"
    if decimal == COMMA:
        return f"CASE WHEN {ok_comma} THEN 'c' END"
    differ = f"({dot[0]} <> {comma[0]} OR {dot[1]} <> {comma[1]})"
    return (
        f"CASE WHEN {ok_dot} AND {ok_comma} AND {differ} THEN NULL "
        f"WHEN {ok_dot} THEN 'd' WHEN {ok_comma} THEN 'c' END"
    )


def twofold_sql(fld: Field, dot: tuple[str, str], comma: tuple[str, str]) -> str:
    """SQL: both readings of the cell fit the field and differ (it reads two ways)."""
    differ = f"({dot[0]} <> {comma[0]} OR {dot[1]} <> {comma[1]})"
    return f"coalesce({_cell_fits(fld, *dot)} AND {_cell_fits(fld, *comma)} AND {differ}, FALSE)"


def _shown_sql(lo: str, hi: str) -> str:
    """SQL for a reading as a person writes it: 8000, 1.2, 1200-5000, 10000+."""

    def one(v: str) -> str:
        return (
            f"CASE WHEN {v} = floor({v}) AND abs({v}) < 1e15 THEN CAST(CAST({v} AS BIGINT) AS "
            f"VARCHAR) ELSE CAST({v} AS VARCHAR) END"
        )

    return (
        f"(CASE WHEN {lo} = {hi} THEN {one(lo)} WHEN isinf({hi}) THEN {one(lo)} || '+' "
        f"ELSE {one(lo)} || '-' || {one(hi)} END)"
    )


def twofold_why_sql(dot: tuple[str, str], comma: tuple[str, str]) -> str:
    """SQL for why a cell that reads two ways (`twofold_sql`) is unknown, with both readings
    and what to write instead. The one wording of it: `score` warnings, `explain --row` and
    `explain --set` all say this."""
    d, c = _shown_sql(*dot), _shown_sql(*comma)
    return (
        f"'reads two ways: ' || {d} || ' with a decimal point (1,234.5) or ' || {c} || "
        f"' with a decimal comma (1.234,5); write ' || {d} || ' or ' || {c} || ', or set "
        "the decimal convention (--decimal-point or --decimal-comma)'"
    )


# --- the same grammar in Python, to detect a file's convention from a sample -------------------

_DOT_RE = re.compile(DOT_NUMBER)
_COMMA_RE = re.compile(COMMA_NUMBER)
_AMOUNT_RE = re.compile(AMOUNT)
_BAND_RE = re.compile(BAND)
_PLUS_RE = re.compile(PLUS)


def trimmed(text: str) -> str:
    """`text` without blanks at either end (`BLANKS`), as the parse layer's `icp_trim`."""
    return text.strip(BLANKS)


def signed(text: str) -> str:
    """A leading minus sign U+2212 as `-`, and an accounting negative `(1,200)` as `-1,200`
    (`icp_signed`); other text as it is."""
    if text.startswith("\u2212"):
        return "-" + text[1:]
    if len(text) > 1 and text.startswith(OPEN) and text.endswith(CLOSE):
        return "-" + trimmed(text[1:-1])
    return text


def sign_sql(sign: str) -> str:
    """SQL: -1 when the sign an amount writes (`AMOUNT`'s second group) is a minus, else 1."""
    minus = ", ".join(sql_literal(c) for c in MINUS)
    return f"(CASE WHEN {sign} IN ({minus}) THEN -1 ELSE 1 END)"


def why_sql(cell: str) -> str:
    """SQL: why the lowered cell `cell` is no number, when its shape is one of `WHYS`."""
    whens = " ".join(
        f"WHEN regexp_matches({cell}, {sql_literal(p)}) THEN {sql_literal(w)}" for p, w in WHYS
    )
    return f"CASE {whens} END"


def _numbers_in(text: str) -> list[str]:
    t = signed(trimmed(text).lower())
    for pattern, groups in ((_BAND_RE, (1, 2)), (_PLUS_RE, (1,)), (_AMOUNT_RE, (4,))):
        m = pattern.match(t)
        if m:
            return [m.group(g) for g in groups]
    return []


#: a plain number (digits, at most one dot), the shape of nearly every cell of a typical export
_PLAIN_RE = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


def evidence(text: str) -> str | None:
    """The convention a cell shows: DOT when only the dot reading exists (`12.5`,
    `1,234.56`), COMMA when only the comma reading exists (`3,5`, `1.234,56`), else None."""
    if "." not in text and "," not in text:
        return None  # only a dot or a comma shows a convention
    plain = _PLAIN_RE.fullmatch(text)
    if plain:
        # the short cut of the general reading below: digits alone show nothing, and a dot
        # always has its dot reading, so it shows DOT unless it also groups (`1.234`)
        if plain.group(1) is None:
            return None
        return None if _COMMA_RE.fullmatch(text.lstrip("+-")) else DOT
    return read_evidence(text)


def read_evidence(text: str) -> str | None:
    """`evidence` by the general reading of the cell (bands, amounts, grouped digits)."""
    found = None
    for num in _numbers_in(text):
        if "." not in num and "," not in num:
            continue
        dot, comma = bool(_DOT_RE.fullmatch(num)), bool(_COMMA_RE.fullmatch(num))
        if dot and not comma:
            found = found or DOT
        elif comma and not dot:
            found = found or COMMA
    return found


@dataclass(frozen=True)
class Convention:
    """A file's decimal convention and why (for the summary)."""

    decimal: str | None
    reason: str

    def describe(self) -> str:
        name = {
            DOT: "dot (1,234.5)",
            COMMA: "comma (1.234,5)",
            None: "not known (a value that reads two ways, such as 1,200, is unknown)",
        }[self.decimal]
        return f"decimal convention: {name}; {self.reason}"


def detect(
    cells: Iterable[tuple[str, str]], delimiter: str, first: int | None = None
) -> Convention:
    """The convention of a file from a sample of its number cells ((column, text) pairs);
    `first`: the sample is the file's first `first` rows (None: the whole file)."""
    seen: dict[str, tuple[str, str]] = {}
    for column, text in cells:
        kind = evidence(text)
        if kind and kind not in seen:
            seen[kind] = (column, text)
    if DOT in seen and COMMA in seen:
        (c1, t1), (c2, t2) = seen[DOT], seen[COMMA]
        return Convention(
            None,
            f"the file mixes {t1!r} ({c1}) and {t2!r} ({c2}); "
            "choose with --decimal-comma or --decimal-point",
        )
    if DOT in seen:
        column, text = seen[DOT]
        return Convention(DOT, f"detected from {text!r} in {column}")
    if COMMA in seen and delimiter == ";":
        column, text = seen[COMMA]
        return Convention(COMMA, f"detected: ';'-separated with {text!r} in {column}")
    if COMMA in seen:
        column, text = seen[COMMA]
        return Convention(
            None, f"{text!r} in {column} suggests comma; confirm with --decimal-comma"
        )
    where = "in the file" if first is None else f"in the first {first} rows (the sample read)"
    return Convention(
        None, f"no value {where} shows it (--decimal-comma or --decimal-point sets it)"
    )
