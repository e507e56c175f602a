"""The `icp` command line: parse options, call one library function, print its result through
a reporter, map it to an exit code. Nothing else lives here.

Exit codes: 0 success; 1 findings (validation problems, failing rule tests,
regressions, unreadable input); 2 usage or internal error.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ExitCode, IcpError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    def __init__(self, root: Path | None, today: dt.date | None) -> None:
        self._root = root
        self.today = today or dt.date.today()

    @property
    def root(self) -> Path:
        from .handbook import find_root

        return self._root.resolve() if self._root else find_root()


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
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), envvar="ICP_ROOT",
              help="The handbook repository (default: the nearest folder with rules/vocabulary.yaml).")
@click.option("--today", callback=_date, envvar="ICP_TODAY", metavar="YYYY-MM-DD",
              help="The date reviews are checked against (default: today).")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, today: dt.date | None) -> None:
    """ICP as code: validate, test, explain and score Ideal Customer Profiles.

    Exit codes: 0 success, 1 findings (problems, failing tests, regressions),
    2 usage or internal error.
    """
    ctx.obj = State(root, today)


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]),
              default=_default_format, show_default="text; github under GitHub Actions",
              help="How to report problems.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (such as overdue reviews).")
@click.pass_obj
def validate(state: State, paths: tuple[Path, ...], fmt: str, strict: bool) -> ExitCode:
    """Check every profile, rule and fixture; report all problems at file:line:col.

    \b
    Example:
      icp validate --strict
      icp validate profiles/icp/western-software-teams.yaml --format json
    """
    from .reporters.problems import render
    from .validate import validate as run

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
    from .formatting import format_file
    from .handbook import display_path, handbook_files

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
    from .scaffold import scaffold, write_new
    from .validate import load_checked

    loaded = load_checked(state.root, today=state.today)
    path, text = scaffold(loaded.handbook, kind, ident, today=state.today)
    write_new(path, text)
    echo(f"created {path.relative_to(state.root)}; fill it in, then run icp validate")
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the one place errors become messages and exit codes."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None,
                          prog_name="icp", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return int(ExitCode.USAGE)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except IcpError as exc:
        click.echo(f"icp: {exc}", err=True)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return int(ExitCode.USAGE)
    except Exception as exc:
        if os.environ.get("ICP_DEBUG"):
            raise
        click.echo(f"icp: internal error: {type(exc).__name__}: {exc} (set ICP_DEBUG=1 for "
                   "details, and please report it)", err=True)
        return int(ExitCode.USAGE)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


if __name__ == "__main__":
    sys.exit(main())
