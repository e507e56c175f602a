"""One normalisation for values and operands, the same in Python and in SQL.

The defect it fixes: open-set cells were slugged by the CRM parse layer (`artificial
intelligence` → `artificial_intelligence`) while rule operands and fixture values were
compared as written, so one fixture scored differently under `icp test` and `icp explain`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from icpkit.cli import cli
from icpkit.engine import unicode15
from icpkit.engine.normal import DEFAULT_FOLDS, Text, lowered, normal, prepared
from icpkit.loading.validate import validate
from icpkit.sql.parsing import MACROS, normal_sql

ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs", "Mn"),
    exclude_characters="\x00",
)
FOLDS = [DEFAULT_FOLDS, prepared([("&", "and"), ("+", "plus"), ("inc", "incorporated")])]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(MACROS)
    return connection


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Artificial Intelligence", "artificial_intelligence"),
        ("  Y COMBINATOR  ", "y_combinator"),
        ("Management and Strategy Consulting", "management_and_strategy_consulting"),
        ("Management & Strategy Consulting", "management_and_strategy_consulting"),
        ("Non-Profit & Community Organizations", "non_profit_and_community_organizations"),
        ("Café Crème", "cafe_creme"),
        ("ML_pipeline", "ml_pipeline"),
        ("---", ""),
    ],
)
def test_normal_form(text: str, expected: str) -> None:
    assert normal(text) == expected


def test_word_folds_replace_whole_words_only() -> None:
    folds = FOLDS[1]
    assert normal("Acme Inc", folds) == "acme_incorporated"
    assert normal("Acme Inc Inc", folds) == "acme_incorporated_incorporated"
    assert normal("Incline", folds) == "incline"


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=30), st.sampled_from(range(len(FOLDS))))
def test_python_and_sql_normalise_alike(
    con: duckdb.DuckDBPyConnection, text: str, which: int
) -> None:
    folds = FOLDS[which]
    got = con.execute(f"SELECT {normal_sql('?', folds)}", [text]).fetchone()
    assert got is not None
    assert got[0] == normal(text, folds)


def test_every_code_point_reads_alike_in_python_and_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Each of the 1,112,062 code points, alone and between two letters, has one normal form
    and one lowered form in the engine and in DuckDB, whatever Unicode version the
    interpreter carries (14.0 in Python 3.11, 15.1 in 3.13): both follow Unicode 15.0."""
    texts = [f"a{chr(cp)}b" for cp in range(1, 0x110000) if not 0xD800 <= cp <= 0xDFFF]
    code_points = pa.table({"t": texts})  # noqa: F841 - read by DuckDB's replacement scan
    got = con.execute("SELECT icp_norm(t), icp_low(t) FROM code_points").fetchall()
    wrong = [
        (f"U+{ord(t[1]):04X}", sql, (normal(t), lowered(t)))
        for t, sql in zip(texts, got, strict=True)
        if sql != (normal(t), lowered(t))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ΟΔΟΣ", "οδοσ"), ("οδος", "οδοσ"), ("Σοφος Σ", "σοφοσ_σ"), ("ΣΑΣ", "σασ")],
)
def test_a_final_sigma_reads_as_any_sigma(
    con: duckdb.DuckDBPyConnection, text: str, expected: str
) -> None:
    """Python's lower() writes a word-final capital sigma as 'ς', DuckDB's as 'σ': both read
    as 'σ', so 'ΟΔΟΣ' and 'οδος' are one value in every backend."""
    got = con.execute(f"SELECT {normal_sql('?')}", [text]).fetchone()
    assert (normal(text), got) == (expected, (expected,))


def test_the_pinned_tables_agree_with_this_interpreter_where_both_assign() -> None:
    """The Unicode 15.0 tables against the running `unicodedata`: every code point both
    assign has the same class (word, mark, other); a code point the interpreter has not
    assigned is unassigned in 15.0 only if the interpreter is older."""
    newer = tuple(map(int, unicodedata.unidata_version.split("."))) >= (15, 0)
    for cp in range(0x110000):
        c = chr(cp)
        category = unicodedata.category(c)
        if category == "Cn":
            assert unicode15.is_unassigned(c) or not newer, f"U+{cp:04X}"
            continue
        if unicode15.is_unassigned(c):
            assert newer, f"U+{cp:04X}"
            continue
        assert (unicode15.is_word(c), unicode15.is_mark(c)) == (
            category[0] in "LN",
            category[0] == "M",
        ), f"U+{cp:04X}"


def test_text_values_carry_their_normal_form() -> None:
    value = Text("AI-powered Café")
    assert (value, value.normal, value.words, value.low) == (
        "AI-powered Café",
        "ai_powered_cafe",
        "_ai_powered_cafe_",
        "ai-powered cafe",
    )


def test_explain_and_test_read_an_open_set_value_alike(tmp_path: Path) -> None:
    """The defect: a fixture with an open-set tag written with capitals and spaces."""
    root = REPO / "tests" / "examples" / "posthog"
    company = tmp_path / "acme.yaml"
    company.write_text(
        "kind: fixture\nname: Acme\ncompany:\n  profile_found: true\n"
        "  tags: [Artificial Intelligence]\n  headcount: 5\nexpect: {status: scored}\n"
    )
    from_file = CliRunner().invoke(
        cli, ["--root", str(root), "explain", str(company), "--as-of", "2026-11-01"]
    )
    from_cells = CliRunner().invoke(
        cli,
        [
            "--root",
            str(root),
            "explain",
            "--set",
            "profile_found=yes",
            "--set",
            "tags=Artificial Intelligence",
            "--set",
            "headcount=5",
            "--as-of",
            "2026-11-01",
        ],
    )
    assert from_file.exit_code == 0, from_file.output
    assert from_cells.exit_code == 0, from_cells.output
    first = [line for line in from_file.output.splitlines() if "points" in line][:2]
    second = [line for line in from_cells.output.splitlines() if "points" in line][:2]
    assert first == second
    assert "15 points" in first[0]  # the AI tag earns AI-pilled's 15


def test_validate_reports_an_operand_no_value_can_equal(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "hb"
    shutil.copytree(REPO / "tests" / "examples" / "posthog", root)
    segments = root / "rules" / "segments.yaml"
    segments.write_text(
        segments.read_text().replace("has_any: [AI Grant Batch 1]", "has_any: ['---']")
    )
    report = validate(root, today=dt.date(2026, 11, 23))
    messages = [str(p) for p in report.problems]
    assert any("(operand-never-equal)" in m and "'---'" in m for m in messages), messages


@pytest.mark.parametrize("token", ["N/A", "none", " NA ", "-"])
def test_validate_reports_a_text_operand_read_as_a_missing_value(
    tmp_path: Path, token: str
) -> None:
    """A text cell holding a null token ('N/A', 'none', 'NA', '-') is unknown on every path,
    so an operand of equals / one_of that is one can never be equal: said once, where it is."""
    import shutil

    root = tmp_path / "hb"
    shutil.copytree(REPO / "tests" / "examples" / "posthog", root)
    negative = root / "profiles" / "negative" / "not-who-we-build-for.yaml"
    text = negative.read_text()
    negative.write_text(
        text.replace(
            "{field: role, equals: student}", f"{{field: role, one_of: [student, '{token}']}}"
        )
    )
    report = validate(root, today=dt.date(2026, 11, 23))
    found = [str(p) for p in report.problems if p.rule == "operand-never-equal"]
    assert len(found) == 1, [str(p) for p in report.problems]
    assert found[0].startswith("profiles/negative/not-who-we-build-for.yaml:24:43: error "), found
    assert f"'{token}'" in found[0] and "missing value" in found[0], found


def test_an_affix_operand_is_trimmed_of_blanks_as_values_are(tmp_path: Path) -> None:
    """Values are trimmed of every blank (no-break space, tab, ideographic space), so an
    ends_with operand is too: '.ai' followed by a no-break space still matches 'acme.ai'."""
    import shutil

    root = tmp_path / "hb"
    shutil.copytree(REPO / "tests" / "examples" / "posthog", root)
    profile = root / "profiles" / "icp" / "fit.yaml"
    profile.write_text(
        profile.read_text().replace("ends_with: .ai}", 'ends_with: "\\t.ai\\u00a0"}')
    )
    assert [str(p) for p in validate(root, today=dt.date(2026, 11, 23)).problems] == []
    result = CliRunner().invoke(
        cli,
        [
            "--root",
            str(root),
            "explain",
            "--set",
            "profile_found=yes",
            "--set",
            "signup_domain=acme.ai",
            "--set",
            "headcount=5",
            "--as-of",
            "2026-11-01",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "AI-pilled: 15 points" in result.output, result.output


# --- case folding: 'Straße' is 'STRASSE', the ligature 'ﬁ' is 'fi' ---------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["straße", "STRASSE", "Strasse", "STRAẞE", "strasse"], "strasse"),
        (["\ufb01nance", "FINANCE", "Finance"], "finance"),
        (["\ufb00", "\ufb06", "\ufb05"], None),  # ff, st, st: checked below
        (["ſ", "S"], "s"),
        (["µ", "μ", "Μ"], "μ"),
        (["Groß & Söhne", "GROSS AND SÖHNE"], "gross_and_sohne"),
    ],
)
def test_a_text_is_case_folded(texts: list[str], expected: str | None) -> None:
    """Unicode full case folding after marks are dropped and the text is lowercased, so that
    every spelling of a word has one normal form (issue 16: case-insensitive, Unicode-aware)."""
    if expected is None:
        assert [normal(t) for t in texts] == ["ff", "st", "st"]
        return
    assert {normal(t) for t in texts} == {expected}
    assert {Text(t).normal for t in texts} == {expected}


def test_affixes_read_the_folded_text() -> None:
    """starts_with / ends_with read `lowered` (`Text.low`), folded too: 'ßen' starts with 'ss'."""
    assert Text("ßen").low == "ssen" == lowered("SSEN")
    assert lowered("STRAẞE \ufb01nance") == "strasse finance"
    # ASCII is only lowercased; nothing else differs from Python's casefold after the marks
    assert lowered("Hello WORLD") == "Hello WORLD".casefold()


def test_the_fold_table_is_unicode_full_case_folding() -> None:
    """`unicode15.FOLD` is what str.casefold gives for the characters lowering leaves (where
    the interpreter's Unicode agrees with 15.0 on those characters), each fold final."""
    assert unicode15.FOLD["ß"] == "ss"
    assert unicode15.FOLD["\ufb01"] == "fi"
    assert unicode15.FOLD["\u0149"] == "\u02bcn"
    for c, f in unicode15.FOLD.items():
        assert lowered(c) == f and lowered(f) == f, c
        assert unicodedata.normalize("NFD", c.casefold()) == unicodedata.normalize("NFD", f), c
    # every character whose lowered form holds a character to fold is in FOLDED (SQL's guard)
    assert {"ẞ", "ẛ", "ß", "\ufb01"} <= {
        chr(cp) for a, b in unicode15.FOLDED for cp in range(a, b + 1)
    }


def test_a_fold_source_is_case_folded(con: duckdb.DuckDBPyConnection) -> None:
    """A vocabulary's fold source and target are read in the same normal form."""
    folds = prepared([("Straße", "street")])
    assert folds == (("strasse", "street"),)
    assert normal("Hauptstraße 5 STRASSE", folds) == "hauptstrasse_5_street"
    got = con.execute(f"SELECT {normal_sql('?', folds)}", ["Hauptstraße 5 STRASSE"]).fetchone()
    assert got == ("hauptstrasse_5_street",)


def _folding_handbook(tmp_path: Path, operands: str) -> Path:
    """The PostHog handbook with the software signal's description words replaced."""
    import shutil

    root = tmp_path / "hb"
    shutil.copytree(REPO / "tests" / "examples" / "posthog", root)
    fit = root / "profiles" / "icp" / "fit.yaml"
    text = fit.read_text(encoding="utf-8")
    words = (
        "mentions: [software, platform, api, saas, application, developer, sdk, 'automat*', "
        "dashboard, analytics, infrastructure, 'integrat*']"
    )
    assert words in text
    fit.write_text(text.replace(words, f"mentions: {operands}"), encoding="utf-8")
    return root


def test_an_operand_is_case_folded_as_values_are(tmp_path: Path) -> None:
    """`mentions: [STRASSE]` and `mentions: [straße]` are one operand."""
    from icpkit.loading.handbook import load

    def operand(spelled: str) -> object:
        hb = load(_folding_handbook(tmp_path / spelled, f"[{spelled}, \ufb01nance]")).handbook
        icp = next(i for i in hb.icps if i.id == "fit")
        items = list(icp.scoring)
        while not any(getattr(r, "id", "") == "software-signal" for r in items):
            items = [x for g in items for x in getattr(g, "items", ())]
        rule = next(r for r in items if getattr(r, "id", "") == "software-signal")
        return [c.operand for c in rule.when.items if getattr(c, "field", "") == "description"]

    assert operand("STRASSE") == operand("straße") == [("strasse", "finance")]


TEXTS = ["STRASSE", "Strasse", "Straße", "STRAẞE", "\ufb01nance team", "Grosse Bank", "Strase"]
MET = [True, True, True, True, True, False, False]


def test_explain_and_score_case_fold_a_text(tmp_path: Path) -> None:
    """`mentions: [straße, finance]` meets STRASSE, Strasse, STRAẞE and 'ﬁnance team' (the
    ligature) in icp explain and in icp score (DuckDB); 'Grosse Bank' and 'Strase' miss."""
    import csv

    root = _folding_handbook(tmp_path, "[straße, finance]")
    met = []
    for text in TEXTS:
        out = CliRunner().invoke(
            cli,
            [
                *("--root", str(root), "explain", "--as-of", "2026-11-01"),
                *("--set", "profile_found=yes", "--set", "headcount=5"),
                *("--set", f"description={text}"),
            ],
        )
        assert out.exit_code == 0, out.output
        line = next(x for x in out.output.splitlines() if "mentions any of straße" in x)
        met.append("(met): met, +7" in line)
    assert met == MET
    src = tmp_path / "accounts.csv"
    with src.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["id", "profile_found", "headcount", "description"])
        w.writerows([i, "yes", 5, t] for i, t in enumerate(TEXTS))
    scored = tmp_path / "scores.csv"
    out = CliRunner().invoke(
        cli, ["--root", str(root), "score", str(src), "-o", str(scored), "--as-of", "2026-11-01"]
    )
    assert out.exit_code == 0, out.output
    with scored.open(newline="", encoding="utf-8") as handle:
        scores = [r["score"] for r in csv.DictReader(handle)]
    assert scores == ["7" if m else "0" for m in MET]
