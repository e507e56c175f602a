"""A space missing (or one too many) where YAML needs exactly one: after a list item's dash
(`-id: budget`, `-A pain`, `-  id: budget`) and after a key's colon (`points:20`); and a
list item's dash missing altogether (`dashless`: `id: growth` where `- id: growth` was).

YAML reads `-id` as a key named '-id' and `points:20` as the text 'points:20', so the
parser stops on a later line, or the file reads and its schema finds text where a list or a
mapping belongs, and what it says is about that later line or that other shape. `find`
tries the fix on each line that looks like one of these (the space put in, or the spaces
after the dash made one) and keeps the one after which the file has the fewest problems:
advice built on it is true by construction, as in `indentation`. The same mistake on the
lines just below (`-A pain`, `-Another`) or further down (`points:50` in two rules) is
fixed with it, and named: in the one message of a file that does not read, as problems
of their own in one that does. In a file that reads, a fix is kept only when it takes
away a problem at its line and adds none there (`- Ask:how many` in a list of text
stays text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from ..problems import Level, Problem
from ..textsafety import LOOKALIKE_SPACE, describe, escape
from ..yamlvalues import quoted
from .indentation import Judge, blank, indent, is_item, shown, text_lines
from .parser import stops

#: a dash with no space after it, where a list item's dash stands (`-id`, `- -x`)
_DASH_TIGHT = re.compile(r"^ *(?:- +)*(?P<dash>-)(?=[^\s-])")
#: a dash with more than one space after it (`-  id: budget`)
_DASH_WIDE = re.compile(r"^ *(?:- +)*?(?P<dash>-)(?P<spaces> {2,})(?=\S)")
#: a key with no space after its colon (`points:20`, `- label:Growing`)
_COLON_TIGHT = re.compile(r"^ *(?:- +)*(?P<key>[A-Za-z_][\w-]*)(?P<colon>:)(?=[^\s:/\\])")
#: a key with no space after its colon inside a { } mapping (`{field:employees}`)
_FLOW_TIGHT = re.compile(r"(?P<key>[{,] *[A-Za-z_][\w-]*)(?P<colon>:)(?=[^\s:/\\,}])")

#: a key and its value with no colon between them (`status active`, `- points 50`), or a
#: key alone on its line with no colon (`review`)
_NO_COLON = re.compile(
    r"^(?P<lead> *(?:- +)*)(?P<key>[A-Za-z_][\w-]*)(?:(?P<gap> +)(?P<value>[^\s#:'\"][^#]*?))?"
    r"(?P<rest> +#.*)? *$"
)

#: `has_any: dotnet, python` inside { }: values with commas between them, up to the } or
#: the next key (a comma ends a value there, so each word after one reads as a key)
_FLOW_COMMAS = re.compile(
    r"(?:(?<=[{,])|(?<=[{,] ))(?P<key>[A-Za-z_][\w-]*): "
    r"(?P<values>[^,\[\]{}:'\"#]+(?:, *[^,\[\]{}:'\"#]+)+?)"
    r"(?= *(?:}|, *[A-Za-z_][\w-]*:))"
)


@dataclass(frozen=True)
class Fix:
    """The mistake on line `line` at `column` (both 0-based), `message` what is wrong in the
    editor's words; `left` the problems the file still has once it is fixed."""

    line: int
    column: int
    message: str
    left: Sequence[Problem]
    #: the lines below it with the same mistake: (line, column, message), 0-based
    also: Sequence[tuple[int, int, str]] = ()


def _dash(line: str) -> tuple[str, int, str, str] | None:
    """`line` with the spaces after a list item's dash made one, the dash's column, what
    was wrong and what is expected; None when they are one already."""
    if m := _DASH_TIGHT.match(line):
        at = m.start("dash")
        return (
            line[: at + 1] + " " + line[at + 1 :],
            at,
            "no space after its '-'",
            "a space after the '-' of a list item",
        )
    if m := _DASH_WIDE.match(line):
        at = m.start("dash")
        return (
            line[: at + 1] + " " + line[m.end("spaces") :],
            at,
            f"{len(m.group('spaces'))} spaces after its '-'",
            "one space after the '-' of a list item, so that the item lines up with its "
            "other lines",
        )
    return None


def _colon(line: str) -> tuple[str, int, str, str] | None:
    """`line` with a space after its key's colon (and its value in quotes when it holds
    ': ' too), the colon's column, what was wrong and what is expected; None when the
    colon has its space."""
    m = _COLON_TIGHT.match(line)
    if not m:
        return None
    at, key = m.start("colon"), m.group("key")
    value = line[at + 1 :]
    comment = value.find(" #")
    value, rest = (value[:comment], value[comment:]) if comment >= 0 else (value, "")
    expected = "a space after a key's colon"
    if ": " in value:
        value, expected = quoted(value), expected + ", and the value in quotes as it holds ': '"
    return (
        line[: at + 1] + " " + value.rstrip() + rest,
        at,
        f"no space after the colon of '{key}'",
        expected,
    )


def _no_colon(line: str) -> tuple[str, int, str] | None:
    """`line` with the colon put after its first word, the column where it goes, and the
    message; None when the line has a colon or is not a word and a value."""
    m = _NO_COLON.match(line)
    if not m or (m.group("value") and ": " in m.group("value")):
        return None
    key, value = m.group("key"), (m.group("value") or "").rstrip()
    at = m.end("key")
    fixed = f"{m.group('lead')}{key}:" + (f" {value}" if value else "") + (m.group("rest") or "")
    return (
        fixed,
        at,
        f"found '{shown(line)}' with no colon after '{key}'; expected a colon after a key "
        f"({shown(fixed)})",
    )


#: blanks, one of them a look-alike space, between a key and its colon
_BLANKS = f"[ {LOOKALIKE_SPACE.pattern[1:-1]}]*"
_BEFORE_COLON = re.compile(rf"(?<=\S){_BLANKS}{LOOKALIKE_SPACE.pattern}{_BLANKS}(?=:(?:\s|$))")


def _lookalike(line: str) -> tuple[str, int, str] | None:
    """`line` with each character that looks like a space made a space, the column of the
    first, and the message; None when it has none."""
    first = LOOKALIKE_SPACE.search(line)
    if first is None:
        return None
    # between a key and its colon (`points\xa0: 50`) it goes: `points: 50`, not `points : 50`
    before_colon = _BEFORE_COLON.search(line)
    if before_colon is not None and before_colon.start() < line.find(":"):
        line_fixed = line[: before_colon.start()] + line[before_colon.end() :]
    else:
        line_fixed = line
    expected = "a plain space" if line_fixed is line else "no space between a key and its colon"
    fixed = LOOKALIKE_SPACE.sub(" ", line_fixed)
    written = LOOKALIKE_SPACE.sub(lambda m: escape(m.group()), line)
    return (
        fixed,
        first.start(),
        f"found '{shown(written)}' with a {describe(first.group())} at column "
        f"{first.start() + 1}, which looks like a space and is not one to YAML (pasted text "
        f"often holds one); expected {expected} ({shown(fixed)})",
    )


def _flow(line: str) -> tuple[str, int, str, str] | None:
    """`line` with a space after each key's colon inside a { } mapping on it
    (`{field:employees}`): the line fixed, the first colon's column, that key and value
    as written and as they should be; None when each colon has its space."""
    first = _FLOW_TIGHT.search(line)
    if first is None:
        return None
    start = first.start("key") + 1
    piece = re.split(r"[,}]", line[start:], maxsplit=1)[0].strip()
    return (
        _FLOW_TIGHT.sub(r"\g<key>: ", line),
        first.start("colon"),
        piece,
        piece.replace(":", ": ", 1),
    )


def _candidates(line: str) -> list[tuple[str, int, str]]:
    """(the line fixed, the column of the mistake, the message) for each way `line` may
    be missing a space after a dash or colon (or have one too many after a dash), alone
    and together."""
    out = []
    text = shown(line)
    dash, colon = _dash(line), _colon(line)
    both = (dash, _colon(dash[0])) if dash else (None, None)
    for fixes in ([dash], [colon], list(both)):
        if any(f is None for f in fixes):
            continue
        done = [f for f in fixes if f is not None]
        fixed = done[-1][0]
        message = (
            f"found '{text}' with {' and '.join(f[2] for f in done)}; expected "
            f"{', and '.join(f[3] for f in done)} ({shown(fixed)})"
        )
        out.append((fixed, done[0][1], message))
    if flow := _flow(line):
        key = flow[2].split(":", 1)[0]
        message = (
            f"found '{shown(flow[2])}' with no space after the colon of '{key}'; expected a "
            f"space after a key's colon, inside {{ }} too ({shown(flow[3])})"
        )
        out.append((flow[0], flow[1], message))
    if lookalike := _lookalike(line):
        out.append(lookalike)
    return out + _flow_commas(line)


def _flow_commas(line: str) -> list[tuple[str, int, str]]:
    """`{field: tech_stack, has_any: dotnet, python}`: the line with the values after a key
    as a list in brackets, and as one text in quotes (the mistake's column, the message)."""
    m = _FLOW_COMMAS.search(line)
    if m is None:
        return []
    key, values = m.group("key"), [v.strip() for v in m.group("values").split(",")]
    written = f"{key}: {m.group('values').strip()}"
    start, end = m.span()
    out = []
    for meant, what in (
        (f"{key}: [{', '.join(values)}]", "a list in brackets"),
        (f"{key}: {quoted(', '.join(values))}", "the value in quotes, as it holds a comma"),
    ):
        out.append(
            (
                line[:start] + meant + line[end:],
                start,
                f"found '{shown(written)}' with commas inside {{ }}, where a comma ends a "
                f"value (so {quoted(values[1])} reads as a key of its own); expected {what} "
                f"({shown(meant)})",
            )
        )
    return out


def colonless(line: str) -> list[tuple[str, int, str]]:
    """The fix of `line` when it is a key and its value with no colon between them: tried
    after a line moved out of place, as a line of text moved left reads as one too."""
    fix = _no_colon(line)
    return [fix] if fix is not None else []


def dashless(line: str) -> list[tuple[str, int, str]]:
    """`line` made a list item, when it is one whose dash was deleted: `id: growth` with the
    keys of the item above it (YAML reads it as more keys of that item: each one a second
    time), or at its list's dashes (the parser stops). The dash is put where the list's
    dashes may stand: two columns left of the line (the dash and its space deleted), one
    (the dash alone), or at its own column; the column given is the line's own."""
    if blank(line) or is_item(line):
        return []
    here = indent(line)
    body = line[here:]
    out = []
    for column in (here - 2, here - 1, here):
        if column < 0:
            continue
        fixed = " " * column + "- " + body
        out.append(
            (
                fixed,
                here,
                f"found '{shown(line)}' with no '-' before it (so it is read as more of "
                f"what is above it); expected a list item of its own, '- {shown(body)}' "
                f"with its dash at column {column + 1}",
            )
        )
    return out


Candidates = Callable[[str], list[tuple[str, int, str]]]


def find(
    text: str,
    tried: Iterable[int],
    judge: Judge,
    accept: Callable[[int, Sequence[Problem]], bool] | None = None,
    depth: int = 0,
    candidates: Candidates = _candidates,
    alone: bool = False,
) -> Fix | None:
    """The fix of one line of `text` (lines `tried`, in order of preference) after which the
    file reads with the fewest problems (and, given `accept`, that it accepts), or None when
    no fix makes it read. A fix of one line that leaves the file unread is tried again with
    the same fix on the lines just below it that need it too (`-A pain` then `-Another`),
    then with a fix of the same kinds further down, where the parser now stops (`points:50`
    in two rules): the lines below are in the fix's `also`. `alone`: only one line is
    fixed (a dash missing is one line's mistake)."""
    lines = text.split("\n")
    texts = text_lines(lines)
    best: tuple[tuple[int, int], Fix] | None = None
    for order, i in enumerate(tried):
        if not 0 <= i < len(lines) or blank(lines[i]) or i in texts:
            continue
        for n, (fixed, column, message) in enumerate(candidates(lines[i])):
            after = [*lines[:i], fixed, *lines[i + 1 :]]
            left = judge("\n".join(after))
            more: list[tuple[int, int, str]] = []
            if left is None and not alone and (alike := _alike(lines, i, n, candidates)):
                for j in alike:
                    after[j] = candidates(lines[j])[n][0]
                left = judge("\n".join(after))
                more = [(j, *candidates(lines[j])[n][1:]) for j in alike]
            deeper = left is None and not alone and depth < _DEPTH
            if deeper and (stop := stops("\n".join(after))) and stop > i:
                below = find(
                    "\n".join(after),
                    range(stop, max(i, stop - _NEAR), -1),
                    judge,
                    None,
                    depth + 1,
                    candidates,
                )
                if below is not None:
                    left = below.left
                    more += [(below.line, below.column, below.message), *below.also]
            if left is None or (accept is not None and not accept(i, left)):
                continue
            rank = (len(left), order)
            if best is None or rank < best[0]:
                best = rank, Fix(i, column, message, left, more)
    return best[1] if best else None


#: how many mistakes of this kind one reading finds in a file that does not read
_DEPTH = 3
#: how far above where the parser stops the next such mistake is looked for
_NEAR = 3


def said(fix: Fix) -> str:
    """The message of `fix`, naming the lines below it that need fixing too."""
    if not fix.also:
        return fix.message
    lines = sorted({line + 1 for line, _, _ in fix.also})
    named = ", ".join(str(n) for n in lines[:-1]) + (" and " if len(lines) > 1 else "")
    return (
        f"{fix.message}; line{'s' if len(lines) > 1 else ''} {named}{lines[-1]} "
        f"need{'' if len(lines) > 1 else 's'} the same kind of fix"
    )


def _alike(lines: Sequence[str], i: int, n: int, candidates: Candidates) -> list[int]:
    """The lines just below line `i`, at its indentation, that need the same fix (the
    `n`th of their candidates has the same message but for the line's text)."""
    out = []
    kind = _kind(lines[i], n, candidates)
    for j in range(i + 1, len(lines)):
        if blank(lines[j]):
            continue
        if indent(lines[j]) != indent(lines[i]) or _kind(lines[j], n, candidates) != kind:
            break
        out.append(j)
    return out


def _kind(line: str, n: int, candidates: Candidates) -> str | None:
    """What the `n`th fix of `line` is about (its message without the line's text)."""
    found = candidates(line)
    said = found[n][2].split("' with ", 1)[-1].split(";")[0] if n < len(found) else None
    return re.sub(r"'[^']*'", "''", said) if said else None


def as_one(
    path: str,
    text: str,
    problems: list[Problem],
    judge: Judge,
    tried: Iterable[int] | None = None,
    candidates: Candidates = _candidates,
) -> list[Problem]:
    """`problems` with those a missing space causes in a file that reads (`-A pain` read
    as text where a list belongs) said as one, at its line: kept only when the fix takes
    away a problem at that line and adds none there; what is left once it is fixed (a key
    missing from the mapping it makes) is said with it. `tried`: the lines to try (all
    by default); `candidates`: the fixes (a dash missing: `dashless`, tried alone)."""
    if not text or not problems:
        return problems
    before = {_same(p) for p in problems}

    def accept(i: int, left: Sequence[Problem]) -> bool:
        after = {_same(p) for p in left}
        gone = any(p[1] == i + 1 for p in before - after)
        return gone and not any(p[1] == i + 1 for p in after - before)

    lines = range(len(text.split("\n"))) if tried is None else tried
    alone = candidates is dashless
    fix = find(text, lines, judge, accept, candidates=candidates, alone=alone)
    if fix is None:
        return problems
    # what is left once it is fixed is true of the file now (`review:` has no `cadence:`)
    # (those of the schema: the file's own reading says the others)
    kept = [replace(p, path=path) for p in fix.left if p.rule.startswith("schema-")]
    return [
        *kept,
        *(
            Problem(path, line + 1, column + 1, Level.ERROR, message, "yaml-syntax", "$")
            for line, column, message in [(fix.line, fix.column, fix.message), *fix.also]
        ),
    ]


def _same(problem: Problem) -> tuple[str, int, str]:
    return problem.rule, problem.line, problem.message
