"""Numbers given as text in a warehouse table (`icp sql --parse-text`), read in portable SQL.

CRM syncs often land numbers as text (`1,200`, `51-200`). With `--parse-text` the
rule IR (`icpkit.sql.ir`) reads such a column by the rules of the file scorer's
parse layer (`icpkit.sql.numbers`, convention not known), in SQL that means the
same on every dialect: no regular expressions (SQLite has none), only `TRIM`,
`LOWER`, `REPLACE`, `SUBSTRING`, string position, `LENGTH` and a `CAST` of text
already checked to be digits and one `.`. What is read:

- a number with an optional sign: `1200`, `-5` (or `−5`, U+2212), `.5`, `12.50`, and an
  accounting negative `(1,200)` (-1200);
- grouped digits, in either convention: `1,234,567.89` or `1.234.567,89`, or
  grouped by an apostrophe (`1'234.5`, `1’234,5`) or a space of `numbers.SPACES`
  (`1 234`, no-break and narrow no-break too), one kind per numeral; a grouping
  separator counts only where every group after the first has exactly three digits
  and the first has one to three and no leading zero;
- a band `51-200` (low and high, read in one convention) and an open band `10,001+`.

Each cell has at most two readings (dot and comma decimal mark); a reading that
does not fit the field (a fraction for an integer, outside `minimum` /
`maximum`, a band whose low end is above its high end) is no reading; a cell
whose two readings both fit and differ (`1,200` for a number field) is unknown.
So `1,200` employees is 1200, `3,5` is 3.5 and `8.000` revenue is unknown, as
in `icp score`.

The cell is trimmed of `BLANKS` (`engine.normal`), as every reader trims a value;
a cell longer than `numbers.LONGEST` characters is unknown, as `icp score` reads it
(beyond a double's range, or read as another number: 0.000…1 as 0), and so is
NaN or an infinity in any spelling: only digits are ever cast, so no engine fails.

What the file scorer reads and this does not (currency signs, `k`/`M`/`bn`
suffixes, `%`, exponents, an en dash in a band) is unknown
here: never a different number. A property test
(`tests/test_warehouse_parity.py`) holds the two readings equal on every spelling
of the grammar above, and this one unknown or equal on any other text.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from ..engine.model import Field
from ..engine.normal import BLANKS
from .numbers import CLOSE, LONGEST, MINUS, OPEN, SPACES

DIGITS = "0123456789"


def _lit(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def _num(n: int) -> exp.Expr:
    return exp.Literal.number(str(n))


def _text(text: str | exp.Expr) -> exp.Expr:
    return _lit(text) if isinstance(text, str) else text


def _replace(e: exp.Expr, old: str | exp.Expr, new: str) -> exp.Expr:
    return exp.Replace(this=e, expression=_text(old), replacement=_lit(new))


def _pos(e: exp.Expr, needle: str | exp.Expr) -> exp.Expr:
    return exp.StrPosition(this=e, substr=_text(needle))


def _sub(e: exp.Expr, start: exp.Expr, length: exp.Expr | None = None) -> exp.Expr:
    return exp.Substring(this=e, start=start, length=length)


def _nonneg(e: exp.Expr) -> exp.Expr:
    """`e`, or 0 when it is negative (no GREATEST: SQLite has none)."""
    return _case([(exp.LT(this=e, expression=_num(0)), _num(0))], e)


def _case(whens: list[tuple[exp.Expr, exp.Expr]], default: exp.Expr | None = None) -> exp.Expr:
    out = exp.Case()
    for cond, then in whens:
        out = out.when(cond, then)
    return out.else_(default) if default is not None else out


def _and(*items: exp.Expr) -> exp.Expr:
    out: exp.Expr = exp.Paren(this=items[0])
    for item in items[1:]:
        out = exp.And(this=out, expression=exp.Paren(this=item))
    return out


def _eq(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    return exp.EQ(this=a, expression=b)


def blanks() -> exp.Expr:
    """`BLANKS` as SQL text: its control characters (tab, line breaks, U+0085) as CHR(n),
    since no control character is written in the SQL (an editor or git could change it)."""
    control = [c for c in BLANKS if c < " " or "\x7f" <= c < "\xa0"]
    rest = "".join(c for c in BLANKS if c not in control)
    items: list[exp.Expr] = [*(exp.Chr(expressions=[_num(ord(c))]) for c in control), _lit(rest)]
    out = items[0]
    for item in items[1:]:
        out = exp.DPipe(this=out, expression=item, safe=False)
    return out


def trim_blanks(text: exp.Expr) -> exp.Expr:
    """`text` without `BLANKS` at either end, as every reader trims a value (the set of
    `icpkit.engine.normal`; a dialect's own TRIM() trims spaces only, or its own set)."""
    return exp.Trim(this=text, expression=blanks())


def cleaned(raw: exp.Expr) -> exp.Expr:
    """The cell as the parse layer reads it: blanks trimmed (`BLANKS`), lowercased; NULL
    (unreadable) when longer than `numbers.LONGEST` characters, as `icp score` reads it (a
    longer numeral is beyond a double's range or would be read as another number, and
    PostgreSQL's CAST would fail the whole query on it)."""
    text = exp.Lower(this=trim_blanks(raw))
    too_long = exp.GT(this=exp.Length(this=text), expression=_num(LONGEST))
    return _case([(too_long, exp.Null())], text)


def shape(text: exp.Expr) -> exp.Expr:
    """`text` with every digit written as `9` (same length: positions agree)."""
    out = text
    for d in DIGITS[:-1]:
        out = _replace(out, d, "9")
    return out


def _only(e: exp.Expr, chars: str, also: exp.Expr | None = None) -> exp.Expr:
    """`e` holds nothing but `chars` and the character `also` (may be empty)."""
    for c in chars:
        e = _replace(e, c, "")
    if also is not None:
        e = _replace(e, also, "")
    return _eq(e, _lit(""))


def spaced(text: exp.Expr) -> exp.Expr:
    """`text` with each space a number may group its digits with (`numbers.SPACES`: no-break,
    figure, narrow no-break, thin) written as ' ' (same length: positions agree)."""
    for c in SPACES:
        if c != " ":
            text = _replace(text, c, " ")
    return text


def minus_signed(text: exp.Expr) -> exp.Expr:
    """`text` with a leading minus sign U+2212 written `-`, and an accounting negative
    `(1,200)` as `-1,200` (`numbers.signed`: what the parentheses hold, trimmed)."""
    length = exp.Length(this=text)
    first, last = _sub(text, _num(1), _num(1)), _sub(text, length, _num(1))
    inner = _sub(text, _num(2), _nonneg(exp.Sub(this=length, expression=_num(2))))
    minus = [c for c in MINUS if c != "-"]
    return _case(
        [
            (
                exp.In(this=first, expressions=[_lit(c) for c in minus]),
                exp.DPipe(this=_lit("-"), expression=_sub(text, _num(2)), safe=False),
            ),
            (
                _and(
                    _eq(first, _lit(OPEN)),
                    _eq(last, _lit(CLOSE)),
                    exp.GT(this=length, expression=_num(1)),
                ),
                exp.DPipe(this=_lit("-"), expression=trim_blanks(inner), safe=False),
            ),
        ],
        text,
    )


Stage = dict[str, exp.Expr]
PARTS = ("lo", "hi", "op", "sg")  # band low end, band high end, open band, signed number
CONVENTIONS = (("d", ",", "."), ("c", ".", ","))  # key, grouping separator, decimal mark
#: the other grouping separators either convention takes (`numbers._OTHER_GROUPS`): an
#: apostrophe (Swiss 1'234.5), a typographic one, a space (1 234,5; `spaced`); one kind
#: per numeral
OTHER_GROUPS = ("'", "’", " ")


def _fits(fld: Field, value: exp.Expr, whole: exp.Expr) -> exp.Expr:
    """`value` is one the field can hold (never NULL: a NULL value does not fit)."""
    parts: list[exp.Expr] = [exp.Not(this=exp.Is(this=value, expression=exp.Null()))]
    if fld.type == "integer":
        parts.append(whole)
    if fld.minimum is not None:
        parts.append(exp.GTE(this=value, expression=exp.Literal.number(repr(float(fld.minimum)))))
    if fld.maximum is not None:
        parts.append(exp.LTE(this=value, expression=exp.Literal.number(repr(float(fld.maximum)))))
    return _case([(_and(*parts), exp.true())], exp.false())


def stages(fld: Field, raw: exp.Expr, name: str) -> list[Stage]:
    """The reading of number field `fld` from text column `raw`, as layers of helper columns
    (each reads only the earlier layers' columns, named `<name>_<key>`, so that the SQL grows
    linearly). The last layer has `<name>_dl` / `_dh` and `_cl` / `_ch`, the low and high of
    the dot and comma readings (high NULL: an open band), and `_dk` / `_ck`, the reading fits
    the field; `picked` chooses between them."""

    def c(key: str) -> exp.Expr:
        return exp.column(exp.to_identifier(f"{name}_{key}"))

    out: list[Stage] = [{"u": spaced(cleaned(raw))}]
    text = minus_signed(c("u"))
    out.append({"t": text, "s": shape(text)})
    t, s = c("t"), c("s")
    length: exp.Expr = exp.Length(this=t)
    first = _sub(t, _num(1), _num(1))
    dash = _pos(t, "-")
    out.append(
        {
            "band": exp.GT(this=dash, expression=_num(1)),
            "sign": _case(
                [(exp.In(this=first, expressions=[_lit("-"), _lit("+")]), exp.true())],
                exp.false(),
            ),
            "neg": _eq(first, _lit("-")),
            "dash": dash,
            "len": length,
        }
    )
    signed, dash, length = c("sign"), c("dash"), c("len")
    open_end = _and(
        exp.GT(this=length, expression=_num(1)),
        _eq(_sub(t, length, _num(1)), _lit("+")),
        exp.Not(this=signed),
    )
    # a length is never negative: PostgreSQL refuses SUBSTRING with one (no dash, empty text)
    before_dash = _nonneg(exp.Sub(this=dash, expression=_num(1)))
    after_dash = exp.Add(this=dash, expression=_num(1))
    but_last = _nonneg(exp.Sub(this=length, expression=_num(1)))
    cuts = {
        "lo": (_num(1), before_dash),
        "hi": (after_dash, None),
        "op": (_num(1), but_last),
    }
    parts: Stage = {"open": _case([(open_end, exp.true())], exp.false())}
    for part, (start, size) in cuts.items():
        parts[f"{part}_t"] = trim_blanks(_sub(t, start, size))
        parts[f"{part}_s"] = trim_blanks(_sub(s, start, size))
    # blanks after a sign are no part of the number (`- 5`, `− 5`), as icp score reads it
    parts["sg_t"] = _case([(signed, trim_blanks(_sub(t, _num(2))))], t)
    parts["sg_s"] = _case([(signed, trim_blanks(_sub(s, _num(2))))], s)
    out.append(parts)

    out += [_marks(c), _grouped_marks(c), _readings(c), *_ends(c), _fits_stage(fld, c)]
    return [{f"{name}_{k}": e for k, e in stage.items()} for stage in out]


#: a column of an earlier layer, by its key
Col = Callable[[str], exp.Expr]


def _marks(c: Col) -> Stage:
    """Each part (low, high, open, signed) in each convention: whether it has the decimal
    mark, its integer part, its fraction (shape and text)."""
    # each part in each convention: where the mark is, the integer and fraction parts
    split: Stage = {}
    for part in PARTS:
        for key, _group, mark in CONVENTIONS:
            pt, ps = c(f"{part}_t"), c(f"{part}_s")
            at = _pos(ps, mark)
            has: exp.Expr = exp.GT(this=at, expression=_num(0))
            after = exp.Add(this=at, expression=_num(1))
            k = f"{part}{key}"
            split[f"{k}_has"] = has
            split[f"{k}_ip"] = _case(
                [(has, _sub(ps, _num(1), exp.Sub(this=at, expression=_num(1))))], ps
            )
            split[f"{k}_fp"] = _case([(has, _sub(ps, after))], _lit(""))
            split[f"{k}_fr"] = _case([(has, _sub(pt, after))], _lit(""))
    return split


def _group_of(ip: exp.Expr, group: str) -> exp.Expr:
    """The grouping separator integer part `ip` uses: the convention's `group`, else the
    first of `OTHER_GROUPS` it holds (a numeral groups with one kind; another kind left in it
    makes it no numeral), else `group`."""
    found: list[tuple[exp.Expr, exp.Expr]] = [
        (exp.GT(this=_pos(ip, g), expression=_num(0)), _lit(g)) for g in (group, *OTHER_GROUPS)
    ]
    return _case(found, _lit(group))


def _grouped_marks(c: Col) -> Stage:
    """Each integer part's grouping separator (`_g`, `_group_of`) and the part with its groups
    of three digits marked `#` (`_gm`)."""
    grouped_marks: Stage = {}
    for part in PARTS:
        for key, group, _mark in CONVENTIONS:
            k = f"{part}{key}"
            g = _group_of(c(f"{k}_ip"), group)
            grouped_marks[f"{k}_g"] = g
            three = exp.DPipe(this=g, expression=_lit("999"), safe=False)
            grouped_marks[f"{k}_gm"] = _replace(c(f"{k}_ip"), three, "#")
    return grouped_marks


def _readings(c: Col) -> Stage:
    """Each part in each convention: its value when it is a valid numeral (`_v`), and
    whether its fraction is all zeros (`_w`)."""
    # valid numeral of the convention, its value and whether its fraction is all zeros
    read: Stage = {}
    for part in PARTS:
        for key, _group, mark in CONVENTIONS:
            k = f"{part}{key}"
            pt, ps = c(f"{part}_t"), c(f"{part}_s")
            has, ip, fp, gm = c(f"{k}_has"), c(f"{k}_ip"), c(f"{k}_fp"), c(f"{k}_gm")
            group = c(f"{k}_g")
            first_group = _pos(gm, "#")
            # grouped: 9{1,3} (G999)+, no leading zero
            grouped = _and(
                exp.NEQ(this=_sub(pt, _num(1), _num(1)), expression=_lit("0")),
                _eq(_pos(gm, group), _num(0)),
                exp.Between(this=first_group, low=_num(2), high=_num(4)),
                _only(_sub(gm, first_group), "#"),
            )
            ip_ok = _case(
                [(exp.GT(this=_pos(ip, group), expression=_num(0)), grouped)], _only(ip, "9")
            )
            # `.5`: no integer part, only with the dot as decimal mark and only as the whole
            # cell (the file's plain path): a band's or an open band's end is a numeral of
            # `numbers.DOT_NUMBER`, which begins with a digit (`.5-1` and `.5+` are unknown)
            # (and not after a sign and blanks: `- .5` is unknown, as in icp score)
            bare: exp.Expr = exp.false()
            if mark == "." and part == "sg":
                tight = _eq(exp.Length(this=pt), exp.Sub(this=c("len"), expression=_num(1)))
                bare = _case([(c("sign"), tight)], exp.true())
            empty_ip = _and(has, bare)
            valid = _and(
                _only(ps, "9" + mark, group),
                _eq(_pos(fp, mark), _num(0)),
                _eq(_pos(fp, group), _num(0)),
                _case([(has, exp.GT(this=exp.Length(this=fp), expression=_num(0)))], exp.true()),
                _case([(_eq(exp.Length(this=ip), _num(0)), empty_ip)], ip_ok),
                exp.GT(this=exp.Length(this=pt), expression=_num(0)),
            )
            digits = _replace(_replace(pt, group, ""), mark, ".")
            read[f"{k}_v"] = _case([(valid, exp.cast(digits, exp.DataType.Type.DOUBLE))])
            read[f"{k}_w"] = _case([(_only(c(f"{k}_fr"), "0"), exp.true())], exp.false())
    return read


def _ends(c: Col) -> list[Stage]:
    """Per convention, the cell's low and high and whether each end is whole (the high
    end's flag reads the low end's: a layer of its own)."""
    band, opened = c("band"), c("open")
    # per convention: the cell's low and high, and whether each end is whole
    ends: Stage = {}
    sign = _case([(c("neg"), exp.Literal.number("-1"))], exp.Literal.number("1"))
    opened = c("open")
    for key, _group, _mark in CONVENTIONS:
        single = exp.Mul(this=sign, expression=c(f"sg{key}_v"))
        ends[f"{key}l"] = _case([(band, c(f"lo{key}_v")), (opened, c(f"op{key}_v"))], single)
        ends[f"{key}h"] = _case([(band, c(f"hi{key}_v")), (opened, exp.Null())], single)
        ends[f"{key}wl"] = _case(
            [(band, c(f"lo{key}_w")), (opened, c(f"op{key}_w"))], c(f"sg{key}_w")
        )
        ends[f"{key}wh"] = _case([(band, c(f"hi{key}_w"))], c(f"{key}wl"))
    # the whole-flag of the high end reads the low end's column: compute it in its own layer
    whole_hi = {k: ends.pop(k) for k in [k for k in ends if k.endswith("wh")]}
    return [ends, whole_hi]


def _fits_stage(fld: Field, c: Col) -> Stage:
    """Per convention: the reading fits the field (whole, within its bounds, low <= high)."""
    band, opened = c("band"), c("open")
    fits: Stage = {}
    for key, _group, _mark in CONVENTIONS:
        lo, hi = c(f"{key}l"), c(f"{key}h")
        ordered = _case(
            [(exp.Is(this=hi, expression=exp.Null()), exp.true())],
            exp.LTE(this=lo, expression=hi),
        )
        ok = _and(
            _fits(fld, lo, c(f"{key}wl")),
            _case([(opened, exp.true())], _fits(fld, hi, c(f"{key}wh"))),
            _case([(band, ordered)], exp.true()),
        )
        fits[f"{key}k"] = _case([(ok, exp.true())], exp.false())
    return fits


def picked(
    dl: exp.Expr, dh: exp.Expr, cl: exp.Expr, ch: exp.Expr, dk: exp.Expr, ck: exp.Expr
) -> tuple[exp.Expr, exp.Expr]:
    """(low, high) of the cell: the reading that fits, none when both fit and differ (the
    cell reads two ways). High is NULL for an open band or an unknown cell."""
    differ = exp.Or(
        this=exp.NEQ(this=dl, expression=cl),
        expression=exp.NEQ(
            this=exp.Coalesce(this=dh, expressions=[dl]),
            expression=exp.Coalesce(this=ch, expressions=[cl]),
        ),
    )
    pick_dot = _and(dk, exp.Not(this=exp.Paren(this=_and(ck, differ))))
    pick_comma = _and(ck, exp.Not(this=dk))
    lo = _case([(pick_dot, dl), (pick_comma, cl)])
    hi = _case([(pick_dot, dh), (pick_comma, ch)])
    return lo, hi
