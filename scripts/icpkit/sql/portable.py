"""The portable normal form: a text's normal form (`icpkit.engine.normal`) as exact tables, for
the warehouse dialects that have no Unicode-aware lowercasing, accent strip or letter class.

Exact for a bounded repertoire of characters (`REPERTOIRE`), computed here from the project's
own definition, `normal.lowered`, applied to each character:

- tab, line feed, carriage return and printable ASCII (U+0020-U+007E);
- Latin-1 Supplement (U+00A0-U+00FF), Latin Extended-A and -B (U+0100-U+024F);
- combining diacritical marks (U+0300-U+036F);
- Greek and Coptic (U+0370-U+03FF) and Cyrillic (U+0400-U+04FF);
- Latin Extended Additional (U+1E00-U+1EFF);

each code point Unicode 15.0 assigns, except U+037E GREEK QUESTION MARK, whose canonical
form is `;`, the separator of a set's members. Per character, lowering (marks dropped,
lowercase, case-folded) means one character or none (a mark), so one
`TRANSLATE(text, FROM, TO)` gives the lowered text (a character of FROM with no counterpart in
TO is deleted, as PostgreSQL, Spark, Snowflake and BigQuery define it), but for the few
characters whose case folding is several characters (`ß` and `ẞ` are `ss`, `ŉ`, `ẚ`:
`Tables.expand`), which TRANSLATE leaves as they are and one REPLACE each then expands;
runs of characters outside `WORD` (the word characters those characters lower to, listed as
code point ranges: never an engine's `\\w` or `[:alpha:]`, which follow a locale or a Unicode
version) become one `_`. `tests/test_portable_normal.py` checks that the characters compose:
the lowered text of any string of the repertoire is its characters' lowered forms joined.

A text holding any other character (an emoji, CJK, a C0 control other than tab and line
breaks) is unknown in those dialects: `OUTSIDE` finds such a character.

SQLite has no TRANSLATE and no regular expressions: there the repertoire is ASCII only
(`ASCII_NON_WORD`: the characters replaced one by one), which its ASCII `lower()` lowers
exactly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..engine.normal import is_word_char, lowered
from ..engine.unicode15 import is_unassigned

#: the blocks of the repertoire, as (first, last) code points
BLOCKS: tuple[tuple[int, int], ...] = (
    (0x09, 0x0A),
    (0x0D, 0x0D),
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x300, 0x36F),
    (0x370, 0x3FF),
    (0x400, 0x4FF),
    (0x1E00, 0x1EFF),
)


@dataclass(frozen=True)
class Tables:
    """The portable normal form's tables."""

    #: every character of the repertoire
    repertoire: frozenset[str]
    #: TRANSLATE's FROM: the characters that lower to another character, then those that
    #: lower to none (marks), which TRANSLATE deletes
    source: str
    #: TRANSLATE's TO: the lowered character of each of the first characters of `source`
    target: str
    #: the characters (not in `source`) whose lowered form is several characters, with that
    #: form: one REPLACE each, after TRANSLATE
    expand: tuple[tuple[str, str], ...]
    #: the word characters (letters and digits by Unicode 15.0) of the lowered repertoire
    word: frozenset[str]


def _lowers_to(c: str) -> str:
    return lowered(c)


@functools.cache
def tables() -> Tables:
    """The tables, computed from `normal.lowered` (once per process)."""
    chars = [
        chr(cp)
        for first, last in BLOCKS
        for cp in range(first, last + 1)
        if not is_unassigned(chr(cp))
    ]
    # a character other than ";" that lowers to ";" (U+037E) would cut a set member in two
    repertoire = [c for c in chars if c == ";" or ";" not in _lowers_to(c)]
    mapped = [(c, _lowers_to(c)) for c in repertoire if len(_lowers_to(c)) == 1]
    mapped = [(c, t) for c, t in mapped if t != c]
    dropped = [c for c in repertoire if _lowers_to(c) == ""]
    expand = tuple((c, _lowers_to(c)) for c in repertoire if len(_lowers_to(c)) > 1)
    images = {x for c in repertoire for x in _lowers_to(c)}
    return Tables(
        repertoire=frozenset(repertoire),
        source="".join(c for c, _ in mapped) + "".join(dropped),
        target="".join(t for _, t in mapped),
        expand=expand,
        word=frozenset(c for c in images if is_word_char(c)),
    )


def bracket(chars: frozenset[str] | set[str]) -> str:
    """The inside of a regular expression bracket class holding exactly `chars`, as literal
    characters and code point ranges (`a-z`). Only letters, digits and marks may be written
    as themselves; a printable ASCII run is written as the range ` -~` by the caller."""
    points = sorted(ord(c) for c in chars)
    out: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = chr(points[i]), chr(points[j])
        if j - i >= 2:
            out.append(f"{first}-{last}")
        else:
            out.append("".join(chr(p) for p in points[i : j + 1]))
        i = j + 1
    return "".join(out)


def _special(c: str) -> bool:
    """A character a bracket class may read as syntax in some engine (`]`, `\\`, `^`, `-`,
    `[`, `&`, ...): anything that is not a letter, digit or mark."""
    return not (is_word_char(c) or "\u0300" <= c <= "\u036f")


@functools.cache
def outside_class() -> str:
    """A bracket class matching one character outside the repertoire (`[^...]`): tab and line
    breaks as the escapes `\\t`, `\\n`, `\\r` (every engine's regular expressions read them,
    and the SQL holds no control character), printable ASCII as the range ` -~` (so no
    bracket syntax is written as itself), then the other characters as code point ranges."""
    rep = tables().repertoire
    rest = {c for c in rep if ord(c) > 0x7E}
    return "[^\\t\\n\\r -~" + bracket(rest) + "]"


@functools.cache
def word_class(extra: frozenset[str] = frozenset()) -> str:
    """The inside of a bracket class of the word characters of the lowered repertoire, and
    `extra` (word characters a fold writes)."""
    chars = set(tables().word) | set(extra)
    bad = sorted(c for c in chars if _special(c))
    assert not bad, f"not a word character: {bad}"
    return bracket(chars)


#: SQLite: the ASCII characters that are not letters or digits (each becomes `_`)
ASCII_NON_WORD = "\t\n\r" + "".join(chr(cp) for cp in range(0x20, 0x7F) if not chr(cp).isalnum())
#: SQLite: a character no accepted text holds, used to squeeze runs of a character (a C0
#: control outside the ASCII repertoire)
MARKER = "\x01"
