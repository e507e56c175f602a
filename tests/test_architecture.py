"""The shape of the package: the wings keep their heavy libraries, the operator table is the
one place an operator is described, and the JSON Schema offers exactly its operators."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from icpkit.engine.operators import LOGICAL, OPERATORS

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "icpkit"
SITE_SRC = Path(__file__).resolve().parents[1] / "site_src"

#: a library -> the folders (relative to the package) allowed to import it
WINGS = {
    "duckdb": ("sql",),
    "jinja2": ("site",),
    "markupsafe": ("site",),
    "mkdocs": ("site",),
    "ruamel": ("loading",),
}


def _imported(path: Path) -> set[str]:
    """The top-level names of every module `path` imports (at any depth of the file)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("library", sorted(WINGS))
def test_each_library_is_imported_only_in_its_wing(library: str) -> None:
    allowed = WINGS[library]
    outside = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if library in _imported(path) and path.relative_to(PACKAGE).parts[0] not in allowed
    ]
    assert outside == [], f"{library} is imported outside icpkit/{'|'.join(allowed)}"


def test_the_boundary_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    import duckdb.typing\n    from jinja2 import Environment\n")
    assert _imported(module) == {"duckdb", "jinja2"}


def test_the_site_hooks_reach_the_package_only_through_the_site_wing() -> None:
    for path in SITE_SRC.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("icpkit."):
                assert (node.module or "").startswith("icpkit.site"), (path, node.module)


# --- the operator table is the one description of an operator ---------------------------------

#: the JSON Schema shape each operand kind of the table must have
_OPERAND_SHAPES = {
    "pair": lambda s: s.get("type") == "array" and s.get("minItems") == s.get("maxItems") == 2,
    "values": lambda s: s.get("type") == "array" and s.get("minItems") == 1,
    "regions": lambda s: s.get("type") == "array" and s["items"].get("type") == "string",
    "flag": lambda s: s.get("type") == "boolean",
    "none": lambda s: s.get("const") is True,
    "days": lambda s: s.get("type") == "integer",
    "value": lambda s: isinstance(s.get("type"), list) and "array" not in s["type"],
    "words": lambda s: s.get("type") == "array" and s.get("minItems") == 1,
    "text": lambda s: s.get("type") == "string" and s.get("minLength") == 1,
    "phrases": lambda s: s.get("type") == "object" and "phrases" in s.get("required", []),
}


def _condition_schema() -> dict[str, object]:
    common = json.loads((PACKAGE / "schemas" / "common.schema.json").read_text())
    condition = common["$defs"]["condition"]
    assert isinstance(condition, dict)
    return condition


def test_the_schema_offers_exactly_the_operators_of_the_table() -> None:
    properties = _condition_schema()["properties"]
    assert isinstance(properties, dict)
    offered = set(properties) - {"field"} - set(LOGICAL)
    assert offered == set(OPERATORS)


@pytest.mark.parametrize("key", sorted(OPERATORS))
def test_the_schema_takes_the_operand_kind_of_the_table(key: str) -> None:
    properties = _condition_schema()["properties"]
    assert isinstance(properties, dict)
    kind = OPERATORS[key].operand
    assert _OPERAND_SHAPES[kind](properties[key]), (key, kind, properties[key])


def test_every_operator_row_is_complete() -> None:
    for key, op in OPERATORS.items():
        assert op.key == key and op.types and op.phrase
        assert op.operand in _OPERAND_SHAPES
        assert op.chooses in (None, "any", "it")
        if op.span is not None:
            assert op.operand in ("value", "pair")
