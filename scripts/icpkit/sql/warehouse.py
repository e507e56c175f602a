"""`icp sql`: the scoring query (or a view, or the table it expects) for one dialect, with a
header that records the handbook commit and the as-of rule."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.model import Handbook
from . import idents, provenance
from .dialects import dialect
from .engines import WarehouseRun, create_table_sql
from .ir import Options, TableSpec, check_shapes, header, render


def commit_of(root: Path) -> tuple[str | None, bool | None]:
    """The handbook's git commit and whether rules/ or profiles/ have uncommitted changes."""
    record = provenance.start(root, dt.date.today())()
    return record["handbook_commit"], record["handbook_dirty"]


def sql_text(
    handbook: Handbook,
    dialect_name: str,
    spec: TableSpec,
    as_of: dt.date | None,
    *,
    view: str | None = None,
    ddl: bool = False,
    per_profile: bool = True,
) -> str:
    """The query, a view over it (`view`), or with `ddl` the CREATE TABLE of the typed table
    it reads. Raises UsageError for an unknown dialect or sets as arrays where there are none."""
    d = dialect(dialect_name)
    idents.check_spec(spec.table, spec.id_column, spec.columns, d)
    if view is not None:
        idents.parts(view, d, "--view")
    commit, dirty = commit_of(Path(handbook.root))
    comment = header(commit, dirty, as_of, d)
    if ddl:
        check_shapes(handbook, spec, d)  # the table of a query that would be refused is too
        return comment + create_table_sql(handbook, spec, d) + ";\n"
    return render(
        handbook, spec, d, Options(as_of, per_profile=per_profile), view=view, comment=comment
    )


@dataclass
class WarehouseSummary:
    """What a run on another engine did: data for the reporter."""

    engine: str
    files: list[Path]
    rows: int
    #: tier -> accounts
    tiers: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    #: fields the table had no column for (unknown for every account)
    absent: tuple[str, ...] = ()


def score_in(
    handbook: Handbook,
    run: WarehouseRun,
    output: Path,
    as_of: dt.date,
    *,
    crm: str | None = None,
    id_column: str | None = None,
    mapping: dict[str, str] | None = None,
) -> WarehouseSummary:
    """Score where the data lives (`run`) with the rule IR, write the scores (or a CRM import
    with its property definitions) to `output`, and a provenance sidecar beside it. Raises
    UsageError for a table that does not fit the handbook or a CRM's refused names,
    InputError when the engine fails (its first line)."""
    from ..atomic import write_text
    from . import crm as crm_preset
    from .dialects import DIALECTS
    from .engines import run_query, write_rows

    pending = provenance.start(Path(handbook.root), as_of, run.source)
    d = DIALECTS[run.engine]
    result = run_query(
        run,
        handbook,
        lambda spec: render(handbook, spec, d, Options(as_of)),
        id_column=id_column,
        mapping=mapping,
    )
    if crm:
        files = crm_preset.write(crm, handbook, result, output)
    else:
        write_rows(output, result.names, result.rows)
        files = [output]
    record = pending()
    record["engine"] = run.engine
    record["rows"] = len(result.rows)
    write_text(Path(f"{files[0]}.provenance.json"), json.dumps(record, indent=2) + "\n")
    tier_at = result.names.index("icp_tier")
    status_at = result.names.index("icp_status") if "icp_status" in result.names else None
    tiers: dict[str, int] = {}
    for row in result.rows:
        # a row with no tier is counted under its status (insufficient_data, a gate's)
        key = row[tier_at] or (row[status_at] if status_at is not None else None) or "no tier"
        tiers[str(key)] = tiers.get(str(key), 0) + 1
    return WarehouseSummary(
        run.engine,
        files,
        len(result.rows),
        dict(sorted(tiers.items(), key=lambda kv: (len(kv[0]) > 1, kv[0]))),
        result.timings,
        tuple(sorted(result.spec.absent)),
    )
