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


#: the parser's own words: none of them may reach an editor
PARSER_WORDS = (
    "while parsing",
    "while scanning",
    "did not find expected",
    "could not find expected",
    "cannot start any token",
    "mapping values are not allowed",
    "undefined alias",
    "expected <",
    "but found",
    "found unexpected",
    "found invalid YAML",
)


def _mutations(text: str) -> list[str]:
    """Broken copies of `text`: each line shifted a space left or right, and characters
    YAML reads specially inserted at the start of each value and in its middle."""
    lines = text.splitlines(keepends=True)
    out = []
    for i, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        shifted = [" " * (indent + 1) + stripped]
        if indent:
            shifted.append(" " * (indent - 1) + stripped)
        for new in shifted:
            out.append("".join([*lines[:i], new, *lines[i + 1 :]]))
        value_at = (
            line.find(": ") + 2 if ": " in line else indent + (2 if stripped[:2] == "- " else 0)
        )
        for char in ("'", '"', "[", "{", "@", "`", "*", "&", "!", "%", "|", "- ", ": ", "]", "}"):
            for at in {value_at, (value_at + len(line.rstrip())) // 2}:
                out.append("".join([*lines[:i], line[:at] + char + line[at:], *lines[i + 1 :]]))
    return out


def test_no_syntax_error_is_in_the_parsers_words() -> None:
    """Every broken copy of a valid profile is told in the file's terms: whatever the parser
    said, the message names what was found and what was expected, never its own words."""
    from icpkit.loading.yamlio import load_bytes

    text = (CORPUS / "yaml-indent-more.yaml").read_text(encoding="utf-8")
    text = text.replace("\n     cadence", "\n  cadence")
    seen = 0
    for broken in _mutations(text):
        for problem in load_bytes("p.yaml", broken.encode()).problems:
            if problem.rule.startswith("yaml-"):
                seen += 1
                said = problem.message
                assert not any(w in said for w in PARSER_WORDS), (broken, said)
                assert said.startswith("found ") and "expected" in said, (broken, said)
    assert seen > 100
