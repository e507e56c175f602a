"""The handbook's pages: generated from the YAML, escaped, exact, and built strictly."""

from __future__ import annotations

import shutil
from pathlib import Path

import markdown
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import REPO, TODAY, copy_handbook
from icpkit.errors import InputError
from icpkit.site.build import build_site
from icpkit.site.mdtext import code, front_matter, inline, paragraphs, slug
from icpkit.site.pages import pages

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


def test_pages_are_generated_from_the_yaml_and_computed(tmp_path: Path) -> None:
    site = pages(REPO, today=TODAY)
    paths = {p.path for p in site.pages}
    assert {
        "index.md",
        "qualify.md",
        "tests.md",
        "changes.md",
        "reference/fields.md",
        "reference/segments.md",
        "reference/schemas.md",
        "icp/western-software-teams.md",
        "negative/enterprise-tenders.md",
    } <= paths
    icp = next(p.text for p in site.pages if p.path == "icp/uk-eu-manufacturers-docs.md")
    assert '<svg class="pond-map"' in icp
    assert (
        "| Revenue of 20 million USD or more | Annual revenue 20&#44;000&#44;000 or more, "
        "required |" in icp
    )
    assert "| Pennine Garments Ltd | A | 100 |" in icp  # a verdict computed at build time
    home = next(p.text for p in site.pages if p.path == "index.md")
    assert "| **A** | Account executive for the territory |" in home
    schemas = next(p.text for p in site.pages if p.path == "reference/schemas.md")
    assert "How often the profile must be reviewed" in schemas  # from the JSON Schema


def test_pages_are_the_same_every_time() -> None:
    assert pages(REPO, today=TODAY) == pages(REPO, today=TODAY)


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
        pages(root, today=TODAY)


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
    html = (out / "icp" / "western-software-teams" / "index.html").read_text()
    assert "fonts.googleapis.com" not in html and "cdn.jsdelivr" not in html
    assert (out / "search" / "search_index.json").is_file()
