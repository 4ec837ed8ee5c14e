#!/usr/bin/env bash
# The OpenStack conformance run: installs Debian 12's OpenStack Zed when missing, sets up its
# state once, starts Keystone, Nova (fake virt driver), Placement, Glance and Neutron server on
# loopback, and runs the OpenStack driver's contract suite, a launcher lifecycle and leak cleanup
# against it, first with Neutron's L3 API (floating IPs) and then without it. Stops everything it
# started, also on failure. About 3 minutes to install, 3 to set up, then 1-2 per run.
# The last line is the test runner's "N passed, N failed, N skipped" over both runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bootstrap.sh
lab=scripts/conformance/openstack
bash "$lab/install.sh"
trap 'bash "$lab/stop.sh" >/dev/null 2>&1 || true' EXIT
bash "$lab/setup.sh"
passed=0 failed=0 skipped=0
for l3 in on off; do
  source "$lab/lab-env.sh"; source "$lab/lab-lib.sh"
  stop_service neutron-server
  bash "$lab/start.sh" --l3 "$l3"
  out=$(mktemp)
  CONFORMANCE_L3=$l3 pnpm --silent exec vitest run --config vitest.conformance.config.ts 2>&1 | tee "$out" || true
  read -r p f s < <(tail -n 1 "$out" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/; t; s/.*/0 1 0/')
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
  rm -f "$out"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
