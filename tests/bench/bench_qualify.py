#!/usr/bin/env python3
"""Benchmark the *Qualify a lead* page: how long until the first verdict shows.

    python tests/bench/bench_qualify.py                 # 20 loads each way
    python tests/bench/bench_qualify.py --loads 50

The example handbook is built into a temporary folder and its qualify page opened in
Debian's chromium (Playwright with `executable_path`), from disk (file://) and from a local
web server, `--loads` times each, in alternating order, each in a fresh browser context.
Measured: `window.icpQualifyReadyAt` (ms from navigation start to the first verdict in the
page) against the baseline in the same process, the home page's `domContentLoadedEventEnd`
(the same theme and search assets, no rules and no evaluator). Target (issue 13): the
first verdict within 1,000 ms on this machine, median and worst. Results go to
tests/bench/results/qualify.json.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from benchlib import save  # noqa: E402

TARGET_MS = 1000.0


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def build(base: Path) -> Path:
    """The example handbook's site, built as `icp build` builds it."""
    from icpkit.site.build import build_site

    root = base / "handbook"
    shutil.copytree(
        REPO,
        root,
        ignore=shutil.ignore_patterns(".git", ".venv*", "site", "node_modules", "out", "data"),
    )
    return build_site(root)


def timings(browser: Any, url: str, script: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    if "qualify" in url:
        page.wait_for_selector("#icp-qualify[data-ready]")
    else:
        page.wait_for_load_state("domcontentloaded")
    value = float(page.evaluate(script))
    context.close()
    return value


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--loads", type=int, default=20)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("ICP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        site = build(Path(tmp))
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        bases = {
            "file://": site.as_uri() + "/",
            "http://": f"http://127.0.0.1:{server.server_address[1]}/",
        }
        ready = "window.icpQualifyReadyAt"
        loaded = "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
        runs: dict[str, list[float]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            for i in range(args.loads):
                for way, base in bases.items():
                    pair = [("qualify", base + "qualify.html", ready), ("home", base, loaded)]
                    for name, url, script in pair if i % 2 == 0 else pair[::-1]:
                        runs.setdefault(f"{name} {way}", []).append(timings(browser, url, script))
            browser.close()
        server.shutdown()
    median = {k: statistics.median(v) for k, v in runs.items()}
    worst = {k: max(v) for k, v in runs.items()}
    print(f"{args.loads} loads each, ms from navigation start")
    for k in runs:
        print(f"  {k:<18} median {median[k]:7.1f}   worst {worst[k]:7.1f}")
    ok = True
    ratios = {}
    for way in bases:
        q, h = f"qualify {way}", f"home {way}"
        ratios[way] = round(median[q] / median[h], 3)
        within = worst[q] < TARGET_MS
        ok = ok and within
        print(
            f"first verdict {way}: median {median[q]:.0f} ms, worst {worst[q]:.0f} ms "
            f"(target {TARGET_MS:.0f} ms: {'met' if within else 'MISSED'}); "
            f"{ratios[way]:.2f}x the home page's DOMContentLoaded"
        )
    save(
        "qualify",
        {
            "loads": args.loads,
            "median_ms": median,
            "worst_ms": worst,
            "ratio_to_home": ratios,
            "target_ms": TARGET_MS,
            "met": ok,
        },
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
