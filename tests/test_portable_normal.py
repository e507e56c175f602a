"""The portable normal form's tables (`icpkit.sql.portable`) give `normal.normal` exactly, for
every text of the repertoire: checked here in Python with the same TRANSLATE tables and
bracket classes the SQL uses (the engines are checked in test_warehouse_parity)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from icpkit.engine.normal import DEFAULT_FOLDS, Folds, is_symbol, lowered, normal, prepared
from icpkit.engine.unicode15 import is_unassigned
from icpkit.sql.portable import (
    ASCII_NON_WORD,
    BLOCKS,
    MARKER,
    outside_class,
    tables,
    word_class,
)

TABLES = tables()
REPERTOIRE = sorted(TABLES.repertoire)
ASCII = sorted("\t\n\r" + "".join(chr(c) for c in range(0x20, 0x7F)))
#: folds with a word fold, a symbol fold to a non-ASCII word, and the default
FOLDS: list[Folds] = [
    prepared(DEFAULT_FOLDS),
    prepared([("&", "and"), ("inc", "incorporated"), ("+", "plus"), ("§", "paragraphe")]),
    prepared([("@", "ατ"), ("ltd", "limited")]),
]


def translate(text: str) -> str:
    """TRANSLATE(text, source, target): a source character without a target is deleted; then
    one REPLACE per character whose case folding is several characters."""
    t = TABLES
    n = len(t.target)
    text = text.translate(str.maketrans(t.source[:n], t.target, t.source[n:]))
    for c, f in t.expand:
        text = text.replace(c, f)
    return text


def portable_normal(text: str, folds: Folds) -> str | None:
    """The portable normal form as the SQL computes it (None: unknown)."""
    if re.search(outside_class(), text):
        return None
    e = translate(text)
    extra = frozenset(c for s, d in folds if is_symbol(s) for c in d if c != "_")
    for src, dst in folds:
        if is_symbol(src):
            e = e.replace(src, f" {dst} ")
    e = re.sub(f"[^{word_class(extra)}]+", "_", e).strip("_")
    return _word_folds(e, folds)


def _word_folds(e: str, folds: Folds) -> str:
    words = [(s, d) for s, d in folds if not is_symbol(s)]
    if words:
        e = f"_{e}_"
        for src, dst in words:
            for _ in range(2):
                e = e.replace(f"_{src}_", f"_{dst}_")
        e = e.strip("_")
    return e


def sqlite_normal(text: str, folds: Folds) -> str | None:
    """SQLite's ASCII normal form as the SQL computes it (lower, one REPLACE per character)."""
    if any(c not in ASCII for c in text):
        return None
    e = text.lower()
    for src, dst in folds:
        if is_symbol(src):
            e = e.replace(src, f" {dst} ")
    for c in ASCII_NON_WORD:
        if c != "_":
            e = e.replace(c, "_")
    e = e.replace("_", "_" + MARKER).replace(MARKER + "_", "").replace(MARKER, "")
    return _word_folds(e.strip("_"), folds)


def test_repertoire_is_the_documented_blocks() -> None:
    """Every assigned code point of the blocks, each lowered to one character or none but for
    the few whose case folding is several characters, which are expanded after TRANSLATE."""
    every = {
        chr(cp)
        for first, last in BLOCKS
        for cp in range(first, last + 1)
        if not is_unassigned(chr(cp))
    }
    # U+037E lowers to ';' (its canonical form), the separator of a set's members
    assert TABLES.repertoire == every - {"\u037e"}
    assert {"é", "Ä", "ß", "İ", "Σ", "ς", "Ж", "ё", "\u0301", "Ẁ", "\t", "\n", "~"} <= every
    assert {c for c in every if len(lowered(c)) > 1} == {c for c, _ in TABLES.expand}
    assert dict(TABLES.expand) == {"ß": "ss", "ẞ": "ss", "ŉ": "\u02bcn", "ẚ": "a\u02be"}
    # an expansion is final: nothing TRANSLATE or another expansion changes
    assert all(lowered(f) == f for _, f in TABLES.expand)
    assert sorted(c for c in every if lowered(c) == ";") == [";", "\u037e"]
    assert len(TABLES.source) >= len(TABLES.target)


def test_lowering_composes_character_by_character() -> None:
    """No context-dependent case in the repertoire: the lowered form of every pair of
    characters (each character followed by every other, in one string) is the characters'
    lowered forms joined, as TRANSLATE computes it."""
    one = {c: lowered(c) for c in REPERTOIRE}
    for a in REPERTOIRE:
        text = "".join(a + b for b in REPERTOIRE)
        assert lowered(text) == "".join(one[a] + one[b] for b in REPERTOIRE), a
        assert translate(text) == lowered(text), a


repertoire_text = st.text(
    st.one_of(st.sampled_from(REPERTOIRE), st.sampled_from("  -_&;+§@.ΣςİÉé\u0301ßẞſµŉ")),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(repertoire_text, st.sampled_from(FOLDS))
def test_portable_normal_form_is_the_normal_form(text: str, folds: Folds) -> None:
    assert portable_normal(text, folds) == normal(text, folds)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(ASCII), max_size=30), st.sampled_from(FOLDS[:2]))
def test_sqlite_normal_form_is_the_normal_form(text: str, folds: Folds) -> None:
    assert sqlite_normal(text, folds) == normal(text, folds)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), repertoire_text)
def test_a_character_outside_the_repertoire_is_found(other: str, text: str) -> None:
    """The class finds a character outside the repertoire, and only such a character."""
    mixed = text + other
    outside = any(c not in TABLES.repertoire for c in mixed)
    assert (re.search(outside_class(), mixed) is not None) == outside


def test_classes_hold_no_bracket_syntax() -> None:
    """No character a bracket class may read as syntax (`\\`, `]`, `[`, `^`, `&`, `:`) nor a
    control character is written as itself: tab and line breaks are the escapes `\\t`, `\\n`,
    `\\r`, printable ASCII is the range ` -~`."""
    outside = outside_class()
    assert outside.startswith("[^\\t\\n\\r -~") and outside.endswith("]")
    for cls in (outside[len("[^\\t\\n\\r -~") : -1], word_class()):
        assert not set(cls) & set("\\]^[&:"), cls
        assert all(c >= "\xa0" or c.isalnum() or c == "-" for c in cls), cls


def test_the_scorers_icp_low_and_icp_sqls_duckdb_lowering_agree() -> None:
    """`icp score`'s `icp_low` macro (written out, so that scoring starts without sqlglot) and
    the DuckDB dialect's lowering for `icp sql` (built with sqlglot) are two writings of one
    step: on every character to fold, its capitals, and plain and marked text they give what
    `lowered` gives."""
    import duckdb
    from sqlglot import exp

    from icpkit.engine import unicode15
    from icpkit.sql.dialects import _duck_low
    from icpkit.sql.parsing import MACROS

    con = duckdb.connect()
    con.execute(MACROS)
    folded = {chr(c) for lo, hi in unicode15.FOLDED for c in range(lo, hi + 1)}
    texts = sorted(folded | {c.upper() for c in unicode15.FOLD})
    texts += ["Straße", "STRASSE", "ﬁnance", "Café", "ΣΟΦΟΣ", "plain", "", "ĲSSEL"]
    dialect = _duck_low(exp.column("t")).sql("duckdb")
    for text in texts:
        macro, built = con.execute(
            f"SELECT icp_low(t), {dialect} FROM (SELECT ? AS t)", [text]
        ).fetchone() or (None, None)
        assert macro == built == lowered(text), (text, macro, built)
