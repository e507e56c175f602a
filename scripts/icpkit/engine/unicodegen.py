"""A maintainer's tool: write the tables of `unicode15` from the running `unicodedata`.

    python3.12 -m icpkit.engine.unicodegen     # Python 3.12's unicodedata is Unicode 15.0

It is apart from `unicode15` because it reads `normal`, which reads `unicode15`'s tables.
"""

from __future__ import annotations

import sys
import textwrap
import unicodedata

from . import normal
from .unicode15 import FOLD, UNIDATA_VERSION, Ranges, is_unassigned, ranges_where


def folding() -> dict[str, str]:
    """The case folding of every character `normal.lowered` can write (a lowercase character
    without marks) that the running `str.casefold` folds to other text, itself lowercase and
    without marks. Run on an interpreter whose Unicode is 15.0 (the `FOLD` table)."""
    out: dict[str, str] = {}
    for cp in range(0x110000):
        c = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or is_unassigned(c) or normal.lowered_only(c) != c:
            continue
        folded = normal.lowered_only(c.casefold())
        if folded != c and normal.lowered_only(folded) == folded:
            out[c] = folded
    return out


def _source() -> str:
    """The tables as this module writes them, from the running `unicodedata` (`FOLDED` from
    the `FOLD` table in this module: run it twice when `FOLD` changes)."""

    def wrapped(body: str) -> str:
        return "\n".join(
            f"    {line + ' '!r}" for line in textwrap.wrap(body, 90, break_on_hyphens=False)
        )

    def text(ranges: Ranges) -> str:
        return wrapped(" ".join(f"{a:X}" if a == b else f"{a:X}-{b:X}" for a, b in ranges))

    tables = {
        "WORD": ranges_where(lambda c: unicodedata.category(c)[0] in "LN"),
        "MARK": ranges_where(lambda c: unicodedata.category(c)[0] == "M"),
        "UNASSIGNED": ranges_where(lambda c: unicodedata.category(c) == "Cn"),
    }
    tables["FOLDED"] = ranges_where(
        lambda c: (
            not 0xD800 <= ord(c) <= 0xDFFF
            and not is_unassigned(c)
            and any(x in FOLD for x in normal.lowered_only(c))
        )
    )
    fold = " ".join(
        f"{ord(c):X}:" + "+".join(f"{ord(t):X}" for t in f) for c, f in folding().items()
    )
    blocks = [f"_{name} = (\n{text(r)}\n)\n" for name, r in tables.items()]
    return "\n".join([*blocks, f"_FOLD = (\n{wrapped(fold)}\n)\n"])


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    if unicodedata.unidata_version != UNIDATA_VERSION:
        sys.exit(f"found Unicode {unicodedata.unidata_version}; expected {UNIDATA_VERSION}")
    print(_source())
