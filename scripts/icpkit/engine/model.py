"""The handbook as plain, immutable data: fields, conditions, rules, profiles, policy."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, assert_never

from .dates import months_after
from .normal import DEFAULT_FOLDS, Folds

TIER_RANK = {"A": 4, "B": 3, "C": 2, "D": 1}
#: a review cadence -> the calendar months from one review to the next
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class Field:
    """One company attribute from the vocabulary."""

    name: str
    type: str
    label: str
    description: str
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: allowed values of a one_of / set_of field (None: open)
    values: tuple[str, ...] | None = None
    #: other spellings (in normal form, see `icpkit.engine.normal`) mapped to an allowed value
    value_aliases: tuple[tuple[str, str], ...] = ()
    #: allowed value -> how people read it ('SaaS' for saas): the vocabulary's `value_labels`,
    #: else an alias that spells the code; set by the loader (see `icpkit.engine.labels`)
    value_labels: tuple[tuple[str, str], ...] = ()
    #: every spelling a CRM cell may use (normalised) -> allowed value: the values, their
    #: aliases and, for countries, ISO codes and names; set by the loader
    spellings: tuple[tuple[str, str], ...] = ()
    empty_set: bool = False
    columns: tuple[str, ...] = ()
    is_country: bool = False
    #: the vocabulary's folds for `icpkit.engine.normal.normal`
    folds: Folds = DEFAULT_FOLDS
    #: spellings a --map file gave for this run (normalised): they are read as mapped, even
    #: one that is also a missing marker (`NA` mapped to Namibia)
    mapped: tuple[str, ...] = ()


# --- conditions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """A field compared by one operator from the operator table."""

    field: str
    op: str
    operand: Any
    #: the operand as written, for explanations (region names for in_region)
    shown: Any = None


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class SegmentRef:
    segment: str
    label: str
    item: Condition


@dataclass(frozen=True)
class CountOf:
    """How many of the items hold: `at_least: n, of: [...]` or `at_most: n, of: [...]`."""

    items: tuple[Condition, ...]
    #: at_least | at_most
    op: str
    n: int


Condition = Leaf | AllOf | AnyOf | Not | SegmentRef | CountOf


def condition_leaves(cond: Condition) -> list[Leaf]:
    """The field tests of a condition, in order (through every combinator and segment)."""
    match cond:
        case Leaf():
            return [cond]
        case AllOf() | AnyOf() | CountOf():
            return [leaf for item in cond.items for leaf in condition_leaves(item)]
        case Not() | SegmentRef():
            return condition_leaves(cond.item)
        case _:
            assert_never(cond)


def condition_fields(cond: Condition) -> list[str]:
    """The fields a condition reads, in order, without repeats."""
    return list(dict.fromkeys(leaf.field for leaf in condition_leaves(cond)))


# --- rules and profiles ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    path: str
    line: int
    column: int


@dataclass(frozen=True)
class Rule:
    """A requirement, criterion, disqualifier or warning sign."""

    id: str
    label: str
    when: Condition
    #: requirement | criterion | disqualifier | warning | gate (its id is the status it gives)
    #: | flag
    kind: str
    #: points added (criterion) or taken off (warning, as a negative number); 0 for hard rules
    points: int = 0
    why: str | None = None
    source: Source | None = None

    @property
    def hard(self) -> bool:
        return self.kind in ("requirement", "disqualifier")


@dataclass(frozen=True)
class Group:
    """Criteria scored together as one named component: their points add up (or, with
    `first_match`, only the first criterion met counts: tiers read top down), and the
    subtotal never exceeds `cap`. A group's items are criteria and (unless first_match)
    other groups."""

    id: str
    label: str
    items: tuple[Rule | Group, ...]
    cap: int | None = None
    first_match: bool = False
    why: str | None = None

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every criterion inside, depth first."""
        return tuple(r for item in self.items for r in _rules_of(item))

    @property
    def groups(self) -> tuple[Group, ...]:
        """This group and every group inside it, depth first."""
        inner = (g for item in self.items if isinstance(item, Group) for g in item.groups)
        return (self, *inner)

    @property
    def most(self) -> int:
        """The most points the group can give (its criteria's, tiers' best, the cap)."""
        best = [item_most(i) for i in self.items]
        total = max([0, *best]) if self.first_match else sum(b for b in best if b > 0)
        return min(total, self.cap) if self.cap is not None else total


def item_most(item: Rule | Group) -> int:
    """The most points a criterion or group can give."""
    return max(item.points, 0) if isinstance(item, Rule) else item.most


def _rules_of(item: Rule | Group) -> tuple[Rule, ...]:
    return (item,) if isinstance(item, Rule) else item.rules


@dataclass(frozen=True)
class Flag:
    """A named label that changes no points: shown in explanations and as an output column."""

    rule: Rule
    #: shown only when the company is scored (not disqualified, not stopped by a gate)
    only_when_scored: bool = False

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass(frozen=True)
class Tiers:
    A: int
    B: int
    C: int

    def tier_of(self, score: int) -> str:
        if score >= self.A:
            return "A"
        if score >= self.B:
            return "B"
        if score >= self.C:
            return "C"
        return "D"

    def threshold(self, tier: str) -> int:
        return int(getattr(self, tier))


@dataclass(frozen=True)
class Review:
    last_reviewed: dt.date
    cadence: str

    @property
    def due(self) -> dt.date:
        return months_after(self.last_reviewed, CADENCE_MONTHS[self.cadence])

    def overdue(self, today: dt.date) -> bool:
        return today > self.due


def review_overdue(owner: Icp | Negative, today: dt.date) -> bool:
    """Whether an active profile's review is overdue on `today` (retired and draft profiles,
    and profiles without a review, never are)."""
    return owner.status == "active" and owner.review is not None and owner.review.overdue(today)


@dataclass(frozen=True)
class Icp:
    id: str
    title: str
    status: str
    priority: int
    requirements: tuple[Rule, ...]
    criteria: tuple[Rule, ...]
    tiers: Tiers
    review: Review | None
    owners: tuple[str, ...]
    path: str
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: the criteria as written: criteria and groups of criteria (empty: the criteria add up)
    scoring: tuple[Rule | Group, ...] = ()
    #: status gates of this profile: the first met makes it not eligible, with that status
    gates: tuple[Rule, ...] = ()

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.requirements + self.criteria

    @property
    def items(self) -> tuple[Rule | Group, ...]:
        """The top-level scoring items: the criteria as written, or every criterion."""
        return self.scoring or self.criteria

    @property
    def groups(self) -> tuple[Group, ...]:
        """Every group, depth first."""
        return tuple(g for item in self.items if isinstance(item, Group) for g in item.groups)

    @property
    def most(self) -> int:
        """The most points the criteria can give."""
        return sum(m for m in (item_most(i) for i in self.items) if m > 0)


@dataclass(frozen=True)
class Negative:
    id: str
    title: str
    status: str
    priority: int
    #: the ICP ids it cuts into (all active ICPs when None)
    applies_to: tuple[str, ...] | None
    disqualifiers: tuple[Rule, ...]
    warnings: tuple[Rule, ...]
    review: Review | None
    owners: tuple[str, ...]
    path: str
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.disqualifiers + self.warnings

    def applies(self, icp_id: str) -> bool:
        return self.applies_to is None or icp_id in self.applies_to


@dataclass(frozen=True)
class Route:
    owner: str
    response: str
    action: str
    content: str | None = None


@dataclass(frozen=True)
class Policy:
    tiers: Tiers
    unknown_cap: str
    notes: str | None = None
    #: the least share of a profile's hard requirements that must be known for a best fit
    min_known_share: float = 0.0
    #: checked in order after the disqualifiers; the first met gives its status (the rule's
    #: id) and no score
    gates: tuple[Rule, ...] = ()
    flags: tuple[Flag, ...] = ()
    #: what a disqualified company's score is: keep (its best profile's) or zero
    disqualified_score: str = "keep"
    #: True when rules/tier-policy.yaml did not load (its own error says why): these are the
    #: defaults standing in, and no check may blame a profile for them
    stand_in: bool = False

    def known_needed(self, total: int) -> int:
        """How many of a profile's `total` hard requirements must be known for a best fit:
        at least one (none for a profile without requirements) and `min_known_share`."""
        return 0 if total == 0 else max(1, math.ceil(round(self.min_known_share * total, 9)))

    def known_enough(self, known: int, total: int) -> bool:
        """A profile with `known` of `total` hard requirements known may be a best fit."""
        return known >= self.known_needed(total)


@dataclass(frozen=True)
class Segment:
    id: str
    label: str
    when: Condition
    description: str | None = None


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    countries: tuple[str, ...]


@dataclass(frozen=True)
class Expectation:
    """One expected outcome of a fixture: one rule test."""

    key: str
    expected: Any
    line: int


@dataclass(frozen=True)
class Fixture:
    name: str
    path: str
    line: int
    company: dict[str, Any]
    expectations: tuple[Expectation, ...]
    as_of: dt.date | None = None
    story: str | None = None
    #: a company value did not fit its field (reported by validate; the fixture is not run)
    broken: bool = False

    @property
    def id(self) -> str:
        from pathlib import PurePath

        return PurePath(self.path).stem


@dataclass(frozen=True)
class Handbook:
    """Everything loaded from one repository."""

    root: str
    fields: dict[str, Field]
    id_columns: tuple[str, ...]
    regions: dict[str, Region]
    segments: dict[str, Segment]
    policy: Policy
    routes: dict[str, Route]
    icps: tuple[Icp, ...]
    negatives: tuple[Negative, ...]
    fixtures: tuple[Fixture, ...] = field(repr=False)
    #: raw documents by kind, for the handbook pages
    documents: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def active_icps(self) -> tuple[Icp, ...]:
        icps = [i for i in self.icps if i.status == "active"]
        return tuple(sorted(icps, key=lambda i: (i.priority, i.id)))

    @property
    def active_negatives(self) -> tuple[Negative, ...]:
        negatives = [n for n in self.negatives if n.status == "active"]
        return tuple(sorted(negatives, key=lambda n: (n.priority, n.id)))

    @property
    def owners(self) -> tuple[Icp | Negative, ...]:
        """Every ICP and negative portrait, whatever its status."""
        return (*self.icps, *self.negatives)

    @property
    def active_owners(self) -> tuple[Icp | Negative, ...]:
        return (*self.active_icps, *self.active_negatives)

    @cached_property
    def read_fields(self) -> tuple[str, ...]:
        """The fields any active rule reads, in vocabulary order (worked out once)."""
        rules = [r for owner in self.active_owners for r in owner.rules]
        rules += [*self.policy.gates, *(f.rule for f in self.policy.flags)]
        rules += [g for icp in self.active_icps for g in icp.gates]
        used = {f for r in rules for f in condition_fields(r.when)}
        return tuple(name for name in self.fields if name in used)

    def icp(self, icp_id: str) -> Icp | None:
        return next((i for i in self.icps if i.id == icp_id), None)

    def negative(self, neg_id: str) -> Negative | None:
        return next((n for n in self.negatives if n.id == neg_id), None)
