#!/usr/bin/env bash
# The benchmarks on a fresh machine: install what is missing, then run them all or the named ones
# (launcher-start, simulator-list, launch-throughput, api-economy, zookeeper-cost, time-to-ready, cleanup-pass, memory).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
exec pnpm --silent bench "$@"
