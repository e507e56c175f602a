"""`fmt`: one canonical key order and indentation for every kind of document.

Keys follow the order of their schema's properties (unknown keys keep their
place after them); comments move with their keys and are never dropped.
Nothing else changes but indentation: every value is written as before
(escapes such as `\u00e9`, quotes, a value or a `[...]` list over several
lines), because ruamel's rendering is compared with the original value by
value and what it writes differently is put back as written. What cannot be
put back leaves the file as it is, named by line and column (`Unkept`).
Formatting is idempotent. Only files that load without problems are formatted.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..atomic import write_text
from ..kinds import KINDS
from ..textsafety import visible
from . import schema
from .yamlio import load_bytes


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    return y


def _order(node: Any, sub: dict[str, Any], kind: str, parts: list[str | int], root: Any) -> None:
    # `root` is the whole document: schemas with if/then/else (a rule or a group) are
    # resolved by the value they meet
    if isinstance(node, CommentedMap):
        props = list(sub.get("properties", {}))
        for key in [k for k in props if k in node] + [k for k in list(node) if k not in props]:
            node.move_to_end(key)
        for key in list(node):
            sub_key = schema.subschema(kind, [*parts, key], root)
            _order(node[key], sub_key, kind, [*parts, key], root)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            _order(item, schema.subschema(kind, [*parts, i], root), kind, [*parts, i], root)


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _own_comment(line: str) -> bool:
    """A comment line about the key below it (not an editor modeline such as
    `# yaml-language-server: $schema=…`, which stays at the top)."""
    stripped = line.strip()
    return stripped.startswith("#") and not stripped.startswith("# yaml-language-server")


def _last_content(lines: list[str], first: int, before: int) -> int:
    """The last line in [first, before) holding more than a comment or blanks."""
    for i in range(before - 1, first - 1, -1):
        if _content(lines[i]):
            return i
    return first


def _wanted(keys: list[str], sub: dict[str, Any]) -> list[str]:
    props = list(sub.get("properties", {}))
    return [k for k in props if k in keys] + [k for k in keys if k not in props]


def _misordered(
    node: Node, kind: str, parts: list[str | int], data: Any
) -> tuple[MappingNode, list[str]] | None:
    """The first block mapping (in document order) whose keys are not in schema order."""
    if isinstance(node, MappingNode):
        keys = [k.value for k, _ in node.value if isinstance(k, ScalarNode)]
        if len(keys) == len(node.value) and not node.flow_style:
            wanted = _wanted(keys, schema.subschema(kind, parts, data))
            if wanted != keys:
                return node, wanted
        for k, v in node.value:
            found = _misordered(v, kind, [*parts, str(k.value)], data)
            if found:
                return found
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            found = _misordered(item, kind, [*parts, i], data)
            if found:
                return found
    return None


def _reorder(lines: list[str], node: MappingNode, wanted: list[str]) -> list[str]:
    """`lines` with the entries of one block mapping in the `wanted` order. An entry is its
    key's line through its value's last line, with the comment and blank lines above the
    key: a comment above a key moves with it."""
    starts = [k.start_mark.line for k, _ in node.value]
    # a block mapping ends where the next token starts (say the '- ' of the next item, when
    # its last value is a flow mapping): that line belongs to the mapping only when some of
    # the mapping stands before the mark on it
    mark = node.end_mark
    ours = mark.line < len(lines) and lines[mark.line][: mark.column].strip() not in ("", "-")
    end = mark.line + (1 if mark.column > 0 and ours else 0)
    lasts = [
        _last_content(lines, starts[i], starts[i + 1] if i + 1 < len(starts) else end)
        for i in range(len(starts))
    ]
    first_key = node.value[0][0].start_mark
    prefix = lines[starts[0]][: first_key.column]
    # the comment lines right above the first key go with it, except at the top of the
    # file, where they describe the file
    if not prefix.strip() and node.start_mark.column > 0:
        while starts[0] > 0 and _own_comment(lines[starts[0] - 1]):
            starts[0] -= 1
    chunks: dict[str, list[str]] = {}
    for i, (k, _) in enumerate(node.value):
        begin = starts[i] if i == 0 else lasts[i - 1] + 1
        chunk = lines[begin : lasts[i] + 1]
        if i == 0 and prefix.strip():  # the first key shares its line with '- ': keep it
            chunk = [" " * first_key.column + chunk[0][first_key.column :], *chunk[1:]]
        chunks[str(k.value)] = chunk
    body = [line for key in wanted for line in chunks[key]]
    at = next(i for i, line in enumerate(body) if _content(line))
    body[at] = prefix + body[at][first_key.column :]
    if prefix.strip():  # comments of the new first key go above the '- ', at its column
        dash = " " * (len(prefix) - len(prefix.lstrip()))
        body[:at] = [dash + line.lstrip() if line.strip() else line for line in body[:at]]
    return [*lines[: starts[0]], *body, *lines[lasts[-1] + 1 :]]


def _reorder_text(text: str, kind: str) -> str:
    """Block mappings in schema key order, moving whole lines (so comments above a key and
    every escape stay as written)."""
    for _ in range(1000):
        root = _compose(text)
        data = _plain(root) if root is not None else None
        found = _misordered(root, kind, [], data) if root is not None else None
        if found is None:
            return text
        lines = text.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        text = "".join(_reorder(lines, *found))
    return text


_COMPOSER = YAML(typ="safe", pure=False)


def _plain(node: Node) -> Any:
    """The shape of a composed node (mappings, lists, scalars as text), enough to pick an
    if/then/else schema; lenient where loading is not (a repeated key: the last wins)."""
    if isinstance(node, MappingNode):
        return {str(k.value): _plain(v) for k, v in node.value if isinstance(k, ScalarNode)}
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    return node.value


def _compose(text: str) -> Node | None:
    node: Node | None = _COMPOSER.compose(text)
    return node


def _escape_invisible(text: str) -> str:
    """Control, bidirectional and invisible characters inside double-quoted strings written
    as escapes (`\u200b`), never raw (ruamel writes them raw)."""
    root = _compose(text)
    spans: list[tuple[int, int]] = []
    stack: list[Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            stack += [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            stack += node.value
        elif isinstance(node, ScalarNode) and node.style == '"':
            spans.append((node.start_mark.index, node.end_mark.index))
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + visible(text[start:end]) + text[end:]
    return text


class Unkept(ValueError):
    """A construct `fmt` cannot keep as written: it leaves the file as it is."""

    def __init__(self, line: int, column: int, what: str) -> None:
        super().__init__(f"{line}:{column}: {what}")
        self.line, self.column, self.what = line, column, what


def format_text(text: str, kind: str) -> str:
    """The canonical form of a document of `kind`: keys in schema order, comments moved with
    their keys, and every value written exactly as before (escapes, quotes, a value over
    several lines, a flow list, an anchor); only indentation and key order change.

    Raises `Unkept` (with the construct's 1-based line and column) when ruamel would write
    a value differently and it cannot be put back as written."""
    # blank lines before the first line are dropped at once (ruamel drops one per run)
    head, text, tail = _markers(_LEADING_BLANKS.sub("", text))
    return head + _format_body(text, kind) + tail


_LEADING_BLANKS = re.compile(r"\A(?:[ \t]*\n)+")


#: comment lines and a document start marker (`---`) before the document
_HEAD = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*---(?:[ \t][^\n]*)?\n")
#: a document end marker (`...`) and the comment lines after it
_TAIL = re.compile(r"^\.\.\.[ \t]*(?:#[^\n]*)?(?:\n[ \t]*(?:#[^\n]*)?)*\n?\Z", re.MULTILINE)


def _markers(text: str) -> tuple[str, str, str]:
    """`text` as (the lines up to its `---`, the document, the lines from its `...`), the
    first and last kept as written when they hold a comment (ruamel drops comments before a
    start marker and after an end marker); otherwise '' (the markers are dropped)."""
    head = _HEAD.match(text)
    tail = _TAIL.search(text)
    start = head.end() if head is not None and "#" in head.group() else 0
    end = tail.start() if tail is not None and "#" in tail.group() else len(text)
    return text[:start], text[start:end], text[end:]


def _format_body(text: str, kind: str) -> str:
    text = _reorder_text(text, kind)
    y = _yaml()
    data = y.load(text)
    _order(data, schema.subschema(kind, [], data), kind, [], data)
    out = io.StringIO()
    y.dump(data, out)
    return _kept_as_written(text, out.getvalue())


# --- every value as written --------------------------------------------------------------------


def _written(text: str, node: Node) -> str:
    """How a value is written, apart from the indentation of its continuation lines."""
    first, *rest = text[node.start_mark.index : node.end_mark.index].split("\n")
    return "\n".join([first, *(line.lstrip(" ") for line in rest)]).rstrip()


def _what(text: str, node: Node) -> str:
    written = text[node.start_mark.index : node.end_mark.index]
    if written.startswith("&"):
        return f"the anchor {written.split()[0]}"
    if isinstance(node, SequenceNode | MappingNode):
        kind = "list" if isinstance(node, SequenceNode) else "mapping"
        lines = written.count("\n") + 1
        return f"the {kind} in brackets" + (f" over {lines} lines" if lines > 1 else "")
    style = getattr(node, "style", None)
    quoted = {"'": "the single-quoted text", '"': "the double-quoted text"}.get(
        style or "", "the text"
    )
    if "\n" in written.rstrip():
        return f"{quoted} over {written.rstrip().count(chr(10)) + 1} lines"
    if style == '"' and "\\" in written:
        return f"{quoted} with escapes ({written.strip()[:40]})"
    return quoted


def _changed(before: str, b: Node, after: str, a: Node) -> list[tuple[Node, Node]]:
    """(before, after) pairs of the values written differently, outermost first; raises
    `Unkept` when the two trees differ in shape."""
    if type(a) is not type(b):
        raise Unkept(b.start_mark.line + 1, b.start_mark.column + 1, _what(before, b))
    if isinstance(b, ScalarNode) and isinstance(a, ScalarNode) and b.style in ("|", ">"):
        same = b.value == a.value and b.style == a.style
        return [] if same and _anchor(before, b) == _anchor(after, a) else [(b, a)]
    flow = getattr(b, "flow_style", False)
    if isinstance(b, ScalarNode) or flow or _anchor(before, b) != _anchor(after, a):
        same = _written(before, b) == _written(after, a) or _reordered(before, b, after, a)
        return [] if same else [(b, a)]
    pairs_b = [n for pair in b.value for n in pair] if isinstance(b, MappingNode) else b.value
    pairs_a = [n for pair in a.value for n in pair] if isinstance(a, MappingNode) else a.value
    if len(pairs_a) != len(pairs_b):
        raise Unkept(b.start_mark.line + 1, b.start_mark.column + 1, _what(before, b))
    return [
        c for nb, na in zip(pairs_b, pairs_a, strict=True) for c in _changed(before, nb, after, na)
    ]


def _reordered(before: str, b: Node, after: str, a: Node) -> bool:
    """Whether a one-line `{...}` mapping differs only in the order of its keys (fmt puts
    `{field: x, at_least: 1}` in schema order, each entry written as before)."""
    if not (isinstance(b, MappingNode) and isinstance(a, MappingNode)) or _anchor(before, b):
        return False
    if "\n" in before[b.start_mark.index : b.end_mark.index]:
        return False

    def entries(text: str, node: MappingNode) -> dict[str, str]:
        return {_written(text, k): _written(text, v) for k, v in node.value}

    return len(a.value) == len(b.value) and entries(before, b) == entries(after, a)


def _anchor(text: str, node: Node) -> str:
    written = text[node.start_mark.index : node.start_mark.index + 1]
    return text[node.start_mark.index :].split(None, 1)[0] if written == "&" else ""


def _reindented(written: str, delta: int) -> str:
    first, *rest = written.split("\n")
    moved = []
    for line in rest:
        indent = len(line) - len(line.lstrip(" "))
        moved.append(" " * max(indent + delta, 1) + line.lstrip(" ") if line.strip() else line)
    return "\n".join([first, *moved])


def _kept_as_written(before: str, after: str) -> str:
    """`after` (ruamel's rendering of `before`) with each value that ruamel wrote differently
    put back as `before` writes it, indented to its new place; raises `Unkept` when a value
    still differs. The one change made on purpose: a raw invisible or bidirectional
    character in double quotes is written as its escape (`_escape_invisible`)."""
    before, after = _escape_invisible(before), _escape_invisible(after)
    b_root, a_root = _compose(before), _compose(after)
    if b_root is None or a_root is None:
        return after
    changes = _changed(before, b_root, after, a_root)
    for b, a in sorted(changes, key=lambda pair: pair[1].start_mark.index, reverse=True):
        written = before[b.start_mark.index : b.end_mark.index].rstrip()
        end = a.end_mark.index
        while end > a.start_mark.index and after[end - 1] in " \n":
            end -= 1
        delta = a.start_mark.column - b.start_mark.column
        gap = ""
        if end == a.start_mark.index and written:
            # ruamel writes a null (`null`, `~`) as nothing right after the colon or dash
            # (`score:`, `- `): put back as written, it needs one space before it
            # (`score:null` would be a key) and none after it
            while after[end : end + 1] == " ":
                end += 1
            gap = " "
        after = after[: a.start_mark.index] + gap + _reindented(written, delta) + after[end:]
    final = _compose(after)
    left = _changed(before, b_root, after, final) if final is not None else []
    if left:
        b = left[0][0]
        raise Unkept(b.start_mark.line + 1, b.start_mark.column + 1, _what(before, b))
    return after


@dataclass(frozen=True)
class FormatResult:
    path: Path
    shown: str
    changed: bool
    diff: str
    #: a load problem that kept the file from being formatted
    problem: str | None = None
    #: the first line that changes ('12', or '1: its line ends in CRLF ...')
    where: str = ""


def format_file(path: Path, shown: str, *, write: bool) -> FormatResult:
    """`icp fmt` of one file (named `shown` in messages): its canonical indentation and key
    order, the diff, and with `write` the file rewritten (atomically). A file that does not
    load, or whose text fmt cannot keep as written, is left alone and said why in the
    result. Raises OSError when the file cannot be read or written."""
    raw = path.read_bytes()
    doc = load_bytes(shown, raw)
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if doc.problems or kind not in KINDS:
        first = (
            f"{shown}:{doc.problems[0].line}:{doc.problems[0].column}: {LEFT}: "
            f"{doc.problems[0].message} ({doc.problems[0].rule})"
            if doc.problems
            else f"{shown}:1:1: {LEFT}: found no known kind"
        )
        return FormatResult(path, shown, False, "", first)
    before = raw.decode("utf-8")
    try:
        after = format_text(before.replace("\r\n", "\n"), str(kind))
    except Unkept as exc:
        return FormatResult(
            path,
            shown,
            False,
            "",
            f"{shown}:{exc.line}:{exc.column}: {LEFT}: it cannot keep {exc.what} as written "
            "(fmt changes only indentation and key order)",
        )
    except MarkedYAMLError as exc:  # ruamel's own reading refuses what validate read
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return FormatResult(
            path,
            shown,
            False,
            "",
            f"{shown}:{line}:{column}: {LEFT}: it cannot read it here "
            f"({visible(str(exc.problem or exc.context), keep_newlines=False)})",
        )
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
    return FormatResult(path, shown, changed, diff, where=_first_change(before, after))


#: how every refusal of `fmt` starts
LEFT = "fmt leaves this file as it is"


def _first_change(before: str, after: str) -> str:
    """'line N' of the first line `fmt` changes, and why when it is only the line ending."""
    old, new = before.split("\n"), after.split("\n")
    for i, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            if a.rstrip("\r") == b:
                return f"{i + 1}: its line ends in CRLF (\\r\\n); fmt writes LF (\\n)"
            return f"{i + 1}"
    return f"{min(len(old), len(new))}"
