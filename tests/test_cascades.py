"""One mistake, one error: a document that fails to load is reported once, with one note
saying how many problems elsewhere depend on it (never 15 'does not exist' errors in files
the editor did not touch, and never 'missing' for a document that exists but is invalid).

Each case in tests/corpus/replace is a broken copy of one file of the example handbook; its
first line names the file it replaces (`# replaces: rules/vocabulary.yaml`), and its
`.expected` file holds every problem of the whole handbook, one per line. Cases named
`cascade-*` plant one mistake that others depend on: exactly one error and one note.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TODAY, copy_handbook
from icpkit.loading.validate import validate
from icpkit.problems import Level

CORPUS = Path(__file__).parent / "corpus" / "replace"
CASES = sorted(CORPUS.glob("*.yaml"))


def replaced(case: Path) -> str:
    first = case.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# replaces: "), f"{case.name} does not say which file it replaces"
    return first.removeprefix("# replaces: ").strip()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_the_whole_handbook_gives_the_expected_problems(case: Path, tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "hb")
    shutil.copyfile(case, root / replaced(case))
    report = validate(root, today=TODAY)
    lines = [str(p) for p in report.sorted()]
    assert lines == case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    # a document that exists but is invalid is never reported as missing
    assert not any(p.rule == "missing-rules" for p in report.problems)
    if case.stem.startswith("cascade-"):
        assert len(report.errors) == 1
        assert [p.rule for p in report.problems if p.level is Level.NOTE] == ["dependents"]
        assert report.failed(strict=False)


def test_the_corpus_has_an_expectation_for_every_case() -> None:
    assert CASES
    for case in CASES:
        assert case.with_suffix(".expected").is_file(), case.name
