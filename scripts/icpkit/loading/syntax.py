"""YAML syntax errors in the file's terms, never in the parser's words.

The parser says "while parsing a block mapping did not find expected key" at the place
where it gave up, which is often not where the mistake is. `explain` reads the file's
lines around that place and says what is wrong as its editor sees it: a quote opened on
line N that is never closed, a value that starts with a character YAML reserves (`@`, a
backtick, `*`, `&`, `[`), a colon inside an unquoted value, and a line indented less (or
more) than the key or item it belongs with, which `indentation` finds by trying. Each
explainer below handles one kind and returns None when the error is not of its kind; the
last one always answers, in plain words, at the line the parser stopped on."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..textsafety import one_line
from ..yamlvalues import quoted_advice
from . import indentation, spacing
from .indentation import BLOCK_HEADER, blank, indent, key_at, shown

#: where a value starts on a line: after the indentation, list dashes and `key: `
_VALUE_START = re.compile(r"^ *(?:- +)*(?:(?:[^\s#'\"{\[][^:#]*?|'[^']*'|\"[^\"]*\"): +)?")
_CLOSERS = {"[": "]", "{": "}", "'": "'", '"': '"'}
#: characters that cannot start an unquoted value, and what YAML reads them as
_RESERVED = {
    "@": "YAML reserves @ and the backtick: they cannot start a value",
    "`": "YAML reserves @ and the backtick: they cannot start a value",
    "*": "YAML reads *name as an alias (a reference to an &anchor elsewhere)",
    "&": "YAML reads &name as an anchor (a name for a value that *name repeats)",
    "!": "YAML reads !name as a tag",
    "%": "YAML reads % at the start of a line as a directive",
    "|": "YAML reads | as the start of a block of text on the following lines",
    ">": "YAML reads > as the start of a block of text on the following lines",
    "]": "YAML reads ] and } as the end of a list or mapping",
    "}": "YAML reads ] and } as the end of a list or mapping",
    ",": "YAML reads a comma as the end of an item",
    "'": "a value that starts with a quote ends at its closing quote",
    '"': "a value that starts with a quote ends at its closing quote",
}


@dataclass(frozen=True)
class Syntax:
    """A syntax error, in the file's terms: 1-based line and column, message, rule."""

    line: int
    column: int
    message: str
    rule: str = "yaml-syntax"
    #: the mistake is within this one line's value (a colon, a reserved first character,
    #: text after a quoted value): the rest of the file reads the same once it is fixed
    local: bool = False


@dataclass(frozen=True)
class _Error:
    """What the parser reported: where it stopped (0-based), its words, the file's lines."""

    text: str
    lines: list[str]
    line: int
    column: int
    context: str
    problem: str
    opened: Any  # the context mark: where what the parser was reading began
    judge: indentation.Judge | None = None  # reads a text again: its problems, None if not YAML

    @property
    def here(self) -> str:
        return self.lines[self.line] if 0 <= self.line < len(self.lines) else ""


def explain(text: str, exc: Any, judge: indentation.Judge | None = None) -> Syntax:
    """The syntax error `exc` (a ruamel `MarkedYAMLError`) of `text` in the file's terms;
    `judge` reads a changed text again, to find where a line moved out of place belongs."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    error = _Error(
        text,
        text.splitlines(),
        line,
        column,
        str(exc.context or ""),
        str(exc.problem or ""),
        exc.context_mark,
        judge,
    )
    for explainer in EXPLAINERS:
        try:
            said = explainer(error)
        except (IndexError, ValueError, AttributeError):  # a reading of lines that does not fit
            continue
        if said is not None:
            return said
    return _fallback(error)


# --- helpers -------------------------------------------------------------------------------


def _value_after(line: str, start: int) -> str:
    """The value that starts at `start` on `line`, without a trailing comment."""
    value = line[start:]
    comment = value.find(" #")
    return (value[:comment] if comment >= 0 else value).rstrip()


def _item_value(line: str, start: int) -> str:
    """The unquoted value that starts at `start`: up to a comma or closing bracket when it
    sits inside a [ ] or { } list on the line, else to the end of the line."""
    depth = sum(line[:start].count(c) for c in "[{") - sum(line[:start].count(c) for c in "]}")
    value = _value_after(line, start)
    if depth > 0:
        value = re.split(r"[,\]}]", value, maxsplit=1)[0]
    return value


def _close_of(text: str, at: int) -> int:
    """The offset of the quote closing the one opened at `at`, or -1."""
    quote = text[at]
    i = at + 1
    while i < len(text):
        c = text[i]
        if quote == '"' and c == "\\":
            i += 2
            continue
        if c == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return -1


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n"), offset - (before.rfind("\n") + 1)


def _quote_openings(text: str, limit: int) -> list[tuple[int, int]]:
    """(opening, closing offset) of every quote that starts a value before `limit`, skipping
    comments and the lines of block scalars (`>-`, `|`), in order."""
    found: list[tuple[int, int]] = []
    lines = text.split("\n")
    offset, block_indent = 0, -1
    index = 0
    while index < len(lines) and offset < limit:
        line = lines[index]
        if block_indent >= 0 and (blank(line) or indent(line) > block_indent):
            offset += len(line) + 1
            index += 1
            continue
        block_indent = -1
        column = 0
        while column < len(line):
            c = line[column]
            if c == "#" and (column == 0 or line[column - 1] in " \t"):
                break
            if c in "'\"" and _starts_value(line, column):
                close = _close_of(text, offset + column)
                found.append((offset + column, close))
                if close < 0:
                    return found
                close_line, close_column = _position(text, close)
                if close_line != index:  # a quoted value over several lines: go on after it
                    skipped = sum(len(lines[k]) + 1 for k in range(index, close_line))
                    offset += skipped
                    index = close_line
                    line = lines[index]
                column = close_column + 1
                continue
            column += 1
        if BLOCK_HEADER.search(line):
            block_indent = indent(line)
        offset += len(line) + 1
        index += 1
    return found


def _starts_value(line: str, column: int) -> bool:
    """Whether a character at `column` starts a value: first on its line, or after `: `,
    `- `, `? `, `[`, `{` or `,`."""
    before = line[:column]
    stripped = before.rstrip(" ")
    if not stripped or stripped.endswith(("[", "{", ",")):
        return True
    return stripped.endswith((":", "-", "?")) and len(stripped) < len(before)


def _ends_value(text: str, close: int) -> bool:
    """Whether a closing quote at `close` ends its value (only spaces, a comment, a comma,
    a closing bracket or a key's colon may follow on its line)."""
    rest = text[close + 1 :].split("\n", 1)[0].lstrip(" ")
    return not rest or rest[0] in ",]}:#"


# --- the explainers, most specific first ---------------------------------------------------


def _quote_never_closed(e: _Error) -> Syntax | None:
    """A quote that runs to the end of the file."""
    if "quoted scalar" not in e.context or e.opened is None:
        return None
    quote = e.lines[e.opened.line][e.opened.column] if e.opened.line < len(e.lines) else "'"
    return Syntax(
        e.opened.line + 1,
        e.opened.column + 1,
        f"found a quote ({quote}) opened on line {e.opened.line + 1} that is never closed; "
        f"expected a closing {quote} at the end of the value",
    )


def _quote_closed_elsewhere(e: _Error) -> Syntax | None:
    """A quote left open on its line, closed by a quote (an apostrophe, a quoted word) on
    a later line: the parser stops there, or further on."""
    limit = sum(len(line) + 1 for line in e.lines[: e.line]) + e.column + 1
    for opening, close in _quote_openings(e.text, limit):
        if close < 0 or _ends_value(e.text, close):
            continue
        line, column = _position(e.text, opening)
        close_line, _ = _position(e.text, close)
        quote = e.text[opening]
        if close_line == line:
            return None  # text after a closed quoted value: `_text_after_value` says so
        return Syntax(
            line + 1,
            column + 1,
            f"found a quote ({quote}) opened on line {line + 1} that is never closed on "
            f"that line (the next {quote} is on line {close_line + 1}); expected a closing "
            f"{quote} at the end of the value",
        )
    return None


def _text_after_value(e: _Error) -> Syntax | None:
    """`- [Salesforce] first`, `title: "Foo" bar`: a value that starts with [ { or a quote
    ends at its closing bracket or quote, and text after it cannot be read."""
    if not e.problem.startswith(("did not find expected", "could not find expected")):
        return None
    before = e.here[: e.column].rstrip()
    if not before or before[-1] not in "]}'\"":
        return None
    start = _VALUE_START.match(e.here)
    begin = start.end() if start else 0
    if begin >= len(e.here) or e.here[begin] not in _CLOSERS:
        return None
    opener = e.here[begin]
    value = _value_after(e.here, begin)
    if opener in "[{":
        kind = "list" if opener == "[" else "mapping"
        what = f"a value that starts with {opener} is read as a {kind}"
    else:
        what = "a value that starts with a quote ends at its closing quote"
    return Syntax(
        e.line + 1,
        begin + 1,
        f"found text after {shown(before[begin:], 30)} on line {e.line + 1}: {what}; "
        f"expected the whole value in quotes ({quoted_advice(value)})",
        local=True,
    )


def _reserved_start(e: _Error) -> Syntax | None:
    """`owners: [@team]`, `` - `icp` ``, `- *urgent* reporting`: a character that YAML
    reserves, or reads as an alias or anchor, at the start of an unquoted value."""
    if not (
        "cannot start any token" in e.problem or "expected node content" in e.problem or _scan_of(e)
    ):
        return None
    line, column = (e.opened.line, e.opened.column) if _scan_of(e) else (e.line, e.column)
    if line != e.line:
        return None
    char = e.here[column : column + 1]
    if char == "\t":
        return Syntax(
            e.line + 1,
            column + 1,
            "found a tab; expected spaces (YAML does not allow tabs between values)",
        )
    if char not in _RESERVED:
        return None
    value = _item_value(e.here, column)
    return Syntax(
        e.line + 1,
        column + 1,
        f"found the value {shown(value)}, which starts with {char}: {_RESERVED[char]}; "
        f"expected it in quotes ({quoted_advice(value)})",
        local=True,
    )


def _scan_of(e: _Error) -> bool:
    """Whether the parser was scanning an alias or anchor that starts at its context mark."""
    return e.opened is not None and any(
        f"while scanning {what}" in e.context
        for what in ("an alias", "an anchor", "a block scalar")
    )


def _undefined_alias(e: _Error) -> Syntax | None:
    """`*name` with no `&name` before it: after it (used before its anchor), or nowhere."""
    if "undefined alias" not in e.problem:
        return None
    m = re.match(r"\*([^\s,\[\]{}]+)", e.here[e.column :])
    name = m.group(1) if m else ""
    anchor = re.search(rf"&{re.escape(name)}(?=[\s,\]}}]|$)", e.text) if name else None
    if anchor is not None:
        at = _position(e.text, anchor.start())[0] + 1
        message = (
            f"found the alias *{name} on line {e.line + 1} before its anchor &{name} on line "
            f"{at}: an alias can only repeat a value anchored above it; expected the value "
            "written out (profiles do not use anchors or aliases)"
        )
    else:
        value = _item_value(e.here, e.column)
        message = (
            f"found *{name}, which YAML reads as an alias to an anchor &{name} that does not "
            f"exist; expected the value written out (in quotes if * is part of the text: "
            f"{quoted_advice(value)})"
        )
    return Syntax(e.line + 1, e.column + 1, message, "yaml-alias")


def _item_after_key(e: _Error) -> Syntax | None:
    """`kind: - icp`: a list item on its key's line."""
    if "sequence entries are not allowed" not in e.problem:
        return None
    own = key_at(e.here)
    value = _value_after(e.here, e.column)
    where = f"after '{one_line(own[0])}:' " if own else ""
    return Syntax(
        e.line + 1,
        e.column + 1,
        f"found the list item '{shown(value)}' {where}on the same line; expected each item "
        f"on a line of its own below the key, or the value in quotes ({quoted_advice(value)})",
    )


def _duplicate_anchor(e: _Error) -> Syntax | None:
    if "duplicate anchor" not in e.context or e.opened is None:
        return None
    return Syntax(
        e.line + 1,
        e.column + 1,
        f"found an anchor name a second time (first on line {e.opened.line + 1}); expected "
        "no anchors at all: profiles write each value out",
        "yaml-alias",
    )


def _flow_not_closed(e: _Error) -> Syntax | None:
    """A [ or { opened and not closed: on the same line (a wrong closing bracket), or not
    before the next line."""
    if not ("flow sequence" in e.context or "flow mapping" in e.context) or e.opened is None:
        return None
    bracket = "{" if "mapping" in e.context else "["
    close = _CLOSERS[bracket]
    opened = e.opened.line + 1
    if e.line == e.opened.line:
        found = e.here[e.column : e.column + 1]
        if found in "]}" and found:
            what = f"closed by {found} on the same line"
        else:
            what = f"with {shown(e.here[e.column :], 20)} where a comma or {close} should be"
        return Syntax(
            opened,
            e.opened.column + 1,
            f"found a {bracket} on line {opened} {what}; expected a {close} to close it "
            "(and a comma between items)",
        )
    text = e.lines[e.opened.line] if e.opened.line < len(e.lines) else ""
    meant = quoted_advice(_value_after(text, e.opened.column))
    as_text = f", or the value in quotes if it is text ({meant})"
    return Syntax(
        opened,
        e.opened.column + 1,
        f"found a {bracket} opened on line {opened} that is not closed on that line; "
        f"expected a {close} (or a comma between items) on the same line"
        + (as_text if _starts_value(text, e.opened.column) else ""),
    )


def _unclosed_bracket(text: str, limit: int) -> int | None:
    """The offset of the last [ or { opened before `limit` and not closed (quotes and
    comments skipped), or None."""
    stack: list[int] = []
    i = 0
    line_start = 0
    while i < min(limit, len(text)):
        c = text[i]
        if c == "\n":
            line_start = i + 1
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        elif c in "'\"" and _starts_value(text[line_start : i + 1], i - line_start):
            close = _close_of(text, i)
            if close < 0:
                break
            i = close
        elif c in "[{":
            stack.append(i)
        elif c in "]}" and stack:
            stack.pop()
        i += 1
    return stack[-1] if stack else None


def _flow_node_missing(e: _Error) -> Syntax | None:
    """A value missing inside an unclosed [ or { (the file or the list ends first)."""
    if "flow node" not in e.context:
        return None
    limit = sum(len(line) + 1 for line in e.lines[: e.line]) + e.column
    at = _unclosed_bracket(e.text, limit)
    if at is None:
        return None
    line, column = _position(e.text, at)
    bracket = e.text[at]
    return Syntax(
        line + 1,
        column + 1,
        f"found a {bracket} opened on line {line + 1} that is never closed; expected a "
        f"{_CLOSERS[bracket]} after its last item (and a comma between items)",
    )


def _colon_in_value(e: _Error) -> Syntax | None:
    """`title: Corpus case: the sequel`, or a key indented under a key that has a value."""
    if "mapping values are not allowed" not in e.problem:
        return None
    own = key_at(e.here)
    if own is None:
        start = _VALUE_START.match(e.here)
        value = _value_after(e.here, start.end() if start else 0)
        return Syntax(
            e.line + 1,
            e.column + 1,
            f"found a colon followed by a space inside the value {shown(value)}; expected "
            f"the value in quotes ({quoted_advice(value)})",
            local=True,
        )
    key, key_column = own
    colon = key_column + len(key)
    if e.column > colon + 1 or (e.column > colon and e.here[key_column] in "'\""):
        value = e.here[e.here.index(":", key_column) + 1 :].strip()
        return Syntax(
            e.line + 1,
            e.column + 1,
            f"found a colon followed by a space inside the unquoted value of "
            f"'{one_line(key)}'; expected the value in quotes ({one_line(key)}: "
            f"{one_line(quoted_advice(value))})",
            local=True,
        )
    return None  # a key where it does not belong: `_misindented` finds where it does


def _missing_space(e: _Error) -> Syntax | None:
    """`-id: budget`, `-  id: budget`, `points:20`: a space missing after a list item's dash
    or a key's colon (or one too many after a dash), on the line the parser stopped on or
    above it; `spacing` finds the line by trying the fix."""
    if e.judge is None:
        return None
    fix = spacing.find(e.text, range(e.line, e.line - indentation.REACH, -1), e.judge)
    if fix is None or len(fix.left) > indentation.FEW:
        return None
    return Syntax(fix.line + 1, fix.column + 1, spacing.said(fix))


def _misindented(e: _Error) -> Syntax | None:
    """A line moved left or right of where it belongs (`indentation` finds the line and its
    column by trying them): at that line, naming the key or item it belongs with; or a key
    and its value with no colon between them (`status active`, `points 50`), which a line
    moved can look like, and the other way round: of the two fixes, the one after which the
    file has fewer problems (the move, when they tie); or a list item's dash deleted
    (`id: growth` at its list's dashes), when that leaves fewer problems than a move, or as
    few nearer the line the parser stopped on."""
    if e.judge is None:
        return None
    move = indentation.find(e.text, indentation.suspects(e.text, e.line), e.judge)
    tried = range(e.line, e.line - indentation.REACH, -1)
    colon = spacing.find(e.text, tried, e.judge, candidates=spacing.colonless)
    if (
        colon is not None
        and len(colon.left) <= indentation.FEW
        and (move is None or len(colon.left) < len(move.left))
    ):
        return Syntax(colon.line + 1, colon.column + 1, spacing.said(colon))
    dash = spacing.find(e.text, tried, e.judge, candidates=spacing.dashless, alone=True)
    if (
        dash is not None
        and len(dash.left) <= indentation.FEW
        and (move is None or _nearer(dash.left, dash.line, move.left, move.line, e.line))
    ):
        return Syntax(dash.line + 1, dash.column + 1, dash.message)
    if move is None or len(move.left) > indentation.FEW:
        return None
    at = indent(e.text.split("\n")[move.line])
    return Syntax(move.line + 1, at + 1, indentation.say(e.text, move), "yaml-indent")


def _nearer(left: Sequence[Any], line: int, other: Sequence[Any], at: int, stop: int) -> bool:
    """Whether a fix of `line` leaving `left` beats one of `at` leaving `other`: fewer
    problems left, then nearer the line the parser stopped on (`stop`)."""
    return (len(left), abs(stop - line)) < (len(other), abs(stop - at))


def _fallback(e: _Error) -> Syntax:
    """Whatever the parser said: where it stopped, and what a line of a profile may hold."""
    near = e.here[e.column :].strip() or e.here.strip()
    at = f" at '{shown(near, 30)}'" if near else ""
    return Syntax(
        e.line + 1,
        e.column + 1,
        f"found a line YAML cannot read{at}; expected 'key: value' lines and '- ' list "
        "items, each indented like the ones it belongs with, and in quotes any value that "
        "holds ': ' or ' #' or starts with one of [ ] { } ' \" & * ! | > % @ `",
    )


EXPLAINERS: tuple[Callable[[_Error], Syntax | None], ...] = (
    _quote_never_closed,
    _quote_closed_elsewhere,
    _flow_not_closed,
    _flow_node_missing,
    _undefined_alias,
    _duplicate_anchor,
    _item_after_key,
    _reserved_start,
    _text_after_value,
    _missing_space,
    _colon_in_value,
    _misindented,
)
