"""The `/accept` path of the pull-request workflow (.github/workflows/accept.yml), run step by
step like the other workflow tests: `gh` is a stub answering the permission and fork
questions, the pull request's branch lives in a scratch repository that the job pushes to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TODAY
from test_pull_requests import git, scratch_repo
from workflow_steps import run_step

WORKFLOW = REPO / ".github" / "workflows" / "accept.yml"
GH_STUB = """#!/bin/sh
echo "$@" >> "$GH_LOG"
case "$*" in
  api*permission*) echo "$GH_PERMISSION" ;;
  *isCrossRepository*) echo "$GH_FORK" ;;
  *headRefName*) echo retune ;;
esac
"""


def run_accept(
    tmp_path: Path, *, permission: str = "write", fork: str = "false"
) -> tuple[Path, list[tuple[str, int, str]]]:
    """Run every `run:` step of the accept job (the install step aside: the tools of this
    environment are used) in a workspace whose `pr/` is the pull request's branch."""
    origin = scratch_repo(tmp_path)
    git(origin, "checkout", "-q", "-b", "retune")
    profile = origin / "profiles" / "icp" / "na-saas-scaleups.yaml"
    profile.write_text(profile.read_text().replace("      points: 25\n", "      points: 35\n", 1))
    (origin / "tests" / "fixtures" / "pinecone.yaml").write_text(
        (REPO / "tests" / "fixtures" / "companies" / "pinecone-martech.yaml").read_text()
    )
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "Retune hypergrowth")
    git(origin, "checkout", "-q", "main")
    work = tmp_path / "work"
    work.mkdir()
    # what the second actions/checkout step does: the branch in pr/, able to push
    subprocess.run(
        ["git", "clone", "-q", "-b", "retune", str(origin), str(work / "pr")], check=True
    )
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "gh").write_text(GH_STUB)
    (stub / "gh").chmod(0o755)
    output = tmp_path / "github_output"
    output.write_text("")
    env = {
        "PATH": f"{stub}:{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GH_LOG": str(tmp_path / "gh.log"),
        "GH_PERMISSION": permission,
        "GH_FORK": fork,
        "GITHUB_OUTPUT": str(output),
        "ICP_TODAY": TODAY.isoformat(),
    }
    values = {
        "${{ github.token }}": "token",
        "${{ github.repository }}": "northwind/handbook",
        "${{ github.event.issue.number || github.event.pull_request.number }}": "7",
        "${{ github.actor }}": "rev-ops-editor",
        "${{ steps.check.outputs.branch }}": "retune",
    }
    ran = []
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["accept"]["steps"]
    for step in steps:
        if "run" not in step or step.get("name") == "Install":
            continue
        done = run_step(step, values, work, env)
        ran.append((step["name"], done.returncode, done.stdout + done.stderr))
        if done.returncode != 0:
            break
    return origin, ran


def test_accept_pushes_the_updated_expectations_to_the_branch(tmp_path: Path) -> None:
    origin, ran = run_accept(tmp_path)
    assert [code for _, code, _ in ran] == [0, 0, 0], ran
    log = git(origin, "log", "-1", "--format=%s", "retune")
    assert log.startswith("Accept the new rule-test outcomes") and "@rev-ops-editor" in log
    fixture = git(origin, "show", "retune:tests/fixtures/pinecone.yaml")
    assert "  tier: A\n" in fixture and "  score: 80\n" in fixture
    assert "pr comment 7 --repo northwind/handbook --body-file" in (tmp_path / "gh.log").read_text()
    assert (
        "updated tests/fixtures/pinecone.yaml"
        in (tmp_path / "work" / "accept-comment.md").read_text()
    )


@pytest.mark.parametrize(
    ("permission", "fork", "message"),
    [
        ("read", "false", "rev-ops-editor has read access; /accept needs write access"),
        ("triage", "false", "needs write access"),
        ("write", "true", "/accept never pushes to forks"),
    ],
)
def test_accept_refuses_without_write_access_or_for_a_fork(
    tmp_path: Path, permission: str, fork: str, message: str
) -> None:
    origin, ran = run_accept(tmp_path, permission=permission, fork=fork)
    name, code, out = ran[-1]
    assert name == "Check who asked and where the branch lives" and code == 1
    assert message in out
    assert git(origin, "log", "-1", "--format=%s", "retune") == "Retune hypergrowth\n"
