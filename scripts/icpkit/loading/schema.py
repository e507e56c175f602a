"""JSON Schema validation of loaded documents, with messages in the user's words.

The schemas are files in `icpkit/schemas/` (draft 2020-12). Every error is
placed at the file:line:col of the offending key or value, says what was found
and what was expected ("list", "text", not "array", "str"), and suggests the
nearest valid name for a misspelt key or value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource

from ..kinds import KINDS, SCHEMA_FILES
from ..problems import Problem
from ..sql.numbers import SUFFIXES
from ..textsafety import (
    LOOKALIKE_SPACE,
    describe,
    escape,
    typographic_inner,
    typographic_quotes,
    unsafe_characters,
    without_unsafe,
)
from ..wording import found, shorten, suggest
from ..yamlvalues import (
    CURRENCY_SIGN,
    GROUPED_NUMBER,
    YamlDate,
    digits_meant,
    number_marks,
    number_meant,
    plain_number_advice,
    quoted,
    quoted_advice,
)
from . import indentation, spacing
from .document import Document, compose_one, number_form
from .indentation import shown

BASE_URI = "https://icp-as-code.dev/schemas/"

TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def _raw_schema(name: str) -> dict[str, Any]:
    text = resources.files("icpkit.schemas").joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_schema(name: str) -> dict[str, Any]:
    """A schema file, with the base URI its sibling references resolve against in this
    package's registry (the files carry none, so that tools resolve them next to the file)."""
    return {"$id": BASE_URI + name, **_raw_schema(name)}


COMMON = "common.schema.json"


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMMON + "#"):
            out["$ref"] = ref[len(COMMON) :]
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def bundled(kind: str) -> dict[str, Any]:
    """The schema of `kind` as one self-contained document (the shared definitions copied
    into its `$defs`), for editors, pre-commit hooks and check-jsonschema: nothing to fetch.
    Raises ValueError if a definition name is used by both."""
    schema = _rewrite(_raw_schema(KINDS[kind]))
    common = _raw_schema(COMMON)["$defs"]
    own = schema.setdefault("$defs", {})
    clash = sorted(set(own) & set(common))
    if clash:
        raise ValueError(f"{KINDS[kind]} and {COMMON} both define {', '.join(clash)}")
    schema["$defs"] = {**own, **common}
    return dict(schema)


def bundled_text(kind: str) -> str:
    """`bundled(kind)` as the JSON text kept in schemas/bundled/ (checked for drift)."""
    return json.dumps(bundled(kind), indent=2, ensure_ascii=False) + "\n"


@cache
def registry() -> Registry[Any]:
    return Registry().with_resources(
        (BASE_URI + name, Resource.from_contents(load_schema(name))) for name in SCHEMA_FILES
    )


def _type_allowing_dates(validator: Any, types: Any, instance: Any, schema: Any) -> Any:
    # an unquoted date is text to editors (YAML 1.2): accept it where a date is asked for,
    # and name it as a date everywhere else
    if isinstance(instance, YamlDate) and schema.get("format") == "date":
        return
    if isinstance(instance, YamlDate):
        yield ValidationError(f"{instance!r} is a date")
        return
    yield from Draft202012Validator.VALIDATORS["type"](validator, types, instance, schema)


@cache
def _strict(pattern: str) -> re.Pattern[str]:
    """`pattern` as JSON Schema reads it (ECMA-262): a final `$` is the end of the text.
    Python's `$` also matches before a final line break, so "@mira\\n" passed the owner
    pattern and "Title\\n" the one-line pattern (and broke CODEOWNERS)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + "\\Z"
    return re.compile(pattern)


def _pattern_to_the_end(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    if isinstance(instance, str) and not _strict(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    validators={"type": _type_allowing_dates, "pattern": _pattern_to_the_end},
)


@cache
def validator(kind: str) -> Any:
    return _Validator(load_schema(KINDS[kind]), registry=registry(), format_checker=FormatChecker())


_NO_VALUE = object()


def subschema(kind: str, parts: Sequence[str | int], data: Any = _NO_VALUE) -> dict[str, Any]:
    """The schema that describes the value at `parts` (following $refs), for messages.

    With `data` (the whole document), an `if/then/else` schema is resolved by the value
    it meets there, as a oneOf is by the value's type; without it, such a schema is
    returned as it is (it has no `properties` of its own)."""
    schema = load_schema(KINDS[kind])
    resolver = registry().resolver(base_uri=BASE_URI + KINDS[kind])
    value = data
    for part in parts:
        resolver, schema = _resolved(kind, resolver, schema, value)
        if isinstance(part, int):
            schema = schema.get("items", {})
        elif part in schema.get("properties", {}):
            schema = schema["properties"][part]
        else:
            schema = schema.get("additionalProperties") or {}
        if not isinstance(schema, dict):
            return {}
        value = _child(value, part)
    return _resolved(kind, resolver, schema, value)[1]


def _child(value: Any, part: str | int) -> Any:
    if isinstance(part, int) and isinstance(value, list) and 0 <= part < len(value):
        return value[part]
    if isinstance(part, str) and isinstance(value, dict) and part in value:
        return value[part]
    return _NO_VALUE


def _resolved(
    kind: str, resolver: Any, schema: dict[str, Any], value: Any
) -> tuple[Any, dict[str, Any]]:
    """Follow $refs, and `if/then/else` by the value (when there is one), to a plain schema."""
    while isinstance(schema, dict):
        if "$ref" in schema:
            resolved = resolver.lookup(schema["$ref"])
            resolver, schema = resolved.resolver, resolved.contents
        elif "if" in schema and "properties" not in schema and value is not _NO_VALUE:
            fits = validator(kind).evolve(schema=schema["if"]).is_valid(value)
            schema = schema.get("then" if fits else "else") or {}
        else:
            break
    return resolver, schema if isinstance(schema, dict) else {}


def validate(doc: Document, kind: str) -> list[Problem]:
    """All schema problems of one document of a known kind, those of a line indented
    wrongly said as one; in a valid one, a key pushed into the text above it."""
    problems = checked(doc, kind)
    if problems:
        problems = spacing.as_one(doc.path, doc.text, problems, reread)
        # a list's only item (or its first) with its dash deleted reads as a mapping
        lists = [p.line - 1 for p in problems if p.rule == "schema-type" and _A_LIST in p.message]
        if lists:
            problems = spacing.as_one(doc.path, doc.text, problems, reread, lists, spacing.dashless)
        return _misindented(doc, kind, problems)
    swallowed = indentation.swallowed(doc.path, doc.text, key_names(kind), reread)
    return [swallowed] if swallowed else []


_A_LIST = "found a mapping; expected a list"


@cache
def key_names(kind: str) -> frozenset[str]:
    """Every key the schema of `kind` names, at any depth."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            names.update(properties if isinstance(properties, dict) else ())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundled(kind))
    return frozenset(names)


def checked(doc: Document, kind: str) -> list[Problem]:
    """All schema problems of one document of a known kind, as the schema finds them."""
    problems = [
        problem
        for error in _leaf_errors(validator(kind).iter_errors(doc.data))
        for problem in _problems(doc, kind, error)
    ]
    # a value the YAML layer refused (.nan, a bad date) is None here: it has its message
    refused = {p.json_path for p in doc.problems}
    problems = [p for p in problems if p.json_path not in refused]
    # a misspelt key also makes its right spelling 'missing': say it once, at the misspelling
    suggested = {
        (p.json_path.rsplit(".", 1)[0], p.message.rsplit("'", 2)[-2])
        for p in problems
        if p.rule == "schema-additionalProperties" and "did you mean" in p.message
    }
    problems = [
        p
        for p in problems
        if not (p.rule == "schema-required" and (p.json_path, _missing(p.message)) in suggested)
    ]
    problems = _one_per_value(problems)
    said = {p.json_path for p in problems} | refused
    return problems + [p for p in odd_numbers(doc) if p.json_path not in said]


def odd_numbers(doc: Document) -> list[Problem]:
    """A number written in a form a person does not mean or YAML readers disagree on
    (`0x10`, `010`, `1_000`, `1e3`, `+5`, `.5`: `document.number_form`), where the schema
    takes a number (`status: 010` is refused as a status, not for its spelling). A
    condition's operands and a company's values are left to the readers that know their
    field's type (`conditions.Builder.scalar`, `engine.values.typed_company`)."""
    out: list[Problem] = []
    stack: list[tuple[list[str | int], Any]] = [([], doc.data)]
    while stack:
        parts, value = stack.pop()
        if isinstance(value, dict):
            stack += [([*parts, k], v) for k, v in value.items() if k not in _TYPED_BY_FIELD]
        elif isinstance(value, list):
            stack += [([*parts, i], v) for i, v in enumerate(value)]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            problem = number_form(doc, parts, value)
            out += [problem] if problem is not None else []
    return sorted(out)


#: keys whose values are read by a field's type: a condition, a company's values
_TYPED_BY_FIELD = frozenset({"when", "company"})


#: when one value breaks several rules, the one that says most about what to write instead
_PREFERRED = ("schema-enum", "schema-const", "schema-pattern", "schema-format", "schema-type")


def _one_per_value(problems: list[Problem]) -> list[Problem]:
    """One problem per value (`status: 010` is not one of the values and not text: say the
    first); unknown and missing keys are each their own."""
    by_value: dict[str, list[Problem]] = {}
    for p in problems:
        if p.rule not in ("schema-additionalProperties", "schema-required"):
            by_value.setdefault(p.json_path, []).append(p)
    dropped: set[Problem] = set()
    for same in by_value.values():
        if len(same) > 1:
            rank = {rule: i for i, rule in enumerate(_PREFERRED)}
            keep = min(same, key=lambda p: rank.get(p.rule, len(rank)))
            dropped |= {p for p in same if p is not keep}
    return [p for p in problems if p not in dropped]


#: what a key moved out of its mapping leaves: a key where it does not belong, a key
#: missing where it does, an empty value
_MOVED = frozenset({"schema-additionalProperties", "schema-required", "schema-type"})


def _misindented(doc: Document, kind: str, problems: list[Problem]) -> list[Problem]:
    """A key moved out of the mapping it belongs to (`cadence:` left of the keys of
    `review:`, `pains:` under `persona:`) is unknown where it stands, missing where it
    belongs, and may leave a mapping empty: said as one problem, at its line."""
    missing = {_missing(p.message) for p in problems if p.rule == "schema-required"}
    names = key_names(kind)
    return indentation.as_one(doc.path, doc.text, problems, reread, _MOVED, missing, names)


def _missing(message: str) -> str:
    return message.split("'")[1] if "'" in message else ""


def _branch_for_type(error: ValidationError) -> int | None:
    """The one alternative of a oneOf/anyOf meant for the value's type (a list → the list
    branch, text → the named-set branch), or None when the type does not decide."""
    branches = error.schema.get(str(error.validator), []) if isinstance(error.schema, dict) else []
    checker = Draft202012Validator.TYPE_CHECKER
    fits = []
    for i, branch in enumerate(branches):
        if not isinstance(branch, dict):
            continue
        wanted = branch.get("type")
        if wanted is None and "const" in branch:
            wanted = "string" if isinstance(branch["const"], str) else None
        if wanted is None:
            continue
        types = wanted if isinstance(wanted, list) else [wanted]
        if any(checker.is_type(error.instance, t) for t in types):
            fits.append(i)
    return fits[0] if len(fits) == 1 else None


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            branch = _branch_for_type(error)
            if branch is not None:
                chosen = [e for e in error.context if e.relative_schema_path[0] == branch]
                if chosen:
                    yield from _leaf_errors(iter(chosen))
                    continue
            # an error under alternatives: report the alternative that got furthest
            from jsonschema.exceptions import best_match

            deepest = best_match(error.context)
            if deepest is not None and deepest.validator not in ("type", "const"):
                yield deepest
                continue
        yield error


def _problems(doc: Document, kind: str, error: ValidationError) -> list[Problem]:
    """One problem per error; one per unknown key, each at its own line."""
    if error.validator != "additionalProperties":
        return [_problem(doc, kind, error)]
    parts: list[str | int] = list(error.absolute_path)
    # the schema that refused the key lists what is allowed (under if/then/else too)
    refusing = error.schema if isinstance(error.schema, dict) else {}
    allowed = list(
        refusing.get("properties") or subschema(kind, parts, doc.data).get("properties", {})
    )
    instance = error.instance
    extra = [k for k in instance if k not in allowed] if isinstance(instance, dict) else ["?"]
    return [
        doc.problem_at(
            [*parts, name],
            _unknown(name, allowed),
            "schema-additionalProperties",
            key=True,
        )
        for name in extra
    ]


@dataclass(frozen=True)
class _Error:
    """One schema error, as the message builders below read it."""

    kind: str
    parts: list[str | int]
    instance: Any
    schema: dict[str, Any]
    validator: str
    message: str
    #: the whole document, to resolve if/then/else schemas by the value
    data: Any = None
    #: the value as written in the file (a scalar's text), when known
    written: str | None = None


#: a message builder returns (message, where the problem points, whether at the key)
_Said = tuple[str, list[str | int], bool]


def _said(e: _Error, message: str, *, key: bool = False) -> _Said:
    return message, e.parts, key


def _unknown_key(e: _Error) -> _Said:
    # the schema that refused the key lists what is allowed (under if/then/else too)
    allowed = list(
        e.schema.get("properties") or subschema(e.kind, e.parts, e.data).get("properties", {})
    )
    instance = e.instance
    extra = [k for k in instance if k not in allowed] if isinstance(instance, dict) else []
    name = extra[0] if extra else "?"
    return _unknown(name, allowed), [*e.parts, name], True


def _unknown(name: str, allowed: list[str]) -> str:
    """What an unknown key is said as: the keys allowed there and the closest one; a known
    key but for a character that looks like a space (`\\xa0summary:` pasted: the spacing
    fix cannot show it, as a space there would move the key), that character."""
    meant = LOOKALIKE_SPACE.sub(" ", name).strip()
    lookalike = LOOKALIKE_SPACE.search(name)
    if lookalike is not None and meant in allowed:
        at = lookalike.start()
        where = "at its start" if at == 0 else f"at character {at + 1}"
        written = LOOKALIKE_SPACE.sub(lambda m: escape(m.group()), name)
        return (
            f"found the key '{shorten(written)}' with a {describe(lookalike.group())} {where}, "
            "which looks like a space and is not one to YAML (pasted text often holds one); "
            f"expected the key without it (did you mean '{meant}'?)"
        )
    expected = ", ".join(allowed) if len(allowed) <= 8 else ", ".join(allowed[:8]) + ", …"
    return f"found the unknown key '{shorten(name)}'; expected one of {expected}" + suggest(
        name, allowed
    )


#: a list's key -> what one of its items is called in a message
_ITEM_WORDS = {
    "criteria": "criterion",
    "requirements": "requirement",
    "disqualifiers": "disqualifier",
    "warning_signs": "warning sign",
    "gates": "gate",
    "flags": "flag",
    "segments": "segment",
    "regions": "region",
    "roles": "role",
    "reasons": "reason",
    "by_size": "size band",
    "positives": "positive",
    "negatives": "negative",
}

#: the keys that name a list's item, the most telling first
_ITEM_NAMES = ("id", "group", "role", "name", "label", "text", "employees")


def _place(parts: Sequence[str | int], instance: Any) -> str:
    """Where a missing key is missing, in a reader's words: 'the document', 'contact', and
    for an item of a list by what names it, not by its position ('the criterion
    'later-stage'', 'the role 'CFO'', else 'item 3 of 'criteria'')."""
    if not parts:
        return "the document"
    last = parts[-1]
    if not isinstance(last, int):
        return f"'{shorten(last)}'"
    container = parts[-2] if len(parts) > 1 else None
    word = _ITEM_WORDS.get(str(container), "item") if isinstance(container, str) else "item"
    if isinstance(instance, dict):
        for key in _ITEM_NAMES:
            value = instance.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                named = " " if key in ("id", "group", word) else f" with {key} "
                return f"the {word}{named}'{shorten(value)}'"
    if word != "item":
        return f"the {word} at position {last + 1}"
    of = f" of '{shorten(container)}'" if isinstance(container, str) else ""
    return f"the item at position {last + 1}{of}"


def _required(e: _Error) -> _Said:
    missing = e.message.split("'")[1] if "'" in e.message else "?"
    where = _place(e.parts, e.instance)
    return _said(
        e, f"found no '{missing}' in {where}; expected it (it is required)", key=bool(e.parts)
    )


def _type(e: _Error) -> _Said:
    wanted = e.schema.get("type")
    names = [str(t) for t in (wanted if isinstance(wanted, list) else [wanted])]
    words = [TYPE_WORDS.get(t, t) for t in names]
    message = f"found {found(e.instance, e.written)}; expected {' or '.join(words)}"
    if isinstance(e.instance, YamlDate):
        message += " (put the date in quotes if you mean text)"
    elif isinstance(e.instance, str) and {"integer", "number"} & set(names):
        # `points: 2,000`, `points: 10 pts`: the number meant, written alone
        meant = number_meant(e.instance, SUFFIXES, whole="number" not in names)
        if re.search(CURRENCY_SIGN, e.instance):
            meant = None  # points and counts are no money
        if meant is not None:
            message += f"; {plain_number_advice(meant, of_a_field=False)}"
    elif names == ["array"] and (listed := _list_meant(e)):
        message += f"; write {listed}"
    return _said(e, message)


#: a range written as text: two values and a dash or word between them (`50-200`, `50 to 200`)
_RANGE = re.compile(r"\s*(\S+?)\s*(?:-|–|—|\.\.|\bto\b)\s*(\S+)\s*")
#: an item a YAML flow list holds as itself, unquoted
_PLAIN_ITEM = re.compile(r"[A-Za-z0-9_][\w .&/+*-]*")


def _list_meant(e: _Error) -> str:
    """The list a single value meant where a list is expected, as YAML writes it: `saas` ->
    `[saas]`, `saas, software` -> `[saas, software]` (a sentence stays one item), and for
    `between` a range written as text, `50-200` -> `[50, 200]` (numbers read as
    `number_meant` reads them); '' when there is no one obvious list (a range that is no
    two numbers, a mapping)."""
    value = e.instance
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    if e.parts and e.parts[-1] == "between":
        m = _RANGE.fullmatch(str(value))
        ends = [number_meant(end, SUFFIXES) for end in m.groups()] if m else [None]
        return f"[{ends[0]}, {ends[1]}]" if all(ends) and len(ends) == 2 else ""
    if not isinstance(value, str):
        return f"[{value}]"
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        return ""
    if any(" " in item for item in items):
        items = [value.strip()]  # a sentence: one item (`pains: Slow, manual reports`)
    shown_items = [i if _PLAIN_ITEM.fullmatch(i) else quoted(i) for i in items]
    return shorten(f"[{', '.join(shown_items)}]", 80)


def _yaml(value: object) -> str:
    """A schema's constant as YAML writes it (true, false, null), not as Python does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _enum(e: _Error) -> _Said:
    options = [_yaml(o) for o in e.schema.get("enum", [])]
    message = f"found {found(e.instance, e.written)}; expected one of {', '.join(options)}"
    return _said(e, message + suggest(str(e.instance), options))


def _const(e: _Error) -> _Said:
    const = e.schema.get("const")
    shown = f"'{const}'" if isinstance(const, str) else _yaml(const)
    message = f"found {found(e.instance, e.written)}; expected {shown}"
    if isinstance(const, str):
        message += suggest(str(e.instance), [const])
    elif const is True and e.instance is not True and e.parts and e.parts[-1] in _OPPOSITE:
        message += f" ({_OPPOSITE[str(e.parts[-1])]})"
    return _said(e, message)


#: a test operator that takes only `true`, and what to write for its opposite
_OPPOSITE = {
    "not_empty": "for an empty set, write not: {field: ..., not_empty: true}",
    "present": "for a field that must be unknown, write missing: true",
    "missing": "for a field that must be known, write present: true",
}


def _described(e: _Error) -> _Said:
    desc = e.schema.get("description") or subschema(e.kind, e.parts, e.data).get("description", "")
    if e.validator == "format":
        desc = "a date as YYYY-MM-DD" if e.schema.get("format") == "date" else desc
    expected = desc[:1].lower() + desc[1:]
    if e.validator == "propertyNames":
        bad = e.instance if isinstance(e.instance, str) else "?"
        message = f"found the name '{shorten(bad)}'; expected {expected}"
    else:
        message = f"found {found(e.instance, e.written)}; expected {expected}"
    message = message.rstrip(".")
    if e.validator == "pattern" and isinstance(e.instance, str):
        message += _form_meant(e.instance, str(e.schema.get("pattern", "")))
    return _said(e, message)


def _form_meant(value: str, pattern: str) -> str:
    """' (did you mean …?)' for the one obvious way `value` was meant in the form `pattern`
    asks for: in capitals (`no` -> `NO`), in lowercase with dashes (`Fast Growth` ->
    `fast-growth`), with the @ of a GitHub name (`corpus` -> `@corpus`); or ''."""
    stripped = value.strip()
    dashed = re.sub(r" +", "-", stripped.lower())
    for meant in (stripped, stripped.upper(), stripped.lower(), dashed, "@" + stripped):
        if meant != value and _strict(pattern).search(meant):
            return f" (did you mean '{shorten(meant)}'?)"
    return ""


_MIN_UNITS = {"minItems": "item", "minLength": "character", "minProperties": "entry"}


def _too_few(e: _Error) -> _Said:
    n = e.schema.get(e.validator)
    unit = _MIN_UNITS[e.validator]
    shown = found(e.instance, e.written) if e.instance else "an empty value"
    return _said(e, f"found {shown}; expected at least {n} {unit}{'s' if n != 1 else ''}")


def _too_many(e: _Error) -> _Said:
    size = len(e.instance) if isinstance(e.instance, list | str) else "?"
    unit = "items" if e.validator == "maxItems" else "characters"
    return _said(e, f"found {size} {unit}; expected at most {e.schema.get(e.validator)}")


def _not(e: _Error) -> _Said:
    """A value the schema keeps out (`not`): the values kept out, and what the place holds
    (a gate's status 'scored': the verdict's own statuses are not a gate's)."""
    held = e.schema.get("not")
    kept: dict[str, Any] = held if isinstance(held, dict) else {}
    values = kept.get("enum") or ([kept["const"]] if "const" in kept else [])
    other = " or ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values)
    desc = subschema(e.kind, e.parts, e.data).get("description", "")
    why = f", {desc[:1].lower() + desc[1:].rstrip('.')}" if desc else ""
    return _said(
        e,
        f"found {found(e.instance, e.written)}; expected a value other than {other or 'that'}{why}",
    )


def _bound(e: _Error) -> _Said:
    bound = "at least" if e.validator == "minimum" else "at most"
    return _said(
        e, f"found {found(e.instance, e.written)}; expected {bound} {e.schema.get(e.validator)}"
    )


#: schema validator -> how its error reads; any other validator gets the library's message
_MESSAGES: dict[str, Callable[[_Error], _Said]] = {
    "additionalProperties": _unknown_key,
    "required": _required,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _described,
    "format": _described,
    "propertyNames": _described,
    "minItems": _too_few,
    "minLength": _too_few,
    "minProperties": _too_few,
    "maxItems": _too_many,
    "maxLength": _too_many,
    "minimum": _bound,
    "maximum": _bound,
    "uniqueItems": lambda e: _said(
        e, f"found {found(e.instance, e.written)} with a value twice; expected each value once"
    ),
    "not": lambda e: _not(e),
}


def _other(e: _Error) -> _Said:
    return _said(e, f"found {found(e.instance, e.written)}; expected {shorten(e.message, 120)}")


def _problem(doc: Document, kind: str, error: ValidationError) -> Problem:
    schema = error.schema if isinstance(error.schema, dict) else {}
    v = str(error.validator)
    parts = list(error.absolute_path)
    e = _Error(
        kind, parts, error.instance, schema, v, str(error.message), doc.data, doc.written(parts)
    )
    message, parts, key = _MESSAGES.get(v, _other)(e)
    if v == "type" and (colon := _colon_in_text(doc, parts, error.instance, schema)):
        message = colon
    if v == "maxItems" and (groups := _digit_groups_in_list(doc, parts, schema)):
        message = groups
    if f"schema-{v}" in _PREFERRED and isinstance(error.instance, str):
        hidden = list(unsafe_characters(error.instance))
        if hidden:
            # an invisible character pasted inside a code ('act\u200bive'): that one mistake
            index, char, kind = hidden[0]
            clean = without_unsafe(error.instance)
            message = (
                f"found {kind} in '{error.instance}': {describe(char)} at character "
                f"{index + 1}; expected '{clean}' without it (it can hide or reorder what "
                "people read)"
            )
            return doc.problem_at(parts, message, "unsafe-character", key=key)
    if f"schema-{v}" in _PREFERRED and (inner := typographic_inner(error.instance)) is not None:
        message = typographic_quotes(str(error.instance), quoted(inner))
        return doc.problem_at(parts, message, "yaml-typographic-quotes", key=key)
    return doc.problem_at(parts, message, f"schema-{v}", key=key)


def _digit_groups_in_list(doc: Document, parts: list[str | int], schema: Any) -> str:
    """`between: [100, 1,000]`: inside [ ] a comma ends a value, so a number written with
    thousands separators is several values. The advice with the list as meant, when joining
    the groups leaves no more values than the list may hold; '' otherwise."""
    text = doc.source(parts)
    limit = schema.get("maxItems") if isinstance(schema, dict) else None
    if not text or not text.startswith("[") or not isinstance(limit, int):
        return ""
    grouped = [m.group(0) for m in GROUPED_NUMBER.finditer(text)]
    if not grouped:
        return ""
    meant = GROUPED_NUMBER.sub(lambda m: digits_meant(m.group(0)), text)
    values = [v for v in meant.strip("[]").split(",") if v.strip()]
    if len(values) > limit:
        return ""
    return (
        f"found {grouped[0].strip()} inside [ ], where a comma ends a value (so {shown(text)} "
        f"reads as {len(values) + sum(g.count(',') for g in grouped)} values); expected the "
        f"numbers without separators{number_marks(''.join(grouped))}: {' '.join(meant.split())}"
    )


def _colon_in_text(doc: Document, parts: list[str | int], instance: Any, schema: Any) -> str:
    """Where text is expected, a mapping of one key read from one line because of a ': '
    in the text (`- Offer a trial sprint: two weeks free`): the advice to quote it, as
    the same mistake after a key gets it; '' for any other mapping."""
    wanted = schema.get("type") if isinstance(schema, dict) else None
    types = wanted if isinstance(wanted, list) else [wanted]
    if "string" not in types or "object" in types or not isinstance(instance, dict):
        return ""
    if len(instance) != 1 or not all(
        isinstance(v, str | int | float | bool) for v in instance.values()
    ):
        return ""
    line, column = doc.position(parts)
    lines = doc.text.split("\n")
    text = lines[line - 1][column - 1 :] if 0 < line <= len(lines) else ""
    comment = text.find(" #")
    value = (text[:comment] if comment >= 0 else text).rstrip()
    if ": " not in value:
        return ""
    return (
        f"found a colon followed by a space inside the value {shown(value)}, which YAML reads "
        f"as 'key: value'; expected text: the value in quotes ({quoted_advice(value)})"
    )


if __name__ == "__main__":  # python -m icpkit.loading.schema --bundle: rewrite schemas/bundled/
    import sys
    from pathlib import Path

    if sys.argv[1:] != ["--bundle"]:
        raise SystemExit("usage: python -m icpkit.loading.schema --bundle")
    folder = Path(__file__).resolve().parent.parent / "schemas" / "bundled"
    for name in KINDS:
        (folder / KINDS[name]).write_text(bundled_text(name), encoding="utf-8")


def reread(text: str) -> list[Problem] | None:
    """The problems of `text` read as one whole document (its YAML, then the schema of its
    kind), or None when it is not one YAML document: how `indentation` judges a line moved
    to another column. Quiet and bounded by the file it was read from."""
    doc = compose_one(text)
    if doc is None:
        return None
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if kind not in KINDS or not doc.complete:
        return doc.problems
    return [*doc.problems, *checked(doc, str(kind))]
