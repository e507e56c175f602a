"""`icp sql`: the scoring query (or a view, or the table it expects) for one dialect, with a
header that records the handbook commit and the as-of rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine.model import Handbook
from . import provenance
from .dialects import dialect
from .engines import create_table_sql
from .ir import Options, TableSpec, header, render


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
    commit, dirty = commit_of(Path(handbook.root))
    comment = header(commit, dirty, as_of, d)
    if ddl:
        return comment + create_table_sql(handbook, spec, d) + ";\n"
    return render(handbook, spec, d, Options(as_of, per_profile=per_profile), view=view, comment=comment)
