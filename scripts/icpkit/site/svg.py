"""Pictures drawn at build time as inline SVG: the tier chart of the rule tests page, and
the frame every chart is shown in. No script, no external resource; every text is
XML-escaped. (The Pond Map is page HTML: icpkit.site.pondmap.)"""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

#: the tier chart's text size, and the smallest it may be drawn at on a screen
_FONT_PX, _READABLE_PX = 12, 11
#: the widest a chart's label column grows (a longer label is shortened)
_LABEL_PX = 420

#: advance widths (em) in DejaVu Sans, the widest of the usual system-ui fallbacks (Segoe UI,
#: San Francisco, Roboto and Cantarell are all narrower); any other character counts as 1 em
_ADVANCE = {
    **dict.fromkeys("abdghnopqu", 0.635),
    **dict.fromkeys("0123456789", 0.636),
    **dict.fromkeys("vxy", 0.592),
    **dict.fromkeys("ijl", 0.279),
    **dict.fromkeys("IJ", 0.295),
    **dict.fromkeys("()", 0.39),
    "c": 0.55, "e": 0.615, "f": 0.352, "k": 0.579, "m": 0.974, "r": 0.412, "s": 0.521,
    "t": 0.392, "w": 0.818, "z": 0.525, "-": 0.361, "_": 0.5, " ": 0.318, ".": 0.318,
    "C": 0.698, "D": 0.77, "O": 0.787, "P": 0.603, "A": 0.684, "B": 0.686, "Q": 0.787,
}  # fmt: skip
#: a font wider still than DejaVu Sans (Verdana) fits in this margin
_MARGIN = 1.15


def text_width(text: str, px: float) -> float:
    """The most a line of `text` takes at `px` pixels in a sans-serif font, in pixels: a
    label column sized by it never runs into what is drawn beside it."""
    return sum(_ADVANCE.get(ch, 1.0) for ch in text) * px * _MARGIN


def fitted(text: str, px: float, room: float) -> str:
    """`text`, or as much of it as fits in `room` pixels followed by an ellipsis."""
    if text_width(text, px) <= room:
        return text
    while text and text_width(text + "…", px) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def chart_frame(svg: str) -> Markup:
    """A chart in the frame a wide table scrolls in (mkdocs-material's scroll wrapper, which
    handbook.js makes focusable and names): on a phone the chart keeps a readable size and
    scrolls sideways instead of shrinking to the column; on a desktop and on paper it fits
    as before (handbook.css, `.icp-chart`). `svg` is markup already escaped."""
    return Markup(f'<div class="md-typeset__scrollwrap icp-chart">\n{svg}\n</div>')


def tier_chart(counts: dict[str, dict[str, int]], title: str) -> Markup:
    """Stacked bars: for each best profile, its fixture companies per tier."""
    tiers = ("A", "B", "C", "D")
    rows = list(counts.items())
    bar_h, gap, scale = 22, 10, 28
    # the label column is as wide as the longest label, up to _LABEL_PX (a profile id may be
    # 64 characters): a longer label is shortened with an ellipsis, its whole text its title
    widest = max([text_width(label, _FONT_PX) for label, _ in rows] + [80])
    label_w = math.ceil(min(widest, _LABEL_PX)) + 12
    most = max([sum(c.values()) for _, c in rows] + [1])
    width = label_w + most * scale + 60
    height = len(rows) * (bar_h + gap) + 40
    # it fills the column, but on a narrow screen is never drawn so small that its text
    # falls under _READABLE_PX: the width it keeps there (its frame scrolls instead)
    keep = math.ceil(width * _READABLE_PX / _FONT_PX)
    parts = [
        f'<svg class="tier-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{keep}" height="{math.ceil(height * keep / width)}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for r, (label, c) in enumerate(rows):
        y = r * (bar_h + gap) + 8
        shown = fitted(label, _FONT_PX, _LABEL_PX)
        whole = f"<title>{escape(label)}</title>" if shown != label else ""
        parts.append(f'<text x="0" y="{y + 16}">{whole}{escape(shown)}</text>')
        x = label_w
        for tier in tiers:
            n = c.get(tier, 0)
            if n:
                parts.append(
                    f'<rect class="tier-{tier}" x="{x}" y="{y}" width="{n * scale}" '
                    f'height="{bar_h}"/><text class="tier-n" x="{x + 6}" '
                    f'y="{y + 16}">{tier} {n}</text>'
                )
                x += n * scale
    parts.append("</svg>")
    return chart_frame("".join(parts))
