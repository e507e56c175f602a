"""Loading a handbook repository: every YAML file, validated, built into the model.

Layout: `rules/*.yaml` (vocabulary, regions, segments, tier policy, routing),
`profiles/**/*.yaml` (ICPs and negative portraits), `tests/fixtures/**/*.yaml`
(fixture companies). A document's `kind:` says what it is. Every problem is
collected; a document with problems is left out of the model, the rest loads.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import wording
from ..engine.labels import labels_of
from ..engine.model import (
    Condition,
    Expectation,
    Field,
    Fixture,
    Flag,
    Group,
    Handbook,
    Icp,
    Negative,
    Policy,
    Region,
    Review,
    Route,
    Rule,
    Segment,
    Source,
    Tiers,
)
from ..engine.normal import folds_of
from ..engine.spellings import country_meant, normalise, value_map
from ..engine.values import typed_company
from ..kinds import KINDS
from ..problems import Level, Problem, Report
from ..repo import RULES_DIR, display_path, handbook_files
from ..yamlvalues import YamlDate, as_date
from .conditions import Builder
from .document import Document, number_form
from .yamlio import load_file

DEFAULT_TIERS = Tiers(80, 60, 40)
#: the form of an id (the schemas' `id` pattern)
ID_FORM = re.compile(r"[a-z][a-z0-9_-]*")


def country_codes() -> tuple[str, ...]:
    import pycountry

    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


def _code_meant(written: str, codes: set[str]) -> str:
    """' (did you mean …?)' for a country written by another name or code (`UK` -> `GB`),
    else the closest code."""
    meant = country_meant(written)
    if meant is not None and meant != written:
        return f" (did you mean '{meant}'?)"
    return wording.suggest(written, sorted(codes))


@dataclass
class Loaded:
    """The result of loading: the model (when the rules could be built) and the report."""

    handbook: Handbook
    report: Report
    docs: dict[str, Document] = field(default_factory=dict)


@dataclass
class _Loader:
    root: Path
    report: Report = field(default_factory=Report)
    docs: dict[str, Document] = field(default_factory=dict)
    by_kind: dict[str, list[Document]] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    segment_docs: dict[str, tuple[Document, int, dict[str, Any]]] = field(default_factory=dict)
    segments: dict[str, Segment | None] = field(default_factory=dict)
    resolving: list[str] = field(default_factory=list)
    #: (what, id) -> where it was first defined (file, line), for a duplicate's message
    first_defined: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)

    # -- reading ------------------------------------------------------------------------------

    def read(self, paths: Iterable[Path]) -> None:
        for path in paths:
            doc = load_file(path, display_path(path, self.root))
            self.report.files_checked += 1
            self.docs[doc.path] = doc
            if doc.problems:
                self.report.extend(doc.problems)
                if not doc.complete:
                    continue
            kind = self.kind_of(doc)
            if kind is None:
                continue
            from . import schema  # jsonschema is imported only when something is validated

            problems = schema.validate(doc, kind)
            named = self.named_by_file(doc, kind)
            if named is not None:  # the one error about the id: not also its form
                problems = [p for p in problems if p.json_path != "$.id"] + [named]
            self.report.extend(problems)
            if not problems and not any(p.level is Level.ERROR for p in doc.problems):
                self.by_kind.setdefault(kind, []).append(doc)

    def named_by_file(self, doc: Document, kind: str) -> Problem | None:
        """The problem when a profile's id is not its file's name (profiles/icp/ID.yaml, as
        `icp new` writes it). Every reference names a profile by its id, CODEOWNERS and the
        handbook's pages by its file: the two must be one name, or an edited id would make
        every reference elsewhere 'not exist'. None when they agree."""
        if kind not in ("icp", "negative"):
            return None
        ident, stem = doc.data.get("id"), Path(doc.path).stem
        if ident == stem or ident is None or any(p.json_path == "$.id" for p in doc.problems):
            return None  # agreeing, missing, or already reported (an unsafe character)
        shown = wording.shorten(ident, 60)
        if not ID_FORM.fullmatch(stem):
            message = (
                f"found the id '{shown}' in a file named '{Path(doc.path).name}'; expected "
                f"the file to be named after the id ({shown}.yaml)"
                if isinstance(ident, str) and ID_FORM.fullmatch(ident)
                else f"found {wording.found(ident)} as the id of '{Path(doc.path).name}'; "
                "expected a short name in lowercase letters, digits, - or _, and the file "
                "named after it"
            )
        else:
            message = (
                f"found the id '{shown}'; expected '{stem}', the file's name"
                if isinstance(ident, str)
                else f"found {wording.found(ident)} as the id; expected '{stem}', the file's name"
            )
        return doc.problem_at(["id"], message, "id-file-name")

    def kind_of(self, doc: Document) -> str | None:
        data = doc.data
        if not isinstance(data, dict):
            self.problem(
                doc,
                [],
                f"found {wording.found(data)}; expected a mapping that starts with 'kind:'",
                "document-type",
            )
            return None
        kind = data.get("kind")
        if kind not in KINDS:
            kinds = list(KINDS)
            close = [
                k
                for k in data
                if isinstance(k, str) and difflib.SequenceMatcher(None, k, "kind").ratio() >= 0.75
            ]
            if kind is None and close:  # `knd: icp`: one problem, at the misspelt key
                self.problem(
                    doc,
                    [close[0]],
                    f"found the unknown key '{wording.shorten(close[0])}'; expected 'kind' "
                    "(did you mean 'kind'?)",
                    "schema-additionalProperties",
                    key=True,
                )
            elif kind is None:
                self.problem(
                    doc,
                    [],
                    "found no 'kind'; expected one of " + ", ".join(kinds),
                    "schema-required",
                )
            else:
                self.problem(
                    doc,
                    ["kind"],
                    f"found the kind '{kind}'; expected one of "
                    + ", ".join(kinds)
                    + wording.suggest(str(kind), kinds),
                    "schema-enum",
                )
            return None
        return str(kind)

    def problem(
        self,
        doc: Document,
        parts: list[str | int],
        message: str,
        rule: str,
        *,
        level: Level = Level.ERROR,
        key: bool = False,
    ) -> None:
        self.report.problems.append(doc.problem_at(parts, message, rule, level=level, key=key))

    def single(self, kind: str, *, required: bool) -> Document | None:
        docs = self.by_kind.get(kind, [])
        for extra in docs[1:]:
            self.problem(
                extra,
                ["kind"],
                f"found a second {kind} document (the first is {docs[0].path}); expected one",
                "duplicate-kind",
            )
        if not docs and required:
            where = f"{RULES_DIR}/{kind.replace('_', '-')}.yaml"
            self.report.problems.append(
                Problem(
                    where,
                    1,
                    1,
                    Level.ERROR,
                    f"found no {kind} document; expected {where}",
                    "missing-rules",
                )
            )
        return docs[0] if docs else None

    # -- rules/ ---------------------------------------------------------------------------------

    def vocabulary(self) -> tuple[str, ...]:
        doc = self.single("vocabulary", required=True)
        if doc is None:
            return ()
        codes = country_codes()
        try:
            folds = folds_of((doc.data.get("normalisation") or {}).get("folds"))
        except ValueError as exc:
            self.problem(doc, ["normalisation", "folds"], str(exc), "normalisation-fold")
            folds = folds_of(None)
        for name, spec in doc.data["fields"].items():
            values = spec.get("values")
            is_country = values == "iso-3166"
            aliases = self.aliases(doc, name, spec.get("value_aliases") or {}, folds)
            columns = tuple(c for group in (spec.get("columns") or {}).values() for c in group)
            fld = Field(
                name=name,
                type=spec["type"],
                label=spec["label"],
                description=spec["description"],
                unit=spec.get("unit"),
                minimum=spec.get("minimum"),
                maximum=spec.get("maximum"),
                values=codes if is_country else (tuple(values) if values else None),
                value_aliases=aliases,
                empty_set=spec.get("empty") == "empty_set",
                columns=columns,
                is_country=is_country,
                folds=folds,
            )
            fld = replace(
                fld,
                spellings=tuple(sorted(value_map(fld).items())),
                value_labels=self.value_labels(doc, name, spec, fld),
            )
            if values is not None and fld.type not in ("one_of", "set_of"):
                self.problem(
                    doc,
                    ["fields", name, "values"],
                    f"found values on {name}, {wording.field_kind(fld.type)}; expected them "
                    "only on one_of or set_of fields",
                    "field-values",
                )
            if fld.type == "one_of" and values is None:
                self.problem(
                    doc,
                    ["fields", name, "type"],
                    f"found a one_of field {name} "
                    "without values; expected a list of values (or type: text)",
                    "field-values",
                )
            for alias, target in aliases:
                if fld.values is not None and target not in fld.values:
                    self.problem(
                        doc,
                        ["fields", name, "value_aliases"],
                        f"found the alias "
                        f"'{alias}' pointing to '{target}', which is not a value of "
                        f"{name}" + wording.suggest(target, fld.values),
                        "unknown-value",
                    )
            self.fields[name] = fld
        return tuple(doc.data.get("id_columns") or ("id", "account_id"))

    def value_labels(
        self, doc: Document, name: str, spec: dict[str, Any], fld: Field
    ) -> tuple[tuple[str, str], ...]:
        """A field's labels (`labels.labels_of`); a label for a value the field does not
        allow is a problem at its own key, with the closest value."""
        written = {str(k): str(v) for k, v in (spec.get("value_labels") or {}).items()}
        if fld.values is None or fld.is_country:
            if written:
                self.problem(
                    doc,
                    ["fields", name, "value_labels"],
                    f"found value_labels on {name}, which has no list of values; expected "
                    "them only on a one_of or set_of field with values",
                    "field-values",
                    key=True,
                )
            return ()
        for value in written:
            if value not in fld.values:
                self.problem(
                    doc,
                    ["fields", name, "value_labels", value],
                    f"found a label for '{wording.shorten(value)}', which is not a value of "
                    f"{name}" + wording.suggest(value, fld.values),
                    "unknown-value",
                    key=True,
                )
        return labels_of(fld.values, written, spec.get("value_aliases") or {})

    def aliases(
        self, doc: Document, name: str, written: dict[str, Any], folds: Any
    ) -> tuple[tuple[str, Any], ...]:
        """A field's aliases in their compared form. Two spellings that compare the same
        (`Internet` and `INTERNET`: case, accents and punctuation aside) would silently
        override each other: the second is a problem at its own key."""
        out: dict[str, tuple[str, Any]] = {}
        for spelling, target in written.items():
            key = normalise(spelling, folds)
            if key in out:
                first, first_target = out[key]
                line = doc.position(["fields", name, "value_aliases", first], key=True)[0]
                same = "the same value" if first_target == target else f"'{first_target}'"
                self.problem(
                    doc,
                    ["fields", name, "value_aliases", spelling],
                    f"found the alias '{wording.shorten(spelling)}', which reads as "
                    f"'{wording.shorten(first)}' on line {line} (pointing to {same}): "
                    "aliases are compared without case, accents and punctuation; expected "
                    "each alias once",
                    "duplicate-alias",
                    key=True,
                )
                continue
            out[key] = (spelling, target)
        return tuple((key, target) for key, (_, target) in out.items())

    def load_regions(self) -> None:
        doc = self.single("regions", required=False)
        if doc is None:
            return
        codes = set(country_codes())
        for i, item in enumerate(doc.data["regions"]):
            for j, code in enumerate(item["countries"]):
                if code not in codes:
                    self.problem(
                        doc,
                        ["regions", i, "countries", j],
                        f"found '{code}', which is not an ISO 3166 country code"
                        + _code_meant(code, codes),
                        "unknown-value",
                    )
            self.unique(doc, self.regions, item["id"], ["regions", i, "id"], "region")
            self.regions[item["id"]] = Region(item["id"], item["label"], tuple(item["countries"]))

    def unique(
        self, doc: Document, seen: dict[str, Any], ident: str, parts: list[str | int], what: str
    ) -> None:
        key = (what, str(ident))
        if ident not in seen:
            self.first_defined[key] = (doc.path, doc.position(parts)[0])
            return
        path, line = self.first_defined.get(key, (doc.path, 0))
        first = f"line {line}" if path == doc.path else f"{path}:{line}"
        self.problem(
            doc,
            parts,
            f"found the {what} id '{ident}' twice (first on {first}); expected each id once",
            "duplicate-id",
        )

    def builder(self, doc: Document) -> Builder:
        return Builder(
            doc, self.fields, self.regions, self.resolve_segment, list(self.segment_docs)
        )

    def resolve_segment(self, ident: str) -> tuple[str, Condition] | None:
        if ident in self.segments:
            seg = self.segments[ident]
            return (seg.label, seg.when) if seg else None
        if ident not in self.segment_docs:
            return None
        doc, index, item = self.segment_docs[ident]
        if ident in self.resolving:
            cycle = " → ".join([*self.resolving[self.resolving.index(ident) :], ident])
            self.problem(
                doc,
                ["segments", index, "when"],
                f"found segments that refer to each other in a loop ({cycle}); expected no loop",
                "segment-cycle",
            )
            return None
        self.resolving.append(ident)
        b = self.builder(doc)
        when = b.build(item["when"], ["segments", index, "when"])
        self.resolving.pop()
        self.report.extend(b.problems)
        seg = Segment(ident, item["label"], when, item.get("description")) if when else None
        self.segments[ident] = seg
        return (seg.label, seg.when) if seg else None

    def load_segments(self) -> None:
        doc = self.single("segments", required=False)
        if doc is None:
            return
        for i, item in enumerate(doc.data["segments"]):
            if item["id"] in self.segment_docs:
                self.unique(doc, self.segment_docs, item["id"], ["segments", i, "id"], "segment")
                continue
            self.segment_docs[item["id"]] = (doc, i, item)
        for ident in list(self.segment_docs):
            self.resolve_segment(ident)

    def policy(self) -> Policy:
        doc = self.single("tier_policy", required=True)
        if doc is None:
            return Policy(DEFAULT_TIERS, "B", stand_in=True)
        data = doc.data
        tiers = self.tiers(doc, data["tiers"], ["tiers"])
        b = self.builder(doc)
        gates = []
        for i, item in enumerate(data.get("gates") or []):
            rule = self.rule(b, doc, {**item, "id": item["status"]}, ["gates", i], "gate")
            if rule is not None:
                gates.append(rule)
        flags = []
        for i, item in enumerate(data.get("flags") or []):
            rule = self.rule(b, doc, item, ["flags", i], "flag")
            if rule is not None:
                flags.append(Flag(rule, bool(item.get("only_when_scored", False))))
        self.report.extend(b.problems)
        return Policy(
            tiers or DEFAULT_TIERS,
            data["unknown_cap"],
            data.get("notes"),
            min_known_share=float(data.get("min_known_share", 0)),
            gates=tuple(gates),
            flags=tuple(flags),
            disqualified_score=data.get("disqualified_score", "keep"),
        )

    def tiers(self, doc: Document, data: dict[str, int], parts: list[str | int]) -> Tiers | None:
        if not data["A"] > data["B"] > data["C"]:
            # the first threshold that is not below the one before it is the one pointed at
            upper, tier = next((u, t) for u, t in (("A", "B"), ("B", "C")) if data[t] >= data[u])
            self.problem(
                doc,
                [*parts, tier],
                f"found {tier} {data[tier]}, not below {upper} {data[upper]} (thresholds A "
                f"{data['A']}, B {data['B']}, C {data['C']}); expected A above B above C",
                "tier-order",
            )
            return None
        return Tiers(data["A"], data["B"], data["C"])

    def routes(self) -> dict[str, Route]:
        doc = self.single("routing", required=False)
        if doc is None:
            return {}
        return {
            tier: Route(r["owner"], r["response"], r["action"], r.get("content"))
            for tier, r in doc.data["routes"].items()
        }

    # -- profiles/ ------------------------------------------------------------------------------

    def rules(
        self,
        doc: Document,
        items: list[dict[str, Any]],
        parts: list[str | int],
        kind: str,
        seen: dict[str, Any],
    ) -> tuple[Rule, ...]:
        built = []
        b = self.builder(doc)
        for i, item in enumerate(items):
            where: list[str | int] = [*parts, i]
            self.unique(doc, seen, item["id"], [*where, "id"], "rule")
            seen[item["id"]] = True
            rule = self.rule(b, doc, item, where, kind)
            if rule is not None:
                built.append(rule)
        self.report.extend(b.problems)
        return tuple(built) if not b.problems else ()

    def rule(
        self, b: Builder, doc: Document, item: dict[str, Any], where: list[str | int], kind: str
    ) -> Rule | None:
        when = b.build(item["when"], [*where, "when"])
        if when is None:
            return None
        points = -item["points_off"] if kind == "warning" else item.get("points", 0)
        line, column = doc.position(where)
        return Rule(
            item["id"],
            item["label"],
            when,
            kind,
            points,
            item.get("why"),
            Source(doc.path, line, column),
        )

    def scoring(
        self,
        doc: Document,
        items: list[dict[str, Any]],
        parts: list[str | int],
        seen: dict[str, Any],
    ) -> tuple[tuple[Rule | Group, ...], tuple[Rule, ...], bool]:
        """An ICP's criteria as written (criteria and groups of them), every criterion in
        order, and whether any group was written."""
        b = self.builder(doc)

        def build(data: list[dict[str, Any]], at: list[str | int]) -> list[Rule | Group]:
            out: list[Rule | Group] = []
            for i, item in enumerate(data):
                where: list[str | int] = [*at, i]
                ident = str(item.get("group", item.get("id")))
                self.unique(
                    doc, seen, ident, [*where, "group" if "group" in item else "id"], "rule"
                )
                seen[ident] = True
                if "group" not in item:
                    rule = self.rule(b, doc, item, where, "criterion")
                    if rule is not None:
                        out.append(rule)
                    continue
                inner = build(item["criteria"], [*where, "criteria"])
                first = bool(item.get("first_match", False))
                if first and any(isinstance(x, Group) for x in inner):
                    self.problem(
                        doc,
                        [*where, "first_match"],
                        f"found a group inside the first-match group '{ident}'; expected only "
                        "criteria in tiers read top down",
                        "group-shape",
                    )
                out.append(
                    Group(
                        ident, item["label"], tuple(inner), item.get("cap"), first, item.get("why")
                    )
                )
            return out

        built = tuple(build(items, parts))
        self.report.extend(b.problems)
        grouped = any(isinstance(x, Group) for x in built)
        flat = tuple(r for x in built for r in ((x,) if isinstance(x, Rule) else x.rules))
        return built, flat, grouped

    def review(self, data: dict[str, Any]) -> Review:
        last = data["review"]["last_reviewed"]
        last = last.value if isinstance(last, YamlDate) else dt.date.fromisoformat(last)
        return Review(last, data["review"]["cadence"])

    def icps(self, policy: Policy) -> list[Icp]:
        out = []
        for doc in self.by_kind.get("icp", []):
            data = doc.data
            q = data["qualification"]
            seen: dict[str, Any] = {}
            before = len(self.report.errors)
            reqs = self.rules(
                doc, q["requirements"], ["qualification", "requirements"], "requirement", seen
            )
            scoring, crit, grouped = self.scoring(
                doc, q["criteria"], ["qualification", "criteria"], seen
            )
            b = self.builder(doc)
            gates = [
                self.rule(b, doc, {**g, "id": g["status"]}, ["qualification", "gates", i], "gate")
                for i, g in enumerate(q.get("gates") or [])
            ]
            self.report.extend(b.problems)
            tiers = (
                self.tiers(doc, q["tiers"], ["qualification", "tiers"])
                if "tiers" in q
                else policy.tiers
            )
            if len(self.report.errors) > before or tiers is None:
                continue
            out.append(
                Icp(
                    data["id"],
                    data["title"],
                    data["status"],
                    data.get("priority", 100),
                    reqs,
                    crit,
                    tiers,
                    self.review(data),
                    tuple(data["owners"]),
                    doc.path,
                    data,
                    scoring if grouped else (),
                    tuple(g for g in gates if g is not None),
                )
            )
        return out

    def negatives(self) -> list[Negative]:
        out = []
        for doc in self.by_kind.get("negative", []):
            data = doc.data
            seen: dict[str, Any] = {}
            before = len(self.report.errors)
            disq = self.rules(
                doc, data.get("disqualifiers", []), ["disqualifiers"], "disqualifier", seen
            )
            warn = self.rules(
                doc, data.get("warning_signs", []), ["warning_signs"], "warning", seen
            )
            if len(self.report.errors) > before:
                continue
            applies = data.get("applies_to")
            out.append(
                Negative(
                    data["id"],
                    data["title"],
                    data["status"],
                    data.get("priority", 100),
                    tuple(applies) if applies is not None else None,
                    disq,
                    warn,
                    self.review(data),
                    tuple(data["owners"]),
                    doc.path,
                    data,
                )
            )
        return out

    # -- tests/fixtures/ --------------------------------------------------------------------------

    def fixtures(self) -> list[Fixture]:
        out = []
        for doc in self.by_kind.get("fixture", []):
            data = doc.data
            read = typed_company(self.fields, data["company"])
            for name in read.unknown:
                self.problem(
                    doc,
                    ["company", name],
                    f"found the field '{name}', which is "
                    "not in rules/vocabulary.yaml" + wording.suggest(name, list(self.fields)),
                    "unknown-field",
                    key=True,
                )
            for name, (value, expected) in read.misfits.items():
                known = self.fields[name].values or ()
                for index, item, said in read.bad_items.get(name, ((None, value, expected),)):
                    closed = said.startswith("expected one of the values")
                    hint = wording.suggest(item, known) if closed and isinstance(item, str) else ""
                    where: list[str | int] = ["company", name]
                    where = where if index is None else [*where, index]
                    self.problem(
                        doc,
                        where,
                        f"found {wording.found(item, doc.written(where))} "
                        f"{'for' if index is None else 'in'} {name}; {said}{hint}",
                        "fixture-value",
                    )
            odd = [
                number_form(doc, ["company", name], value)
                for name, value in data["company"].items()
                if name in self.fields and name not in read.misfits
                if isinstance(value, int | float) and not isinstance(value, bool)
            ]
            self.report.extend(p for p in odd if p is not None)
            company = read.values
            ok = not read.unknown and not read.misfits and not any(odd)
            as_of = as_date(data.get("as_of"))
            expectations = tuple(
                Expectation(key, value, doc.position(["expect", key], key=True)[0])
                for key, value in data["expect"].items()
            )
            out.append(
                Fixture(
                    data["name"],
                    doc.path,
                    1,
                    company,
                    expectations,
                    as_of,
                    data.get("story"),
                    broken=not ok,
                )
            )
        return out


def load(root: Path) -> Loaded:
    """Load the handbook at `root`. Problems are collected in the report, never raised."""
    loader = _Loader(root)
    loader.read(handbook_files(root))
    id_columns = loader.vocabulary()
    loader.load_regions()
    loader.load_segments()
    policy = loader.policy()
    routes = loader.routes()
    icps = loader.icps(policy)
    negatives = loader.negatives()
    fixtures = loader.fixtures()
    documents: dict[str, list[dict[str, Any]]] = {
        kind: [d.data for d in docs] for kind, docs in loader.by_kind.items()
    }
    handbook = Handbook(
        root=str(root),
        fields=loader.fields,
        id_columns=id_columns,
        regions=loader.regions,
        segments={k: v for k, v in loader.segments.items() if v is not None},
        policy=policy,
        routes=routes,
        icps=tuple(icps),
        negatives=tuple(negatives),
        fixtures=tuple(fixtures),
        documents=documents,
    )
    return Loaded(handbook, loader.report, loader.docs)
