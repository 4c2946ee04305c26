#!/usr/bin/env bash
# Install the test extras and the test-only npm packages, then run the whole suite on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e '.[test]'
if command -v npm >/dev/null 2>&1; then
  for dir in tests/node tests/cypher_lint tests/e2e; do
    if [ -f "$dir/package.json" ]; then
      npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
    fi
  done
fi
python -m pytest -n 2 "$@"
