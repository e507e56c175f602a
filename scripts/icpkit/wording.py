"""Words for messages: the kind of a found value, the nearest valid name."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from .textsafety import ECHO_LIMIT, clip
from .yamlvalues import describe_value


def article(word: str) -> str:
    """`word` after its indefinite article: 'an integer', 'a number'."""
    return ("an " if word[:1] in "aeiou" else "a ") + word


#: words people write for a name that is spelt differently here (operators, as in SQL or
#: a spreadsheet): offered when the name they stand for is a candidate
SYNONYMS = {
    **dict.fromkeys(("greater_than", "greater_then", "more_then", "gt", "above"), "more_than"),
    **dict.fromkeys(("less_then", "lower_than", "lt", "below", "under"), "less_than"),
    **dict.fromkeys(("gte", "ge", "min", "minimum", "greater_or_equal"), "at_least"),
    **dict.fromkeys(("lte", "le", "max", "maximum", "less_or_equal"), "at_most"),
    **dict.fromkeys(("in", "is_in", "any_of", "one_off"), "one_of"),
    **dict.fromkeys(("not_in", "none_of"), "not_one_of"),
    **dict.fromkeys(("eq", "equal", "is_equal"), "equals"),
    **dict.fromkeys(("ne", "not_equal"), "not_equals"),
}


def suggest(word: str, candidates: Sequence[str]) -> str:
    """' (did you mean 'x'?)' for the closest candidate (or the name a common synonym
    stands for: greater_then, gte, in), or ''."""
    meant = SYNONYMS.get(str(word).lower())
    if meant is not None and meant in [str(c) for c in candidates]:
        return f" (did you mean '{meant}'?)"
    matches = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    if not matches:
        lowered = {str(c).lower(): str(c) for c in candidates}
        if str(word).lower() in lowered:
            matches = [lowered[str(word).lower()]]
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def and_list(words: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    words = list(words)
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


#: a vocabulary field's type in a message's words, where its name reads oddly
_FIELD_KINDS = {"yes_no": "a yes/no field"}


def field_kind(type_name: str) -> str:
    """'a yes/no field', 'a one_of field', 'an integer field': a field's type in a message
    (the name the vocabulary gives it, but yes/no, not 'yes no' or 'yes_no')."""
    return _FIELD_KINDS.get(type_name) or article(type_name) + " field"


def accounts(n: int) -> str:
    """'1 account', '2,400 accounts'."""
    return counted(n, "account")


def counted(n: int, word: str, many: str | None = None) -> str:
    """`n` and `word` in its number: '1 file', '2 files', '1,200 rule tests'; `many` is the
    plural where it is not `word` + 's' ('1 company', '3 companies')."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def shorten(value: object, limit: int = 40) -> str:
    """`value` on one line, at most `limit` characters (`textsafety.clip`: no escape cut in
    half); a value longer than `textsafety.ECHO_LIMIT` says its length."""
    text = str(value)
    return clip(text, limit, count=len(text) > ECHO_LIMIT)


def found(value: object, written: str | None = None) -> str:
    """How a found value is named in a message: its kind and, when short, itself as
    `written` in the file when known (`010`, `1e3`, `true`, not `10`, `1000.0`, `True`)."""
    kind = describe_value(value)
    if isinstance(value, dict | list) or value is None:
        return kind
    return f"{kind} '{shorten(value if written is None else written)}'"
