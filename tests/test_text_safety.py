"""Text that cannot hurt: control, bidirectional and invisible characters are found with their
position and shown as escapes in every echo (terminal, CI log, annotation)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icpkit.cli import main
from icpkit.problems import Level, Problem
from icpkit.reporters import annotation
from icpkit.textsafety import MESSAGE_LIMIT, clip, one_line, unsafe_characters, visible


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("owners\u200b", "owners\\u200b"),
        ("ok\rFAKE", "ok\\rFAKE"),
        ("\x1b[2Kgone", "\\x1b[2Kgone"),
        ("abc\u202edef", "abc\\u202edef"),
        ("Café – Zürich\n", "Café – Zürich\n"),
        ("tab\tstays", "tab\tstays"),
    ],
)
def test_visible_shows_what_cannot_be_seen(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_unsafe_characters_are_found_by_position() -> None:
    assert [(i, k) for i, _, k in unsafe_characters("a\u200bb\u202ec\x1b")] == [
        (1, "an invisible character"),
        (3, "a bidirectional control"),
        (5, "a control character"),
    ]


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_title_with_terminal_escapes_is_refused_and_echoed_escaped(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    profile = handbook_copy / "profiles" / "icp" / "na-saas-scaleups.yaml"
    text = profile.read_text()
    profile.write_text(
        text.replace(
            "title: North American B2B SaaS scaleups on Salesforce and Outreach",
            'title: "North American\\e[2K\\rTier A\\e[32m"',
        )
    )
    code = main(["--root", str(handbook_copy), "validate", "--format", fmt])
    out = capsys.readouterr().out
    assert code == 1
    assert "\x1b" not in out and "\r" not in out
    assert "ESC (\\x1b) at character 15" in out
    assert "profiles/icp/na-saas-scaleups.yaml:4:8" in out or "line=4,col=8" in out


FORGED = "::error file=rules/routing.yaml,line=1,title=Forged::This annotation was forged"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("na\n::error", "na\\n::error"),
        ("a\rb", "a\\rb"),
        ("a\tb", "a\\tb"),
        ("\x1b[31m", "\\x1b[31m"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("filler\u3164", "filler\\u3164"),
        ("abc\u202edef", "abc\\u202edef"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_one_line_shows_every_character_a_value_holds(text: str, shown: str) -> None:
    assert one_line(text) == shown


def test_a_problem_never_holds_a_raw_line_break() -> None:
    """Problems are where every validation message is made: whatever a message echoes, the
    problem holds it on one line (the text, JSON and GitHub renderings all read it)."""
    problem = Problem("a\nb.yaml", 1, 1, Level.ERROR, f"found 'na\n{FORGED}'", "x")
    assert "\n" not in str(problem) and "\\n::error" in problem.message
    assert problem.path == "a\\nb.yaml"


def _forge(handbook_copy: Path, where: str) -> None:
    if where == "fixture":
        fixture = handbook_copy / "tests" / "fixtures" / "companies" / "atlas-cloud.yaml"
        text = fixture.read_text()
        fixture.write_text(text.replace("  best_profile:\n", f'  best_profile: "na\\n{FORGED}"\n'))
    else:
        negative = handbook_copy / "profiles" / "negative" / "churn-risk-startups.yaml"
        text = negative.read_text()
        negative.write_text(
            text.replace(
                "{field: profitability, equals: declining}",
                '{field: profitability, equals: "declinin\\n' + FORGED + '\\u202e\\U000e0041"}',
            )
        )


def _no_forgery(output: str) -> None:
    for line in output.splitlines():
        assert not line.startswith("::error file=rules/routing.yaml"), line
    assert not any(c in output for c in "\r\t\x1b\u202e\U000e0041")


@pytest.mark.parametrize("where", ["fixture", "condition"])
@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_a_newline_in_a_value_cannot_forge_an_annotation(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str], fmt: str, where: str
) -> None:
    """A value holding a newline and `::error …` is echoed as `\\n::error …` on the same
    line, in every format of validate and on stderr of icp test."""
    _forge(handbook_copy, where)
    code = main(["--root", str(handbook_copy), "validate", "--format", fmt])
    out = capsys.readouterr().out
    assert code == 1
    _no_forgery(out)
    assert "\\n::error file=rules/routing.yaml" in out.replace("\\\\n", "\\n")
    test_format = "text" if fmt == "json" else fmt
    main(["--root", str(handbook_copy), "test", "--format", test_format])
    captured = capsys.readouterr()
    _no_forgery(captured.out + captured.err)
    assert "\\n::error file=rules/routing.yaml" in captured.err


LONG_FIELD = "x" * 5000


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_a_long_value_is_echoed_as_its_start_and_its_length(
    handbook_copy: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """A 5,000-character field name gave a 5,129-character error (GitHub drops such an
    annotation; a terminal drowns): every format shows its first 80 characters and its
    length. JSON carries the same message (file:line:col says where the whole value is)."""
    profile = handbook_copy / "profiles" / "icp" / "na-saas-scaleups.yaml"
    text = profile.read_text()
    profile.write_text(text.replace("{field: growth_rate,", "{field: " + LONG_FIELD + ",", 1))
    code = main(["--root", str(handbook_copy), "validate", "--format", fmt])
    out = capsys.readouterr().out
    assert code == 1
    assert "found the field '" + "x" * 79 + "… (5,000 characters)', which is not in " in out
    assert max(len(line) for line in out.splitlines()) < 300


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("\u200b" * 50, 80, "\\u200b" * 13 + "… (50 characters)"),
        ("a" + "\U000e0041" * 30, 15, "a\\U000e0041… (31 characters)"),
        ("e\u0301" * 50, 10, "e\u0301" * 4 + "… (100 characters)"),
        ("short", 80, "short"),
    ],
)
def test_a_clipped_value_never_cuts_an_escape_or_a_letter_in_half(
    text: str, limit: int, shown: str
) -> None:
    assert clip(text, limit) == shown


def test_a_long_message_keeps_its_start_and_end_and_every_escape_whole() -> None:
    """The backstop for an echo no helper clipped (an unquoted one, a value with quotes
    inside): the message is at most `MESSAGE_LIMIT` characters, its start and its end (what
    was expected) kept, in a problem and in any GitHub annotation."""
    value = "it's " + "\u202e" * 2000
    problem = Problem("p.yaml", 1, 1, Level.ERROR, f"found {value}; expected a name", "x")
    assert len(problem.message) <= MESSAGE_LIMIT
    assert problem.message.startswith("found it's \\u202e")
    assert problem.message.endswith("\\u202e; expected a name")
    assert "characters left out)" in problem.message
    assert re.fullmatch(r"(?:[^\\]|\\u202e)*", problem.message)
    line = annotation("error", "p.yaml", 1, 1, "x", "found " + "\\u202e" * 2000)
    assert len(line) < MESSAGE_LIMIT + 100
    assert re.fullmatch(r"::error [^:]*::found (?:[^\\]|\\u202e)*", line)


def test_quotes_in_a_messages_own_words_are_not_clipped() -> None:
    said = (
        "found a line YAML cannot read at ': x'; expected 'key: value' lines and '- ' list "
        "items, each indented like the ones it belongs with, and in quotes any value that "
        "holds ': ' or ' #'"
    )
    assert Problem("p.yaml", 1, 1, Level.ERROR, said, "x").message == said
