#!/usr/bin/env bash
# Starts the lab's services from an existing state ($LAB_STATE, made by setup.sh), each in its own
# session with its pid in $LAB_RUN, and waits until the APIs answer and nova-compute is up.
# Usage: start.sh [--l3 on|off]   (Neutron's router plugin, which serves /v2.0/floatingips)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lab-env.sh"
source "$here/lab-lib.sh"
l3=on
[ "${1:-}" = --l3 ] && l3="${2:?--l3 takes on or off}"

start_infra
start_service keystone uwsgi-core --plugins python3 --http-socket "$LAB_HOST:5000" --wsgi-file /usr/bin/keystone-wsgi-public \
  --master --processes 2 --threads 1 --die-on-term --lazy-apps --buffer-size 65535 --need-app \
  --add-header "Connection: close" --env "OS_KEYSTONE_CONFIG_FILES=$LAB_ETC/keystone/keystone.conf"
wait_http "http://$LAB_HOST:5000/v3" keystone
start_openstack_services "$l3"
echo "start: lab up (L3 $l3) in ${SECONDS}s"
