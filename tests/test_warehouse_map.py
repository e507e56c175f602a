"""`--map FILE` is read the same by every command: a key that is not a field of the
vocabulary is one error at its file:line:col with the closest field's name (a typo left the
field unmapped, unknown for every account, silently, in `icp sql` and `icp export dbt`), and
value spellings (`values:`), which the warehouse query cannot honour, are refused there."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from icpkit.cli import main

EXPORT = REPO / "tests" / "examples" / "hubspot-export.csv"
TYPO = "country: billing_country\n# the industry column\ninudstry: sector\n"
VALUES = "country: land\nindustry:\n  column: Sector\n  values:\n    Technology: software\n"


def icp(*args: str) -> int:
    return main(["--root", str(REPO), "--today", "2026-11-01", *args])


def commands(tmp_path: Path, mapping: Path) -> dict[str, list[str]]:
    out = str(tmp_path / "out.csv")
    m = ["--map", str(mapping)]
    pg = ["--engine", "postgres", "--dsn", "host=127.0.0.1 port=1", "--table", "t"]
    return {
        "sql": ["sql", "--dialect", "postgres", "--table", "t", *m],
        "dbt": ["export", "dbt", str(tmp_path / "dbt"), "--source", "crm.accounts", *m],
        "score": ["score", str(EXPORT), "-o", out, *m],
        "score-postgres": ["score", *pg, "-o", out, *m],
        "explain": ["explain", str(EXPORT), "--row", "1", *m],
    }


@pytest.mark.parametrize("command", ["sql", "dbt", "score", "score-postgres", "explain"])
def test_a_map_key_that_is_no_field_is_an_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(TYPO, encoding="utf-8")
    assert icp(*commands(tmp_path, mapping)[command]) == 2
    err = capsys.readouterr().err
    assert f"{mapping}:3:1: found the field 'inudstry', which is not in the vocabulary" in err
    assert "(did you mean 'industry'?)" in err
    assert not (tmp_path / "dbt").exists() and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("command", ["sql", "dbt"])
def test_value_spellings_are_refused_where_the_query_cannot_read_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(VALUES, encoding="utf-8")
    assert icp(*commands(tmp_path, mapping)[command]) == 2
    err = capsys.readouterr().err
    assert f"{mapping}:4:3: found 'values:' for industry; expected none with icp " in err


def test_a_column_entry_without_values_is_a_plain_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`industry: {column: Sector}` maps a column only: icp sql reads it (and --engine does
    not refuse it as value spellings)."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("industry:\n  column: sector\n", encoding="utf-8")
    assert icp(*commands(tmp_path, mapping)["sql"]) == 0
    assert "THEN sector" in capsys.readouterr().out
    assert icp(*commands(tmp_path, mapping)["score-postgres"]) == 1
    assert "cannot connect to PostgreSQL" in capsys.readouterr().err


def test_an_unknown_key_under_a_field_names_the_closest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("country: land\nindustry:\n  colum: sector\n", encoding="utf-8")
    assert icp(*commands(tmp_path, mapping)["sql"]) == 2
    err = capsys.readouterr().err
    assert f"{mapping}:2:1: industry: expected a column name" in err
    assert "(did you mean 'column'?)" in err


def test_backtest_takes_outcome_roles_and_refuses_a_typo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`icp backtest --map` also names the outcome columns (outcome, as_of, ...): those are
    no typo, a misspelt one is."""
    history = tmp_path / "deals.csv"
    history.write_text("Record ID,Country,Deal Stage\n1,DE,closedwon\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("outcome: Deal Stage\noutcom: Deal Stage\n", encoding="utf-8")
    assert icp("backtest", str(history), "--map", str(mapping)) == 2
    err = capsys.readouterr().err
    assert f"{mapping}:2:1: found the field 'outcom'" in err and "'outcome'" in err


@pytest.mark.parametrize("command", ["sql", "dbt", "score", "score-postgres", "explain"])
def test_one_column_named_for_two_fields_is_an_error_at_the_second(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """`country: order` and `employees: order` (a copy-paste slip) gave icp sql --ddl a
    table with the column "order" twice (TEXT and INTEGER), a query reading one column as
    a country and a number, and icp score a budget read from the head count, silently.
    It is one error at the second field's key, naming the first."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("country: order\n# the head count\nemployees: order\n", encoding="utf-8")
    assert icp(*commands(tmp_path, mapping)[command]) == 2
    err = capsys.readouterr().err
    assert (
        f"{mapping}:3:1: found the column 'order' for employees, which country already "
        "reads (line 1); expected one column per field"
    ) in err
    assert err.count("found") == 1
    assert not (tmp_path / "dbt").exists() and not (tmp_path / "out.csv").exists()
