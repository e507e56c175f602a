"""The validated handbook kept between runs: read back equal, never stale, never trusted
when damaged, never written for a handbook with errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TODAY
from icpkit.errors import InputError
from icpkit.loading import cache
from icpkit.loading.validate import load_checked, open_handbook


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ICP_CACHE_DIR", str(folder))
    return folder


def test_a_valid_handbook_is_kept_and_read_back_equal(handbook_copy: Path, cache_dir: Path) -> None:
    assert cache.read(handbook_copy) is None
    first = open_handbook(handbook_copy, today=TODAY, cache=True)
    entries = list(cache_dir.glob("handbook-*.pickle"))
    assert len(entries) == 1
    again = cache.read(handbook_copy)
    assert again == first == load_checked(handbook_copy, today=TODAY).handbook
    assert open_handbook(handbook_copy, today=TODAY, cache=True) == first


def test_any_change_to_a_handbook_file_is_a_new_entry(handbook_copy: Path, cache_dir: Path) -> None:
    open_handbook(handbook_copy, today=TODAY, cache=True)
    policy = handbook_copy / "rules" / "tier-policy.yaml"
    policy.write_text(policy.read_text() + "\n# a comment changes the bytes\n")
    assert cache.read(handbook_copy) is None
    open_handbook(handbook_copy, today=TODAY, cache=True)
    assert len(list(cache_dir.glob("handbook-*.pickle"))) == 2


def test_the_same_files_in_another_folder_are_another_entry(
    handbook_copy: Path, cache_dir: Path, tmp_path: Path
) -> None:
    """The handbook remembers its folder (provenance asks git there)."""
    open_handbook(handbook_copy, today=TODAY, cache=True)
    other = tmp_path / "other"
    __import__("shutil").copytree(handbook_copy, other)
    assert cache.read(other) is None
    assert open_handbook(other, today=TODAY, cache=True).root == str(other)


def test_a_damaged_entry_is_a_miss_and_is_replaced(handbook_copy: Path, cache_dir: Path) -> None:
    open_handbook(handbook_copy, today=TODAY, cache=True)
    (entry,) = cache_dir.glob("handbook-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cache.read(handbook_copy) is None
    handbook = open_handbook(handbook_copy, today=TODAY, cache=True)
    assert cache.read(handbook_copy) == handbook


def test_a_handbook_with_errors_stops_and_is_not_kept(handbook_copy: Path, cache_dir: Path) -> None:
    vocabulary = handbook_copy / "rules" / "vocabulary.yaml"
    vocabulary.write_text(
        vocabulary.read_text().replace("kind: vocabulary", "kind: vocabulary\nbogus: 1")
    )
    with pytest.raises(InputError, match=r"the handbook has \d+ error"):
        open_handbook(handbook_copy, today=TODAY, cache=True)
    assert not cache_dir.exists() or not list(cache_dir.glob("handbook-*"))


def test_an_unwritable_cache_folder_only_costs_time(
    handbook_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("ICP_CACHE_DIR", str(blocker / "cache"))
    handbook = open_handbook(handbook_copy, today=TODAY, cache=True)
    assert handbook.fields and cache.read(handbook_copy) is None


@pytest.mark.parametrize("module", ["loading/checks.py", "engine/normal.py", "yamlvalues.py"])
def test_a_change_to_the_code_that_reads_a_handbook_is_a_new_entry(
    handbook_copy: Path, tmp_path: Path, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry written before a check changed (a development checkout) would skip the
    changed check: the digest covers the loading and engine code, not only the model."""
    import shutil

    package = Path(cache.__file__).resolve().parents[1]
    copy = tmp_path / "icpkit"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache.resources, "files", lambda _name: copy)
    before = cache.digest(handbook_copy)
    with (copy / module).open("a") as handle:
        handle.write("\n# changed\n")
    assert cache.digest(handbook_copy) != before
