"""The `icp` command line: parse options, call one library function, print its result through
a reporter, map it to an exit code. Nothing else lives here.

Exit codes: 0 success; 1 findings (validation problems, failing rule tests,
regressions, unreadable input); 2 usage or internal error; 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import ExitCode, IcpError
from .reporters import FORMATS

if TYPE_CHECKING:
    from .engine.model import Handbook
    from .sql.mapping import ColumnMap

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
#: options shared by the commands that read account exports (explain --row, score)
_id_column_option = click.option(
    "--id-column", help="The export's id column (default: from the vocabulary)."
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


class State:
    def __init__(self, root: Path | None, today: dt.date | None) -> None:
        self._root = root
        self.today = today or dt.date.today()

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


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def echo(text: str) -> None:
    if text:
        click.echo(text)


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

    Exit codes: 0 success, 1 findings (problems, failing tests, regressions),
    2 usage or internal error.
    """
    ctx.obj = State(root, today)


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS["validate"]),
    default=_default_format,
    show_default="text; github under GitHub Actions",
    help="How to report problems.",
)
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
                echo(f"{result.shown}: would be reformatted")
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


def _mapping(path: Path | None) -> ColumnMap:
    from .sql.mapping import ColumnMap, read_map

    return ColumnMap() if path is None else read_map(path)


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
@click.option(
    "--as-of",
    "as_of",
    callback=_date,
    metavar="YYYY-MM-DD",
    help="Date for time-relative rules (default: today; always printed).",
)
@_id_column_option
@_map_option
@_decimal_option
@_encoding_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS["explain"]),
    default="text",
    show_default=True,
)
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
) -> ExitCode:
    """Explain the verdict for one company: every rule, the value it read, its points.

    \b
    Examples:
      icp explain examples/prospect.yaml
      icp explain examples/hubspot-export.csv --row 3
      icp explain --set country=DE --set employees=51-200 --set industry=saas
    """
    from .engine.evaluate import evaluate
    from .errors import UsageError
    from .reporters import verdict as report
    from .sql.companies import from_export, from_file, from_values
    from .sql.mapping import with_values

    cmap = _mapping(map_file)
    handbook = with_values(_handbook(state), cmap.values)
    decimal = None if decimal_comma is None else ("comma" if decimal_comma else "dot")
    unreadable: list[str] = []
    values: dict[str, Any] = {}
    name = "--set"
    if company is not None and row is not None:
        name, base, unreadable = from_export(
            handbook,
            company,
            row,
            id_column=id_column,
            mapping=cmap.columns,
            decimal_comma=decimal_comma,
            encoding=encoding,
        )
        name = f"{company.name} row {row} ({name})"
    elif company is not None:
        name, base, unreadable = from_file(handbook, company)
    elif row is not None:
        raise UsageError("found --row without an export file; expected icp explain FILE --row N")
    else:
        base = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"found --set {pair}; expected FIELD=VALUE")
        values[field.strip()] = value.strip()
    if values:
        extra, bad = from_values(handbook, values, decimal=decimal)
        base = {**base, **extra}
        unreadable += bad
    if company is None and not values:
        raise UsageError("found no company; expected a file, FILE --row N, or --set FIELD=VALUE")
    verdict = evaluate(handbook, base, _as_of(state, as_of))
    if fmt == "json":
        echo(report.json_text(handbook, verdict, name=name))
    else:
        echo(report.text(handbook, verdict, name=name))
        if unreadable:
            echo(f"unreadable (counted as unknown): {', '.join(unreadable)}")
    return ExitCode.OK


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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS["test"]),
    default=_default_format,
    show_default="text; github under GitHub Actions",
)
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
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option("-v", "--verbose", is_flag=True, help="List passing tests and covered rules too.")
@click.pass_obj
def test_cmd(
    state: State,
    name_filter: str | None,
    fmt: str,
    with_coverage: bool,
    mutate: bool,
    output: Path | None,
    verbose: bool,
) -> ExitCode:
    """Run the rule tests: every expectation of every fixture company in tests/fixtures.

    Fails when a test fails, when no test ran, below the coverage threshold
    (with --coverage), or when a mutation survives (with --mutate).

    \b
    Examples:
      icp test
      icp test -k pennine --verbose
      icp test --coverage --mutate --format junit -o rule-tests.xml
    """
    from .atomic import write_text
    from .engine.coverage import coverage
    from .engine.mutation import mutate as run_mutations
    from .engine.ruletests import run, run_fixtures
    from .reporters.ruletests import render

    handbook = _handbook(state)
    fixtures = run_fixtures(handbook, today=state.today)
    result = run(handbook, today=state.today, name_filter=name_filter, fixtures=fixtures)
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
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the scores (.csv, .parquet or .jsonl).",
)
@click.option("--input-format", type=click.Choice(["csv", "parquet", "jsonl"]))
@click.option("--output-format", type=click.Choice(["csv", "parquet", "jsonl"]))
@click.option(
    "--as-of",
    "as_of",
    callback=_date,
    metavar="YYYY-MM-DD",
    help="Date for time-relative rules (default: today; recorded in the output).",
)
@_id_column_option
@_map_option
@_decimal_option
@_encoding_option
@click.option(
    "--per-profile",
    is_flag=True,
    help="Add <icp>_score, <icp>_tier and, for criteria in groups, <icp>_<group> columns.",
)
@click.option("--threads", type=int, help="DuckDB threads (default: all cores).")
@click.option("--strict", is_flag=True, help="Exit 1 when some values could not be read.")
@click.pass_obj
def score(
    state: State,
    source: Path,
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
) -> ExitCode:
    """Score a CRM export (HubSpot, Salesforce or any CSV, Parquet, JSON Lines).

    One output row per account: its id, best_profile, tier, score,
    disqualified_by, unknown_fields, unreadable_fields, status (scored,
    disqualified, insufficient_data or a status gate's; only scored and
    disqualified have a score and a tier), best_case_tier and deciding_fields
    (the tier if the unknowns went the account's way, and which unknown
    fields decide it). A value that cannot be read (or reads two ways) counts as
    unknown and is reported with its row and column; every row is still
    scored (--strict: exit 1 when that happens). Ctrl-C or SIGTERM: exit 130,
    no file left behind. A handbook that
    validated is kept in ~/.cache/icpkit (or $ICP_CACHE_DIR), so later runs skip
    validation.

    \b
    Examples:
      icp score examples/hubspot-export.csv -o scores.csv
      icp score accounts.parquet -o scores.parquet --per-profile --as-of 2026-11-01
    """
    from .atomic import terminate_as_interrupt
    from .reporters.scoring import render
    from .sql.scoring import ScoreOptions, progress_wanted
    from .sql.scoring import score as run

    handbook = _handbook(state, cache=True)
    cmap = _mapping(map_file)
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
                progress=progress_wanted(),
                threads=threads,
                decimal_comma=decimal_comma,
                encoding=encoding,
                value_map=cmap.values,
            ),
        )
    click.echo(render(handbook, summary), err=True)
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
@click.pass_obj
def build(state: State, site_dir: Path | None, strict: bool) -> ExitCode:
    """Build the handbook site from the profiles (what `mkdocs build` does, for CI).

    The site is built into a temporary folder and moved into place only when the
    build succeeds. It works offline: no CDN, no web fonts.

    \b
    Example:
      icp build
      ICP_SITE_URL=https://handbook.example.com/ icp build -d public
    """
    from .site.build import build_site

    out = build_site(state.root, site_dir=site_dir, strict=strict, today=state.today)
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
@click.option(
    "--as-of",
    "as_of",
    callback=_date,
    metavar="YYYY-MM-DD",
    help="Date for time-relative rules of the sample accounts (default: today).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS["diff"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.pass_obj
def diff_cmd(
    state: State,
    base: str | None,
    head: str,
    accounts: Path | None,
    as_of: dt.date | None,
    fmt: str,
    output: Path | None,
) -> ExitCode:
    """Compare the handbook at two git revisions: who moved, why, and regressions.

    BASE defaults to the merge base with the main branch, HEAD to the working tree
    (WORKTREE). Exit 1 when a fixture expectation that held at BASE fails at HEAD.

    \b
    Examples:
      icp diff                                  # this branch against main
      icp diff origin/main HEAD --format json -o diff.json
      icp diff v1.4 --accounts tests/examples/hubspot-export.csv
    """
    from .atomic import write_text
    from .diff import diff
    from .reporters import diff as report

    result = diff(state.root, base, head, accounts=accounts, as_of=as_of, today=state.today)
    text = report.json_text(result) if fmt == "json" else report.markdown(result)
    if output:
        write_text(output, text + "\n")
    else:
        echo(text)
    return ExitCode.OK if result.ok else ExitCode.FINDINGS


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
    from .codeowners import codeowners

    target = output or state.root / ".github" / "CODEOWNERS"
    text = codeowners(_handbook(state))
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if check:
        if current != text:
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
    for name, data in files(made).items():
        with atomic_path(out_dir / name.removeprefix("badges/")) as tmp:
            tmp.write_bytes(data)
    echo(", ".join(f"{b.label}: {b.message}" for b in made))
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the one place errors become messages and exit codes."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None, prog_name="icp", standalone_mode=False
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
        click.echo(f"icp: {exc}", err=True)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if os.environ.get("ICP_DEBUG"):
            raise
        click.echo(
            f"icp: internal error: {type(exc).__name__}: {exc} (set ICP_DEBUG=1 for "
            "details, and please report it)",
            err=True,
        )
        return int(ExitCode.USAGE)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


if __name__ == "__main__":
    sys.exit(main())
