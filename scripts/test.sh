#!/usr/bin/env bash
# Install the test extras and the test-only npm packages, then run the whole suite on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e '.[test]'
if command -v npm >/dev/null 2>&1 && [ -f tests/node/package.json ]; then
  npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
fi
python -m pytest -n 2 "$@"
