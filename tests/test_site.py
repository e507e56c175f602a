"""The handbook's pages: generated from the YAML, escaped, exact, and built strictly."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import REPO, TODAY, copy_handbook
from icpkit.errors import InputError
from icpkit.site.build import build_site
from icpkit.site.mdtext import code, front_matter, inline, paragraphs, slug
from icpkit.site.pages import Options, pages

EXTENSIONS = ["admonition", "tables", "toc", "attr_list", "md_in_html"]


@given(st.text(max_size=60))
@example("\x1b\x850")  # a removed control character beside a Unicode space
@example("[x](javascript:alert(1)) {: onclick=x} <b>|</b> --8<-- {{ a }} \x02\x03")
def test_escaped_text_renders_as_exactly_itself(text: str) -> None:
    """Whatever the text, Markdown (even with attr_list on) renders it as plain text."""
    html = markdown.markdown(f"para {inline(text)}", extensions=EXTENSIONS)
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.tags: list[str] = []
            self.data = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            assert not attrs, attrs

        def handle_data(self, data: str) -> None:
            self.data += data

    parser = Text()
    parser.feed(html)
    assert parser.tags == ["p"]
    visible = "".join(c for c in text if c.isspace() or (ord(c) >= 32 and ord(c) != 127))
    assert parser.data.rstrip() == ("para " + " ".join(visible.split())).rstrip()


def test_escaping_helpers() -> None:
    assert inline("a | b\n# c") == "a &#124; b &#35; c"
    assert paragraphs("one\n\ntwo") == "one\n\ntwo"
    assert front_matter('x"\n---\ny<') == '"x&quot;\\n---\\ny&lt;"'
    assert code("<b>`x`</b>") == "<code>&lt;b&gt;`x`&lt;/b&gt;</code>"
    assert slug("western-software-teams") == "western-software-teams"
    with pytest.raises(ValueError, match="not an id"):
        slug("../etc")


@given(st.text(max_size=40))
@example("Western \U0001f680 software </title><script>alert(1)</script>")
@example("\U0001d54f \\ud83d\\ude80")  # an astral letter, and a title that spells an escape
def test_a_front_matter_value_reads_back_as_itself_in_mkdocs(text: str) -> None:
    """Session 10: an emoji (any character beyond U+FFFF) in a title or tag was written as a
    JSON surrogate pair, which YAML cannot read: mkdocs dropped the whole front matter, printed
    it at the top of the page, lost the tags, and took the <title> from the heading through
    the theme's `striptags`, which decodes `&lt;/title&gt;&lt;script&gt;` into live HTML."""
    from mkdocs.utils.meta import get_data

    _, meta = get_data(f"---\ntitle: {front_matter(text)}\n---\n\n# heading\n")
    assert meta == {"title": html.escape(text)}


def test_an_emoji_in_a_title_never_puts_markup_in_the_pages_title(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "hb")
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    profile = root / "profiles" / "icp" / "western-software-teams.yaml"
    text = profile.read_text()
    old = "title: Western software companies that need dedicated .NET or Python teams"
    assert old in text
    profile.write_text(text.replace(old, 'title: "Rocket \U0001f680 </title><script>x()</script>"'))
    built = build_site(root, today=TODAY).joinpath("icp", "western-software-teams.html")
    page = built.read_text()
    assert "<script>x()</script>" not in page
    assert "<title>Rocket \U0001f680 &lt;/title&gt;&lt;script&gt;x()&lt;/script&gt; - " in page
    assert "title: " not in re.sub(r"<[^>]+>", "", page.split("<article", 1)[1])


def page_text(site: Any, path: str) -> str:
    """A generated page with its character references decoded (as a reader sees it)."""
    return html.unescape(next(p.text for p in site.pages if p.path == path))


@pytest.fixture(scope="module")
def site() -> Any:
    return pages(REPO, Options(today=TODAY))


def test_pages_are_generated_from_the_yaml_and_computed(site: Any) -> None:
    paths = {p.path for p in site.pages}
    assert {
        "index.md",
        "qualify.md",
        "changes.md",
        "reference/fields.md",
        "reference/segments.md",
        "editors/tests.md",
        "editors/schemas.md",
        "icp/western-software-teams.md",
        "negative/enterprise-tenders.md",
    } <= paths
    icp = page_text(site, "icp/uk-eu-manufacturers-docs.md")
    assert '<div class="pond-map" role="group"' in icp
    # the Pond Map is page text, not a picture (the Evidence section's charts are SVG)
    pond = icp[icp.index('<div class="pond-map"') :]
    pond = pond[: pond.index("Evidence from the CRM")] if "Evidence from the CRM" in pond else pond
    assert "<svg" not in pond
    assert "Revenue of 20 million USD or more | Annual revenue 20,000,000 USD or more |" in icp
    assert "| Pennine Garments Ltd | A | 100 |" in icp  # a verdict computed at build time
    home = page_text(site, "index.md")
    assert "| **A** | Account executive for the territory |" in home
    schemas = page_text(site, "editors/schemas.md")
    assert "How often the profile must be reviewed" in schemas  # from the JSON Schema
    assert "'contact'" not in schemas and "Their e-mail address." in schemas


def test_rules_read_in_a_reps_words(site: Any) -> None:
    """The why, the lists in full (country names), vocabulary labels instead of codes."""
    icp = page_text(site, "icp/uk-eu-manufacturers-docs.md")
    assert (
        "Headquartered in the UK or the EU | Country is in UK and Ireland (United Kingdom, "
        "Ireland) or European Union (Austria, Belgium, Bulgaria, Croatia" in icp
    )
    assert "| Document automation reads from and writes to the ERP. |" in icp
    assert "Founded before 1990" in icp and "1,990" not in icp
    assert "Tech stack includes SAP or Dynamics 365" in icp
    assert "Which ERP do you run, and is it live in production? *CRM: HubSpot" in icp
    west = page_text(site, "icp/western-software-teams.md")
    assert "Funding stage is Series A, Series B or Series C" in west
    assert "series_b" not in west and "loss_making" not in west and "dedicated_team" not in west
    # a segment's description is the why of a requirement that names it
    assert "where a dedicated team slots into an existing engineering organisation" in west
    segments = page_text(site, "reference/segments.md")
    assert "Big enough to keep a team of three to eight busy" in segments
    assert "| DACH | Germany, Austria, Switzerland |" in segments
    fields = page_text(site, "reference/fields.md")
    assert "Series B (<code>series_b</code>)" in fields


def test_any_of_reads_as_either_or_in_the_handbook_and_in_explain(site: Any) -> None:
    from icpkit.engine.evaluate import evaluate
    from icpkit.engine.explain import rule_sentence
    from icpkit.loading.validate import open_loaded

    west = page_text(site, "icp/western-software-teams.md")
    assert "Australia and New Zealand (Australia, New Zealand); or is France |" in west
    hb = open_loaded(REPO, today=TODAY).handbook
    verdict = evaluate(hb, {"country": "GB"}, TODAY)
    result = verdict.rule("western-software-teams/western-market")
    assert result is not None
    sentence = rule_sentence(hb, result)
    assert sentence.startswith("either Country: United Kingdom, in North America")
    assert "(met) or Country: United Kingdom, equal to France (unmet): met" in sentence


def test_values_read_by_their_labels_in_the_handbook_the_form_and_explain(
    site: Any, tmp_path: Path
) -> None:
    """`value_labels` in the vocabulary (saas: SaaS), else an alias that spells the code
    (Microsoft 365), else the code in words: one name for a value wherever a rep meets it.
    A label is text from YAML: escaped in the page (control characters are refused by
    validation)."""
    from click.testing import CliRunner

    from icpkit.cli import cli
    from icpkit.loading.validate import open_loaded
    from icpkit.site.qualify import compiled

    west = page_text(site, "icp/western-software-teams.md")
    assert "SaaS" in west and "saas" not in west
    hb = open_loaded(REPO, today=TODAY).handbook
    fields = compiled(hb, lambda dst: dst)["fields"]
    industry = dict(fields["industry"]["values"])
    stack = dict(fields["tech_stack"]["values"])
    assert (industry["saas"], industry["fintech"]) == ("SaaS", "fintech")
    assert (stack["oracle_erp"], stack["microsoft365"], stack["dotnet"]) == (
        "Oracle ERP",
        "Microsoft 365",
        ".NET",
    )
    result = CliRunner().invoke(
        cli,
        ["explain", "--as-of", TODAY.isoformat(), "--set", "industry=saas",
         "--set", "tech_stack=oracle erp; python"],
    )  # fmt: skip
    assert "Industry: SaaS, one of software, SaaS, fintech" in result.output
    assert "Tech stack: Oracle ERP, Python, includes any of .NET, Python" in result.output

    root = copy_handbook(tmp_path / "hb")
    shutil.copytree(REPO / "site_src", root / "site_src")
    vocabulary = root / "rules" / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(
        text.replace("      saas: SaaS\n", "      saas: <b>SaaS</b>\n"), encoding="utf-8"
    )
    built = {p.path: p.text for p in pages(root, Options(today=TODAY)).pages}
    assert "<b>SaaS</b>" not in built["icp/western-software-teams.md"]
    assert "software, <b>SaaS</b>, fintech" in html.unescape(built["icp/western-software-teams.md"])
    result = CliRunner().invoke(
        cli,
        ["--root", str(root), "explain", "--as-of", TODAY.isoformat(), "--set", "industry=saas"],
    )
    assert "Industry: <b>SaaS</b>, one of software, <b>SaaS</b>" in result.output


def test_profile_pages_show_fits_and_near_misses_with_the_reason(site: Any) -> None:
    icp = page_text(site, "icp/uk-eu-manufacturers-docs.md")
    fits, _, near = icp.partition("### Near misses")
    fits = fits[fits.index("## Example companies") :]
    assert "| Pennine Garments Ltd | A | 100 |" in fits
    assert "Baltic Foods" not in fits and "| D |" not in fits  # no tier D among the fits
    near = near[: near.index("## Recent changes")]
    assert (
        "| Continental Rail Systems AG | fits, but is disqualified: Enterprises over 1,000 "
        "employees that buy through tenders |" in near
    )
    west = page_text(site, "icp/western-software-teams.md")
    assert (
        "| Quillmark Software BV | misses one requirement: Builds on .NET or Python "
        "(80 points otherwise) |" in west
    )


def test_every_profile_page_says_who_it_is_for_whom_to_ask_and_links_the_issue_form(
    site: Any,
) -> None:
    for page in site.pages:
        if not page.path.startswith(("icp/", "negative/")):
            continue
        text = page_text(site, page.path)
        assert '!!! info "Who this page is for"' in text, page.path
        assert "Questions about it: **" in text and 'href="mailto:' in text, page.path
        assert "issues/new?template=wrong-tier.yml" in text or "wrong-tier" not in text
        # engineering text is for editors, not on sales pages
        assert "Source:" not in text and "Repository skeleton" not in text
    icp = page_text(site, "icp/uk-eu-manufacturers-docs.md")
    assert "Questions about it: **Tomasz Berg, industry sales lead**" in icp
    assert "chat #sales-manufacturing" in icp
    home = page_text(site, "index.md")
    assert "badges/" not in home
    assert "badges/" in page_text(site, "editors/tests.md")


def test_the_wrong_tier_form_is_linked_when_the_repository_is_known() -> None:

    made = pages(
        REPO,
        Options(today=TODAY, issue_base="https://github.com/o/r/issues/new", history=False),
    )
    text = next(p.text for p in made.pages if p.path == "icp/na-saas-scaleups.md")
    assert (
        '<a href="https://github.com/o/r/issues/new?template=wrong-tier.yml&amp;title=Wrong' in text
    )
    with pytest.raises(InputError, match="expected an https:// URL"):
        pages(REPO, Options(today=TODAY, issue_base="javascript:alert(1)"))


def test_the_change_log_says_what_changed_in_plain_words(tmp_path: Path) -> None:
    """Per profile, the rule changes of each commit (the engine behind icp diff), with the
    date and the author; a commit that changed only text says so."""
    root = copy_handbook(tmp_path / "hb")
    shutil.copytree(REPO / "site_src", root / "site_src")

    def git(*args: str, author: str = "Ada Lovelace") -> None:
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": "ada@example.com",
            "GIT_AUTHOR_DATE": "2026-11-02T10:00:00",
            "GIT_COMMITTER_DATE": "2026-11-02T10:00:00",
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
        }
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "start")
    path = root / "profiles" / "icp" / "uk-eu-manufacturers-docs.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("at_least: 5}\n      points: 10", "at_least: 5}\n      points: 15")
    )
    git("commit", "-qam", "Repository skeleton: safe YAML loader", author="Grace Hopper")
    path.write_text(path.read_text().replace("drowning in paper", "buried in paper"))
    git("commit", "-qam", "wording", author="Grace Hopper")
    made = pages(root, Options(today=TODAY))
    icp = page_text(made, "icp/uk-eu-manufacturers-docs.md")
    log = icp[icp.index("## Recent changes") :]
    assert (
        "- **2026-11-02**, Grace Hopper: 'Growing 5% a year or more' went from +10 to +15 points."
        in log
    )
    assert (
        "- **2026-11-02**, Grace Hopper: the text around the rules changed (no rule changed)."
        in log
    )
    assert "- **2026-11-02**, Ada Lovelace: the profile was added." in log
    assert "Repository skeleton" not in icp
    changes = page_text(made, "changes.md")
    assert "went from +10 to +15 points" in changes and "Repository skeleton" not in changes


def test_the_page_evaluator_implements_every_operator_of_the_table() -> None:
    """qualify.js has one function per row of the operator table, no more, no less."""
    from icpkit.engine.operators import OPERATORS

    js = (REPO / "site_src" / "docs" / "assets" / "qualify.js").read_text()
    block = js[js.index("var OPS = {") : js.index("};", js.index("var OPS = {"))]
    keys = re.findall(r"^\s{4}(\w+):", block, re.M)
    assert sorted(keys) == sorted(OPERATORS)


def test_the_compiled_rules_are_a_script_that_cannot_end_early(tmp_path: Path) -> None:
    from icpkit.site.qualify import rules_script

    data = rules_script({"label": "</script><script>alert(1)</script> & more"})
    assert b"</script>" not in data and b"<" not in data
    assert data.startswith(b"window.ICP_RULES = {")


def test_the_hook_is_a_thin_adapter_without_state() -> None:
    hook = (REPO / "site_src" / "hooks.py").read_text()
    assert "global " not in hook and "os.environ[" not in hook and "environ.setdefault" not in hook
    build = (REPO / "scripts" / "icpkit" / "site" / "build.py").read_text()
    assert 'os.environ["ICP_TODAY"]' not in build


def test_pages_are_the_same_every_time(site: Any) -> None:
    assert pages(REPO, Options(today=TODAY)) == site


def test_a_template_error_names_the_template_and_line(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "hb")
    shutil.copytree(REPO / "site_src", root / "site_src")
    template = root / "site_src" / "templates" / "qualify.md.j2"
    template.write_text(
        template.read_text().replace(
            "{{ hb.policy.unknown_cap }}", "{{ hb.policy.no_such_thing }}", 1
        )
    )
    with pytest.raises(InputError, match=r"site_src/templates/qualify.md.j2:\d+: template error"):
        pages(root, Options(today=TODAY))


def test_a_handbook_with_errors_is_not_published(tmp_path: Path) -> None:
    root = copy_handbook(tmp_path / "hb")
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("the last good site")
    shutil.copyfile(
        REPO / "tests" / "corpus" / "validate" / "unknown-field.yaml",
        root / "profiles" / "icp" / "bad.yaml",
    )
    with pytest.raises(InputError, match="run icp validate"):
        build_site(root, today=TODAY)
    assert (root / "site" / "index.html").read_text() == "the last good site"
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []


def test_the_example_builds_strictly_with_links_and_anchors_checked(tmp_path: Path) -> None:
    out = build_site(REPO, site_dir=tmp_path / "site", today=TODAY)
    page = (out / "icp" / "western-software-teams.html").read_text()
    for outside in ("fonts.googleapis.com", "cdn.jsdelivr", "unpkg.com"):
        assert outside not in page
    assert "assets/vendor/iframe-worker/shim.js" in page  # search from file://
    assert (out / "search" / "search_index.json").is_file()
    assert (out / "search" / "search_index.js").is_file()
    # session 12: the home page's title was "ICP handbook - Northwind IT — ICP handbook", and
    # the Schemas page listed tiers as "A, B, C, D, None" (Python's null in the text)
    site_name = "Northwind IT — ICP handbook"
    assert _title(out / "index.html") == site_name
    for page_file in out.rglob("*.html"):
        title = _title(page_file)
        own, _, name = title.rpartition(" - ")
        assert title == site_name or (name == site_name and own.lower() not in name.lower()), (
            page_file,
            title,
        )
        text = re.sub(r"<[^>]+>", " ", page_file.read_text())
        text = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text)
        # 'None' only as a null token a CRM writes (the commands reference lists them)
        leaks = [
            m
            for m in re.finditer(r"\bNone\b", text)
            if "null" not in text[m.start() - 40 : m.start()]
        ]
        assert not leaks, (page_file, [text[m.start() - 40 : m.end() + 10] for m in leaks])
    assert "A, B, C, D, null" in re.sub(
        r"&#(\d+);", lambda m: chr(int(m.group(1))), (out / "editors" / "schemas.html").read_text()
    )


def _title(page_file: Path) -> str:
    found = re.search(r"<title>(.*?)</title>", page_file.read_text(), re.S)
    assert found, page_file
    return found.group(1).strip()


def test_plain_mkdocs_build_still_works(tmp_path: Path) -> None:
    """Without icp build, the hook computes the pages itself (mkdocs build, mkdocs serve)."""
    import sys

    env = {**os.environ, "ICP_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "s")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "s" / "qualify.html").is_file()
    assert (tmp_path / "s" / "assets" / "qualify-rules.js").is_file()


def test_zensical_builds_every_page_from_the_same_generated_pages(tmp_path: Path) -> None:
    """Zensical (Material for MkDocs' announced successor) reads mkdocs.yml but runs no
    hooks: it builds the docs folder the same generator writes, and every page exists."""
    import sys

    import yaml

    from icpkit.site.build import export_docs

    made = pages(REPO, Options(today=TODAY, history=False))
    docs = export_docs(REPO, tmp_path / "docs", made)

    class Loader(yaml.SafeLoader):
        pass

    # !ENV [NAME, default] -> the default (the builder's own environment is not read)
    Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
    config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=Loader)
    # paths relative to the config file (Zensical 0.0.7x panics on absolute ones)
    config.update(docs_dir=docs.name, site_dir="site", nav=made.nav)
    config["theme"]["custom_dir"] = str(REPO / "site_src" / "overrides")
    for key in ("hooks", "watch"):
        config.pop(key, None)
    (tmp_path / "zensical.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    zensical = Path(sys.executable).with_name("zensical")
    done = subprocess.run(
        [str(zensical), "build", "-f", str(tmp_path / "zensical.yml")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for page in made.pages:
        built = tmp_path / "site" / page.path.replace(".md", ".html")
        assert built.is_file(), page.path
    qualify = (tmp_path / "site" / "qualify.html").read_text()
    assert 'id="icp-qualify"' in qualify and "assets/qualify-rules.js" in qualify
    uk = (tmp_path / "site" / "icp" / "uk-eu-manufacturers-docs.html").read_text()
    assert 'class="pond-map"' in uk and 'id="rule-erp-live"' in uk


def test_mkdocs_serve_still_works(tmp_path: Path) -> None:
    """`mkdocs serve` (live reload for editors) builds the pages through the hook too."""
    import socket
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ICP_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/qualify.html") as r:
                    body = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None, "mkdocs serve stopped"
                assert time.monotonic() < deadline, "mkdocs serve did not answer"
                time.sleep(0.5)
        assert 'id="icp-qualify"' in body
    finally:
        proc.terminate()
        proc.wait(timeout=30)
