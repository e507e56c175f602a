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
from icpkit.sql.companies import from_export, from_file, read_file

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
