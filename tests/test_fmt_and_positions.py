"""`fmt` is idempotent and loses nothing; every schema error points at a real position."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import REPO
from icpkit.loading.formatting import format_text
from icpkit.loading.schema import validate
from icpkit.loading.yamlio import load_bytes

PROFILE = (REPO / "profiles" / "icp" / "western-software-teams.yaml").read_text()
KEYS = [
    "title",
    "status",
    "priority",
    "summary",
    "tags",
    "pains",
    "messaging",
    "owners",
    "review",
    "persona",
    "pond_map",
    "decision_chain",
    "qualification",
    "evidence",
    "kind",
    "id",
]
words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda s: s.strip() == s and s[0] not in "#&*!|>%@`'\"-?:,[]{}")


def comments(text: str) -> list[str]:
    return sorted(m.group(0).strip() for m in re.finditer(r"#[^\n]*", text))


def shuffled(order: list[int]) -> str:
    """The example profile with its top-level blocks in another order, and comments added."""
    blocks = re.split(r"(?m)^(?=[a-z_]+:)", PROFILE)
    head, body = blocks[0], blocks[1:]
    moved = [body[i % len(body)] for i in order]
    rest = [b for b in body if b not in moved]
    return head + "".join(f"# note {i}\n{b}" for i, b in enumerate(moved + rest))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(list(range(len(KEYS)))))
def test_fmt_is_idempotent_and_keeps_content_and_comments(order: list[int]) -> None:
    text = shuffled(order)
    once = format_text(text, "icp")
    assert format_text(once, "icp") == once
    yaml = YAML(typ="safe")
    assert yaml.load(once) == yaml.load(text)
    assert comments(once) == comments(text)


@settings(max_examples=40, deadline=None)
@given(st.lists(words, min_size=1, max_size=5))
def test_fmt_keeps_any_text(values: list[str]) -> None:
    text = PROFILE.replace(
        "pains:\n", "pains:\n" + "".join(f"  - {YAML_QUOTE(v)}\n" for v in values), 1
    )
    once = format_text(text, "icp")
    assert YAML(typ="safe").load(once)["pains"][: len(values)] == values


def YAML_QUOTE(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_fmt_writes_atomically_and_only_when_changed(tmp_path: Path) -> None:
    from icpkit.loading.formatting import format_file

    path = tmp_path / "p.yaml"
    path.write_text(
        PROFILE.replace(
            "kind: icp\nid: western-software-teams\n", "id: western-software-teams\nkind: icp\n"
        )
    )
    before = path.stat().st_mtime_ns
    result = format_file(path, "p.yaml", write=True)
    assert result.changed and path.read_text() == format_text(path.read_text(), "icp")
    assert list(tmp_path.iterdir()) == [path]
    assert format_file(path, "p.yaml", write=True).changed is False
    assert path.stat().st_mtime_ns >= before


# --- positions ---------------------------------------------------------------------------------

mutations = st.sampled_from(
    [
        ("status: active", "status: {}"),
        ("priority: 10", "priority: {}"),
        ("  cadence: quarterly", "  cadence: {}"),
        ("      points: 20", "      points: {}"),
        ("title: Western", "titel: Western"),
        ("      part: decides", "      part: {}"),
        ("  last_reviewed: 2026-10-06", "  last_reviewed: {}"),
        ("summary: >-", "summary: {} >-"),
    ]
)
junk = st.one_of(
    st.sampled_from(
        ["[1, 2]", "{a: 1}", "yes", "''", "-3", "2026-13-01", "x y", "NO", "null", "1e9", "active!"]
    ),
    st.integers().map(str),
)


@settings(max_examples=80, deadline=None)
@given(mutations, junk)
def test_every_schema_error_points_inside_the_file_at_the_key_or_value(
    mutation: tuple[str, str], value: str
) -> None:
    old, new = mutation
    text = PROFILE.replace(old, new.format(value), 1)
    doc = load_bytes("p.yaml", text.encode())
    if doc.problems:
        return  # a YAML-level problem (also positioned; see the corpus)
    lines = text.splitlines()
    for problem in validate(doc, "icp"):
        assert 1 <= problem.line <= len(lines), problem
        line = lines[problem.line - 1]
        assert 1 <= problem.column <= len(line) + 1, problem
        last = problem.json_path.rsplit(".", 1)[-1].split("[")[0]
        if last and last != "$":
            assert last in line or line.strip().startswith("-") or ":" in line, (problem, line)


# --- values as written ---------------------------------------------------------------------------


def _escaped(value: str) -> str:
    """`value` in double quotes with every non-ASCII character written as an escape."""
    out = []
    for c in value:
        code = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif 32 <= code < 127:
            out.append(c)
        else:
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
    return '"' + "".join(out) + '"'


@settings(max_examples=40, deadline=None)
@given(st.lists(words, min_size=1, max_size=5))
def test_fmt_keeps_every_escape_as_written(values: list[str]) -> None:
    """A value written with escapes (\\x41, \\u00e9, \\U0001F600) is written the same way
    after fmt, wherever the key moves."""
    written = [_escaped(v) for v in values]
    text = PROFILE.replace("pains:\n", "pains:\n" + "".join(f"  - {w}\n" for w in written), 1)
    text = text.replace(
        "kind: icp\nid: western-software-teams\n", "id: western-software-teams\nkind: icp\n"
    )
    once = format_text(text, "icp")
    for w in written:
        assert f"  - {w}\n" in once
    assert YAML(typ="safe").load(once)["pains"][: len(values)] == values


def test_fmt_refuses_a_file_it_cannot_keep_as_written(tmp_path: Path) -> None:
    """What fmt cannot keep (here: an anchor, which validate refuses too) leaves the file
    untouched, named with its line and column, and fails --check."""
    from icpkit.cli import main

    root = tmp_path / "hb"
    from conftest import copy_handbook

    copy_handbook(root, fixtures=False)
    path = root / "profiles" / "icp" / "western-software-teams.yaml"
    text = path.read_text().replace(
        "id: western-software-teams\n", "id: &me western-software-teams\n"
    )
    path.write_text(text)
    for args in (["fmt", "--check"], ["fmt"]):
        assert main(["--root", str(root), *args]) == 1
        assert path.read_text() == text


def test_unkept_names_the_construct(capsys: object) -> None:
    from icpkit.loading.formatting import Unkept, _kept_as_written

    try:
        _kept_as_written("a: &x 1\nb: [1,\n  2]\n", "a: [1]\nb: [1, 2]\n")
    except Unkept as exc:
        assert (exc.line, exc.column) == (1, 4) and exc.what == "the anchor &x"
    else:
        raise AssertionError("expected Unkept")


def test_fmt_check_names_the_first_line_it_changes_and_crlf(tmp_path: Path) -> None:
    from icpkit.loading.formatting import format_file

    path = tmp_path / "p.yaml"
    path.write_bytes(PROFILE.replace("\n", "\r\n").encode())
    result = format_file(path, "p.yaml", write=False)
    assert result.changed and result.where.startswith("1: its line ends in CRLF")


def test_fmt_keeps_comments_before_a_start_marker_and_after_an_end_marker() -> None:
    # ruamel drops them: the lines up to `---` and from `...` are kept as written
    text = "# owned by RevOps\n\n--- # the profile\n" + PROFILE + "...\n# end of profile\n"
    once = format_text(text, "icp")
    assert comments(once) == comments(text)
    assert format_text(once, "icp") == once
    assert YAML(typ="safe").load(once) == YAML(typ="safe").load(text)
    # without a comment the markers are dropped, as before
    assert format_text("---\n" + PROFILE + "...\n", "icp") == format_text(PROFILE, "icp")


def test_fmt_leaves_a_file_with_a_tab_between_values_and_says_where(
    tmp_path: Path, capsys: object
) -> None:
    """`status:<tab>active` reads with libyaml but not with ruamel's own parser, which fmt
    writes with: validate refuses it at the tab, and fmt leaves the file (no internal error)."""
    from conftest import copy_handbook
    from icpkit.cli import main

    root = tmp_path / "hb"
    copy_handbook(root, fixtures=False)
    path = root / "profiles" / "icp" / "western-software-teams.yaml"
    text = path.read_text().replace("status: active\n", "status:\tactive\n", 1)
    assert "status:\tactive" in text
    path.write_text(text)
    for args in (["fmt", "--check"], ["fmt"]):
        assert main(["--root", str(root), *args]) == 1
        assert path.read_text() == text
    said = capsys.readouterr()  # type: ignore[attr-defined]
    assert "western-software-teams.yaml:5:8: fmt leaves this file as it is: found a tab" in (
        said.out + said.err
    )


def test_fmt_keeps_an_empty_value_written_as_null_or_tilde() -> None:
    """`score: null` (a fixture's expectation of no score) is rendered empty by ruamel; put
    back as written it ran into the colon (`score:null`), and fmt refused every valid file
    holding one with 'it cannot read it here'."""
    for written in ("null", "~", "NULL", "Null"):
        text = (
            "kind: fixture\nname: x\nas_of: 2026-11-01\ncompany:\n  employees: 10\n"
            f"expect:\n  status: not_found\n  score: {written}\n  tier: {written}\n"
            f"  fired: [{written}]\n  missing:\n    - {written}\n"
        )
        once = format_text(text, "fixture")
        assert f"score: {written}\n" in once and f"    - {written}\n" in once
        assert format_text(once, "fixture") == once
        assert YAML(typ="safe").load(once) == YAML(typ="safe").load(text)


def test_fmt_drops_every_blank_line_before_the_first_line_at_once() -> None:
    """ruamel drops one leading blank line per run: fmt was not idempotent, and a file
    formatted once still failed `fmt --check`."""
    for text in ("\n\n\n" + PROFILE, " \n\t\n\n" + PROFILE, "\n\n# header\n\n" + PROFILE):
        once = format_text(text, "icp")
        assert format_text(once, "icp") == once
        assert not once.startswith(("\n", " ", "\t"))
        assert comments(once) == comments(text)
