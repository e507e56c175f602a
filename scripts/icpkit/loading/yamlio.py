"""Loading YAML safely, fast, and with a position for every value.

ruamel.yaml's C parser composes the node tree (fast, and every node keeps its
start mark); this module then builds plain Python data from the nodes itself,
so that every trap becomes a problem with a position instead of a traceback:
tags, anchors and aliases, directives, impossible dates, huge integers,
duplicate keys, deep nesting. Bounded: files over `MAX_BYTES` are refused
before parsing and nesting over `MAX_DEPTH` is refused while walking.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..problems import Level, Problem, json_path
from ..yamlvalues import YamlDate, describe_value

MAX_BYTES = 1_000_000
MAX_DEPTH = 40

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {_TAG + "map", _TAG + "seq"}
_DIRECTIVE = re.compile(rb"^%", re.MULTILINE)
_TAB_INDENT = re.compile(rb"^[ ]*\t", re.MULTILINE)
_BOMS = {
    b"\xef\xbb\xbf": "UTF-8",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


@dataclass
class Document:
    """A loaded YAML file: its data, and its node tree for positions."""

    path: str
    data: Any
    root: Node | None
    problems: list[Problem] = field(default_factory=list)

    def problem_at(
        self,
        parts: Sequence[str | int],
        message: str,
        rule: str,
        *,
        level: Level = Level.ERROR,
        key: bool = False,
    ) -> Problem:
        """A problem at the value (or, with `key`, the key) that `parts` leads to: the one
        constructor of a positioned problem that the loader, builder and checks share."""
        line, column = self.position(parts, key=key)
        return Problem(self.path, line, column, level, message, rule, json_path(parts))

    def position(self, parts: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the value at `parts` (or of its key).

        When the path leads nowhere, the deepest existing node is used. An empty
        value points at its key (its own mark is on the next line)."""
        node = self.root
        if node is None:
            return 1, 1
        key_node: Node | None = None
        for part in parts:
            found = _child(node, part)
            if found is None:
                break
            key_node, node = found
        target = node
        empty = isinstance(node, ScalarNode) and node.value == "" and key_node is not None
        if key_node is not None and (key or empty):
            target = key_node
        return target.start_mark.line + 1, target.start_mark.column + 1


def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == str(part):
                return k, v
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


class _Builder:
    """Builds plain data from a composed node tree, collecting problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.scalars: SafeConstructor = _yaml.constructor

    def problem(self, node: Node, message: str, rule: str, parts: list[str | int]) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(
                self.path,
                mark.line + 1,
                mark.column + 1,
                Level.ERROR,
                message,
                rule,
                json_path(parts),
            )
        )

    def build(self, node: Node, parts: list[str | int]) -> Any:
        if id(node) in self.seen:
            if any(p.rule == "yaml-alias" for p in self.problems):
                return None  # one alias problem per file is enough (and bounds an alias bomb)
            self.problem(
                node,
                "found an alias (*name) to an anchor; profiles do not use anchors or "
                "aliases: write the value out",
                "yaml-alias",
                parts,
            )
            return None
        self.seen.add(id(node))
        if len(parts) > MAX_DEPTH:
            self.problem(
                node,
                f"found nesting deeper than {MAX_DEPTH} levels; expected a flatter document",
                "yaml-depth",
                parts,
            )
            return None
        tag = str(node.tag)
        if isinstance(node, MappingNode):
            if tag not in _COLLECTION_TAGS:
                return self._bad_tag(node, tag, parts)
            return self._mapping(node, parts)
        if isinstance(node, SequenceNode):
            if tag not in _COLLECTION_TAGS:
                return self._bad_tag(node, tag, parts)
            return [self.build(item, [*parts, i]) for i, item in enumerate(node.value)]
        if tag not in _ALLOWED_TAGS or not isinstance(node, ScalarNode):
            return self._bad_tag(node, tag, parts)
        return self._scalar(node, tag, parts)

    def _bad_tag(self, node: Node, tag: str, parts: list[str | int]) -> None:
        shown = tag.replace(_TAG, "!!")
        self.problem(
            node,
            f"found the tag {shown}; expected plain YAML without tags (remove it, "
            "or put the value in quotes)",
            "yaml-tag",
            parts,
        )

    def _mapping(self, node: MappingNode, parts: list[str | int]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, Node] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                self.problem(
                    knode, "found a list or mapping as a key; expected a name", "yaml-key", parts
                )
                continue
            key = self.build(knode, parts)
            if not isinstance(key, str) or isinstance(key, YamlDate):
                kind = describe_value(key)
                self.problem(
                    knode,
                    f"found {kind} {knode.value!r} as a key; expected a name (put it in quotes)",
                    "yaml-key",
                    parts,
                )
                continue
            if key in first:
                line = first[key].start_mark.line + 1
                self.problem(
                    knode,
                    f"found the key '{key}' a second time (first on line {line}); "
                    "expected each key once",
                    "yaml-duplicate-key",
                    [*parts, key],
                )
                continue
            first[key] = knode
            out[key] = self.build(vnode, [*parts, key])
        return out

    def _scalar(self, node: ScalarNode, tag: str, parts: list[str | int]) -> Any:
        if tag == _TAG + "str":
            return node.value
        try:
            value = self.scalars.construct_object(node, deep=True)
            self.scalars.constructed_objects.clear()
        except (ValueError, OverflowError, YAMLError) as exc:
            what = "date" if tag.endswith("timestamp") else "number"
            self.problem(
                node,
                f"found '{_clip(node.value)}', which is not a valid {what} ({_short(exc)}); "
                "expected a real one, or quotes if you meant text",
                "yaml-value",
                parts,
            )
            return None
        if isinstance(value, dt.date):
            return YamlDate(value)
        if isinstance(value, float) and value != value:  # NaN
            self.problem(node, "found .nan; expected a number", "yaml-value", parts)
            return None
        return value


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _clip(text, 80)


def _offset_position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _fail(path: str, line: int, column: int, message: str, rule: str) -> Document:
    return Document(path, None, None, [Problem(path, line, column, Level.ERROR, message, rule)])


_yaml = YAML(typ="safe", pure=False)


def load_bytes(path: str, raw: bytes) -> Document:
    """Load one YAML document. Problems are returned in the document, never raised."""
    if len(raw) > MAX_BYTES:
        size = f"{len(raw) / 1_000_000:.1f} MB"
        return _fail(
            path,
            1,
            1,
            f"found a file of {size}; expected a profile of a few KB "
            f"(the limit is {MAX_BYTES // 1_000_000} MB)",
            "yaml-size",
        )
    for bom, name in _BOMS.items():
        if raw.startswith(bom):
            return _fail(
                path,
                1,
                1,
                f"found a {name} byte-order mark; expected UTF-8 without "
                "one (save the file as plain UTF-8)",
                "yaml-encoding",
            )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _offset_position(raw, exc.start)
        return _fail(
            path,
            line,
            column,
            f"found the byte 0x{raw[exc.start]:02x}, which is not UTF-8; expected UTF-8 text",
            "yaml-encoding",
        )
    if match := _DIRECTIVE.search(raw):
        line, column = _offset_position(raw, match.start())
        return _fail(
            path,
            line,
            column,
            "found a % directive (such as %YAML 1.1); expected none: files are read as YAML 1.2",
            "yaml-directive",
        )
    if match := _TAB_INDENT.search(raw):
        line, column = _offset_position(raw, match.end() - 1)
        return _fail(
            path,
            line,
            column,
            "found a tab in the indentation; expected spaces (YAML indents with spaces only)",
            "yaml-tabs",
        )
    try:
        nodes = list(_yaml.compose_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        return _fail(path, line, column, f"found invalid YAML: {what}", "yaml-syntax")
    except (YAMLError, RecursionError, ValueError) as exc:
        return _fail(path, 1, 1, f"found invalid YAML: {_short(exc)}", "yaml-syntax")
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return _fail(
            path,
            1,
            1,
            "found an empty file; expected a mapping that starts with 'kind:'",
            "yaml-empty",
        )
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        return _fail(
            path,
            mark.line + 1,
            1,
            "found a second document (after ---); expected one document per file",
            "yaml-multi-doc",
        )
    builder = _Builder(path)
    data = builder.build(nodes[0], [])
    return Document(path, data, nodes[0], builder.problems)


def load_file(path: Path | str, shown: str | None = None) -> Document:
    """Load a YAML file; problems name it as `shown` (default: the path as given)."""
    path = Path(path)
    shown = shown or str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                size = path.stat().st_size
                return _fail(
                    shown,
                    1,
                    1,
                    f"found a file of {size / 1_000_000:.1f} MB; expected "
                    f"a profile of a few KB (the limit is {MAX_BYTES // 1_000_000} MB)",
                    "yaml-size",
                )
    except OSError as exc:
        return _fail(shown, 1, 1, f"cannot read the file: {exc.strerror}", "file-read")
    return load_bytes(shown, raw)
