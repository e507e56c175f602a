"""Building condition trees from YAML data, and checking what a schema cannot say.

A condition is data: `{field: employees, between: [50, 500]}`, `{segment:
mid-market}`, `{all: [...]}`, `{any: [...]}`, `{not: {...}}`. The builder checks
every field against the vocabulary, every operator against the field's type,
every operand against the field's values, and every segment and region
reference, reporting each problem at its position with the nearest valid name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine.model import (
    AllOf,
    AnyOf,
    Condition,
    CountOf,
    Field,
    Leaf,
    Not,
    Region,
    SegmentRef,
)
from ..engine.normal import BLANKS, Text, lowered, normal, read_text
from ..engine.operators import LOGICAL, NUMERIC, OPERATORS
from ..engine.values import NO_WORDS, YES_WORDS, NotAValue, ValueProblem, scalar_value
from ..problems import Level, Problem
from ..sql.numbers import CURRENCIES, SUFFIXES
from ..textsafety import typographic_inner, typographic_quotes
from ..wording import field_kind, found, suggest
from ..yamlvalues import number_meant, plain_number_advice, quoted
from .document import Document, number_form

Parts = list[str | int]
#: the bounds a count of conditions takes (`at_least: 2, of: [...]`)
COUNTS = ("at_least", "at_most")


@dataclass
class Builder:
    """Builds conditions for one document, collecting problems."""

    doc: Document
    fields: Mapping[str, Field]
    regions: Mapping[str, Region]
    #: resolves a segment id to its condition (None if unknown); may recurse
    segment: Callable[[str], tuple[str, Condition] | None]
    segment_ids: Sequence[str] = ()
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self,
        parts: Parts,
        message: str,
        rule: str,
        *,
        key: bool = False,
        level: Level = Level.ERROR,
    ) -> None:
        self.problems.append(self.doc.problem_at(parts, message, rule, level=level, key=key))

    def build(self, data: Any, parts: Parts) -> Condition | None:
        if not isinstance(data, dict):
            return None  # the schema has said so
        if "of" in data and "field" not in data:
            return self._count(data, parts)
        logical = [k for k in data if k in LOGICAL]
        ops = [k for k in data if k in OPERATORS]
        if logical and (ops or "field" in data or len(logical) > 1):
            names = ", ".join(k for k in data)
            self.problem(
                parts,
                f"found {names} together; expected one of field + operator, "
                "segment, all, any or not per condition (nest them with all:)",
                "condition-shape",
            )
            return None
        if logical:
            return self._logical(logical[0], data[logical[0]], parts)
        if "field" not in data:
            self.problem(
                parts,
                "found an operator without a field; expected 'field:' "
                "naming the company attribute to test",
                "condition-shape",
            )
            return None
        if len(ops) != 1:
            found_ops = ", ".join(ops) if ops else "no operator"
            self.problem(
                parts,
                f"found {found_ops}; expected exactly one operator ({', '.join(OPERATORS)})",
                "condition-shape",
            )
            return None
        return self._leaf(data["field"], ops[0], data[ops[0]], parts)

    def _count(self, data: dict[str, Any], parts: Parts) -> Condition | None:
        """`at_least: n, of: [...]` or `at_most: n, of: [...]`."""
        bounds = [k for k in data if k in COUNTS]
        others = [k for k in data if k not in (*COUNTS, "of")]
        if len(bounds) != 1 or others:
            names = ", ".join(data)
            self.problem(
                parts,
                f"found {names}; expected 'of:' with exactly one of at_least or at_most "
                "(how many of the conditions must hold)",
                "condition-shape",
            )
            return None
        op = bounds[0]
        n = data[op]
        items_data = data["of"] if isinstance(data["of"], list) else []
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            self.problem(
                [*parts, op],
                f"found {found(n)}; expected a whole number of conditions, 0 or more",
                "operand-type",
            )
            return None
        if n > len(items_data):
            self.problem(
                [*parts, op],
                f"found {op} {n} of {len(items_data)} conditions; expected at most "
                f"{len(items_data)}",
                "count-range",
            )
            return None
        items = [self.build(v, [*parts, "of", i]) for i, v in enumerate(items_data)]
        if any(i is None for i in items):
            return None
        return CountOf(tuple(i for i in items if i is not None), op, n)

    def _logical(self, key: str, value: Any, parts: Parts) -> Condition | None:
        if key == "segment":
            resolved = self.segment(str(value))
            if resolved is None:
                self.problem(
                    [*parts, "segment"],
                    f"found the segment '{value}', which is not "
                    "defined in rules/segments.yaml" + suggest(value, self.segment_ids),
                    "unknown-segment",
                )
                return None
            label, cond = resolved
            return SegmentRef(str(value), label, cond)
        if key == "not":
            item = self.build(value, [*parts, "not"])
            return Not(item) if item is not None else None
        if not isinstance(value, list):
            return None
        items = [self.build(v, [*parts, key, i]) for i, v in enumerate(value)]
        if any(i is None for i in items):
            return None
        built = tuple(i for i in items if i is not None)
        return AllOf(built) if key == "all" else AnyOf(built)

    def _leaf(self, name: Any, op_key: str, operand: Any, parts: Parts) -> Condition | None:
        fld = self.fields.get(str(name))
        if fld is None:
            self.problem(
                [*parts, "field"],
                f"found the field '{name}', which is not in "
                "rules/vocabulary.yaml" + suggest(str(name), list(self.fields)),
                "unknown-field",
            )
            return None
        op = OPERATORS[op_key]
        where = [*parts, op_key]
        if fld.type not in op.types:
            fitting = [k for k, o in OPERATORS.items() if fld.type in o.types]
            self.problem(
                where,
                f"found '{op_key}' on {fld.name}, {field_kind(fld.type)}; expected "
                f"one of {', '.join(fitting)}",
                "operator-type",
                key=True,
            )
            return None
        if op.operand == "regions":
            return self._regions(fld, operand, where)
        value = self.operand(fld, op.operand, operand, where)
        if value is None and op.operand != "none":
            return None
        return Leaf(fld.name, op_key, value, operand)

    def _regions(self, fld: Field, operand: Any, where: Parts) -> Condition | None:
        if not fld.is_country:
            self.problem(
                where,
                f"found in_region on {fld.name}; expected it on a country field",
                "operator-type",
                key=True,
            )
            return None
        countries: list[str] = []
        ok = True
        for i, rid in enumerate(operand if isinstance(operand, list) else []):
            region = self.regions.get(str(rid))
            if region is None:
                self.problem(
                    [*where, i],
                    f"found the region '{rid}', which is not in "
                    "rules/regions.yaml" + suggest(str(rid), list(self.regions)),
                    "unknown-region",
                )
                ok = False
                continue
            countries += [c for c in region.countries if c not in countries]
        return Leaf(fld.name, "in_region", tuple(countries), tuple(operand)) if ok else None

    def operand(self, fld: Field, kind: str, value: Any, where: Parts) -> Any:
        """Check and convert an operand for `fld`; None (with a problem) when it cannot be used."""
        if kind == "none":
            return None
        if kind == "flag" or kind == "days":
            return value
        if kind == "words":
            return self.words(fld, value, where)
        if kind == "text":
            return self.prefix(fld, value, where)
        if kind == "phrases":
            return self.phrases(fld, value, where)
        if kind == "pair":
            if not isinstance(value, list) or len(value) != 2:
                return None
            low = self.scalar(fld, value[0], [*where, 0])
            high = self.scalar(fld, value[1], [*where, 1])
            if low is None or high is None:
                return None
            if low > high:
                self.problem(
                    where,
                    f"found between [{value[0]}, {value[1]}]; expected the low value first",
                    "operand-order",
                )
                return None
            return (low, high)
        if kind == "values":
            items = [self.scalar(fld, v, [*where, i]) for i, v in enumerate(value or [])]
            return None if any(i is None for i in items) else tuple(items)
        return self.scalar(fld, value, where)

    def words(self, fld: Field, value: Any, where: Parts) -> tuple[str, ...] | None:
        """A list of words or phrases in normal form; an entry ending in `*` is a stem."""
        out: list[str] = []
        for i, entry in enumerate(value if isinstance(value, list) else []):
            if not isinstance(entry, str):
                self._wrong(fld, entry, "a word or phrase", [*where, i])
                return None
            stem = entry.rstrip().endswith("*")
            norm = normal(entry.rstrip().rstrip("*"), fld.folds)
            if not norm:
                self.problem(
                    [*where, i],
                    f"found '{entry}', which has no letter or digit; expected a word or phrase "
                    "(case, accents and punctuation are ignored)",
                    "empty-words",
                )
                return None
            out.append(norm + "*" if stem else norm)
        if not out:
            self.problem(where, "found no words; expected at least one", "empty-words")
            return None
        return tuple(out)

    def prefix(self, fld: Field, value: Any, where: Parts) -> str | None:
        """The text a value starts or ends with, as compared: accents dropped, lowercase, and
        trimmed of the blanks a value is trimmed of (`normal.BLANKS`: a no-break space or a
        tab at its end could never be matched)."""
        if not isinstance(value, str) or not value.strip(BLANKS):
            self._wrong(fld, value, "some text", where)
            return None
        return lowered(value.strip(BLANKS))

    def phrases(self, fld: Field, value: Any, where: Parts) -> tuple[tuple[str, ...], int] | None:
        """`{phrases: [...], min_length: n}`: phrases in normal form, and how long a phrase
        must be to count when it is only part of a member."""
        if not isinstance(value, dict):
            return None  # the schema has said so
        items = [
            self.scalar(fld, v, [*where, "phrases", i]) for i, v in enumerate(value["phrases"])
        ]
        if any(i is None for i in items):
            return None
        least = int(value.get("min_length", 1))
        for i, (written, norm) in enumerate(zip(value["phrases"], items, strict=True)):
            shown = " ".join(str(written).split())
            if (len(shown) >= least) != (len(norm) >= least):
                self.problem(
                    [*where, "phrases", i],
                    f"found '{written}', {len(shown)} characters as written and "
                    f"{len(norm)} as compared ('{norm}'): min_length {least} counts the "
                    "compared form (case, accents and punctuation folded, '&' read as 'and'), "
                    f"so it {'can' if len(norm) >= least else 'cannot'} match part of a "
                    "member; expected a phrase whose two lengths agree, or another min_length",
                    "min-length-form",
                    level=Level.WARNING,
                )
        return tuple(i for i in items if i is not None), least

    def scalar(self, fld: Field, value: Any, where: Parts) -> Any:
        """One operand value checked and converted by `values.scalar_value` (the same check
        a company file's values get, the same normalisation); None (with a problem) when it
        does not fit. Text and members of an open set become their normal form, and one with
        nothing left of it is reported: no value can equal it."""
        try:
            checked = scalar_value(fld, value)
            if self.odd_number(value, where):
                return None
            norm = checked.normal if isinstance(checked, Text) else checked
            if fld.type == "set_of" and isinstance(value, str):
                self.split_member(fld, value, where)
            if fld.type == "text" and isinstance(checked, Text) and read_text(checked) is None:
                self.problem(
                    where,
                    f"found '{value}', which no value of {fld.name} can equal: a cell that "
                    "holds it is read as a missing value (unknown), as 'N/A', 'none' and '-' "
                    "are; expected a value a company can have (a test of whether it is known: "
                    "present or missing)",
                    "operand-never-equal",
                )
                return None
            if fld.values is None and fld.type in ("text", "set_of") and not norm:
                self.problem(
                    where,
                    f"found '{value}', which no value of {fld.name} can equal: values are "
                    "compared without case, accents, spacing and punctuation, and nothing is "
                    "left of it; expected letters or digits",
                    "operand-never-equal",
                )
                return None
            return norm
        except NotAValue:
            inner = typographic_inner(value)
            if inner is not None:
                self.problem(
                    where,
                    typographic_quotes(value, quoted(inner)),
                    "yaml-typographic-quotes",
                )
                return None
            # the value a CRM cell written so stands for (`Germany`, `GBR`: DE, GB;
            # `Computer Software`: software) before the closest spelling (GBR is not GR)
            spelled = dict(fld.spellings).get(normal(value, fld.folds))
            hint = f" (did you mean '{spelled}'?)" if spelled else ""
            hint = hint or suggest(value, fld.values or ())
            if not hint and fld.is_country:
                hint = " (use ISO 3166 codes such as DE, GB, US)"
            self.problem(
                where,
                f"found '{value}', which is not a value of {fld.name}" + hint,
                "unknown-value",
            )
        except ValueProblem as exc:
            self._wrong(fld, value, str(exc).removeprefix("expected "), where)
        return None

    def split_member(self, fld: Field, value: str, where: Parts) -> None:
        """Warn of a member operand holding a character at which `icp score` splits an
        export's set cell into members (`parsing.SET_SPLIT`): no member of such a cell can be
        it (a list in a JSON or YAML file, or a list column, keeps its members whole)."""
        mark = next((c for c in (";", ",", "|") if c in value), None)
        if mark is None:
            return
        self.problem(
            where,
            f"found '{value}', which holds '{mark}': a CSV export's cell of {fld.name} is "
            f"split into members at '{mark}', so it can only match a list (a JSON or YAML "
            "list, an array column); expected a member without ';', ',' or '|' (the part "
            "your export writes)",
            "operand-splits",
            level=Level.WARNING,
        )

    def odd_number(self, value: Any, where: Parts) -> bool:
        """Whether the number operand at `where` is written in a form a person does not mean
        or YAML readers disagree on (`0x10`, `1_000`, `1e3`: `yamlvalues.odd_number`); said
        here, where the field is known to take a number (the schema leaves operands alone)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        problem = number_form(self.doc, where, value)
        if problem is not None:
            self.problems.append(problem)
        return problem is not None

    def _wrong(self, fld: Field, value: Any, expected: str, where: Parts) -> None:
        advice = _plain_number_advice(fld, value) if fld.type in NUMERIC else ""
        if fld.type == "yes_no" and not isinstance(value, bool):
            # `equals: no`, `equals: 'yes'`, `equals: 1`: what a CRM cell so written reads as
            word = str(value).strip().lower()
            meant = "true" if word in YES_WORDS else "false" if word in NO_WORDS else None
            advice = f"; write {meant}" if meant else ""
        self.problem(
            where,
            f"found {found(value, self.doc.written(where))}; expected {expected} for {fld.name} "
            f"({field_kind(fld.type)}){advice}",
            "operand-type",
        )


def _plain_number_advice(fld: Field, value: Any) -> str:
    """'; write 2000, the number alone …' for a number field's operand written as text that
    means one number ('2,000 employees', '$250,000' for a USD field); '; an amount in EUR …'
    for a known other currency than the field's; '' when the number alone could be wrong
    (another unit of money, a word, a currency for a field that counts no money)."""
    if not isinstance(value, str):
        return ""
    meant = number_meant(value, SUFFIXES, whole=fld.type == "integer")
    if meant is None:
        return ""
    unit = (fld.unit or "").upper()
    currency = _currency_of(value)
    # a sign, a unit or a word around it (not a multiplier: `5M` is a plain amount)
    words = re.findall(r"[A-Za-z]+", value)
    marked = bool(re.search(r"[^\w\s,.]", value)) or any(w.lower() not in SUFFIXES for w in words)
    if unit in CURRENCIES and currency not in (None, unit):
        return (
            f"; that is an amount in {currency} and {fld.name} counts {unit}: icp never "
            f"converts amounts, so write the amount in {unit}, as a plain number"
        )
    if (currency is not None and currency != unit) or (
        unit in CURRENCIES and marked and not currency
    ):
        return ""  # money for a field that counts none, or a unit of money not known
    return f"; {plain_number_advice(meant)}"


def _currency_of(text: str) -> str | None:
    """The currency an amount written as text names by its sign or code (`$250,000` -> USD,
    `250,000 EUR` -> EUR), as `icp score` reads a cell's (`sql.numbers.CURRENCIES`)."""
    t = text.strip().lower()
    for code, marks in CURRENCIES.items():
        if any(t.startswith(m) or t.endswith(m) for m in marks):
            return code
    return "another currency" if "¥" in t else None
