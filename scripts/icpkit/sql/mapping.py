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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.model import Handbook
from ..engine.spellings import normalise
from ..errors import UsageError
from ..wording import field_kind, suggest


@dataclass(frozen=True)
class ColumnMap:
    """Field -> column, and field -> {spelling: allowed value}; and, for a map read from a
    file, where each field's key and `values:` are written (for messages)."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    #: field -> the shape of its warehouse column (`icpkit.sql.ir.SHAPES`)
    shapes: dict[str, str] = field(default_factory=dict)
    #: the file it was read from ('' when built in code)
    path: str = ""
    #: field -> 1-based (line, column) of its key in the file
    keys_at: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: field -> (line, column) of its `values:` key
    values_at: dict[str, tuple[int, int]] = field(default_factory=dict)

    def where(self, name: str, at: dict[str, tuple[int, int]] | None = None) -> str:
        """'file:line:col: ' of `name`'s key (or of `at[name]`), or '--map: ' without a file."""
        line, column = (at if at is not None else self.keys_at).get(name, (1, 1))
        return f"{self.path}:{line}:{column}: " if self.path else "--map: "

    def check_fields(self, handbook: Handbook, also: Sequence[str] = ()) -> None:
        """Raise UsageError at the first key that is not a field of the vocabulary (nor one
        of `also`: `icp backtest`'s outcome roles), naming the closest (a typo would
        otherwise leave the field unmapped, unknown for every account, silently)."""
        fields = [*handbook.fields, *also]
        for name in (*self.keys_at, *self.columns, *self.values):
            if name not in fields:
                raise UsageError(
                    f"{self.where(name)}found the field '{name}', which is not in the "
                    f"vocabulary; expected one of its fields{suggest(name, fields)}"
                )

    def refuse_values(self, command: str) -> None:
        """Raise UsageError when the map has a `values:` section, which `command` (icp sql,
        icp export dbt) cannot honour: the warehouse query reads the vocabulary's codes."""
        name = next((n for n, v in self.values.items() if v), None)
        if name is not None:
            raise UsageError(
                f"{self.where(name, self.values_at)}found 'values:' for {name}; expected "
                f"none with {command}: the query reads the vocabulary's own values (codes), "
                "it does not rename a warehouse's spellings. Map them in the warehouse "
                "first, or score the export with icp score, which reads them"
            )


def read_map(path: Path, handbook: Handbook | None = None, also: Sequence[str] = ()) -> ColumnMap:
    """The map file at `path`; UsageError naming the file (and line and column) when it is
    not shaped as above or, given the `handbook`, a key is not one of its fields (or of
    `also`)."""
    from ..loading.yamlio import load_file

    doc = load_file(path)
    if doc.problems:
        raise UsageError(str(doc.problems[0]))
    if not isinstance(doc.data, dict):
        raise UsageError(f"{path}:1:1: found a list or a value; expected a mapping of field names")
    out = ColumnMap(path=str(path))
    for name, spec in doc.data.items():
        out.keys_at[str(name)] = doc.position([name], key=True)
        if isinstance(spec, dict) and "values" in spec:
            out.values_at[str(name)] = doc.position([name, "values"], key=True)
        _entry(out.where(str(name)), str(name), spec, out)
    if handbook is not None:
        out.check_fields(handbook, also)
    _one_column_per_field(out, also)
    return out


def _one_column_per_field(out: ColumnMap, also: Sequence[str]) -> None:
    """UsageError at the second field (not one of `also`, icp backtest's outcome roles)
    that names a column another field already reads: one column read as two fields (a
    country and a head count) is a slip in the map, and a table cannot hold it twice."""
    first: dict[str, str] = {}
    for name, column in out.columns.items():
        if name in also:
            continue
        if column in first:
            line = out.keys_at.get(first[column], (1, 1))[0]
            raise UsageError(
                f"{out.where(name)}found the column '{column}' for {name}, which "
                f"{first[column]} already reads (line {line}); expected one column per field"
            )
        first[column] = name


def _entry(where: str, name: str, spec: Any, out: ColumnMap) -> None:
    if isinstance(spec, str):
        out.columns[name] = spec
        return
    if not isinstance(spec, dict) or not set(spec) <= {"column", "values", "shape"}:
        extra = sorted(set(spec) - {"column", "values", "shape"}) if isinstance(spec, dict) else []
        hint = suggest(str(extra[0]), ["column", "values", "shape"]) if extra else ""
        raise UsageError(
            f"{where}{name}: expected a column name, or 'column', 'values' and 'shape' under "
            f"it{hint}"
        )
    if spec.get("column") is not None:
        out.columns[name] = str(spec["column"])
    if spec.get("shape") is not None:
        out.shapes[name] = str(spec["shape"])
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        raise UsageError(f"{where}{name}.values: expected spellings mapped to allowed values")
    if values:
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
            raise UsageError(
                f"--map: {name} is {field_kind(fld.type)}; values map only for choices"
            )
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
