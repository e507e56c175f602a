"""Evidence charts drawn at build time by matplotlib as static, inline SVG.

Offline and theme-proof: the Agg-free SVG backend, text kept as text (no font is
embedded or fetched), a transparent background, and every text, axis and tick drawn in
`currentColor`, so a chart follows the page's text colour in light and dark mode (no text
in a fixed colour: a grey "n/a" read at 3.45:1 on the light page). Bars use mid-tone
colours readable on both. Output is deterministic (no date, fixed ids).
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from .svg import chart_frame

#: drawn in this colour, then replaced by currentColor in the SVG text
_INK = "#010203"
_BAR = "#5b7fd6"
_BAR2 = "#d98b3a"
_GREY = "#8a8a8a"


def _pyplot(salt: str) -> Any:
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - setup installs it
        from ..errors import UsageError

        raise UsageError(
            "the evidence charts need matplotlib: pip install 'icpkit[evidence]'"
        ) from None
    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcdefaults()
    plt.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": salt,
            "font.size": 9,
            "text.color": _INK,
            "axes.edgecolor": _INK,
            "axes.labelcolor": _INK,
            "xtick.color": _INK,
            "ytick.color": _INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _svg(fig: Any, title: str) -> Markup:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", transparent=True, metadata={"Date": None}, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = text.replace(_INK, "currentColor")
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    # a blank line would end Markdown's raw HTML block
    text = "\n".join(line for line in text.splitlines() if line.strip())
    from html import escape

    text = text.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return chart_frame(text)


def _errors(rates: Sequence[tuple[float | None, float | None, float | None]]) -> Any:
    lows = [(v - lo) * 100 if v is not None and lo is not None else 0 for v, lo, _ in rates]
    highs = [(hi - v) * 100 if v is not None and hi is not None else 0 for v, _, hi in rates]
    return [lows, highs]


def win_rate_bars(
    labels: Sequence[str],
    rates: Sequence[tuple[float | None, float | None, float | None]],
    title: str,
    *,
    salt: str,
    base: float | None = None,
) -> Markup:
    """Bars of win rates (value, low, high as fractions; None where there is no decided
    opportunity) with their 95% intervals, and the base rate as a dashed line."""
    plt = _pyplot(salt)
    # a long label ('no ICP fits', 'insufficient') on lines of its own words: none overlaps
    shown = [textwrap.fill(label, 8, break_long_words=False) for label in labels]
    fig, ax = plt.subplots(figsize=(max(3.2, 0.8 * len(labels) + 1.2), 2.8))
    values = [(v or 0) * 100 for v, _, _ in rates]
    colours = [_BAR if v is not None else _GREY for v, _, _ in rates]
    ax.bar(shown, values, color=colours, yerr=_errors(rates), capsize=3, ecolor=_INK)
    # a tier with no decided opportunity has no bar: it says n/a, never reads as 0% won
    for i, (v, _, _) in enumerate(rates):
        if v is None:
            ax.text(i, 2, "n/a", ha="center", va="bottom", fontsize=8, style="italic")
    ax.tick_params(axis="x", labelsize=8)
    if base is not None:
        ax.axhline(base * 100, color=_BAR2, linestyle="--", linewidth=1, label="base rate")
        ax.legend(frameon=False, loc="upper right")
    ax.set_ylabel("won (%)")
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=9)
    return _svg(fig, title)


def lift_bars(
    labels: Sequence[str], lifts: Sequence[float | None], title: str, *, salt: str
) -> Markup:
    """Horizontal bars: win rate when a rule is met divided by the rate when unmet; 1 is no
    difference (drawn as a line). A ratio that cannot be given (None: no decided
    opportunity on a side, or unmet never won) has no bar and says n/a: it is not a ratio
    of 0, which would draw it as the rule that hurts most."""
    plt = _pyplot(salt)
    fig, ax = plt.subplots(figsize=(5.2, 0.32 * len(labels) + 0.9))
    shown = list(labels)[::-1]
    drawn = list(lifts)[::-1]
    values = [x if x is not None else 0 for x in drawn]
    colours = [_BAR if x is None or x >= 1 else _BAR2 for x in drawn]
    ax.barh(shown, values, color=colours)
    for i, x in enumerate(drawn):
        if x is None:
            ax.text(0.02, i, "n/a", va="center", fontsize=8, style="italic")
    ax.axvline(1, color=_INK, linewidth=0.8)
    ax.set_xlabel("win rate when met ÷ when unmet")
    ax.set_title(title, fontsize=9)
    return _svg(fig, title)


def band_line(
    lows: Sequence[int],
    rates: Sequence[tuple[float | None, float | None, float | None]],
    thresholds: dict[str, int],
    title: str,
    *,
    salt: str,
) -> Markup:
    """Win rate by score band with its interval, and the tier thresholds as lines."""
    plt = _pyplot(salt)
    fig, ax = plt.subplots(figsize=(5.2, 2.6))
    xs = [x for x, (v, _, _) in zip(lows, rates, strict=True) if v is not None]
    shown = [r for r in rates if r[0] is not None]
    ax.errorbar(
        xs,
        [(v or 0) * 100 for v, _, _ in shown],
        yerr=_errors(shown),
        color=_BAR,
        ecolor=_BAR,
        marker="o",
        markersize=3,
        capsize=2,
    )
    for tier, at in thresholds.items():
        ax.axvline(at, color=_GREY, linestyle=":", linewidth=1)
        ax.text(at, 97, f" {tier}", va="top", fontsize=8)
    ax.set_xlabel("score (band start)")
    ax.set_ylabel("won (%)")
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=9)
    return _svg(fig, title)
