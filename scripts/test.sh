#!/usr/bin/env bash
# The full check on a fresh machine: install what is missing, type-check, lint, run every test
# against a real ZooKeeper and the cloud simulator. The last line is "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
CLOUDPOOL_BROWSER=1 source scripts/bootstrap.sh
pnpm --silent typecheck
pnpm --silent lint
exec pnpm --silent test
