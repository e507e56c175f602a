"""mkdocs hook: a thin adapter that hands the generated handbook to mkdocs.

`icp build` computes the pages itself and passes them in the config
(`config.extra["icp_site"]`); under plain `mkdocs build` / `mkdocs serve` this hook
computes them from the config (ICP_TODAY and ICP_DIFF_REPORT are read, never written).
The generator is the plain function icpkit.site.pages.pages. A broken handbook stops
`mkdocs build` with the one-line message `icp build` prints (mkdocs' own PluginError, no
traceback); `mkdocs serve` keeps serving the last good build with the problem shown on every
page: that last good build is the only state kept, and only while serving.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from icpkit.site.build import attempt
from icpkit.site.mdtext import inline
from icpkit.site.pages import SITE_KEY, Site, site_for_config
from icpkit.site.templating import Page

PROBLEM_KEY = "icp_problem"


class _Serving:
    """What outlives one rebuild under `mkdocs serve`: the command and the last good site."""

    command = "build"
    last_good: Site | None = None


def on_startup(command: str, dirty: bool) -> None:
    _Serving.command = command


def _from_environment() -> tuple[dt.date | None, Path | None, str | None]:
    """The date, the saved diff report and the CRM history `icp build` would pass: under
    plain mkdocs they come from ICP_TODAY, ICP_DIFF_REPORT and ICP_HISTORY (read here only,
    never written)."""
    today, report = os.environ.get("ICP_TODAY"), os.environ.get("ICP_DIFF_REPORT")
    try:
        date = dt.date.fromisoformat(today) if today else None
    except ValueError:
        raise PluginError(f"found ICP_TODAY={today!r}; expected a date as YYYY-MM-DD") from None
    return date, (Path(report) if report else None), os.environ.get("ICP_HISTORY")


def on_config(config: Any) -> Any:
    if SITE_KEY not in config.extra:
        made, problem = attempt(lambda: site_for_config(config, *_from_environment()))
        if problem is not None and _Serving.command != "serve":
            raise PluginError(problem)  # the one-line message `icp build` prints
        if made is not None and _Serving.command == "serve":
            _Serving.last_good = made
        fallback = Site((Page("index.md", "# The handbook did not build\n"),), [], {})
        config.extra[SITE_KEY] = made or _Serving.last_good or fallback
        config.extra[PROBLEM_KEY] = problem
    config.nav = config.extra[SITE_KEY].nav or None
    return config


def on_files(files: Files, config: Any) -> Files:
    site = config.extra[SITE_KEY]
    problem = config.extra.get(PROBLEM_KEY)
    note = f'!!! failure "Not current: the handbook did not build"\n    {inline(problem)}\n\n'
    for page in site.pages:
        text = page.text
        if problem:  # the note goes after the front matter, if any
            end = text.find("\n---\n", 4) + 5 if text.startswith("---\n") else 0
            text = text[:end] + note + text[end:]
        files.append(File.generated(config, page.path, content=text))
    for path, data in site.assets.items():
        files.append(File.generated(config, path, content=data))
    return files
