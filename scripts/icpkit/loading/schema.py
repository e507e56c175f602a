"""JSON Schema validation of loaded documents, with messages in the user's words.

The schemas are files in `icpkit/schemas/` (draft 2020-12). Every error is
placed at the file:line:col of the offending key or value, says what was found
and what was expected ("list", "text", not "array", "str"), and suggests the
nearest valid name for a misspelt key or value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource

from ..kinds import KINDS, SCHEMA_FILES
from ..problems import Problem
from ..wording import found, shorten, suggest
from ..yamlvalues import YamlDate
from .yamlio import Document

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


def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("icpkit.schemas").joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


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


_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, validators={"type": _type_allowing_dates}
)


@cache
def validator(kind: str) -> Any:
    return _Validator(load_schema(KINDS[kind]), registry=registry(), format_checker=FormatChecker())


def subschema(kind: str, parts: Sequence[str | int]) -> dict[str, Any]:
    """The schema that describes the value at `parts` (following $refs), for messages."""
    schema = load_schema(KINDS[kind])
    resolver = registry().resolver(base_uri=BASE_URI + KINDS[kind])
    for part in parts:
        while "$ref" in schema:
            resolved = resolver.lookup(schema["$ref"])
            resolver, schema = resolved.resolver, resolved.contents
        if isinstance(part, int):
            schema = schema.get("items", {})
        elif part in schema.get("properties", {}):
            schema = schema["properties"][part]
        else:
            schema = schema.get("additionalProperties") or {}
        if not isinstance(schema, dict):
            return {}
    while "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        resolver, schema = resolved.resolver, resolved.contents
    return schema


def validate(doc: Document, kind: str) -> list[Problem]:
    """All schema problems of one document of a known kind."""
    problems = [_problem(doc, kind, e) for e in _leaf_errors(validator(kind).iter_errors(doc.data))]
    # a misspelt key also makes its right spelling 'missing': say it once, at the misspelling
    suggested = {
        (p.json_path.rsplit(".", 1)[0], p.message.rsplit("'", 2)[-2])
        for p in problems
        if p.rule == "schema-additionalProperties" and "did you mean" in p.message
    }
    return [
        p
        for p in problems
        if not (p.rule == "schema-required" and (p.json_path, _missing(p.message)) in suggested)
    ]


def _missing(message: str) -> str:
    return message.split("'")[1] if "'" in message else ""


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            # an error under alternatives: report the alternative that got furthest
            from jsonschema.exceptions import best_match

            deepest = best_match(error.context)
            if deepest is not None and deepest.validator not in ("type", "const"):
                yield deepest
                continue
        yield error


@dataclass(frozen=True)
class _Error:
    """One schema error, as the message builders below read it."""

    kind: str
    parts: list[str | int]
    instance: Any
    schema: dict[str, Any]
    validator: str
    message: str


#: a message builder returns (message, where the problem points, whether at the key)
_Said = tuple[str, list[str | int], bool]


def _said(e: _Error, message: str, *, key: bool = False) -> _Said:
    return message, e.parts, key


def _unknown_key(e: _Error) -> _Said:
    # the schema that refused the key lists what is allowed (under if/then/else too)
    allowed = list(e.schema.get("properties") or subschema(e.kind, e.parts).get("properties", {}))
    instance = e.instance
    extra = [k for k in instance if k not in allowed] if isinstance(instance, dict) else []
    name = extra[0] if extra else "?"
    expected = ", ".join(allowed) if len(allowed) <= 8 else ", ".join(allowed[:8]) + ", …"
    message = f"found the unknown key '{shorten(name)}'; expected one of {expected}"
    return message + suggest(name, allowed), [*e.parts, name], True


def _required(e: _Error) -> _Said:
    missing = e.message.split("'")[1] if "'" in e.message else "?"
    where = f"'{e.parts[-1]}'" if e.parts else "the document"
    return _said(
        e, f"found no '{missing}' in {where}; expected it (it is required)", key=bool(e.parts)
    )


def _type(e: _Error) -> _Said:
    wanted = e.schema.get("type")
    names = [str(t) for t in (wanted if isinstance(wanted, list) else [wanted])]
    words = [TYPE_WORDS.get(t, t) for t in names]
    message = f"found {found(e.instance)}; expected {' or '.join(words)}"
    if isinstance(e.instance, YamlDate):
        message += " (put the date in quotes if you mean text)"
    return _said(e, message)


def _enum(e: _Error) -> _Said:
    options = [str(o) for o in e.schema.get("enum", [])]
    message = f"found {found(e.instance)}; expected one of {', '.join(options)}"
    return _said(e, message + suggest(str(e.instance), options))


def _const(e: _Error) -> _Said:
    const = e.schema.get("const")
    message = f"found {found(e.instance)}; expected '{const}'"
    if isinstance(const, str):
        message += suggest(str(e.instance), [const])
    return _said(e, message)


def _described(e: _Error) -> _Said:
    desc = e.schema.get("description") or subschema(e.kind, e.parts).get("description", "")
    if e.validator == "format":
        desc = "a date as YYYY-MM-DD" if e.schema.get("format") == "date" else desc
    expected = desc[:1].lower() + desc[1:]
    if e.validator == "propertyNames":
        bad = e.instance if isinstance(e.instance, str) else "?"
        message = f"found the name '{shorten(bad)}'; expected {expected}"
    else:
        message = f"found {found(e.instance)}; expected {expected}"
    return _said(e, message.rstrip("."))


_MIN_UNITS = {"minItems": "item", "minLength": "character", "minProperties": "entry"}


def _too_few(e: _Error) -> _Said:
    n = e.schema.get(e.validator)
    unit = _MIN_UNITS[e.validator]
    shown = found(e.instance) if e.instance else "an empty value"
    return _said(e, f"found {shown}; expected at least {n} {unit}{'s' if n != 1 else ''}")


def _too_many(e: _Error) -> _Said:
    size = len(e.instance) if isinstance(e.instance, list | str) else "?"
    unit = "items" if e.validator == "maxItems" else "characters"
    return _said(e, f"found {size} {unit}; expected at most {e.schema.get(e.validator)}")


def _bound(e: _Error) -> _Said:
    bound = "at least" if e.validator == "minimum" else "at most"
    return _said(e, f"found {found(e.instance)}; expected {bound} {e.schema.get(e.validator)}")


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
        e, f"found {found(e.instance)} with a value twice; expected each value once"
    ),
    "not": lambda e: _said(e, f"found {found(e.instance)}; expected a value other than that"),
}


def _other(e: _Error) -> _Said:
    return _said(e, f"found {found(e.instance)}; expected {shorten(e.message, 120)}")


def _problem(doc: Document, kind: str, error: ValidationError) -> Problem:
    schema = error.schema if isinstance(error.schema, dict) else {}
    v = str(error.validator)
    e = _Error(kind, list(error.absolute_path), error.instance, schema, v, str(error.message))
    message, parts, key = _MESSAGES.get(v, _other)(e)
    return doc.problem_at(parts, message, f"schema-{v}", key=key)
