"""The Pond Map as page HTML: five categories, negatives above the line, positives below.

Real page text (it wraps to its card, is selectable and found by search); each item that
names a rule links to that rule's row. The markup is built here, every text HTML-escaped;
the layout and both colour schemes live in site_src/docs/assets/handbook.css (a grid at
desktop width, the categories stacked with their names on a phone).
"""

from __future__ import annotations

from collections.abc import Callable
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
#: kind -> (css class, mark, words); the mark is decoration, the words say it
KINDS = {
    "disqualifier": ("pm-disq", "×", "Disqualifier"),
    "warning_sign": ("pm-warn", "⚠", "Warning sign"),
    "positive": ("pm-pos", "✓", "Positive"),
}

#: a rule reference as written in the YAML -> the link to its row ('' when none)
RuleLink = Callable[[str], str]


def _item(item: dict[str, Any], kind: str, link: RuleLink) -> str:
    cls, mark, kind_words = KINDS[kind]
    text = escape(str(item.get("text", "")))
    ref = item.get("rule")
    href = link(str(ref)) if ref else ""
    body = f'<a href="{escape(href)}">{text}</a>' if href else text
    return (
        f'<li class="pm-item {cls}"><span class="pm-kind"><span aria-hidden="true">{mark}</span> '
        f'{kind_words}</span> <span class="pm-text">{body}</span></li>'
    )


def _list(items: list[str], cls: str, empty: str) -> str:
    if not items:
        return f'<p class="{cls} pm-empty">{empty}</p>'
    return f'<ul class="{cls}">' + "".join(items) + "</ul>"


def pond_map(pond: dict[str, Any] | None, title: str, link: RuleLink) -> Markup:
    """The Pond Map of one profile as an HTML block (one line: safe inside Markdown).

    `pond` is the profile's `pond_map` mapping (category -> negatives / positives);
    `link` turns a rule reference into the URL of its row."""
    pond = pond or {}
    cats = []
    for n, (key, label) in enumerate(CATEGORIES):
        content = pond.get(key) or {}
        negs = [
            _item(i, str(i.get("kind", "disqualifier")), link) for i in content.get("negatives", [])
        ]
        poss = [_item(i, "positive", link) for i in content.get("positives", [])]
        head_id = f"pm-{key}"
        cats.append(
            f'<section class="pm-cat" aria-labelledby="{head_id}">'
            f'<h3 class="pm-head" id="{head_id}">{escape(label)}</h3>'
            + _list(negs, "pm-negs", "No negative factor")
            + f'<p class="pm-line{" pm-line-first" if n == 0 else ""}">'
            "<span>▲ out of the pond</span> <span>in the pond ▼</span></p>"
            + _list(poss, "pm-poss", "No positive factor")
            + "</section>"
        )
    return Markup(
        f'<div class="pond-map" role="group" aria-label="{escape(title)}">'
        + "".join(cats)
        + "</div>"
    )
