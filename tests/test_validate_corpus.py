"""Every broken file in tests/corpus/validate gives exactly the lines in its .expected file.

Adding a case is adding two files: `<name>.yaml` (placed in a copy of the example
handbook as profiles/icp/<name>.yaml) and `<name>.expected` (the problems, one per
line, as `line:col: level message (rule)`; empty when the file is valid).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TODAY, copy_handbook
from icpkit.loading.validate import validate

CORPUS = Path(__file__).parent / "corpus" / "validate"
CASES = sorted(CORPUS.glob("*.yaml"))


def problems_for(case: Path, tmp_path: Path) -> list[str]:
    root = copy_handbook(tmp_path / "hb", fixtures=False)
    target = root / "profiles" / "icp" / case.name
    shutil.copyfile(case, target)
    report = validate(root, [target], today=TODAY)
    prefix = f"profiles/icp/{case.name}:"
    lines = [str(p) for p in report.sorted()]
    assert all(line.startswith(prefix) for line in lines), lines
    return [line[len(prefix) :] for line in lines]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_file_gives_its_exact_message(case: Path, tmp_path: Path) -> None:
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert problems_for(case, tmp_path) == expected


def test_corpus_has_an_expectation_for_every_case() -> None:
    assert CASES, "the corpus is empty"
    for case in CASES:
        assert case.with_suffix(".expected").is_file(), f"{case.name} has no .expected file"


def test_a_50_mb_file_is_refused_before_parsing(tmp_path: Path) -> None:
    """Too big to keep in git, so made here: refused at 1:1 without reading it whole."""
    case = tmp_path / "huge.yaml"
    with case.open("wb") as handle:
        handle.write(b"kind: icp\nsummary: '")
        handle.write(b"x" * (50 * 1024 * 1024))
        handle.write(b"'\n")
    assert problems_for(case, tmp_path) == [
        "1:1: error found a file of 52.4 MB; expected a profile of a few KB (the limit is 1 MB) "
        "(yaml-size)"
    ]
