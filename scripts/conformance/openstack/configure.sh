#!/usr/bin/env bash
# Writes the lab's configuration under $LAB_ETC: every service on 127.0.0.1, one worker each,
# Keystone fernet tokens cached in memcached, Nova's fake virt driver, Neutron's API server alone
# (ML2 with the lab's bind-everything mechanism driver; the router plugin only when L3 is on).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lab-env.sh"
H=$LAB_HOST P=$LAB_PASS
db="mysql+pymysql://os:$P@$H:3306"
mkdir -p "$LAB_ETC"/{keystone,nova,glance,neutron/plugins/ml2,placement} "$LAB_RUN" "$LAB_LOG" \
  "$LAB_STATE"/{glance/images,keystone/fernet-keys,keystone/credential-keys,mysql,rabbitmq,nova,pylib}

authtoken() { # $1 = service user
  cat <<INI
[keystone_authtoken]
www_authenticate_uri = http://$H:5000
auth_url = http://$H:5000
memcached_servers = $H:11211
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $P
INI
}
service_auth() { # $1 = section, $2 = user
  cat <<INI
[$1]
auth_type = password
auth_url = http://$H:5000/v3
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $P
region_name = RegionOne
valid_interfaces = public
INI
}

cat > "$LAB_ETC/my.cnf" <<INI
[mysqld]
bind-address = $H
port = 3306
datadir = $LAB_STATE/mysql
socket = $LAB_RUN/mysqld.sock
pid-file = $LAB_RUN/mysqld.pid
log-error = $LAB_LOG/mysqld.log
innodb_buffer_pool_size = 128M
max_connections = 500
skip-name-resolve
[client]
socket = $LAB_RUN/mysqld.sock
INI

cat > "$LAB_ETC/rabbitmq.conf" <<INI
listeners.tcp.default = $H:5672
loopback_users = none
INI

cat > "$LAB_ETC/keystone/keystone.conf" <<INI
[DEFAULT]
log_file = $LAB_LOG/keystone.log
[database]
connection = $db/keystone
[token]
provider = fernet
[fernet_tokens]
key_repository = $LAB_STATE/keystone/fernet-keys
[credential]
key_repository = $LAB_STATE/keystone/credential-keys
[cache]
enabled = true
backend = oslo_cache.memcache_pool
memcache_servers = $H:11211
[identity]
password_hash_rounds = 4
INI

cat > "$LAB_ETC/placement/placement.conf" <<INI
[DEFAULT]
log_file = $LAB_LOG/placement.log
[placement_database]
connection = $db/placement
[api]
auth_strategy = keystone
$(authtoken placement)
INI

cp "$LAB_PKG/usr/share/glance-common/glance-api-paste.ini" "$LAB_ETC/glance/glance-api-paste.ini"
cat > "$LAB_ETC/glance/glance-api.conf" <<INI
[DEFAULT]
bind_host = $H
bind_port = 9292
workers = 1
log_file = $LAB_LOG/glance-api.log
enabled_backends = fs:file
[database]
connection = $db/glance
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $LAB_STATE/glance/images
[paste_deploy]
flavor = keystone
config_file = $LAB_ETC/glance/glance-api-paste.ini
$(authtoken glance)
INI

cp "$LAB_PKG/usr/share/neutron-common/api-paste.ini" "$LAB_ETC/neutron/api-paste.ini"
for l3 in off on; do
  plugins="" ; [ "$l3" = on ] && plugins="router"
  cat > "$LAB_ETC/neutron/neutron-l3-$l3.conf" <<INI
[DEFAULT]
bind_host = $H
bind_port = 9696
core_plugin = ml2
service_plugins = $plugins
auth_strategy = keystone
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
transport_url = rabbit://guest:guest@$H:5672/
api_paste_config = $LAB_ETC/neutron/api-paste.ini
log_file = $LAB_LOG/neutron-server.log
state_path = $LAB_STATE/neutron
[database]
connection = $db/neutron
[securitygroup]
firewall_driver = noop
[oslo_concurrency]
lock_path = $LAB_STATE/neutron/lock
$(authtoken neutron)
$(service_auth nova nova)
INI
done
cat > "$LAB_ETC/neutron/plugins/ml2/ml2_conf.ini" <<INI
[ml2]
type_drivers = flat
tenant_network_types =
mechanism_drivers = labfake
extension_drivers = port_security
[ml2_type_flat]
flat_networks = physnet-lab,physnet-ext
INI

# The only non-Debian code of the lab: an ML2 mechanism driver that binds every port (there is
# no agent to bind them), registered through an entry point without pip.
cp "$here/labfake_ml2.py" "$LAB_STATE/pylib/labfake_ml2.py"
mkdir -p "$LAB_STATE/pylib/labfake_ml2-0.1.dist-info"
printf 'Metadata-Version: 2.1\nName: labfake-ml2\nVersion: 0.1\n' > "$LAB_STATE/pylib/labfake_ml2-0.1.dist-info/METADATA"
printf '[neutron.ml2.mechanism_drivers]\nlabfake = labfake_ml2:LabBindAllMechanismDriver\n' > "$LAB_STATE/pylib/labfake_ml2-0.1.dist-info/entry_points.txt"

cp "$LAB_PKG/usr/share/nova-common/api-paste.ini" "$LAB_ETC/nova/api-paste.ini"
cat > "$LAB_ETC/nova/nova.conf" <<INI
[DEFAULT]
host = lab-compute
my_ip = $H
transport_url = rabbit://guest:guest@$H:5672/
compute_driver = fake.FakeDriver
enabled_apis = osapi_compute
osapi_compute_listen = $H
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
use_rootwrap_daemon = false
cpu_allocation_ratio = 16.0
state_path = $LAB_STATE/nova
log_dir = $LAB_LOG
[wsgi]
api_paste_config = $LAB_ETC/nova/api-paste.ini
[api]
auth_strategy = keystone
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 10
[oslo_messaging_notifications]
driver = noop
[oslo_concurrency]
lock_path = $LAB_STATE/nova/lock
[vnc]
enabled = false
[glance]
api_servers = http://$H:9292
$(authtoken nova)
$(service_auth placement placement)
$(service_auth neutron neutron)
service_metadata_proxy = false
INI
cat > "$LAB_ETC/nova/nova-db.conf" <<INI
[api_database]
connection = $db/nova_api
[database]
connection = $db/nova
INI
echo "configure: wrote $LAB_ETC"
