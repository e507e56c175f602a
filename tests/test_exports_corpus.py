"""Export shapes from the field, as data files: each `tests/corpus/exports/<case>.<ext>` is
scored with the options of `<case>.yaml`, which says what must be read.

    about: the fault it pins (from issue 11)
    options: {decimal_comma: true, encoding: cp1252, id_column: x, map: {...}}
    rows:                       # by account id, in output order
      "1":
        tier: D                 # any output column, as text ('' for empty)
        read: {employees: 8000, tech_stack: [python], growth_rate: null}
    rows_total: 3               # accounts in the output
    summary: [text, ...]        # each appears in the rendered summary
    no_summary: [text, ...]     # none appears in it
    error: text                 # the run is refused with this message (no output)

`read` is what `icp explain FILE --row N` reads (null: unknown); sets are lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import REPO, corpus_map
from icpkit.engine.operators import has_unknown_member
from icpkit.errors import IcpError
from icpkit.loading.handbook import load
from icpkit.reporters.scoring import render
from icpkit.sql.companies import ExportOptions, from_export, read_id, read_row
from icpkit.sql.mapping import with_values
from icpkit.sql.scoring import ScoreOptions, score
from icpkit.sql.sources import fmt_of

CORPUS = Path(__file__).parent / "corpus" / "exports"
HANDBOOK = load(REPO).handbook
AS_OF = dt.date(2026, 11, 1)
CASES = sorted(
    p for p in CORPUS.iterdir() if p.suffix != ".yaml" and p.with_suffix(".yaml").exists()
)


def _value(value: Any) -> Any:
    if has_unknown_member(value):  # a partly known set
        return {"known": sorted(value), "unrecognised": list(value.unrecognised)}
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_export_reads_as_expected(path: Path, tmp_path: Path) -> None:
    spec = YAML(typ="safe").load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
    opts = dict(spec.get("options") or {})
    cmap = corpus_map(opts.pop("map", None))
    target = tmp_path / "scores.csv"
    options = ScoreOptions(
        path,
        target,
        AS_OF,
        input_format=fmt_of(path, None),
        id_column=opts.get("id_column"),
        mapping=cmap.columns,
        decimal_comma=opts.get("decimal_comma"),
        encoding=opts.get("encoding"),
        value_map=cmap.values,
    )
    if "error" in spec:
        with pytest.raises(IcpError) as caught:
            score(HANDBOOK, options)
        assert spec["error"] in str(caught.value)
        assert not target.exists()
        assert [p.name for p in tmp_path.iterdir()] == []
        return
    summary = score(HANDBOOK, options)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    id_col = summary.plan.id_column
    position = {row[id_col]: i + 1 for i, row in reversed(list(enumerate(rows)))}
    by_id = {row[id_col]: row for row in reversed(rows)}
    handbook = with_values(HANDBOOK, cmap.values)
    for ident, expected in (spec.get("rows") or {}).items():
        assert str(ident) in by_id, f"no row for account {ident}"
        got = by_id[str(ident)]
        for column, value in expected.items():
            if column == "read":
                continue
            assert got[column] == ("" if value is None else str(value)), (ident, column)
        if "read" in expected:
            _, company, _ = from_export(
                handbook,
                path,
                position[str(ident)],
                ExportOptions(
                    fmt=fmt_of(path, None),
                    id_column=opts.get("id_column"),
                    mapping=cmap.columns,
                    decimal_comma=opts.get("decimal_comma"),
                    encoding=opts.get("encoding"),
                ),
            )
            for field, value in expected["read"].items():
                assert _value(company.get(field)) == value, (ident, field)
    if "rows_total" in spec:
        assert len(rows) == spec["rows_total"]
    text = render(HANDBOOK, summary)
    for needle in spec.get("summary") or []:
        assert needle in text, needle
    for needle in spec.get("no_summary") or []:
        assert needle not in text, needle
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_jsonl_key_is_typed_from_every_record(tmp_path: Path) -> None:
    """DuckDB types a JSON Lines key from a sample of records (20,480): a key of whole
    numbers there, typed BIGINT, rounded a later 49.6 employees to 50 and 19.6 percent growth
    to 20 (+20 points, 'Growing 20% a year or more'). Every record decides the type."""
    path = tmp_path / "accounts.jsonl"
    line = '{"Record ID": "%s", "country": "DE", "employees": %s, "industry": "software", '
    line += '"technologies": ["python"], "growth_rate": %s}\n'
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(line % (i, 240, 10) for i in range(1, 21_001))
        handle.write(line % ("late", 49.6, 19.6))
    target = tmp_path / "scores.csv"
    score(HANDBOOK, ScoreOptions(path, target, AS_OF, input_format="jsonl"))
    with target.open(newline="", encoding="utf-8") as handle:
        late = next(row for row in csv.DictReader(handle) if row["Record ID"] == "late")
    assert late["unreadable_fields"] == "employees"
    _, company, _ = from_export(HANDBOOK, path, 21_001, ExportOptions(fmt="jsonl"))
    assert company.get("employees") is None
    assert company["growth_rate"] == 19.6


def test_an_unclosed_quote_past_the_first_megabyte_is_named_by_its_line(tmp_path: Path) -> None:
    """The head's check for an unclosed quote reads the first megabyte; one further on made
    the careful pass fail as "internal error: field larger than field limit (131072)" once
    the rest of the file passed 128 KB. It is refused naming its line, and leaves no file."""
    path = tmp_path / "accounts.csv"
    row = "{},DE,240,Computer Software,Python\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Record ID,Country/Region,Number of Employees,Industry,Web Technologies\n")
        handle.writelines(row.format(i) for i in range(1, 30_001))
        handle.write('bad,DE,240,Computer Software,"Python\n')
        handle.writelines(row.format(i) for i in range(30_001, 35_001))
    out = tmp_path / "out"
    with pytest.raises(IcpError) as caught:
        score(HANDBOOK, ScoreOptions(path, out / "scores.csv", AS_OF))
    assert f"{path}:30002: found a quote that opens on line 30002" in str(caught.value)
    assert list(out.iterdir()) == []


def test_a_cell_longer_than_128_kb_is_read(tmp_path: Path) -> None:
    """A long notes or description cell (over Python's default 128 KB for a CSV field) ended
    in "internal error: field larger than field limit (131072)" in `score` and `explain`."""
    path = tmp_path / "accounts.csv"
    path.write_text(
        "Record ID,Country/Region,Number of Employees,Notes\n"
        f'1,DE,240,"{"long notes " * 20_000}"\n2,US,300,short\n',
        encoding="utf-8",
    )
    summary = score(HANDBOOK, ScoreOptions(path, tmp_path / "scores.csv", AS_OF))
    assert summary.rows == 2
    _, company, _ = from_export(HANDBOOK, path, 1)
    assert company["employees"] == 240


def test_a_header_repeated_past_the_first_megabyte_is_skipped(tmp_path: Path) -> None:
    """Two exports joined: the second one's header, 30,000 records down (past the head that
    shapes the reading), was scored as an account 'Record ID'. It is skipped and named by its
    line, in `score` and in `explain` (whose rows are the scorer's)."""
    path = tmp_path / "accounts.csv"
    header = "Record ID,Country/Region,Number of Employees,Industry,Web Technologies\n"
    row = "{},DE,240,Computer Software,Python\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header)
        handle.writelines(row.format(i) for i in range(1, 30_001))
        handle.write(header.upper())
        handle.writelines(row.format(i) for i in range(30_001, 30_011))
    assert path.stat().st_size > 1 << 20
    summary = score(HANDBOOK, ScoreOptions(path, tmp_path / "scores.csv", AS_OF))
    assert summary.rows == 30_010
    assert any("header row repeated on lines 30002 " in note for note in summary.notes)
    ident, company, _ = from_export(HANDBOOK, path, 30_001)
    assert ident == "30001" and company["employees"] == 240


def test_a_misaligned_record_is_named_in_explain_and_the_provenance(tmp_path: Path) -> None:
    """A record with an unquoted delimiter in a cell (one cell more than the others) was
    explained on its shifted cells (growth rate '300k': 300,000 percent, met). `explain
    --row` and `--id` read every field of it as unknown and say why, naming its row and
    line; the scores' provenance carries the summary's warning."""
    path = CORPUS / "misaligned-unquoted-delimiter.csv"
    for read in (read_row(HANDBOOK, path, 2), read_id(HANDBOOK, path, "m7")):
        assert read.ident == "m7"
        assert read.company == {} and read.unreadable == []
        assert read.row_warnings == (
            "warning: row 2 (line 3) has more cells than the header while the other records "
            "do not: a delimiter inside a cell that is not quoted moves every later cell, so "
            "none of its cells can be trusted: every field of it is read as unknown (quote "
            "that cell, or export with another delimiter)",
        )
    assert read_row(HANDBOOK, path, 3).row_warnings == ()
    target = tmp_path / "scores.csv"
    score(HANDBOOK, ScoreOptions(path, target, AS_OF))
    prov = json.loads(Path(f"{target}.provenance.json").read_text(encoding="utf-8"))
    assert any("row 2 (line 3)" in note for note in prov["reading_notes"])


def test_a_misaligned_record_past_the_first_megabyte_is_unknown(tmp_path: Path) -> None:
    """A record with text in a cell past the header, 30,000 records down (past the head
    that shapes the reading): DuckDB cannot read the file whole, and the careful pass reads
    every field of that record as unknown (it was left out of the scores), in `score` and in
    `explain --row`, which names it."""
    path = tmp_path / "accounts.csv"
    row = "{},DE,240,Computer Software,Python\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Record ID,Country/Region,Number of Employees,Industry,Web Technologies\n")
        handle.writelines(row.format(i) for i in range(1, 30_001))
        handle.write("bad,DE,Acme,240,Computer Software,Python\n")
        handle.writelines(row.format(i) for i in range(30_001, 30_011))
    assert path.stat().st_size > 1 << 20
    summary = score(HANDBOOK, ScoreOptions(path, tmp_path / "scores.csv", AS_OF))
    assert summary.rows == 30_011
    assert any("row 30001 (line 30002)" in note for note in summary.notes)
    read = read_row(HANDBOOK, path, 30_001)
    assert read.ident == "bad" and read.company == {}
    assert read.row_warnings and "row 30001 (line 30002)" in read.row_warnings[0]
    by_id = read_id(HANDBOOK, path, "bad")
    assert by_id.company == {} and "row 30001 (line 30002)" in by_id.row_warnings[0]
    assert read_row(HANDBOOK, path, 30_002).company["employees"] == 240
