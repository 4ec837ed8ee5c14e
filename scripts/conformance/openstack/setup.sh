#!/usr/bin/env bash
# Makes the lab's state from nothing: configuration, databases and schemas, Keystone's bootstrap,
# the service users and catalog, cells, then starts everything and creates the flavors, image,
# networks and router the conformance run uses. Skips all of it when the state is complete.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lab-env.sh"
source "$here/lab-lib.sh"
if [ -f "$LAB_STATE/setup.done" ]; then echo "setup: state exists ($LAB_STATE)"; exit 0; fi
rm -rf "$LAB_STATE"
bash "$here/configure.sh"

mariadb-install-db --defaults-file="$LAB_ETC/my.cnf" --user=root --auth-root-authentication-method=socket >"$LAB_LOG/mariadb-install.out" 2>&1
start_infra
{
  for d in keystone glance placement neutron nova_api nova nova_cell0; do echo "CREATE DATABASE IF NOT EXISTS $d;"; done
  echo "CREATE USER IF NOT EXISTS 'os'@'$LAB_HOST' IDENTIFIED BY '$LAB_PASS';"
  echo "GRANT ALL PRIVILEGES ON *.* TO 'os'@'$LAB_HOST';"
} | mariadb --defaults-file="$LAB_ETC/my.cnf" -u root

ks=(--config-file "$LAB_ETC/keystone/keystone.conf")
keystone-manage "${ks[@]}" db_sync
keystone-manage "${ks[@]}" fernet_setup --keystone-user root --keystone-group root
keystone-manage "${ks[@]}" credential_setup --keystone-user root --keystone-group root
keystone-manage "${ks[@]}" bootstrap --bootstrap-password "$LAB_PASS" --bootstrap-region-id RegionOne \
  --bootstrap-admin-url "http://$LAB_HOST:5000/v3/" --bootstrap-internal-url "http://$LAB_HOST:5000/v3/" \
  --bootstrap-public-url "http://$LAB_HOST:5000/v3/" >/dev/null
start_service keystone uwsgi-core --plugins python3 --http-socket "$LAB_HOST:5000" --wsgi-file /usr/bin/keystone-wsgi-public \
  --master --processes 2 --threads 1 --die-on-term --lazy-apps --buffer-size 65535 --need-app \
  --add-header "Connection: close" --env "OS_KEYSTONE_CONFIG_FILES=$LAB_ETC/keystone/keystone.conf"
wait_http "http://$LAB_HOST:5000/v3" keystone
"$PY" "$here/lab_bootstrap.py" identity

placement-manage --config-dir "$LAB_ETC/placement" db sync 2>/dev/null || \
  env OS_PLACEMENT_CONFIG_DIR="$LAB_ETC/placement" placement-manage db sync
"$PY" "$LAB_PKG/usr/bin/glance-manage" --config-file "$LAB_ETC/glance/glance-api.conf" db_sync >"$LAB_LOG/glance-manage.out" 2>&1
env PYTHONPATH="$LAB_STATE/pylib" "$PY" "$LAB_PKG/usr/bin/neutron-db-manage" --config-file "$LAB_ETC/neutron/neutron-l3-on.conf" \
  --config-file "$LAB_ETC/neutron/plugins/ml2/ml2_conf.ini" upgrade heads >"$LAB_LOG/neutron-db-manage.out" 2>&1
nm=("$PY" "$LAB_PKG/usr/bin/nova-manage" --config-file "$LAB_ETC/nova/nova.conf" --config-file "$LAB_ETC/nova/nova-db.conf")
"${nm[@]}" api_db sync >"$LAB_LOG/nova-manage.out" 2>&1
"${nm[@]}" cell_v2 map_cell0 >>"$LAB_LOG/nova-manage.out" 2>&1
"${nm[@]}" cell_v2 create_cell --name cell1 >>"$LAB_LOG/nova-manage.out" 2>&1 || true
"${nm[@]}" db sync >>"$LAB_LOG/nova-manage.out" 2>&1

start_openstack_services on
start=$SECONDS
until "${nm[@]}" cell_v2 discover_hosts --strict >>"$LAB_LOG/nova-manage.out" 2>&1; do
  (( SECONDS - start < 90 )) || { echo "setup: nova-compute never registered; see $LAB_LOG/nova-compute.log" >&2; exit 1; }
  sleep 2
done
"$PY" "$here/lab_bootstrap.py" resources
touch "$LAB_STATE/setup.done"
echo "setup: done in ${SECONDS}s"
