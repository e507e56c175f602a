"""Company values as the evaluator sees them, from typed input (YAML, JSON, Python).

Text from CRM exports ("51-200", "$1.2M", "Yes") is parsed by one layer only,
the SQL parse expressions in `icpkit.sql.parsing`, which the scorer runs in bulk and
`explain` runs on a single row. This module accepts values that already have a
type and checks they fit the field.

Representation: numbers stay numbers, or `(low, high)` for a band; sets are
frozensets; dates are `datetime.date`; yes/no are bools; text is `Text` (a str
that also carries its normal form).

Text goes through the one normalisation of `icpkit.engine.normal`, as the SQL
parse layer does it: members of an open set are kept in normal form
("Artificial Intelligence" is `artificial_intelligence`); a value of a closed
list may be written as any of its spellings ("Computer Software" is `software`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..textsafety import one_line
from ..yamlvalues import YamlDate
from .dates import read_date
from .model import Field
from .normal import Text, normal, read_text
from .operators import NUMERIC, has_unknown_member


class ValueProblem(ValueError):
    """A value that does not fit its field; the message says what was expected."""


class NotAValue(ValueProblem):
    """Text that is not one of the allowed values of a closed one-of or set field."""


class BadMembers(ValueProblem):
    """Items of a set value that do not fit: (index, item, what was expected) for each."""

    def __init__(self, items: list[tuple[int, Any, str]]) -> None:
        super().__init__(items[0][2])
        self.items = tuple(items)


def typed_value(fld: Field, value: Any) -> Any:
    """The evaluator's value for a typed input value. None (absent, or a YAML null) stays
    None, unknown for every field type; an empty list `[]` is the empty set only for a field
    with `empty: empty_set`, and unknown otherwise (as an empty cell of an export).

    Raises ValueProblem (its message says what was expected) when the value does not fit."""
    if value is None:
        return None
    if fld.type == "text" and isinstance(value, str) and not isinstance(value, YamlDate):
        return read_text(value, fld.folds)  # as a CRM cell is read
    if fld.type == "set_of":
        if not isinstance(value, list | tuple | set | frozenset):
            raise ValueProblem("expected a list of values")
        members, bad = [], []
        for index, item in enumerate(value):
            try:
                members.append(_member(fld, item, spellings=True))
            except ValueProblem as exc:  # an item of a closed set: say what it can be
                closed = fld.values is not None
                bad.append(
                    (
                        index,
                        item,
                        f"expected one of the values of {fld.name}" if closed else str(exc),
                    )
                )
        if bad:
            raise BadMembers(bad)
        kept = frozenset(m for m in members if m)
        # no members is "none" only for a field that says so (`empty: empty_set`), as an
        # empty cell of an export is read; otherwise it is unknown
        return kept if kept or fld.empty_set else None
    read = scalar_value(fld, value, bands=True, spellings=True)
    if fld.type in NUMERIC:
        _within_bounds(fld, read)
    return read


def bounds_words(fld: Field) -> str:
    """The vocabulary's bounds of a number field, as a rule states them ('' for none)."""
    if fld.minimum is not None and fld.maximum is not None:
        return f"from {fld.minimum:g} to {fld.maximum:g}"
    if fld.minimum is not None:
        return f"of at least {fld.minimum:g}"
    if fld.maximum is not None:
        return f"of at most {fld.maximum:g}"
    return ""


def _within_bounds(fld: Field, value: Any) -> None:
    """A company's number (or each end of its band) inside the vocabulary's `minimum` /
    `maximum`, as an export's cell must be to be read (outside them the cell is unreadable:
    unknown); a fixture that gave such a value a verdict would disagree with `icp score`."""
    lo, hi = fld.minimum, fld.maximum
    ends = value if isinstance(value, tuple) else (value,)
    if any((lo is not None and v < lo) or (hi is not None and v > hi) for v in ends):
        which = "minimum" if lo is not None and hi is None else "bounds"
        which = "maximum" if lo is None else which
        raise ValueProblem(
            f"expected a number {bounds_words(fld)}, the vocabulary's {which} (icp score reads "
            "such a cell as unreadable)"
        )


#: how a CRM cell writes yes and no (`icp score` reads them so, in every backend)
YES_WORDS = ("true", "yes", "y", "1", "t")
NO_WORDS = ("false", "no", "n", "0", "f")


def scalar_value(fld: Field, value: Any, *, bands: bool = False, spellings: bool = False) -> Any:
    """One value of `fld`'s type (a set field's member: text), as written in a rule's operand
    or a company file; with `bands`, a number may also be a [low, high] band.

    Raises ValueProblem when it does not fit (NotAValue for text outside the field's values)."""
    t = fld.type
    if t in NUMERIC:
        if not bands and isinstance(value, list | tuple):
            raise ValueProblem("expected a number")
        return _number(fld, value)
    if t == "yes_no":
        if not isinstance(value, bool):
            raise ValueProblem("expected true or false")
        return value
    if t == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        # text (a YAML date as written): read in the one grammar of dates, as a CSV cell is
        day = read_date(value.written if isinstance(value, YamlDate) else str(value).strip())
        if day is None:
            raise ValueProblem("expected a date as YYYY-MM-DD")
        return day
    if t == "text":
        if not isinstance(value, str) or isinstance(value, YamlDate):
            raise ValueProblem("expected text")
        return value if isinstance(value, Text) else Text(value, fld.folds)
    return _member(fld, value, spellings=spellings)


@dataclass(frozen=True)
class TypedCompany:
    """A company read from typed values (a fixture's `company`, a YAML or JSON file)."""

    #: field name -> the evaluator's value, for every value that fits its field
    values: dict[str, Any]
    #: names that are not fields of the vocabulary, in the order met
    unknown: tuple[str, ...]
    #: field name -> (the value as given, what was expected), for values that do not fit
    misfits: dict[str, tuple[Any, str]]
    #: set field name -> (index, item, what was expected) of each item that does not fit
    bad_items: dict[str, tuple[tuple[int, Any, str], ...]] = field(default_factory=dict)


def typed_company(fields: Mapping[str, Field], data: Mapping[str, Any]) -> TypedCompany:
    """The one reading of a company given as typed values: `icp test` (through the loader's
    fixtures) and `icp explain FILE` both read a company file through it. Never raises:
    unknown names and values that do not fit are reported in the result."""
    values: dict[str, Any] = {}
    unknown: list[str] = []
    misfits: dict[str, tuple[Any, str]] = {}
    bad_items: dict[str, tuple[tuple[int, Any, str], ...]] = {}
    for name, value in data.items():
        fld = fields.get(name)
        if fld is None:
            unknown.append(name)
            continue
        try:
            values[name] = typed_value(fld, value)
        except BadMembers as exc:
            misfits[name] = (value, str(exc))
            bad_items[name] = exc.items
        except ValueProblem as exc:
            misfits[name] = (value, str(exc))
    return TypedCompany(values, tuple(unknown), misfits, bad_items)


def _number(fld: Field, value: Any) -> Any:
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = (_number(fld, v) for v in value)
        if low > high:
            raise ValueProblem("expected a band as [low, high]")
        return (low, high)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueProblem("expected a number")
    if fld.type == "integer" and not float(value).is_integer():
        raise ValueProblem("expected a whole number")
    return value


def _member(fld: Field, value: Any, *, spellings: bool = False) -> str:
    """A one-of value or set member: a value of the list (with `spellings`, as a company value
    may be written, also one of its other spellings), or for an open set the normal form."""
    if not isinstance(value, str) or isinstance(value, YamlDate):
        raise ValueProblem("expected text")
    if fld.values is None:
        return normal(value, fld.folds)
    if value in fld.values:
        return value
    spelled = dict(fld.spellings).get(normal(value, fld.folds)) if spellings else None
    if spelled is None:
        raise NotAValue(f"expected one of the values of {fld.name}")
    return spelled


def show(value: Any) -> str:
    """A value as a sales rep reads it."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple) and len(value) == 2:
        low, high = value
        return f"{show(low)}–{show(high)}" if high != math.inf else f"{show(low)}+"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if has_unknown_member(value):  # known members, then each unrecognised one as written
        known = ", ".join(one_line(str(v)) for v in sorted(value))
        written = ", ".join(repr(one_line(w)) for w in value.unrecognised)
        unrecognised = f"{len(value.unrecognised)} unrecognised: {written}"
        return f"{known} and {unrecognised}" if known else unrecognised
    if isinstance(value, frozenset | set):
        return ", ".join(one_line(str(v)) for v in sorted(value)) if value else "none"
    if isinstance(value, dt.date):
        return value.isoformat()
    return one_line(str(value))
