"""Where a handbook lives: its root folder and the YAML files under it."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

RULES_DIR = "rules"
PROFILES_DIR = "profiles"
FIXTURES_DIR = "tests/fixtures"


def find_root(start: Path | None = None) -> Path:
    """The handbook root: the nearest folder (upwards) holding rules/vocabulary.yaml."""
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
