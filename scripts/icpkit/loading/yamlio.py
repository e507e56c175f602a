"""Reading a YAML file safely: its size, encoding, directives and tabs, then its node tree.

Files over `MAX_BYTES` are refused before parsing; a parse error is explained by
`syntax` (judged with `schema.reread`: what a line moved elsewhere would read as);
`document.Document` builds the data with a position for every value.
"""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..problems import Level, Problem
from ..textsafety import describe
from . import spacing
from .document import Document, NodeBuilder, short_error
from .indentation import as_one, blank, indent
from .parser import PARSER as _yaml
from .parser import stray_tab
from .schema import reread
from .syntax import Syntax, explain

MAX_BYTES = 1_000_000

#: what a line moved out of place can leave that the parser reads (see `as_one`)
_MOVED = frozenset({"yaml-duplicate-key", "merged-item"})

_DIRECTIVE = re.compile(rb"^%", re.MULTILINE)
_TAB_INDENT = re.compile(rb"^[ ]*\t", re.MULTILINE)
_BOMS = {
    b"\xef\xbb\xbf": "UTF-8",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


_LONE_CR = re.compile(r"\r(?!\n)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
#: NEXT LINE and Unicode's line and paragraph separators: YAML reads each as a line break
#: no editor shows
_SEPARATOR = re.compile("[\x85\u2028\u2029]")
_MAX_REPORTED = 20


def _control_characters(path: str, text: str) -> list[Problem]:
    """A problem at the real line and column of each raw control character (NUL, ESC, …);
    YAML does not allow them in a file (write them as escapes in double quotes)."""
    out = []
    found = sorted([*_CONTROL.finditer(text), *_SEPARATOR.finditer(text)], key=lambda m: m.start())
    for match in found:
        before = text[: match.start()]
        line = before.count("\n") + 1
        column = match.start() - (before.rfind("\n") + 1) + 1
        what = (
            f"the {describe(match.group())}, which YAML reads as a line break that editors do "
            "not show; expected a space or a real line break"
            if _SEPARATOR.match(match.group())
            else f"the control character {describe(match.group())}; expected printable text "
            "(control characters are not allowed in a profile)"
        )
        out.append(
            Problem(path, line, column, Level.ERROR, f"found {what}", "yaml-control-character")
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


def _offset_position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _fail(path: str, line: int, column: int, message: str, rule: str) -> Document:
    return Document(path, None, None, [Problem(path, line, column, Level.ERROR, message, rule)])


def _text(path: str, raw: bytes) -> str | Document:
    """The text of a file's bytes, or a Document holding the problem that stops reading it:
    too large, a byte-order mark, not UTF-8, a % directive, control characters, tabs in
    the indentation."""
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
    if (tab := stray_tab(text)) is not None:
        return _fail(
            path,
            tab[0] + 1,
            tab[1] + 1,
            "found a tab (pasted from a spreadsheet or a document?); expected a space: outside "
            "quotes not every YAML reader reads a tab, and `icp fmt` cannot",
            "yaml-tabs",
        )
    return text


def load_bytes(path: str, raw: bytes) -> Document:
    """Load one YAML document. Problems are returned in the document, never raised."""
    text = _text(path, raw)
    if isinstance(text, Document):
        return text
    try:
        nodes = list(_yaml.compose_all(text))
    except MarkedYAMLError as exc:
        said = [explain(text, exc, reread)]
        said += _later_syntax_errors(text, said[0])
        problems = [Problem(path, s.line, s.column, Level.ERROR, s.message, s.rule) for s in said]
        return Document(path, None, None, problems)
    except (YAMLError, RecursionError, ValueError) as exc:
        return _fail(path, 1, 1, f"found invalid YAML: {short_error(exc)}", "yaml-syntax")
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
    builder = NodeBuilder(path, text)
    data = builder.build(nodes[0], [])
    # a list item's dash deleted: its keys read as keys of the item above, each a second time
    dashed = _dash_missing(path, text, builder.problems)
    if dashed is not builder.problems:
        return Document(path, None, None, dashed, text)
    # a key moved into a mapping that has it already (`needs:` under `account_profile:`),
    # an item moved right of its list's items (read as more of the text of the one above)
    problems = as_one(path, text, builder.problems, reread, _MOVED)
    return Document(path, data, nodes[0], problems, text)


#: how many syntax errors of one file are said in one run
_MAX_SYNTAX = 10


def _later_syntax_errors(text: str, first: Syntax) -> list[Syntax]:
    """The syntax errors after `first` in `text` that are certainly mistakes of their own,
    so that a user fixing the file in the web editor sees them in one run, not one per
    commit. The parser stops at its first error; when that one is within one line's value
    (`Syntax.local`) and the line holds a whole value (no lines belong to it below, no
    bracket left open), the text is read again with that line blanked: it then reads as
    the user's fixed file would, and the next error found below it is theirs too. Any
    other first error (a quote left open, a line out of place) leaves the rest unread."""
    found: list[Syntax] = []
    lines = text.split("\n")
    said = first
    while said.local and len(found) < _MAX_SYNTAX - 1 and _whole_line(lines, said.line - 1):
        lines[said.line - 1] = ""
        try:
            list(_yaml.compose_all("\n".join(lines)))
        except MarkedYAMLError as exc:
            later = explain("\n".join(lines), exc, reread)
            if later.line <= said.line:
                break
            found.append(later)
            said = later
            continue
        except (YAMLError, RecursionError, ValueError):
            break
        break
    return found


def _whole_line(lines: list[str], at: int) -> bool:
    """Whether line `at` holds a whole value: the lines below it that are not blank or
    comments are indented no further, and its brackets close on it."""
    if not 0 <= at < len(lines):
        return False
    line = lines[at]
    if sum(line.count(c) for c in "[{") != sum(line.count(c) for c in "]}"):
        return False
    below = next((nxt for nxt in lines[at + 1 :] if not blank(nxt)), None)
    return below is None or indent(below) <= indent(line)


def _dash_missing(path: str, text: str, problems: list[Problem]) -> list[Problem]:
    """`problems` said as one when they are the keys of a list item whose dash was deleted,
    read as keys of the item above it (tried on the lines of the first key seen twice and
    a few above it: the item's first key may be one the item above does not have)."""
    twice = [p.line - 1 for p in problems if p.rule == "yaml-duplicate-key"]
    if not twice:
        return problems
    first = min(twice)
    tried = range(first, max(first - _ITEM_KEYS, -1), -1)
    return spacing.as_one(path, text, problems, reread, tried, spacing.dashless)


#: how many lines above its first key seen twice a list item's dashless first line is looked for
_ITEM_KEYS = 6


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
