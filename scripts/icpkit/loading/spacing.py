"""A space missing (or one too many) where YAML needs exactly one: after a list item's dash
(`-id: budget`, `-A pain`, `-  id: budget`) and after a key's colon (`points:20`).

YAML reads `-id` as a key named '-id' and `points:20` as the text 'points:20', so the
parser stops on a later line, or the file reads and its schema finds text where a list or a
mapping belongs, and what it says is about that later line or that other shape. `find`
tries the fix on each line that looks like one of these (the space put in, or the spaces
after the dash made one) and keeps the one after which the file has the fewest problems:
advice built on it is true by construction, as in `indentation`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..problems import Level, Problem
from .indentation import Judge, blank, shown, text_lines

#: a dash with no space after it, where a list item's dash stands (`-id`, `- -x`)
_DASH_TIGHT = re.compile(r"^ *(?:- +)*(?P<dash>-)(?=[^\s-])")
#: a dash with more than one space after it (`-  id: budget`)
_DASH_WIDE = re.compile(r"^ *(?:- +)*?(?P<dash>-)(?P<spaces> {2,})(?=\S)")
#: a key with no space after its colon (`points:20`, `- label:Growing`)
_COLON_TIGHT = re.compile(r"^ *(?:- +)*(?P<key>[A-Za-z_][\w-]*)(?P<colon>:)(?=[^\s:/\\])")


@dataclass(frozen=True)
class Fix:
    """Line `line` (0-based) fixed as `fixed`; `column` (0-based) where the mistake is;
    `message` what is wrong in the editor's words; `left` the problems the file still has."""

    line: int
    column: int
    message: str
    left: Sequence[Problem]


def _candidates(line: str) -> list[tuple[str, int, str]]:
    """(the line fixed, the column of the mistake, the message) for each way `line` may
    be missing a space or have one too many."""
    out = []
    text = line.strip()
    if m := _DASH_TIGHT.match(line):
        at = m.start("dash")
        fixed = line[: at + 1] + " " + line[at + 1 :]
        out.append(
            (
                fixed,
                at,
                f"found the list item '{shown(text)}' with no space after its '-'; expected "
                f"a space after the '-' of a list item ({shown(fixed.strip())})",
            )
        )
    if m := _DASH_WIDE.match(line):
        at, spaces = m.start("dash"), len(m.group("spaces"))
        fixed = line[: at + 1] + " " + line[m.end("spaces") :]
        out.append(
            (
                fixed,
                at,
                f"found {spaces} spaces after the '-' of the list item '{shown(text)}'; "
                f"expected one space, so that the item lines up with its other lines "
                f"({shown(fixed.strip())})",
            )
        )
    if m := _COLON_TIGHT.match(line):
        at = m.start("colon")
        fixed = line[: at + 1] + " " + line[at + 1 :]
        key = m.group("key")
        out.append(
            (
                fixed,
                at,
                f"found '{shown(text)}' with no space after the colon of '{key}'; expected a "
                f"space after a key's colon ({shown(fixed.strip())})",
            )
        )
    return out


def find(text: str, tried: Iterable[int], judge: Judge) -> Fix | None:
    """The fix of one line of `text` (lines `tried`, in order of preference) after which the
    file reads with the fewest problems, or None when no fix makes it read."""
    lines = text.split("\n")
    texts = text_lines(lines)
    best: tuple[tuple[int, int], Fix] | None = None
    for order, i in enumerate(tried):
        if not 0 <= i < len(lines) or blank(lines[i]) or i in texts:
            continue
        for fixed, column, message in _candidates(lines[i]):
            left = judge("\n".join([*lines[:i], fixed, *lines[i + 1 :]]))
            if left is None:
                continue
            rank = (len(left), order)
            if best is None or rank < best[0]:
                best = rank, Fix(i, column, message, left)
    return best[1] if best else None


def as_one(path: str, text: str, problems: list[Problem], judge: Judge) -> list[Problem]:
    """`problems` with those a missing space causes in a file that reads (`-A pain` read
    as text where a list belongs) said as one, at its line: kept only when the fix takes
    problems away and adds none."""
    if not text or not problems:
        return problems
    fix = find(text, range(len(text.split("\n"))), judge)
    if fix is None:
        return problems
    left = {_same(p) for p in fix.left}
    if not left < {_same(p) for p in problems}:
        return problems
    kept = [p for p in problems if _same(p) in left]
    return [
        *kept,
        Problem(path, fix.line + 1, fix.column + 1, Level.ERROR, fix.message, "yaml-syntax", "$"),
    ]


def _same(problem: Problem) -> tuple[str, int, str]:
    return problem.rule, problem.line, problem.message
