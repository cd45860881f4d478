#!/usr/bin/env bash
# The Node example's modules (examples/node, docs/other-languages.md), exactly as pinned by its
# package-lock.json, for tests/e2e/test_node_example.py. Without Node 20 or later this is
# skipped with a message, and those tests skip too.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/examples/node"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node/npm not found: skipping the Node example (its e2e tests will skip)" >&2
  exit 0
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "node $(node --version) is older than 20: skipping the Node example (its e2e tests will skip)" >&2
  exit 0
fi
# npm records what it installed in node_modules/.package-lock.json: up to date when that is
# newer than the lockfile.
if [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
  exit 0
fi
echo "installing the Node example's modules (npm ci --prefix examples/node)" >&2
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
