"""The `icp` command line: parse options, call one library function, print its result through
a reporter, map it to an exit code. Nothing else lives here.

Exit codes: 0 success; 1 findings (validation problems, failing rule tests,
regressions, unreadable input); 2 usage or internal error; 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import ExitCode, IcpError
from .reporters import FORMATS
from .sql import choices
from .textsafety import message_line, one_line, visible

if TYPE_CHECKING:
    from .engine.model import Handbook
    from .loading.validate import HandbookInvalid
    from .sql.engines import WarehouseRun
    from .sql.mapping import ColumnMap

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
#: options shared by the commands that read account exports (explain --row, score)
_id_column_option = click.option(
    "--id-column", help="The export's id column (default: from the vocabulary)."
)
#: options shared by the commands that write a report (test, diff, backtest)
_report_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (atomically) instead of standard output.",
)
_map_option = click.option(
    "--map",
    "map_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML or JSON mapping of field names to column names (and, under 'values', "
    "spellings to allowed values).",
)
_decimal_option = click.option(
    "--decimal-comma/--decimal-point",
    "decimal_comma",
    default=None,
    help="The export writes 1.234,5 (comma) or 1,234.5 (point) (default: detected; a value "
    "that reads two ways, such as 1,200, is unknown until it is known).",
)
_encoding_option = click.option(
    "--encoding",
    metavar="CODEC",
    help="The export's text encoding when it is not UTF-8 (for example cp1252, latin-1).",
)


_F = TypeVar("_F", bound=Callable[..., Any])


def _options(*options: Callable[[Any], Any]) -> Callable[[_F], _F]:
    """One decorator applying `options` in the order given (as if stacked in that order)."""

    def apply(f: _F) -> _F:
        for option in reversed(options):
            f = option(f)
        return f

    return apply


#: how an account export is read (explain --row/--id, score)
_export_options = _options(_id_column_option, _map_option, _decimal_option, _encoding_option)


class State:
    """What the group's options set for every command, and the report format the command
    chose (`fmt`: its --format, else GitHub annotations under GitHub Actions), which `main`
    reads to annotate a handbook's errors when a command other than validate meets them."""

    def __init__(self) -> None:
        self._root: Path | None = None
        self.today = dt.date.today()
        self.fmt = _default_format()

    @property
    def root(self) -> Path:
        from .errors import UsageError
        from .repo import find_root

        if self._root is None:
            return find_root()
        if not (self._root / "rules" / "vocabulary.yaml").is_file():
            raise UsageError(
                f"found no rules/vocabulary.yaml in {self._root}; expected --root "
                "to name a handbook repository"
            )
        return self._root.resolve()


def _date(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"found '{value}'; expected a date as YYYY-MM-DD") from None


def _as_of_option(help_text: str) -> Callable[[_F], _F]:
    """The --as-of option of a command that evaluates time-relative rules."""
    return click.option("--as-of", "as_of", callback=_date, metavar="YYYY-MM-DD", help=help_text)


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


#: the --format default of the commands CI runs: GitHub annotations under GitHub Actions
_CI_FORMAT: dict[str, Any] = {
    "default": _default_format,
    "show_default": "text; github under GitHub Actions",
}


def _format_option(command: str, **settings: Any) -> Callable[[_F], _F]:
    """The --format option of `command`: one of its reporter's formats (`reporters.FORMATS`),
    kept on the State too (see `State.fmt`)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS[command]),
        callback=_chosen_format,
        **settings,
    )


def _chosen_format(ctx: click.Context, _param: Any, value: str | None) -> str | None:
    state = ctx.find_object(State)
    if state is not None and value is not None:
        state.fmt = value
    return value


def echo(text: str) -> None:
    if text:
        # control, bidirectional and invisible characters from any source (YAML, a CSV
        # cell, --set) are shown as escapes, never sent raw to a terminal or a CI log
        click.echo(visible(text))


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="icp")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ICP_ROOT",
    help="The handbook repository (default: the nearest folder with rules/vocabulary.yaml).",
)
@click.option(
    "--today",
    callback=_date,
    envvar="ICP_TODAY",
    metavar="YYYY-MM-DD",
    help="The date reviews are checked against (default: today).",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, today: dt.date | None) -> None:
    """ICP as code: validate, test, explain and score Ideal Customer Profiles.

    Exit codes: 0 success, 1 findings (problems, failing tests, regressions,
    unreadable input), 2 usage or internal error, 130 interrupted.
    """
    state = ctx.ensure_object(State)
    state._root = root
    state.today = today or state.today


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@_format_option("validate", help="How to report problems.", **_CI_FORMAT)
@click.option("--strict", is_flag=True, help="Fail on warnings too (such as overdue reviews).")
@click.pass_obj
def validate(state: State, paths: tuple[Path, ...], fmt: str, strict: bool) -> ExitCode:
    """Check every profile, rule and fixture; report all problems at file:line:col.

    \b
    Example:
      icp validate --strict
      icp validate profiles/icp/western-software-teams.yaml --format json
    """
    from .loading.validate import validate as run
    from .reporters.problems import render

    report = run(state.root, paths, today=state.today)
    echo(render(report, fmt, strict=strict))
    return ExitCode.FINDINGS if report.failed(strict=strict) else ExitCode.OK


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming files that would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Show what would change, as a diff.")
@click.pass_obj
def fmt(state: State, paths: tuple[Path, ...], check: bool, show_diff: bool) -> ExitCode:
    """Put every YAML file in canonical key order and indentation, keeping comments.

    \b
    Example:
      icp fmt            # rewrite in place (atomically)
      icp fmt --check    # in CI: fail when a file is not formatted
    """
    from .loading.formatting import format_file
    from .repo import display_path, handbook_files

    root = state.root
    files = _expand(paths) if paths else handbook_files(root)
    write = not (check or show_diff)
    failed = False
    for path in files:
        result = format_file(path, display_path(path, root), write=write)
        if result.problem:
            failed = True
            echo(result.problem)
        elif result.changed:
            if show_diff:
                echo(result.diff.rstrip("\n"))
            if check:
                failed = True
                line, _, why = result.where.partition(": ")
                echo(f"{result.shown}:{line}: would be reformatted" + (f" ({why})" if why else ""))
            elif write:
                echo(f"{result.shown}: reformatted")
    return ExitCode.FINDINGS if failed else ExitCode.OK


def _expand(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out += sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
    return out


@cli.command(context_settings=CONTEXT)
@click.argument("kind", type=click.Choice(["icp", "negative"]))
@click.argument("ident", metavar="ID")
@click.pass_obj
def new(state: State, kind: str, ident: str) -> ExitCode:
    """Create a new profile (draft) that validates, with every section commented.

    \b
    Example:
      icp new icp dach-logistics
      icp new negative agencies-reselling
    """
    from .loading.scaffold import scaffold, write_new
    from .loading.validate import load_checked

    loaded = load_checked(state.root, today=state.today)
    path, text = scaffold(loaded.handbook, kind, ident, today=state.today)
    write_new(path, text)
    echo(f"created {path.relative_to(state.root)}; fill it in, then run icp validate")
    return ExitCode.OK


def _as_of(state: State, value: dt.date | None) -> dt.date:
    return value or state.today


def _mapping(
    path: Path | None, handbook: Handbook | None = None, also: tuple[str, ...] = ()
) -> ColumnMap:
    """The --map file; given the `handbook`, a key that is not one of its fields (nor of
    `also`) is an error at its line and column."""
    from .sql.mapping import ColumnMap, read_map

    return ColumnMap() if path is None else read_map(path, handbook, also)


def _handbook(state: State, *, cache: bool = False) -> Handbook:
    """The handbook, refusing to run on one with errors (validate says which)."""
    from .loading.validate import open_handbook

    return open_handbook(state.root, today=state.today, cache=cache)


@cli.command(context_settings=CONTEXT)
@click.argument(
    "company", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--row",
    type=int,
    help="Explain row N (1 = first account) of a CSV, Parquet or JSON Lines export.",
)
@click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A value, as a CRM export would write it (repeatable).",
)
@_as_of_option("Date for time-relative rules (default: today; always printed).")
@_export_options
@_format_option("explain", default="text", show_default=True)
@click.option("--id", "account_id", metavar="ID", help="Explain the account with this id.")
@click.pass_obj
def explain(
    state: State,
    company: Path | None,
    row: int | None,
    pairs: tuple[str, ...],
    as_of: dt.date | None,
    id_column: str | None,
    map_file: Path | None,
    decimal_comma: bool | None,
    encoding: str | None,
    fmt: str,
    account_id: str | None,
) -> ExitCode:
    """Explain the verdict for one company: every rule, the value it read, its points.

    \b
    Examples:
      icp explain tests/examples/prospect.yaml
      icp explain tests/examples/hubspot-export.csv --row 3
      icp explain --set country=DE --set employees=51-200 --set industry=saas
      icp explain tests/examples/hubspot-export.csv --id 9003
    """
    from .engine.evaluate import evaluate
    from .sql.companies import ExportOptions, to_explain
    from .sql.mapping import with_values

    handbook = _handbook(state)
    cmap = _mapping(map_file, handbook)
    handbook = with_values(handbook, cmap.values)
    options = ExportOptions(
        id_column=id_column, mapping=cmap.columns, decimal_comma=decimal_comma, encoding=encoding
    )
    read = to_explain(
        handbook, company, row=row, account_id=account_id, pairs=pairs, options=options
    )
    # a fixture is judged as of its as_of, as icp test judges it
    verdict = evaluate(handbook, read.company, _as_of(state, as_of or read.as_of))
    reading = (
        _reading(read.cells, read.convention, read.column_notes, read.row_warnings)
        if read.from_export
        else None
    )
    if read.convention and not read.from_export:
        # a company file's numbers written as text are read as an export's cells are: its
        # convention, and why a value could not be read (where it is in the file)
        reading = {
            "decimal_convention": read.convention,
            "unreadable_values": [
                {
                    "field": v.field,
                    "text": v.text,
                    "why": v.why,
                    "file": v.path,
                    "line": v.line,
                    "column": v.column,
                }
                for v in read.file_values
            ],
        }
    if read.set_cells:
        # why a value given with --set could not be read: the number reader's words, as the
        # scorer's warning says them of a cell
        reading = reading or {}
        reading["unreadable_values"] = reading.get("unreadable_values", []) + [
            {"field": c.field, "text": c.text, "why": c.why} for c in read.set_cells
        ]
    name, unreadable = read.name, read.unreadable
    echo(_explanation(handbook, verdict, name, fmt, reading, unreadable))
    return ExitCode.OK


def _reading(
    cells: list[Any],
    convention: str,
    notes: tuple[str, ...] = (),
    row_warnings: tuple[str, ...] = (),
) -> dict[str, Any]:
    """What `explain FILE --row N` read about the export: its decimal convention, what was
    said about its columns (one ignored because another fits its field) and about the row
    itself (misaligned: every field unknown), and the row's unreadable cells (row, column,
    text as written, why)."""
    return {
        "decimal_convention": convention,
        "column_notes": list(notes),
        "row_warnings": list(row_warnings),
        "unreadable_cells": [
            {"row": c.row, "column": c.column, "field": c.field, "text": c.text, "why": c.why}
            for c in cells
        ],
    }


def _explanation(
    handbook: Any,
    verdict: Any,
    name: str,
    fmt: str,
    reading: dict[str, Any] | None,
    unreadable: list[str],
) -> str:
    from .reporters import verdict as report

    if fmt == "json":
        return report.json_text(handbook, verdict, name=name, **(reading or {}))
    lines = [report.text(handbook, verdict, name=name)]
    if reading is not None:
        lines.append(reading.get("decimal_convention", ""))
        lines += [
            note if note.startswith("warning: ") else f"note: {note}"
            for note in reading.get("column_notes", [])
        ]
        lines += reading.get("row_warnings", [])
        lines += [
            f"warning: row {c['row']}, column {c['column']}: {_cannot(handbook, c)}"
            for c in reading.get("unreadable_cells", [])
        ]
        lines += [
            f"warning: {_where(c)}: {_cannot(handbook, c)}"
            for c in reading.get("unreadable_values", [])
        ]
    # a closed set's cell is unreadable only for its unrecognised members: it is partly known
    partial = [n for n in unreadable if _closed_set(handbook, n)]
    unreadable = [n for n in unreadable if n not in partial]
    if partial:
        lines.append(f"unrecognised members (each an unknown member): {', '.join(partial)}")
    if unreadable:
        lines.append(f"unreadable (counted as unknown): {', '.join(unreadable)}")
    return "\n".join(line for line in lines if line)


def _cannot(handbook: Any, cell: dict[str, Any]) -> str:
    """What was not read of a cell: the whole cell, or a closed set's unrecognised members
    (the others are read: the set is partly known)."""
    why = f": {cell['why']}" if cell["why"] else ""
    if _closed_set(handbook, str(cell.get("field", ""))):
        return f"unrecognised members in {cell['text']!r}{why} (each an unknown member)"
    return f"cannot read {cell['text']!r}{why}"


def _closed_set(handbook: Any, name: str) -> bool:
    fld = handbook.fields.get(name)
    return fld is not None and fld.type == "set_of" and fld.values is not None


def _where(value: dict[str, Any]) -> str:
    """Where an unreadable value was given: `--set FIELD`, or `FILE:LINE:COL: FIELD`."""
    if "file" in value:
        return f"{value['file']}:{value['line']}:{value['column']}: {value['field']}"
    return f"--set {value['field']}"


def _threshold(root: Path) -> float | None:
    import tomllib

    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    value = (
        tomllib.loads(path.read_text(encoding="utf-8"))
        .get("tool", {})
        .get("icp", {})
        .get("coverage_threshold")
    )
    return float(value) if value is not None else None


@cli.command("test", context_settings=CONTEXT)
@click.option(
    "-k",
    "name_filter",
    metavar="PATTERN",
    help="Only tests whose name (fixture::expectation) contains PATTERN or matches it as a glob.",
)
@_format_option("test", **_CI_FORMAT)
@click.option(
    "--coverage",
    "with_coverage",
    is_flag=True,
    help="Report per-criterion coverage; fail below [tool.icp] coverage_threshold.",
)
@click.option(
    "--mutate",
    is_flag=True,
    help="Remove or negate each rule and move each threshold; fail if a fixture does not notice.",
)
@_report_output_option
@click.option("-v", "--verbose", is_flag=True, help="List passing tests and covered rules too.")
@click.option(
    "--update",
    is_flag=True,
    help="Accept an intended change: write each failing test's new outcome into its fixture "
    "(comments and layout kept); expectations listed under 'pinned:' are refused.",
)
@click.pass_obj
def test_cmd(
    state: State,
    name_filter: str | None,
    fmt: str,
    with_coverage: bool,
    mutate: bool,
    output: Path | None,
    verbose: bool,
    update: bool,
) -> ExitCode:
    """Run the rule tests: every expectation of every fixture company in tests/fixtures.

    Fails when a test fails, when no test ran, below the coverage threshold
    (with --coverage), or when a mutation survives (with --mutate).

    \b
    Examples:
      icp test
      icp test -k pennine --verbose
      icp test --coverage --mutate --format junit -o rule-tests.xml
      icp test --update        # after an intended change: rewrite the moved expectations
    """
    from .atomic import write_text
    from .engine.coverage import coverage
    from .engine.mutation import mutate as run_mutations
    from .engine.ruletests import run, run_fixtures
    from .reporters.ruletests import render

    handbook = _handbook(state)
    fixtures = run_fixtures(handbook, today=state.today)
    result = run(handbook, today=state.today, name_filter=name_filter, fixtures=fixtures)
    if update:
        from .loading.accept import accept
        from .loading.accept import render as render_accepted

        accepted = accept(state.root, result.failed)
        echo(render_accepted(accepted, tests_failed=len(result.failed)))
        return ExitCode.FINDINGS if accepted.refused else ExitCode.OK
    ok = result.ok
    cov = coverage(handbook, today=state.today, fixtures=fixtures) if with_coverage else None
    threshold = _threshold(state.root) if with_coverage else None
    if cov is not None and threshold is not None and cov.percent < threshold:
        ok = False
    mutations = run_mutations(handbook, today=state.today) if mutate else None
    if mutations is not None and any(m.survived for m in mutations):
        ok = False
    text = render(
        handbook,
        result,
        fmt,
        verbose=verbose,
        cov=cov,
        threshold=threshold,
        mutations=mutations,
        ok=ok,
    )
    if output:
        write_text(output, text + "\n")
    else:
        echo(text)
    return ExitCode.OK if ok else ExitCode.FINDINGS


@cli.command(context_settings=CONTEXT)
@click.argument(
    "source", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the scores (.csv, .parquet or .jsonl).",
)
@click.option("--input-format", type=click.Choice(choices.FILE_FORMATS))
@click.option("--output-format", type=click.Choice(choices.FILE_FORMATS))
@_as_of_option("Date for time-relative rules (default: today; recorded in the output).")
@_export_options
@click.option(
    "--per-profile",
    is_flag=True,
    help="Add <icp>_score, <icp>_tier and, for criteria in groups, <icp>_<group> columns.",
)
@click.option("--threads", type=click.IntRange(min=1), help="DuckDB threads (default: all cores).")
@click.option("--strict", is_flag=True, help="Exit 1 when some values could not be read.")
@click.option(
    "--engine",
    type=click.Choice(choices.ENGINES),
    default="duckdb",
    show_default=True,
    help="Where to run: postgres and spark run the warehouse query on typed columns.",
)
@click.option("--dsn", help="PostgreSQL connection string (--engine postgres).")
@click.option("--table", help="Score this table in the engine instead of SOURCE.")
@click.option("--master", default="local[*]", show_default=True, help="Spark master URL.")
@click.option(
    "--crm",
    type=click.Choice(choices.CRMS),
    help="Write an import-ready CSV and the CRM's property definitions beside it (the same "
    "verdicts as without it).",
)
@click.pass_obj
def score(
    state: State,
    source: Path | None,
    output: Path,
    input_format: str | None,
    output_format: str | None,
    as_of: dt.date | None,
    id_column: str | None,
    map_file: Path | None,
    decimal_comma: bool | None,
    encoding: str | None,
    per_profile: bool,
    threads: int | None,
    strict: bool,
    engine: str,
    dsn: str | None,
    table: str | None,
    master: str,
    crm: str | None,
) -> ExitCode:
    """Score a CRM export (HubSpot, Salesforce or any CSV, Parquet, JSON Lines).

    One output row per account: its id, best_profile, tier, score,
    disqualified_by, unknown_fields, unreadable_fields, status (scored,
    disqualified, insufficient_data or a status gate's; only scored and
    disqualified have a score and a tier), best_case_tier and deciding_fields
    (the tier if the unknowns went the account's way, and which unknown
    fields decide it), at_risk (the negative portraits whose unknown
    disqualifier a tier above D rests on), flag_<id> per flag, and with --per-profile
    <icp>_score, <icp>_tier and <icp>_<group>. --engine postgres|spark writes
    another layout: the warehouse query's (as icp sql and icp export dbt
    publish it), with names safe in every warehouse: the id, icp_best_profile,
    icp_best_profile_title, icp_tier, icp_score, icp_disqualified_by,
    icp_unknown_fields, icp_unreadable_fields, icp_reason, icp_status,
    icp_flag_<id>, and always icp_<icp>_score, icp_<icp>_tier, icp_<icp>_<group>;
    it has no best_case_tier or deciding_fields (the warehouse query does not
    compute the best case). --crm writes the CRM's layout whatever the engine.
    A value that cannot be read (or reads two ways) counts as
    unknown and is reported with its row and column; every row is still
    scored (--strict: exit 1 when that happens). Ctrl-C or SIGTERM: exit 130,
    no file left behind. A handbook that
    validated is kept in ~/.cache/icpkit (or $ICP_CACHE_DIR), so later runs skip
    validation.

    \b
    Examples:
      icp score tests/examples/hubspot-export.csv -o scores.csv
      icp score accounts.parquet -o scores.parquet --per-profile --as-of 2026-11-01
      icp score tests/examples/hubspot-export.csv -o icp.csv --crm hubspot  # same verdicts
      icp score --engine postgres --dsn "host=db dbname=crm" --table accounts -o scores.csv
      icp score --engine spark accounts.parquet -o scores.parquet --crm hubspot
    """
    if engine == "duckdb" and table:
        from .errors import UsageError

        raise UsageError("found --table with --engine duckdb; expected --engine postgres or spark")
    if engine != "duckdb":
        from .sql.engines import WarehouseRun

        _typed_columns_only(
            engine,
            input_format=input_format,
            output_format=output_format,
            decimal_comma=decimal_comma,
            encoding=encoding,
            value_map=bool(_mapping(map_file).values),
        )
        where = WarehouseRun(engine, dsn=dsn, master=master, table=table, source=source)
        return _score_in_warehouse(state, where, output, as_of, id_column, map_file, crm)
    if source is None:
        from .errors import UsageError

        raise UsageError("found no SOURCE; expected an export file (or --table with --engine)")
    from .atomic import terminate_as_interrupt
    from .reporters.scoring import render
    from .sql.scoring import ScoreOptions
    from .sql.scoring import score as run

    handbook = _handbook(state, cache=True)
    cmap = _mapping(map_file, handbook)
    with terminate_as_interrupt():
        summary = run(
            handbook,
            ScoreOptions(
                input=source,
                output=output,
                as_of=_as_of(state, as_of),
                input_format=input_format,
                output_format=output_format,
                id_column=id_column,
                mapping=cmap.columns,
                per_profile=per_profile,
                progress=sys.stderr.isatty() and not os.environ.get("CI"),  # never in CI
                threads=threads,
                decimal_comma=decimal_comma,
                encoding=encoding,
                value_map=cmap.values,
                crm=crm,
            ),
        )
    click.echo(visible(render(handbook, summary)), err=True)
    return ExitCode.FINDINGS if strict and any(summary.unreadable.values()) else ExitCode.OK


@cli.command(context_settings=CONTEXT)
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: site_dir of mkdocs.yml).",
)
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Fail on any mkdocs warning (broken links and anchors included).",
)
@click.option(
    "--diff",
    "diff_report",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="ICP_DIFF_REPORT",
    help="A saved `icp diff --format json` for the regressions badge (or $ICP_DIFF_REPORT).",
)
@click.pass_obj
def build(state: State, site_dir: Path | None, strict: bool, diff_report: Path | None) -> ExitCode:
    """Build the handbook site from the profiles (what `mkdocs build` does, for CI).

    The site is built into a temporary folder and moved into place only when the
    build succeeds. It works offline: no CDN, no web fonts.

    \b
    Example:
      icp build
      ICP_SITE_URL=https://handbook.example.com/ icp build -d public
    """
    from .site.build import build_site

    out = build_site(
        state.root,
        site_dir=site_dir,
        strict=strict,
        today=state.today,
        diff_report=diff_report,
        history_from_env=os.environ.get("ICP_HISTORY"),
    )
    echo(f"built the handbook into {out}")
    return ExitCode.OK


@cli.command("diff", context_settings=CONTEXT)
@click.argument("base", required=False)
@click.argument("head", required=False, default="WORKTREE")
@click.option(
    "--accounts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A sample export to compare too (CSV, Parquet or JSON Lines).",
)
@_as_of_option("Date for time-relative rules of the sample accounts (default: today).")
@_format_option(
    "diff",
    default=None,
    help="Default: text in a terminal, Markdown into a file or a pipe (a PR comment).",
)
@_report_output_option
@click.option(
    "--history",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CRM history: add the changed profiles' evidence before and after (icp backtest). "
    "Default: the history configured for the handbook (evidence.history in the tier policy, "
    "or $ICP_HISTORY); none configured or found is said in the report.",
)
@click.option(
    "--no-history",
    is_flag=True,
    help="Leave the evidence from the CRM history out of the report.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1000),
    default=60_000,
    show_default=True,
    help="Markdown only: fit the report in this many characters (a PR comment takes at most "
    "65,536), regressions first, then '… and N more'.",
)
@click.option(
    "--link",
    metavar="URL",
    help="Markdown only: where the full report is (named where the report is cut).",
)
@click.pass_obj
def diff_cmd(
    state: State,
    base: str | None,
    head: str,
    accounts: Path | None,
    as_of: dt.date | None,
    fmt: str | None,
    output: Path | None,
    max_chars: int,
    link: str | None,
    history: Path | None = None,
    no_history: bool = False,
) -> ExitCode:
    """Compare the handbook at two git revisions: who moved, why, and regressions.

    BASE defaults to the merge base with the main branch, HEAD to the working tree
    (WORKTREE). Exit 1 when a fixture expectation that held at BASE fails at HEAD, or
    when the change makes a check of the tier policy contradicted by the CRM history
    (the tiers mean less). The changed profiles' evidence before and after is
    back-tested on --history, or on the history configured in the tier policy
    (evidence.history, or $ICP_HISTORY).

    \b
    Examples:
      icp diff                                  # this branch against main
      icp diff origin/main HEAD --format json -o diff.json
      icp diff v1.4 --accounts tests/examples/hubspot-export.csv
      icp diff > report.md                      # Markdown (text in a terminal)
      icp diff --history tests/examples/history.parquet   # evidence before and after
    """
    from .atomic import write_text
    from .diff import diff
    from .reporters import diff as report

    if fmt is None:
        fmt = "text" if output is None and sys.stdout.isatty() else "markdown"
    result = diff(state.root, base, head, accounts=accounts, as_of=as_of, today=state.today)
    if fmt == "json":
        text = report.json_text(result)
    elif fmt == "text":
        text = report.text(result)
    else:
        text = report.markdown(result, max_chars=max_chars, link=link)
    if history is not None and no_history:
        from .errors import UsageError

        raise UsageError("give --history FILE or --no-history, not both")
    contradicted = False
    if not no_history:
        from .evidence.compare import evidence_diff, with_evidence

        evidence = evidence_diff(
            state.root,
            result.base,
            result.head,
            history,
            state.today,
            os.environ.get("ICP_HISTORY"),
        )
        text = with_evidence(text, fmt, evidence)
        contradicted = bool(evidence.newly_contradicted)
    if output:
        write_text(output, text + "\n")
    else:
        echo(text)
    return ExitCode.OK if result.ok and not contradicted else ExitCode.FINDINGS


@cli.command("codeowners", context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The CODEOWNERS file (default: .github/CODEOWNERS).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the file is not current.")
@click.pass_obj
def codeowners_cmd(state: State, output: Path | None, check: bool) -> ExitCode:
    """Generate .github/CODEOWNERS from the owners listed in each profile.

    \b
    Example:
      icp codeowners           # after changing a profile's owners
      icp codeowners --check   # in CI
    """
    from .atomic import write_text
    from .codeowners import codeowners, lint

    target = output or state.root / ".github" / "CODEOWNERS"
    text = codeowners(_handbook(state))
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if check:
        misread = lint(current or "")
        for message in misread:
            echo(f"{target}: {message}")
        if current != text or misread:
            echo(f"{target}: not current; run icp codeowners and commit it")
            return ExitCode.FINDINGS
        echo(f"{target}: current")
        return ExitCode.OK
    if current != text:
        write_text(target, text)
        echo(f"wrote {target}")
    return ExitCode.OK


@cli.command("badges", context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the badges.",
)
@click.option(
    "--diff",
    "diff_report",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A saved `icp diff --format json` for the regressions badge.",
)
@click.pass_obj
def badges_cmd(state: State, out_dir: Path, diff_report: Path | None) -> ExitCode:
    """Write badges (SVG and shields.io endpoint JSON) from a real rule-test run.

    `icp build` publishes the same badges with the handbook, under badges/.

    \b
    Example:
      icp diff origin/main HEAD --format json -o diff.json; icp badges -o badges --diff diff.json
    """
    from .atomic import atomic_path
    from .engine.coverage import coverage
    from .engine.ruletests import run, run_fixtures
    from .site.badges import badges, files

    handbook = _handbook(state)
    fixtures = run_fixtures(handbook, today=state.today)
    made = badges(
        handbook,
        run(handbook, today=state.today, fixtures=fixtures),
        coverage(handbook, today=state.today, fixtures=fixtures),
        today=state.today,
        diff_report=diff_report,
    )
    from .site.evidence import configured_lift_badge

    made.append(configured_lift_badge(handbook, state.today, os.environ.get("ICP_HISTORY")))
    for name, data in files(made).items():
        with atomic_path(out_dir / name.removeprefix("badges/")) as tmp:
            tmp.write_bytes(data)
    echo(", ".join(f"{b.label}: {b.message}" for b in made))
    return ExitCode.OK


def _typed_columns_only(
    engine: str,
    *,
    input_format: str | None,
    output_format: str | None,
    decimal_comma: bool | None,
    encoding: str | None,
    value_map: bool,
) -> None:
    """Refuse the options of reading a raw export where the warehouse query reads typed
    columns instead (they would be ignored, and the export misread)."""
    from .errors import UsageError

    given = [
        ("--input-format", input_format is not None),
        ("--output-format", output_format is not None),
        ("--decimal-comma / --decimal-point", decimal_comma is not None),
        ("--encoding", encoding is not None),
        ("value spellings in --map", value_map),
    ]
    for option, present in given:
        if present:
            raise UsageError(
                f"found {option} with --engine {engine}; expected no such option there: "
                f"--engine {engine} reads a table of typed columns (numbers, dates, sets as "
                "a;b), not a raw CRM export. Score a raw export without --engine "
                "(--crm hubspot|salesforce works there too)"
            )


def _score_in_warehouse(
    state: State,
    run: WarehouseRun,
    output: Path,
    as_of: dt.date | None,
    id_column: str | None,
    map_file: Path | None,
    crm: str | None,
) -> ExitCode:
    """`icp score --engine postgres|spark`: the warehouse query on typed columns."""
    from .reporters.warehouse import render as render_summary
    from .sql.warehouse import score_in

    handbook = _handbook(state, cache=True)
    summary = score_in(
        handbook,
        run,
        output,
        _as_of(state, as_of),
        crm=crm,
        id_column=id_column,
        mapping=_mapping(map_file, handbook).columns,
    )
    click.echo(visible(render_summary(summary)), err=True)
    return ExitCode.OK


# --- in the warehouse (issue 14) -------------------------------------------------------------


def _layout_option(name: str, default: str, other: str, help_text: str) -> Callable[[_F], _F]:
    """An option choosing how a kind of column is stored: `default` or `other`."""
    return click.option(
        name,
        type=click.Choice([default, other]),
        default=default,
        show_default=True,
        help=help_text,
    )


_warehouse_options = _options(
    click.option("--id-column", default="account_id", show_default=True, help="The id column."),
    _map_option,
    _layout_option(
        "--sets",
        "text",
        "array",
        "Set fields as delimited text (a;b;c) or the dialect's array type.",
    ),
    _layout_option("--dates", "date", "text", "Date fields as DATE columns or ISO text."),
    _layout_option(
        "--flags",
        "boolean",
        "text",
        "Yes/no fields as BOOLEAN columns or CRM text (true/false, yes/no).",
    ),
    click.option(
        "--parse-text",
        is_flag=True,
        help="Number, date and yes/no columns hold CRM text (1,200 / 51-200 / 10,001+), read "
        "as icp score reads them; what it cannot read in SQL is unknown (see icp sql --help).",
    ),
    click.option(
        "--shape",
        "shapes",
        multiple=True,
        metavar="FIELD=SHAPE",
        help="One field's column where it differs from the options above: a set as "
        "text or array, a date as date or text, yes/no as boolean or text, a number as "
        "numeric or text (also `shape:` in the --map file). Repeatable.",
    ),
)


def _table_spec(
    table: str,
    handbook: Handbook,
    command: str,
    *,
    id_column: str,
    map_file: Path | None,
    sets: str,
    dates: str,
    flags: str,
    parse_text: bool,
    shapes: tuple[str, ...] = (),
) -> Any:
    """The layout of `table` the `_warehouse_options` of `command` give (its `**layout`).
    Raises UsageError for a --map key that is not a field of `handbook`, or value spellings
    in it (the query reads codes)."""
    from .sql.ir import TableSpec, parse_shapes

    cmap = _mapping(map_file, handbook)
    cmap.refuse_values(command)
    if parse_text:
        dates, flags = "text", "text"
    return TableSpec(
        table,
        id_column=id_column,
        columns=cmap.columns,
        sets=sets,
        dates=dates,
        flags=flags,
        numbers="text" if parse_text else "numeric",
        shapes=cmap.shapes | parse_shapes(shapes),
    )


@cli.command("sql", context_settings=CONTEXT)
@click.option(
    "--dialect",
    "dialect_name",
    required=True,
    type=click.Choice(choices.DIALECTS),
)
@click.option("--table", required=True, help="The table of typed columns to score.")
@_warehouse_options
@click.option("--view", help="Write CREATE VIEW NAME AS ... instead of the bare query.")
@click.option("--ddl", is_flag=True, help="Write the CREATE TABLE the query expects instead.")
@_as_of_option("Fixed date for time-relative rules (default: the warehouse's current date).")
@click.option(
    "--no-per-profile",
    is_flag=True,
    help="Leave out icp_<profile>_score/_tier and the group subtotals.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@click.pass_obj
def sql_cmd(
    state: State,
    /,  # (so that click.pass_obj types with **layout)
    dialect_name: str,
    table: str,
    view: str | None,
    ddl: bool,
    as_of: dt.date | None,
    no_per_profile: bool,
    output: Path | None,
    **layout: Any,  # the _warehouse_options, read by _table_spec
) -> ExitCode:
    """Print the scoring query for a warehouse table (or a view over it).

    The table holds the id and one typed column per field a rule reads (named as
    the field, or through --map): numbers numeric, sets as a;b;c text (split on ,
    | and line breaks too, as icp score splits a cell) or arrays,
    dates DATE or ISO text, yes/no BOOLEAN or CRM text (--ddl prints the table).
    One field's column may differ from the others: --shape tech_stack=array, or
    `shape: array` under the field in the --map file (icp score --engine reads
    each column's shape from its type).
    Closed fields hold the vocabulary's codes (ISO country codes, 'software'): another
    spelling ('United Kingdom', 'Computer Software') reads as unknown; map spellings to
    codes before the query, or score the export with icp score, which reads them.
    Output columns: the id, icp_best_profile, icp_best_profile_title, icp_tier,
    icp_score, icp_disqualified_by, icp_unknown_fields, icp_unreadable_fields
    (a cell that held something unreadable: NaN, infinity, a number outside the
    field's bounds, a value not of the vocabulary), icp_reason, icp_status,
    a column per flag, and per profile icp_<profile>_score / _tier and each group's
    subtotal icp_<profile>_<group>. A header comment records the handbook commit
    and the as-of rule. The names given (--table, SCHEMA.TABLE, --view, --map
    columns, --id-column) are the warehouse's own, quoted where the dialect needs
    it (Record ID, order, AccountId on postgres); on snowflake a name in one case
    (account_id) is read as unquoted names are, in capitals. A table or view name
    pasted in the dialect's own quotes ('"crm"."Accounts"', '`my.db`.accounts')
    names exactly what it quotes.

    Tests on text fields (mentions, starts_with, ends_with, equals, one_of) and
    members of sets with no list of values read the normal form (accents dropped,
    lowercased, non-letters as word breaks): duckdb for any text; postgres, spark,
    snowflake and bigquery for ASCII, Latin, Greek and Cyrillic text; sqlite for
    ASCII. There a text holding another character is unknown, never guessed.

    --parse-text: the number, date and yes/no columns hold the text a CRM sync
    writes. Numbers are read as icp score reads them, in SQL every dialect runs:
    an optional sign, digits grouped in threes by , or . (1,234.5 and 1.234,5),
    bands (51-200, low and high) and open bands (10,001+); a value that reads two
    ways (1,200 in a decimal field), a fraction in an integer field or a value
    outside the field's minimum/maximum is unknown; space and apostrophe groups
    (1 200, 1'200) are read, blanks around a cell (no-break spaces, tabs) are no
    part of it. Currency signs, k/M/bn, % and exponents are read by icp score
    only: here they are unknown, never another number. NaN, infinities and cells
    over 300 characters are unknown everywhere. Yes/no as --flags text; dates as
    ISO text (--dates text).

    \b
    Examples:
      icp sql --dialect postgres --table crm.accounts --view icp_scores
      icp sql --dialect sqlite --table hubspot_companies --parse-text
      icp sql --dialect spark --table accounts --sets array --as-of 2026-11-01 -o score.sql
    """
    from .atomic import write_text
    from .sql.warehouse import sql_text

    handbook = _handbook(state, cache=True)
    spec = _table_spec(table, handbook, "icp sql", **layout)
    text = sql_text(
        handbook, dialect_name, spec, as_of, view=view, ddl=ddl, per_profile=not no_per_profile
    )
    if output is not None:
        write_text(output, text)
    else:
        click.echo(text, nl=False)
    return ExitCode.OK


@cli.group("export", context_settings=CONTEXT)
def export_group() -> None:
    """Export the rules for another tool (dbt).

    \b
    Example:
      icp export dbt analytics/ --source crm.accounts --dialect postgres
    """


@export_group.command("dbt", context_settings=CONTEXT)
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--dialect",
    "dialect_name",
    default="duckdb",
    show_default=True,
    type=click.Choice(choices.DBT_DIALECTS),
    help="The dbt adapter's SQL dialect.",
)
@click.option("--source", "source", metavar="SOURCE.TABLE", help="Read {{ source(...) }}.")
@click.option("--ref", "ref", metavar="MODEL", help="Read {{ ref(MODEL) }} instead.")
@click.option("--model", default="icp_scores", show_default=True, help="The model's name.")
@_warehouse_options
@_as_of_option("Fixed date for time-relative rules (default: the warehouse's current date).")
@click.pass_obj
def export_dbt(
    state: State,
    /,  # (so that click.pass_obj types with **layout)
    out_dir: Path,
    dialect_name: str,
    source: str | None,
    ref: str | None,
    model: str,
    as_of: dt.date | None,
    **layout: Any,  # the _warehouse_options, read by _table_spec
) -> ExitCode:
    """Write a dbt model of the scores and its schema.yml tests into DIR.

    \b
    Examples:
      icp export dbt analytics/ --source crm.accounts --dialect snowflake
      icp export dbt analytics/ --ref stg_accounts --sets array
    """
    from .sql.dbt import export, project_note

    handbook = _handbook(state, cache=True)
    spec = _table_spec("unused", handbook, "icp export dbt", **layout)
    written = export(
        handbook,
        out_dir,
        dialect_name=dialect_name,
        spec=spec,
        source=source,
        ref=ref,
        as_of=as_of,
        model=model,
    )
    echo("wrote " + ", ".join(str(p) for p in written))
    note = project_note(out_dir)
    if note:
        click.echo(visible(note), err=True)
    return ExitCode.OK


@cli.command("backtest", context_settings=CONTEXT)
@click.argument(
    "history", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--as-of-column",
    help="The column with each row's own date (default: Create Date, Close Date, ... by name).",
)
@click.option("--value-column", help="The column with the deal's value (default: Amount, ...).")
@_export_options
@click.option("--input-format", type=click.Choice(choices.FILE_FORMATS))
@_format_option("backtest", default="text", show_default=True)
@_report_output_option
@click.option(
    "--check",
    is_flag=True,
    help="Exit 1 when the evidence contradicts a check of the tier policy "
    "(too few to say is not a contradiction), when the history has no decided "
    "opportunity at all (nothing was checked), or when every check is too few to say "
    "(nothing supports the tiers).",
)
@click.pass_obj
def backtest_cmd(
    state: State,
    history: Path | None,
    as_of_column: str | None,
    value_column: str | None,
    id_column: str | None,
    map_file: Path | None,
    decimal_comma: bool | None,
    encoding: str | None,
    input_format: str | None,
    fmt: str,
    output: Path | None,
    check: bool,
) -> ExitCode:
    """Back-test the profiles against a CRM history: did A accounts really win more?

    HISTORY is an export of past opportunities with their company's attributes
    (CSV, Parquet, JSON Lines); without it, the history configured for the handbook
    (evidence.history in the tier policy, or $ICP_HISTORY) is read. Outcomes are read
    from HubSpot's Deal Stage (closedwon / closedlost), Salesforce's Stage ("Closed
    Won" / "Closed Lost") or IsWon and IsClosed; a stage the mapping does not know is
    listed and counted as undecided, never as lost. Time-relative rules are evaluated
    as of each row's own date. Median tenure among customers is read from Tenure
    (months) or Customer Since (months to the churn date or --today). --map also takes
    outcome, as_of, value, churned, churn_date, satisfaction, tenure and customer_since.

    \b
    Examples:
      icp backtest tests/examples/history.parquet
      icp backtest --check                    # the history the tier policy names
      icp backtest deals.csv --as-of-column "Close Date" --format markdown -o evidence.md
      icp backtest deals.csv --check          # in CI: exit 1 when the tiers mean less
    """
    from .atomic import write_text
    from .evidence.checks import policy_of
    from .evidence.outcomes import outcome_values
    from .evidence.report import backtest
    from .reporters.evidence import render
    from .sql.backtest import BacktestOptions
    from .sql.mapping import with_values

    handbook = _handbook(state, cache=True)
    history = history or _configured_history(handbook)
    from .evidence.outcomes import ROLES

    column_map = _mapping(map_file, handbook, tuple(ROLES))
    mapping = column_map.columns
    stages = outcome_values(column_map.values.pop("outcome", {}))
    handbook = with_values(handbook, column_map.values)
    evidence = backtest(
        handbook,
        BacktestOptions(
            input=history,
            as_of=state.today,
            input_format=input_format,
            id_column=id_column,
            mapping=mapping,
            as_of_column=as_of_column or policy_of(handbook).as_of_column,
            value_column=value_column,
            stages=stages,
            decimal_comma=decimal_comma,
            encoding=encoding,
        ),
    )
    text = render(evidence, fmt)
    if output:
        write_text(output, text + "\n")
    else:
        echo(text)
    if check and (evidence.nothing_decided or evidence.nothing_shown or evidence.one_outcome):
        from .evidence.report import NOTHING_DECIDED, NOTHING_SHOWN, one_outcome_note

        said = NOTHING_DECIDED if evidence.nothing_decided else NOTHING_SHOWN
        if evidence.one_outcome:
            said = one_outcome_note(evidence.base.win.k, evidence.base.win.n)
        click.echo(visible(f"icp: {history}: {said}"), err=True)
    return ExitCode.FINDINGS if check and not evidence.ok else ExitCode.OK


def _configured_history(handbook: Handbook) -> Path:
    """The history the handbook configures, for `icp backtest` without HISTORY. Raises
    UsageError, in words, when none is configured or the file is not there."""
    from .errors import UsageError
    from .evidence.report import configured_history

    path, origin = configured_history(handbook, from_env=os.environ.get("ICP_HISTORY"))
    if path is None:
        raise UsageError(
            "no history configured: give HISTORY, name an export under evidence.history in "
            "rules/tier-policy.yaml, or set ICP_HISTORY"
        )
    if not path.is_file():
        raise UsageError(f"no history found: {path} (from {origin}) does not exist")
    return path


def _annotate(exc: HandbookInvalid) -> None:
    """A handbook's errors (and their notes) as GitHub annotations on standard output, so
    a pull request that breaks the handbook shows them on its files whichever CI step met
    them first (the rule tests, the site, the back-test), as `icp validate` does."""
    from .problems import Level, Report
    from .reporters.problems import github_annotations

    shown = Report(problems=[p for p in exc.report.problems if p.level is not Level.WARNING])
    click.echo("\n".join(github_annotations(shown, where="the output of icp validate")))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the one place errors become messages and exit codes."""
    from .loading.validate import HandbookInvalid

    state = State()
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="icp",
            standalone_mode=False,
            obj=state,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:  # click's form of Ctrl-C (and SIGTERM, see atomic)
        click.echo("interrupted", err=True)
        return int(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except IcpError as exc:
        if isinstance(exc, HandbookInvalid) and state.fmt == "github":
            _annotate(exc)
        click.echo(f"icp: {message_line(str(exc))}", err=True)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if os.environ.get("ICP_DEBUG"):
            raise
        click.echo(
            f"icp: internal error: {type(exc).__name__}: {one_line(str(exc))} (set ICP_DEBUG=1 for "
            "details, and please report it)",
            err=True,
        )
        return int(ExitCode.USAGE)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


if __name__ == "__main__":
    sys.exit(main())
