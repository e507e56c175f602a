"""`icp score FILE --crm hubspot|salesforce` reads a raw export as plain `icp score FILE` does
(issue 11): the same verdicts, only in the CRM's import shape.

It ran the warehouse query over typed columns instead: a raw HubSpot company export
(`Number of Employees` 201-500, `Country/Region` United Kingdom, `Web Technologies`
'.NET; Azure') had no column it knew, and 9 of the 12 accounts of the repository's sample
came out insufficient_data, the others D with 0 points.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import REPO, corpus_map
from icpkit.cli import main
from icpkit.engine.evaluate import evaluate
from icpkit.engine.reason import reason
from icpkit.errors import UsageError
from icpkit.loading.handbook import load
from icpkit.sql.companies import ExportOptions, from_export
from icpkit.sql.mapping import with_values
from icpkit.sql.scoring import ScoreOptions, score
from icpkit.sql.sources import fmt_of

HANDBOOK = load(REPO).handbook
AS_OF = dt.date(2026, 11, 1)
CORPUS = Path(__file__).parent / "corpus" / "exports"
#: the HubSpot- and Salesforce-shaped samples, and exports read with options
SAMPLES = [
    Path(__file__).parent / "examples" / "hubspot-export.csv",
    *sorted(CORPUS.glob("hubspot-*.csv")),
    *sorted(CORPUS.glob("salesforce-*.csv")),
    CORPUS / "european-excel.csv",
    CORPUS / "map-values.csv",
    CORPUS / "windows-1252-with-encoding.csv",
    CORPUS / "swiss-grouping.csv",
]
#: plain column -> the CRM import's column (both presets write the safe names of HubSpot
#: or their Salesforce forms; compared through the HubSpot names here)
VERDICT = {
    "tier": "icp_tier",
    "score": "icp_score",
    "status": "icp_status",
    "best_profile": "icp_best_profile",
    "disqualified_by": "icp_disqualified_by",
}
SALESFORCE = {
    "icp_tier": "Icp_Tier__c",
    "icp_score": "Icp_Score__c",
    "icp_status": "Icp_Status__c",
    "icp_best_profile": "Icp_Best_Profile__c",
    "icp_disqualified_by": "Icp_Disqualified_By__c",
    "icp_reason": "Icp_Reason__c",
}


def _options(path: Path) -> dict[str, Any]:
    spec = path.with_suffix(".yaml")
    if not spec.exists():
        return {}
    return dict(YAML(typ="safe").load(spec.read_text(encoding="utf-8")).get("options") or {})


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_crm_import_has_the_verdicts_of_plain_score(path: Path, crm: str, tmp_path: Path) -> None:
    opts = _options(path)
    cmap = corpus_map(opts.pop("map", None))

    def run(output: Path, preset: str | None) -> None:
        score(
            HANDBOOK,
            ScoreOptions(
                path,
                output,
                AS_OF,
                input_format=fmt_of(path, None),
                id_column=opts.get("id_column"),
                mapping=cmap.columns,
                decimal_comma=opts.get("decimal_comma"),
                encoding=opts.get("encoding"),
                value_map=cmap.values,
                crm=preset,
            ),
        )

    run(tmp_path / "plain.csv", None)
    run(tmp_path / "import.csv", crm)
    plain, imported = _rows(tmp_path / "plain.csv"), _rows(tmp_path / "import.csv")
    assert len(plain) == len(imported) > 0
    id_plain = next(iter(plain[0]))
    id_crm = "Record ID" if crm == "hubspot" else "Id"
    handbook = with_values(HANDBOOK, cmap.values)
    for n, (want, got) in enumerate(zip(plain, imported, strict=True), start=1):
        assert got[id_crm] == want[id_plain]
        for column, safe in VERDICT.items():
            name = safe if crm == "hubspot" else SALESFORCE[safe]
            assert got[name] == want[column], (n, column)
        # the reason is the explaining evaluator's, for the row as `explain` reads it
        _, company, _ = from_export(
            handbook,
            path,
            n,
            ExportOptions(
                fmt=fmt_of(path, None),
                id_column=opts.get("id_column"),
                mapping=cmap.columns,
                decimal_comma=opts.get("decimal_comma"),
                encoding=opts.get("encoding"),
            ),
        )
        verdict = evaluate(handbook, company, AS_OF)
        name = "icp_reason" if crm == "hubspot" else SALESFORCE["icp_reason"]
        assert got[name] == reason(handbook, verdict), n


def test_the_hubspot_sample_is_read_as_a_raw_export_under_crm(tmp_path: Path) -> None:
    """The repository's HubSpot sample, under --crm: bands, country names and sets read."""
    source = Path(__file__).parent / "examples" / "hubspot-export.csv"
    out = tmp_path / "import.csv"
    assert main(["--root", str(REPO), "score", str(source), "-o", str(out), "--crm", "hubspot",
                 "--as-of", AS_OF.isoformat()]) == 0  # fmt: skip
    rows = {r["Record ID"]: r for r in _rows(out)}
    assert rows["9001"]["icp_tier"] == "A"
    assert rows["9001"]["icp_best_profile"] == "western-software-teams"
    assert rows["9001"]["icp_reason"].startswith("A for western-software-teams: 100 pts; ")
    assert rows["9008"]["icp_status"] == "insufficient_data"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "import.csv",
        "import.csv.provenance.json",
        "import.hubspot-properties.json",
    ]


def test_crm_refuses_an_output_format_it_cannot_write(tmp_path: Path) -> None:
    source = Path(__file__).parent / "examples" / "hubspot-export.csv"
    with pytest.raises(UsageError, match="expected csv"):
        score(
            HANDBOOK,
            ScoreOptions(source, tmp_path / "o.parquet", AS_OF, output_format="parquet",
                         crm="hubspot"),
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "option",
    [["--decimal-comma"], ["--encoding", "cp1252"], ["--input-format", "csv"]],
)
def test_a_warehouse_engine_refuses_the_options_of_a_raw_export(
    option: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--engine postgres|spark reads typed columns: an option of reading a raw export would be
    ignored there (and the export misread), so it is refused, naming the way that reads it."""
    source = Path(__file__).parent / "examples" / "hubspot-export.csv"
    args = ["score", str(source), "-o", str(tmp_path / "o.csv"), "--crm", "hubspot"]
    assert main(["--root", str(REPO), *args, "--engine", "spark", *option]) == 2
    err = capsys.readouterr().err
    assert f"found {option[0]}" in err and "without --engine" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_warehouse_query_refuses_a_raw_export_by_its_crm_column_names() -> None:
    """The warehouse query reads typed columns named after the fields: given a raw HubSpot
    export it found no column and scored every account as if nothing were known. A column
    with a CRM export's name for a field that has no column of its own is refused, naming the
    file, the column and the way that reads it."""
    from icpkit.sql.engines import WarehouseRun, run_query

    source = Path(__file__).parent / "examples" / "hubspot-export.csv"
    with pytest.raises(UsageError) as caught:
        run_query(WarehouseRun("duckdb", source=source), HANDBOOK, lambda spec: "SELECT 1")
    message = str(caught.value)
    assert message.startswith(f"{source}: found the column 'Country/Region'")
    assert "Score a raw export without --engine" in message


def test_two_long_profile_ids_sharing_a_prefix_keep_two_properties(tmp_path: Path) -> None:
    """Two profiles whose ids share their first 50 characters: every property (name and
    label) stays distinct within both CRMs' limits, the same on every run, and the files
    written for the import are valid."""
    import dataclasses
    import json
    import xml.etree.ElementTree as ET

    from icpkit.loading.handbook import load
    from icpkit.sql.crm import HUBSPOT_NAME, SALESFORCE_NAME, Rows, check_names, properties, write

    base = load(REPO).handbook
    prefix = "enterprise-software-teams-in-western-europe-with-erp"
    first = dataclasses.replace(base.icps[0], id=f"{prefix}-and-python")
    second = dataclasses.replace(base.icps[0], id=f"{prefix}-and-dotnet")
    handbook = dataclasses.replace(base, icps=(first, second))
    props = properties(handbook)
    assert props == properties(handbook)  # deterministic
    per_profile = [p for p in props if p.source.startswith("icp_enterprise")]
    assert len(per_profile) >= 4
    for attr in ("source", "label"):
        values = [getattr(p, attr).lower() for p in props]
        assert len(values) == len(set(values)), attr
    assert not check_names("hubspot", props) and not check_names("salesforce", props)
    names = [p.source for p in props]
    out = tmp_path / "scores.csv"
    row = [None] * len(names)
    write("hubspot", handbook, Rows(["id", *names], [["a1", *row]]), out)
    spec = json.loads((tmp_path / "scores.hubspot-properties.json").read_text())
    labels = [p["label"] for p in spec["inputs"]]
    assert len(set(labels)) == len(labels) and all(len(x) <= 100 for x in labels)
    assert all(HUBSPOT_NAME.match(p["name"]) for p in spec["inputs"])
    write("salesforce", handbook, Rows(["id", *names], [["a1", *row]]), out)
    obj = ET.parse(tmp_path / "scores.salesforce-fields" / "objects" / "Account.object")
    ns = {"m": "http://soap.sforce.com/2006/04/metadata"}
    fields = obj.getroot().findall("m:fields", ns)
    sf_names = [f.findtext("m:fullName", namespaces=ns) or "" for f in fields]
    sf_labels = [f.findtext("m:label", namespaces=ns) or "" for f in fields]
    assert len(set(sf_names)) == len(sf_names) and all(SALESFORCE_NAME.match(n) for n in sf_names)
    assert len(set(sf_labels)) == len(sf_labels) and all(len(x) <= 40 for x in sf_labels)


def _export_with_ids(tmp_path: Path, ids: Any) -> Path:
    """The HubSpot sample's first rows as Parquet, with `ids` (a pyarrow array) as Record ID."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _rows(Path(__file__).parent / "examples" / "hubspot-export.csv")[: len(ids)]
    columns: dict[str, Any] = {name: [r[name] for r in rows] for name in rows[0]}
    columns["Record ID"] = ids
    path = tmp_path / "accounts.parquet"
    pq.write_table(pa.table(columns), path)
    return path


@pytest.mark.parametrize("crm", [None, "hubspot", "salesforce"])
def test_an_id_column_typed_as_a_float_keeps_whole_ids_as_digits(
    crm: str | None, tmp_path: Path
) -> None:
    """pandas writes an integer id column with a gap as float64: 9001.0, and 1e20 as 1e+20 in
    text. A CRM matches 9001, never 9001.0 nor scientific notation: whole ids are written as
    their digits (a fractional one as it is), in plain scores and in both imports."""
    import pyarrow as pa

    ids = pa.array([9001.0, 9002.0, None, 1e20, 12.5], pa.float64())
    source = _export_with_ids(tmp_path, ids)
    out = tmp_path / "scores.csv"
    score(HANDBOOK, ScoreOptions(source, out, AS_OF, crm=crm))
    column = {None: "Record ID", "hubspot": "Record ID", "salesforce": "Id"}[crm]
    got = [r[column] for r in _rows(out)]
    assert got == ["9001", "9002", "", "100000000000000000000", "12.5"]


def test_explain_finds_an_account_by_its_id_in_a_float_id_column(tmp_path: Path) -> None:
    import pyarrow as pa

    from icpkit.sql.companies import read_id

    source = _export_with_ids(tmp_path, pa.array([9001.0, 9002.0], pa.float64()))
    assert read_id(HANDBOOK, source, "9002").ident == "9002"


def _odd_text_handbook() -> Any:
    """The example handbook with a profile title and a route owner holding line breaks, a
    title as long as a line may be (300 characters), and twice as many fields."""
    import dataclasses

    base = load(REPO).handbook
    long_title = "Western software teams " + "x" * 277
    first = dataclasses.replace(base.icps[0], title='Two\nlines,\t"quoted"')
    second = dataclasses.replace(base.icps[1], title=long_title)
    routes = dict(base.routes)
    routes["A"] = dataclasses.replace(routes["A"], owner="=Account\nexecutive")
    fields = dict(base.fields)
    fields.update(
        (f"{name}_as_reported_by_the_enrichment_vendor", f) for name, f in base.fields.items()
    )
    return dataclasses.replace(
        base, icps=(first, second, *base.icps[2:]), routes=routes, fields=fields
    )


def test_crm_text_cells_are_one_line(tmp_path: Path) -> None:
    """A title or a route with a line break (a YAML block scalar) is one line in the import:
    a CRM's single-line text property takes no line break, and a rep reads one line."""
    from icpkit.sql.crm import Rows, properties, write

    handbook = _odd_text_handbook()
    names = [p.source for p in properties(handbook)]
    row: dict[str, Any] = dict.fromkeys(names)
    row.update(
        icp_tier="A",
        icp_best_profile=handbook.icps[0].id,
        icp_best_profile_title=handbook.icps[0].title,
    )
    out = tmp_path / "scores.csv"
    write("hubspot", handbook, Rows(["id", *names], [["a1", *row.values()]]), out)
    [got] = _rows(out)
    assert got["icp_best_profile_title"] == 'Two lines, "quoted"'
    assert got["route_owner"] == "'=Account executive"


def test_salesforce_text_fields_hold_the_longest_value_they_can_get(tmp_path: Path) -> None:
    """A Salesforce Text field holds at most 255 characters and an import refuses a longer
    value: a property whose values can be longer (a title of up to 300 characters, every
    portrait or every field joined) is a Long Text Area."""
    import xml.etree.ElementTree as ET

    from icpkit.sql.crm import Rows, properties, write

    handbook = _odd_text_handbook()
    names = [p.source for p in properties(handbook)]
    out = tmp_path / "scores.csv"
    write("salesforce", handbook, Rows(["id", *names], [["a1", *[None] * len(names)]]), out)
    obj = ET.parse(tmp_path / "scores.salesforce-fields" / "objects" / "Account.object")
    ns = {"m": "http://soap.sforce.com/2006/04/metadata"}
    types = {
        f.findtext("m:fullName", namespaces=ns): f.findtext("m:type", namespaces=ns)
        for f in obj.getroot().findall("m:fields", ns)
    }
    assert types["Icp_Best_Profile_Title__c"] == "LongTextArea"
    unknown = ";".join(handbook.fields)
    assert len(unknown) > 255
    assert types["Icp_Unknown_Fields__c"] == "LongTextArea"
    assert types["Route_Owner__c"] == "Text"  # short in every route


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_a_crm_import_is_written_whole_or_not_at_all(crm: str, tmp_path: Path) -> None:
    """The import and its property definitions go together: when the definitions cannot
    be written (a folder in their place), the import is not written either."""
    from icpkit.sql.crm import Rows, properties, write

    names = [p.source for p in properties(HANDBOOK)]
    out = tmp_path / "scores.csv"
    blocker = (
        tmp_path / "scores.hubspot-properties.json"
        if crm == "hubspot"
        else tmp_path / "scores.salesforce-fields" / "package.xml"
    )
    blocker.mkdir(parents=True)
    with pytest.raises(UsageError, match="cannot write"):
        write(crm, HANDBOOK, Rows(["id", *names], [["a1", *[None] * len(names)]]), out)
    assert not out.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_json_lines_id_of_numbers_and_text_is_written_without_json_quotes(
    tmp_path: Path,
) -> None:
    """A JSON Lines key holding numbers on some lines and text on others: each id is written
    as the text it holds ("abc", not "\\"abc\\""; 1e20 as its digits)."""
    source = tmp_path / "accounts.jsonl"
    source.write_text(
        '{"Record ID": 9001, "Country/Region": "GB"}\n'
        '{"Record ID": "abc", "Country/Region": "GB"}\n'
        '{"Record ID": 1e20, "Country/Region": "GB"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    score(HANDBOOK, ScoreOptions(source, out, AS_OF, crm="hubspot"))
    assert [r["Record ID"] for r in _rows(out)] == ["9001", "abc", "100000000000000000000"]


@pytest.mark.parametrize(
    ("ident", "said"),
    [
        ("", "found --id '', an empty id; expected an account's Record ID"),
        ("  ", "found --id '  ', an empty id"),
        ("12 34", "found no account with Record ID '12 34' in"),
        ("pad", "(did you mean '  pad  '?)"),
        ("0012e00001abcde", "(did you mean '0012E00001AbCdE'?)"),
        ("000123", "found several accounts with Record ID '000123'"),
    ],
)
def test_explain_by_id_says_which_id_it_could_not_find(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ident: str, said: str
) -> None:
    """`icp explain EXPORT --id ID` with an id that has blanks, another case, is empty or is
    on two rows: one clear error, the id quoted so that its blanks show, and the export's id
    that is nearest (the same id with other blanks or case, or a near spelling)."""
    source = tmp_path / "accounts.csv"
    source.write_text(
        "Record ID,Country/Region\n000123,GB\n  pad  ,GB\n0012E00001AbCdE,GB\n000123,DE\n",
        encoding="utf-8",
    )
    code = main(["--root", str(REPO), "explain", str(source), "--id", ident])
    err = capsys.readouterr().err
    assert code == 2 and said in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_an_insufficient_data_row_gets_the_route_for_insufficient_data(
    crm: str, tmp_path: Path
) -> None:
    """A row with too little data for a tier had empty route_owner / route_response cells:
    it now takes the route rules/routing.yaml gives `insufficient_data` (a D or a
    disqualified row keeps its own)."""
    export = tmp_path / "accounts.csv"
    export.write_text("id,country,buys_through_tenders\nthin,,yes\n", encoding="utf-8")
    out = tmp_path / "import.csv"
    args = ["--root", str(REPO), "score", str(export), "-o", str(out), "--crm", crm]
    assert main([*args, "--as-of", "2026-11-01"]) == 0
    (row,) = _rows(out)
    status = row["icp_status" if crm == "hubspot" else "Icp_Status__c"]
    owner = row["route_owner" if crm == "hubspot" else "Route_Owner__c"]
    assert status == "insufficient_data"
    assert owner == HANDBOOK.routes["insufficient_data"].owner
