"""Spellings of one-of and set values: the key other spellings are matched by, and every
spelling a CRM cell may use for each allowed value (the values, their aliases and, for
countries, ISO codes and names).

Neutral ground: the YAML loader computes each field's spellings with it, and the SQL parse
layer (`icpkit.sql.parsing`) turns the same table into its lookups."""

from __future__ import annotations

from .model import Field
from .normal import DEFAULT_FOLDS, Folds, normal

#: country spellings that ISO 3166 does not list, normalised -> alpha-2 code
COUNTRY_EXTRAS = {
    "usa": "US",
    "u_s": "US",
    "u_s_a": "US",
    "united_states_of_america": "US",
    "america": "US",
    "uk": "GB",
    "u_k": "GB",
    "great_britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern_ireland": "GB",
    "holland": "NL",
    "the_netherlands": "NL",
    "deutschland": "DE",
    "schweiz": "CH",
    "suisse": "CH",
    "osterreich": "AT",
    "south_korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "czechia": "CZ",
    "czech_republic": "CZ",
    "vietnam": "VN",
    "uae": "AE",
    "turkey": "TR",
}


def normalise(text: str, folds: Folds = DEFAULT_FOLDS) -> str:
    """The key other spellings are matched by: the one normalisation of `icpkit.engine.normal`
    (`icpkit.sql.parsing.normal_sql` builds the same in SQL)."""
    return normal(text, folds)


def value_map(fld: Field) -> dict[str, str]:
    """Normalised spelling -> allowed value, for one-of and set values."""
    mapping: dict[str, str] = {}
    if fld.is_country:
        mapping.update(country_spellings(fld.folds))
    else:
        for value in fld.values or ():
            mapping[normalise(value, fld.folds)] = value
    mapping.update(dict(fld.value_aliases))
    return {k: v for k, v in mapping.items() if k}


def country_spellings(folds: Folds = DEFAULT_FOLDS) -> dict[str, str]:
    """Normalised spelling of a country (its alpha-2 and alpha-3 codes, its names, and
    `COUNTRY_EXTRAS`) -> its ISO 3166 alpha-2 code."""
    import pycountry

    mapping: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (
            c.alpha_2,
            c.alpha_3,
            c.name,
            getattr(c, "common_name", None),
            getattr(c, "official_name", None),
        ):
            if name:
                mapping.setdefault(normalise(name, folds), c.alpha_2)
    mapping.update({normalise(k, folds): v for k, v in COUNTRY_EXTRAS.items()})
    return mapping


def country_meant(text: str, folds: Folds = DEFAULT_FOLDS) -> str | None:
    """The ISO 3166 alpha-2 code a country's name or other code stands for (`Germany`,
    `UK`, `deu` -> `DE`, `GB`, `DE`), or None."""
    return country_spellings(folds).get(normalise(text, folds))
