#!/usr/bin/env bash
# The full check on a fresh machine: install what is missing, type-check, lint, the short fault
# suite (`pnpm soak --short`: ZooKeeper faults and a killed launcher under Zuul-style load, about
# 2 minutes), then every test against a real ZooKeeper and the cloud simulators. The last line is
# "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
CLOUDPOOL_BROWSER=1 source scripts/bootstrap.sh
pnpm --silent typecheck
pnpm --silent lint
pnpm --silent soak --short
exec pnpm --silent test
