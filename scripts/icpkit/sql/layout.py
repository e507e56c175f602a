"""The parsed relation's layout: one column per field, shared by the parser, the SQL
compiler and the evaluator's bridge to SQL.

A field gets column `f<i>` (its position in the vocabulary); a number gets
`f<i>__lo` and `f<i>__hi` (equal for an exact value, the ends of a band);
a set is ';a;b;' text so that a member test is a substring test on ';a;';
a text field gets `f<i>` (as written), `f<i>__n` (its normal form, see
`icpkit.engine.normal`), which equality and word tests read, and `f<i>__l` (lowered:
marks dropped, lowercase), which `starts_with` and `ends_with` read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..engine.model import Field, Handbook
from ..engine.normal import Text, lowered, normal
from ..engine.operators import NUMERIC, UNKNOWN_MEMBER, Members

DUCK_TYPES = {
    "number": "DOUBLE",
    "integer": "DOUBLE",
    "text": "VARCHAR",
    "one_of": "VARCHAR",
    "set_of": "VARCHAR",
    "yes_no": "BOOLEAN",
    "date": "DATE",
}


@dataclass(frozen=True)
class Columns:
    """Field name -> SQL column name in the parsed relation."""

    handbook: Handbook

    def name(self, field: str) -> str:
        return f"f{list(self.handbook.fields).index(field)}"

    def of(self, field: str) -> list[str]:
        col = self.name(field)
        if self.numeric(field):
            return [f"{col}__lo", f"{col}__hi"]
        if self.handbook.fields[field].type == "text":
            return [col, f"{col}__n", f"{col}__l"]
        return [col]

    def numeric(self, field: str) -> bool:
        return self.handbook.fields[field].type in NUMERIC

    def known(self, field: str) -> str:
        """SQL that is true when the field has a value."""
        return f"({self.of(field)[0]} IS NOT NULL)"

    def exact(self, field: str) -> str:
        """SQL that is true when the field has one value: known, and for a number not a
        band ('51-200', '200+')."""
        if self.numeric(field):
            low, high = self.of(field)
            return f"coalesce({low} = {high}, FALSE)"
        return self.known(field)

    def schema(self) -> list[tuple[str, str]]:
        """(column, DuckDB type) of every field column."""
        return [
            (col, DUCK_TYPES[fld.type])
            for name, fld in self.handbook.fields.items()
            for col in self.of(name)
        ]

    def to_row(self, company: Mapping[str, Any]) -> list[Any]:
        """A typed company (as the evaluator takes it) as values of `schema()` columns."""
        row: list[Any] = []
        for name, fld in self.handbook.fields.items():
            value = company.get(name)
            if fld.type in NUMERIC:
                low, high = value if isinstance(value, tuple) else (value, value)
                row += [None if low is None else float(low), None if high is None else float(high)]
            elif fld.type == "set_of":
                if value is None:  # absent: unknown, whatever the vocabulary's `empty` rule
                    row.append(None)
                else:
                    # an unknown member (`Members.unrecognised`) is the one marker member
                    members = sorted(value) + [UNKNOWN_MEMBER] * bool(
                        isinstance(value, Members) and value.unrecognised
                    )
                    row.append(";" + ";".join(members) + ";" if members else ";")
            elif fld.type == "text":
                if value is None:
                    row += [None, None, None]
                else:
                    row += [value, normal(value, fld.folds), lowered(value)]
            else:
                row.append(value)
        return row

    def from_row(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A parsed row (column -> value) as a typed company for the evaluator."""
        company: dict[str, Any] = {}
        for name, fld in self.handbook.fields.items():
            cols = self.of(name)
            if fld.type in NUMERIC:
                low, high = row.get(cols[0]), row.get(cols[1])
                if low is None or high is None:
                    continue
                company[name] = (
                    _number(fld, low)
                    if low == high
                    else (_number(fld, low), high if math.isinf(high) else _number(fld, high))
                )
            elif fld.type == "set_of":
                text = row.get(cols[0])
                if text is not None:
                    company[name] = self.members(text, row.get(f"{cols[0]}__u"))
            elif fld.type == "text":
                if row.get(cols[0]) is not None:
                    company[name] = Text(row[cols[0]], fld.folds)
            elif row.get(cols[0]) is not None:
                company[name] = row[cols[0]]
        return company

    @staticmethod
    def members(text: str, unrecognised: str | None) -> frozenset[str]:
        """A set's ';a;b;' text as the evaluator's value: a frozenset, or `Members` when it
        holds the unknown member (`unrecognised`: the members as written, separated by
        U+001F, where the reader has them; else each is shown as '?')."""
        known = frozenset(x for x in text.split(";") if x and x != UNKNOWN_MEMBER)
        if UNKNOWN_MEMBER not in text:
            return known
        written = [u for u in (unrecognised or "").split(UNKNOWN_MEMBER) if u]
        return Members(known, written or ["?"])


def _number(fld: Field, value: float) -> int | float:
    return int(value) if fld.type == "integer" or float(value).is_integer() else value
