"""`score`: the handbook's rules over a whole export, as one vectorised DuckDB query.

The input streams through DuckDB (a 2 GB export is never loaded whole); the
output is written to a temporary file and renamed only when the run succeeds,
so a failed run leaves no file behind. Every output records what produced it
(handbook commit, dirty tree, as-of date) in a `<output>.provenance.json`
sidecar and, for Parquet, in the file's key-value metadata. Cells of the id
column that a spreadsheet would run as a formula (= + - @) are written to CSV
with a leading apostrophe.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..atomic import atomic_path, write_text
from ..engine.model import Handbook
from ..engine.operators import sql_literal
from . import provenance
from .connection import connect, input_error, quote_ident
from .parsing import TYPEABLE
from .sources import Plan, Source, fmt_of, open_source, parsed_columns, plan_columns
from .sqlcompile import parsed_sql, staged, verdict_sql

OUTPUT_COLUMNS = (
    "best_profile",
    "tier",
    "score",
    "disqualified_by",
    "unknown_fields",
    "unreadable_fields",
)
MAX_EXAMPLES = 20


@dataclass(frozen=True)
class ScoreOptions:
    input: Path
    output: Path
    as_of: dt.date
    input_format: str | None = None
    output_format: str | None = None
    id_column: str | None = None
    mapping: dict[str, str] | None = None
    per_profile: bool = False
    progress: bool = False
    threads: int | None = None


@dataclass
class ScoreSummary:
    """What a run did: data for the reporter."""

    output: Path
    rows: int
    plan: Plan
    #: best profile ('' for none) -> tier -> accounts
    tiers: dict[str, dict[str, int]]
    disqualified: dict[str, int]
    #: field -> accounts whose cell could not be read
    unreadable: dict[str, int]
    #: (row, column, text) of the first unreadable cells
    examples: list[tuple[int, str, str]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)


def scoring_sql(
    handbook: Handbook, source: Source, plan: Plan, as_of: dt.date, *, per_profile: bool
) -> str:
    text_select, parsed = parsed_columns(handbook, source, plan)
    exact = frozenset(name for name, p in parsed.items() if p.exact) | frozenset(
        name for name in handbook.fields if name not in parsed
    )
    verdict = verdict_sql(
        handbook, as_of, per_profile=per_profile, keep=("icp_id", "unreadable_fields"), exact=exact
    )
    return (
        f"WITH txt AS ({text_select}),\n"
        f"parsed AS ({parsed_sql(handbook, parsed, 'txt', keep=('icp_id',))})\n"
        f"SELECT * FROM ({verdict})"
    )


def _output_select(inner: str, plan: Plan, out_fmt: str, extra: list[str]) -> str:
    id_expr = "icp_id"
    if out_fmt == "csv":
        id_expr = (
            "CASE WHEN left(icp_id, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
            "THEN '''' || icp_id ELSE icp_id END"
        )
    cols = [f"{id_expr} AS {quote_ident(plan.id_column)}", *OUTPUT_COLUMNS, *extra]
    return f"SELECT {', '.join(cols)} FROM ({inner})"


def score(handbook: Handbook, opts: ScoreOptions) -> ScoreSummary:
    """Score every account of `opts.input` into `opts.output` (and its .provenance.json).

    Raises UsageError for an unknown file format or an id column / mapping that does not fit
    the export, and InputError when the export cannot be read (the DuckDB error is kept as
    the cause)."""
    in_fmt = fmt_of(opts.input, opts.input_format)
    out_fmt = fmt_of(opts.output, opts.output_format)
    # git answers while DuckDB starts and sniffs the input
    pending_provenance = provenance.start(Path(handbook.root), opts.as_of, opts.input)
    try:
        con = connect(handbook, opts.threads)
        if opts.progress:
            con.execute("SET enable_progress_bar = true")
        source = open_source(con, opts.input, in_fmt)
        plan = plan_columns(handbook, source, id_column=opts.id_column, mapping=opts.mapping)
    finally:
        prov = pending_provenance()  # also when the input is refused: git is waited for
    extra = (
        [quote_ident(f"{i.id}_{c}") for i in handbook.active_icps for c in ("score", "tier")]
        if opts.per_profile
        else []
    )
    typeable = {col for name, col in plan.used.items() if handbook.fields[name].type in TYPEABLE}
    typed = source.typed(typeable)
    # the sniffed types are a fast path; a value beyond the sample that does not fit them
    # fails the read, and the file is read again as text
    attempts = [typed, source] if typed is not source else [source]
    with atomic_path(opts.output) as tmp:
        target = sql_literal(str(tmp))
        if out_fmt == "parquet":
            meta = sql_literal(json.dumps(prov))
            options = f"FORMAT parquet, KV_METADATA {{icp_provenance: {meta}}}"
        elif out_fmt == "csv":
            options = "FORMAT csv, HEADER true"
        else:
            options = "FORMAT json"
        for attempt in attempts:
            query = _output_select(
                scoring_sql(handbook, attempt, plan, opts.as_of, per_profile=opts.per_profile),
                plan,
                out_fmt,
                extra,
            )
            try:
                con.execute(f"COPY ({query}) TO {target} ({options})")
                break
            except duckdb.Error as exc:
                if attempt is source:
                    raise input_error(opts.input, exc, limit=400) from exc
        summary = _summarise(con, tmp, out_fmt, plan)
        prov["rows"] = summary.rows
        write_text(Path(f"{opts.output}.provenance.json"), json.dumps(prov, indent=2) + "\n")
    if any(summary.unreadable.values()):
        summary.examples = _examples(con, source, plan, handbook)
    summary.output = opts.output
    summary.provenance = prov
    con.close()
    return summary


def _read(path: Path, fmt: str) -> str:
    lit = sql_literal(str(path))
    return {
        "parquet": f"read_parquet({lit})",
        "csv": f"read_csv({lit}, all_varchar = true)",
        "jsonl": f"read_json({lit}, format = 'newline_delimited')",
    }[fmt]


def _summarise(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, plan: Plan) -> ScoreSummary:
    """Counts from the written output, in one scan."""
    groups = con.execute(
        "SELECT coalesce(best_profile, ''), tier, coalesce(disqualified_by, ''), "
        f"coalesce(unreadable_fields, ''), count(*) FROM {_read(path, fmt)} GROUP BY ALL"
    ).fetchall()
    total = 0
    tiers: dict[str, dict[str, int]] = {}
    disq: dict[str, int] = {}
    unreadable: dict[str, int] = {}
    for profile, tier, disqualified_by, unreadable_fields, n in groups:
        total += n
        by_tier = tiers.setdefault(str(profile), {})
        by_tier[str(tier)] = by_tier.get(str(tier), 0) + n
        for names, counts in ((disqualified_by, disq), (unreadable_fields, unreadable)):
            for name in filter(None, str(names).split(";")):
                counts[name] = counts.get(name, 0) + n
    return ScoreSummary(
        path,
        total,
        plan,
        {p: dict(sorted(t.items())) for p, t in sorted(tiers.items())},
        dict(sorted(disq.items())),
        dict(sorted(unreadable.items())),
    )


def _examples(
    con: duckdb.DuckDBPyConnection, source: Source, plan: Plan, handbook: Handbook
) -> list[tuple[int, str, str]]:
    """Row, column and text of the first unreadable cells (a second pass, only when needed)."""
    text_select, parsed = parsed_columns(handbook, source, plan)
    checks = []
    for i, (name, col) in enumerate(plan.used.items()):
        bad = parsed[name].bad
        checks.append(f"CASE WHEN {bad} THEN [{sql_literal(col)}, CAST(t{i} AS VARCHAR)] END")
    if not checks:
        return []
    query = (
        f"WITH txt AS (SELECT row_number() OVER () AS icp_row, * FROM ({text_select})), "
        f"cells AS (SELECT icp_row, unnest([{', '.join(checks)}]) AS cell "
        f"FROM {staged(parsed, 'txt')}) "
        f"SELECT icp_row, cell[1], cell[2] FROM cells WHERE cell IS NOT NULL "
        f"ORDER BY icp_row LIMIT {MAX_EXAMPLES}"
    )
    return [(int(r), str(c), str(v)) for r, c, v in con.execute(query).fetchall()]


def progress_wanted() -> bool:
    """A progress bar on a terminal, never in CI."""
    import sys

    return sys.stderr.isatty() and not os.environ.get("CI")
