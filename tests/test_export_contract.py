"""The export contract at the command line (issue 11): a value is read right or reported
unreadable with its row and column, absent data is unknown, a malformed file is refused with
the line at fault, `score` and `explain` agree, and no run loses or overwrites an account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, TODAY
from icpkit.cli import main
from icpkit.errors import ExitCode
from icpkit.loading.handbook import load
from icpkit.sql.companies import ExportOptions, from_export, from_file

HANDBOOK = load(REPO).handbook
CORPUS = Path(__file__).parent / "corpus" / "exports"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--today", TODAY.isoformat(), "--root", str(REPO), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_names_the_line_of_an_unclosed_quote(capsys: pytest.CaptureFixture[str]) -> None:
    """explain refuses the file as score does, never with the CSV engine's own message."""
    code, out, err = run(capsys, "explain", str(CORPUS / "unclosed-quote.csv"), "--row", "1")
    assert code == ExitCode.FINDINGS
    assert "unclosed-quote.csv:2: found a quote that opens on line 2" in out + err
    assert "Invalid Input Error" not in out + err


def test_score_refuses_to_overwrite_its_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """-o the input itself, by another spelling of its path or through a link, is refused and
    the input is left as it was."""
    src = tmp_path / "accounts.csv"
    src.write_bytes((CORPUS / "ragged-rows.csv").read_bytes())
    before = src.read_bytes()
    (tmp_path / "link.csv").symlink_to(src)
    for target in (src, tmp_path / "." / "accounts.csv", tmp_path / "link.csv"):
        code, out, err = run(capsys, "score", str(src), "-o", str(target))
        assert code == ExitCode.USAGE, out + err
        assert "which is the input file" in out + err
    assert src.read_bytes() == before
    assert not Path(f"{src}.provenance.json").exists()


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("employees", "8.000"),
        ("employees", "1.200"),
        ("employees", "250"),
        ("it_budget", "600.000"),
        ("it_budget", "600000"),
        ("growth_rate", "3,5"),
        ("growth_rate", "25"),
        ("employees", "1_000"),
        ("employees", "01067"),
    ],
)
def test_a_company_file_reads_a_number_as_a_csv_cell_does(
    tmp_path: Path, field: str, text: str
) -> None:
    """The same text in a YAML company file (unquoted: YAML would make 8.000 the float 8) and
    in a CSV cell reads the same: one reading, one parse layer."""
    yaml_file = tmp_path / "company.yaml"
    yaml_file.write_text(f"name: Acme\ncountry: DE\n{field}: {text}\n", encoding="utf-8")
    csv_file = tmp_path / "company.csv"
    csv_file.write_text(f'id,country,{field}\n1,DE,"{text}"\n', encoding="utf-8")
    _, from_yaml, bad_yaml, _ = from_file(HANDBOOK, yaml_file)
    _, from_csv, bad_csv = from_export(HANDBOOK, csv_file, 1, ExportOptions(id_column="id"))
    assert from_yaml.get(field) == from_csv.get(field)
    assert bad_yaml == bad_csv


@pytest.mark.parametrize(
    ("value", "read"),
    [("'N/A'", None), ("'-'", None), ("null", None), ("[]", frozenset()), ("''", frozenset())],
)
def test_a_company_file_missing_tech_stack_is_unknown(
    tmp_path: Path, value: str, read: frozenset[str] | None
) -> None:
    """`tech_stack: N/A` says nothing about the tools: unknown; only an empty value is none."""
    path = tmp_path / "company.yaml"
    path.write_text(f"name: Acme\ncountry: DE\ntech_stack: {value}\n", encoding="utf-8")
    _, company, _, _ = from_file(HANDBOOK, path)
    assert company.get("tech_stack") == read


def test_explain_reports_unreadable_cells_and_the_convention(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(CORPUS / "closed-set-unknown-member.csv")
    code, out, _ = run(capsys, "explain", path, "--row", "1", "--format", "json")
    assert code == ExitCode.OK
    data = json.loads(out)
    assert data["decimal_convention"].startswith("decimal convention: ")
    [cell] = data["unreadable_cells"]
    assert cell["row"] == 1 and cell["column"] == "Web Technologies"
    assert cell["field"] == "tech_stack" and cell["text"] == "Python 3"
    assert "not a value of tech_stack" in cell["why"]
    code, out, _ = run(capsys, "explain", path, "--row", "1")
    assert "warning: row 1, column Web Technologies: unrecognised members in 'Python 3'" in out
    assert "Tech stack: 1 unrecognised: 'Python 3'" in out
    assert "decimal convention: " in out


def test_explain_and_score_agree_on_an_unknown_member(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A member the vocabulary does not know is an unknown member in both (the set is partly
    known: not an unknown field), and --strict fails on it."""
    path = str(CORPUS / "closed-set-unknown-member.csv")
    out_file = tmp_path / "scores.csv"
    code, out, err = run(capsys, "score", path, "-o", str(out_file), "--strict")
    assert code == ExitCode.FINDINGS, out + err
    rows = out_file.read_text(encoding="utf-8").splitlines()
    first = dict(zip(rows[0].split(","), rows[1].split(","), strict=True))
    code, out, _ = run(capsys, "explain", path, "--row", "1", "--format", "json")
    verdict = json.loads(out)["verdict"]
    assert first["tier"] == (verdict["tier"] or "")
    assert first["score"] == str(verdict["score"] if verdict["score"] is not None else "")
    assert "tech_stack" not in verdict["unknown_fields"]
    assert "tech_stack" not in first["unknown_fields"]


def test_explain_an_export_without_a_row_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "explain", str(CORPUS / "ragged-rows.csv"))
    assert code == ExitCode.USAGE
    assert "without --row or --id" in out + err


def test_threads_below_one_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = str(CORPUS / "ragged-rows.csv")
    code, out, err = run(capsys, "score", src, "-o", str(tmp_path / "o.csv"), "--threads", "-1")
    assert code == ExitCode.USAGE
    assert "internal error" not in out + err and "--threads" in out + err


def test_explain_by_id_reads_as_by_row(capsys: pytest.CaptureFixture[str]) -> None:
    """--id finds the row and reads it exactly as --row does: its unreadable cells, the decimal
    convention and --decimal-comma too."""
    path = str(CORPUS / "closed-set-unknown-member.csv")
    _, by_row, _ = run(capsys, "explain", path, "--row", "4", "--format", "json")
    _, by_id, _ = run(capsys, "explain", path, "--id", "4", "--format", "json")
    row, ident = json.loads(by_row), json.loads(by_id)
    assert row["verdict"] == ident["verdict"]
    assert row["unreadable_cells"] == ident["unreadable_cells"] != []
    path = str(CORPUS / "decimal-comma-flag.csv")
    _, by_row, _ = run(capsys, "explain", path, "--row", "2", "--decimal-comma", "--format", "json")
    _, by_id, _ = run(capsys, "explain", path, "--id", "2", "--decimal-comma", "--format", "json")
    assert json.loads(by_row)["verdict"] == json.loads(by_id)["verdict"]
    assert "set by --decimal-comma" in json.loads(by_id)["decimal_convention"]


@pytest.mark.parametrize(
    ("field", "column", "text"),
    [
        ("employees", "Number of Employees", "8.000"),
        ("annual_revenue", "Annual Revenue", "1,200"),
        ("employees", "Number of Employees", "5,000"),
    ],
)
def test_explain_set_says_why_a_value_reads_two_ways_as_score_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, field: str, column: str, text: str
) -> None:
    """`icp explain --set employees=8.000` said only "unreadable (counted as unknown):
    employees"; the scorer's warning on the same text in a file (tests/corpus/exports/
    reads-two-ways.csv) says why and what to write instead. Both now say it in the number
    reader's words: the same reason, word for word."""
    path = CORPUS / "reads-two-ways.csv"
    code, _, err = run(capsys, "score", str(path), "-o", str(tmp_path / "o.csv"))
    warning = f"column {column}: cannot read {text!r}: "
    [line] = [ln for ln in err.splitlines() if warning in ln]
    why = line.split(warning, 1)[1]
    assert why.startswith("reads two ways: ") and "; write " in why
    code, out, _ = run(capsys, "explain", "--set", f"{field}={text}", "--set", "country=DE")
    assert code == ExitCode.OK
    assert f"warning: --set {field}: cannot read {text!r}: {why}" in out
    code, out, _ = run(capsys, "explain", "--set", f"{field}={text}", "--format", "json")
    assert json.loads(out)["unreadable_values"] == [{"field": field, "text": text, "why": why}]


def test_explain_says_a_misaligned_row_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    """`explain --id`/`--row` of a record with an unquoted delimiter in a cell: every rule
    unknown (it read growth rate '300k' as 300,000 percent, met) and a warning naming the
    row and line, in text and JSON."""
    path = str(CORPUS / "misaligned-unquoted-delimiter.csv")
    code, out, _ = run(capsys, "explain", path, "--id", "m7")
    assert code == ExitCode.OK
    assert "\nwarning: row 2 (line 3) has more cells than the header" in out
    assert "300,000" not in out and ": met" not in out
    _, body, _ = run(capsys, "explain", path, "--row", "2", "--format", "json")
    data = json.loads(body)
    assert data["row_warnings"][0].startswith("warning: row 2 (line 3)")
    assert data["verdict"]["status"] == "insufficient_data"
