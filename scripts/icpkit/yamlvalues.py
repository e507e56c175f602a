"""The values a YAML file loads as, and how a message names their kind.

Kept apart from the loader (which needs ruamel.yaml) so that code holding
loaded values, such as a cached handbook, does not import the parser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

#: a currency sign written before a number (`$250,000`, `€5,000,000`)
CURRENCY_SIGN = r"[$€£¥]"
#: a unit or currency written after a number (`2,000 employees`, `250,000 USD`, `5,000€`)
UNIT = r"(?: *[A-Za-z%$€£¥][A-Za-z%$€£¥ ]*)"
#: a number written with thousands separators, a currency sign before it or a unit after
#: it (`1,000`, `$250,000`, `2,000 employees`): inside [ ] or { } each comma ends a value
GROUPED_NUMBER = re.compile(
    rf"(?<![\d.\w])(?P<sign>{CURRENCY_SIGN}?)\d{{1,3}}(?:,\d{{3}})+(?P<unit>{UNIT}?)(?![\d.])"
)

#: what the advice to write a number plainly adds when it had a currency sign or a unit
NUMBER_MARKS = ", currency sign or unit (the field says what it counts)"
#: a currency written with an amount, by its sign or its code
_CURRENCY = re.compile(r"[$€£¥]|\b(?:usd|eur|gbp|chf|jpy|cad|aud)\b", re.IGNORECASE)


def number_marks(written: str) -> str:
    """`NUMBER_MARKS`, the words after 'expected the number without separators' when the
    number `written` had a sign or a unit (else ''); for an amount in a currency, that icp
    never converts one: the digits alone are right only in the field's own currency."""
    if written.replace(",", "").isdigit():
        return ""
    if _CURRENCY.search(written):
        return (
            ", currency sign or unit (the field says what it counts; icp never converts an "
            "amount, so write it in the field's currency)"
        )
    return NUMBER_MARKS


def digits_meant(written: str) -> str:
    """The whole number `written` with thousands separators (and any currency sign or unit)
    means, as a YAML value: `$250,000 ` -> `250000`. Every character but a digit is dropped,
    a decimal point too: give it whole numbers only (`number_meant` keeps decimals apart)."""
    return re.sub(r"\D", "", written)


#: a space that groups digits by thousands (`250 000`, with a no-break, narrow or thin space)
GROUP_SPACE = "[ \u00a0\u202f\u2009]"

#: a number written as text: a currency sign, digits (grouped by thousands or not), decimals,
#: a unit or currency (`2000 employees`, `$250,000`, `'500'`)
_NUMBER_AS_TEXT = re.compile(
    rf"(?P<sign>{CURRENCY_SIGN}?) *(?P<int>\d{{1,3}}(?:,\d{{3}})+"
    rf"|\d{{1,3}}(?:{GROUP_SPACE}\d{{3}})+|\d+)(?P<dec>\.\d+)?(?P<unit>{UNIT}?)"
)


def number_meant(text: str, suffixes: Mapping[str, int], *, whole: bool = False) -> str | None:
    """The plain YAML number that `text`, an operand a number field refused as text, means
    when it is only a number with separators (commas or spaces by thousands), a multiplier
    among `suffixes` (`sql.numbers.SUFFIXES`, as `icp score` reads a cell: `5M`, `1.5k`,
    `2.5 million`), a currency sign or a unit around it, or in quotes: `2,000 employees` ->
    `2000`, `$250,000.50` -> `250000.50`, `$2.5M` -> `2500000`. None whenever the number
    alone could be wrong: a range, a word, a multiplier not in `suffixes` (`5 millions`,
    `1.2 Mio. EUR`), a dot before exactly three digits (`2.000`: two thousand in much of
    Europe, 2.0 to YAML), or decimals where the field takes `whole` numbers."""
    m = _NUMBER_AS_TEXT.fullmatch(text.strip())
    if m is None:
        return None
    unit = m.group("unit").strip().lower()
    decimals = m.group("dec") or ""
    if len(decimals) == 4 and "," not in m.group("int"):
        return None
    power = 0
    word = re.match(r"[a-z]+", unit)
    if word is not None and any(unit.startswith(w) for w in suffixes):
        rest = unit[word.end() :].strip()
        if word.group() not in suffixes or (
            rest and re.fullmatch(rf"{CURRENCY_SIGN}|[a-z]{{3}}", rest) is None
        ):
            return None  # `5 millions`, `5m employees`: not a multiplier as icp reads one
        power = suffixes[word.group()]
    number = Decimal(digits_meant(m.group("int")) + decimals).scaleb(power)
    meant = format(number, "f")
    if "." in meant:
        meant = meant.rstrip("0").rstrip(".") if power else meant
    if "." in meant and whole:
        return None
    return meant


def plain_number_advice(meant: str, *, of_a_field: bool = True) -> str:
    """The advice to write a number as `meant`, the same in every message; `of_a_field`: an
    operand of a vocabulary field, whose unit the field names (not points, not a count)."""
    return f"write {meant}, the number alone" + (
        " (the field says what it counts)" if of_a_field else ""
    )


#: a number as a person writes it and every YAML reader reads alike: digits (no leading
#: zero), a minus sign, a decimal point between digits
PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


#: a float to YAML 1.1 (which needs a point, and a sign in an exponent)
_YAML11_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?")
_AS_TEXT_11 = ", which YAML 1.1 editors read as text"


def odd_number(written: str, value: float) -> tuple[str, str | None] | None:
    """How the number `value`, written `written` in a YAML file, is not written plainly
    (`0x10`, `0o17`, `010`, `1_000`, `1e3`, `+5`, `.5`), and the plain number to write
    (None when it would be over 40 digits); None for a plain number. Each such form is
    one a person does not mean as that number, or one YAML readers disagree on: `1_000`
    and `1e3` are text to YAML 1.2 and 1.1 editors respectively, `010` is 8 to YAML 1.1."""
    text = written.strip()
    if PLAIN_NUMBER.fullmatch(text):
        return None
    bare = text.lstrip("+-")
    if bare[:2].lower() in ("0x", "0o", "0b"):
        how = {"0x": "in hexadecimal", "0o": "in octal", "0b": "in binary"}[bare[:2].lower()]
    elif "_" in text:
        how = "with underscores, which YAML 1.2 editors read as text"
    elif "e" in text.lower():
        how = "with an exponent" + ("" if _YAML11_FLOAT.fullmatch(text) else _AS_TEXT_11)
    elif re.fullmatch(r"0[0-7]+", bare):
        how = "with a leading zero, which YAML 1.1 editors read as octal"
    elif re.fullmatch(r"0[0-9]+", bare):
        how = "with a leading zero"
    elif text.startswith("+"):
        how = "with a plus sign"
    else:
        how = "with a decimal point that is not between digits"
    if isinstance(value, int):
        meant: str | None = str(value)
    else:
        try:
            plain = format(Decimal(text.replace("_", "")), "f")
        except InvalidOperation:
            plain = repr(value)
        if "." in plain:
            plain = plain.rstrip("0").rstrip(".")
        meant = "0" if plain in ("-0", "") else plain
    return how, meant if meant is None or len(meant) <= 40 else None


class YamlDate(str):
    """A date written without quotes. It is text (as in editors, YAML 1.2) that
    remembers it looked like a date, so a text field can say so."""

    value: dt.date
    #: the text as written (`2026-1-5`, `2026-03-01 12:00:00`), which a date field reads
    #: (`icpkit.engine.dates`); the ISO text of `value` when not known
    written: str

    def __new__(cls, value: dt.date, written: str | None = None) -> YamlDate:
        obj = super().__new__(cls, value.isoformat())
        obj.value = value
        obj.written = value.isoformat() if written is None else written
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (YamlDate, (self.value, self.written))


def describe_value(value: object) -> str:
    """The kind of a loaded value in the user's words."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, YamlDate):
        return "a date"
    if isinstance(value, bool):
        return "yes/no (true/false)"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def quoted(value: str) -> str:
    """`value` as a quoted YAML value: single quotes (doubling any inside), or double quotes
    when it holds a single quote and no double quote or backslash."""
    value = value.strip()
    if "'" in value and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


#: how long a value quoted as advice in a message may be before its middle is left out
ADVICE_LIMIT = 80


def quoted_advice(value: str) -> str:
    """`value` quoted as advice in a message (`expected the value in quotes (…)`): whole
    when short, else its start and end around an ellipsis, so that a pasted paragraph is
    not echoed whole and the quotes still show where they go."""
    value = value.strip()
    if len(value) <= ADVICE_LIMIT:
        return quoted(value)
    head, tail = value[: ADVICE_LIMIT - 20].rstrip(), value[-15:].lstrip()
    return quoted(f"{head} … {tail}")


def as_date(value: Any) -> dt.date | None:
    """A date written in YAML (unquoted: a `YamlDate`; quoted: ISO text), or None when none
    is written. Raises ValueError for text that is no ISO date (the schema refuses it first)."""
    if isinstance(value, YamlDate):
        return value.value
    return dt.date.fromisoformat(value) if value else None
