"""The one parsing layer for CRM text, as SQL expressions.

Exports disagree on everything (see PITFALLS), so every column is read as text
and parsed here, once, by the same expressions in every path: the bulk scorer
runs them over the whole file, `explain --row` and `--set` run them over one
row. What an empty cell means is decided here too: empty, `N/A`, `NA`, `null`,
`None`, `(blank)`, `-` are unknown; only a present, empty cell of a field with
`empty: empty_set` is an empty set (a missing cell, NULL, never is).

What is read (anything else is *unreadable*: unknown, and counted):
- numbers: `1200000`, `1,200,000`, `1.2e6`, `$1.2M`, `€3m`, `250k`, `25%`, a currency
  after the amount (`12.500.000 $`, `1,2 Mio. USD`; `Mio` and `Mrd` are millions and billions);
  a dot is the decimal mark; negatives `-5`, `−5` (U+2212 MINUS SIGN) and an accounting
  negative in parentheses, `(1,200)`, `($1,200)`, `(5%)` (`numbers.signed`). An amount in a
  currency other than the field's unit is unreadable (it is never silently converted).
  An unreadable cell of a known shape says why (`numbers.WHYS`: `~500`, `>1000`, `1,00,000`).
- bands: `51-200`, `1,001-5,000` (low and high kept), `10,001+` (no upper end).
- yes/no: yes, no, true, false, y, n, t, f, 1, 0 (any case).
- dates: `2026-03-01`, `2026-03-01 12:00:00`, `2026-03-01T12:00:00.000Z` (the grammar of
  `icpkit.engine.dates`: a real day, 0001-9999, written `YYYY-MM-DD`; `2026-1-5`,
  `0000-01-01`, `2026-10-20T` are unreadable), HubSpot's epoch milliseconds.
- one-of values: the value itself, its other spellings (`value_aliases`) and,
  for countries, ISO codes in any case, ISO 3166 names and alpha-3 codes.
- sets: values separated by `;` `,` `|` or a line break, each read like a one-of
  value; a member of an open set is kept in normal form (`icpkit.engine.normal`); a
  member of a closed set that no spelling names is an unknown member (chr(31) in the
  ';a;b;' text, `operators.UNKNOWN_MEMBER`): the others stay known members, and the
  cell is counted as holding text that could not be read (its unrecognised members).
  Only a present empty cell (or `[]`) is the empty set; NULL (no cell, no key) and
  null tokens are unknown.
- a null token that is also a value's spelling (`NA`, Namibia) reads two ways:
  unreadable, unless a `--map` spelling says which.
- text: kept as written (trimmed), with its normal form beside it
  (`<field>__n`), which equality and word tests read.

Spellings are looked up by their normal form, the same one the evaluator uses
for fixture values and operands (`normal_sql` builds it in SQL).

Each field becomes columns of the parsed relation: `<field>` (or, for numbers,
`<field>__lo` and `<field>__hi`), and `<field>__bad`, true when the cell had
text that could not be read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..engine import unicode15
from ..engine.dates import DAY_RANGE
from ..engine.dates import PATTERN as DATE_PATTERN
from ..engine.model import Field
from ..engine.normal import DEFAULT_FOLDS, NULL_TOKENS, Folds, is_symbol, normal
from ..engine.operators import NUMERIC, sql_literal
from ..engine.spellings import normalise as normalise  # the key spellings are looked up by
from ..engine.values import NO_WORDS, YES_WORDS
from .numbers import (
    AMOUNT,
    BAND,
    BLANK,
    BLANKS,
    CURRENCIES,
    DOT,
    LONGEST,
    PLUS,
    fits_sql,
    in_range_sql,
    pick_sql,
    plain_sql,
    sign_sql,
    twofold_sql,
    twofold_why_sql,
    why_sql,
)
from .numbers import MACROS as NUMBER_MACROS

#: a cell's blanks at either end (`icp_trim`: DuckDB's trim(text, characters) costs ten
#: times as much), and the code points `icp_clean_ends` tells from the first and last
#: character, so that a cell without them is never trimmed
_ENDS = f"^{BLANK}+|{BLANK}+$"
_BLANK_CODES = ", ".join(str(ord(c)) for c in BLANKS if ord(c) > 126)
#: the characters a set cell is split into members on: ; , | or a line break
SET_SEPARATORS = ";,|\r\n"
#: where a set cell is split into members: a separator with blanks around it
SET_SPLIT = f"{BLANK}*[{SET_SEPARATORS}]{BLANK}*"
#: a list's members (a JSON or YAML list, a Parquet list column) as one text: each member
#: preceded by this character, so that a member holding ',' or ';' stays one member, as
#: `icp test` reads the list (no blank, no null token, and not in CRM text)
MEMBERS = "\x1e"
# the tokens between unit separators: a null token is a substring test (a constant list or an
# IN list would be rewritten into a hash join over every row, an ENUM cast fails slowly, a
# regular expression costs three times as much); a cell holding the separator is no token
_SEP = "\x1f"
_NULL_TOKENS_TEXT = _SEP + _SEP.join(("", *NULL_TOKENS)) + _SEP
assert max(len(t.encode()) for t in NULL_TOKENS) <= 7  # icp_text's shortcut relies on it
_TOKENS = sql_literal(_NULL_TOKENS_TEXT)


#: `icp_low`: ASCII text (as many bytes as characters) is only lowercased; other text has its
#: marks dropped and is lowercased, and is case-folded (`dialects.duck_fold`) only when it
#: holds a character to fold (`dialects.to_fold`: rare, and folding costs ten times a lowering)
_LOW = "replace(lower(strip_accents(t)), 'ς', 'σ')"
#: each character of a lowered text looked up in one CASE (`dialects.duck_fold` builds the same
#: for `icp sql`; written out here so that `icp score` starts without sqlglot)
_FOLD_CASE = (
    "CASE icp__c "
    + " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in unicode15.FOLD.items())
    + " ELSE icp__c END"
)
_LOW_MACRO = (
    "CASE WHEN strlen(t) = length(t) THEN lower(t) "
    f"WHEN regexp_matches(t, {sql_literal(unicode15.escaped_class(unicode15.FOLDED))}) "
    f"THEN array_to_string(list_transform(string_split({_LOW}, ''), "
    f"lambda icp__c: {_FOLD_CASE}), '') "
    f"ELSE {_LOW} END"
)


def normal_sql(expr: str, folds: Folds = DEFAULT_FOLDS) -> str:
    """SQL for `normal(expr, folds)`: marks dropped, lowercased and case-folded, symbol folds,
    runs of other characters than letters and digits as one `_`, word folds."""
    e = f"icp_low({expr})"
    for src, dst in folds:
        if is_symbol(src):
            e = f"replace({e}, {sql_literal(src)}, {sql_literal(f' {dst} ')})"
    e = f"icp_slug({e})"
    word_folds = [(s, d) for s, d in folds if not is_symbol(s)]
    if word_folds:
        e = f"('_' || {e} || '_')"
        for src, dst in word_folds:
            for _ in range(2):
                e = f"replace({e}, {sql_literal(f'_{src}_')}, {sql_literal(f'_{dst}_')})"
        e = f"trim({e}, '_')"
    return e


#: the words a yes/no cell is read by (`engine.values.YES_WORDS`, `NO_WORDS`), as SQL lists
_YES = ", ".join(sql_literal(w) for w in YES_WORDS)
_NO = ", ".join(sql_literal(w) for w in NO_WORDS)

MACROS = (
    rf"""
CREATE OR REPLACE TEMP MACRO icp_trim(r) AS regexp_replace(r, {sql_literal(_ENDS)}, '', 'g');
CREATE OR REPLACE TEMP MACRO icp_edge(c) AS c > 32 AND (c < 127 OR c NOT IN ({_BLANK_CODES}));
CREATE OR REPLACE TEMP MACRO icp_clean_ends(r) AS icp_edge(ord(r)) AND icp_edge(ord(r[-1]));
CREATE OR REPLACE TEMP MACRO icp_trimmed(r) AS
  CASE WHEN icp_clean_ends(r) THEN r ELSE icp_trim(r) END;
CREATE OR REPLACE TEMP MACRO icp_text(r) AS
  CASE WHEN icp_clean_ends(r)
       THEN CASE WHEN strlen(r) > 7 OR contains(r, chr(31))
                      OR NOT contains({_TOKENS}, chr(31) || lower(r) || chr(31))
                 THEN r END
       WHEN contains({_TOKENS}, chr(31) || lower(icp_trim(r)) || chr(31))
            AND NOT contains(r, chr(31)) THEN NULL ELSE icp_trim(r) END;
CREATE OR REPLACE TEMP MACRO icp_low(t) AS {_LOW_MACRO};
CREATE OR REPLACE TEMP MACRO icp_slug(t) AS
  trim(regexp_replace(t, '[^\p{{L}}\p{{N}}]+', '_', 'g'), '_');
CREATE OR REPLACE TEMP MACRO icp_norm(t) AS icp_slug(replace(icp_low(t), '&', ' and '));
CREATE OR REPLACE TEMP MACRO icp_bool(t) AS
  CASE WHEN lower(t) IN ({_YES}) THEN TRUE WHEN lower(t) IN ({_NO}) THEN FALSE END;
CREATE OR REPLACE TEMP MACRO icp_date(t) AS
  CASE WHEN regexp_full_match(t, {sql_literal(DATE_PATTERN)})
            AND NOT starts_with(t, '0000')
       THEN TRY_CAST(substr(t, 1, 10) AS DATE)
       WHEN regexp_full_match(t, '-?[0-9]{{11,13}}')
       THEN CAST(epoch_ms(TRY_CAST(t AS BIGINT)) AS DATE) END;
"""
    + NUMBER_MACROS
)


@dataclass(frozen=True)
class Parsed:
    """SQL expressions that parse one field from its cleaned text column."""

    #: column name -> expression (one column, or <field>__lo and <field>__hi for numbers)
    columns: dict[str, str]
    #: true when the cell had text that could not be read
    bad: str
    #: helper columns computed in earlier layers (each layer may use the previous ones), so
    #: that no expression is repeated inside another
    stages: tuple[dict[str, str], ...] = ()
    #: a number column that can hold no band (low is always high)
    exact: bool = False
    #: SQL for why a cell could not be read, when there is more to say than "cannot read"
    #: (read only when reporting examples)
    why: str | None = None
    #: SQL for the unreadable spellings of a cell, separated by chr(31), when they are not the
    #: whole cell (a set's unknown members); the summary counts them
    spellings: str | None = None


def enum_type(fld: Field) -> str:
    """The ENUM type of a closed value list (an exact-membership test by hash, not by a long
    IN list, which costs twenty times more on a million rows)."""
    return '"icp_enum_' + fld.name.replace('"', "") + '"'


def _spelling_type(fld: Field) -> str:
    return '"icp_spelling_' + fld.name.replace('"', "") + '"'


def _spelling_list(fld: Field) -> str:
    return "icp_spelling_" + fld.name


def prelude(fields: Iterable[Field]) -> tuple[str, dict[str, list[str]]]:
    """SQL that creates what the parse expressions of these fields need, and lists the caller
    sets as variables (with parameters: a thousand literals cost more to parse than the query).

    A field's spellings are an ENUM of the spelled keys and a list of the values, in the same
    order: a lookup is a hash and an index, where a constant MAP is a scan and costs 30 ms to
    plan on every query."""
    sql = []
    lists: dict[str, list[str]] = {}
    for f in fields:
        if f.values is not None and f.type in ("one_of", "set_of"):
            values = ", ".join(sql_literal(v) for v in f.values)
            sql.append(f"CREATE TYPE {enum_type(f)} AS ENUM ({values});\n")
        if f.spellings:
            keys = ", ".join(sql_literal(k) for k, _ in f.spellings)
            sql.append(f"CREATE TYPE {_spelling_type(f)} AS ENUM ({keys});\n")
            lists[_spelling_list(f)] = [v for _, v in f.spellings]
    return "".join(sql), lists


def _spelled(fld: Field, key: str) -> str:
    """SQL for the allowed value a normalised spelling stands for (NULL for none)."""
    code = f"enum_code(TRY_CAST({key} AS {_spelling_type(fld)}))"
    return f"getvariable({sql_literal(_spelling_list(fld))})[{code} + 1]"


#: text that `normal` leaves as it is (lowercase ASCII words joined by single '_'), unless a
#: word fold applies
NORMAL_ASCII = "[a-z0-9]+(?:_[a-z0-9]+)*"


def _choice(fld: Field, r: str) -> Parsed:
    """A one-of field: an exact value by ENUM hash (no cleaning); other spellings, padding and
    null tokens only for the cells that need them."""
    h = f"{r}_"
    t = text_of(r)
    if fld.values is None:
        # a cell already in normal form (a CRM code: software, fin_tech) is its own text and
        # its own normal form, found by one regular expression; only other cells are
        # trimmed, checked for a null token and normalised
        plain = f"{h}p"
        words = any(not is_symbol(s) for s, _ in fld.folds)
        normal = normal_sql(f"{h}v", fld.folds)
        if not words:
            normal = f"CASE WHEN {plain} THEN {h}v ELSE {normal} END"
        low = f"CASE WHEN {plain} THEN {h}v ELSE icp_low({h}v) END"
        return Parsed(
            {fld.name: f"{h}v", f"{fld.name}__n": normal, f"{fld.name}__l": low},
            "FALSE",
            (
                {plain: f"regexp_full_match({r}, {sql_literal(NORMAL_ASCII)})"},
                {f"{h}v": f"CASE WHEN {plain} THEN {_unless_token(r, NORMAL_ASCII)} ELSE {t} END"},
            ),
        )
    twofold = _twofold_tokens(fld)
    a = f"{h}a"  # a missing marker that is also a value: reads two ways
    stages: list[dict[str, str]] = [
        {f"{h}e": f"CAST(TRY_CAST({r} AS {enum_type(fld)}) AS VARCHAR)"}
    ]
    if twofold:
        # a clean row (an exact value) costs one comparison; only other cells are lowered
        tokens = ", ".join(sql_literal(tok) for tok in twofold)
        exact = ", ".join(sql_literal(v) for v in fld.values if v.lower() in twofold)
        stages.append(
            {
                a: f"CASE WHEN {h}e IS NOT NULL THEN {h}e IN ({exact or 'NULL'}) "
                f"WHEN {r} IS NULL THEN FALSE ELSE lower(icp_trimmed({r})) IN ({tokens}) END"
            }
        )
    bad = f"(CASE WHEN {h}v IS NOT NULL THEN FALSE ELSE {t} IS NOT NULL END)"
    why = None
    if twofold:
        bad = f"({a} OR {bad})"
        why = f"CASE WHEN {a} THEN {sql_literal(_twofold_words(fld, twofold))} END"
    return Parsed(
        {fld.name: f"{h}v"},
        bad,
        (
            *stages,
            # empty cells take their own branch, so that clean rows never clean and normalise
            # their text to look up a spelling
            {
                f"{h}v": (
                    (f"CASE WHEN {a} THEN NULL " if twofold else "CASE ")
                    + f"WHEN {h}e IS NOT NULL THEN {h}e WHEN {r} IS NULL THEN NULL "
                    f"ELSE {_spelled(fld, normal_sql(t, fld.folds))} END"
                )
            },
        ),
        why=why,
    )


def _twofold_tokens(fld: Field) -> list[str]:
    """The missing markers that are also a spelling of a value of this field (`NA` is
    Namibia's code and "not available"), unless a --map file says which it is."""
    spellings = dict(fld.spellings)
    values = set(fld.values or ())
    return [
        tok
        for tok in NULL_TOKENS
        if (tok in spellings or tok.upper() in values or tok in values) and tok not in fld.mapped
    ]


def _twofold_words(fld: Field, tokens: list[str]) -> str:
    spellings = dict(fld.spellings)
    parts = []
    for tok in tokens:
        value = spellings.get(tok) or (tok.upper() if tok.upper() in (fld.values or ()) else tok)
        names = [k for k, v in fld.spellings if v == value and k != tok]
        name = max(names, key=len, default=value).replace("_", " ").title() if names else value
        if fld.is_country:
            name = min((n for n in names if len(n) > 3), key=len, default=name)
            name = name.replace("_", " ").title()
        # as the value is written ('NA' for Namibia's code, 'none' for a stage called none)
        shown = value if value.lower() == tok else tok.upper()
        meaning = f"{name} ({value})" if name != value else f"the value {value}"
        parts.append(f"'{shown}' may be {meaning} or a missing value")
    first = tokens[0]
    value = spellings.get(first) or next(
        (v for v in fld.values or () if v.lower() == first), first.upper()
    )
    return (
        "; ".join(parts) + ": map the spelling with --map "
        f"({fld.name}: {{values: {{{first}: {value}}}}} if it is the value), or leave the "
        "cell empty where it is not known"
    )


def _set(fld: Field, r: str) -> Parsed:
    """A set field: text that already is ';'-separated values in their final form is used as it
    is (one regular expression decides); anything else is split on ; , | and line breaks (two
    entries of an Excel cell) and each element read like a one-of value.

    Only a present cell that is empty (or blank) is the empty set (for `empty: empty_set`); a
    missing cell (NULL: no such cell in the record, no key, a NULL list) and a null token
    (`N/A`, `-`, `None`) are unknown. A member of a closed set that no value, alias or --map
    spelling names is an unknown member (chr(31)), never a value and never ignored."""
    t = text_of(r)
    empty = "';'" if fld.empty_set else "NULL"
    spellings = dict(fld.spellings)
    norm_x = normal_sql("x", fld.folds)
    split = f"string_split(regexp_replace({t}, {sql_literal(SET_SPLIT)}, ';', 'g'), ';')"
    listed = f"string_split({t}[2:], chr({ord(MEMBERS)}))"
    pieces = (
        f"list_filter(CASE WHEN starts_with({t}, chr({ord(MEMBERS)})) THEN {listed} "
        f"ELSE {split} END, lambda x: x <> '')"
    )
    why = unknown = None
    if fld.values is None:
        element = norm_x
        # what normal() leaves unchanged (unless a word fold applies)
        words = any(not is_symbol(s) for s, _ in fld.folds)
        final = "" if words else NORMAL_ASCII
    else:
        # an unknown member becomes the unit separator (`operators.UNKNOWN_MEMBER`): the
        # set is partly known, and the cell is counted as holding text that was not read
        element = f"coalesce({_spelled(fld, norm_x)}, chr(31))"
        # the allowed values that read as themselves (an alias is no final form)
        kept = sorted(v for v in fld.values if normal(v, fld.folds) == v and spellings.get(v) == v)
        final = "(?:" + "|".join(kept) + ")" if kept else ""
        unknown = f"list_filter({pieces}, lambda x: {_spelled(fld, norm_x)} IS NULL)"
        why = (
            f"'found ' || array_to_string(list_transform({unknown}, "
            "lambda x: chr(39) || x || chr(39)), ', ') "
            f"|| CASE WHEN len({unknown}) > 1 THEN ', which are not values of {fld.name} "
            "(a --map file can give theirs)' "
            f"ELSE ', which is not a value of {fld.name} (a --map file can give its value)' END"
        )
    slow = (
        f"';' || array_to_string(list_filter(list_transform({pieces}, lambda x: {element}), "
        f"lambda x: x <> ''), ';') || ';'"
    )
    if not fld.empty_set:
        # a cell of separators and blanks alone ('; ;') names no member, as an empty one
        slow = f"nullif({slow}, ';;')"
    # a trailing ';' is harmless: a member test looks for ';x;'
    # (first: most cells of a CRM export are in it); a null token ('na', 'none') that it
    # admits is unknown all the same
    pattern = f"(?:{final};?)+"
    fast = (
        f"WHEN regexp_full_match({r}, {sql_literal(pattern)}) "
        f"THEN CASE WHEN {_token(r, pattern)} THEN NULL ELSE ';' || {r} || ';' END "
        if final
        else ""
    )
    value = (
        f"CASE WHEN {r} IS NULL THEN NULL {fast}"
        f"WHEN icp_trimmed({r}) IN ('', '[]', '\"\"') THEN {empty} "
        f"WHEN {t} IS NULL THEN NULL ELSE {slow} END"
    )
    if fld.values is None:
        return Parsed({fld.name: f"{r}_v"}, "FALSE", ({f"{r}_v": value},))
    # the set keeps its known members and the unknown member (`UNKNOWN_MEMBER`) for the
    # others: each set test is unknown unless the known members decide it
    return Parsed(
        {fld.name: f"{r}_v"},
        f"coalesce(contains({r}_v, chr(31)), FALSE)",
        ({f"{r}_v": value},),
        why=why,
        spellings=f"array_to_string({unknown}, chr(31))",
    )


def _readings(fld: Field, h: str, conv: str) -> tuple[str, str]:
    """SQL for the low and high of a number cell read in convention `conv` ("dot" or
    "comma") from the helper columns `<h>band`, `<h>plus` and `<h>am` (a band, an open band
    'N+', an amount with its sign, suffix and currencies: every currency it writes must
    be the field's unit, '$30M EUR' names two and is unknown). A suffix moves the decimal
    point of the number as written (`4.1M` is cast from `4.1e6`), never multiplies a double."""
    allowed_list = _allowed_marks(fld)
    am, band, plus = f"{h}am", f"{h}band", f"{h}plus"
    # every currency the cell writes must be the field's ('$30M EUR' names two: unknown)
    money = "NOT (" + " OR ".join(_foreign_mark(am, c, allowed_list) for c in _MARKS) + ")"
    sign = sign_sql(f"{am}.sign")

    lo = (
        f"CASE WHEN {band}.a <> '' THEN icp_{conv}({band}.a, 0) "
        f"WHEN {plus}.a <> '' THEN icp_{conv}({plus}.a, 0) "
        f"WHEN {am}.num <> '' AND {money} "
        f"THEN {sign} * icp_{conv}({am}.num, icp_power({am}.mult)) END"
    )
    hi = (
        f"CASE WHEN {band}.a <> '' THEN icp_{conv}({band}.b, 0) "
        f"WHEN {plus}.a <> '' THEN CAST('inf' AS DOUBLE) ELSE {h}{conv[0]}l END"
    )
    return lo, hi


def _number(fld: Field, r: str, decimal: str | None, typed: str | None = None) -> Parsed:
    """A number or integer field: a plain number on the fast path (or the file's own typed
    value, `typed`); bands, amounts with suffixes, currencies and grouped digits only for the
    cells that need them, each read in both decimal conventions and picked as
    `icpkit.sql.numbers` says."""
    h = f"{r}_"  # helper column prefix
    t = text_of(r)
    band, plus, am = f"{h}band", f"{h}plus", f"{h}am"
    (dot_lo, dot_hi), (comma_lo, comma_hi) = _readings(fld, h, "dot"), _readings(fld, h, "comma")
    p = f"{h}p"
    # a plain number is read from the cell as it is (most cells: no trimming), else from the
    # cell without the blanks at its ends, as every reader trims it: the general path below
    # reads no exponent and no bare fraction (' .5', '1e3 ' were unreadable, '.5' 0.5)
    plain = (
        f"coalesce({plain_sql(r, decimal)}, CASE WHEN NOT icp_clean_ends({r}) "
        f"THEN {plain_sql(f'icp_trim({r})', decimal)} END)"
    )
    # the cell as the slow path reads it: lowered, a leading minus sign U+2212 and an
    # accounting negative `(1,200)` written with '-' (`icp_signed`), which may make it a plain
    # number (`−.5`, `(12.5)`: read as `-.5` and `-12.5` are)
    c, slow = f"{h}c", f"icp_signed(lower({t}))"
    stages: tuple[dict[str, str], ...] = (
        {f"{h}p0": plain if typed is None else f"coalesce({typed}, {plain})"},
        {c: f"CASE WHEN {h}p0 IS NULL AND length({t}) <= {LONGEST} THEN {slow} END"},
        {
            p: f"coalesce({h}p0, CASE WHEN {c} IS NOT NULL THEN {plain_sql(c, decimal)} END)",
            band: f"regexp_extract({h}c, {sql_literal(BAND)}, ['a', 'b'])",
            plus: f"regexp_extract({h}c, {sql_literal(PLUS)}, ['a'])",
            am: (
                f"regexp_extract({h}c, {sql_literal(AMOUNT)}, "
                "['c1', 'sign', 'c2', 'num', 'mult', 'c3'])"
            ),
        },
        {f"{h}dl": dot_lo, f"{h}cl": comma_lo},
        {f"{h}dh": dot_hi, f"{h}ch": comma_hi},
        {
            f"{h}pv": f"CASE WHEN {fits_sql(fld, p)} THEN {p} END",
            f"{h}conv": pick_sql(fld, (f"{h}dl", f"{h}dh"), (f"{h}cl", f"{h}ch"), decimal),
        },
        {
            f"{h}lo": (
                f"CASE WHEN {p} IS NOT NULL THEN {h}pv WHEN {h}conv = 'd' THEN {h}dl "
                f"WHEN {h}conv = 'c' THEN {h}cl END"
            ),
            f"{h}hi": (
                f"CASE WHEN {p} IS NOT NULL THEN {h}pv WHEN {h}conv = 'd' THEN {h}dh "
                f"WHEN {h}conv = 'c' THEN {h}ch END"
            ),
        },
        {f"{h}ok": f"{h}lo <= {h}hi"},
    )
    lo, hi = f"(CASE WHEN {h}ok THEN {h}lo END)", f"(CASE WHEN {h}ok THEN {h}hi END)"
    bad = f"(CASE WHEN {h}ok THEN FALSE ELSE {t} IS NOT NULL END)"
    twofold = (
        "FALSE"
        if decimal is not None
        else twofold_sql(fld, (f"{h}dl", f"{h}dh"), (f"{h}cl", f"{h}ch"))
    )
    outside = in_range_sql(fld, f"coalesce({p}, {h}dl, {h}cl)")
    why = (
        f"CASE WHEN {p} IS NULL AND {twofold} "
        f"THEN {twofold_why_sql((f'{h}dl', f'{h}dh'), (f'{h}cl', f'{h}ch'))} "
        f"WHEN coalesce({outside}, FALSE) THEN {sql_literal(_bounds_words(fld))} "
        f"WHEN {p} IS NULL THEN coalesce({_unit_why_sql(fld, am)}, {why_sql(f'{h}c')}) END"
    )
    return Parsed({f"{fld.name}__lo": lo, f"{fld.name}__hi": hi}, bad, stages, why=why)


def _unit_why_sql(fld: Field, am: str) -> str:
    """SQL: why an amount cell whose currency or % the field does not take is unknown, else
    NULL (`am` is the amount's parts). A field counted in USD: 'in EUR, not USD (amounts are
    never converted)', 'a percentage, not an amount in USD'; in percent: 'in USD, not
    percent'; any other: 'in USD, which employees is not counted in'. The Qualify page says
    the same (qualify.js `unitWhy`)."""
    unit = (fld.unit or "").upper()
    allowed = _allowed_marks(fld)
    found = (
        "coalesce("
        + ", ".join(
            f"CASE WHEN {_foreign_mark(am, c, allowed)} THEN icp_cur({am}.{c}) END" for c in _MARKS
        )
        + ")"
    )
    if unit in CURRENCIES:
        percent = sql_literal(f"a percentage, not an amount in {unit}")
        money = sql_literal(f", not {unit} (amounts are never converted)")
        return f"CASE WHEN {found} = '%' THEN {percent} ELSE 'in ' || {found} || {money} END"
    if unit == "PERCENT":
        return f"'in ' || {found} || ', not percent'"
    counted = sql_literal(f", which {fld.name} is not counted in")
    return f"CASE WHEN {found} = '%' THEN 'a percentage' ELSE 'in ' || {found} END || {counted}"


#: the parts of an amount (`numbers.AMOUNT`) that hold a currency or '%'
_MARKS = ("c1", "c2", "c3")


def _foreign_mark(am: str, c: str, allowed: str) -> str:
    """SQL: the amount `am` writes in its part `c` a currency or '%' not in `allowed` (the
    field's, `_allowed_marks`): a cell that cannot be read as the field's (`_readings`), and
    what its reason names (`_unit_why_sql`)."""
    return f"({am}.{c} <> '' AND NOT list_contains({allowed}, coalesce(icp_cur({am}.{c}), '')))"


def _allowed_marks(fld: Field) -> str:
    """SQL: the list of the currency codes and '%' a cell of `fld` may write (its unit's)."""
    unit = (fld.unit or "").upper()
    allowed = [unit] if unit in CURRENCIES else (["%"] if unit == "PERCENT" else [])
    return "[" + ", ".join(sql_literal(c) for c in allowed) + "]"


def _bounds_words(fld: Field) -> str:
    if fld.minimum is None and fld.maximum is None:
        return ""
    if fld.minimum is not None and fld.maximum is not None:
        return f"outside {fld.minimum:g} to {fld.maximum:g}"
    if fld.minimum is not None:
        return f"below the least value {fld.minimum:g}"
    return f"above the greatest value {fld.maximum:g}"


def _token(raw: str, pattern: str) -> str:
    """SQL: `raw`, a cell that fully matches `pattern` (a regular expression of lowercase
    text without blanks), is a null token. The tokens it can be are known beforehand (none,
    na, null, nan for snake_case): a comparison with each, or FALSE."""
    tokens = [tok for tok in NULL_TOKENS if re.fullmatch(pattern, tok)]
    return f"{raw} IN ({', '.join(sql_literal(tok) for tok in tokens)})" if tokens else "FALSE"


def _unless_token(raw: str, pattern: str) -> str:
    """SQL: `raw` (a cell that fully matches `pattern`), or NULL when it is a null token."""
    token = _token(raw, pattern)
    return raw if token == "FALSE" else f"CASE WHEN {token} THEN NULL ELSE {raw} END"


def text_of(raw: str) -> str:
    """The cleaned text of a cell: trimmed of `BLANKS`, NULL when empty or a null token."""
    return f"icp_text({raw})"


def parse_field(fld: Field, r: str, decimal: str | None = None, typed: str | None = None) -> Parsed:
    """Expressions that parse field `fld` from `r`, a column of raw text (cleaning with
    `text_of` happens inside, only where the fast path does not apply); `decimal` is the
    decimal convention of the text (`icpkit.sql.numbers`: "dot", "comma" or None, unknown).
    `typed`, for a number field: a column holding the value where the file types it (a JSON
    number in a JSON Lines key that also holds text), read as it is, whatever the convention."""
    if fld.type in NUMERIC:
        return _number(fld, r, decimal, typed)
    if fld.type in ("text", "one_of"):
        return _choice(fld, r)
    if fld.type == "set_of":
        return _set(fld, r)
    t = text_of(r)
    value = f"icp_bool({t})" if fld.type == "yes_no" else f"icp_date({t})"
    helper = f"{r}_v"  # computed once, read by the column and by the unreadable flag
    return Parsed({fld.name: helper}, f"({helper} IS NULL AND {t} IS NOT NULL)", ({helper: value},))


#: fields whose CSV column the sniffer may type: not dates (its DATE reads `2026-1-5` and
#: `0000-01-01`, which `icp_date` does not): a date cell is always read as text there
TYPEABLE = ("number", "integer", "yes_no")


def typed_column(fld: Field, col: str, duck_type: str, decimal: str | None = DOT) -> Parsed | None:
    """Expressions for a column that already has a fitting type, or None.

    A reader's own typing agrees with the text parse layer on every value it accepts
    (finite decimal numbers, true/false, a Parquet DATE of a calendar day; pinned by a property
    test); a value
    it does not accept makes the reader fail and the file is read again as text. A CSV
    column the sniffer typed as a decimal number is used only when the file's convention
    is the dot (`decimal`): otherwise `8.000` may mean eight thousand."""
    t = duck_type.upper()
    numeric_types = (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "FLOAT",
        "DOUBLE",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    )
    whole = t.startswith(("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "U"))
    if fld.type in NUMERIC and (t in numeric_types or t.startswith("DECIMAL")):
        if not whole and decimal != DOT:
            return None
        # a 32-bit FLOAT is the number it shows (its shortest decimal: 25.3), not its binary
        # value widened to a double (25.299999237060547, below a rule's 25.3)
        value = f"CAST({f'CAST({col} AS VARCHAR)' if t == 'FLOAT' else col} AS DOUBLE)"
        number = value
        bounded = fld.minimum is not None or fld.maximum is not None
        if whole and not bounded:
            return Parsed({f"{fld.name}__lo": value, f"{fld.name}__hi": value}, "FALSE", exact=True)
        ok = fits_sql(fld, value)
        value = f"(CASE WHEN {ok} THEN {value} END)"
        bad = f"({col} IS NOT NULL AND NOT coalesce({ok}, FALSE))"
        outside = in_range_sql(fld, number)
        why = f"CASE WHEN {outside} THEN {sql_literal(_bounds_words(fld))} END"
        return Parsed(
            {f"{fld.name}__lo": value, f"{fld.name}__hi": value}, bad, exact=True, why=why
        )
    if fld.type == "yes_no" and t == "BOOLEAN":
        return Parsed({fld.name: col}, "FALSE")
    if fld.type == "date" and t == "DATE":
        # a Parquet DATE (JSON Lines and CSV dates are read as text): a day of year 0 or
        # before, after 9999 or `infinity` is no calendar day a date text can write
        first, last = DAY_RANGE
        real = f"(isfinite({col}) AND {col} BETWEEN DATE '{first}' AND DATE '{last}')"
        return Parsed({fld.name: f"(CASE WHEN {real} THEN {col} END)"}, f"(NOT {real})")
    if fld.type == "set_of" and t.endswith("[]"):
        return None  # read as text: the caller casts the list to 'a;b' text
    return None
