"""The handbook: Markdown pages rendered from the YAML through Jinja2 templates in site_src/.

`pages(root)` is a plain function returning every generated page (path, text), the
navigation and the generated assets; the mkdocs hook in site_src/hooks.py only hands them
to mkdocs, so another builder (Zensical, a test) can call the same function. Each page
kind has its own function below, reading one `Build` (the handbook, its fixture verdicts
and how links are written). Every verdict shown is computed here at build time, never
typed by hand. Templates use StrictUndefined and escape every value for Markdown by
default (see icpkit.site.mdtext); a template error names the template and line.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..engine.coverage import Coverage, coverage
from ..engine.explain import rule_sentence, summary
from ..engine.labels import country_name, value_label
from ..engine.model import (
    Group,
    Handbook,
    Icp,
    Negative,
    Rule,
)
from ..engine.ruletests import TestRun, run, run_fixtures
from ..engine.verdict import ProfileVerdict, Verdict
from ..errors import InputError
from ..loading.validate import open_loaded
from . import pondmap, svg
from . import words as rep
from .changelog import Entry, change_log
from .evidence import add_evidence
from .qualify import compiled, rule_data, rules_script
from .schemadocs import schema_docs
from .templating import Page, environment, html_link, render

#: the issue form a rep opens when a company got the wrong tier (.github/ISSUE_TEMPLATE)
WRONG_TIER_FORM = "wrong-tier.yml"


@dataclass(frozen=True)
class Site:
    pages: tuple[Page, ...]
    nav: list[Any]
    #: other generated files (badges, the compiled rules), path -> bytes
    assets: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    """How the site is built: what the hook reads from mkdocs' config (or a caller sets)."""

    today: dt.date | None = None
    #: base of the "edit this profile" links (https://…/edit/main/), '' for none
    edit_base: str = ""
    #: the "new issue" address of the repository (https://…/issues/new), '' for none
    issue_base: str = ""
    #: a saved `icp diff --format json`, for the regressions badge
    diff_report: Path | None = None
    #: mkdocs' use_directory_urls: page links end in / (True) or .html (False)
    directory_urls: bool = False
    #: read the git history for the change log
    history: bool = True
    #: a CRM history named by $ICP_HISTORY (read by the command line or the hook), which
    #: the evidence pages read instead of the tier policy's
    history_from_env: str | None = None


# --- what every page kind reads ------------------------------------------------------------


@dataclass
class Build:
    root: Path
    hb: Handbook
    env: jinja2.Environment
    today: dt.date
    options: Options
    results: TestRun
    cov: Coverage
    #: one row per fixture company: fixture, verdict, summary, passed, checks
    fixtures: list[dict[str, Any]]
    warned: set[str]
    log: dict[str, list[Entry]]

    def url(self, src: str, dst: str, anchor: str = "") -> str:
        """The link from page `src` to page `dst` (both docs paths such as 'icp/x.md') as
        mkdocs writes it, for raw HTML that mkdocs does not rewrite."""

        def served(path: str) -> str:
            if not path.endswith(".md"):
                return path
            stem = path.removesuffix(".md")
            if not self.options.directory_urls:
                return stem + ".html"
            if stem == "index" or stem.endswith("/index"):
                return stem.removesuffix("index")
            return stem + "/"

        here = posixpath.dirname(served(src)) or "."
        rel = posixpath.relpath(served(dst), here)
        if self.options.directory_urls and served(dst).endswith("/"):
            rel = rel.rstrip("/") + "/" if rel != "." else "./"
        return rel + (f"#{anchor}" if anchor else "")

    def edit(self, path: str) -> Markup:
        return Markup(self.options.edit_base + urllib.parse.quote(path))

    def wrong_tier(self, title: str) -> str:
        if not self.options.issue_base:
            return ""
        query = urllib.parse.urlencode(
            {"template": WRONG_TIER_FORM, "title": f"Wrong tier: ({title})", "labels": "wrong-tier"}
        )
        return f"{self.options.issue_base}?{query}"

    def common(self) -> dict[str, Any]:
        hb = self.hb
        return {
            "hb": hb,
            "today": self.today,
            "edit_base": self.options.edit_base,
            "edit": self.edit,
            "words": lambda c: rep.words(hb, c),
            "sentence": lambda r: rule_sentence(hb, r),
            "label": lambda name, v: value_label(hb.fields[name], v),
            "country": country_name,
            "review": self.review,
            "link": html_link,
        }

    def review(self, owner: Icp | Negative) -> dict[str, Any]:
        r = owner.review
        assert r is not None
        return {
            "last": r.last_reviewed,
            "due": r.due,
            "overdue": r.overdue(self.today),
            "cadence": r.cadence,
        }

    def page(self, path: str, template: str, **context: Any) -> Page:
        return Page(path, render(self.env, template, **self.common(), **context))


def prepare(root: Path, options: Options) -> Build:
    """Load and check the handbook, run its rule tests once, read its history. Raises
    InputError when the handbook has errors or an edit or issue link is not https://."""
    today = options.today or dt.date.today()
    if options.edit_base and not options.edit_base.startswith("https://"):
        raise InputError(
            f"found the edit link base '{options.edit_base}'; expected an https:// URL"
        )
    if options.issue_base and not options.issue_base.startswith("https://"):
        raise InputError(
            f"found the issue link base '{options.issue_base}'; expected an https:// URL"
        )
    loaded = open_loaded(root, today=today)
    hb = loaded.handbook
    # the fixture verdicts, computed once, shared by the rule tests, coverage, badges, pages
    fixture_run = run_fixtures(hb, today=today)
    results = run(hb, today=today, fixtures=fixture_run)
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
    paths = {o.id: o.path for o in hb.owners}
    return Build(
        root=root,
        hb=hb,
        env=environment(root),
        today=today,
        options=options,
        results=results,
        cov=coverage(hb, today=today, fixtures=fixture_run),
        fixtures=fixtures,
        warned={p.path for p in loaded.report.warnings},
        log=change_log(root, paths) if options.history else {},
    )


# --- one function per page kind -------------------------------------------------------------


def _rule_rows(
    b: Build, owner: Icp | Negative, rules: tuple[Rule, ...], raw: dict[str, Any]
) -> list[dict[str, Any]]:
    return [
        {
            "rule": r,
            "why": rep.why(b.hb, r),
            "words": rep.words(b.hb, r.when),
            "question": raw.get(r.id, {}).get("question"),
            "crm_hint": raw.get(r.id, {}).get("crm_hint"),
        }
        for r in rules
    ]


def _rule_link(b: Build, src: str, own: set[str]) -> Callable[[str], str]:
    """A Pond Map rule reference -> the link to its rule's row."""

    def link(ref: str) -> str:
        if ref in own:
            return f"#rule-{ref}"
        neg_id, _, rule_id = ref.partition("/")
        if b.hb.negative(neg_id) is None:
            return ""
        return b.url(src, f"negative/{neg_id}.md", f"rule-{rule_id}" if rule_id else "")

    return link


def _near_miss(b: Build, icp: Icp, v: Verdict) -> str | None:
    """Why a fixture company just misses this ICP (None when it is not a near miss)."""
    p: ProfileVerdict | None = next((x for x in v.profiles if x.icp == icp.id), None)
    if p is None:
        return None
    if p.eligible and v.best_profile == icp.id and v.disqualified_by:
        names = [n.title for n in b.hb.negatives if n.id in v.disqualified_by]
        return "fits, but is disqualified: " + ", ".join(names)
    if p.eligible and p.tier == "D" and (p.score or 0) > 0:
        return f"fits, but scores {p.score} points; tier C starts at {icp.tiers.C}"
    # one requirement short of a lead it would otherwise be (and not a lead elsewhere)
    if len(p.unmet) == 1 and (p.score or 0) >= icp.tiers.C and (v.tier == "D" or v.disqualified_by):
        return f"misses one requirement: {p.unmet[0].rule.label} ({p.score} points otherwise)"
    return None


def _components(icp: Icp) -> list[dict[str, Any]]:
    """The groups of an ICP's criteria, depth first: label, nesting depth, how the points
    combine, the cap and the most the group can give."""
    out: list[dict[str, Any]] = []

    def walk(group: Group, depth: int) -> None:
        how = "the first criterion met counts" if group.first_match else "points add up"
        out.append(
            {"group": group, "depth": depth, "how": how, "most": group.most, "cap": group.cap}
        )
        for item in group.items:
            if isinstance(item, Group):
                walk(item, depth + 1)

    for item in icp.items:
        if isinstance(item, Group):
            walk(item, 0)
    return out


def _group_of(icp: Icp) -> dict[str, str]:
    """Criterion id -> the label of the group it belongs to (innermost)."""
    return {r.id: g.label for g in icp.groups for r in g.items if isinstance(r, Rule)}


def icp_page(b: Build, icp: Icp) -> Page:
    src = f"icp/{icp.id}.md"
    fit, near = [], []
    for f in b.fixtures:
        v: Verdict = f["verdict"]
        if v.best_profile == icp.id and not v.disqualified_by and v.tier != "D":
            fit.append(f)
        elif (reason := _near_miss(b, icp, v)) is not None:
            near.append({**f, "reason": reason})
    cut_by = [n for n in b.hb.negatives if n.applies(icp.id)]
    own = {r.id for r in icp.rules}
    return b.page(
        src,
        "icp.md.j2",
        icp=icp,
        d=icp.data,
        requirements=_rule_rows(
            b, icp, icp.requirements, rule_data(icp.data, "qualification", "requirements")
        ),
        criteria=[
            {**row, "group": _group_of(icp).get(row["rule"].id, "")}
            for row in _rule_rows(
                b, icp, icp.criteria, rule_data(icp.data, "qualification", "criteria")
            )
        ],
        components=_components(icp),
        fit=fit,
        near=near,
        cut_by=cut_by,
        pond=pondmap.pond_map(
            icp.data.get("pond_map"), f"Pond Map: {icp.title}", _rule_link(b, src, own)
        ),
        history=b.log.get(icp.id, []),
        wrong_tier=b.wrong_tier(icp.title),
        warned=icp.path in b.warned,
    )


def negative_page(b: Build, neg: Negative) -> Page:
    src = f"negative/{neg.id}.md"
    hit = [
        f
        for f in b.fixtures
        if neg.id in f["verdict"].disqualified_by
        or any(w.startswith(neg.id + "/") for w in f["verdict"].warnings)
    ]
    own = {r.id for r in neg.rules}
    pond = neg.data.get("pond_map")
    return b.page(
        src,
        "negative.md.j2",
        neg=neg,
        d=neg.data,
        disqualifiers=_rule_rows(
            b, neg, neg.disqualifiers, rule_data(neg.data, None, "disqualifiers")
        ),
        warning_signs=_rule_rows(b, neg, neg.warnings, rule_data(neg.data, None, "warning_signs")),
        fixtures=hit,
        icps=[i for i in b.hb.icps if neg.applies(i.id)],
        pond=pondmap.pond_map(pond, f"Pond Map: {neg.title}", _rule_link(b, src, own))
        if pond
        else Markup(""),
        history=b.log.get(neg.id, []),
        wrong_tier=b.wrong_tier(neg.title),
    )


def home_page(b: Build, icps: list[Icp], negs: list[Negative]) -> Page:
    return b.page("index.md", "index.md.j2", icps=icps, negs=negs)


def qualify_page(b: Build) -> Page:
    scripts = [b.url("qualify.md", f"assets/{name}") for name in ("qualify-rules.js", "qualify.js")]
    return b.page("qualify.md", "qualify.md.j2", scripts=scripts)


def tests_page(b: Build, badges: list[Any]) -> Page:
    counts: dict[str, Counter[str]] = {}
    for f in b.fixtures:
        v = f["verdict"]
        label = "disqualified" if v.disqualified_by else v.best_profile or "no ICP fits"
        counts.setdefault(label, Counter())[v.tier] += 1
    chart = svg.tier_chart(
        {k: dict(v) for k, v in sorted(counts.items())},
        "Fixture companies by best profile and tier",
    )
    return b.page(
        "editors/tests.md",
        "tests.md.j2",
        fixtures=b.fixtures,
        run=b.results,
        cov=b.cov,
        chart=chart,
        badges=badges,
    )


def reference_pages(b: Build) -> list[Page]:
    return [
        b.page("reference/fields.md", "fields.md.j2"),
        b.page("reference/segments.md", "segments.md.j2"),
        b.page("editors/schemas.md", "schemas.md.j2", schemas=schema_docs()),
    ]


def changes_page(b: Build, owners: list[Icp | Negative]) -> Page:
    return b.page("changes.md", "changes.md.j2", files=[(o, b.log.get(o.id, [])) for o in owners])


def navigation(icps: list[Icp], negs: list[Negative]) -> list[Any]:
    # mkdocs writes navigation titles into the page as they are: escape them for HTML
    return [
        {"Home": "index.md"},
        {"Qualify a lead": "qualify.md"},
        {"Ideal Customer Profiles": [{html.escape(i.title): f"icp/{i.id}.md"} for i in icps]},
        {"Negative portraits": [{html.escape(n.title): f"negative/{n.id}.md"} for n in negs]},
        {
            "Reference": [
                {"Fields": "reference/fields.md"},
                {"Segments and regions": "reference/segments.md"},
            ]
        },
        {"Changes": "changes.md"},
        {"Tags": "tags.md"},
        {
            "For editors": [
                {"Rule tests and coverage": "editors/tests.md"},
                {"Schemas": "editors/schemas.md"},
                {"Problems icp validate reports": "reference/problems.md"},
                {"Commands, warehouse, reading rules": "reference/commands.md"},
            ]
        },
    ]


def pages(root: Path, options: Options | None = None) -> Site:
    """Every generated page of the handbook at `root`, its navigation and generated assets,
    built with `options` (default: as of today, no links, no diff report).

    Raises InputError when the handbook has errors or a template fails."""
    from .badges import badges, files

    opts = options or Options()
    b = prepare(root, opts)
    icps = sorted(b.hb.icps, key=lambda i: (i.status != "active", i.priority, i.id))
    negs = sorted(b.hb.negatives, key=lambda n: (n.status != "active", n.priority, n.id))
    made = badges(b.hb, b.results, b.cov, today=b.today, diff_report=opts.diff_report)
    out = [
        home_page(b, icps, negs),
        qualify_page(b),
        *(icp_page(b, i) for i in icps),
        *(negative_page(b, n) for n in negs),
        tests_page(b, made),
        *reference_pages(b),
        changes_page(b, [*icps, *negs]),
    ]
    assets = dict(files(made))
    assets["assets/qualify-rules.js"] = rules_script(
        compiled(b.hb, lambda dst: b.url("qualify.md", dst))
    )
    nav = navigation(icps, negs)
    out, nav, evidence_badge = add_evidence(
        root, b.env, b.hb, b.today, out, nav, opts.history_from_env
    )
    assets.update(evidence_badge)
    return Site(tuple(out), nav, assets)


#: where the generated site travels inside mkdocs' config (see site_src/hooks.py)
SITE_KEY = "icp_site"


def options_for_config(
    config: Any,
    today: dt.date | None = None,
    diff_report: Path | None = None,
    history_from_env: str | None = None,
) -> Options:
    """The build options a mkdocs config implies (its edit and issue links, its URL style),
    with the date (default: today) and a saved `icp diff --format json` report (the tests
    page's regressions badge)."""
    return Options(
        today=today,
        edit_base=str(config.extra.get("edit_base") or ""),
        issue_base=str(config.extra.get("issue_base") or ""),
        diff_report=diff_report,
        directory_urls=bool(config.use_directory_urls),
        history_from_env=history_from_env,
    )


def site_for_config(
    config: Any,
    today: dt.date | None = None,
    diff_report: Path | None = None,
    history_from_env: str | None = None,
) -> Site:
    """The handbook next to a loaded mkdocs config (mkdocs.yml sits at the handbook's root).
    Raises InputError as `pages` does."""
    root = Path(config.config_file_path).parent
    return pages(root, options_for_config(config, today, diff_report, history_from_env))
