"""The Schemas page's content: each kind's keys with their descriptions, read from the JSON
Schemas themselves (the same text VS Code shows on hover)."""

from __future__ import annotations

import json
from typing import Any

from ..kinds import KINDS


def _json_words(values: Any) -> Any:
    """Schema values as the YAML a person writes them: null, true, false (never Python's
    None, True, False: the Schemas page listed tiers as "A, B, C, D, None")."""
    if values is None:
        return None
    return [v if isinstance(v, str) else json.dumps(v) for v in values]


def _schema_rows(kind: str) -> list[dict[str, Any]]:
    from ..loading.schema import subschema

    rows: list[dict[str, Any]] = []

    def walk(parts: list[str | int], depth: int) -> None:
        sub = subschema(kind, parts)
        props = sub.get("properties", {})
        if not props and isinstance(sub.get("items"), dict):
            walk([*parts, 0], depth)
            return
        for prop in props:
            child = subschema(kind, [*parts, prop])
            desc = props[prop].get("description") or child.get("description", "")
            rows.append(
                {
                    "path": ".".join(str(p) for p in [*parts, prop] if p != 0),
                    "depth": depth,
                    "type": child.get("type", "enum" if "enum" in child else ""),
                    "enum": _json_words(child.get("enum")),
                    "required": prop in sub.get("required", []),
                    "description": desc,
                }
            )
            if depth < 3:
                walk([*parts, prop], depth + 1)

    walk([], 0)
    return rows


def schema_docs() -> list[dict[str, Any]]:
    """Each kind's properties with their descriptions, from the JSON Schemas themselves."""
    from ..loading.schema import load_schema

    docs = []
    for kind, name in KINDS.items():
        schema = load_schema(name)
        docs.append(
            {
                "kind": kind,
                "title": schema.get("title", kind),
                "description": schema.get("description", ""),
                "file": name,
                "rows": _schema_rows(kind),
            }
        )
    return docs
