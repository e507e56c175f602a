#!/usr/bin/env python3
"""Benchmark the handbook build against a plain mkdocs-material site of the same pages.

    python tests/bench/bench_site.py                    # 200 and 1,000 profiles, 3 rounds
    python tests/bench/bench_site.py --profiles 200 --rounds 3

For N generated profiles, `icp build` (validation, rule tests, page generation and the
mkdocs build) is timed against `mkdocs build` of a plain site holding the very Markdown
pages our generator wrote, with the same theme configuration (navigation.prune on, as
in the handbook's mkdocs.yml), as whole processes in rotating order. Target: within
1.3x at 200 and at 1,000 profiles. Results go to tests/bench/results/site.json.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from bench_validate import generate  # noqa: E402
from benchlib import rotating, save  # noqa: E402


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return wall


def prepare(base: Path, count: int) -> tuple[Path, Path]:
    """A generated handbook, and a plain mkdocs site with the pages it generates."""
    import yaml  # mkdocs depends on PyYAML

    from icpkit.site.build import export_docs
    from icpkit.site.pages import pages

    hb = base / "handbook"
    generate(hb, count)
    (hb / "tests" / "fixtures").mkdir(parents=True)
    shutil.copytree(REPO / "site_src", hb / "site_src")
    shutil.copyfile(REPO / "mkdocs.yml", hb / "mkdocs.yml")
    site = pages(hb)
    plain = base / "plain"
    # the very pages and assets the generator wrote, and the theme override
    export_docs(hb, plain / "docs", site)
    shutil.copytree(REPO / "site_src" / "overrides", plain / "site_src" / "overrides")
    config = (REPO / "mkdocs.yml").read_text()
    config = config.replace("hooks:\n  - site_src/hooks.py\n", "").replace(
        "docs_dir: site_src/docs", "docs_dir: docs"
    )
    config = "\n".join(
        line
        for line in config.splitlines()
        if not line.lstrip().startswith(
            ("- profiles", "- rules", "- tests/", "- site_src/templates", "watch:")
        )
    )
    nav = yaml.safe_dump({"nav": site.nav}, allow_unicode=True, sort_keys=False)
    (plain / "mkdocs.yml").write_text(config + "\n" + nav)
    return hb, plain


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--profiles", type=int, nargs="*", default=[200, 1000])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    bindir = Path(sys.executable).parent
    env = {
        "PATH": f"{bindir}:/usr/bin:/bin",
        "ICP_TODAY": "2026-11-23",
        "NO_MKDOCS_2_WARNING": "1",
        "HOME": str(Path.home()),
    }
    report = {}
    for count in args.profiles:
        with tempfile.TemporaryDirectory() as tmp:
            hb, plain = prepare(Path(tmp), count)
            programs = {
                "plain mkdocs-material": (
                    [str(bindir / "mkdocs"), "build", "--strict", "-q"],
                    plain,
                ),
                "icp build": ([str(bindir / "icp"), "--root", str(hb), "build"], hb),
            }
            times = rotating(
                list(programs),
                args.rounds,
                lambda name, programs=programs: timed(*programs[name], env),
            )
            pages = sum(1 for _ in (plain / "docs").rglob("*.md"))
        median = {n: statistics.median(t) for n, t in times.items()}
        ratio = median["icp build"] / median["plain mkdocs-material"]
        report[count] = {"pages": pages, "median_s": median, "ratio": round(ratio, 3)}
        print(f"{count} profiles ({pages} pages), median of {args.rounds} runs")
        for n, t in median.items():
            print(f"  {n:<22} {t:6.2f} s")
        print(f"  icp build / plain: {ratio:.2f}x (target 1.3x)")
    save("site", {"rounds": args.rounds, "runs": report})
    return 0


if __name__ == "__main__":
    sys.exit(main())
