"""pytest plugin: fixture companies under <handbook>/tests/fixtures/ become native test items.

Installed with icpkit (entry point `pytest11`), so a plain `pytest` runs every
expectation of every fixture as its own test, and a failure shows the
verdict's explanation against what was expected, at the fixture's file and line.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from .engine.model import Handbook
from .engine.ruletests import Check, checks, fixture_as_of, passes
from .engine.verdict import Verdict
from .errors import IcpError
from .loading.validate import load_checked
from .repo import FIXTURES_DIR, display_path, find_root

_CACHE: dict[Path, tuple[Handbook, list[str]]] = {}


def _today() -> dt.date:
    value = os.environ.get("ICP_TODAY")
    return dt.date.fromisoformat(value) if value else dt.date.today()


def _handbook(root: Path) -> tuple[Handbook, list[str]]:
    if root not in _CACHE:
        loaded = load_checked(root, today=_today())
        _CACHE[root] = (loaded.handbook, [str(p) for p in loaded.report.errors])
    return _CACHE[root]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    try:
        root = find_root(file_path.parent)
    except IcpError:
        return None
    if not file_path.resolve().is_relative_to((root / FIXTURES_DIR).resolve()):
        return None
    return FixtureFile.from_parent(parent, path=file_path)


class FixtureFile(pytest.File):
    def collect(self) -> Any:
        root = find_root(self.path.parent)
        handbook, errors = _handbook(root)
        shown = display_path(self.path, root)
        fixture = next((f for f in handbook.fixtures if f.path == shown), None)
        mine = [e for e in errors if e.startswith(shown + ":")]
        if fixture is None or fixture.broken or mine:
            yield BrokenFixture.from_parent(self, name="validate", problems=mine)
            return
        for check in checks(fixture):
            yield FixtureItem.from_parent(self, name=check.key, check=check, handbook=handbook)


class FixtureMismatch(Exception):
    def __init__(self, check: Check, actual: Any, verdict: Verdict) -> None:
        super().__init__(check.name)
        self.check, self.actual, self.verdict = check, actual, verdict


class FixtureItem(pytest.Item):
    def __init__(self, *, check: Check, handbook: Handbook, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.handbook = handbook

    def runtest(self) -> None:
        from .engine.evaluate import evaluate

        fixture = self.check.fixture
        verdict = evaluate(self.handbook, fixture.company, fixture_as_of(fixture, _today()))
        ok, actual = passes(self.check, verdict)
        if not ok:
            raise FixtureMismatch(self.check, actual, verdict)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, FixtureMismatch):
            from .engine.ruletests import CheckResult
            from .reporters.ruletests import failure_detail

            e = excinfo.value
            return failure_detail(self.handbook, CheckResult(e.check, False, e.actual, e.verdict))
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.check.line - 1, f"rule test {self.check.name}"


class BrokenFixture(pytest.Item):
    def __init__(self, *, problems: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise AssertionError("\n".join(self.problems) or "the fixture does not load")

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        return "fixture does not validate:\n" + str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "validate fixture"
