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
    "sqlglot": ("sql",),
    "psycopg": ("sql",),
    "pyspark": ("sql",),
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


def _package_imports() -> dict[str, set[str]]:
    """Each module of the package -> the package's modules it imports (at any depth)."""
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("icpkit", *path.relative_to(PACKAGE).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
                wanted = {target, *(f"{target}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.ImportFrom) and node.module:
                wanted = {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.Import):
                wanted = {alias.name for alias in node.names}
            else:
                continue
            edges[name] |= (wanted & modules.keys()) - {name}
    return edges


def _circle(edges: dict[str, set[str]]) -> list[str]:
    """One circle of imports (its modules in order, the first again at the end), or []."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for other in sorted(edges[name]):
            if state.get(other) == 1:
                return [*path[path.index(other) :], other]
            if other not in state and (found := visit(other)):
                return found
        state[name] = 2
        path.pop()
        return []

    for name in sorted(edges):
        if name not in state and (found := visit(name)):
            return found
    return []


def test_no_module_of_the_package_imports_itself_through_others() -> None:
    """A circle (even through an import inside a function) means two modules that cannot be
    read apart: the loading wing had one (schema, spacing, syntax, yamlio)."""
    assert _circle(_package_imports()) == []


def test_the_circle_check_finds_a_circle_through_a_function_import() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _circle(edges) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b"}, "b": set()}) == []


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


#: modules that may read the process environment for an ICP_ variable: the adapters (the
#: command line, the pytest plugin) and the cache's location (like XDG_CACHE_HOME)
READS_ICP_ENVIRONMENT = {"cli.py", "pytest_plugin.py", "loading/cache.py"}


def test_only_the_adapters_read_icp_settings_from_the_environment() -> None:
    """Data reaches the library as arguments: ICP_TODAY, ICP_DIFF_REPORT and ICP_HISTORY
    are read by the command line, the pytest plugin and the mkdocs hook, never inside."""
    import re

    reading = re.compile(r"environ(?:\.get)?\(?\[?\s*[\"']ICP_")
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if reading.search(path.read_text())
        and str(path.relative_to(PACKAGE)) not in READS_ICP_ENVIRONMENT
    )
    assert found == []
