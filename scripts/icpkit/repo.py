"""Where a handbook lives: its root folder and the YAML files under it."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

RULES_DIR = "rules"
PROFILES_DIR = "profiles"
FIXTURES_DIR = "tests/fixtures"


def find_root(start: Path | None = None) -> Path:
    """The handbook root: the nearest folder (upwards) holding rules/vocabulary.yaml.

    Raises UsageError when no folder from `start` (default: the working folder) up has one."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / RULES_DIR / "vocabulary.yaml").is_file():
            return folder
    raise UsageError(
        f"found no {RULES_DIR}/vocabulary.yaml in {here} or above; expected to run "
        "inside a handbook repository (or pass --root)"
    )


def handbook_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for sub in (RULES_DIR, PROFILES_DIR, FIXTURES_DIR):
        folder = root / sub
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))
    return files


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# --- git: the one way the package runs it ------------------------------------------------------


def git_argv(root: Path, *args: str) -> list[str]:
    """The command line of `git args` run in `root` (for callers that start it themselves)."""
    return ["git", "-C", str(root), *args]


def git(root: Path, *args: str, timeout: float = 60) -> bytes:
    """The standard output of `git args` in `root`.

    Raises UsageError (git's first line of error, or why git could not run) when git cannot
    be run, times out, or exits with an error."""
    import subprocess

    try:
        done = subprocess.run(
            git_argv(root, *args), capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"cannot run git: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args)}: {message[0][:200] if message else 'failed'}")
    return done.stdout


def git_ok(root: Path, *args: str, timeout: float = 60) -> bool:
    """Whether `git args` in `root` succeeds (never raises)."""
    try:
        git(root, *args, timeout=timeout)
    except UsageError:
        return False
    return True
