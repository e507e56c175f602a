"""The Schemas page's content: each kind's keys with their descriptions, read from the JSON
Schemas themselves (the same text VS Code shows on hover)."""

from __future__ import annotations

from typing import Any

from ..kinds import KINDS


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
                    "enum": child.get("enum"),
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
