"""The `--map` file: which column feeds a field, and which values mean which allowed value.

    country: Land                 # a column name
    industry:
      column: Sector              # optional
      values:                     # spellings of this export -> allowed values
        Technology: software
        Finance: banking
    tech_stack:
      shape: array                # how a warehouse column holds it (icp sql, icp export dbt)

A `shape` says how one warehouse column holds its field where it differs from the
table's `--sets` / `--dates` / `--flags` / `--parse-text`: a set as `text` (a;b;c) or
`array`, a date as `date` or ISO `text`, yes/no as `boolean` or the CRM's `text`, a
number as `numeric` or CRM `text` (read as `--parse-text` reads it).

Values are matched like every other spelling (without case, spaces or punctuation)
and come before the vocabulary's own, for this run only: a data engineer need not
wait for a rules pull request to read an export.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.model import Handbook
from ..engine.spellings import normalise
from ..errors import UsageError
from ..wording import suggest


@dataclass(frozen=True)
class ColumnMap:
    """Field -> column, and field -> {spelling: allowed value}."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    #: field -> the shape of its warehouse column (`icpkit.sql.ir.SHAPES`)
    shapes: dict[str, str] = field(default_factory=dict)


def read_map(path: Path) -> ColumnMap:
    """The map file at `path`; UsageError naming the file when it is not shaped as above."""
    from ..loading.yamlio import load_file

    doc = load_file(path)
    if doc.problems:
        raise UsageError(str(doc.problems[0]))
    if not isinstance(doc.data, dict):
        raise UsageError(f"{path}: found a list or a value; expected a mapping of field names")
    out = ColumnMap()
    for name, spec in doc.data.items():
        _entry(path, str(name), spec, out)
    return out


def _entry(path: Path, name: str, spec: Any, out: ColumnMap) -> None:
    if isinstance(spec, str):
        out.columns[name] = spec
        return
    if not isinstance(spec, dict) or not set(spec) <= {"column", "values", "shape"}:
        raise UsageError(
            f"{path}: {name}: expected a column name, or 'column', 'values' and 'shape' under it"
        )
    if spec.get("column") is not None:
        out.columns[name] = str(spec["column"])
    if spec.get("shape") is not None:
        out.shapes[name] = str(spec["shape"])
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        raise UsageError(f"{path}: {name}.values: expected spellings mapped to allowed values")
    out.values[name] = {str(k): str(v) for k, v in values.items()}


def with_values(handbook: Handbook, values: dict[str, dict[str, str]]) -> Handbook:
    """The handbook with extra spellings for this run. UsageError for an unknown field or a
    value the field does not allow."""
    if not values:
        return handbook
    fields = dict(handbook.fields)
    for name, spellings in values.items():
        fld = fields.get(name)
        if fld is None:
            raise UsageError(
                f"--map: found the field '{name}', which is not in the vocabulary"
                + suggest(name, list(fields))
            )
        if fld.type not in ("one_of", "set_of"):
            raise UsageError(f"--map: {name} is a {fld.type} field; values map only for choices")
        for spelling, value in spellings.items():
            if fld.values is not None and not fld.is_country and value not in fld.values:
                raise UsageError(
                    f"--map: {name}: found '{spelling}: {value}'; expected one of the values of "
                    f"{name}" + suggest(value, list(fld.values))
                )
        merged = dict(fld.spellings) | {normalise(k): v for k, v in spellings.items()}
        mapped = tuple(sorted({*fld.mapped, *(normalise(k) for k in spellings)}))
        fields[name] = dataclasses.replace(
            fld, spellings=tuple(sorted(merged.items())), mapped=mapped
        )
    return dataclasses.replace(handbook, fields=fields)
