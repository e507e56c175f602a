"""`fmt`: one canonical key order and indentation for every kind of document.

Keys follow the order of their schema's properties (unknown keys keep their
place after them); comments move with their keys and are never dropped;
quotes and flow style (`{field: employees, at_least: 50}`) are kept as
written. Formatting is idempotent. Only files that load without problems are
formatted.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..atomic import write_text
from ..kinds import KINDS
from . import schema
from .yamlio import load_bytes


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    return y


def _order(node: Any, sub: dict[str, Any], kind: str, parts: list[str | int]) -> None:
    if isinstance(node, CommentedMap):
        props = list(sub.get("properties", {}))
        for key in [k for k in props if k in node] + [k for k in list(node) if k not in props]:
            node.move_to_end(key)
        for key in list(node):
            _order(node[key], schema.subschema(kind, [*parts, key]), kind, [*parts, key])
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            _order(item, schema.subschema(kind, [*parts, i]), kind, [*parts, i])


def format_text(text: str, kind: str) -> str:
    """The canonical form of a document of `kind`."""
    y = _yaml()
    data = y.load(text)
    _order(data, schema.subschema(kind, []), kind, [])
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


@dataclass(frozen=True)
class FormatResult:
    path: Path
    shown: str
    changed: bool
    diff: str
    #: a load problem that kept the file from being formatted
    problem: str | None = None


def format_file(path: Path, shown: str, *, write: bool) -> FormatResult:
    raw = path.read_bytes()
    doc = load_bytes(shown, raw)
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if doc.problems or kind not in KINDS:
        first = str(doc.problems[0]) if doc.problems else f"{shown}:1:1: error found no known kind"
        return FormatResult(path, shown, False, "", first)
    before = raw.decode("utf-8")
    after = format_text(before, str(kind))
    changed = after != before
    diff = (
        "".join(
            difflib.unified_diff(
                before.splitlines(True), after.splitlines(True), f"a/{shown}", f"b/{shown}"
            )
        )
        if changed
        else ""
    )
    if changed and write:
        write_text(path, after)
    return FormatResult(path, shown, changed, diff)
