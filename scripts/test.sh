#!/usr/bin/env bash
# The test command: set up (idempotent), lint, type-check, then the whole test suite
# (the fixture rule tests, the property tests and the browser tests included).
# When a Python 3.13 interpreter is on the machine (ICP_PY313, python3.13 on PATH, or pyenv's),
# the suite runs on it too, in its own environment (.venv313), without the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
VENV="${ICP_VENV:-.venv}"
"$VENV/bin/ruff" check scripts tests
"$VENV/bin/ruff" format --check scripts tests
"$VENV/bin/mypy"
"$VENV/bin/python" -m pytest "$@"

PY313=""
for candidate in "${ICP_PY313:-}" /root/.pyenv/versions/3.13*/bin/python3.13 "$(command -v python3.13 || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c "" 2>/dev/null; then
    PY313="$candidate"
    break
  fi
done
if [ -n "$PY313" ] && [ "${ICP_SKIP_PY313:-}" != "1" ]; then
  VENV313="${ICP_VENV313:-.venv313}"
  if [ ! -x "$VENV313/bin/python" ]; then
    "$PY313" -m venv "$VENV313"
  fi
  # the same extras as setup.sh installs in .venv; reinstall only when they or the
  # declared dependencies changed
  extras="test,evidence"
  stamp="$VENV313/.icp-installed"
  if [ ! -f "$stamp" ] || ! { echo "$extras"; cat pyproject.toml; } | cmp -s - "$stamp"; then
    "$VENV313/bin/python" -m pip install --quiet --upgrade pip
    "$VENV313/bin/python" -m pip install --quiet -e ".[$extras]"
    { echo "$extras"; cat pyproject.toml; } > "$stamp"
  fi
  echo "--- the suite on $("$VENV313/bin/python" --version) (browser tests run above only)"
  "$VENV313/bin/python" -m pytest -p no:cacheprovider --ignore=tests/test_browser.py "$@"
fi
