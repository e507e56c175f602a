"""The registries: every problem id the package can emit is registered with its meaning and
documented on the handbook's reference page; the CLI's --format choices are the reporters'."""

from __future__ import annotations

import ast
import json
import re

import click
import pytest
from jsonschema import Draft202012Validator

from conftest import REPO
from icpkit.cli import cli
from icpkit.problems import PROBLEMS, problems_markdown
from icpkit.reporters import FORMATS

PACKAGE = REPO / "scripts" / "icpkit"
ID = re.compile(r"[a-z]+(-[a-zA-Z]+)*")
#: schema keywords that only lead to nested keywords and never fail on their own
_NESTING = {
    "$ref",
    "properties",
    "items",
    "$defs",
    "allOf",
    "patternProperties",
    "if",
    "then",
    "else",
}


def _emitted_literals() -> set[str]:
    """Every id written as a literal argument of a problem(...) / Problem(...) / _fail(...)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name.lower().lstrip("_") not in ("problem", "fail"):
                continue
            found |= {
                a.value
                for a in node.args
                if isinstance(a, ast.Constant)
                and isinstance(a.value, str)
                and ID.fullmatch(a.value)
            }
    return found


def _schema_keywords() -> set[str]:
    keys: set[str] = set()

    def walk(x: object) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                keys.add(k)
                if k in ("properties", "$defs", "patternProperties"):
                    for sub in v.values():
                        walk(sub)
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for path in (PACKAGE / "schemas").glob("*.json"):
        walk(json.loads(path.read_text()))
    return (keys & set(Draft202012Validator.VALIDATORS)) - _NESTING


def test_every_literal_problem_id_is_registered() -> None:
    literals = _emitted_literals()
    assert len(literals) > 30
    assert literals - set(PROBLEMS) == set()


def test_every_schema_keyword_has_its_problem_id() -> None:
    assert {f"schema-{k}" for k in _schema_keywords()} - set(PROBLEMS) == set()


def test_every_id_in_the_validate_corpus_is_registered() -> None:
    seen = {
        m.group(1)
        for path in (REPO / "tests" / "corpus" / "validate").glob("*.expected")
        for m in re.finditer(r"\(([a-zA-Z-]+)\)$", path.read_text(), re.M)
    }
    assert seen and seen - set(PROBLEMS) == set()


def test_every_registered_id_has_a_one_line_meaning() -> None:
    for ident, meaning in PROBLEMS.items():
        assert ID.fullmatch(ident), ident
        assert meaning.endswith(".") and "\n" not in meaning and len(meaning) <= 100, ident


def test_the_reference_page_is_generated_from_the_registry() -> None:
    page = REPO / "site_src" / "docs" / "reference" / "problems.md"
    assert page.read_text(encoding="utf-8") == problems_markdown(), (
        "regenerate it: python -c 'from icpkit.problems import problems_markdown; "
        'print(problems_markdown(), end="")\' > site_src/docs/reference/problems.md'
    )
    assert all(f"`{ident}`" in page.read_text(encoding="utf-8") for ident in PROBLEMS)


@pytest.mark.parametrize("command", sorted(FORMATS))
def test_the_cli_offers_exactly_the_reporters_formats(command: str) -> None:
    sub = cli.commands[command]
    option = next(p for p in sub.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == FORMATS[command]


def test_the_sql_choices_are_the_registries_keys() -> None:
    """The CLI offers `icpkit.sql.choices`; each is the key set of the registry that does
    the work, so nothing is offered that is not registered, and nothing registered is hidden."""
    from icpkit.sql import choices
    from icpkit.sql.crm import PRESETS
    from icpkit.sql.dialects import DIALECTS
    from icpkit.sql.engines import RUNNERS
    from icpkit.sql.sources import FORMATS as FILE_FORMATS

    assert set(choices.FILE_FORMATS) == set(FILE_FORMATS.values())
    assert set(choices.ENGINES) == set(RUNNERS)
    assert set(choices.CRMS) == set(PRESETS)
    assert set(choices.DIALECTS) == set(DIALECTS)
    assert set(choices.DBT_DIALECTS) < set(DIALECTS)


@pytest.mark.parametrize(
    ("command", "option", "offered"),
    [
        ("score", "input_format", "FILE_FORMATS"),
        ("score", "output_format", "FILE_FORMATS"),
        ("score", "engine", "ENGINES"),
        ("score", "crm", "CRMS"),
        ("sql", "dialect_name", "DIALECTS"),
        ("backtest", "input_format", "FILE_FORMATS"),
    ],
)
def test_the_cli_offers_the_sql_choices(command: str, option: str, offered: str) -> None:
    from icpkit.sql import choices

    param = next(p for p in cli.commands[command].params if p.name == option)
    assert isinstance(param.type, click.Choice)
    assert tuple(param.type.choices) == getattr(choices, offered)
