#!/usr/bin/env bash
# Set up a fresh machine: a virtual environment with icpkit and everything its tests need,
# and Debian's chromium for the browser tests. Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${ICP_SETUP_SKIP:-}" = "1" ]; then
  # the environment is already set up (used when the tests run the workflow steps locally)
  exit 0
fi
VENV="${ICP_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[test,evidence]"
# byte-compile the package as a regular install would (an editable install does not, and
# PYTHONDONTWRITEBYTECODE would make every run compile it again)
"$VENV/bin/python" -m compileall -q scripts/icpkit
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: chromium not found and apt-get unavailable; browser tests will fail" >&2
  fi
fi
# the warehouse tests start their own PostgreSQL (Debian's server) and Spark (Java 17)
if command -v apt-get >/dev/null 2>&1; then
  NEED=""
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || NEED="$NEED postgresql"
  command -v java >/dev/null 2>&1 || NEED="$NEED openjdk-17-jre-headless"
  if [ -n "$NEED" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $NEED >/dev/null
  fi
fi
# dbt in its own environment: dbt-core pins pathspec below what mypy needs (1.12 does not build)
if [ ! -x "$VENV-dbt/bin/dbt" ]; then
  python3 -m venv "$VENV-dbt"
  "$VENV-dbt/bin/python" -m pip install --quiet "dbt-core>=1.10,<1.12" "dbt-duckdb>=1.9"
fi
# JavaScript the browser tests inject (axe-core, for the accessibility checks), pinned in
# tests/js/package-lock.json; needs npm (Debian: apt-get install npm)
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
else
  echo "warning: npm not found; the accessibility browser tests will fail" >&2
fi
# yaml-language-server (what VS Code and github.dev use), an old release and the newest, for
# the editor tests (tests/test_editor_schemas.py); pinned so the tests do not drift
if command -v npm >/dev/null 2>&1; then
  for version in 1.20.0 2.0.0; do
    if [ ! -f ".yls/$version/node_modules/yaml-language-server/package.json" ]; then
      npm install --prefix ".yls/$version" "yaml-language-server@$version" \
        --no-audit --no-fund --silent >/dev/null
    fi
  done
else
  echo "warning: npm not found; the editor schema tests will fail" >&2
fi
