"""Running a GitHub Actions workflow's `run:` steps locally, as the runner would."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def run_step(
    step: Mapping[str, Any], values: Mapping[str, str], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """One step's `run` script under `bash -e`, with the step's `env` and each `${{ ... }}`
    expression of `values` replaced as GitHub would substitute it."""
    step_env = {k: str(v) for k, v in (step.get("env") or {}).items()}
    for key, value in step_env.items():
        for expr, replacement in values.items():
            value = value.replace(expr, replacement)
        step_env[key] = value
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=cwd,
        env={**env, **step_env},
        capture_output=True,
        text=True,
    )
