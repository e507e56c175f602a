"""`new`: a profile or negative portrait that validates, with every section present and
commented, ready to be filled in the GitHub web editor."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..atomic import write_text
from ..engine.model import Handbook
from ..errors import UsageError

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")

#: who keeps a new profile or portrait current, and when they look at it again
STEWARDS_TEMPLATE = """\
# GitHub users or teams who keep this {noun} current (they review changes)
owners: ['@your-github-handle']
# the person a sales rep asks about this {noun} (the handbook shows it): a name and an
# e-mail address or a chat channel
contact:
  name: Your name
  chat: '#your-team-channel'
review:
  last_reviewed: {today}
  # monthly, quarterly, half-yearly or yearly
  cadence: {cadence}
"""

ICP_TEMPLATE = """\
# yaml-language-server: $schema=../../scripts/icpkit/schemas/icp.schema.json
# A new Ideal Customer Profile. It starts as a draft: drafts are validated and
# shown in the handbook, but never used to score. Set `status: active` when the
# owners agree. Hover over a key in VS Code or github.dev for its meaning.
kind: icp
id: {id}
title: {title}
# draft, active or retired
status: draft
# breaks ties between ICPs with the same tier and score: lower wins
priority: 100
{stewards}# Two or three sentences: who they are and what we do for them.
summary: Describe the kind of company in two or three sentences.
tags: []
persona:
  name: A name that brings the profile to life
  role: Their job title
  picture: A picture in words of the company and the person.
  story: A short story of how this company finds and buys from us.
# The pains we solve, most urgent first.
pains:
  - The most urgent problem we solve for them
# The Pond Map: negatives (above the line) and positives (below it) in five categories.
pond_map:
  account_profile:
    negatives: []
    # An example item: the text shown on the map, and the rule that checks it (optional).
    # positives:
    #   - text: 50 to 500 employees
    #     rule: example-requirement
    positives: []
  needs:
    negatives: []
    positives: []
  urgency_drivers:
    negatives: []
    positives: []
  beliefs:
    negatives: []
    positives: []
  tipping_point:
    negatives: []
    positives: []
decision_chain:
  roles:
    # part: decides, influences, signs, uses or blocks
    - role: Who decides
      part: decides
  by_size: []
messaging: []
evidence: []
qualification:
  # Hard requirements: all must be met. Fields come from rules/vocabulary.yaml.
  requirements:
    # Rules whose id starts with example- are placeholders: replace them (validate
    # --strict fails on them, and an active profile cannot keep them).
    - id: example-requirement
      label: {size_label}
      when: {{field: {size_field}, at_least: 1}}
  # Soft criteria: points when met (negative points for a warning sign).
  criteria:
    - id: example-criterion
      label: {crit_label}
      when: {{field: {crit_field}, present: true}}
      points: 80
  # Leave out `tiers` to use the thresholds in rules/tier-policy.yaml.
"""

NEGATIVE_TEMPLATE = """\
# yaml-language-server: $schema=../../scripts/icpkit/schemas/negative.schema.json
# A new negative portrait: a company we do not want to serve, and why. It starts
# as a draft and disqualifies nobody until `status: active`.
kind: negative
id: {id}
title: {title}
# draft, active or retired
status: draft
{stewards}summary: Describe the kind of company we do not want, in two or three sentences.
tags: []
persona:
  name: A name for the portrait
  picture: A picture in words of such a company.
  story: What happened when we served one.
# Why such a customer fails: churn, delivery, policy_risk, tenders, payment, margin or other.
reasons:
  - kind: churn
    text: Why it fails, in plain words
# The ICPs this portrait cuts into; leave out for all of them.
# applies_to: []
# Disqualifiers: meeting any one puts the company out of the pond, whatever its score.
disqualifiers:
  - id: example-disqualifier
    label: {size_label}
    when: {{field: {size_field}, less_than: 1}}
# Warning signs: points off every ICP this portrait applies to, and flagged.
warning_signs: []
"""


#: the texts `icp new` writes for the editor to replace; `validate` flags each one left
#: (a warning in a draft, so --strict fails; an error once the profile is active)
PLACEHOLDER_TEXTS = frozenset(
    {
        "@your-github-handle",
        "Your name",
        "#your-team-channel",
        "Describe the kind of company in two or three sentences.",
        "Describe the kind of company we do not want, in two or three sentences.",
        "A name that brings the profile to life",
        "Their job title",
        "A picture in words of the company and the person.",
        "A short story of how this company finds and buys from us.",
        "The most urgent problem we solve for them",
        "Who decides",
        "A name for the portrait",
        "A picture in words of such a company.",
        "What happened when we served one.",
        "Why it fails, in plain words",
    }
)
#: rule ids `icp new` writes: placeholders too
PLACEHOLDER_RULE_PREFIX = "example-"


def scaffold(handbook: Handbook, kind: str, ident: str, *, today: dt.date) -> tuple[Path, str]:
    """The path and text of a new profile; raises UsageError when it cannot be made."""
    if not ID_PATTERN.match(ident):
        raise UsageError(
            f"found the id '{ident}'; expected lowercase letters, digits, - or _, "
            "starting with a letter (for example dach-logistics)"
        )
    if handbook.icp(ident) or handbook.negative(ident):
        raise UsageError(f"found an existing profile with the id '{ident}'; expected a new id")
    numeric = [f for f in handbook.fields.values() if f.type in ("integer", "number")]
    if not numeric or not handbook.fields:
        raise UsageError(
            "found no number field in rules/vocabulary.yaml; expected one to "
            "scaffold an example rule"
        )
    size = next((f for f in numeric if f.name == "employees"), numeric[0])
    crit = next(iter(handbook.fields.values()))
    folder = "icp" if kind == "icp" else "negative"
    template = ICP_TEMPLATE if kind == "icp" else NEGATIVE_TEMPLATE
    stewards = STEWARDS_TEMPLATE.format(
        noun="profile" if kind == "icp" else "portrait",
        today=today.isoformat(),
        cadence="quarterly" if kind == "icp" else "half-yearly",
    )
    text = template.format(
        stewards=stewards,
        id=ident,
        title=ident.replace("-", " ").replace("_", " ").capitalize(),
        today=today.isoformat(),
        size_field=size.name,
        size_label=f"{size.label} known",
        crit_field=crit.name,
        crit_label=f"{crit.label} known",
    )
    return Path(handbook.root) / "profiles" / folder / f"{ident}.yaml", text


def write_new(path: Path, text: str) -> None:
    """Write a new profile file. Raises UsageError when `path` exists already."""
    if path.exists():
        raise UsageError(f"found {path} already; expected a new file (pick another id)")
    write_text(path, text)
