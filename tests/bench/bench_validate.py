#!/usr/bin/env python3
"""Benchmark `icp validate` on 1,000 generated profiles against check-jsonschema.

    python tests/bench/bench_validate.py               # 1,000 profiles, 5 rounds
    python tests/bench/bench_validate.py --profiles 200 --rounds 3

Both read the same files against the same schema; check-jsonschema checks less than we do
(no vocabulary, segments, references, satisfiability or reviews). Each program runs as a
whole process, in rotating order; the report gives median wall times and the ratio.
Target: `icp validate` no slower than check-jsonschema. Results go to
tests/bench/results/validate.json.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import rotating, save

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCHEMAS = REPO / "scripts" / "icpkit" / "schemas"

PROFILE = """\
# yaml-language-server: $schema=../../../../scripts/icpkit/schemas/icp.schema.json
kind: icp
id: generated-{n}
title: Generated profile {n}
status: {status}
priority: {priority}
owners: ['@bench/team-{team}']
review:
  last_reviewed: 2026-11-01
  cadence: yearly
summary: A generated profile of about sixty lines for the validation benchmark, number {n}.
tags: [{industry}, generated]
persona:
  name: Persona {n}
  role: Head of engineering
  picture: A company of {employees} people in {country}.
  story: It found us through a webinar and bought a pilot.
pains:
  - Hiring is slow
  - Releases slip
pond_map:
  account_profile:
    negatives:
      - text: Too small
        kind: disqualifier
        rule: size
    positives:
      - text: In a market we serve
        rule: market
  needs:
    positives:
      - text: Uses our stack
        rule: stack
decision_chain:
  roles:
    - role: CTO
      part: decides
    - role: CFO
      part: signs
messaging:
  - Lead with speed
qualification:
  requirements:
    - id: market
      label: In a market we serve
      when: {{field: country, one_of: [{country}, US, GB, DE]}}
    - id: size
      label: Big enough
      when: {{field: employees, between: [{low}, {high}]}}
  criteria:
    - id: stack
      label: Uses our stack
      when: {{field: tech_stack, has_any: [python, dotnet]}}
      points: 40
    - id: growth
      label: Growing
      when: {{field: growth_rate, at_least: {growth}}}
      points: 30
    - id: budget
      label: Has budget
      when: {{field: it_budget, at_least: 250000}}
      points: 30
"""


def generate(root: Path, count: int) -> list[Path]:
    rng = random.Random(7)
    shutil.copytree(REPO / "rules", root / "rules")
    folder = root / "profiles" / "icp"
    folder.mkdir(parents=True)
    files = []
    for n in range(count):
        low = rng.randint(10, 400)
        path = folder / f"generated-{n}.yaml"
        path.write_text(
            PROFILE.format(
                n=n,
                status=rng.choice(["active", "draft"]),
                priority=rng.randint(1, 999),
                team=rng.randint(1, 9),
                industry=rng.choice(["saas", "fintech", "retail"]),
                employees=rng.randint(50, 5000),
                country=rng.choice(["FR", "NL", "SE", "CA"]),
                low=low,
                high=low + rng.randint(100, 5000),
                growth=rng.randint(5, 40),
            )
        )
        files.append(path)
    return files


def timed(cmd: list[str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in ok:
        sys.exit(
            f"failed ({done.returncode}): {' '.join(cmd[:4])} …\n{done.stdout[-2000:]}"
            f"{done.stderr[-2000:]}"
        )
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--profiles", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = generate(root, args.profiles)
        programs = {
            "check-jsonschema": [
                str(bindir / "check-jsonschema"),
                "--schemafile",
                str(SCHEMAS / "icp.schema.json"),
                "--base-uri",
                (SCHEMAS / "icp.schema.json").as_uri(),
                *map(str, files),
            ],
            "icp validate": [
                str(bindir / "icp"),
                "--root",
                str(root),
                "--today",
                "2026-11-23",
                "validate",
                "--strict",
            ],
        }
        times = rotating(list(programs), args.rounds, lambda name: timed(programs[name]))
    median = {n: statistics.median(t) for n, t in times.items()}
    ratio = median["icp validate"] / median["check-jsonschema"]
    print(f"{args.profiles} profiles of about 60 lines, median of {args.rounds} runs")
    for n, t in median.items():
        print(f"  {n:<18} {t:6.2f} s")
    print(f"icp validate / check-jsonschema: {ratio:.2f}x (target: 1.0x or less)")
    save(
        "validate",
        {
            "profiles": args.profiles,
            "rounds": args.rounds,
            "median_s": median,
            "ratio": round(ratio, 3),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
