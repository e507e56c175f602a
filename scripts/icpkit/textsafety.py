"""Text that cannot hurt: control, bidirectional and invisible characters, found and shown.

A title holding `ESC[2K` or a carriage return rewrites a terminal line; a right-to-left
override makes code read differently from how it runs ("Trojan Source", CVE-2021-42574);
a zero-width space makes `owners\u200b` look like `owners`. `unsafe_characters` finds them
(for `validate`), `visible` writes each as an escape anyone can read (for every echo).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

#: bidirectional controls (Trojan Source): embeddings, overrides, isolates, marks
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
#: characters that take no space: zero-width space/joiners, word joiner, BOM, soft hyphen,
#: and the fillers that render as blank letters (Hangul fillers, the braille blank)
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
    "\u3164\u115f\u1160\uffa0\u2800"
)


def kind_of(char: str) -> str | None:
    """'a control character', 'a bidirectional control', 'an invisible character' or None.

    Tab and newline are not reported (YAML folds them; they are not hidden)."""
    if char in "\t\n":
        return None
    if char in BIDI:
        return "a bidirectional control"
    if char in INVISIBLE:
        return "an invisible character"
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):  # controls, and the line / paragraph separators
        return "a control character"
    if category == "Cf":  # every other format character (tag characters U+E0000..) is unseen
        return "an invisible character"
    return None


#: characters that look like a space and that YAML does not read as one (pasted from a
#: document, a slide or a chat: a no-break space, a narrow or an ideographic space)
LOOKALIKE_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def unsafe_characters(text: str) -> Iterator[tuple[int, str, str]]:
    """(index, character, kind) of every unsafe character in `text`, in order."""
    for i, char in enumerate(text):
        kind = kind_of(char)
        if kind is not None:
            yield i, char, kind


def escape(char: str) -> str:
    """A character as it would be written in a double-quoted YAML string: `\\x1b`, `\\u200b`."""
    code = ord(char)
    if code < 0x100:
        return {"\r": "\\r", "\t": "\\t", "\n": "\\n", "\0": "\\0"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """`text` with every control, bidirectional and invisible character shown as its escape.

    Newlines and tabs stay (a multi-line rendering), unless `keep_newlines` is false: then
    they are escaped too and the result is always one line (see `one_line`)."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        escape(c) if (kind_of(c) is not None or (c in "\n\t" and not keep_newlines)) else c
        for c in text
    )


def one_line(text: str) -> str:
    """`text` as one line that shows every character it holds: newlines, carriage returns,
    tabs, ESC, bidirectional and invisible characters as their escapes. Every message that
    can echo a value from a file, a cell or an option is passed through this once, where
    it is built (`Problem`, a rule test's result, a value shown in a verdict), so no output
    format (text, GitHub annotations, Markdown, JSON) can receive a raw line break from it."""
    return visible(text, keep_newlines=False)


def flat(text: str) -> str:
    """A label on one line as a reader wants it: runs of blanks and line breaks (a YAML
    block scalar's) are one space, none at either end, and what else `one_line` shows."""
    return one_line(" ".join(text.split()))


#: the ASCII control characters' usual names (Unicode gives them none)
_C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LINE FEED", "VT",
    "FF", "CARRIAGE RETURN", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN",
    "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
)  # fmt: skip
_CONTROL_NAMES = {chr(i): name for i, name in enumerate(_C0_NAMES)} | {
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}


def describe(char: str) -> str:
    """'ESC (\\x1b)', 'RIGHT-TO-LEFT OVERRIDE (\\u202e)', 'C1 control (\\x9b)', 'U+E000
    (\\ue000)' (a character Unicode names not): the character's name and escape."""
    c1 = "C1 control" if "\x80" <= char <= "\x9f" else f"U+{ord(char):04X}"
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char, c1)
    return f"{name} ({escape(char)})"


#: opening typographic quote -> the closing ones a word processor writes with it (English,
#: German, French, Swiss, and the same mark at both ends)
_TYPOGRAPHIC = {
    "‘": "’‘",
    "’": "’",
    "“": "”“",
    "”": "”",
    "‚": "‘’",
    "„": "“”",
    "«": "»",
    "»": "«»",
    "‹": "›",
    "›": "‹›",
}


def typographic_inner(value: object) -> str | None:
    """The text inside typographic quotes pasted from a document (`‘@ops’` -> `@ops`,
    `„FR“` -> `FR`), or None when `value` is not text wrapped in them."""
    if not isinstance(value, str) or len(value) < 3:
        return None
    closing = _TYPOGRAPHIC.get(value[0], "")
    return value[1:-1].strip() if value[-1] in closing else None


def without_unsafe(text: str) -> str:
    """`text` without its control, bidirectional and invisible characters."""
    return "".join(c for c in text if kind_of(c) is None)


def typographic_quotes(value: str, meant: str) -> str:
    """The message for a value pasted in typographic quotes; `meant`: the text inside them
    (`typographic_inner`) as YAML writes it."""
    return (
        f"found '{value}' in typographic quotes, which YAML keeps as part of the value "
        f"(pasted from a document?); expected {meant} with straight quotes, or no quotes"
    )
