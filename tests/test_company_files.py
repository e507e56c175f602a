"""A company file read by `icp explain FILE`: its `name` labels it, and is a value too when
the vocabulary has a field of that name (tests/corpus/small has `name`, a text field)."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO
from icpkit.loading.validate import open_handbook
from icpkit.sql.companies import from_file

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
