"""Renderings of result values: text, JSON, GitHub annotations, JUnit. Reporters return strings;
only the CLI prints them."""

from __future__ import annotations

import json
import re
from typing import Any

from .. import __version__
from ..textsafety import elide, visible

#: bumped when the shape of any JSON output changes
JSON_VERSION = 1

#: the registry of output formats: command -> the formats its reporter renders (the first is
#: the default). The CLI's --format choices are read from here; a new reporter adds its name.
FORMATS: dict[str, tuple[str, ...]] = {
    "validate": ("text", "json", "github"),
    "test": ("text", "json", "junit", "github"),
    "explain": ("text", "json"),
    "diff": ("markdown", "text", "json"),
    "backtest": ("text", "markdown", "json", "html"),
}


def envelope(command: str, ok: bool, **payload: Any) -> str:
    """The versioned JSON envelope every `--format json` output uses."""
    body = {
        "version": JSON_VERSION,
        "tool": "icp",
        "tool_version": __version__,
        "command": command,
        "ok": ok,
        **payload,
    }
    return json.dumps(body, indent=2, ensure_ascii=False, default=str)


# only what can start markup in GitHub Markdown: emphasis, code, links and images, HTML,
# table cells, strikethrough, escapes; & only where it would start an entity
_MARKUP = re.compile(r"([\\`*_\[\]<>|~])|&(?=#?\w+;)")


def md(text: object) -> str:
    """User text for one line of Markdown: control and invisible characters as escapes,
    whitespace collapsed, and a backslash before each character that could start markup
    (so `tests/fixtures/x.yaml` and `'Growing 30%'` stay as they are)."""
    line = " ".join(visible(str(text), keep_newlines=False).split())
    return _MARKUP.sub(lambda m: "\\" + (m.group(1) or "&"), line)


def gh_escape(text: str, *, prop: bool = False) -> str:
    """Escape for a GitHub Actions workflow command (data, or a property value)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def annotation(level: str, path: str, line: int, column: int, title: str, message: str) -> str:
    """One workflow command; its message no longer than `textsafety.MESSAGE_LIMIT` (GitHub
    drops an annotation over its limits), cut before it is escaped, never inside an escape."""
    message = elide(message)
    return (
        f"::{level} file={gh_escape(path, prop=True)},line={line},col={column},"
        f"title={gh_escape(title, prop=True)}::{gh_escape(message)}"
    )
