#!/usr/bin/env bash
# The test command: set up (idempotent), lint, type-check, then the whole test suite
# (the fixture rule tests, the property tests and the browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV="${ICP_VENV:-.venv}"
"$VENV/bin/ruff" check scripts tests
"$VENV/bin/mypy"
"$VENV/bin/python" -m pytest "$@"
