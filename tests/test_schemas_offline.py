"""The JSON Schemas resolve offline in common tools: the per-kind schemas name their shared
definitions by a sibling file (no `$id` on a host that does not exist), and
schemas/bundled/ holds one self-contained schema per kind for editors and pre-commit,
regenerated from the sources (checked for drift here). check-jsonschema validates every
example file with both, with the network made unreachable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from icpkit.kinds import KINDS
from icpkit.loading.schema import bundled_text

SCHEMAS = REPO / "scripts" / "icpkit" / "schemas"
EXAMPLES = {
    "icp": sorted((REPO / "profiles" / "icp").glob("*.yaml")),
    "negative": sorted((REPO / "profiles" / "negative").glob("*.yaml")),
    "fixture": sorted((REPO / "tests" / "fixtures").rglob("*.yaml"))[:5],
    "vocabulary": [REPO / "rules" / "vocabulary.yaml"],
    "tier_policy": [REPO / "rules" / "tier-policy.yaml"],
}
OFFLINE = {
    **os.environ,
    # any attempt to fetch a schema fails at once
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "",
}


def check_jsonschema(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run(
        [str(tool), "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        env=OFFLINE,
        timeout=120,
        cwd=REPO,
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_bundled_schemas_are_current(kind: str) -> None:
    kept = (SCHEMAS / "bundled" / KINDS[kind]).read_text(encoding="utf-8")
    assert kept == bundled_text(kind), "run: python -m icpkit.loading.schema --bundle"
    assert "common.schema.json" not in kept


def test_no_schema_names_a_host() -> None:
    for path in [*SCHEMAS.glob("*.json"), *(SCHEMAS / "bundled").glob("*.json")]:
        assert "$id" not in json.loads(path.read_text()), path.name


@pytest.mark.parametrize("bundle", [False, True], ids=["per-kind", "bundled"])
@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_check_jsonschema_validates_the_examples_offline(kind: str, bundle: bool) -> None:
    schema = (SCHEMAS / "bundled" if bundle else SCHEMAS) / KINDS[kind]
    done = check_jsonschema(schema, EXAMPLES[kind])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok -- validation done" in done.stdout


def test_check_jsonschema_reports_a_broken_profile_without_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(EXAMPLES["icp"][0].read_text().replace("summary:", "sumary:", 1))
    done = check_jsonschema(SCHEMAS / KINDS["icp"], [broken])
    assert done.returncode == 1
    assert "sumary" in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_every_pattern_and_format_says_what_it_expects() -> None:
    """`icp validate` says a pattern's or format's expectation from its description: without
    one a region's country in lowercase read 'expected ' and nothing more."""

    def bare(node: object, where: str) -> list[str]:
        if isinstance(node, dict):
            own = [where] if {"pattern", "format"} & set(node) and "description" not in node else []
            return own + [p for k, v in node.items() for p in bare(v, f"{where}/{k}")]
        if isinstance(node, list):
            return [p for i, v in enumerate(node) for p in bare(v, f"{where}/{i}")]
        return []

    found = [
        p for path in SCHEMAS.glob("*.json") for p in bare(json.loads(path.read_text()), path.name)
    ]
    assert found == []
