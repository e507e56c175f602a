"""A percent column an export writes as fractions: `0.12` for 12 %.

No cell can tell (0.12 is a fine percentage), so it is read as 0.12 percent and a rule
"growth 20 % or more" is unmet for every account, without a word. A column can tell: when
the readable values of a percent field's column (the vocabulary's `unit: percent`) in its
first `SAMPLE` rows are at least `LEAST`, none writes a `%`, all lie within -1 to 1 and most
are no whole number, `icp score`, `icp backtest` and `icp explain --row` warn that the column
looks like fractions. icp has no option that reads it times 100: the warning says to convert
the column (x100) in the export.

The check reads a bounded sample (one query over `SAMPLE` rows, all percent columns at
once), so that a 2 GB export costs no second scan.
"""

from __future__ import annotations

import duckdb

from ..engine.model import Handbook
from ..engine.operators import NUMERIC
from .sources import Plan, Source, parsed_columns
from .sqlcompile import staged

#: the rows looked at (the first of the export)
SAMPLE = 1024
#: the readable values a column needs before it is judged
LEAST = 20


def percent_fields(handbook: Handbook, plan: Plan) -> list[str]:
    """The fields in percent that a column of the export supplies."""
    return [
        name
        for name in plan.used
        if handbook.fields[name].type in NUMERIC
        and (handbook.fields[name].unit or "").lower() == "percent"
    ]


def fraction_columns(
    con: duckdb.DuckDBPyConnection, handbook: Handbook, source: Source, plan: Plan
) -> tuple[str, ...]:
    """A warning for each percent column whose sample looks like fractions (module doc)."""
    names = percent_fields(handbook, plan)
    if not names:
        return ()
    text_select, parsed = parsed_columns(handbook, source, plan)
    index = {name: i for i, name in enumerate(plan.used)}
    relation = staged(
        {n: parsed[n] for n in names}, f"(SELECT * FROM ({text_select}) LIMIT {SAMPLE})"
    )
    items = []
    for n in names:
        lo, hi = parsed[n].columns[f"{n}__lo"], parsed[n].columns[f"{n}__hi"]
        text = f"CAST(t{index[n]} AS VARCHAR)"
        items += [
            f"count({lo})",
            f"coalesce(bool_and(abs({lo}) <= 1 AND abs({hi}) <= 1), FALSE)",
            f"count(*) FILTER (WHERE {lo} <> trunc({lo}))",
            f"count(*) FILTER (WHERE contains({text}, '%'))",
            f"max({lo}) FILTER (WHERE {lo} <> trunc({lo}))",
        ]
    found = con.execute(f"SELECT {', '.join(items)} FROM {relation}").fetchone()
    assert found is not None
    out = []
    for k, n in enumerate(names):
        read, within, fractions, signs, example = found[5 * k : 5 * k + 5]
        if read < LEAST or not within or signs or 2 * fractions <= read:
            continue
        col = plan.used[n]
        what = f"{n}, in percent" if col != n else "in percent"
        out.append(
            f"warning: column {col} ({what}) holds only values from -1 "
            f"to 1 in its first {SAMPLE} rows, most of them fractions ({example:g} is read as "
            f"{example:g} percent): if the export writes fractions (0.12 for 12%), every "
            f"{n} is read 100 times too small; convert the column to percent (x100) in the "
            "export (icp has no option that does it)"
        )
    return tuple(out)
