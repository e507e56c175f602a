"""Scores that go straight back into the CRM: HubSpot and Salesforce import presets.

A preset turns scored rows (safe-named columns, see `icpkit.sql.names`) into:
- an import-ready CSV: the record id column as the CRM expects it (HubSpot
  `Record ID`, Salesforce `Id`), one column per property, named as the CRM
  requires, the route from `rules/routing.yaml` (owner, response time) included;
- a property-definition file so the import creates the fields: HubSpot's property
  JSON (the body of `POST /crm/v3/properties/companies/batch/create`, with its
  property group), or Salesforce custom-field metadata (a Metadata API folder:
  `package.xml` and `objects/Account.object`).

Naming rules checked here (and by the tests):
- HubSpot internal names: lowercase letters, digits and underscores, starting
  with a letter, at most 100 characters; labels at most 100 characters;
  enumeration options with unique values.
- Salesforce custom fields: an API name of letters, digits and single
  underscores, starting with a letter, not ending with an underscore, at most 40
  characters before the `__c` suffix; labels at most 40 characters; picklist
  values unique, at most 255 characters.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from xml.sax.saxutils import escape

from ..atomic import atomic_paths
from ..engine.model import TIER_RANK, Handbook, Icp
from ..engine.verdict import DISQUALIFIED, INSUFFICIENT_DATA, SCORED
from ..errors import UsageError
from ..textsafety import flat
from .names import column_mapping, group_column, profile_column

TIERS = tuple(TIER_RANK)  # A, B, C, D
HUBSPOT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
SALESFORCE_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_)){0,39}(?<!_)__c$")
HUBSPOT_GROUP = "icp_scoring"


@dataclass(frozen=True)
class Property:
    """One CRM property a preset writes: where its value comes from and what it holds."""

    #: the safe column name in the scores (or route_owner / route_response)
    source: str
    label: str
    #: text | long_text | number | choice
    kind: str
    description: str
    options: tuple[str, ...] = ()


#: the longest value a Salesforce Text field holds (an import refuses a longer one)
TEXT_LIMIT = 255


def _text(source: str, label: str, description: str, values: Sequence[str]) -> Property:
    """A text property: one line (`text`) when every value it can hold fits a CRM's short
    text field, else `long_text`. `values` are the longest it can hold."""
    longest = max((len(flat(v)) for v in values), default=0)
    return Property(source, label, "text" if longest <= TEXT_LIMIT else "long_text", description)


def properties(handbook: Handbook) -> list[Property]:
    """Every property a preset writes, in column order."""
    icps = handbook.active_icps
    routes = handbook.routes.values()
    out = [
        Property("icp_tier", "ICP tier", "choice", "Tier from the ICP handbook (A best).", TIERS),
        Property("icp_score", "ICP score", "number", "Points of the best-fitting profile."),
        Property(
            "icp_status",
            "ICP status",
            "choice",
            "scored, disqualified, or why there is no tier (insufficient_data, a gate's).",
            statuses(handbook),
        ),
        Property(
            "icp_best_profile",
            "ICP best profile",
            "choice",
            "The profile the account fits best (empty: none fits).",
            tuple(i.id for i in icps),
        ),
        _text(
            "icp_best_profile_title",
            "ICP best profile title",
            "Its title.",
            [i.title for i in icps],
        ),
        Property("icp_reason", "ICP reason", "long_text", "Why, in one line."),
        _text(
            "icp_disqualified_by",
            "ICP disqualified by",
            "Negative portraits that rule the account out (';' between).",
            [";".join(n.id for n in handbook.negatives)],
        ),
        _text(
            "icp_unknown_fields",
            "ICP unknown fields",
            "Fields the rules read that the account lacks (';' between).",
            [";".join(handbook.fields)],
        ),
        _text(
            "route_owner", "ICP route owner", "Who follows the lead up.", [r.owner for r in routes]
        ),
        _text(
            "route_response", "ICP route response time", "How fast.", [r.response for r in routes]
        ),
    ]
    unmet = "(empty: a hard requirement unmet)"
    for icp in icps:
        out += [
            _per_profile(icp, "score", "number", f"Score for {icp.title} {unmet}."),
            _per_profile(icp, "tier", "choice", f"Tier for {icp.title}.", TIERS),
        ]
        out += [
            Property(
                group_column(icp.id, g.id),
                _profile_label(icp, g.label, f"{icp.id}\x00{g.id}"),
                "number",
                f"Points of {g.label} for {icp.title} {unmet}.",
            )
            for g in icp.groups
        ]
    return _unique_labels(out)


#: the longest label both CRMs take (Salesforce's field labels)
LABEL_LIMIT = 40


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:6]


def _profile_label(icp: Icp, what: str, key: str) -> str:
    """'ICP <profile id in words> <what>', within the 40 characters a CRM label may have;
    a longer one is cut and ends in a short hash of `key` (what the column comes from), so
    that two long profile ids sharing their first 40 characters keep two labels."""
    return _fitted(f"ICP {icp.id.replace('-', ' ')} {what}", key)


def _fitted(label: str, key: str) -> str:
    """`label`, or, when longer than `LABEL_LIMIT`, its start, '…' and a hash of `key`."""
    if len(label) <= LABEL_LIMIT:
        return label
    tail = f"… {_digest(key)}"
    return label[: LABEL_LIMIT - len(tail)].rstrip() + tail


def _unique_labels(props: list[Property]) -> list[Property]:
    """`props` with every label used twice (HubSpot refuses a second property of the same
    label) given a short hash of its column's name: deterministic, and within the limit."""
    seen: dict[str, int] = {}
    for p in props:
        seen[p.label.lower()] = seen.get(p.label.lower(), 0) + 1
    out = []
    for p in props:
        if seen[p.label.lower()] > 1:
            tail = f" {_digest(p.source)}"
            head = (
                p.label
                if len(p.label) + len(tail) <= LABEL_LIMIT
                else p.label[: LABEL_LIMIT - len(tail) - 1].rstrip() + "…"
            )
            p = dataclasses.replace(p, label=head + tail)
        out.append(p)
    return out


def _per_profile(
    icp: Icp, what: str, kind: str, description: str, options: tuple[str, ...] = ()
) -> Property:
    """The property of a profile's column `what` (score, tier)."""
    return Property(
        profile_column(icp.id, what),
        _profile_label(icp, what, f"{icp.id}\x00{what}"),
        kind,
        description,
        options,
    )


def statuses(handbook: Handbook) -> tuple[str, ...]:
    """Every status a verdict can have under this handbook (`icpkit.engine.verdict`)."""
    gates = [g.id for g in handbook.policy.gates]
    gates += [g.id for icp in handbook.active_icps for g in icp.gates]
    return tuple(dict.fromkeys([SCORED, DISQUALIFIED, INSUFFICIENT_DATA, *gates]))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def hubspot_name(source: str) -> str:
    return source


def salesforce_name(source: str) -> str:
    """`icp_tier` -> `Icp_Tier__c`."""
    return "_".join(part.capitalize() for part in source.split("_")) + "__c"


@dataclass(frozen=True)
class Preset:
    name: str
    id_header: str
    field_name: Any


PRESETS = {
    "hubspot": Preset("hubspot", "Record ID", hubspot_name),
    "salesforce": Preset("salesforce", "Id", salesforce_name),
}


def _one_line(prop: Property, value: Any) -> Any:
    """A text property's value on one line (`textsafety.flat`): a title or a route written
    as a YAML block scalar keeps no line break in a CRM's text field."""
    return flat(value) if prop.kind in ("text", "long_text") and isinstance(value, str) else value


def check_names(preset: str, props: Sequence[Property]) -> list[str]:
    """Problems with the names and options of `props` under the preset's documented rules."""
    problems = []
    pattern = HUBSPOT_NAME if preset == "hubspot" else SALESFORCE_NAME
    label_limit = 100 if preset == "hubspot" else 40
    seen: set[str] = set()
    labels: set[str] = set()
    for p in props:
        name = PRESETS[preset].field_name(p.source)
        if not pattern.match(name):
            problems.append(f"{name}: not a valid {preset} property name")
        if name.lower() in seen:
            problems.append(f"{name}: used twice")
        seen.add(name.lower())
        if len(p.label) > label_limit:
            problems.append(f"{name}: label longer than {label_limit} characters")
        if p.label.lower() in labels:
            problems.append(f"{name}: label '{p.label}' used twice")
        labels.add(p.label.lower())
        if len(set(p.options)) != len(p.options) or any(len(o) > 255 for o in p.options):
            problems.append(f"{name}: options not unique or too long")
    return problems


# --- the files --------------------------------------------------------------------------------


def hubspot_properties(props: Sequence[Property]) -> dict[str, Any]:
    """The body of HubSpot's batch create for company properties, and the group they go in."""
    kinds = {
        "text": ("string", "text"),
        "long_text": ("string", "textarea"),
        "number": ("number", "number"),
        "choice": ("enumeration", "select"),
    }
    inputs = []
    for order, p in enumerate(props):
        ptype, field_type = kinds[p.kind]
        item: dict[str, Any] = {
            "name": hubspot_name(p.source),
            "label": p.label,
            "type": ptype,
            "fieldType": field_type,
            "groupName": HUBSPOT_GROUP,
            "description": p.description,
            "displayOrder": order,
        }
        if p.kind == "choice":
            item["options"] = [
                {"label": o, "value": o, "displayOrder": i, "hidden": False}
                for i, o in enumerate(p.options)
            ]
        inputs.append(item)
    return {
        "objectType": "companies",
        "group": {"name": HUBSPOT_GROUP, "label": "ICP scoring", "displayOrder": -1},
        "inputs": inputs,
    }


def salesforce_fields(props: Sequence[Property]) -> dict[str, str]:
    """Metadata API files (path -> XML) that create the custom fields on Account."""
    fields = []
    for p in props:
        name = salesforce_name(p.source)
        parts = [f"<fullName>{name}</fullName>", f"<label>{escape(p.label)}</label>"]
        parts.append(f"<description>{escape(_cut(p.description, 1000))}</description>")
        if p.kind == "number":
            parts += ["<type>Number</type>", "<precision>18</precision>", "<scale>0</scale>"]
        elif p.kind == "long_text":
            parts += [
                "<type>LongTextArea</type>",
                "<length>32768</length>",
                "<visibleLines>3</visibleLines>",
            ]
        elif p.kind == "choice":
            values = "".join(
                f"<value><fullName>{escape(o)}</fullName><default>false</default>"
                f"<label>{escape(o)}</label></value>"
                for o in p.options
            )
            parts += [
                "<type>Picklist</type>",
                "<valueSet><restricted>true</restricted><valueSetDefinition><sorted>false"
                f"</sorted>{values}</valueSetDefinition></valueSet>",
            ]
        else:
            parts += ["<type>Text</type>", "<length>255</length>"]
        fields.append("    <fields>\n        " + "\n        ".join(parts) + "\n    </fields>")
    ns = 'xmlns="http://soap.sforce.com/2006/04/metadata"'
    obj = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject {ns}>\n'
        + "\n".join(fields)
        + "\n</CustomObject>\n"
    )
    members = "".join(
        f"\n        <members>Account.{salesforce_name(p.source)}</members>" for p in props
    )
    package = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Package {ns}>\n    <types>{members}\n'
        "        <name>CustomField</name>\n    </types>\n    <version>60.0</version>\n"
        "</Package>\n"
    )
    return {"package.xml": package, "objects/Account.object": obj}


def check_preset(preset_name: str, output_format: str | None = None) -> None:
    """Raise UsageError for an unknown preset, or an output format other than the CSV an
    import takes."""
    if preset_name not in PRESETS:
        raise UsageError(f"found the CRM '{preset_name}'; expected hubspot or salesforce")
    if output_format not in (None, "csv"):
        raise UsageError(
            f"found --output-format {output_format} with --crm {preset_name}; expected csv "
            f"(a {preset_name} import is a CSV file), or no --crm"
        )


class Table(Protocol):
    """Rows of verdicts and the names of their columns (a warehouse's result, or `Rows`)."""

    @property
    def names(self) -> Sequence[str]: ...

    @property
    def rows(self) -> Sequence[Sequence[Any]]: ...


@dataclass(frozen=True)
class Rows:
    """A `Table` built here: column names and rows."""

    names: Sequence[str]
    rows: Sequence[Sequence[Any]]


def import_path(output: Path) -> Path:
    """Where `write` puts the import file for `-o output`."""
    return output.with_suffix(".csv")


def write_scores(preset_name: str, handbook: Handbook, scores: Table, output: Path) -> list[Path]:
    """`write` for rows of `icp score` (its column names, the id first, per-profile columns
    and a `reason` column): the same verdicts, under the CRM's safe names."""
    names, rows = scores.names, scores.rows
    safe = dict(column_mapping(handbook, per_profile=True))
    titles = {icp.id: icp.title for icp in handbook.active_icps}
    best = list(names).index("best_profile")
    out_names = [names[0], *(safe.get(n, n) for n in names[1:]), "icp_best_profile_title"]
    out_rows = [(*row, titles.get(row[best]) if row[best] else None) for row in rows]
    return write(preset_name, handbook, Rows(out_names, out_rows), output)


def route_key(tier: str | None, disqualified_by: str | None, status: str | None) -> str:
    """The route of a scored row in rules/routing.yaml: 'disqualified', its tier, or, for a
    row without a tier, its status (the optional `insufficient_data` route; a gate's status
    has none, and its route cells stay empty)."""
    if disqualified_by:
        return "disqualified"
    return str(tier) if tier else str(status)


def write(preset_name: str, handbook: Handbook, table: Table, output: Path) -> list[Path]:
    """Write the import file at `output` (from `table`: safe column names, the id first) and
    the property definitions beside it; return the paths written. Raises UsageError for an
    unknown preset or names the CRM would refuse."""
    names, rows = table.names, table.rows
    from .engines import write_rows_to

    preset = PRESETS.get(preset_name)
    if preset is None:
        raise UsageError(f"found the CRM '{preset_name}'; expected hubspot or salesforce")
    props = properties(handbook)
    problems = check_names(preset_name, props)
    if problems:
        raise UsageError(f"cannot write a {preset_name} import: {problems[0]}")
    index = {n: i for i, n in enumerate(names)}
    header = [preset.id_header, *(preset.field_name(p.source) for p in props)]
    out_rows = []
    for row in rows:
        tier = row[index["icp_tier"]]
        disq = row[index["icp_disqualified_by"]]
        route = handbook.routes.get(route_key(tier, disq, row[index["icp_status"]]))
        values: dict[str, Any] = {
            "route_owner": route.owner if route else None,
            "route_response": route.response if route else None,
        }
        cells = (values[p.source] if p.source in values else row[index[p.source]] for p in props)
        out_rows.append([row[0], *(_one_line(p, v) for p, v in zip(props, cells, strict=True))])
    written = import_path(output)
    if preset_name == "hubspot":
        target = output.with_name(output.stem + ".hubspot-properties.json")
        texts = {target: json.dumps(hubspot_properties(props), indent=2) + "\n"}
    else:
        target = output.with_name(output.stem + ".salesforce-fields")
        texts = {target / rel: text for rel, text in salesforce_fields(props).items()}
    # the import and its definitions together: none is replaced unless all are written
    with atomic_paths([written, *texts]) as (tmp, *tmps):
        write_rows_to(tmp, written.suffix, header, out_rows)
        for path, text in zip(tmps, texts.values(), strict=True):
            path.write_text(text, encoding="utf-8")
    return [written, target]
