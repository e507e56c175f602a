"""Pictures drawn at build time as inline SVG: the tier chart of the rule tests page. No
script, no external resource; every text is XML-escaped. (The Pond Map is page HTML:
icpkit.site.pondmap.)"""

from __future__ import annotations

from html import escape

from markupsafe import Markup


def tier_chart(counts: dict[str, dict[str, int]], title: str) -> Markup:
    """Stacked bars: for each best profile, its fixture companies per tier."""
    tiers = ("A", "B", "C", "D")
    rows = list(counts.items())
    bar_h, gap, label_w, scale = 22, 10, 230, 28
    most = max([sum(c.values()) for _, c in rows] + [1])
    width = label_w + most * scale + 60
    height = len(rows) * (bar_h + gap) + 40
    parts = [
        f'<svg class="tier-chart" role="img" viewBox="0 0 {width} {height}" '
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
    return Markup("".join(parts))
