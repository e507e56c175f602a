"""Mutation check: change one rule or threshold at a time and see whether some fixture notices.

Mutations: every requirement, criterion, disqualifier and warning sign is
removed, then negated; every tier threshold of every ICP is dropped (the tier
becomes unreachable) and lowered to the next tier's threshold. A mutation that
no fixture expectation notices *survives*: the rule cannot be told apart from
its absence by the tests, so it is untested.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .evaluate import evaluate
from .model import Handbook, Icp, Negative, Not, Rule, Tiers
from .ruletests import checks, fixture_as_of, passes

UNREACHABLE = 10**6
LOWEST = -(10**6)


@dataclass(frozen=True)
class Mutation:
    #: what was changed, in words
    description: str
    handbook: Handbook


@dataclass(frozen=True)
class MutationResult:
    description: str
    #: the first expectation that noticed it ('fixture::key'), or None when it survived
    caught_by: str | None

    @property
    def survived(self) -> bool:
        return self.caught_by is None


def _replace_owner(handbook: Handbook, owner: Icp | Negative) -> Handbook:
    if isinstance(owner, Icp):
        icps = tuple(owner if i.id == owner.id else i for i in handbook.icps)
        return dataclasses.replace(handbook, icps=icps)
    negs = tuple(owner if n.id == owner.id else n for n in handbook.negatives)
    return dataclasses.replace(handbook, negatives=negs)


def _rule_mutations(
    handbook: Handbook, owner: Icp | Negative, group: str, rules: tuple[Rule, ...]
) -> Iterator[Mutation]:
    for i, rule in enumerate(rules):
        without = rules[:i] + rules[i + 1 :]
        negated = (*rules[:i], dataclasses.replace(rule, when=Not(rule.when)), *rules[i + 1 :])
        for verb, changed in (("removed", without), ("negated", negated)):
            changes: dict[str, Any] = {group: changed}
            yield Mutation(
                f"{owner.id}/{rule.id} {verb}",
                _replace_owner(handbook, dataclasses.replace(owner, **changes)),
            )


def mutations(handbook: Handbook) -> Iterator[Mutation]:
    for icp in handbook.active_icps:
        yield from _rule_mutations(handbook, icp, "requirements", icp.requirements)
        yield from _rule_mutations(handbook, icp, "criteria", icp.criteria)
        t = icp.tiers
        lowered = {
            "A": Tiers(t.B, t.B, t.C),
            "B": Tiers(t.A, t.C, t.C),
            "C": Tiers(t.A, t.B, LOWEST),
        }
        dropped = {
            "A": Tiers(UNREACHABLE, t.B, t.C),
            "B": Tiers(t.A, UNREACHABLE - 1, t.C),
            "C": Tiers(t.A, t.B, UNREACHABLE - 2),
        }
        for tier in ("A", "B", "C"):
            yield Mutation(
                f"{icp.id} tier {tier} threshold dropped",
                _replace_owner(handbook, dataclasses.replace(icp, tiers=dropped[tier])),
            )
            yield Mutation(
                f"{icp.id} tier {tier} threshold lowered to the next tier's",
                _replace_owner(handbook, dataclasses.replace(icp, tiers=lowered[tier])),
            )
    for neg in handbook.active_negatives:
        yield from _rule_mutations(handbook, neg, "disqualifiers", neg.disqualifiers)
        yield from _rule_mutations(handbook, neg, "warnings", neg.warnings)


def caught_by(mutant: Handbook, *, today: dt.date) -> str | None:
    for fixture in mutant.fixtures:
        if fixture.broken:
            continue
        verdict = evaluate(mutant, fixture.company, fixture_as_of(fixture, today))
        for check in checks(fixture):
            if not passes(check, verdict)[0]:
                return check.name
    return None


def mutate(handbook: Handbook, *, today: dt.date) -> tuple[MutationResult, ...]:
    return tuple(
        MutationResult(m.description, caught_by(m.handbook, today=today))
        for m in mutations(handbook)
    )
