"""mkdocs hook: hand the generated handbook pages to mkdocs (about twenty lines on purpose;
the generator is the plain function icpkit.site.pages.pages)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from icpkit.site.build import attempt
from icpkit.site.mdtext import inline
from icpkit.site.pages import Page, Site, pages

_site: Any = None
_command = "build"
_problem: str | None = None  # during `serve`: why the last rebuild failed


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_config(config: Any) -> Any:
    global _site, _problem
    root = Path(config.config_file_path).parent
    today = os.environ.get("ICP_TODAY")
    import datetime as dt

    diff_report = os.environ.get("ICP_DIFF_REPORT")  # a saved `icp diff --format json`
    made, _problem = attempt(lambda: pages(
        root, today=dt.date.fromisoformat(today) if today else None,
        edit_base=str(config.extra.get("edit_base") or ""),
        diff_report=Path(diff_report) if diff_report else None))
    if _problem is not None and _command != "serve":
        raise PluginError(_problem)  # the one-line message `icp build` prints, no traceback
    # serve keeps the last good build (or a page saying what is wrong) and shows why
    _site = made or _site or Site((Page("index.md", "# The handbook did not build\n"),), [], {})
    config.nav = _site.nav or None
    return config


def on_files(files: Files, config: Any) -> Files:
    note = f'!!! failure "Not current: the handbook did not build"\n    {inline(_problem)}\n\n'
    for page in _site.pages:
        text = page.text
        if _problem:  # the note goes after the front matter, if any
            end = text.find("\n---\n", 4) + 5 if text.startswith("---\n") else 0
            text = text[:end] + note + text[end:]
        files.append(File.generated(config, page.path, content=text))
    for path, data in _site.assets.items():
        files.append(File.generated(config, path, content=data))
    return files
