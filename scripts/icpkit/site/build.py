"""Building the handbook with mkdocs, atomically: into a temporary folder, then moved into
place, so a failed build never leaves a half-written site."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import InputError, UsageError


def build_site(
    root: Path, *, site_dir: Path | None = None, strict: bool = True, today: dt.date | None = None
) -> Path:
    """Build the site of the handbook at `root` with mkdocs; the folder it was written to.

    Raises UsageError when there is no mkdocs.yml, and InputError when its configuration is
    invalid or the build fails (with --strict: on any warning)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise UsageError(f"found no mkdocs.yml in {root}; expected the handbook's site config")
    if today is not None:
        os.environ["ICP_TODAY"] = today.isoformat()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(str(config_file), strict=strict)
    except ConfigurationError as exc:
        raise InputError(f"{config_file}: {exc}") from None
    target = (site_dir or Path(config.site_dir)).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    config.site_dir = str(tmp)
    try:
        build(config)
    except Abort as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"the handbook did not build: {exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
