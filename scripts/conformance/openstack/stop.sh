#!/usr/bin/env bash
# Stops every process the lab started (its state stays, for the next start.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lab-env.sh"
source "$here/lab-lib.sh"
stop_openstack_services
stop_service keystone
rabbitmqctl_lab stop >/dev/null 2>&1 || true
for s in rabbitmq epmd memcached mariadb; do stop_service "$s"; done
echo "stop: lab stopped"
