"""mkdocs hook: hand the generated handbook pages to mkdocs (about twenty lines on purpose;
the generator is the plain function icpkit.site.pages.pages)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from icpkit.site.pages import pages

_site: Any = None


def on_config(config: Any) -> Any:
    global _site
    root = Path(config.config_file_path).parent
    today = os.environ.get("ICP_TODAY")
    import datetime as dt

    diff_report = os.environ.get("ICP_DIFF_REPORT")  # a saved `icp diff --format json`
    _site = pages(root, today=dt.date.fromisoformat(today) if today else None,
                  edit_base=str(config.extra.get("edit_base") or ""),
                  diff_report=Path(diff_report) if diff_report else None)
    config.nav = _site.nav
    return config


def on_files(files: Files, config: Any) -> Files:
    for page in _site.pages:
        files.append(File.generated(config, page.path, content=page.text))
    for path, data in _site.assets.items():
        files.append(File.generated(config, path, content=data))
    return files
