"""A faithful `fmt`: each tests/corpus/fmt/<case>.yaml formats to <case>.formatted.yaml byte for
byte (comments above a key move with it; escapes such as \\u200b and \\u202e stay escapes),
formatting the result changes nothing, and the data is the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from icpkit.loading.formatting import format_text
from test_fmt_and_positions import KEYS, shuffled

CORPUS = Path(__file__).parent / "corpus" / "fmt"
CASES = sorted(p for p in CORPUS.glob("*.yaml") if not p.name.endswith(".formatted.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_fmt_gives_the_expected_file(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    expected = case.with_name(case.stem + ".formatted.yaml").read_text(encoding="utf-8")
    once = format_text(text, "icp")
    assert once == expected
    assert format_text(once, "icp") == once
    assert YAML(typ="safe").load(once) == YAML(typ="safe").load(text)


def test_fmt_never_writes_an_invisible_or_bidirectional_character_raw() -> None:
    text = (CORPUS / "escapes-kept.yaml").read_text(encoding="utf-8")
    once = format_text(text, "icp")
    assert "\u200b" not in once and "\u202e" not in once
    assert '"Corpus\\u200bcase \\u202eesac"' in once


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(list(range(len(KEYS)))))
def test_a_comment_above_a_key_stays_above_that_key(order: list[int]) -> None:
    text = shuffled(order)
    pattern = re.compile(r"(?m)^# (note \d+)\n([a-z_]+):")
    # comments above the first key are the file's header: they stay at the top
    above = {m.group(1): m.group(2) for m in pattern.finditer(text) if m.group(1) != "note 0"}
    once = format_text(text, "icp")
    after = {m.group(1): m.group(2) for m in pattern.finditer(once) if m.group(1) != "note 0"}
    assert after == above


@pytest.mark.parametrize("root", ["", "tests/examples/posthog"], ids=["repo", "posthog"])
def test_the_example_handbooks_are_as_fmt_writes_them(root: str) -> None:
    """The workflows run `icp fmt --check`: a handbook copied from an example must pass it
    (the PostHog example's keys were once out of the canonical order in 10 files)."""
    from icpkit.cli import main

    base = Path(__file__).resolve().parent.parent / root
    assert main(["--root", str(base), "fmt", "--check"]) == 0
