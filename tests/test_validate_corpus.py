"""Every broken file in tests/corpus/validate gives exactly the lines in its .expected file.

Adding a case is adding two files: `<name>.yaml` (placed in a copy of the example
handbook as profiles/icp/<name>.yaml) and `<name>.expected` (the problems, one per
line, as `line:col: level message (rule)`; empty when the file is valid).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import TODAY, copy_handbook
from icpkit.loading import schema
from icpkit.loading.validate import validate
from icpkit.loading.yamlio import load_bytes
from icpkit.problems import Level, Problem

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


def _moved_lines(text: str, steps: tuple[int, ...] = (-2, -1, 1, 2)) -> list[tuple[int, str]]:
    """(line index, broken copy of `text`) for each line moved `steps` columns left or right
    (as far left as column 1)."""
    lines = text.splitlines(keepends=True)
    out = []
    for i, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped.strip():
            continue
        for step in steps:
            if indent + step >= 0:
                moved = " " * (indent + step) + stripped
                out.append((i, "".join([*lines[:i], moved, *lines[i + 1 :]])))
    return out


def _mutations(text: str) -> list[str]:
    """Broken copies of `text`: each line shifted one or two spaces left or right, and
    characters YAML reads specially inserted at the start of each value and in its middle."""
    lines = text.splitlines(keepends=True)
    out = [broken for _, broken in _moved_lines(text)]
    for i, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
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
    text = _valid_profile()
    seen = 0
    for broken in _mutations(text):
        for problem in load_bytes("p.yaml", broken.encode()).problems:
            if problem.rule.startswith("yaml-"):
                seen += 1
                said = problem.message
                assert not any(w in said for w in PARSER_WORDS), (broken, said)
                assert said.startswith("found ") and "expected" in said, (broken, said)
    assert seen > 100


def _valid_profile() -> str:
    """A small valid profile with a key of each kind: text, a mapping, a list, lists of
    mappings, flow mappings, and text over several lines (`>-`)."""
    text = (CORPUS / "yaml-indent-more.yaml").read_text(encoding="utf-8")
    text = text.replace("\n     cadence", "\n  cadence")
    text = text.replace(
        "summary: A small valid profile that the corpus cases break one way each.\n",
        "summary: >-\n  A small valid profile that the corpus\n  cases break one way each.\n"
        "tags: [python]\n",
    )
    return text.replace(
        "  picture: A company.\n",
        "  picture: >-\n    A company of 50 to 500 people\n    that runs on Python.\n",
    )


def _words(data: object) -> object:
    """`data` with the spaces and line breaks in its text collapsed."""
    if isinstance(data, dict):
        return {k: _words(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_words(v) for v in data]
    return " ".join(data.split()) if isinstance(data, str) else data


def _errors(text: str) -> list[Problem]:
    """The errors `icp validate` finds in one profile on its own: its YAML, then its schema."""
    doc = load_bytes("profiles/icp/p.yaml", text.encode())
    errors = [p for p in doc.problems if p.level is Level.ERROR]
    if doc.complete and isinstance(doc.data, dict):
        errors += schema.validate(doc, str(doc.data.get("kind")))
    return errors


def _advice_followed(text: str, problem: Problem) -> str:
    """`text` with the line of `problem` moved to the column its message expects it at."""
    wanted = re.search(r"column (\d+)", problem.message.split("; expected", 1)[1])
    assert wanted, problem.message
    lines = text.splitlines(keepends=True)
    line = lines[problem.line - 1]
    lines[problem.line - 1] = " " * (int(wanted.group(1)) - 1) + line.lstrip(" ")
    return "".join(lines)


def test_a_line_moved_is_one_error_at_that_line_whose_advice_makes_the_file_valid() -> None:
    """Any one line of a valid profile moved one or two columns left or right: either the
    file is still valid and says the same (a line of text moved within its text), or it
    has exactly one error, on that line (or, where YAML cannot tell which line moved, on
    a later line, where the file stops making sense), and moving the line it names to the
    column it names makes the file valid."""
    text = _valid_profile()
    assert _errors(text) == []
    words = _words(load_bytes("p.yaml", text.encode()).data)
    seen = 0
    for index, broken in _moved_lines(text):
        errors = _errors(broken)
        if not errors:
            assert _words(load_bytes("p.yaml", broken.encode()).data) == words, broken
            continue
        seen += 1
        assert len(errors) == 1, (broken, errors)
        (error,) = errors
        assert error.rule == "yaml-indent", (broken, error)
        assert error.line >= index + 1, (broken, error)
        assert _errors(_advice_followed(broken, error)) == [], (broken, error)
    assert seen > 100


def _expects_indentation(case: Path) -> bool:
    expected = case.with_suffix(".expected")
    return expected.is_file() and "(yaml-indent)" in expected.read_text(encoding="utf-8")


INDENT_CASES = [c for c in CASES if _expects_indentation(c)]


@pytest.mark.parametrize("case", INDENT_CASES, ids=[c.stem for c in INDENT_CASES])
def test_following_the_indentation_advice_makes_the_case_valid(case: Path, tmp_path: Path) -> None:
    """Each corpus case of a line indented wrongly: its line moved to the column its
    message names, the file validates, as the whole handbook sees it."""
    text = case.read_text(encoding="utf-8")
    (error,) = [p for p in _errors(text) if p.rule == "yaml-indent"]
    fixed = tmp_path / "fixed" / case.name
    fixed.parent.mkdir()
    fixed.write_text(_advice_followed(text, error), encoding="utf-8")
    assert problems_for(fixed, tmp_path) == []
