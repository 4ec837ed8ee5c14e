#!/usr/bin/env bash
# cloudpool's whole job on one machine: a local ZooKeeper, simulated AWS, Azure and OpenStack,
# a launcher serving a burst of Zuul-style requests, and leak cleanup. Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
exec pnpm --silent cloudpool demo "$@"
