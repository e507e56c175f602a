"""One normalisation for every text value and every operand it is compared with.

CRM cells, fixture values, `--set` values and rule operands all pass through
`normal` before they are compared, in Python and (through
`icpkit.sql.parsing.normal_sql`, which builds the same steps in SQL) in DuckDB:

1. accents and other combining marks are dropped (`Café` reads as `cafe`);
2. the text is lowercased (Unicode-aware; a final sigma `ς` reads as `σ`) and case-folded
   (`unicode15.FOLD`, Unicode's full case folding: `Straße`, `STRASSE` and `strasse` are one
   text, the ligature `ﬁ` reads as `fi`, the long `ſ` as `s`); compatibility forms are not
   folded (a full-width `Ａ` is not an `a`);
3. symbol folds replace a symbol with a word (`&` becomes ` and `), so that
   "Management & Strategy" and "Management and Strategy" are one value;
4. every run of characters that are neither letters nor digits (spaces,
   punctuation, underscores) becomes one `_`, and `_` is trimmed from both ends;
5. word folds replace a whole word with another (`inc` by `incorporated`).

Letters, digits and marks are those of Unicode 15.0 (`icpkit.engine.unicode15`), whatever
the interpreter's own Unicode version, so every backend reads a character alike.

The result is a sequence of words joined by `_` ("management_and_strategy"),
the form set members are stored in and whole-word matching works on. The folds
are configurable per vocabulary (`normalisation: {folds: {...}}`); the default
folds `&` into `and`. A fold's source is a symbol (no letter or digit) or one
word; its target is one or more words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping

from . import unicode15

#: what a value is trimmed of, everywhere it is read (`icp score`, `icp explain`, `icp test`'s
#: typed text, the warehouse SQL's text fields, the parse layer's grammar): ASCII whitespace
#: and its Unicode kin (no-break, figure, narrow no-break, ideographic and the other spaces,
#: line and paragraph separators) and the invisible zero-width space, word joiner and
#: byte-order mark (a BOM mid-file: two exports joined). A cell of nothing else is empty.
#: (Not the separators U+001C..U+001F, which Python's `str.isspace` counts: the parse layer
#: uses U+001F as a marker.)
BLANKS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
)
#: what a CRM export writes for "no value", in any case and with blanks around it: unknown,
#: never a text that mentions 'n' or a member called 'none' (the docs' reading rules)
NULL_TOKENS = ("n/a", "#n/a", "na", "null", "nan", "none", "(blank)", "-", "—", "?")

Folds = tuple[tuple[str, str], ...]

#: the folds of a vocabulary that declares none
DEFAULT_FOLDS: Folds = (("&", "and"),)


def strip_marks(text: str) -> str:
    """Accents and other combining marks dropped (as DuckDB's `strip_accents`); marks are
    Unicode 15.0's (`unicode15`)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", unicode15.MARK_CHAR.sub("", decomposed))


def is_word_char(c: str) -> bool:
    """A letter or a digit in any script, by Unicode 15.0 (SQL: `\\p{L}` or `\\p{N}`)."""
    return unicode15.is_word(c)


def slug(text: str) -> str:
    """Runs of characters other than letters and digits as one `_`, trimmed."""
    return unicode15.NON_WORD_RUN.sub("_", text).strip("_")


def is_symbol(source: str) -> bool:
    """A fold source with no letter or digit (replaced wherever it occurs)."""
    return not any(is_word_char(c) for c in source)


def prepared(folds: Iterable[tuple[str, str]]) -> Folds:
    """Folds as `normal` applies them: sources lowercased without marks; word sources and
    all targets in normal form. Raises ValueError for a fold that cannot be applied."""
    out: list[tuple[str, str]] = []
    for source, target in folds:
        src = lowered(source).strip()
        dst = slug(lowered(target))
        if not src or not dst:
            raise ValueError(
                f"found the fold '{source}' to '{target}'; expected text on both sides"
            )
        if not is_symbol(src):
            src = slug(src)
            if "_" in src:
                raise ValueError(f"found the fold source '{source}'; expected one word or symbols")
        out.append((src, dst))
    return tuple(out)


def normal(text: str, folds: Folds = DEFAULT_FOLDS) -> str:
    """The normal form of `text` (see the module docstring); `folds` as from `prepared`."""
    t = lowered(text)
    for src, dst in folds:
        if is_symbol(src):
            t = t.replace(src, f" {dst} ")
    t = slug(t)
    words = [(s, d) for s, d in folds if not is_symbol(s)]
    if words and t:
        padded = f"_{t}_"
        for src, dst in words:
            # twice: adjacent occurrences share their separator
            for _ in range(2):
                padded = padded.replace(f"_{src}_", f"_{dst}_")
        t = padded[1:-1]
    return t


def folds_of(spec: Mapping[str, str] | None) -> Folds:
    """The prepared folds of a vocabulary's `normalisation.folds` (the default when None)."""
    if spec is None:
        return prepared(DEFAULT_FOLDS)
    return prepared(spec.items())


def words(text: str, folds: Folds = DEFAULT_FOLDS) -> str:
    """`normal(text)` padded with `_` at both ends, for whole-word tests by substring."""
    return f"_{normal(text, folds)}_"


class Text(str):
    """A text value as written (it compares and prints as written) with its normal form,
    worked out once: `normal`, `words` (the normal form padded with `_`) and `low` (marks
    dropped, lowercased and case-folded: `lowered`, for `starts_with` / `ends_with`)."""

    normal: str
    words: str
    low: str

    def __new__(cls, raw: str, folds: Folds = DEFAULT_FOLDS) -> Text:
        obj = super().__new__(cls, raw)
        obj.normal = normal(raw, folds)
        obj.words = f"_{obj.normal}_"
        obj.low = lowered(raw)
        return obj


def read_text(raw: str, folds: Folds = DEFAULT_FOLDS) -> Text | None:
    """A company's text as every reader takes it: blanks around it (`BLANKS`) are no part of
    it ('acme.ai ' ends with '.ai'), and a text of nothing else, or a null token ('N/A',
    'none', '-': `NULL_TOKENS`), is unknown (None), as icp score reads a cell."""
    text = raw.strip(BLANKS)
    return Text(text, folds) if text and text.lower() not in NULL_TOKENS else None


#: `unicode15.FOLD` as `str.translate` reads it
_FOLD_TABLE = {ord(c): f for c, f in unicode15.FOLD.items()}


def _lowered_assigned(text: str) -> str:
    # a final sigma reads as any sigma (SQL's lower() knows no word ends)
    return strip_marks(text).lower().replace("\u03c2", "\u03c3")


def _unassigned_kept(text: str, step: Callable[[str], str]) -> str:
    parts = unicode15.UNASSIGNED_RUN.split(text)
    return "".join(p if i % 2 else step(p) for i, p in enumerate(parts))


def lowered_only(text: str) -> str:
    """Marks dropped and lowercased, not case-folded (`unicodegen.folding` builds the fold
    table from it)."""
    if text.isascii():
        return text.lower()
    return _unassigned_kept(text, _lowered_assigned)


def lowered(text: str) -> str:
    """Marks dropped, lowercased and case-folded (`unicode15.FOLD`), nothing else (SQL:
    `icp_low`). Code points Unicode 15.0 has not assigned are kept as they are (no case, no
    decomposition), and the final sigma `ς` reads as `σ`, as the warehouse's per-character
    lower() gives it. ASCII text is only lowercased (no ASCII letter folds otherwise)."""
    if text.isascii():
        return text.lower()
    return _unassigned_kept(text, lambda p: _lowered_assigned(p).translate(_FOLD_TABLE))
