"""A company file read by `icp explain FILE`: its `name` labels it, and is a value too when
the vocabulary has a field of that name (tests/corpus/small has `name`, a text field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, TODAY
from icpkit.cli import main
from icpkit.errors import ExitCode
from icpkit.loading.validate import open_handbook
from icpkit.sql.companies import ExportOptions, from_export, from_file, read_file

SMALL = REPO / "tests" / "corpus" / "small"


def test_a_field_called_name_is_read_as_a_value(tmp_path: Path) -> None:
    company = tmp_path / "acme.yaml"
    company.write_text("name: Acme Corp\na: 1\n", encoding="utf-8")
    read = from_file(open_handbook(SMALL), company)
    assert read.name == "Acme Corp"
    assert read.company["name"] == "Acme Corp" and read.company["a"] == 1


def test_name_only_labels_the_file_when_no_field_has_it(tmp_path: Path) -> None:
    company = tmp_path / "acme.yaml"
    company.write_text("name: Acme Corp\ncountry: US\n", encoding="utf-8")
    read = from_file(open_handbook(REPO), company)
    assert read.name == "Acme Corp" and "name" not in read.company


POSTHOG = REPO / "tests" / "examples" / "posthog"


def _write(path: Path, values: dict[str, object]) -> Path:
    """`values` as a JSON or YAML company file (by `path`'s ending)."""
    if path.suffix == ".json":
        path.write_text(json.dumps(values), encoding="utf-8")
    else:
        path.write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in values.items()), "utf-8")
    return path


def _explain(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    code = main(["--today", TODAY.isoformat(), "--root", str(root), *args])
    out, err = capsys.readouterr()
    return code, out + err


#: a company with its id, in each example handbook: the PostHog vocabulary's id columns are
#: organization_id and id; the root one's are Record ID, hs_object_id, Account ID, Id, …
WITH_ID = [
    (POSTHOG, "organization_id", {"profile_found": True, "headcount": 5}),
    (POSTHOG, "id", {"profile_found": True, "headcount": 5}),
    (REPO, "id", {"country": "DE", "employees": 250}),
    (REPO, "Record ID", {"country": "DE", "employees": 250}),
]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize(("root", "id_key", "values"), WITH_ID)
def test_a_company_files_id_column_is_its_id_not_an_error(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    suffix: str,
    root: Path,
    id_key: str,
    values: dict[str, object],
) -> None:
    """The same record is explained from a JSON Lines row and from a JSON or YAML company
    file: the key naming one of the vocabulary's id columns is the company's id, shown as the
    export row's is, and the company read is the same."""
    company = _write(tmp_path / f"acme{suffix}", {id_key: "o1", **values})
    code, out = _explain(capsys, root, "explain", str(company))
    assert code == ExitCode.OK, out
    assert out.splitlines()[0] == "acme (o1)"
    assert "not a field" not in out and "did you mean" not in out
    handbook = open_handbook(root)
    read = read_file(handbook, company)
    assert read.ident == "o1"
    export = tmp_path / "acme.jsonl"
    export.write_text(json.dumps({id_key: "o1", **values}) + "\n", encoding="utf-8")
    ident, row, unreadable = from_export(handbook, export, 1)
    assert (ident, row, unreadable) == ("o1", read.company.company, read.company.unreadable)


def test_id_column_names_a_company_files_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    company = _write(tmp_path / "acme.yaml", {"crm_key": "c-7", "country": "DE"})
    code, out = _explain(capsys, REPO, "explain", str(company))
    assert code == ExitCode.USAGE and "found 'crm_key', which is not a field" in out
    code, out = _explain(capsys, REPO, "explain", str(company), "--id-column", "crm_key")
    assert code == ExitCode.OK and out.splitlines()[0] == "acme (c-7)", out
    # an --id-column the file has no key for is said, never ignored
    code, out = _explain(capsys, REPO, "explain", str(company), "--id-column", "crm_id")
    assert code == ExitCode.USAGE
    assert "found no key 'crm_id' (--id-column)" in out and "keys are crm_key, country" in out


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize(
    ("option", "expected"),
    [("--decimal-point", 1234.0), ("--decimal-comma", 1.234)],
)
def test_a_company_files_text_number_is_read_with_the_decimal_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str, option: str, expected: float
) -> None:
    """`annual_revenue: "1,234"` reads as the same CSV cell does with the same option (it was
    left unknown: the option was ignored for a company file)."""
    company = _write(tmp_path / f"acme{suffix}", {"country": "DE", "annual_revenue": "1,234"})
    export = tmp_path / "acme.csv"
    export.write_text('id,country,annual_revenue\n1,DE,"1,234"\n', encoding="utf-8")
    handbook = open_handbook(REPO)
    options = ExportOptions(decimal_comma=option == "--decimal-comma")
    read = read_file(handbook, company, options)
    _, row, _ = from_export(handbook, export, 1, ExportOptions(id_column="id", **_dec(option)))
    assert read.company.company["annual_revenue"] == row["annual_revenue"] == expected
    assert read.company.unreadable == [] and read.values == ()
    code, out = _explain(capsys, REPO, "explain", str(company), option, "--format", "json")
    assert code == ExitCode.OK
    data = json.loads(out)
    assert "annual_revenue" not in data["verdict"]["unknown_fields"]
    assert data["decimal_convention"].endswith(f"set by {option}")


def _dec(option: str) -> dict[str, bool]:
    return {"decimal_comma": option == "--decimal-comma"}


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_company_files_number_that_reads_two_ways_is_unknown_and_explain_says_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    """Without an option, the CSV rule: '1,234' reads two ways, so it is unknown; explain
    names where it is in the file and why, in the number reader's words (as for a cell)."""
    company = _write(tmp_path / f"acme{suffix}", {"country": "DE", "annual_revenue": "1,234"})
    export = tmp_path / "acme.csv"
    export.write_text('id,country,annual_revenue\n1,DE,"1,234"\n', encoding="utf-8")
    handbook = open_handbook(REPO)
    read = read_file(handbook, company)
    _, row, unreadable = from_export(handbook, export, 1, ExportOptions(id_column="id"))
    assert "annual_revenue" not in read.company.company and "annual_revenue" not in row
    assert read.company.unreadable == unreadable == ["annual_revenue"]
    [value] = read.values
    line = {".json": 1, ".yaml": 2}[suffix]
    assert (value.field, value.text, value.line) == ("annual_revenue", "1,234", line)
    assert value.why.startswith("reads two ways: ")
    code, out = _explain(capsys, REPO, "explain", str(company))
    assert code == ExitCode.OK
    where = f"{company}:{value.line}:{value.column}: annual_revenue"
    assert f"warning: {where}: cannot read '1,234': {value.why}" in out
    assert "decimal convention: not known" in out
    # a value that shows the convention decides it for the file, as a CSV's cells do
    _write(company, {"country": "DE", "annual_revenue": "1,234", "growth_rate": "12.5"})
    assert read_file(handbook, company).company.company["annual_revenue"] == 1234.0


def test_a_set_value_replaces_a_company_files_unreadable_value_and_both_are_said(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    company = _write(
        tmp_path / "acme.yaml",
        {"country": "DE", "annual_revenue": "1,234", "it_budget": "8.000"},
    )
    code, out = _explain(capsys, REPO, "explain", str(company), "--set", "annual_revenue=5,000")
    assert code == ExitCode.OK
    assert f"warning: {company}:3:12: it_budget: cannot read '8.000': reads two ways" in out
    assert "warning: --set annual_revenue: cannot read '5,000': reads two ways" in out
    assert "cannot read '1,234'" not in out


def _yaml_raw(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_typed_number_is_no_evidence_of_the_convention_as_in_json_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    """An unquoted 12.5 is a typed number, not text: it shows no decimal convention (as a
    JSON Lines key typed a number does not), so '450,000' reads two ways and is unknown in
    the company file as in the same object as a JSON Lines row."""
    record = {"Record ID": 42, "country": "US", "growth_rate": 12.5, "it_budget": "450,000"}
    company = _write(tmp_path / f"acme{suffix}", record)
    export = tmp_path / "acme.jsonl"
    export.write_text(json.dumps(record) + "\n", encoding="utf-8")
    handbook = open_handbook(REPO)
    read = read_file(handbook, company)
    ident, row, unreadable = from_export(handbook, export, 1)
    assert (read.ident, read.company.company, read.company.unreadable) == (
        ident,
        row,
        unreadable,
    )
    assert ident == "42"
    assert "it_budget" in unreadable and "it_budget" not in row
    assert "no value in the file shows it" in read.convention
    code, out = _explain(capsys, REPO, "explain", str(company))
    assert code == ExitCode.OK
    assert "detected from '12.5'" not in out and "no value in the file shows it" in out


@pytest.mark.parametrize("quoted", [True, False])
def test_a_yaml_number_quoted_is_text_evidence_as_a_json_lines_string_is(
    tmp_path: Path, quoted: bool
) -> None:
    """`growth_rate: "12.5"` is text, as the JSON Lines string "12.5" is: it shows the dot
    (and '450,000' reads as 450000); `growth_rate: 12.5` unquoted shows nothing."""
    rate = '"12.5"' if quoted else "12.5"
    company = _yaml_raw(
        tmp_path / "acme.yaml",
        f"Record ID: 42\ncountry: US\ngrowth_rate: {rate}\nit_budget: '450,000'\n",
    )
    export = tmp_path / "acme.jsonl"
    value: object = "12.5" if quoted else 12.5
    record = {"Record ID": 42, "country": "US", "growth_rate": value, "it_budget": "450,000"}
    export.write_text(json.dumps(record) + "\n", encoding="utf-8")
    handbook = open_handbook(REPO)
    read = read_file(handbook, company)
    _, row, unreadable = from_export(handbook, export, 1)
    assert (read.company.company, read.company.unreadable) == (row, unreadable)
    assert (row.get("it_budget") == 450000.0) is quoted


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_another_id_column_is_a_column_not_used_as_in_an_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    """With --id-column naming one id column, another id column the file has is not used,
    never 'not a field' (as a CSV reads it); without the option the first found is the id."""
    values = {"name": "Acme", "Record ID": 1, "Account ID": 2, "country": "US"}
    company = _write(tmp_path / f"id2{suffix}", values)
    code, out = _explain(capsys, REPO, "explain", str(company), "--id-column", "Account ID")
    assert code == ExitCode.OK, out
    assert out.splitlines()[0] == "Acme (2)" and "not a field" not in out
    code, out = _explain(capsys, REPO, "explain", str(company))
    assert code == ExitCode.OK, out
    assert out.splitlines()[0] == "Acme (1)"
    handbook = open_handbook(REPO)
    export = tmp_path / "id2.csv"
    export.write_text("Record ID,Account ID,country\n1,2,US\n", encoding="utf-8")
    ident, row, _ = from_export(handbook, export, 1, ExportOptions(id_column="Account ID"))
    read = read_file(handbook, company, ExportOptions(id_column="Account ID"))
    assert (read.ident, read.company.company) == (ident, row) == ("2", {"country": "US"})


def test_a_key_that_is_not_a_field_is_said_where_it_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    company = _yaml_raw(tmp_path / "acme.yaml", "name: Acme\ncountry: US\ncrm_key: 3\n")
    code, out = _explain(capsys, REPO, "explain", str(company))
    assert code == ExitCode.USAGE
    assert f"{company}:3:1: found 'crm_key', which is not a field or a known column" in out
    fixture = _yaml_raw(tmp_path / "fx.yaml", "kind: fixture\ncompany:\n  country: US\n  bad: 1\n")
    code, out = _explain(capsys, REPO, "explain", str(fixture))
    assert code == ExitCode.USAGE
    assert f"{fixture}:4:3: found 'bad', which is not a field" in out


@pytest.mark.parametrize(("written", "found"), [("{a: 1}", "a mapping"), ("[1, 2]", "a list")])
def test_a_company_files_id_is_one_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, written: str, found: str
) -> None:
    company = _yaml_raw(tmp_path / "acme.yaml", f"name: Acme\nRecord ID: {written}\ncountry: US\n")
    code, out = _explain(capsys, REPO, "explain", str(company))
    assert code == ExitCode.FINDINGS
    assert f"{company}:2:12: Record ID: found {found}; expected the company's id" in out
    assert "Acme (" not in out
