"""Text that cannot hurt: control, bidirectional and invisible characters are found with their
position and shown as escapes in every echo (terminal, CI log, annotation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from icpkit.cli import main
from icpkit.textsafety import unsafe_characters, visible


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
