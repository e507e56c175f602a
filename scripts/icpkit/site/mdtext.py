"""Escaping free text from YAML for Markdown and HTML.

HTML escaping is not enough for Markdown: its own syntax turns HTML-safe text into
links, attribute lists (`{: onclick=…}`), headings, table cells or snippet includes.
Every ASCII punctuation character of user text therefore becomes a numeric character
reference, which Markdown renders as the character itself and never as syntax, and
HTML renders as text. One-line contexts also collapse whitespace, so a newline can
never start a heading or end a table row. Templates apply `inline` to every value by
default (Jinja's `finalize`); markup the site builds itself is wrapped in `Markup`.
"""

from __future__ import annotations

import html
import json
import re
import string

from markupsafe import Markup

_REFS: dict[int, str | None] = {ord(c): f"&#{ord(c)};" for c in string.punctuation}
# control characters never reach Markdown (Python-Markdown uses \x02 and \x03 as its own
# placeholders); whitespace ones are collapsed by split() first
_REFS.update(dict.fromkeys(range(32)))
_REFS[127] = None


def inline(text: object) -> Markup:
    """User text for one line of Markdown (a cell, a heading, a list item)."""
    if isinstance(text, Markup):
        return text
    collapsed = " ".join(str(text).split()).translate(_REFS)
    return Markup(" ".join(collapsed.split()))  # a removed control character leaves no gap


def paragraphs(text: object) -> Markup:
    """User text as Markdown paragraphs: blank lines separate paragraphs, nothing else
    survives as structure."""
    parts = [inline(p) for p in str(text).split("\n\n") if p.strip()]
    return Markup("\n\n".join(parts))


def front_matter(value: object) -> Markup:
    """A front-matter value (title, tag): mkdocs and the theme write these into HTML as they
    are (navigation, tag listings), so they are HTML-escaped, then written as a double-quoted
    YAML string in ASCII, which cannot break out of its line. JSON's escapes serve, except
    for a character beyond U+FFFF: JSON writes it as a surrogate pair, which YAML refuses
    (mkdocs then drops the whole front matter), so it is written as YAML's `\\UXXXXXXXX`."""
    quoted = json.dumps(html.escape(str(value)), ensure_ascii=False)
    return Markup(_NOT_ASCII.sub(_yaml_escape, quoted))


#: what json.dumps leaves raw and YAML must read escaped (DEL is no printable YAML character)
_NOT_ASCII = re.compile(r"[^\x00-\x7e]")


def _yaml_escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")


def slug(value: object) -> Markup:
    """An id used in a link target: ids are validated by the schema; checked again here.

    Raises ValueError for text that is not an id (a bug: the schema should have refused it)."""
    text = str(value)
    if not _SLUG.match(text):
        raise ValueError(f"not an id: {text!r}")
    return Markup(text)


def code(value: object) -> Markup:
    """Text shown as code: a Markdown code span would print character references as they are,
    so this is an HTML <code> element with the text HTML-escaped."""
    return Markup(f"<code>{html.escape(str(value))}</code>")


def finalize(value: object) -> object:
    """Jinja's finalize: every `{{ value }}` is escaped unless it is Markup."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return inline(value)
