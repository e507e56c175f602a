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


#: the most characters of one value echoed in a message (a name, a text from a file or a
#: cell): a longer one is shown as its start and its length (`clip`)
ECHO_LIMIT = 80
#: the most characters of one message (a backstop for an echo no helper clipped: GitHub
#: drops an annotation over its limits, and a terminal drowns)
MESSAGE_LIMIT = 1000

#: an escape `visible` writes, which a cut must not split
_ESCAPE = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[rtn0])")


def _cut(text: str, at: int) -> int:
    """A place at or before `at` to cut `text` that splits no escape (`\\u200b`), no
    surrogate pair and no letter from its combining marks."""
    for m in _ESCAPE.finditer(text, max(0, at - 9), min(len(text), at + 9)):
        if m.start() < at < m.end():
            at = m.start()
    if 0 < at < len(text) and "\ud800" <= text[at - 1] <= "\udbff":
        at -= 1
    while 0 < at < len(text) and unicodedata.combining(text[at]):
        at -= 1
    return at


def clip(text: str, limit: int = ECHO_LIMIT, *, count: bool = True) -> str:
    """`text` on one line (`one_line`); when longer than `limit`, its start, '…' and (with
    `count`) its length: 'xxxx… (5,000 characters)'. No escape is cut in half."""
    shown = one_line(text)
    if len(shown) <= limit:
        return shown
    head = shown[: _cut(shown, limit - 1)]
    return f"{head}… ({len(text):,} characters)" if count else f"{head}…"


#: a value quoted in a message ('x'): the quote opens after the start, a blank or a bracket
#: and before a letter that is no blank; it closes after one that is no blank, before the
#: end, a blank, a bracket or punctuation (an apostrophe inside a word does neither, and
#: neither does the quote after `'- '`, which a message's own words hold)
_QUOTED = re.compile(
    r"(?:(?<=^)|(?<=[\s(\[]))'(\S[^']{" + str(ECHO_LIMIT - 1) + r",}\S)'(?=$|[\s,;:.!?)\]])"
)


def message_line(text: str) -> str:
    """A message as every output shows it: one line (`one_line`), each quoted value in it
    longer than `ECHO_LIMIT` clipped (`clip`: 'xxxx… (5,000 characters)'), and the whole no
    longer than `MESSAGE_LIMIT` (its start and end kept, what is between left out)."""
    line = _QUOTED.sub(lambda m: f"'{clip(m.group(1))}'", one_line(text))
    return elide(line)


def elide(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text` when no longer than `limit`, else its start and its end (where a message says
    what was expected), with how much is left out between: no escape is cut in half."""
    if len(text) <= limit:
        return text
    tail = limit // 4
    start = _cut(text, limit - tail - 40)
    end = len(text) - tail
    while end < len(text) and _cut(text, end) != end:
        end += 1
    return f"{text[:start]} … ({end - start:,} characters left out) … {text[end:]}"


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
