"""`icp export dbt DIR`: the scoring query as a dbt model, so an analytics team runs the ICP
inside its own dbt project.

Writes `DIR/models/icp/<model>.sql` (the rule IR rendered for the project's adapter,
reading `{{ source('SOURCE', 'TABLE') }}` or `{{ ref('MODEL') }}`, with the header that
records the handbook commit and the as-of rule) and `DIR/models/icp/schema.yml`: the
source, when one is used and no other YAML file of the project declares that source table
already (dbt refuses a second declaration); and tests on the output: the id not null and
unique (quoted by dbt when its name must be, `Record ID`), the status one of the handbook's
statuses, the tier one of A, B, C, D, and tier and score not null where the status gives
them: scored or disqualified (`insufficient_data` and a gate's status have none). Generic
tests use dbt's `arguments:` form (dbt 1.10 and later). The model's name is a plain
identifier (it names a file in `models/icp/`: `../x` is refused).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from ..atomic import write_texts
from ..engine.model import Handbook
from ..engine.verdict import DISQUALIFIED, SCORED
from ..errors import UsageError
from . import crm, idents
from .crm import TIERS
from .dialects import dialect
from .ir import Options, TableSpec, header, render
from .names import column_mapping
from .warehouse import commit_of

PLACEHOLDER = "icp__dbt_input__"
#: a model name dbt takes and that stays a file in models/icp/
MODEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: where our own schema.yml goes (rewritten by every export, never read as the project's)
OWN_SCHEMA = Path("models") / "icp" / "schema.yml"


def _q(text: str) -> str:
    """A YAML/Jinja string literal (JSON strings are both)."""
    return json.dumps(text)


def export(
    handbook: Handbook,
    out_dir: Path,
    *,
    dialect_name: str,
    spec: TableSpec,
    source: str | None = None,
    ref: str | None = None,
    as_of: dt.date | None = None,
    model: str = "icp_scores",
) -> list[Path]:
    """Write the model and its schema.yml under `out_dir`; return the paths written.

    `source` is `SOURCE.TABLE` (a dbt source), `ref` a model name; exactly one is given.
    Raises UsageError otherwise.
    """
    if (source is None) == (ref is None):
        raise UsageError("found neither or both of --source and --ref; expected one")
    if not MODEL_NAME.match(model):
        raise UsageError(
            f"found --model {model!r}; expected a plain name (letters, digits and underscores, "
            "not starting with a digit): the model is written as models/icp/<name>.sql"
        )
    d = dialect(dialect_name)
    idents.check_spec(None, spec.id_column, spec.columns, d)
    declare = True
    if source is not None:
        src_name, _, table = source.partition(".")
        if not src_name or not table:
            raise UsageError(f"found --source {source}; expected SOURCE.TABLE")
        declare = declared_source(out_dir, src_name, table) is None
        relation = f"{{{{ source({_q(src_name)}, {_q(table)}) }}}}"
    else:
        relation = f"{{{{ ref({_q(str(ref))}) }}}}"
    commit, dirty = commit_of(Path(handbook.root))
    sql = render(
        handbook,
        dataclasses.replace(spec, table=PLACEHOLDER),
        d,
        Options(as_of),
        comment=header(commit, dirty, as_of, d),
    )
    if sql.count(PLACEHOLDER) != 1:
        raise AssertionError("the input table should appear once in the query")
    body = "{{ config(materialized='view') }}\n\n" + sql.replace(PLACEHOLDER, relation)
    folder = out_dir / "models" / "icp"
    model_path = folder / f"{model}.sql"
    schema_path = folder / "schema.yml"
    schema = schema_yml(
        handbook,
        spec.id_column,
        model,
        source if declare else None,
        quote=idents.needs_quotes(spec.id_column, d),
    )
    # the model and its tests together: neither is replaced unless both are written
    write_texts({model_path: body, schema_path: schema})
    return [model_path, schema_path]


def schema_yml(
    handbook: Handbook, id_column: str, model: str, source: str | None, *, quote: bool = False
) -> str:
    """The model's schema.yml: its source (for `source`: SOURCE.TABLE), and tests on its
    output columns: a unique, not-null id (`quote: true` when its name must be quoted in
    SQL, `Record ID`, so that dbt's tests quote it); accepted statuses and tiers; a tier and a
    score exactly where the status gives one; a reason on every row."""
    names = dict(column_mapping(handbook))
    lines = ["version: 2", ""]
    if source is not None:
        src_name, _, table = source.partition(".")
        lines += [
            "sources:",
            f"  - name: {_q(src_name)}",
            "    tables:",
            f"      - name: {_q(table)}",
            "",
        ]
    tiers = ", ".join(_q(t) for t in TIERS)
    statuses = ", ".join(_q(t) for t in crm.statuses(handbook))
    scored = f"{names['status']} in ('{SCORED}', '{DISQUALIFIED}')"
    lines += [
        "models:",
        f"  - name: {_q(model)}",
        "    description: "
        + _q("ICP scores from the handbook's rules (generated by icp export dbt; do not edit)."),
        "    columns:",
        f"      - name: {_q(id_column)}",
        *(["        quote: true"] if quote else []),
        "        data_tests:",
        "          - not_null",
        "          - unique",
        f"      - name: {names['status']}",
        "        data_tests:",
        "          - not_null",
        "          - accepted_values:",
        "              arguments:",
        f"                values: [{statuses}]",
        f"      - name: {names['tier']}",
        "        data_tests:",
        # a tier and a score exactly where the status gives one (scored, disqualified)
        "          - not_null:",
        "              config:",
        f"                where: {_q(scored)}",
        "          - accepted_values:",
        "              arguments:",
        f"                values: [{tiers}]",
        f"      - name: {names['score']}",
        "        data_tests:",
        "          - not_null:",
        "              config:",
        f"                where: {_q(scored)}",
        f"      - name: {names['reason']}",
        "        data_tests:",
        "          - not_null",
    ]
    return "\n".join(lines) + "\n"


def project_note(out_dir: Path) -> str | None:
    """A note when `out_dir` is no dbt project (it holds no dbt_project.yml): the model is
    written all the same, under its models/ folder, but dbt will not find it there."""
    if (out_dir / "dbt_project.yml").is_file():
        return None
    return (
        f"note: {out_dir} has no dbt_project.yml, so dbt will not find the model there; "
        "expected the dbt project's folder (the one dbt runs in)"
    )


def _model_paths(project: Path) -> list[Path]:
    """The project's model folders (dbt_project.yml's model-paths; `models` by default)."""
    from ..loading.yamlio import load_file

    config = project / "dbt_project.yml"
    paths: Any = None
    if config.is_file():
        doc = load_file(config)
        if isinstance(doc.data, dict):
            paths = doc.data.get("model-paths")
    if not isinstance(paths, list) or not paths:
        paths = ["models"]
    return [project / str(p) for p in paths]


def declared_source(project: Path, name: str, table: str) -> Path | None:
    """The YAML file of the dbt project at `project` (other than the schema.yml this export
    writes) that declares the source `name` with the table `table`, or None. The export then
    reads that declaration and writes no second one: dbt refuses a source table declared
    twice (another table of the same source, declared elsewhere, is no conflict)."""
    from ..loading.yamlio import load_file

    own = (project / OWN_SCHEMA).resolve()
    for folder in _model_paths(project):
        if not folder.is_dir():
            continue
        for path in sorted([*folder.rglob("*.yml"), *folder.rglob("*.yaml")]):
            if path.resolve() == own:
                continue
            doc = load_file(path)
            sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
            for src in sources if isinstance(sources, list) else []:
                if not isinstance(src, dict) or src.get("name") != name:
                    continue
                tables = src.get("tables") or []
                if any(isinstance(t, dict) and t.get("name") == table for t in tables):
                    return path
    return None
