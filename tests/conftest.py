"""Shared test helpers: the repository's example handbook, copied where a test may change it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icpkit.sql.mapping import ColumnMap

REPO = Path(__file__).resolve().parent.parent
#: reviews and time-relative rules are checked against this date in tests, so results never
#: depend on the day the suite runs
TODAY = dt.date(2026, 11, 23)


def copy_handbook(dest: Path, *, fixtures: bool = True) -> Path:
    for sub in ("rules", "profiles"):
        shutil.copytree(REPO / sub, dest / sub)
    target = dest / "tests" / "fixtures"
    if fixtures and (REPO / "tests" / "fixtures").is_dir():
        shutil.copytree(REPO / "tests" / "fixtures", target)
    target.mkdir(parents=True, exist_ok=True)
    return dest


@pytest.fixture
def handbook_copy(tmp_path: Path) -> Path:
    """A writable copy of the example handbook (rules, profiles, fixtures)."""
    return copy_handbook(tmp_path / "handbook")


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The handbook cache of this run lives in a temporary folder, never in the user's home
    (set in the environment, so that `icp` subprocesses use it too)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ICP_CACHE_DIR", str(tmp_path_factory.mktemp("icp-cache")))
        yield


# --- throwaway warehouse engines (one per test run; see warehouse_servers.py) -----------------


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A DSN of a PostgreSQL server this test run started (and stops)."""
    from warehouse_servers import postgres_server

    with postgres_server() as dsn:
        yield dsn


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """One local Spark session for the whole run (stopped at the end)."""
    from icpkit.sql.engines import spark_session

    session = spark_session("local[2]", "icpkit-tests")
    yield session
    session.stop()


def corpus_map(spec: dict[str, Any] | None) -> ColumnMap:
    """The `map:` of an export's corpus spec (field -> column, or {column, values}) as the
    ColumnMap `icp score --map` reads from a file."""
    out = ColumnMap()
    for name, entry in (spec or {}).items():
        if isinstance(entry, str):
            out.columns[name] = entry
        else:
            if entry.get("column"):
                out.columns[name] = entry["column"]
            out.values[name] = dict(entry.get("values") or {})
    return out
