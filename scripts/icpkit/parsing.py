"""The one parsing layer for CRM text, as SQL expressions.

Exports disagree on everything (see PITFALLS), so every column is read as text
and parsed here, once, by the same expressions in every path: the bulk scorer
runs them over the whole file, `explain --row` and `--set` run them over one
row. What an empty cell means is decided here too: empty, `N/A`, `null`, `-`
are unknown (or, for a field with `empty: empty_set`, an empty set).

What is read (anything else is *unreadable*: unknown, and counted):
- numbers: `1200000`, `1,200,000`, `1.2e6`, `$1.2M`, `€3m`, `250k`, `25%`;
  a dot is the decimal mark. An amount in a currency other than the field's
  unit is unreadable (it is never silently converted).
- bands: `51-200`, `1,001-5,000` (low and high kept), `10,001+` (no upper end).
- yes/no: yes, no, true, false, y, n, t, f, 1, 0 (any case).
- dates: `2026-03-01`, `2026-03-01 12:00:00`.
- one-of values: the value itself, its other spellings (`value_aliases`) and,
  for countries, ISO codes in any case, ISO 3166 names and alpha-3 codes.
- sets: values separated by `;` `,` or `|`, each read like a one-of value.

Each field becomes columns of the parsed relation: `<field>` (or, for numbers,
`<field>__lo` and `<field>__hi`), and `<field>__bad`, true when the cell had
text that could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pycountry

from .model import Field
from .operators import NUMERIC, sql_literal

NULL_TOKENS = ("n/a", "#n/a", "na", "null", "nan", "-", "—", "?")
CURRENCIES = {"USD": ("$", "us$", "usd"), "EUR": ("€", "eur"), "GBP": ("£", "gbp")}
COUNTRY_EXTRAS = {
    "usa": "US", "u_s": "US", "u_s_a": "US", "united_states_of_america": "US", "america": "US",
    "uk": "GB", "u_k": "GB", "great_britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern_ireland": "GB", "holland": "NL",
    "the_netherlands": "NL", "deutschland": "DE", "schweiz": "CH", "suisse": "CH",
    "osterreich": "AT", "österreich": "AT", "south_korea": "KR", "korea": "KR", "russia": "RU",
    "czechia": "CZ", "czech_republic": "CZ", "vietnam": "VN", "uae": "AE", "turkey": "TR",
}
_NUM = r"[0-9]+(\.[0-9]+)?"


def normalise(text: str) -> str:
    """The key other spellings are matched by (the SQL `icp_norm` macro does the same)."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


MACROS = rf"""
CREATE OR REPLACE TEMP MACRO icp_text(r) AS
  CASE WHEN r IS NULL OR trim(r) = '' OR lower(trim(r)) IN ({", ".join(map(sql_literal, NULL_TOKENS))})
       THEN NULL ELSE trim(r) END;
CREATE OR REPLACE TEMP MACRO icp_norm(t) AS trim(regexp_replace(lower(t), '[^a-z0-9]+', '_', 'g'), '_');
CREATE OR REPLACE TEMP MACRO icp_plain(t) AS
  CASE WHEN regexp_full_match(t, '-?{_NUM}') THEN CAST(t AS DOUBLE) END;
CREATE OR REPLACE TEMP MACRO icp_compact(t) AS lower(regexp_replace(t, '[\s,]', '', 'g'));
CREATE OR REPLACE TEMP MACRO icp_amount(s) AS
  regexp_extract(s, '^(us\$|usd|\$|€|eur|£|gbp)?(-?{_NUM})(k|mm|mn|m|bn|b)?(usd|eur|gbp|%)?$',
                 ['cur', 'num', 'dec', 'mult', 'cur2']);
CREATE OR REPLACE TEMP MACRO icp_currency(a) AS
  CASE WHEN a.cur IN ('$', 'us$', 'usd') OR a.cur2 = 'usd' THEN 'USD'
       WHEN a.cur IN ('€', 'eur') OR a.cur2 = 'eur' THEN 'EUR'
       WHEN a.cur IN ('£', 'gbp') OR a.cur2 = 'gbp' THEN 'GBP'
       WHEN a.cur2 = '%' THEN '%' END;
CREATE OR REPLACE TEMP MACRO icp_scaled(a) AS
  CAST(a.num AS DOUBLE) * CASE a.mult WHEN 'k' THEN 1e3 WHEN 'm' THEN 1e6 WHEN 'mm' THEN 1e6
                                     WHEN 'mn' THEN 1e6 WHEN 'b' THEN 1e9 WHEN 'bn' THEN 1e9
                                     ELSE 1 END;
CREATE OR REPLACE TEMP MACRO icp_money(a, allowed) AS
  CASE WHEN a.num <> '' AND (icp_currency(a) IS NULL OR list_contains(allowed, icp_currency(a)))
       THEN icp_scaled(a) END;
CREATE OR REPLACE TEMP MACRO icp_bool(t) AS
  CASE WHEN lower(t) IN ('yes', 'y', 'true', 't', '1') THEN TRUE
       WHEN lower(t) IN ('no', 'n', 'false', 'f', '0') THEN FALSE END;
CREATE OR REPLACE TEMP MACRO icp_date(t) AS
  coalesce(TRY_CAST(t AS DATE), CAST(TRY_CAST(t AS TIMESTAMP) AS DATE));
"""


@dataclass(frozen=True)
class Parsed:
    """SQL expressions that parse one field from a text expression."""

    #: column name -> expression (one column, or __lo and __hi for numbers)
    columns: dict[str, str]
    #: true when the cell had text that could not be read
    bad: str


def value_map(fld: Field) -> dict[str, str]:
    """Normalised spelling -> allowed value, for one-of and set values."""
    mapping: dict[str, str] = {}
    if fld.is_country:
        for c in pycountry.countries:
            for name in (c.alpha_2, c.alpha_3, c.name, getattr(c, "common_name", None),
                         getattr(c, "official_name", None)):
                if name:
                    mapping.setdefault(normalise(name), c.alpha_2)
        mapping.update({k: v for k, v in COUNTRY_EXTRAS.items()})
    else:
        for value in fld.values or ():
            mapping[normalise(value)] = value
    mapping.update(dict(fld.value_aliases))
    return {k: v for k, v in mapping.items() if k}


def _map_literal(mapping: dict[str, str]) -> str:
    items = ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in sorted(mapping.items()))
    return f"MAP {{{items}}}"


def _choice(fld: Field, t: str) -> str:
    if fld.values is None:
        return t
    exact = ", ".join(sql_literal(v) for v in fld.values)
    return f"(CASE WHEN {t} IN ({exact}) THEN {t} ELSE {_map_literal(value_map(fld))}[icp_norm({t})] END)"


def _set(fld: Field, t: str) -> str:
    empty = "';'" if fld.empty_set else "NULL"
    if fld.values is None:
        element = "icp_norm(x)"
    else:
        element = f"coalesce({_map_literal(value_map(fld))}[icp_norm(x)], icp_norm(x))"
    slow = (f"';' || array_to_string(list_filter(list_transform(string_split("
            f"regexp_replace({t}, '\\s*[;,|]\\s*', ';', 'g'), ';'), x -> {element}), "
            f"x -> x <> ''), ';') || ';'")
    return (f"(CASE WHEN {t} IS NULL THEN {empty} "
            f"WHEN regexp_full_match({t}, '[a-z0-9_]+(;[a-z0-9_]+)*') THEN ';' || {t} || ';' "
            f"ELSE {slow} END)")


def _number(fld: Field, t: str) -> tuple[str, str, str]:
    """(low, high, bad) expressions for a number or integer field."""
    unit = (fld.unit or "").upper()
    allowed = [unit] if unit in CURRENCIES else (["%"] if unit == "PERCENT" else [])
    allowed_list = "[" + ", ".join(sql_literal(c) for c in [*allowed, ""]) + "]"
    compact = f"icp_compact({t})"
    band = f"regexp_extract({compact}, '^({_NUM})-({_NUM})$', ['lo', 'x', 'hi', 'y'])"
    plus = f"regexp_extract({compact}, '^({_NUM})\\+$', ['lo', 'x'])"
    amount = f"icp_money(icp_amount({compact}), {allowed_list})"
    lo_slow = (f"(CASE WHEN {band}.lo <> '' THEN CAST({band}.lo AS DOUBLE) "
               f"WHEN {plus}.lo <> '' THEN CAST({plus}.lo AS DOUBLE) ELSE {amount} END)")
    hi_slow = (f"(CASE WHEN {band}.hi <> '' THEN CAST({band}.hi AS DOUBLE) "
               f"WHEN {plus}.lo <> '' THEN CAST('inf' AS DOUBLE) ELSE {amount} END)")
    plain = f"icp_plain({t})"
    lo = f"coalesce({plain}, {lo_slow})"
    hi = f"coalesce({plain}, {hi_slow})"
    if fld.type == "integer":
        whole = f"({lo} = floor({lo}) AND ({hi} = floor({hi}) OR isinf({hi})))"
        lo, hi = f"(CASE WHEN {whole} THEN {lo} END)", f"(CASE WHEN {whole} THEN {hi} END)"
    bad = f"({t} IS NOT NULL AND ({lo} IS NULL OR {hi} IS NULL OR {lo} > {hi}))"
    return lo, hi, bad


def text_of(raw: str) -> str:
    """The cleaned text of a cell: trimmed, NULL when empty or a null token."""
    return f"icp_text({raw})"


def parse_field(fld: Field, t: str) -> Parsed:
    """Expressions that parse field `fld` from `t`, a column already cleaned by `text_of`."""
    name = fld.name
    if fld.type in NUMERIC:
        lo, hi, bad = _number(fld, t)
        return Parsed({f"{name}__lo": lo, f"{name}__hi": hi}, bad)
    if fld.type == "yes_no":
        value = f"icp_bool({t})"
    elif fld.type == "date":
        value = f"icp_date({t})"
    elif fld.type == "set_of":
        value = _set(fld, t)
        return Parsed({name: value}, f"({t} IS NOT NULL AND {value} IS NULL)")
    else:
        value = _choice(fld, t)
    return Parsed({name: value}, f"({t} IS NOT NULL AND {value} IS NULL)")


def typed_column(fld: Field, col: str, duck_type: str) -> Parsed | None:
    """Expressions for a column that already has a fitting type (Parquet, JSON), or None."""
    t = duck_type.upper()
    numeric_types = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE",
                     "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
    if fld.type in NUMERIC and (t in numeric_types or t.startswith("DECIMAL")):
        value = f"CAST({col} AS DOUBLE)"
        if fld.type == "integer":
            value = f"(CASE WHEN {value} = floor({value}) THEN {value} END)"
        bad = f"({col} IS NOT NULL AND {value} IS NULL)"
        return Parsed({f"{fld.name}__lo": value, f"{fld.name}__hi": value}, bad)
    if fld.type == "yes_no" and t == "BOOLEAN":
        return Parsed({fld.name: col}, "FALSE")
    if fld.type == "date" and t == "DATE":
        return Parsed({fld.name: col}, "FALSE")
    if fld.type == "set_of" and t.endswith("[]"):
        return parse_field(fld, text_of(f"array_to_string({col}, ';')"))
    return None
