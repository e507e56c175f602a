"""A line indented wrongly, found by trying where it belongs.

YAML reads a file's structure from indentation alone, so a line moved a column or two is
read as something else: a key of the mapping above it, the end of a list, a key of the top
level. The parser then stops on a later line, or the file reads and its schema finds a key
where it does not belong. Which column was meant cannot be told from the line alone (is
`summary:` at column 2 a key of `review:` or of the top level?), so `find` tries: it moves
each line near the trouble to each column it could belong at (those of the keys and items
above it, of the block it opens, of the text it is part of) and keeps the move after which
the file has the fewest problems, then the one that leaves its indentation most regular,
then the one nearest the trouble. Advice built on a move is true by construction: the file
was read again with the line there. `say` words the move for the person editing the file.

The helpers that read one line (its indentation, its key, whether it is a list item) are
here too; `syntax` uses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..problems import Level, Problem
from ..textsafety import one_line

#: a line that holds `key:` (after its indentation and any list dashes); a # starts a
#: comment only after a space (`C#: dotnet` is a key)
KEY_LINE = re.compile(
    r"^(?P<indent> *)(?P<dash>(?:- +)*)"
    r"(?P<key>[^\s#'\"{\[](?:[^:\s]|\s+(?!#))*?|'[^']*'|\"[^\"]*\"):(?: |$)"
)
#: a block scalar's header: `key: >-`, `- |`, `key: |2+` (then its lines are text)
BLOCK_HEADER = re.compile(r"(?:^|:\s|-\s)\s*[|>][0-9+-]*\s*(?:#.*)?$")
#: the problems of a whole text read again (a list, empty when it is valid), or None when
#: it is not YAML
Judge = Callable[[str], "Sequence[Problem] | None"]
#: how many lines above the place the parser stopped a moved line is looked for
REACH = 40
#: a move that makes a file read but leaves more problems than this is not a fix
FEW = 3


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def is_item(line: str) -> bool:
    stripped = line.lstrip(" ")
    return stripped == "-" or stripped.startswith("- ")


def blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def shown(text: str, limit: int = 40) -> str:
    text = one_line(text.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def key_at(line_text: str) -> tuple[str, int] | None:
    """The key a line starts with and its 0-based column, if it holds `key:`."""
    m = KEY_LINE.match(line_text)
    if not m:
        return None
    key = m.group("key").strip().strip("'\"")
    return key, len(m.group("indent")) + len(m.group("dash"))


def _opens(line: str) -> bool:
    """Whether a line opens a block below it: `key:` or `-` with nothing after, or the
    header of a block of text (`key: >-`)."""
    bare = re.sub(r"\s+#.*$", "", line).rstrip()
    return bare.endswith(":") or bare.strip() == "-" or bool(BLOCK_HEADER.search(line))


def _columns_of(line: str) -> set[int]:
    """The columns a line starts things at: its indentation, and the key after its dash."""
    own = key_at(line)
    return {indent(line)} | ({own[1]} if own else set())


def text_lines(lines: Sequence[str]) -> set[int]:
    """The lines that are text of a block scalar (below `key: >-`, `- |`): indented more
    than its header, and at least as much as its first line."""
    out: set[int] = set()
    header, first = -1, -1
    for i, line in enumerate(lines):
        if header >= 0 and (blank(line) or indent(line) >= max(first, header + 1)):
            out.add(i)
            first = first if first >= 0 or blank(line) else indent(line)
            continue
        header = indent(line) if not blank(line) and BLOCK_HEADER.search(line) else -1
        first = -1
    return out


@dataclass(frozen=True)
class Move:
    """Line `line` belongs at `column` (both 0-based); `left`: the problems the file still
    has with the line there."""

    line: int
    column: int
    left: Sequence[Problem]


def columns(lines: Sequence[str], m: int, texts: set[int]) -> list[int]:
    """The columns line `m` could belong at, nearest first: those of the structure above
    it (`_structure`) and, for a line of text, those of the lines around it."""
    here = indent(lines[m])
    found = _structure(lines, m, texts)
    near = [i for i in (m - 1, m + 1) if 0 <= i < len(lines) and not blank(lines[i])]
    if m in texts or m - 1 in texts or not (key_at(lines[m]) or is_item(lines[m])):
        found |= {indent(lines[i]) for i in near}  # a line of text, or just after some
    return sorted(found - {here}, key=lambda c: (abs(c - here), c))


def _structure(lines: Sequence[str], m: int, texts: set[int]) -> set[int]:
    """The columns of the keys and items above line `m`, each one further left than the
    last (the mappings and lists it may end), and those under the line just above it when
    that one opens a block."""
    found: set[int] = set()
    structure = (i for i in range(m - 1, -1, -1) if not blank(lines[i]) and i not in texts)
    limit: int | None = None
    for i in structure:
        cols = _columns_of(lines[i])
        if limit is None and _opens(lines[i]):  # under it: as the file indents, or as below
            top, below = max(cols), _next(lines, m)
            cols.add(top + 2)
            if below is not None and indent(lines[below]) > top:
                cols.add(indent(lines[below]))
        found |= {c for c in cols if limit is None or c < limit}
        limit = min(cols) if limit is None else min(limit, *cols)
        if limit == 0:
            break
    if limit is None:
        found.add(0)
    return found


def moved(lines: Sequence[str], m: int, column: int) -> list[str]:
    return [*lines[:m], " " * column + lines[m].lstrip(" "), *lines[m + 1 :]]


def find(text: str, tried: Iterable[int], judge: Judge) -> Move | None:
    """The best move of one line of `text` (lines `tried`, in order of preference) to a
    column where the file reads, or None when no move makes it read."""
    lines = text.split("\n")
    texts, usual = text_lines(lines), _usual(lines)
    best: tuple[tuple[int, tuple[int, int], int, int], Move] | None = None
    for order, m in enumerate(tried):
        if not 0 <= m < len(lines) or blank(lines[m]):
            continue
        for column in columns(lines, m, texts):
            after = moved(lines, m, column)
            left = judge("\n".join(after))
            if left is None:
                continue
            rank = (len(left), _irregular(after, usual), order, abs(column - indent(lines[m])))
            if best is None or rank < best[0]:
                best = rank, Move(m, column, left)
    return best[1] if best else None


def _steps(lines: Sequence[str]) -> dict[int, int]:
    """The line that opens each block -> how far the block is indented under it (2 in a
    file that indents by 2, 0 for a list in its key's column)."""
    steps = {}
    above = None
    for i, line in enumerate(lines):
        if blank(line):
            continue
        if above is not None and _opens(lines[above]):
            steps[above] = indent(line) - max(_columns_of(lines[above]))
        above = i
    return steps


def _usual(lines: Sequence[str]) -> int:
    """The step most blocks are indented by."""
    steps = list(_steps(lines).values())
    return max(set(steps), key=steps.count, default=2)


def _irregular(lines: Sequence[str], usual: int) -> tuple[int, int]:
    """How irregular an indentation is: how many blocks are indented by another step than
    `usual`, then how many different columns lines start at (one more when none starts at
    the first)."""
    starts = {indent(x) for x in lines if not blank(x)}
    odd = sum(step != usual for step in _steps(lines).values())
    return odd, len(starts) + (0 not in starts)


def suspects(text: str, line: int) -> list[int]:
    """The lines to try moving when the parser stopped on `line`, nearest first: those up
    to `REACH` lines above it, then any line further up whose block is indented by another
    step than the file's others (a key moved with its block below it, which the parser
    reads on until the block ends)."""
    lines = text.split("\n")
    usual = _usual(lines)
    odd = [i for i, step in _steps(lines).items() if step != usual and i <= line - REACH]
    return [*range(line, line - REACH, -1), *sorted(odd, reverse=True)]


def _what(line: str) -> str:
    own = key_at(line)
    if is_item(line):
        return f"the item '{shown(line, 30)}'"
    return f"'{one_line(own[0])}'" if own else f"'{shown(line)}'"


def _sibling(lines: Sequence[str], m: int, column: int, texts: set[int]) -> int | None:
    """The nearest line that starts at `column` what line `m` starts there (a key, an item),
    with no line further left between them: above `m`, else below it."""
    item = is_item(lines[m])
    for step in (-1, 1):
        i = m + step
        while 0 <= i < len(lines):
            line = lines[i]
            i += step
            if blank(line) or i - step in texts:
                continue
            if item and is_item(line) and indent(line) == column:
                return i - step
            own = key_at(line)
            if not item and own is not None and own[1] == column:
                return i - step
            if indent(line) < column or (own is not None and own[1] < column):
                break
    return None


def _parent(lines: Sequence[str], m: int, column: int) -> tuple[str, int, int] | None:
    """(key, line, column) of the key line `m` is indented under at `column`."""
    for i in range(m - 1, -1, -1):
        own = None if blank(lines[i]) else key_at(lines[i])
        if own is not None and own[1] < column:
            return own[0], i, own[1]
        if not blank(lines[i]) and indent(lines[i]) < column:
            return None
    return None


def say(text: str, move: Move) -> str:
    """What is wrong with the line `move` moves and where it belongs, in the editor's
    columns (1-based, as file:line:col), naming the key or item it belongs with."""
    lines = text.split("\n")
    line, at, to = lines[move.line], indent(lines[move.line]) + 1, move.column + 1
    fixed = moved(lines, move.line, move.column)
    what, own = _what(line), key_at(line)
    than = "less" if at < to else "more"
    texts = text_lines(fixed)
    read_as = text_lines(lines)
    if own and move.line not in texts and move.line in read_as:
        header = next(i for i in range(move.line, -1, -1) if i not in read_as)
        named = key_at(lines[header])
        of = f" of '{one_line(named[0])}' on line {header + 1}" if named else ""
        return (
            f"found {what} at column {at}, which YAML reads as more of the text{of}; "
            f"expected {what} at column {to}, as a key of its own"
        )
    if move.line in texts or not (own or is_item(line)):
        owner = _parent(fixed, move.line, move.column)
        of = f" of '{one_line(owner[0])}' on line {owner[1] + 1}" if owner else ""
        alone = move.line - 1 not in texts and move.line + 1 not in texts
        return (
            f"found '{shown(line)}' at column {at}; expected it at column {to}, as a line of "
            f"the text{of}" + ("" if alone else ", in the same column as its other lines")
        )
    sibling = _sibling(fixed, move.line, move.column, texts)
    if sibling is not None and is_item(line):
        return (
            f"found {what} at column {at}, indented {than} than the item on line "
            f"{sibling + 1} (column {to}), an item of the same list; expected it at column {to}"
        )
    named = key_at(fixed[sibling]) if sibling is not None else None
    if sibling is not None and named is not None:
        return (
            f"found {what} at column {at}, indented {than} than '{one_line(named[0])}' on "
            f"line {sibling + 1} (column {to}), the key it belongs with; expected {what} at "
            f"column {to}"
        )
    parent = _parent(fixed, move.line, move.column)
    under = (
        f", indented under '{one_line(parent[0])}' on line {parent[1] + 1} "
        f"(column {parent[2] + 1}), the key it belongs to"
        if parent
        else ""
    )
    return f"found {what} at column {at}; expected it at column {to}{under}"


def as_one(
    path: str,
    text: str,
    problems: list[Problem],
    judge: Judge,
    rules: frozenset[str],
    missing: Iterable[str] = (),
    names: frozenset[str] | None = None,
) -> list[Problem]:
    """`problems` with those one line indented wrongly causes said as one, at that line:
    tried when one of them has one of `rules` (a key unknown where it stands, a key seen
    twice), on the lines near them and those of the `missing` keys; kept only when moving
    the line takes problems away and adds none, and, given the `names` of the keys a
    file of its kind has, when the line holds one of them (a key no file has is not put
    into a mapping that takes any key)."""
    if not text or not any(p.rule in rules for p in problems):
        return problems
    lines = text.split("\n")
    missing = set(missing)
    near = {p.line - 1 + d for p in problems if p.rule in rules for d in (-1, 0, 1)}
    near |= {i for i, line in enumerate(lines) if (own := key_at(line)) and own[0] in missing}
    move = find(text, sorted(near), judge)
    own = key_at(lines[move.line]) if move else None
    if move is None or (names is not None and own is not None and own[0] not in names):
        return problems
    left = {_same(p) for p in move.left}
    if not left < {_same(p) for p in problems}:
        return problems
    return [p for p in problems if _same(p) in left] + [_problem(path, text, move)]


def _same(problem: Problem) -> tuple[str, int, str]:
    return problem.rule, problem.line, problem.message


def swallowed(path: str, text: str, names: frozenset[str], judge: Judge) -> Problem | None:
    """A key pushed right into the text above it (`tags:` under the lines of `summary: >-`):
    YAML reads it as the last line of that text, and the file may be valid without it. One
    problem at it, when it is one of the `names` a file of its kind has and moving it left
    makes it a key again in a file that stays valid."""
    lines = text.split("\n")
    texts = text_lines(lines)
    last = [i for i in texts if not blank(lines[i]) and _next(lines, i) not in texts]
    tried = [i for i in last if (own := key_at(lines[i])) and own[0] in names]
    move = find(text, tried, judge) if tried else None
    if move is None or move.left or move.line in text_lines(moved(lines, move.line, move.column)):
        return None
    return _problem(path, text, move)


def _problem(path: str, text: str, move: Move) -> Problem:
    """The one problem of a line indented wrongly, at the line as it stands."""
    at = indent(text.split("\n")[move.line]) + 1
    return Problem(path, move.line + 1, at, Level.ERROR, say(text, move), "yaml-indent", "$")


def _next(lines: Sequence[str], i: int) -> int | None:
    return next((j for j in range(i + 1, len(lines)) if not blank(lines[j])), None)
