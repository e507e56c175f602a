"""Pictures drawn at build time as inline SVG: the Pond Map and tier charts. No script, no
external resource; every text is XML-escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup

CATEGORIES = (
    ("account_profile", "Account Profile"),
    ("needs", "Needs"),
    ("urgency_drivers", "Urgency Drivers"),
    ("beliefs", "Beliefs"),
    ("tipping_point", "Tipping Point"),
)
COLUMN_W, PAD, LINE_H, CHARS = 150, 7, 14, 21


def _wrap(text: str, width: int = CHARS) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines or [""]


@dataclass(frozen=True)
class Item:
    text: str
    #: disqualifier | warning_sign | positive
    kind: str


def _items(category: dict[str, Any] | None) -> tuple[list[Item], list[Item]]:
    category = category or {}
    negs = [Item(str(n["text"]), str(n["kind"])) for n in category.get("negatives", [])]
    poss = [Item(str(p["text"]), "positive") for p in category.get("positives", [])]
    return negs, poss


def _box(x: int, y: int, item: Item) -> tuple[str, int]:
    lines = _wrap(item.text)
    h = len(lines) * LINE_H + 2 * PAD
    cls = {"disqualifier": "pm-disq", "warning_sign": "pm-warn", "positive": "pm-pos"}[item.kind]
    mark = {"disqualifier": "× ", "warning_sign": "⚠ ", "positive": "✓ "}[item.kind]
    out = [
        f'<rect class="{cls}" x="{x}" y="{y}" width="{COLUMN_W - 2 * PAD}" height="{h}" rx="6"/>'
    ]
    for i, line in enumerate(lines):
        text = (mark if i == 0 else "") + line
        out.append(
            f'<text x="{x + PAD}" y="{y + PAD + (i + 1) * LINE_H - 3}">{escape(text)}</text>'
        )
    return "".join(out), h + PAD


def pond_map(pond: dict[str, dict[str, Any]] | None, title: str) -> Markup:
    """The Pond Map: five categories as columns, negatives above the line (disqualifiers
    apart from warning signs), positives below."""
    pond = pond or {}
    columns = [_items(pond.get(key)) for key, _ in CATEGORIES]
    top = 44

    def height(items: Sequence[Item]) -> int:
        return sum(len(_wrap(i.text)) * LINE_H + 3 * PAD for i in items)

    above = max([height(n) for n, _ in columns] + [40])
    below = max([height(p) for _, p in columns] + [40])
    line_y = top + above + 12
    total_h = line_y + 24 + below + 16
    width = COLUMN_W * len(CATEGORIES)
    parts = [
        f'<svg class="pond-map" role="img" viewBox="0 0 {width} {total_h}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for c, ((_, label), (negs, poss)) in enumerate(zip(CATEGORIES, columns, strict=True)):
        x = c * COLUMN_W
        parts.append(
            f'<rect class="pm-col" x="{x + 2}" y="2" width="{COLUMN_W - 4}" '
            f'height="{total_h - 4}" rx="8"/>'
        )
        parts.append(
            f'<text class="pm-head" x="{x + COLUMN_W // 2}" y="28" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
        y = line_y - 6 - height(negs)
        for item in negs:
            svg, h = _box(x + PAD, y, item)
            parts.append(svg)
            y += h
        y = line_y + 18
        for item in poss:
            svg, h = _box(x + PAD, y, item)
            parts.append(svg)
            y += h
    parts.append(f'<line class="pm-line" x1="0" y1="{line_y}" x2="{width}" y2="{line_y}"/>')
    parts.append(f'<text class="pm-label" x="6" y="{line_y - 4}">out of the pond ▲</text>')
    parts.append(f'<text class="pm-label" x="6" y="{line_y + 13}">in the pond ▼</text>')
    parts.append("</svg>")
    return Markup('<div class="pond-map-wrap">' + "".join(parts) + "</div>")


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
