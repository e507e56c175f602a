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
import math
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
from ..textsafety import describe, unsafe_characters, visible
from ..yamlvalues import YamlDate, describe_value

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
#: problems with one value that leave the document's shape whole
VALUE_RULES = frozenset({"yaml-value", "unsafe-character"})

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

    @property
    def complete(self) -> bool:
        """Whether the data has its whole shape: only single values were refused (.nan, .inf,
        a bad date, an unsafe character), so the schema can still check everything else."""
        return self.data is not None and all(p.rule in VALUE_RULES for p in self.problems)

    def numbers_as_written(self) -> dict[str, str]:
        """The top-level keys whose value is a plain (unquoted) number, with the number's text
        as written: `8.000` is 8.0 to YAML but may be eight thousand to the person who wrote
        it, so a company file's numbers are read from their text, as a CSV cell is."""
        if not isinstance(self.root, MappingNode):
            return {}
        out = {}
        for k, v in self.root.value:
            numeric = v.tag in (_TAG + "int", _TAG + "float") if isinstance(v.tag, str) else False
            if isinstance(k, ScalarNode) and isinstance(v, ScalarNode) and numeric:
                out[str(k.value)] = str(v.value)
        return out

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

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text
        self.in_key = False
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
            self.in_key = True
            key = self.build(knode, parts)
            self.in_key = False
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

    def _unsafe(self, node: ScalarNode, parts: list[str | int]) -> None:
        """Control characters anywhere, and bidirectional or invisible characters in names
        (keys, ids, titles, labels), each at its position in the file (the value's own
        position when it is written as an escape)."""
        found = [
            (index, char, kind)
            for index, char, kind in unsafe_characters(node.value)
            if kind == "a control character" or self.in_key or _is_name(parts)
        ]
        if not found:
            return
        _, char, kind = found[0]
        start, end = node.start_mark.index, node.end_mark.index
        raw = self.text.find(char, start, end) if self.text else -1
        mark = node.start_mark
        line, column = mark.line + 1, mark.column + 1
        if raw >= 0:
            before = self.text[:raw]
            line = before.count("\n") + 1
            column = raw - (before.rfind("\n") + 1) + 1
        listed = ", ".join(f"{describe(c)} at character {i + 1}" for i, c, _ in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        kinds = sorted({k.split(" ", 1)[1] for _, _, k in found})
        what = (" or ".join(kinds) + "s") if len(found) > 1 else kind.split(" ", 1)[1]
        shown = _clip(visible(node.value, keep_newlines=False), 60)
        written = "" if raw >= 0 else " (written as escapes)"
        self.problems.append(
            Problem(
                self.path,
                line,
                column,
                Level.ERROR,
                f"found {'' if len(found) > 1 else 'a' + ('n' if what[0] in 'aeiou' else '') + ' '}"
                f"{what} in '{shown}': {listed}{more}{written}; expected plain text "
                "(they can hide or reorder what people read)",
                "unsafe-character",
                json_path(parts),
            )
        )

    def _scalar(self, node: ScalarNode, tag: str, parts: list[str | int]) -> Any:
        if tag == _TAG + "str":
            self._unsafe(node, parts)
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
        if isinstance(value, float) and value in (math.inf, -math.inf):
            self.problem(node, f"found {node.value}; expected a finite number", "yaml-value", parts)
            return None
        return value


_KEY_LINE = re.compile(
    r"^(?P<indent> *)(?P<dash>(?:- +)*)(?P<key>[^\s#'\"{\[][^:#]*?|'[^']*'|\"[^\"]*\"):(?: |$)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MAX_REPORTED = 20


def _control_characters(path: str, text: str) -> list[Problem]:
    """A problem at the real line and column of each raw control character (NUL, ESC, …);
    YAML does not allow them in a file (write them as escapes in double quotes)."""
    out = []
    for match in _CONTROL.finditer(text):
        before = text[: match.start()]
        line = before.count("\n") + 1
        column = match.start() - (before.rfind("\n") + 1) + 1
        out.append(
            Problem(
                path,
                line,
                column,
                Level.ERROR,
                f"found the control character {describe(match.group())}; expected printable "
                "text (control characters are not allowed in a profile)",
                "yaml-control-character",
            )
        )
        if len(out) >= _MAX_REPORTED:
            break
    return out


def _key_at(line_text: str) -> tuple[str, int] | None:
    """The key a line starts with and its 0-based column, if it holds `key:`."""
    m = _KEY_LINE.match(line_text)
    if not m:
        return None
    key = m.group("key").strip().strip("'\"")
    return key, len(m.group("indent")) + len(m.group("dash"))


def _key_above(lines: list[str], index: int) -> tuple[str, int, int] | None:
    """(key, 0-based line, 0-based column) of the nearest `key:` line above `index`."""
    for i in range(index - 1, -1, -1):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        found = _key_at(lines[i])
        if found is not None:
            return found[0], i, found[1]
    return None


def explain_syntax(text: str, exc: MarkedYAMLError) -> tuple[int, int, str]:
    """1-based line, column and a message in the file's terms for a YAML syntax error.

    Says which key a wrongly indented line belongs with (and its column), that a colon
    inside an unquoted value needs quotes, or on which line a quote or bracket was opened
    and never closed; falls back to the parser's own words."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    lines = text.splitlines()
    here = lines[line] if 0 <= line < len(lines) else ""
    context, problem = str(exc.context or ""), str(exc.problem or "")
    opened = exc.context_mark
    if "quoted scalar" in context and opened is not None:
        quote = lines[opened.line][opened.column] if opened.line < len(lines) else "'"
        return (
            opened.line + 1,
            opened.column + 1,
            f"found a quote ({quote}) opened on line {opened.line + 1} that is never closed; "
            f"expected a closing {quote} at the end of the value",
        )
    if ("flow sequence" in context or "flow mapping" in context) and opened is not None:
        bracket = "{" if "mapping" in context else "["
        close = "}" if bracket == "{" else "]"
        return (
            opened.line + 1,
            opened.column + 1,
            f"found a {bracket} opened on line {opened.line + 1} that is not closed before "
            f"line {line + 1}; expected a {close} (or a comma between items) on the same line",
        )
    own = _key_at(here)
    above = _key_above(lines, line)
    if "mapping values are not allowed" in problem and own is not None:
        key, key_column = own
        colon = key_column + len(key)
        if column > colon + 1 or (column > colon and here[key_column] in "'\""):
            return (
                line + 1,
                column + 1,
                f"found a colon followed by a space inside the unquoted value of "
                f"'{visible(key)}'; expected the value in quotes "
                f"({visible(key)}: '{visible(here[here.index(':', key_column) + 1 :].strip())}')",
            )
        if above is not None:
            name, at_line, at_column = above
            return (
                line + 1,
                key_column + 1,
                f"found '{visible(key)}' at column {key_column + 1}, indented more than "
                f"'{visible(name)}' on line {at_line + 1} (column {at_column + 1}), which "
                f"already has a value; expected '{visible(key)}' at column {at_column + 1}",
            )
    if "did not find expected" in problem and "block" in context and above is not None:
        name, at_line, at_column = above
        indent = len(here) - len(here.lstrip(" "))
        shown = own[0] if own else here.strip()[:30]
        if indent < at_column:
            return (
                line + 1,
                indent + 1,
                f"found '{visible(shown)}' at column {indent + 1}, indented less than "
                f"'{visible(name)}' on line {at_line + 1} (column {at_column + 1}); expected "
                f"the same column as the keys it belongs with (column {at_column + 1})",
            )
    what = " ".join(x for x in (context, problem) if x)
    return line + 1, column + 1, f"found invalid YAML: {what}"


_NAMES = frozenset({"id", "title", "name", "label", "rule", "owners", "kind", "field"})


def _is_name(parts: Sequence[str | int]) -> bool:
    """Whether a value is name-like (ids, titles, labels, owners, fields, rules)."""
    names = [p for p in parts if isinstance(p, str)]
    return bool(names) and names[-1] in _NAMES


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
    if bad := _control_characters(path, text):
        return Document(path, None, None, bad)
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
        line, column, message = explain_syntax(text, exc)
        return _fail(path, line, column, message, "yaml-syntax")
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
    builder = _Builder(path, text)
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
