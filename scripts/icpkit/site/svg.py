"""Pictures drawn at build time as inline SVG: the tier chart of the rule tests page, and
the frame every chart is shown in. No script, no external resource; every text is
XML-escaped. (The Pond Map is page HTML: icpkit.site.pondmap.)"""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

#: the tier chart's text size, and the smallest it may be drawn at on a screen
_FONT_PX, _READABLE_PX = 12, 11


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
    bar_h, gap, label_w, scale = 22, 10, 230, 28
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
        parts.append(f'<text x="0" y="{y + 16}">{escape(label)}</text>')
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
