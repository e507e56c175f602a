"""One path to each result: every consumer opens the handbook through `open_handbook` (or
its report-keeping form), the cache digests the handbook once per open, and the fixtures are
evaluated once per command."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import TODAY, copy_handbook
from icpkit.diff import diff
from icpkit.engine import ruletests
from icpkit.engine.coverage import coverage
from icpkit.engine.ruletests import run, run_fixtures
from icpkit.errors import InputError
from icpkit.loading import cache
from icpkit.loading.validate import open_handbook

ERROR = "kind: vocabulary\nbogus: 1"


def _break(root: Path) -> None:
    vocabulary = root / "rules" / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text().replace("kind: vocabulary", ERROR))


def test_a_cache_miss_digests_the_handbook_once(
    handbook_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICP_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[Path] = []
    real = cache.digest

    def counted(root: Path) -> str:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(cache, "digest", counted)
    first = open_handbook(handbook_copy, today=TODAY, cache=True)
    assert len(calls) == 1
    assert open_handbook(handbook_copy, today=TODAY, cache=True) == first
    assert len(calls) == 2


def test_one_message_for_an_invalid_handbook(handbook_copy: Path) -> None:
    _break(handbook_copy)
    with pytest.raises(InputError) as raised:
        open_handbook(handbook_copy, today=TODAY)
    message = str(raised.value)
    assert re.match(r"the handbook has \d+ errors?, the first: [\w/.-]+:\d+:\d+: ", message)
    assert message.endswith("; run icp validate")
    with pytest.raises(InputError, match=r"^the handbook at v2 has \d+ error"):
        open_handbook(handbook_copy, today=TODAY, label="v2")


def test_icp_diff_refuses_an_invalid_head_with_the_same_message(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "repo")
    for args in (
        ("init", "-q", "-b", "main"),
        ("add", "-A"),
        ("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "hb"),
    ):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    _break(root)
    with pytest.raises(InputError, match=r"^the handbook at WORKTREE has \d+ errors?"):
        diff(root, "HEAD", today=TODAY)


def test_rule_tests_and_coverage_share_one_evaluation_of_the_fixtures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from conftest import REPO

    handbook = open_handbook(REPO, today=TODAY)
    fixtures = run_fixtures(handbook, today=TODAY)
    monkeypatch.setattr(ruletests, "verdicts", lambda *a: pytest.fail("evaluated again"))
    tests = run(handbook, today=TODAY, fixtures=fixtures)
    cov = coverage(handbook, today=TODAY, fixtures=fixtures)
    assert tests.ok and cov.rules
    runnable = [f for f in handbook.fixtures if not f.broken]
    assert set(fixtures.verdicts) == {f.path for f in runnable}
