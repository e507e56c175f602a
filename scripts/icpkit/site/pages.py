"""The handbook: Markdown pages rendered from the YAML through Jinja2 templates in site_src/.

`pages(root)` is a plain function returning every generated page (path, text) and the
navigation; the mkdocs hook in site_src/hooks.py only hands them to mkdocs, so another
builder can call the same function. Every verdict shown is computed here at build
time, never typed by hand. Templates use StrictUndefined and escape every value for
Markdown by default (see icpkit.site.mdtext); a template error names the template and line.
"""

from __future__ import annotations

import datetime as dt
import html
import subprocess
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..engine.coverage import coverage
from ..engine.explain import condition_words as words
from ..engine.explain import rule_sentence, summary
from ..engine.model import Handbook, Icp, Negative, Rule
from ..engine.ruletests import run, run_fixtures
from ..errors import InputError
from ..kinds import KINDS
from ..loading.validate import open_loaded
from . import mdtext, svg

TEMPLATES = "site_src/templates"


@dataclass(frozen=True)
class Page:
    path: str
    text: str


@dataclass(frozen=True)
class Site:
    pages: tuple[Page, ...]
    nav: list[Any]
    #: other generated files (badges), path -> bytes
    assets: dict[str, bytes] = field(default_factory=dict)


def histories(root: Path) -> dict[str, list[dict[str, str]]]:
    """The git history of every file under profiles/ (date, author, message; newest first),
    from one `git log` for the whole folder (one per file would cost a process each)."""
    try:
        done = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "--date=short",
                "--name-only",
                "--format=%x1e%ad%x1f%an%x1f%s%x1f%h",
                "--",
                "profiles",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    out: dict[str, list[dict[str, str]]] = {}
    prefix = git_prefix(root)
    for record in done.stdout.split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        parts = head.split("\x1f")
        if len(parts) != 4:
            continue
        entry = {"date": parts[0], "author": parts[1], "message": parts[2], "commit": parts[3]}
        for name in names.split():
            out.setdefault(name.removeprefix(prefix), []).append(entry)
    return out


def git_prefix(root: Path) -> str:
    """The handbook's folder inside its git repository ('' at the top)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-prefix"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root / TEMPLATES),
        undefined=jinja2.StrictUndefined,
        finalize=mdtext.finalize,
        autoescape=False,  # Markdown, not HTML: finalize escapes every value for Markdown
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["para"] = mdtext.paragraphs
    env.filters["fm"] = mdtext.front_matter
    env.filters["md"] = mdtext.inline
    env.filters["slug"] = mdtext.slug
    env.filters["code"] = mdtext.code
    return env


def render(env: jinja2.Environment, template: str, **context: Any) -> str:
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            f"{TEMPLATES}/{exc.name or template}:{exc.lineno}: template error: {exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        import traceback

        line = next(
            (
                f.lineno
                for f in reversed(traceback.extract_tb(exc.__traceback__))
                if f.filename.endswith(".j2")
            ),
            0,
        )
        raise InputError(f"{TEMPLATES}/{template}:{line}: template error: {exc.message}") from None


def _rule_rows(handbook: Handbook, rules: tuple[Rule, ...]) -> list[dict[str, Any]]:
    return [{"rule": r, "words": words(handbook, r.when)} for r in rules]


def pages(
    root: Path,
    *,
    today: dt.date | None = None,
    edit_base: str = "",
    diff_report: Path | None = None,
) -> Site:
    """Every generated page of the handbook at `root`, and its navigation."""
    today = today or dt.date.today()
    loaded = open_loaded(root, today=today)
    hb = loaded.handbook
    env = environment(root)
    fixture_run = run_fixtures(hb, today=today)
    results = run(hb, today=today, fixtures=fixture_run)
    cov = coverage(hb, today=today, fixtures=fixture_run)
    by_fixture: dict[str, list[Any]] = {}
    for r in results.results:
        by_fixture.setdefault(r.check.fixture.path, []).append(r)
    fixtures = [
        {
            "fixture": f,
            "verdict": rs[0].verdict,
            "summary": summary(rs[0].verdict, hb),
            "passed": all(r.passed for r in rs),
            "checks": rs,
        }
        for f in hb.fixtures
        if (rs := by_fixture.get(f.path))
    ]
    warnings = {p.path for p in loaded.report.warnings}
    log = histories(root)
    if edit_base and not edit_base.startswith("https://"):
        raise InputError(f"found the edit link base '{edit_base}'; expected an https:// URL")

    def edit(path: str) -> Markup:
        return Markup(edit_base + urllib.parse.quote(path))

    common = {
        "hb": hb,
        "today": today,
        "edit_base": edit_base,
        "edit": edit,
        "words": lambda c: words(hb, c),
        "sentence": lambda r: rule_sentence(hb, r),
    }

    def review(owner: Any) -> dict[str, Any]:
        return {
            "last": owner.review.last_reviewed,
            "due": owner.review.due,
            "overdue": owner.review.overdue(today),
            "cadence": owner.review.cadence,
        }

    out: list[Page] = []
    icps = sorted(hb.icps, key=lambda i: (i.status != "active", i.priority, i.id))
    negs = sorted(hb.negatives, key=lambda n: (n.status != "active", n.priority, n.id))
    owners: list[Icp | Negative] = [*icps, *negs]
    for icp in icps:
        shown = [f for f in fixtures if f["verdict"].best_profile == icp.id]
        cut_by = [n for n in hb.negatives if n.applies(icp.id)]
        out.append(
            Page(
                f"icp/{icp.id}.md",
                render(
                    env,
                    "icp.md.j2",
                    **common,
                    icp=icp,
                    d=icp.data,
                    review=review(icp),
                    requirements=_rule_rows(hb, icp.requirements),
                    criteria=_rule_rows(hb, icp.criteria),
                    fixtures=shown,
                    cut_by=cut_by,
                    pond=svg.pond_map(icp.data.get("pond_map"), f"Pond Map: {icp.title}"),
                    history=log.get(icp.path, []),
                    warned=icp.path in warnings,
                ),
            )
        )
    for neg in negs:
        hit = [
            f
            for f in fixtures
            if neg.id in f["verdict"].disqualified_by
            or any(w.startswith(neg.id + "/") for w in f["verdict"].warnings)
        ]
        out.append(
            Page(
                f"negative/{neg.id}.md",
                render(
                    env,
                    "negative.md.j2",
                    **common,
                    neg=neg,
                    d=neg.data,
                    review=review(neg),
                    disqualifiers=_rule_rows(hb, neg.disqualifiers),
                    warning_signs=_rule_rows(hb, neg.warnings),
                    fixtures=hit,
                    icps=[i for i in hb.icps if neg.applies(i.id)],
                    pond=svg.pond_map(neg.data.get("pond_map"), f"Pond Map: {neg.title}")
                    if neg.data.get("pond_map")
                    else Markup(""),
                    history=log.get(neg.path, []),
                ),
            )
        )
    counts: dict[str, Counter[str]] = {}
    for f in fixtures:
        v = f["verdict"]
        label = "disqualified" if v.disqualified_by else v.best_profile or "no ICP fits"
        counts.setdefault(label, Counter())[v.tier] += 1
    example = next(
        (
            f
            for f in fixtures
            if f["verdict"].tier in ("A", "B") and not f["verdict"].disqualified_by
        ),
        fixtures[0] if fixtures else None,
    )
    from .badges import badges, files

    made = badges(hb, results, cov, today=today, diff_report=diff_report)
    out.append(
        Page(
            "index.md",
            render(env, "index.md.j2", **common, icps=icps, negs=negs, review=review, badges=made),
        )
    )
    out.append(Page("qualify.md", render(env, "qualify.md.j2", **common, example=example)))
    out.append(
        Page(
            "tests.md",
            render(
                env,
                "tests.md.j2",
                **common,
                fixtures=fixtures,
                run=results,
                cov=cov,
                chart=svg.tier_chart(
                    {k: dict(v) for k, v in sorted(counts.items())},
                    "Fixture companies by best profile and tier",
                ),
            ),
        )
    )
    out.append(Page("reference/fields.md", render(env, "fields.md.j2", **common)))
    out.append(Page("reference/segments.md", render(env, "segments.md.j2", **common)))
    out.append(
        Page("reference/schemas.md", render(env, "schemas.md.j2", **common, schemas=schema_docs()))
    )
    out.append(
        Page(
            "changes.md",
            render(
                env,
                "changes.md.j2",
                **common,
                files=[(o, log.get(o.path, [])) for o in owners],
            ),
        )
    )
    nav = [
        {"Home": "index.md"},
        {"Qualify a lead": "qualify.md"},
        # mkdocs writes navigation titles into the page as they are: escape them for HTML
        {"Ideal Customer Profiles": [{html.escape(i.title): f"icp/{i.id}.md"} for i in icps]},
        {"Negative portraits": [{html.escape(n.title): f"negative/{n.id}.md"} for n in negs]},
        {
            "Reference": [
                {"Fields": "reference/fields.md"},
                {"Segments and regions": "reference/segments.md"},
                {"Schemas": "reference/schemas.md"},
                {"Problems": "reference/problems.md"},
            ]
        },
        {"Rule tests": "tests.md"},
        {"Changes": "changes.md"},
        {"Tags": "tags.md"},
    ]
    return Site(tuple(out), nav, files(made))


def _schema_rows(kind: str) -> list[dict[str, Any]]:
    from ..loading.schema import subschema

    rows: list[dict[str, Any]] = []

    def walk(parts: list[str | int], depth: int) -> None:
        sub = subschema(kind, parts)
        props = sub.get("properties", {})
        if not props and isinstance(sub.get("items"), dict):
            walk([*parts, 0], depth)
            return
        for prop in props:
            child = subschema(kind, [*parts, prop])
            desc = props[prop].get("description") or child.get("description", "")
            rows.append(
                {
                    "path": ".".join(str(p) for p in [*parts, prop] if p != 0),
                    "depth": depth,
                    "type": child.get("type", "enum" if "enum" in child else ""),
                    "enum": child.get("enum"),
                    "required": prop in sub.get("required", []),
                    "description": desc,
                }
            )
            if depth < 3:
                walk([*parts, prop], depth + 1)

    walk([], 0)
    return rows


def schema_docs() -> list[dict[str, Any]]:
    """Each kind's properties with their descriptions, from the JSON Schemas themselves."""
    from ..loading.schema import load_schema

    docs = []
    for kind, name in KINDS.items():
        schema = load_schema(name)
        docs.append(
            {
                "kind": kind,
                "title": schema.get("title", kind),
                "description": schema.get("description", ""),
                "file": name,
                "rows": _schema_rows(kind),
            }
        )
    return docs
