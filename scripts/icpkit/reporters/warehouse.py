"""A run on another engine (`icp score --engine postgres|spark`, `--crm`), for the terminal."""

from __future__ import annotations

from ..sql.warehouse import WarehouseSummary
from ..wording import accounts


def render(s: WarehouseSummary) -> str:
    """The run's summary for the terminal."""
    lines = [
        f"scored {accounts(s.rows)} on {s.engine} into {', '.join(map(str, s.files))}",
        "tiers: " + ", ".join(f"{t} {n:,}" for t, n in s.tiers.items()),
        "seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in s.timings.items()),
    ]
    if s.absent:
        lines.append("fields with no column (unknown for every account): " + ", ".join(s.absent))
    return "\n".join(lines)
