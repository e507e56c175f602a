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
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..atomic import atomic_path, make_folder, mode_for, remove_leftovers, write_text
from ..engine.model import TIER_RANK, Handbook
from ..engine.operators import sql_literal
from ..errors import UsageError
from . import crm as crm_preset
from . import provenance
from .connection import connect, quote_ident
from .mapping import with_values
from .parsing import TYPEABLE
from .percents import fraction_columns
from .reasons import reason_sql
from .sources import (
    Plan,
    Source,
    fmt_of,
    id_candidates,
    open_source,
    parsed_columns,
    plan_columns,
    read_through,
    with_convention,
)
from .sqlcompile import output_extras, parsed_sql, staged, verdict_sql

OUTPUT_COLUMNS = (
    "best_profile",
    "tier",
    "score",
    "disqualified_by",
    "unknown_fields",
    "unreadable_fields",
    "status",
    "best_case_tier",
    "deciding_fields",
    "at_risk",
)
MAX_EXAMPLES = 20
#: unreadable spellings listed per field in the summary
MAX_SPELLINGS = 5


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
    #: True: comma decimals (1.234,5); False: dot decimals; None: detect
    decimal_comma: bool | None = None
    #: the input's text encoding when it is not UTF-8 (a Python codec name: cp1252, latin-1)
    encoding: str | None = None
    #: field -> {spelling: allowed value}, from the --map file
    value_map: dict[str, dict[str, str]] | None = None
    #: hubspot or salesforce: write the CRM's import shape (`icpkit.sql.crm`) at the output
    #: (as .csv) and its property definitions beside it, from the same verdicts
    crm: str | None = None


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
    #: (row, column, text, why) of the first unreadable cells
    examples: list[tuple[int, str, str, str]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    #: status (scored, disqualified, insufficient_data, a gate's) -> accounts
    statuses: dict[str, int] = field(default_factory=dict)
    #: (tier, best-case tier) -> accounts whose tier rests on unknowns
    best_case: dict[tuple[str, str], int] = field(default_factory=dict)
    #: field -> accounts for which it is a deciding unknown
    deciding: dict[str, int] = field(default_factory=dict)
    #: negative portrait -> accounts above D whose tier rests on its unknown disqualifier
    at_risk: dict[str, int] = field(default_factory=dict)
    #: accounts above D with some unknown disqualifier
    at_risk_rows: int = 0
    #: field -> the most frequent unreadable texts and their counts
    spellings: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: (account id, rows) of ids found more than once
    duplicates: list[tuple[str, list[int]]] = field(default_factory=list)
    #: accounts with an empty id (their rows cannot be matched to a record), and the first rows
    no_id: tuple[int, list[int]] = (0, [])
    #: the decimal convention used and why
    convention: str = ""
    #: what was done to read the file
    notes: tuple[str, ...] = ()
    #: the files written (the scores, or a CRM import and its property definitions)
    files: list[Path] = field(default_factory=list)


def scoring_sql(
    handbook: Handbook,
    source: Source,
    plan: Plan,
    as_of: dt.date,
    *,
    per_profile: bool,
    reason: bool = False,
) -> str:
    """The verdict query over the export; with `reason`, a `reason` column too."""
    text_select, parsed = parsed_columns(handbook, source, plan)
    exact = frozenset(name for name, p in parsed.items() if p.exact) | frozenset(
        name for name in handbook.fields if name not in parsed
    )
    keep: tuple[str, ...] = ("icp_id", "unreadable_fields")
    if reason:
        keep += (f"{reason_sql(handbook, as_of, exact)} AS reason",)
    verdict = verdict_sql(
        handbook,
        as_of,
        per_profile=per_profile,
        keep=keep,
        exact=exact,
        absent=frozenset(plan.missing),
    )
    return (
        f"WITH txt AS ({text_select}),\n"
        f"parsed AS ({parsed_sql(handbook, parsed, 'txt', keep=('icp_id',))})\n"
        f"SELECT * FROM ({verdict})"
    )


def _output_select(inner: str, plan: Plan, out_fmt: str, extra: list[str]) -> str:
    id_expr = "icp_id"
    if out_fmt == "csv":
        # a typed id (a number in Parquet or JSON) is text in a CSV cell all the same
        text = "CAST(icp_id AS VARCHAR)"
        id_expr = (
            f"CASE WHEN left({text}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
            f"THEN '''' || {text} ELSE {text} END"
        )
    cols = [f"{id_expr} AS {quote_ident(plan.id_column)}", *OUTPUT_COLUMNS, *extra]
    return f"SELECT {', '.join(cols)} FROM ({inner})"


def score(handbook: Handbook, opts: ScoreOptions) -> ScoreSummary:
    """Score every account of `opts.input` into `opts.output` (and its .provenance.json).

    Raises UsageError for an unknown file format or an id column / mapping that does not fit
    the export, InputError when the export cannot be read (the DuckDB error is kept as the
    cause), and KeyboardInterrupt when interrupted (no temporary file is left behind)."""
    in_fmt = fmt_of(opts.input, opts.input_format)
    if opts.crm is None:
        out_fmt = fmt_of(opts.output, opts.output_format)
        written = opts.output
    else:
        crm_preset.check_preset(opts.crm, opts.output_format)
        out_fmt = "parquet"  # the scratch scores; the import itself is a CSV
        written = crm_preset.import_path(opts.output)
    # the scores and their provenance sidecar: neither may be the export it reads
    for target in (written, Path(f"{opts.output}.provenance.json")):
        _not_the_input(opts.input, target)
    handbook = with_values(handbook, opts.value_map or {})
    folder = opts.output.resolve().parent
    make_folder(folder, opts.output)
    remove_leftovers(folder)
    scratch: list[Path] = []
    try:
        return _score(handbook, opts, in_fmt, out_fmt, folder, scratch)
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except RuntimeError as exc:  # DuckDB's word for a signal that arrived during a query
        if "interrupted" in str(exc).lower():
            raise KeyboardInterrupt from None
        raise
    finally:
        for path in scratch:
            path.unlink(missing_ok=True)


def _score(
    handbook: Handbook,
    opts: ScoreOptions,
    in_fmt: str,
    out_fmt: str,
    folder: Path,
    scratch: list[Path],
) -> ScoreSummary:
    # git answers while DuckDB starts and sniffs the input
    pending_provenance = provenance.start(Path(handbook.root), opts.as_of, opts.input)
    try:
        con = connect(handbook, opts.threads)
        if opts.progress:
            con.execute("SET enable_progress_bar = true")
        source = open_source(
            con,
            opts.input,
            in_fmt,
            encoding=opts.encoding,
            folder=folder,
            headers_again=False,
            ids=id_candidates(handbook, opts.id_column),
        )
        scratch += [source.scratch] if source.scratch else []
        plan = plan_columns(handbook, source, id_column=opts.id_column, mapping=opts.mapping)
        source = with_convention(con, handbook, source, plan, opts.decimal_comma)
    finally:
        prov = pending_provenance()  # also when the input is refused: git is waited for
    extra = [quote_ident(c) for c in output_extras(handbook, per_profile=_per_profile(opts))]
    extra += ["reason"] if opts.crm else []
    if opts.crm is None:
        with atomic_path(opts.output) as tmp:
            source = _write(con, handbook, opts, source, plan, tmp, out_fmt, prov, extra, scratch)
            summary = _counted(con, source, plan, tmp, out_fmt, prov)
            # every pass before the scores replace the old ones: an interruption until then
            # leaves the previous output as it was
            _reading_notes(summary, con, source, plan, handbook)
            summary.files = [opts.output]
            _provenance(opts.output, prov)
    else:
        # the scores in the plain shape first (a scratch file), then the CRM's import shape
        tmp = _scratch_beside(opts.output)
        scratch.append(tmp)
        source = _write(con, handbook, opts, source, plan, tmp, out_fmt, prov, extra, scratch)
        summary = _counted(con, source, plan, tmp, out_fmt, prov)
        _reading_notes(summary, con, source, plan, handbook)
        cur = con.execute(f"SELECT * FROM {_read(tmp, out_fmt)}")
        names = [c[0] for c in cur.description or []]
        scores = crm_preset.Rows(names, cur.fetchall())
        summary.files = crm_preset.write_scores(opts.crm, handbook, scores, opts.output)
        _provenance(summary.files[0], prov)
    summary.output = summary.files[0]
    summary.provenance = prov
    summary.convention = source.convention
    con.close()
    return summary


def _reading_notes(
    summary: ScoreSummary,
    con: duckdb.DuckDBPyConnection,
    source: Source,
    plan: Plan,
    handbook: Handbook,
) -> None:
    """The summary's examples of unreadable cells (a second pass, only when some cell could
    not be read) and its notes on how the file was read and on columns that look wrong (a set
    column empty for every account, a percent column of fractions: a bounded sample)."""
    if any(summary.unreadable.values()):
        summary.examples, summary.spellings = _unreadable(con, source, plan, handbook)
    summary.notes = (
        source.notes
        + _empty_set_columns(con, source, plan, handbook)
        + fraction_columns(con, handbook, source, plan)
    )


def _empty_set_columns(
    con: duckdb.DuckDBPyConnection, source: Source, plan: Plan, handbook: Handbook
) -> tuple[str, ...]:
    """A warning for each set column that is empty for every account while its field reads
    an empty cell as "none" (`empty: empty_set`): an export that carries a property nobody
    fills says every account uses nothing. Its first 1,024 cells are looked at, the rest
    only when those are all empty."""
    out: list[str] = []
    for name, col in plan.used.items():
        fld = handbook.fields[name]
        if fld.type != "set_of" or not fld.empty_set:
            continue
        filled = f"coalesce(trim(CAST({quote_ident(col)} AS VARCHAR)), '') <> ''"
        head = f"(SELECT {quote_ident(col)} FROM {source.relation} LIMIT 1024)"
        if con.execute(f"SELECT 1 FROM {head} WHERE {filled} LIMIT 1").fetchall():
            continue
        if con.execute(f"SELECT 1 FROM {source.relation} WHERE {filled} LIMIT 1").fetchall():
            continue
        out.append(
            f"warning: column {col} is empty for every account: {name} reads each as none "
            f"(the vocabulary: an empty cell means none); if the export does not fill it, "
            "leave the column out, and the field is unknown"
        )
    return tuple(out)


def _per_profile(opts: ScoreOptions) -> bool:
    """Per-profile columns: asked for, or for a CRM import (it has a property per profile)."""
    return opts.per_profile or opts.crm is not None


def _scratch_beside(output: Path) -> Path:
    """A temporary file beside `output` (named as `remove_leftovers` knows it)."""
    fd, name = tempfile.mkstemp(
        prefix=f".{output.name}.icp-{os.getpid()}-", suffix=".tmp", dir=output.resolve().parent
    )
    os.close(fd)
    return Path(name)


def _counted(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    plan: Plan,
    path: Path,
    fmt: str,
    prov: dict[str, Any],
) -> ScoreSummary:
    """The summary's counts from the written scores, recorded in the provenance too."""
    summary = _summarise(con, path, fmt, plan)
    summary.duplicates = _duplicates(con, path, fmt, plan)
    if summary.no_id[0]:
        summary.no_id = (summary.no_id[0], _without_id(con, path, fmt, plan))
    prov["rows"] = summary.rows
    prov["decimal_convention"] = source.decimal
    prov["fields_no_column_supplies"] = plan.missing
    if source.notes:
        prov["reading_notes"] = list(source.notes)
    return summary


def _provenance(scores: Path, prov: dict[str, Any]) -> None:
    """Write the `<scores>.provenance.json` sidecar, with the scores' mode."""
    side = Path(f"{scores}.provenance.json")
    write_text(side, json.dumps(prov, indent=2) + "\n")
    side.chmod(mode_for(scores))


def _not_the_input(source: Path, output: Path) -> None:
    """Raise UsageError when the output is the input (by path, a symbolic link or a hard
    link): scoring would overwrite the export it reads."""
    same = source.resolve() == output.resolve()
    if not same and source.exists() and output.exists():
        same = source.samefile(output)
    if same:
        raise UsageError(
            f"found the output {output}, which is the input file; expected another file "
            f"(for example -o {source.with_name(source.stem + '.scores' + source.suffix)})"
        )


def _write(
    con: duckdb.DuckDBPyConnection,
    handbook: Handbook,
    opts: ScoreOptions,
    source: Source,
    plan: Plan,
    tmp: Path,
    out_fmt: str,
    prov: dict[str, Any],
    extra: list[str],
    scratch: list[Path],
) -> Source:
    """Write the scores to `tmp`; the source finally read (a CSV that DuckDB cannot read
    whole is read again through the careful rewriting pass)."""
    target = sql_literal(str(tmp))
    if out_fmt == "parquet":
        meta = sql_literal(json.dumps(prov))
        options = f"FORMAT parquet, KV_METADATA {{icp_provenance: {meta}}}"
    elif out_fmt == "csv":
        options = "FORMAT csv, HEADER true"
    else:
        options = "FORMAT json"
    typed = typed_reading(handbook, source, plan)
    ident = quote_ident(plan.id_column)

    def run(attempt: Source) -> tuple[str, str]:
        query = _output_select(
            scoring_sql(
                handbook,
                attempt,
                plan,
                opts.as_of,
                per_profile=_per_profile(opts),
                reason=opts.crm is not None,
            ),
            plan,
            out_fmt,
            extra,
        )
        con.execute(f"SET memory_limit = '{copy_memory_mb(len(extra))}MB'")
        try:
            con.execute(f"COPY ({query}) TO {target} ({options})")
        finally:
            con.execute("RESET memory_limit")
        return _read(tmp, out_fmt), ident

    return read_through(
        con,
        handbook,
        plan,
        source,
        run,
        typed=typed,
        encoding=opts.encoding,
        folder=tmp.parent,
        scratch=scratch,
    )


def typed_reading(handbook: Handbook, source: Source, plan: Plan) -> Source:
    """`source` read with the sniffed types of the columns its fields take typed (numbers,
    dates, yes/no: `TYPEABLE`), the fast reading `icp score` tries first."""
    types = {col: handbook.fields[name].type for name, col in plan.used.items()}
    typeable = {col for col, kind in types.items() if kind in TYPEABLE}
    numbers = {col for col, kind in types.items() if kind in ("number", "integer")}
    return source.typed(typeable, numbers)


def copy_memory_mb(extra_columns: int) -> int:
    """DuckDB's memory limit (MB) while the scores are written: 512 MB, and 8 MB for each
    output column past the core ones (a row group of 122,880 values of 16 bytes and their
    text, twice over).

    The scores are written in the export's row order: DuckDB holds each finished row group
    until those before it are written, up to its memory limit (80% of RAM by default). At
    10,000,000 accounts read from Parquet it held 724 MB (the hand-written baseline's whole
    peak: 199 MB); so bounded, the peak was 350 MB and the time the same
    (`tests/bench/bench_score.py --rows 10000000 --input parquet`). Under the bound DuckDB
    writes in order with fewer threads ahead; it does not fail."""
    return 512 + 8 * extra_columns


def _read(path: Path, fmt: str) -> str:
    lit = sql_literal(str(path))
    return {
        "parquet": f"read_parquet({lit})",
        "csv": f"read_csv({lit}, all_varchar = true)",
        "jsonl": f"read_json({lit}, format = 'newline_delimited')",
    }[fmt]


def _empty_id(plan: Plan) -> str:
    """SQL: the account's id is empty (no cell, or only spaces)."""
    return f"coalesce(icp_trim(CAST({quote_ident(plan.id_column)} AS VARCHAR)), '') = ''"


def _summarise(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, plan: Plan) -> ScoreSummary:
    """Counts from the written output, in one scan: tiers, statuses, disqualifiers, the
    unreadable and deciding fields, and how many accounts have an empty id (`no_id`, their
    rows not yet looked for)."""
    groups = con.execute(
        "SELECT coalesce(best_profile, ''), coalesce(tier, status), coalesce(disqualified_by, ''), "
        "coalesce(unreadable_fields, ''), status, coalesce(best_case_tier, tier, 'D'), "
        f"coalesce(deciding_fields, ''), {_empty_id(plan)}, coalesce(at_risk, ''), count(*) "
        f"FROM {_read(path, fmt)} GROUP BY ALL"
    ).fetchall()
    summary = ScoreSummary(path, 0, plan, {}, {}, {})
    tiers: dict[str, dict[str, int]] = {}
    for profile, tier, disq, unreadable, status, best_case, deciding, no_id, risky, n in groups:
        summary.rows += n
        if risky:
            summary.at_risk_rows += n
        if no_id:
            summary.no_id = (summary.no_id[0] + n, [])
        by_tier = tiers.setdefault(str(profile), {})
        by_tier[str(tier)] = by_tier.get(str(tier), 0) + n
        summary.statuses[str(status)] = summary.statuses.get(str(status), 0) + n
        if best_case != tier and (tier in TIER_RANK or best_case != "D"):
            pair = (str(tier), str(best_case))
            summary.best_case[pair] = summary.best_case.get(pair, 0) + n
        for names, counts in (
            (disq, summary.disqualified),
            (unreadable, summary.unreadable),
            (deciding, summary.deciding),
            (risky, summary.at_risk),
        ):
            for name in filter(None, str(names).split(";")):
                counts[name] = counts.get(name, 0) + n
    summary.tiers = {p: dict(sorted(t.items())) for p, t in sorted(tiers.items())}
    summary.disqualified = dict(sorted(summary.disqualified.items()))
    summary.unreadable = dict(sorted(summary.unreadable.items()))
    summary.deciding = dict(sorted(summary.deciding.items(), key=lambda kv: (-kv[1], kv[0])))
    summary.best_case = dict(sorted(summary.best_case.items()))
    summary.at_risk = dict(sorted(summary.at_risk.items()))
    return summary


def _duplicates(
    con: duckdb.DuckDBPyConnection, path: Path, fmt: str, plan: Plan
) -> list[tuple[str, list[int]]]:
    """Account ids found on more than one row, with their rows (1 = first account).

    The ids' 64-bit hashes are sorted and each compared with the one before: a sort of
    integers holds a fraction of the memory of a hash table of every id (10,000,000 ids:
    330 MB instead of 750 MB) and takes less time. Only when a hash repeats are the ids
    themselves compared, on the rows whose hash repeats (two ids may share a hash)."""
    col = quote_ident(plan.id_column)
    rel = _read(path, fmt)
    repeats = (
        f"SELECT DISTINCT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS p FROM "
        f"(SELECT hash({col}) AS h FROM {rel})) WHERE h = p"
    )
    if not con.execute(f"{repeats} LIMIT 1").fetchall():
        return []
    found = con.execute(
        f"SELECT {col} FROM {rel} WHERE hash({col}) IN ({repeats} LIMIT {MAX_EXAMPLES * 50}) "
        f"GROUP BY {col} HAVING count(*) > 1 LIMIT {MAX_EXAMPLES}"
    ).fetchall()
    if not found:
        return []
    ids = [r[0] for r in found]
    rows = con.execute(
        f"SELECT id, list(r ORDER BY r) FROM (SELECT row_number() OVER () AS r, {col} AS id "
        f"FROM {rel}) WHERE list_contains($1, id) GROUP BY id ORDER BY min(r)",
        [ids],
    ).fetchall()
    return [(str(i).removeprefix("'"), [int(x) for x in r]) for i, r in rows]


def _without_id(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, plan: Plan) -> list[int]:
    """The first rows (1 = first account) of the accounts with an empty id (a second scan,
    only when `_summarise` counted some): each is scored, but its output row cannot be
    matched back to a record."""
    rows = con.execute(
        f"SELECT r FROM (SELECT row_number() OVER () AS r, {_empty_id(plan)} AS e "
        f"FROM {_read(path, fmt)}) WHERE e ORDER BY r LIMIT {MAX_EXAMPLES}"
    ).fetchall()
    return [int(r[0]) for r in rows]


def _unreadable(
    con: duckdb.DuckDBPyConnection, source: Source, plan: Plan, handbook: Handbook
) -> tuple[list[tuple[int, str, str, str]], dict[str, list[tuple[str, int]]]]:
    """Row, column, text and reason of the first unreadable cells, and each field's most
    frequent unreadable texts (a second pass, only when some cell could not be read); every
    column read as text, so that a cell is quoted as written (`1e400`, not `inf`)."""
    text_select, parsed = parsed_columns(handbook, source.as_text(), plan)
    checks = []
    for i, (name, col) in enumerate(plan.used.items()):
        p = parsed[name]
        why = p.why or "NULL"
        checks.append(
            f"CASE WHEN {p.bad} THEN [{sql_literal(name)}, {sql_literal(col)}, "
            f"CAST(t{i} AS VARCHAR), {why}, {p.spellings or f'CAST(t{i} AS VARCHAR)'}] END"
        )
    if not checks:
        return [], {}
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE icp_bad AS "
        f"WITH txt AS (SELECT row_number() OVER () AS icp_row, * FROM ({text_select})), "
        f"cells AS (SELECT icp_row, unnest([{', '.join(checks)}]) AS cell "
        f"FROM {staged(parsed, 'txt')}) "
        f"SELECT icp_row, cell[1] AS fld, cell[2] AS col, cell[3] AS txt, cell[4] AS why, "
        f"unnest(string_split(cell[5], chr(31))) AS spelling "
        f"FROM cells WHERE cell IS NOT NULL"
    )
    examples = [
        (int(r), str(c), str(v), str(w or ""))
        for r, c, v, w in con.execute(
            "SELECT icp_row, col, txt, why FROM icp_bad GROUP BY ALL "
            f"ORDER BY icp_row, min(rowid) LIMIT {MAX_EXAMPLES}"
        ).fetchall()
    ]
    spellings: dict[str, list[tuple[str, int]]] = {}
    for fld, text, n in con.execute(
        "SELECT fld, spelling, count(*) AS n FROM icp_bad GROUP BY fld, spelling "
        "QUALIFY row_number() OVER (PARTITION BY fld ORDER BY n DESC, spelling) <= "
        f"{MAX_SPELLINGS} ORDER BY fld, n DESC, spelling"
    ).fetchall():
        spellings.setdefault(str(fld), []).append((str(text), int(n)))
    return examples, spellings
