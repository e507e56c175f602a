"""How a value reads to people: a country's name for its ISO code, the vocabulary's label
for a code (`saas` reads "SaaS", `series_b` "Series B"), a code in words where the
vocabulary gives none (`loss_making` reads "loss making").

The handbook, the Qualify form and `icp explain` all label values here, so a rep reads one
name for one value wherever they meet it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from .model import Field
from .values import show


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """'GB' -> 'United Kingdom' (the code itself when pycountry does not know it)."""
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)


def _squash(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def labels_of(
    values: Iterable[str], labels: Mapping[str, str], aliases: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """value -> label for a field's allowed `values`: the vocabulary's `value_labels`, else an
    alias (as written) that spells the code ('Microsoft 365' for microsoft365, 'SAP' for
    sap_erp). Values with neither are left out (they read as their code in words)."""
    out: dict[str, str] = {}
    allowed = set(values)
    for value, label in labels.items():
        if value in allowed:
            out[value] = label
    for alias, code in aliases.items():
        a, c = _squash(str(alias)), _squash(str(code))
        if code in allowed and len(a) >= 3 and a in c:
            out.setdefault(str(code), str(alias))
    return tuple(sorted(out.items()))


def value_label(fld: Field, value: Any) -> str:
    """A value of `fld` as people read it: country names, the vocabulary's label ('SaaS'),
    else a code in words ('loss making'); numbers with their unit, years as written."""
    if fld.is_country and isinstance(value, str):
        return country_name(value)
    if isinstance(value, str) and fld.values is not None:
        return dict(fld.value_labels).get(value) or value.replace("_", " ")
    if fld.type == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    if fld.unit == "year" and isinstance(value, int | float):
        return str(int(value))
    text = show(value)
    if fld.unit and fld.unit not in ("people", "year") and fld.type in ("number", "integer"):
        return f"{text} {fld.unit}" if fld.unit != "percent" else f"{text}%"
    return text
