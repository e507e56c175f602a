"""mkdocs hook: a thin adapter that hands the generated handbook to mkdocs.

`icp build` computes the pages itself and passes them in the config
(`config.extra["icp_site"]`); under plain `mkdocs build` / `mkdocs serve` this hook
computes them from the config (ICP_TODAY and ICP_DIFF_REPORT are read, never written).
No state lives in this module: the generator is the plain function icpkit.site.pages.pages.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from icpkit.site.pages import SITE_KEY, site_for_config


def on_config(config: Any) -> Any:
    if SITE_KEY not in config.extra:
        config.extra[SITE_KEY] = site_for_config(config)
    config.nav = config.extra[SITE_KEY].nav
    return config


def on_files(files: Files, config: Any) -> Files:
    site = config.extra[SITE_KEY]
    for page in site.pages:
        files.append(File.generated(config, page.path, content=page.text))
    for path, data in site.assets.items():
        files.append(File.generated(config, path, content=data))
    return files
