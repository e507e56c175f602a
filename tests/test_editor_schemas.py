"""What editors read: yaml-language-server (VS Code's YAML extension, github.dev) loads the
schema named in each file's modeline and shows the same mistakes, offline, in an old and
the newest release (installed by scripts/setup.sh into .yls/). 1.20 could not load the
schemas while they carried `$id`s on a host that does not exist."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO
from lsp import Client

#: an old release and the newest, as installed by scripts/setup.sh
VERSIONS = ("1.20.0", "2.0.0")


def server(version: str) -> Path:
    path = REPO / ".yls" / version / "node_modules" / "yaml-language-server" / "bin"
    return path / "yaml-language-server"


@pytest.fixture(params=VERSIONS, scope="module")
def client(request: pytest.FixtureRequest) -> Iterator[Client]:
    path = server(request.param)
    node = shutil.which("node")
    assert node and path.is_file(), f"yaml-language-server {request.param}: run scripts/setup.sh"
    lsp = Client([node, str(path), "--stdio"], REPO)
    lsp.start()
    yield lsp
    lsp.stop()


@pytest.mark.parametrize(
    "example",
    [
        "profiles/icp/na-saas-scaleups.yaml",
        "profiles/negative/enterprise-tenders.yaml",
        "rules/vocabulary.yaml",
        "tests/fixtures/companies/northstar-revenue.yaml",
    ],
)
def test_the_examples_load_their_schemas_without_problems(client: Client, example: str) -> None:
    assert client.diagnostics(REPO / example) == []


def test_a_misspelt_key_is_shown(client: Client, tmp_path: Path) -> None:
    # the schemas copied beside, so that the modeline's relative path resolves
    shutil.copytree(REPO / "scripts" / "icpkit" / "schemas", tmp_path / "scripts/icpkit/schemas")
    broken = tmp_path / "profiles" / "icp" / "broken.yaml"
    broken.parent.mkdir(parents=True)
    text = (REPO / "profiles" / "icp" / "na-saas-scaleups.yaml").read_text()
    broken.write_text(text.replace("summary:", "sumary:", 1))
    messages = [d["message"] for d in client.diagnostics(broken, some=True)]
    assert "Property sumary is not allowed." in messages
    assert not any("Problems loading" in m for m in messages)
