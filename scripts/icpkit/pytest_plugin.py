"""pytest plugin: fixture companies under <handbook>/tests/fixtures/ become native test items.

Installed with icpkit (entry point `pytest11`), so a plain `pytest` runs every
expectation of every fixture as its own test, and a failure shows the
verdict's explanation against what was expected, at the fixture's file and line.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .engine.model import Handbook
from .engine.ruletests import Check, FixtureRun, checks, passes, run_fixtures
from .engine.verdict import Verdict
from .errors import IcpError
from .loading.validate import invalid, load_checked
from .repo import FIXTURES_DIR, display_path, find_root


@dataclass
class _Session:
    """What one pytest session knows of each handbook: loaded and checked once, its
    fixtures evaluated once (the `FixtureRun` `icp test` shares), kept in `config.stash`."""

    today: dt.date
    handbooks: dict[Path, tuple[Handbook, list[str], str | None, FixtureRun | None]] = field(
        default_factory=dict
    )
    #: handbooks whose errors were reported already (one error per broken handbook)
    reported: set[Path] = field(default_factory=set)

    def handbook(self, root: Path) -> tuple[Handbook, list[str], str | None, FixtureRun | None]:
        """The handbook at `root`, its errors, the one message for them (`invalid`), and
        its fixtures' verdicts (None for a handbook with errors: nothing is evaluated)."""
        if root not in self.handbooks:
            loaded = load_checked(root, today=self.today)
            errors = [str(p) for p in sorted(set(loaded.report.errors))]
            said = invalid(loaded.report)
            run = None if said else run_fixtures(loaded.handbook, today=self.today)
            self.handbooks[root] = (loaded.handbook, errors, said, run)
        return self.handbooks[root]


_SESSION = pytest.StashKey[_Session]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--icp-today",
        metavar="YYYY-MM-DD",
        default=None,
        help="The date fixtures without as_of are judged on (default: $ICP_TODAY, else today).",
    )


def pytest_configure(config: pytest.Config) -> None:
    given = config.getoption("--icp-today", None) or os.environ.get("ICP_TODAY")
    try:
        today = dt.date.fromisoformat(given) if given else dt.date.today()
    except ValueError:
        raise pytest.UsageError(f"found --icp-today {given}; expected YYYY-MM-DD") from None
    config.stash[_SESSION] = _Session(today)


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
        session = self.config.stash[_SESSION]
        handbook, errors, said, run = session.handbook(root)
        shown = display_path(self.path, root)
        fixture = next((f for f in handbook.fixtures if f.path == shown), None)
        mine = [e for e in errors if e.startswith(shown + ":")]
        if mine:  # this fixture's own problems, at their lines
            yield BrokenFixture.from_parent(self, name="validate", problems=mine)
            return
        if said is not None or run is None:
            # an error elsewhere in the handbook: its rule tests would judge a handbook that
            # did not load whole; the first fixture file says so once, as icp test does
            if root not in session.reported:
                session.reported.add(root)
                yield BrokenFixture.from_parent(self, name="handbook", problems=[str(said)])
            return
        if fixture is None or fixture.broken:
            yield BrokenFixture.from_parent(self, name="validate", problems=[])
            return
        for check in checks(fixture):
            yield FixtureItem.from_parent(
                self, name=check.key, check=check, handbook=handbook, verdict=run.verdicts[shown]
            )


class FixtureMismatch(Exception):
    def __init__(self, check: Check, actual: Any, verdict: Verdict) -> None:
        super().__init__(check.name)
        self.check, self.actual, self.verdict = check, actual, verdict


class FixtureItem(pytest.Item):
    def __init__(
        self, *, check: Check, handbook: Handbook, verdict: Verdict, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.handbook = handbook
        self.verdict = verdict  # the fixture's verdict, evaluated once for all its checks

    def runtest(self) -> None:
        ok, actual = passes(self.check, self.verdict)
        if not ok:
            raise FixtureMismatch(self.check, actual, self.verdict)

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
        what = "handbook" if self.name == "handbook" else "fixture"
        return f"{what} does not validate:\n{excinfo.value}"

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "validate fixture"
