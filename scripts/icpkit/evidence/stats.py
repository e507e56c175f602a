"""Intervals and tests, from scipy (never hand-written formulas).

- a proportion's 95% interval: Wilson's score interval (`scipy.stats.binomtest`);
- whether two proportions can be told apart: Fisher's exact test on the 2×2 table
  (`scipy.stats.fisher_exact`), two-sided, at the 5% level;
- p-values adjusted for testing every rule at once: Benjamini-Hochberg
  (`scipy.stats.false_discovery_control`), so one rule in twenty is not named by chance;
- log-odds ratios with a half added to every cell (so an empty cell gives a finite
  number), used only to suggest points, never to decide anything.
"""

from __future__ import annotations

import math

LEVEL = 0.95
ALPHA = 0.05


def require() -> None:
    """Raise UsageError naming the extra to install when scipy is missing."""
    try:
        import scipy.stats  # noqa: F401
    except ImportError:  # pragma: no cover - setup installs it
        from ..errors import UsageError

        raise UsageError("the back-test needs scipy: pip install 'icpkit[evidence]'") from None


def interval(k: int, n: int) -> tuple[float, float] | None:
    """The 95% Wilson interval of k successes in n trials, as fractions; None when n is 0."""
    if n <= 0:
        return None
    require()
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=LEVEL, method="wilson")
    return float(ci.low), float(ci.high)


def p_value(k1: int, n1: int, k2: int, n2: int) -> float | None:
    """Two-sided p-value that k1/n1 and k2/n2 come from one rate (Fisher's exact test);
    None when either side is empty."""
    if n1 <= 0 or n2 <= 0:
        return None
    require()
    from scipy.stats import fisher_exact

    result = fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])
    return float(result.pvalue)


def log_odds_ratio(k1: int, n1: int, k2: int, n2: int) -> float:
    """ln of the odds of k1/n1 over the odds of k2/n2, with 0.5 added to each cell."""
    return math.log((k1 + 0.5) / (n1 - k1 + 0.5)) - math.log((k2 + 0.5) / (n2 - k2 + 0.5))


def adjust(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values, in the same order."""
    if not p_values:
        return []
    require()
    from scipy.stats import false_discovery_control

    return [float(x) for x in false_discovery_control(p_values, method="bh")]
