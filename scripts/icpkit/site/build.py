"""Building the handbook with mkdocs, atomically: into a temporary folder, then moved into
place, so a failed build never leaves a half-written site."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..atomic import default_mode
from ..errors import IcpError, InputError, UsageError
from .pages import Site

T = TypeVar("T")


def attempt(generate: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run `generate` (the page generator, for the mkdocs hook): (its result, None), or
    (None, the one-line reason `icp build` would print) when the handbook has a problem."""
    try:
        return generate(), None
    except IcpError as exc:
        return None, str(exc)


def build_site(
    root: Path,
    *,
    site_dir: Path | None = None,
    strict: bool = True,
    today: dt.date | None = None,
    diff_report: Path | None = None,
    history_from_env: str | None = None,
) -> Path:
    """Build the site of the handbook at `root` with mkdocs into `site_dir` (default:
    mkdocs.yml's site_dir); the folder it was written to. The pages are computed here once
    and handed to the hook through the config; `diff_report` is a saved `icp diff --format
    json` for the regressions badge.

    Raises UsageError when there is no mkdocs.yml, and InputError when its configuration is
    invalid, the handbook has errors or the build fails (with --strict: on any warning)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise UsageError(f"found no mkdocs.yml in {root}; expected the handbook's site config")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(str(config_file), strict=strict)
    except ConfigurationError as exc:
        raise InputError(f"{config_file}: {exc}") from None
    from .pages import SITE_KEY, site_for_config

    # the pages are computed here, once, and handed to the hook through the config
    config.extra[SITE_KEY] = site_for_config(config, today, diff_report, history_from_env)
    target = (site_dir or Path(config.site_dir)).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    config.site_dir = str(tmp)
    try:
        build(config)
    except Abort as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        # mkdocs aborts with its own words; the hook's one-line reason is the context
        reason = exc.__context__
        if isinstance(reason, BuildError):
            raise InputError(str(reason)) from None
        raise InputError(f"the handbook did not build: {exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    tmp.chmod(default_mode(directory=True))  # mkdtemp makes it 0o700
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def export_docs(root: Path, target: Path, site: Site) -> Path:
    """Write the handbook as a plain docs folder any builder can take (Zensical, a plain
    mkdocs without the hook): the static files of site_src/docs, every generated page and
    every generated asset. Returns `target`; its navigation is `site.nav`."""
    shutil.copytree(root / "site_src" / "docs", target, dirs_exist_ok=True)
    files: list[tuple[str, bytes]] = [(p.path, p.text.encode()) for p in site.pages]
    files += list(site.assets.items())
    for path, data in files:
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    return target
