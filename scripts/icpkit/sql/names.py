"""SQL- and CRM-safe output column names, and their mapping from `icp score`'s columns.

`icp score` names its columns after the verdict (`tier`, `score`) and the profile
ids (`western-software-teams_score`); a hyphen is not a SQL identifier and no CRM
accepts it in a property name. Everywhere scores leave for a warehouse or a CRM
(`icp sql`, `icp export dbt`, `icp score --engine postgres|spark`, the CRM
presets) the columns are named by this table instead:

| `icp score` column | safe name |
| --- | --- |
| best_profile | icp_best_profile |
| (new) best_profile_title | icp_best_profile_title |
| tier | icp_tier |
| score | icp_score |
| disqualified_by | icp_disqualified_by |
| unknown_fields | icp_unknown_fields |
| unreadable_fields | icp_unreadable_fields |
| (new) reason | icp_reason |
| status | icp_status |
| flag_`<flag>` | icp_flag_`<flag, safe>` |
| `<profile>`_score | icp_`<profile, safe>`_score |
| `<profile>`_tier | icp_`<profile, safe>`_tier |
| `<profile>`_`<group>` | icp_`<profile, safe>`_`<group, safe>` |

A safe name is lowercase ASCII letters, digits and single underscores, starts
with a letter and is at most 40 characters (Salesforce's limit for a custom
field's API name, the strictest of the targets); a longer name is cut and
given a short hash of the ids it comes from so that two ids never share a name.
A group's column is its subtotal of points in that profile (`explain`'s group
line), empty when the profile is not eligible, like the profile's score.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..engine.model import Handbook, Icp
from ..errors import UsageError

MAX_LENGTH = 40
CORE = (
    ("best_profile", "icp_best_profile"),
    ("best_profile_title", "icp_best_profile_title"),
    ("tier", "icp_tier"),
    ("score", "icp_score"),
    ("disqualified_by", "icp_disqualified_by"),
    ("unknown_fields", "icp_unknown_fields"),
    ("unreadable_fields", "icp_unreadable_fields"),
    ("reason", "icp_reason"),
    ("status", "icp_status"),
)
SAFE = re.compile(r"^[a-z](?:[a-z0-9]|_(?!_))*$")


def safe(text: str) -> str:
    """`text` as lowercase letters, digits and single underscores, starting with a letter."""
    out = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not out or not out[0].isalpha():
        out = "p_" + out
    return out


def _fit(name: str, key: str, tail: str = "") -> str:
    """`name` (ending in `tail`) cut to the length limit, with a short hash of `key` before
    the tail when it had to be cut."""
    if len(name) <= MAX_LENGTH:
        return name
    digest = hashlib.sha1(key.encode()).hexdigest()[:6]
    keep = MAX_LENGTH - len(tail) - len(digest) - (2 if tail else 1)
    return f"{name[:keep].rstrip('_')}_{digest}" + (f"_{tail}" if tail else "")


def profile_column(icp_id: str, what: str) -> str:
    """The safe name of a profile's `score` or `tier` column."""
    return _fit(f"icp_{safe(icp_id)}_{what}", icp_id, what)


def group_column(icp_id: str, group_id: str) -> str:
    """The safe name of the subtotal column of a profile's group of criteria (`icp score`
    names it <profile>_<group>)."""
    return _fit(f"icp_{safe(icp_id)}_{safe(group_id)}", f"{icp_id}\x00{group_id}")


def flag_column(flag_id: str) -> str:
    """The safe name of a flag's column (`icp score` names it flag_<id>)."""
    return _fit(f"icp_flag_{safe(flag_id)}", flag_id)


@dataclass(frozen=True)
class Column:
    """One output column: its `icp score` name, its safe name, and what it holds, in words
    ("the score of the ICP 'p'"), with the ICP and group it comes from (None for the others)."""

    plain: str
    safe: str
    holds: str
    icp: str | None = None
    group: str | None = None


def columns(
    handbook: Handbook, *, per_profile: bool = True, icps: Sequence[Icp] | None = None
) -> list[Column]:
    """Every output column, in output order: the fixed ones, a column per flag, and with
    `per_profile` each active ICP's (or each of `icps`') score and tier and its groups'
    subtotals."""
    out = [Column(plain, name, f"the {plain.replace('_', ' ')}") for plain, name in CORE]
    out += [
        Column(f"flag_{f.id}", flag_column(f.id), f"the flag '{f.id}'")
        for f in handbook.policy.flags
    ]
    if per_profile:
        for icp in handbook.active_icps if icps is None else icps:
            for what in ("score", "tier"):
                name = profile_column(icp.id, what)
                holds = f"the {what} of the ICP '{icp.id}'"
                out.append(Column(f"{icp.id}_{what}", name, holds, icp.id))
            for g in icp.groups:
                name = group_column(icp.id, g.id)
                holds = f"the group '{g.id}' of the ICP '{icp.id}'"
                out.append(Column(f"{icp.id}_{g.id}", name, holds, icp.id, g.id))
    return out


def column_mapping(handbook: Handbook, *, per_profile: bool = True) -> list[tuple[str, str]]:
    """(`icp score` column, safe name) for every output column, in output order.

    Raises UsageError when two profile ids give the same safe name.
    """
    pairs = [(c.plain, c.safe) for c in columns(handbook, per_profile=per_profile)]
    seen: dict[str, str] = {}
    for plain, name in pairs:
        if name in seen:
            raise UsageError(
                f"found two columns named {name} (from {seen[name]} and {plain}); expected "
                "profile ids that differ in more than punctuation"
            )
        seen[name] = plain
    return pairs
