"""Checks across documents, beyond what a schema can say.

- duplicate profile ids across files
- hard requirements that no company can meet together (employees >= 500 and <= 100)
- tiers the soft points can never reach
- an ICP that a negative portrait always disqualifies
- a group's cap that its criteria cannot reach (a warning)
- a status gate that every company meets
- reviews past due (a warning)
- references from Pond Maps, `applies_to` and fixture expectations to rules,
  profiles and portraits that do not exist
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, assert_never

from ..engine.model import (
    AllOf,
    AnyOf,
    CountOf,
    Group,
    Leaf,
    Negative,
    Not,
    Rule,
    SegmentRef,
    condition_leaves,
    item_most,
    review_overdue,
)
from ..engine.operators import OPERATORS
from ..problems import Level, Problem, json_path
from ..sql.names import Column, columns, flag_column
from ..wording import and_list, suggest
from .cases import always_met, never_met
from .document import Document

if TYPE_CHECKING:
    from ..engine.model import Condition, Handbook, Icp

Parts = list[str | int]


@dataclass(frozen=True)
class Span:
    """A numeric (or date) interval; open ends are excluded."""

    lo: float = -math.inf
    lo_open: bool = False
    hi: float = math.inf
    hi_open: bool = False

    def meet(self, other: Span) -> Span:
        """The intersection: the higher low end and the lower high end (open wins a tie)."""
        low = max(self, other, key=lambda s: (s.lo, s.lo_open))
        high = min(self, other, key=lambda s: (s.hi, not s.hi_open))
        return Span(low.lo, low.lo_open, high.hi, high.hi_open)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and (self.lo_open or self.hi_open))

    def within(self, other: Span) -> bool:
        return self.meet(other) == self


def _span(leaf: Leaf) -> Span | None:
    """The interval a met numeric leaf forces (its operator row's `span`), else None."""
    x = leaf.operand
    numbers = x if isinstance(x, tuple) else (x,)
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        return None
    forces = OPERATORS[leaf.op].span
    return None if forces is None else Span(*forces(x))


def _choices(leaf: Leaf) -> set[object] | None:
    """The values a met leaf allows (its operator row's `chooses`), else None."""
    match OPERATORS[leaf.op].chooses:
        case "any":
            return set(leaf.operand)
        case "it" if isinstance(leaf.operand, str | bool):
            return {leaf.operand}
    return None


def conjuncts(cond: Condition) -> Iterator[Leaf]:
    """The leaves that must all hold for `cond` to hold (through all: and segments)."""
    match cond:
        case Leaf():
            yield cond
        case AllOf():
            for item in cond.items:
                yield from conjuncts(item)
        case SegmentRef():
            yield from conjuncts(cond.item)
        case AnyOf() | Not() | CountOf():
            return  # none forces any one of its leaves
        case _:
            assert_never(cond)


def always(cond: Condition) -> bool:
    """Whether the condition holds for every company, whatever its data, by its shape (an
    unknown result does not hold: a status gate's reading): a count no number of conditions
    can miss, `any` of a field's present and missing, of something always true, or of a
    condition, its negation and `missing` for each field it reads (not a number field: a
    band such as '51-200' leaves a comparison unknown while present)."""
    match cond:
        case Leaf():
            return False
        case SegmentRef():
            return always(cond.item)
        case AllOf():
            return all(always(c) for c in cond.items)
        case AnyOf():
            if any(always(c) for c in cond.items):
                return True
            leaves = {(c.field, c.op) for c in cond.items if isinstance(c, Leaf)}
            if any((f, "present") in leaves and (f, "missing") in leaves for f, _ in leaves):
                return True
            missing = {c.field for c in cond.items if isinstance(c, Leaf) and c.op == "missing"}
            return any(Not(c) in cond.items and _reads_only(c, missing) for c in cond.items)
        case Not():
            return never(cond.item)
        case CountOf():
            if cond.op == "at_least":
                return cond.n == 0 or (cond.n <= sum(1 for c in cond.items if always(c)))
            return cond.n >= len(cond.items) or cond.n >= sum(1 for c in cond.items if not never(c))
        case _:
            assert_never(cond)


def _reads_only(cond: Condition, fields: set[str]) -> bool:
    """Every field `cond` reads is in `fields`, and no test is one a present value can
    leave unknown (`NUMBER_TESTS`)."""
    leaves = condition_leaves(cond)
    return all(leaf.field in fields and leaf.op not in NUMBER_TESTS for leaf in leaves)


#: the tests a present value can leave unknown: a number compared (a band such as '51-200'
#: straddles it), a day count (a date after the as-of day)
NUMBER_TESTS = (
    "equals",
    "not_equals",
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "between",
    "within_days",
    "older_than_days",
)


def never(cond: Condition) -> bool:
    """Whether the condition holds for no company, by its shape (the mirror of `always`)."""
    match cond:
        case Leaf():
            return False
        case SegmentRef():
            return never(cond.item)
        case AllOf():
            return any(never(c) for c in cond.items)
        case AnyOf():
            return all(never(c) for c in cond.items)
        case Not():
            return always(cond.item)
        case CountOf():
            if cond.op == "at_least":
                return cond.n > sum(1 for c in cond.items if not never(c))
            return cond.n < sum(1 for c in cond.items if always(c))
        case _:
            assert_never(cond)


def _item_path(icp: Icp, key: str, ident: str) -> Parts | None:
    """The YAML path of the criterion (`key` 'id') or group (`key` 'group') `ident` in an
    ICP's criteria, else None."""

    def find(items: object, at: Parts) -> Parts | None:
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            if item.get(key) == ident:
                return [*at, i]
            inner = find(item.get("criteria"), [*at, i, "criteria"])
            if inner is not None:
                return inner
        return None

    q = icp.data.get("qualification", {})
    crit = q.get("criteria") if isinstance(q, dict) else None
    return find(crit, ["qualification", "criteria"])


def _group_path(icp: Icp, group_id: str) -> Parts:
    """The YAML path of a group's cap in an ICP's criteria (the criteria when not found)."""
    at = _item_path(icp, "group", group_id)
    return ["qualification", "criteria"] if at is None else [*at, "cap"]


def _with_points(item: Rule | Group, rule_id: str, points: int) -> Rule | Group:
    """`item` with the criterion `rule_id`'s points set to `points`."""
    if isinstance(item, Rule):
        return replace(item, points=points) if item.id == rule_id else item
    return replace(item, items=tuple(_with_points(i, rule_id, points) for i in item.items))


def _most(items: Sequence[Rule | Group]) -> int:
    """The most points these top-level scoring items give (`Icp.most`)."""
    return sum(m for m in (item_most(i) for i in items) if m > 0)


def _sign_slip(icp: Icp, needed: int) -> Rule | None:
    """The one criterion whose negative points, written positive, would let the criteria
    reach `needed`: the minus sign is then the likely mistake (None when no criterion, or
    more than one, would)."""
    slips = [
        rule
        for rule in icp.criteria
        if rule.points < 0
        and _most([_with_points(i, rule.id, -rule.points) for i in icp.items]) >= needed
    ]
    return slips[0] if len(slips) == 1 else None


def _tiers_words(tiers: Sequence[str], thresholds: Sequence[int], verb: str = "need") -> str:
    """'tier A needs 80', 'tiers A and B need 80 and 60' (or 'tier A at 80' for `verb` 'at')."""
    if len(tiers) == 1:
        return f"tier {tiers[0]} {verb}{'s' if verb == 'need' else ''} {thresholds[0]}"
    return f"tiers {and_list(tiers)} {verb} {and_list([str(t) for t in thresholds])}"


@dataclass
class Facts:
    """What an ICP's hard requirements force on each field."""

    spans: dict[str, Span]
    choices: dict[str, set[object]]

    @classmethod
    def of(cls, icp: Icp) -> Facts:
        facts = cls({}, {})
        for rule in icp.requirements:
            for leaf in conjuncts(rule.when):
                span = _span(leaf)
                if span is not None:
                    facts.spans[leaf.field] = facts.spans.get(leaf.field, Span()).meet(span)
                values = _choices(leaf)
                if values is not None:
                    known = facts.choices.get(leaf.field)
                    facts.choices[leaf.field] = values if known is None else known & values
        return facts

    def implies(self, leaf: Leaf) -> bool:
        span = _span(leaf)
        if span is not None and leaf.field in self.spans:
            return self.spans[leaf.field].within(span)
        if leaf.field in self.choices:
            chosen = self.choices[leaf.field]
            match OPERATORS[leaf.op].chooses:
                case "any":
                    return chosen <= set(leaf.operand)
                case "it":
                    return chosen == {leaf.operand}
        return False


@dataclass
class Checker:
    handbook: Handbook
    docs: dict[str, Document]
    today: dt.date

    def problem(
        self,
        path: str,
        parts: Parts,
        message: str,
        rule: str,
        level: Level = Level.ERROR,
        *,
        key: bool = False,
    ) -> Problem:
        doc = self.docs.get(path)
        if doc is None:
            return Problem(path, 1, 1, level, message, rule, json_path(parts))
        return doc.problem_at(parts, message, rule, level=level, key=key)

    def run(self) -> list[Problem]:
        out: list[Problem] = []
        out += self.duplicate_ids()
        out += self.flag_ids()
        out += self.column_names()
        out += self.gates()
        out += self.unreachable()
        for icp in self.handbook.icps:
            out += self.unsatisfiable(icp)
            out += self.caps(icp)
            out += self.first_match_order(icp)
            out += self.profile_gates(icp)
            out += self.constant_rules(icp)
            out += self.always_disqualified(icp)
            out += self.pond_refs(
                icp.path,
                icp.data,
                {r.id for r in icp.rules}
                | {n.id for n in self.handbook.negatives}
                | {f"{n.id}/{r.id}" for n in self.handbook.negatives for r in n.rules},
            )
        for neg in self.handbook.negatives:
            out += self.applies_to(neg)
            out += self.constant_rules(neg)
            out += self.pond_refs(neg.path, neg.data, {r.id for r in neg.rules})
        for owner in self.handbook.owners:
            review = owner.review
            if review is not None and review_overdue(owner, self.today):
                out.append(
                    self.problem(
                        owner.path,
                        ["review", "last_reviewed"],
                        f"found the last review on {review.last_reviewed}; a "
                        f"{review.cadence} review was due on {review.due}: "
                        "review the profile and update the date",
                        "review-overdue",
                        Level.WARNING,
                    )
                )
            elif review is not None and review.last_reviewed > self.today:
                out.append(
                    self.problem(
                        owner.path,
                        ["review", "last_reviewed"],
                        f"found the last review on {review.last_reviewed}, after today "
                        f"({self.today}); expected the date the profile was last reviewed",
                        "review-future",
                        Level.WARNING,
                    )
                )
        out += self.fixture_refs()
        for owner in self.handbook.owners:
            out += self.placeholders(owner.path, owner.data, owner.status)
        return out

    def placeholders(self, path: str, data: object, status: str) -> list[Problem]:
        """Texts and example rules `icp new` wrote that were never replaced: a warning in a
        draft (so --strict fails), an error in an active profile (a placeholder rule must
        never score)."""
        from .scaffold import PLACEHOLDER_RULE_PREFIX, PLACEHOLDER_TEXTS

        level = Level.ERROR if status == "active" else Level.WARNING
        out: list[Problem] = []
        stack: list[tuple[Parts, object]] = [([], data)]
        while stack:
            parts, value = stack.pop()
            if isinstance(value, dict):
                stack += [([*parts, k], v) for k, v in value.items()]
            elif isinstance(value, list):
                stack += [([*parts, i], v) for i, v in enumerate(value)]
            elif isinstance(value, str):
                rule_id = parts[-1:] == ["id"] and value.startswith(PLACEHOLDER_RULE_PREFIX)
                if value in PLACEHOLDER_TEXTS or (rule_id and len(parts) > 1):
                    what = "example rule" if rule_id else "placeholder text"
                    out.append(
                        self.problem(
                            path,
                            parts,
                            f"found the {what} '{value}' written by icp new; expected your "
                            "own " + ("rule" if rule_id else "words"),
                            "placeholder",
                            level,
                        )
                    )
        return sorted(out)

    def duplicate_ids(self) -> list[Problem]:
        seen: dict[str, str] = {}
        out = []
        for owner in self.handbook.owners:
            if owner.id in seen:
                out.append(
                    self.problem(
                        owner.path,
                        ["id"],
                        f"found the id '{owner.id}', already "
                        f"used by {seen[owner.id]}; expected ids to be unique",
                        "duplicate-id",
                    )
                )
            seen.setdefault(owner.id, owner.path)
        return out

    def unsatisfiable(self, icp: Icp) -> list[Problem]:
        out = []
        facts = Facts.of(icp)
        where: Parts = ["qualification", "requirements"]
        for fld, span in facts.spans.items():
            if span.empty:
                out.append(
                    self.problem(
                        icp.path,
                        where,
                        f"found hard requirements on {fld} that no "
                        "company can meet together; expected an overlapping range",
                        "unsatisfiable",
                    )
                )
        for fld, values in facts.choices.items():
            if not values:
                out.append(
                    self.problem(
                        icp.path,
                        where,
                        f"found hard requirements on {fld} that "
                        "allow no value together; expected at least one shared "
                        "value",
                        "unsatisfiable",
                    )
                )
        return out

    def unreachable(self) -> list[Problem]:
        """Tiers the criteria's points can never reach: one error per mistake, naming every
        tier it puts out of reach. A policy threshold above every profile that uses it is
        the policy's mistake (one error at the threshold, not one per profile); a profile's
        tiers out of reach are its own, at the minus sign of the one negative criterion
        that explains them, else at its criteria."""
        icps = self.handbook.icps
        own = {i.id for i in icps if "tiers" in (i.data.get("qualification") or {})}
        inheriting = [i for i in icps if i.id not in own]
        if self.handbook.policy.stand_in:
            inheriting = []  # the thresholds are defaults while the tier policy fails to load
        policy = self.handbook.policy.tiers
        blamed = [
            t
            for t in ("A", "B", "C")
            if len(inheriting) > 1 and all(i.most < policy.threshold(t) for i in inheriting)
        ]
        out = []
        if blamed:
            best = max(i.most for i in inheriting)
            names = [i.id for i in inheriting]
            needs = [policy.threshold(t) for t in blamed]
            them = "it" if len(blamed) == 1 else "them"
            out.append(
                self.problem(
                    self.policy_path,
                    ["tiers", blamed[0]],
                    f"found {_tiers_words(blamed, needs, 'at')}, above the most the criteria of "
                    f"any profile give ({best} points, in {and_list(sorted(names))}), so no "
                    f"company can reach {them}: expected at most {best}, or add points",
                    "unreachable-tier",
                )
            )
        for icp in icps:
            if icp.id not in own and icp not in inheriting:
                continue
            best = icp.most
            short = [
                t for t in ("A", "B", "C") if best < icp.tiers.threshold(t) and t not in blamed
            ]
            if not short:
                continue
            needs = [icp.tiers.threshold(t) for t in short]
            them = "it" if len(short) == 1 else "them"
            slip = _sign_slip(icp, max(needs))
            at = _item_path(icp, "id", slip.id) if slip is not None else None
            if slip is not None and at is not None:
                problem = self.problem(
                    icp.path,
                    [*at, "points"],
                    f"found {slip.points} points on the criterion '{slip.id}', which leaves "
                    f"at most {best} points from the criteria; {_tiers_words(short, needs)}, so "
                    f"no company can reach {them}: did you mean {-slip.points}? (a criterion's "
                    "points are added when it is met)",
                    "unreachable-tier",
                )
            else:
                thresholds = "the threshold" if len(short) == 1 else "the thresholds"
                problem = self.problem(
                    icp.path,
                    ["qualification", "criteria"],
                    f"found at most {best} points from the criteria; "
                    f"{_tiers_words(short, needs)}, so no company can reach {them}: add points "
                    f"or lower {thresholds}",
                    "unreachable-tier",
                )
            out.append(problem)
        return out

    def caps(self, icp: Icp) -> list[Problem]:
        """A group's cap above the most its criteria can give never applies."""
        out = []
        for group in icp.groups:
            if group.cap is None:
                continue
            uncapped = Group(group.id, group.label, group.items, None, group.first_match).most
            if group.cap > uncapped:
                out.append(
                    self.problem(
                        icp.path,
                        _group_path(icp, group.id),
                        f"found a cap of {group.cap} on the group '{group.id}', whose criteria "
                        f"give at most {uncapped}: no company can reach the cap; lower it or "
                        "leave it out",
                        "cap-unreachable",
                        Level.WARNING,
                    )
                )
        return out

    def first_match_order(self, icp: Icp) -> list[Problem]:
        """First-match tiers read top down: a tier worth more than one above it is scored
        only while the one above is not met, so an account whose upper tier is unknown
        scores the lower tier's higher points (and the upper tier, once known, lowers them)."""
        out = []
        for group in icp.groups:
            if not group.first_match:
                continue
            base = _group_path(icp, group.id)
            base = base[:-1] if base[-1] == "cap" else base
            for j, item in enumerate(group.items):
                above = [i for i in group.items[:j] if item_most(i) < item_most(item)]
                if not above:
                    continue
                first = above[0]
                # what the tier above gives once met: its own points, negative ones too
                given = first.points if isinstance(first, Rule) else item_most(first)
                out.append(
                    self.problem(
                        icp.path,
                        [*base, "criteria", j, "points"],
                        f"found the tier '{item.id}' ({item_most(item)} points) below the tier "
                        f"'{first.id}' ({given} points) in the first-match group "
                        f"'{group.id}': a company whose '{first.id}' is unknown gets "
                        f"{item_most(item)}, and {given} once it is known to be met; "
                        "expected tiers from most points to fewest",
                        "first-match-order",
                        Level.WARNING,
                    )
                )
        return out

    @property
    def policy_path(self) -> str:
        """The tier policy's file (as the report names files)."""
        return next(
            (
                p
                for p, d in self.docs.items()
                if isinstance(d.data, dict) and d.data.get("kind") == "tier_policy"
            ),
            "rules/tier-policy.yaml",
        )

    def column_names(self) -> list[Problem]:
        """Every output column is named from ids (`icp_<safe id>_score`, `<icp>_<group>`,
        `flag_<id>`, `sql.names.columns`): two that make one name, in `icp score`'s names or
        the warehouse's, would be one column (a profile id reused is `duplicate_ids`' to
        report, two flags of one column `flag_ids`'). The ICPs' columns are placed first, so
        a group is blamed for taking a profile's column, never the profile for its group's."""
        every = columns(self.handbook, icps=self.handbook.icps)
        taken: dict[tuple[bool, str], Column] = {}
        out: list[Problem] = []
        blamed: set[str] = set()
        for c in sorted(every, key=lambda c: c.group is not None):
            other = next((taken[k] for k in ((True, c.safe), (False, c.plain)) if k in taken), None)
            taken.setdefault((True, c.safe), c)
            taken.setdefault((False, c.plain), c)
            if other is None or c.icp is None or c.icp in blamed:
                continue  # an ICP whose id is blamed: its groups' columns are a cascade
            icp = next(i for i in self.handbook.icps if i.id == c.icp)
            name = c.safe if other.safe == c.safe else c.plain
            if c.group is None:
                blamed.add(c.icp)
                profile = other.group is None and other.icp
                whose = f"the ICP '{other.icp}'" if profile else other.holds
                message = (
                    f"found the id '{c.icp}', whose columns ({name}) are those of {whose} too; "
                    "expected ids that differ in their letters or digits"
                )
                out.append(self.problem(icp.path, ["id"], message, "duplicate-id"))
                continue
            sibling = other.icp == c.icp and other.group
            whose = f"the group '{other.group}'" if sibling else other.holds
            where = _group_path(icp, c.group)
            out.append(
                self.problem(
                    icp.path,
                    [*where[:-1], "group"] if where[-1] == "cap" else where,
                    f"found the group '{c.group}', whose subtotal column ({name}) is that of "
                    f"{whose} too; expected group ids that differ in their letters or digits",
                    "duplicate-id",
                )
            )
        return out

    def flag_ids(self) -> list[Problem]:
        """Each flag is an output column (`flag_<id>`, in SQL `icp_flag_<safe id>`): two
        flags of one id, or of ids that make the same column name, would be one column."""
        doc = self.docs.get(self.policy_path)
        items = doc.data.get("flags") if doc is not None and isinstance(doc.data, dict) else None
        built = {f.id for f in self.handbook.policy.flags}  # a flag in error says so itself
        out: list[Problem] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(items if isinstance(items, list) else []):
            ident = item.get("id") if isinstance(item, dict) else None
            if ident not in built or not isinstance(ident, str):
                continue
            column = flag_column(ident)
            if column in seen:
                first = seen[column]
                said = (
                    f"found the flag id '{ident}' twice; expected each flag's id to be unique"
                    if first == ident
                    else f"found the flag id '{ident}', whose column {column} is that of the "
                    f"flag '{first}' too; expected ids that differ in their letters or digits"
                )
                out.append(self.problem(self.policy_path, ["flags", i, "id"], said, "duplicate-id"))
            seen.setdefault(column, ident)
        return out

    def gates(self) -> list[Problem]:
        """A status gate that every company meets would leave no company scored; one that
        no company meets gives its status to none (a warning)."""
        return self._gates(
            self.policy_path,
            ["gates"],
            self.handbook.policy.gates,
            "",
            "no company would ever be scored",
        )

    def profile_gates(self, icp: Icp) -> list[Problem]:
        """A profile's own status gate that every company meets leaves the profile eligible
        for no company; one that no company meets stops none (a warning)."""
        return self._gates(
            icp.path,
            ["qualification", "gates"],
            icp.gates,
            f" of the profile '{icp.id}'",
            "the profile would never score a company",
        )

    def _gates(
        self, path: str, at: Parts, gates: Sequence[Rule], whose: str, then: str
    ) -> list[Problem]:
        """Gates met by every company or by none: by their shape (`always`, `never`), or
        by trying every case that tells their tests apart (`cases`)."""
        fields = self.handbook.fields
        out = []
        for i, gate in enumerate(gates):
            where = [*at, i, "when"]
            if always(gate.when) or always_met(fields, gate.when):
                out.append(
                    self.problem(
                        path,
                        where,
                        f"found the gate '{gate.id}'{whose} met by every company; expected a "
                        f"condition some company fails, or {then}",
                        "gate-always-true",
                    )
                )
            elif never(gate.when) or never_met(fields, gate.when):
                out.append(
                    self.problem(
                        path,
                        where,
                        f"found the gate '{gate.id}'{whose} met by no company; expected a "
                        "condition some company meets, or its status is never given",
                        "gate-never-met",
                        level=Level.WARNING,
                    )
                )
        return out

    def constant_rules(self, owner: Icp | Negative) -> list[Problem]:
        """A rule met by every company (even one with no data) or by none, by its shape
        (`always`, `never`) or by trying every case that tells its tests apart (`cases`):
        its outcome is the same for every company, which is never what its author meant.
        A disqualifier met by every company disqualifies them all (an error), a requirement
        met by none leaves the ICP fitting nobody (an error, unless `unsatisfiable` said so
        already); any other is a warning."""
        fields = self.handbook.fields
        rules: list[tuple[Rule, Parts, str, str]] = []
        if isinstance(owner, Negative):
            rules += [
                (r, ["disqualifiers", i], "disqualifier", "it never disqualifies")
                for i, r in enumerate(owner.disqualifiers)
            ]
            rules += [
                (r, ["warning_signs", i], "warning sign", "its points are never taken off")
                for i, r in enumerate(owner.warnings)
            ]
        else:
            reported = bool(self.unsatisfiable(owner))
            rules += [
                (r, ["qualification", "requirements", i], "requirement", "the ICP fits no company")
                for i, r in enumerate(owner.requirements)
                if not reported
            ]
            for r in owner.criteria:
                at = _item_path(owner, "id", r.id) or ["qualification", "criteria"]
                rules.append((r, at, "criterion", "its points are never given"))
        out = []
        for rule, at, kind, then in rules:
            where = [*at, "when"]
            named = f"the {kind} '{rule.id}' ({rule.label})"
            if always(rule.when) or always_met(fields, rule.when):
                error = kind == "disqualifier"
                said = (
                    f"found {named} met by every company, even one with no data; expected "
                    "a condition some company fails"
                    + (", or every company is disqualified" if error else "")
                )
                rule_id = "rule-always-met"
            elif never(rule.when) or never_met(fields, rule.when):
                error = kind == "requirement"
                said = (
                    f"found {named} met by no company; expected a condition some company "
                    f"meets, or {then}"
                )
                rule_id = "unsatisfiable" if error else "rule-never-met"
            else:
                continue
            level = Level.ERROR if error else Level.WARNING
            out.append(self.problem(owner.path, where, said, rule_id, level))
        return out

    def always_disqualified(self, icp: Icp) -> list[Problem]:
        """Disqualifiers every company meeting the requirements meets: one error at the
        requirements, naming each such disqualifier (they share one cause)."""
        if not icp.requirements:
            return []
        facts = Facts.of(icp)
        every = [
            f"'{neg.id}/{rule.id}' ({rule.label})"
            for neg in self.handbook.negatives
            if neg.applies(icp.id) and neg.status != "retired"
            for rule in neg.disqualifiers
            if (leaves := list(conjuncts(rule.when))) and all(facts.implies(x) for x in leaves)
        ]
        if not every:
            return []
        return [
            self.problem(
                icp.path,
                ["qualification", "requirements"],
                "found that every company meeting these requirements is disqualified by "
                f"{and_list(every)}; expected an ICP someone can fit",
                "always-disqualified",
            )
        ]

    def pond_refs(self, path: str, data: dict[str, object], ids: set[str]) -> list[Problem]:
        out: list[Problem] = []
        pond = data.get("pond_map")
        if not isinstance(pond, dict):
            return out
        for category, content in pond.items():
            for side in ("negatives", "positives"):
                for i, item in enumerate(content.get(side, [])):
                    ref = item.get("rule")
                    if ref is not None and ref not in ids:
                        out.append(
                            self.problem(
                                path,
                                ["pond_map", category, side, i, "rule"],
                                f"found the rule '{ref}', which is not a rule of this profile, a "
                                "negative portrait or portrait/rule" + suggest(ref, sorted(ids)),
                                "unknown-rule",
                            )
                        )
        return out

    def applies_to(self, neg: Negative) -> list[Problem]:
        icp_ids = [i.id for i in self.handbook.icps]
        return [
            self.problem(
                neg.path,
                ["applies_to", i],
                f"found the ICP '{ref}', which does not exist" + suggest(ref, icp_ids),
                "unknown-profile",
            )
            for i, ref in enumerate(neg.applies_to or ())
            if ref not in icp_ids
        ]

    def fixture_refs(self) -> list[Problem]:
        out = []
        icps = [i.id for i in self.handbook.icps]
        negs = [n.id for n in self.handbook.negatives]
        warns = [f"{n.id}/{r.id}" for n in self.handbook.negatives for r in n.warnings]
        rules = [f"{o.id}/{r.id}" for o in self.handbook.owners for r in o.rules]
        groups = [f"{i.id}/{g.id}" for i in self.handbook.icps for g in i.groups]
        flags = [f.id for f in self.handbook.policy.flags]
        gates = [*self.handbook.policy.gates, *(g for i in self.handbook.icps for g in i.gates)]
        statuses = ["scored", "disqualified", "insufficient_data", *(g.id for g in gates)]
        for fx in self.handbook.fixtures:
            for exp in fx.expectations:
                refs: list[tuple[Parts, object, list[str], str]] = []
                if exp.key == "best_profile" and exp.expected is not None:
                    refs.append((["expect", "best_profile"], exp.expected, icps, "ICP"))
                elif exp.key == "disqualified_by":
                    refs += [
                        (["expect", "disqualified_by", i], v, negs, "negative portrait")
                        for i, v in enumerate(exp.expected)
                    ]
                elif exp.key == "warnings":
                    refs += [
                        (["expect", "warnings", i], v, warns, "warning sign")
                        for i, v in enumerate(exp.expected)
                    ]
                elif exp.key == "criteria":
                    refs += [(["expect", "criteria", k], k, rules, "rule") for k in exp.expected]
                elif exp.key == "groups":
                    refs += [(["expect", "groups", k], k, groups, "group") for k in exp.expected]
                elif exp.key == "flags":
                    refs += [(["expect", "flags", k], k, flags, "flag") for k in exp.expected]
                elif exp.key == "status":
                    refs.append((["expect", "status"], exp.expected, statuses, "status"))
                for parts, value, known, what in refs:
                    if value not in known:
                        out.append(
                            self.problem(
                                fx.path,
                                parts,
                                f"found the {what} '{value}', which does not exist"
                                + suggest(str(value), known),
                                "unknown-reference",
                                key=exp.key in ("criteria", "groups", "flags"),
                            )
                        )
        return out


def check(handbook: Handbook, docs: dict[str, Document], today: dt.date) -> list[Problem]:
    return Checker(handbook, docs, today).run()
