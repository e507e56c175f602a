"""The warehouse dialects the scoring query is rendered for, as one table of facts.

Each row says what the rule IR (`icpkit.sql.ir`) needs to know about a dialect
and nothing else: its sqlglot name, whether it has an array type for set fields,
how "N days before the warehouse's current date" is written, and how a view is
replaced. Every other construct the IR uses means the same on every target
(see PITFALLS, "SQL that must mean the same everywhere"): `CASE`, `AND`/`OR`/
`NOT` over NULL, `IN`, `BETWEEN`, `||` on text, string position, `SUBSTRING`,
integer arithmetic, `GREATEST` over non-null integers, `CAST` of an integer to
text, and plain CTEs (never `MATERIALIZED`, which only PostgreSQL and DuckDB
accept).

One fact is not shared: a text's normal form (`icpkit.engine.normal`: accents
dropped, any script lowercased and case-folded, runs of non-letters as one `_`), which every
test on a `text` field but present / missing reads, and every member of an open set (a
set_of field with no list of values; issue 14). A row gives the SQL for it (`normal_form`),
proven on the engine where one runs here (`tests/test_warehouse_parity.py`):

- duckdb: the full normal form (`strip_accents`, `lower`, `\\p{L}` / `\\p{N}`).
- postgres, spark, snowflake, bigquery: the *portable* normal form of `icpkit.sql.portable`,
  exact for its repertoire (ASCII, Latin-1 Supplement, Latin Extended-A, -B and Additional,
  Greek, Cyrillic, combining marks U+0300-U+036F): one TRANSLATE from tables computed from
  `normal.lowered`, then runs outside an explicit class of word characters as `_`. A text
  (or a set) holding any other character is unknown (NULL), never given a guessed normal
  form. PostgreSQL needs a UTF8 database. Snowflake's and BigQuery's SQL is rendered and
  parsed back (and run on fakesnow), not proven on their engines. Spark's regular
  expressions are Java's, which search by trying every position: its tests for "already
  in normal form" and "a character outside the repertoire" match the whole text instead,
  with possessive quantifiers (a third of the time at 1,000,000 accounts).
- sqlite: the portable normal form for ASCII only (`lower()` and one REPLACE per ASCII
  punctuation character, as it has no TRANSLATE and no regular expressions); a text with
  any other character is unknown.

Adding a dialect is adding a row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlglot import exp

from ..engine import unicode15
from ..errors import UsageError
from ..wording import suggest
from . import portable


def _minus_days(days: int) -> exp.Expr:
    """CURRENT_DATE - N (a DATE in PostgreSQL and DuckDB)."""
    return exp.Sub(this=exp.CurrentDate(), expression=exp.Literal.number(days))


def _date_sub(days: int) -> exp.Expr:
    return exp.DateSub(
        this=exp.CurrentDate(), expression=exp.Literal.number(days), unit=exp.var("DAY")
    )


def _spark_days(days: int) -> exp.Expr:
    return exp.Anonymous(this="DATE_SUB", expressions=[exp.CurrentDate(), exp.Literal.number(days)])


def _sqlite_days(days: int) -> exp.Expr:
    # SQLite keeps dates as ISO text; date('now', '-N days') is that text
    return exp.Anonymous(
        this="DATE",
        expressions=[exp.Literal.string("now"), exp.Literal.string(f"-{days} days")],
    )


def duck_fold(low: exp.Expr) -> exp.Expr:
    """DuckDB SQL for the case folding of lowercase text without marks (`unicode15.FOLD`: `ß`
    is `ss`, `ﬁ` is `fi`): each character looked up in one CASE (a REPLACE per character
    would nest the calls three dozen deep)."""
    c = exp.to_identifier("icp__c")
    case = exp.Case(
        this=c.copy(),
        ifs=[
            exp.If(this=exp.Literal.string(k), true=exp.Literal.string(v))
            for k, v in unicode15.FOLD.items()
        ],
        default=c.copy(),
    )
    chars = exp.Split(this=low, expression=exp.Literal.string(""))
    each = exp.Transform(this=chars, expression=exp.Lambda(this=case, expressions=[c], colon=True))
    return exp.ArrayToString(this=each, expression=exp.Literal.string(""))


def to_fold(text: exp.Expr) -> exp.Expr:
    """DuckDB SQL: `text` holds a character that lowering leaves to be folded
    (`unicode15.FOLDED`: rare; folding costs ten times a lowering, so only such a text is)."""
    return exp.RegexpLike(
        this=text, expression=exp.Literal.string(unicode15.escaped_class(unicode15.FOLDED))
    )


def _duck_low(text: exp.Expr) -> exp.Expr:
    """Marks dropped, then lowercased, a final sigma as any sigma, then case-folded where there
    is anything to fold (`normal.lowered`; the bulk scorer's `icp_low`)."""
    lower = exp.Lower(this=exp.Anonymous(this="STRIP_ACCENTS", expressions=[text]))
    low = replacing("ς", "σ")(lower)
    folded = duck_fold(low.copy())
    return exp.Case(ifs=[exp.If(this=to_fold(text.copy()), true=folded)], default=low)


#: one step of a normal form: SQL over the text so far
Step = Callable[[exp.Expr], exp.Expr]


def replacing(old: str, new: str) -> Step:
    """The step REPLACE(text, old, new): every occurrence, in every dialect."""

    def step(text: exp.Expr) -> exp.Expr:
        return exp.Anonymous(
            this="REPLACE", expressions=[text, exp.Literal.string(old), exp.Literal.string(new)]
        )

    return step


#: (keep, extra word characters) -> the steps of a slug that keeps `keep`
Runs = Callable[[str, frozenset[str]], list[Step]]


def _regexp_runs(word: Callable[[frozenset[str]], str]) -> Runs:
    """Runs of characters outside the class `word(extra)` and `keep` as one `_` (no
    modifiers: sqlglot writes the 'g' PostgreSQL and DuckDB need, and Spark, Snowflake and
    BigQuery replace every match)."""

    def runs(keep: str, extra: frozenset[str]) -> list[Step]:
        def step(text: exp.Expr) -> exp.Expr:
            return exp.RegexpReplace(
                this=text,
                expression=exp.Literal.string(f"[^{word(extra)}{keep}]+"),
                replacement=exp.Literal.string("_"),
            )

        return [step]

    return runs


def _duck_word(_extra: frozenset[str]) -> str:
    return r"\p{L}\p{N}"


def _regexp_separators() -> list[Step]:
    """Each run of `;` and `_` that holds a `;` as one `;` (a member's `_` at its ends and
    empty members gone)."""

    def step(text: exp.Expr) -> exp.Expr:
        return exp.RegexpReplace(
            this=text,
            expression=exp.Literal.string("[_;]*;[_;]*"),
            replacement=exp.Literal.string(";"),
        )

    return [step]


def _regexp_search(text: exp.Expr, pattern: str) -> exp.Expr:
    """`pattern` matches somewhere in `text`."""
    return exp.RegexpLike(this=text, expression=exp.Literal.string(pattern))


def _snowflake_search(text: exp.Expr, pattern: str) -> exp.Expr:
    # Snowflake's REGEXP_LIKE matches the whole text; REGEXP_COUNT counts matches anywhere
    count = exp.RegexpCount(this=text, expression=exp.Literal.string(pattern))
    return exp.GT(this=count, expression=exp.Literal.number(0))


def _searched_plain(
    search: Callable[[exp.Expr, str], exp.Expr], text: exp.Expr, keep: str
) -> exp.Expr:
    """The text is its own normal form: `search` finds nothing else in it (a character
    outside `[a-z0-9_]` and `keep`, `__`, a `_` at an end or beside the `keep` separator)."""
    other = f"[^a-z0-9_{keep}]|__|^_|_$" + (f"|_{keep}|{keep}_" if keep else "")
    return exp.Not(this=exp.Paren(this=search(text, other)))


def _java_whole(text: exp.Expr, pattern: str) -> exp.Expr:
    """`pattern` matches the whole text, in Java's regular expressions (Spark's RLIKE): `\\z`,
    since Java's `$` also matches before a final line break."""
    return exp.RegexpLike(this=text, expression=exp.Literal.string(f"^{pattern}\\z"))


def _java_plain(text: exp.Expr, keep: str) -> exp.Expr:
    """The text is its own normal form, for Java's regular expressions: its grammar (words of
    `[a-z0-9]` joined by single `_`; with `keep`, such words or nothing between separators),
    anchored, with possessive quantifiers, which never backtrack. Java tries a search at
    every position of the text, each alternative in turn: the search for anything else
    (`_searched_plain`) took 2.9 s of Spark's time at 1,000,000 accounts, this 0.7 s."""
    word = "[a-z0-9]++(?:_[a-z0-9]++)*+"
    if not keep:
        return _java_whole(text, word)
    return _java_whole(text, f"(?:{word})?+(?:{keep}(?:{word})?+)*+")


def _java_outside(text: exp.Expr) -> exp.Expr:
    """A character outside the repertoire, for Java's regular expressions: not every
    character in it, checked by one possessive run (a search for a character outside took
    2.8 s of Spark's time at 1,000,000 accounts, this 0.9 s)."""
    inside = "[" + portable.outside_class().removeprefix("[^")
    return exp.Not(this=exp.Paren(this=_java_whole(text, f"{inside}*+")))


def _translate_low(text: exp.Expr) -> exp.Expr:
    """The portable lowering (`icpkit.sql.portable`): exact for a text of the repertoire; the
    characters whose case folding is several characters are replaced after TRANSLATE."""
    t = portable.tables()
    low = exp.Translate(
        this=text, from_=exp.Literal.string(t.source), to=exp.Literal.string(t.target)
    )
    return _nested(low, [replacing(c, f) for c, f in t.expand])


def _nested(text: exp.Expr, steps: Sequence[Step]) -> exp.Expr:
    for step in steps:
        text = step(text)
    return text


def _sqlite_runs(keep: str, extra: frozenset[str]) -> list[Step]:
    """ASCII only: each ASCII character that is neither letter nor digit (but `keep`) as `_`,
    then each run of `_` as one (a fold's target needs nothing: only ASCII characters are
    replaced)."""
    del extra
    chars = [c for c in portable.ASCII_NON_WORD if c not in keep and c != "_"]
    return [*(_sqlite_replacing(c) for c in chars), *_squeeze("_")]


def _sqlite_text(text: str) -> exp.Expr:
    """`text` as SQLite SQL: a control character as CHAR(code), never written in the SQL."""
    parts: list[exp.Expr] = []
    for c in text:
        if c.isprintable():
            if parts and isinstance(parts[-1], exp.Literal):
                parts[-1] = exp.Literal.string(parts[-1].this + c)
            else:
                parts.append(exp.Literal.string(c))
        else:
            parts.append(exp.Anonymous(this="CHAR", expressions=[exp.Literal.number(ord(c))]))
    if not parts:
        return exp.Literal.string("")
    out = parts[0]
    for part in parts[1:]:
        out = exp.DPipe(this=out, expression=part, safe=False)
    return out


def _sqlite_replacing(old: str, new: str = "_") -> Step:
    """REPLACE(text, old, new), control characters as CHAR(code)."""

    def step(text: exp.Expr) -> exp.Expr:
        return exp.Anonymous(
            this="REPLACE", expressions=[text, _sqlite_text(old), _sqlite_text(new)]
        )

    return step


def _squeeze(c: str) -> list[Step]:
    """Each run of `c` as one `c`, with REPLACE only: after each `c` a marker no accepted text
    holds, then every marker followed by `c` removed, then the markers."""
    m = portable.MARKER
    return [_sqlite_replacing(c, c + m), _sqlite_replacing(m + c, ""), _sqlite_replacing(m, "")]


def _sqlite_separators() -> list[Step]:
    # runs of `_` are single already: at most one `_` on each side of a `;`
    return [replacing("_;", ";"), replacing(";_", ";"), *_squeeze(";")]


#: SQLite's parser has a fixed stack (a hundred or so entries): a few dozen nested REPLACE
#: calls overflow it. So the steps are read STAGE at a time, each stage a subquery.
STAGE = 8


def _sqlite_staged(text: exp.Expr, steps: Sequence[Step]) -> exp.Expr:
    """The steps, `STAGE` at a time: one scalar subquery whose FROM nests a subquery per
    stage, `(SELECT steps(icp__s) AS icp__s FROM (... (SELECT text AS icp__s)))`, so that a
    stage's calls are closed before the next stage is read (a FROM nesting costs the parser
    far less than a call)."""
    if len(steps) <= STAGE:
        return _nested(text, steps)
    sel = exp.select(exp.alias_(text, "icp__s"))
    for i in range(0, len(steps), STAGE):
        stage = _nested(exp.column("icp__s"), steps[i : i + STAGE])
        sel = exp.select(exp.alias_(stage, "icp__s")).from_(sel.subquery())
    return sel.subquery()


def _outside(search: Callable[[exp.Expr, str], exp.Expr]) -> Callable[[exp.Expr], exp.Expr]:
    def outside(text: exp.Expr) -> exp.Expr:
        return search(text, portable.outside_class())

    return outside


def _sqlite_outside(text: exp.Expr) -> exp.Expr:
    """A character other than tab, line breaks and printable ASCII (GLOB reads characters; it
    has no escapes, so the control characters are CHAR(9, 10, 13), not written in the SQL)."""
    controls = exp.Anonymous(this="CHAR", expressions=[exp.Literal.number(n) for n in (9, 10, 13)])
    pattern = exp.DPipe(
        this=exp.DPipe(this=exp.Literal.string("*[^"), expression=controls, safe=False),
        expression=exp.Literal.string(" -~]*"),
        safe=False,
    )
    return exp.Glob(this=text, expression=pattern)


def _duck_separator(text: exp.Expr) -> exp.Expr:
    """U+037E GREEK QUESTION MARK, which DuckDB's accent strip (as `normal.lowered`) reads as
    ';' (its canonical form)."""
    mark = exp.Anonymous(this="CHR", expressions=[exp.Literal.number(0x37E)])
    position = exp.StrPosition(this=text, substr=mark)
    return exp.GT(this=position, expression=exp.Literal.number(0))


def _sqlite_low(text: exp.Expr) -> exp.Expr:
    return exp.Lower(this=text)


@dataclass(frozen=True)
class NormalForm:
    """SQL for the steps of a text's normal form a dialect must supply itself (the folds
    between them are REPLACE, which every dialect has)."""

    #: accents and other marks dropped, lowercased (exact for a text `outside` accepts)
    low: Step
    #: (keep, extra) -> steps: runs of characters that are neither letters nor digits (nor
    #: in `keep`) as one `_`, untrimmed; `extra` are word characters a fold writes
    runs: Runs
    #: steps: in ';'-separated members, each run of `;` and `_` that holds a `;` as one `;`
    separators: Callable[[], list[Step]]
    #: the text holds a character outside the repertoire (read as unknown); None: every
    #: character is read
    outside: Callable[[exp.Expr], exp.Expr] | None = None
    #: a regular expression matches somewhere in the text; None: no regular expressions
    #: (`mentions` is a GLOB)
    search: Callable[[exp.Expr, str], exp.Expr] | None = _regexp_search
    #: the SQL of steps applied in order (nested calls, or stages where nesting is bounded)
    chain: Callable[[exp.Expr, Sequence[Step]], exp.Expr] = _nested
    #: the text holds a character `outside` accepts that lowers to ';' (which would cut a
    #: set's member in two); None: none does
    separator: Callable[[exp.Expr], exp.Expr] | None = None
    #: (text, keep) -> the text is its own normal form (keep '': one word; ';': members so
    #: separated), so that the normal form's steps run only for other text; None: `search`
    #: finds nothing else in it (`already_normal`)
    plain: Callable[[exp.Expr, str], exp.Expr] | None = None

    def already_normal(self, text: exp.Expr, keep: str) -> exp.Expr | None:
        """SQL: `text` is its own normal form (`plain`, or else by `search`); None where the
        dialect has neither (SQLite: no regular expressions)."""
        if self.plain is not None:
            return self.plain(text, keep)
        if self.search is None:
            return None
        return _searched_plain(self.search, text, keep)


_PORTABLE = NormalForm(
    _translate_low,
    _regexp_runs(portable.word_class),
    _regexp_separators,
    outside=_outside(_regexp_search),
)


@dataclass(frozen=True)
class Dialect:
    """What the IR needs to know about one SQL dialect."""

    #: the name users give (`icp sql --dialect NAME`)
    name: str
    #: sqlglot's name for it
    sqlglot: str
    #: has an array type a set field may be stored as
    arrays: bool
    #: the DATE that is `days` days before the warehouse's current date
    days_before_today: Callable[[int], exp.Expr]
    #: `CREATE OR REPLACE VIEW` is accepted (SQLite: DROP VIEW IF EXISTS, then CREATE VIEW)
    replace_view: bool = True
    #: `WITH x AS MATERIALIZED (...)` is accepted (never used by the IR; recorded so a
    #: reader does not have to look it up)
    materialized_cte: bool = False
    #: the type to write in a cast to text
    text_type: str = "VARCHAR"
    #: end each layer with OFFSET 0 (SQLite: LIMIT -1 OFFSET 0) so the planner keeps it a
    #: layer: PostgreSQL pulls a plain subquery up into its parent and SQLite flattens it,
    #: both copying each column's expression into every place it is read (a profile's score
    #: is read a dozen times), layer after layer: on SQLite the PostHog handbook's query was
    #: 3.6 million instructions, and four profiles ran out of memory before the first row
    fence: bool = False
    #: SQL for a text's normal form, or None when the dialect has none that means the same
    normal_form: NormalForm | None = None
    #: why there is no `normal_form` (said when a handbook is refused for this dialect)
    lacks: str = ""


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in [
        Dialect(
            "duckdb",
            "duckdb",
            True,
            _minus_days,
            materialized_cte=True,
            normal_form=NormalForm(
                _duck_low,
                _regexp_runs(_duck_word),
                _regexp_separators,
                separator=_duck_separator,
            ),
        ),
        Dialect(
            "postgres",
            "postgres",
            True,
            _minus_days,
            materialized_cte=True,
            fence=True,
            normal_form=_PORTABLE,
        ),
        Dialect(
            "sqlite",
            "sqlite",
            False,
            _sqlite_days,
            replace_view=False,
            text_type="TEXT",
            fence=True,
            normal_form=NormalForm(
                _sqlite_low,
                _sqlite_runs,
                _sqlite_separators,
                _sqlite_outside,
                search=None,
                chain=_sqlite_staged,
            ),
        ),
        Dialect(
            "spark",
            "spark",
            True,
            _spark_days,
            text_type="STRING",
            normal_form=dataclasses.replace(_PORTABLE, outside=_java_outside, plain=_java_plain),
        ),
        Dialect(
            "snowflake",
            "snowflake",
            True,
            _date_sub,
            normal_form=NormalForm(
                _translate_low,
                _regexp_runs(portable.word_class),
                _regexp_separators,
                outside=_outside(_snowflake_search),
                search=_snowflake_search,
            ),
        ),
        Dialect(
            "bigquery",
            "bigquery",
            True,
            _date_sub,
            text_type="STRING",
            normal_form=_PORTABLE,
        ),
    ]
}


def dialect(name: str) -> Dialect:
    """The row for `name`, or UsageError naming the nearest one."""
    found = DIALECTS.get(name.lower())
    if found is None:
        raise UsageError(
            f"found the dialect '{name}'; expected one of {', '.join(DIALECTS)}"
            + suggest(name, list(DIALECTS))
        )
    return found
