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

from ..kinds import KINDS
from ..problems import Level, Problem, json_path
from ..textsafety import describe, unsafe_characters, visible
from ..yamlvalues import YamlDate, describe_value
from .indentation import as_one
from .syntax import explain

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
#: problems with one value that leave the document's shape whole
VALUE_RULES = frozenset({"yaml-value", "unsafe-character", "yaml-comment-value", "merged-item"})

#: what a line moved out of place can leave that the parser reads (see `as_one`)
_MOVED = frozenset({"yaml-duplicate-key", "merged-item"})

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
    text: str = ""

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

    def written(self, parts: Sequence[str | int]) -> str | None:
        """The text of the scalar at `parts` as written in the file (`010`, `1e3`, `true`),
        or None when `parts` leads to no scalar."""
        node = self.root
        for part in parts:
            found = _child(node, part) if node is not None else None
            if found is None:
                return None
            node = found[1]
        return node.value if isinstance(node, ScalarNode) else None

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
        start = node.start_mark.index
        if self.text[start : start + 1] == "&" and not any(
            p.rule == "yaml-alias" for p in self.problems
        ):  # an anchor: the C composer keeps no name for it, the text does
            name = self.text[start:].split(None, 1)[0]
            self.problem(
                node,
                f"found the anchor {visible(name, keep_newlines=False)}; expected no anchors "
                "or aliases in a profile: remove it (and write out each value it repeats)",
                "yaml-alias",
                parts,
            )
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
            if out[key] is None and isinstance(vnode, ScalarNode) and not vnode.value:
                self._comment_for_value(knode, key, [*parts, key])
        return out

    def _comment_for_value(self, knode: Node, key: str, parts: list[str | int]) -> None:
        """`chat: #sales-na`: a # right after the colon starts a comment, so the value is
        empty. A comment without a space after its # is almost always a value meant."""
        line_end = self.text.find("\n", knode.end_mark.index)
        rest = self.text[knode.end_mark.index : line_end if line_end >= 0 else None]
        m = re.match(r"\s*:\s+(#(\S.*?))\s*$", rest)
        if not m:
            return
        at = knode.end_mark.index + m.start(1)
        before = self.text[:at]
        written = m.group(1)
        self.problems.append(
            Problem(
                self.path,
                before.count("\n") + 1,
                at - (before.rfind("\n") + 1) + 1,
                Level.ERROR,
                f"found a comment ({visible(written, keep_newlines=False)}) where the value of "
                f"'{visible(key, keep_newlines=False)}' should be: # after a space starts a "
                f"comment, so the value is empty; expected the value in quotes "
                f"({visible(key, keep_newlines=False)}: "
                f"'{visible(written, keep_newlines=False)}')",
                "yaml-comment-value",
                json_path(parts),
            )
        )

    def _merged_item(self, node: ScalarNode, parts: list[str | int]) -> None:
        """Plain text over several lines with a line starting with '- ': a list item
        indented more than its list's items, which YAML reads as more of the text above
        ('… wrong data - Pipeline reports …'). A warning at that line."""
        if node.style or node.end_mark.line == node.start_mark.line or not self.text:
            return
        lines = self.text[node.start_mark.index : node.end_mark.index].split("\n")
        for offset, line in enumerate(lines[1:], start=1):
            stripped = line.lstrip(" ")
            if not stripped.startswith("- "):
                continue
            start_line = self.text.rfind("\n", 0, node.start_mark.index) + 1
            head = self.text[start_line : node.start_mark.index]
            item = head.rstrip(" ")
            column = len(item) if parts and isinstance(parts[-1], int) and item.endswith("-") else 0
            where = (
                f"at column {column} as an item of its own"
                if column
                else "on a line of its own as an item of a list"
            )
            self.problems.append(
                Problem(
                    self.path,
                    node.start_mark.line + offset + 1,
                    len(line) - len(stripped) + 1,
                    Level.WARNING,
                    f"found '{_clip(visible(stripped, keep_newlines=False))}' inside the text "
                    f"that starts on line {node.start_mark.line + 1}: a line starting with '- ' "
                    "indented more than its list's items is read as more of that text; "
                    f"expected it {where}, or the text in quotes if the dash belongs to it",
                    "merged-item",
                    json_path(parts),
                )
            )
            return

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
            self._merged_item(node, parts)
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


_LONE_CR = re.compile(r"\r(?!\n)")
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
    if not out and (lone := _LONE_CR.search(text)):
        before = text[: lone.start()]
        more = len(_LONE_CR.findall(text)) - 1
        out.append(
            Problem(
                path,
                before.count("\n") + 1,
                lone.start() - (before.rfind("\n") + 1) + 1,
                Level.ERROR,
                "found a carriage return (\\r) without a line feed after it"
                + (f" (and {more} more)" if more else "")
                + ": YAML reads it as a line break that editors do not show; expected "
                "line endings of \\n or \\r\\n only (save the file with LF line endings)",
                "yaml-control-character",
            )
        )
    return out


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
        said = explain(text, exc, reread)
        return _fail(path, said.line, said.column, said.message, said.rule)
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
    # a key moved into a mapping that has it already (`needs:` under `account_profile:`),
    # an item moved right of its list's items (read as more of the text of the one above)
    problems = as_one(path, text, builder.problems, reread, _MOVED)
    return Document(path, data, nodes[0], problems, text)


def reread(text: str) -> list[Problem] | None:
    """The problems of `text` read as one whole document (its YAML, then the schema of its
    kind), or None when it is not one YAML document: how `indentation` judges a line moved
    to another column. Quiet and bounded by the file it was read from."""
    try:
        for _event in _yaml.parse(text):  # a quick look first: most texts tried do not read
            pass
        nodes = [n for n in _yaml.compose_all(text) if n is not None]
    except (YAMLError, RecursionError, ValueError):
        return None
    if len(nodes) != 1:
        return None
    builder = _Builder("", text)
    doc = Document("", builder.build(nodes[0], []), nodes[0], builder.problems, text)
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if kind not in KINDS or not doc.complete:
        return doc.problems
    from .schema import checked

    return [*doc.problems, *checked(doc, str(kind))]


def stops(text: str) -> int | None:
    """The 0-based line where the parser stops reading `text`, or None when it reads (or
    fails with no place to name)."""
    try:
        for _event in _yaml.parse(text):
            pass
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark.line if mark else None
    except (YAMLError, RecursionError, ValueError):
        return None
    return None


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
