"""The handbook in a real browser: headless Chromium from Debian, driven by Playwright.

The site is built from a copy of the example handbook plus a profile whose every text
tries an injection. It is served on 127.0.0.1; every request the browser makes is
recorded, and no dialog may open.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from conftest import REPO, TODAY, copy_handbook
from icpkit.site.build import build_site

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]

EVIL_PROFILE = """\
kind: icp
id: injection-test
title: "Evil <script>alert('title')</script> title"
status: draft
owners: ['@security/red-team']
review:
  last_reviewed: 2026-11-20
  cadence: yearly
summary: "Summary with a [link](javascript:alert('link')) and {: onclick=\\"alert('attr')\\"}
  and |pipes|"
tags: ["<img src=x onerror=alert('tag')>"]
persona:
  name: "Mallory {{ 7*7 }} {% raw %}"
  picture: "<img src=x onerror=alert('img')> --8<-- \\".env\\""
  story: "A story <script>alert('story')</script> with {{ config }} and {% include 'x' %}"
pains:
  - "Pipes | in | a | table"
  - "# not a heading"
  - "line one\\n---\\ntitle: forged front matter"
pond_map:
  needs:
    negatives:
      - text: "</text><script>alert('svg')</script>"
        kind: disqualifier
    positives:
      - text: "<a href=\\"javascript:alert('a')\\">click</a>"
decision_chain:
  roles:
    - role: "<b onmouseover=alert('role')>CTO</b>"
      part: decides
qualification:
  requirements:
    - id: size
      label: "Size | with pipe <i>italic</i>"
      when: {field: employees, at_least: 10}
  criteria:
    - id: stack
      label: "[x](javascript:alert('crit'))"
      when: {field: tech_stack, has_any: [python]}
      points: 80
"""


def chromium_path() -> str:
    found = os.environ.get("ICP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        pytest.fail("Debian's chromium is not installed: run scripts/setup.sh")
    return found


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_handbook(tmp_path_factory.mktemp("hb") / "handbook")
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "profiles" / "icp" / "injection-test.yaml").write_text(EVIL_PROFILE)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root / "site"))
    )
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    os.environ["ICP_SITE_URL"] = base
    try:
        build_site(root, today=TODAY)
    finally:
        os.environ.pop("ICP_SITE_URL", None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.requests = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    hosts = {urlparse(u).hostname for u in pg.requests if urlparse(u).scheme in ("http", "https")}
    assert hosts <= {"127.0.0.1"}, f"requests left 127.0.0.1: {hosts}"
    assert pg.dialogs == [], f"a dialog opened: {pg.dialogs}"
    context.close()


ICPS = ["western-software-teams", "uk-eu-manufacturers-docs", "na-saas-scaleups"]


@pytest.mark.parametrize("icp", ICPS)
def test_every_profile_page_renders_with_its_pond_map(served: str, page: Any, icp: str) -> None:
    page.goto(f"{served}icp/{icp}/")
    svg = page.locator("svg.pond-map")
    assert svg.count() == 1 and svg.is_visible()
    assert svg.locator("text.pm-head").all_text_contents() == [
        "Account Profile",
        "Needs",
        "Urgency Drivers",
        "Beliefs",
        "Tipping Point",
    ]
    assert page.locator("svg.pond-map rect.pm-disq").count() >= 1
    assert "Qualification checklist" in page.locator("article").inner_text()


def test_search_finds_a_profile_by_a_word_from_its_story(served: str, page: Any) -> None:
    page.goto(served)
    page.keyboard.press("s")  # the search shortcut; search listens to real key presses
    page.locator(".md-search__input").wait_for()
    page.keyboard.type("Leicester", delay=30)
    result = page.locator(".md-search-result__item a").first
    result.wait_for(timeout=10_000)
    assert "uk-eu-manufacturers-docs" in (result.get_attribute("href") or "")


def test_navigation_works(served: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(served)
    page.get_by_role(
        "link", name="North American B2B SaaS scaleups on Salesforce and Outreach"
    ).first.click()
    expect(page.locator("article h1")).to_contain_text("North American B2B SaaS")
    assert page.url.endswith("/icp/na-saas-scaleups/")
    page.get_by_role("link", name="Rule tests").first.click()
    expect(page.locator("article h1")).to_have_text("Rule tests¶")
    assert "rule tests:" in page.locator("article").inner_text()


def test_a_screenshot_of_an_icp_page_is_saved(served: str, page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{served}icp/uk-eu-manufacturers-docs/")
    target = ARTIFACTS / "icp-page.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 20_000


def test_injected_text_shows_as_text_and_never_runs(served: str, page: Any) -> None:
    page.goto(f"{served}icp/injection-test/")
    page.wait_for_timeout(500)
    article = page.locator("article").inner_text()
    for literal in (
        "<script>alert('story')</script>",
        "{{ config }}",
        "{% include 'x' %}",
        "Mallory {{ 7*7 }}",
        "Pipes | in | a | table",
        "# not a heading",
        "<img src=x onerror=alert('img')>",
        "[link](javascript:alert('link'))",
        "{: onclick=\"alert('attr')\"}",
        "--8<--",
        "</text><script>alert('svg')</script>",
        "title: forged front matter",
    ):
        assert literal in article, literal
    assert "Evil <script>alert('title')</script> title" in page.locator("h1").inner_text()
    assert page.locator("article script").count() == 0
    assert page.locator("article [onclick], article [onerror], article [onmouseover]").count() == 0
    hrefs = page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href') || '')")
    assert not any(h.strip().lower().startswith("javascript:") for h in hrefs)
    assert page.locator("article img").count() == 0


def test_every_page_has_no_request_outside_and_no_console_error(served: str, page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in [
        "",
        "qualify/",
        "tests/",
        "reference/fields/",
        "reference/schemas/",
        "changes/",
        "negative/enterprise-tenders/",
        "tags/",
    ]:
        page.goto(served + path)
        assert page.locator("h1").count() >= 1, path
    assert errors == []
