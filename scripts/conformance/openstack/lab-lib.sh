# Sourced by the lab scripts after lab-env.sh: starting, waiting for and stopping services.

# The system tools (mariadbd and others live in /usr/sbin) go after what is on PATH: the caller's
# node (the bootstrap's Node 24) must stay first.
export PATH="$PATH:/usr/sbin:/usr/bin:/sbin:/bin"
PY=/usr/bin/python3   # Debian's: the OpenStack modules live there, not in any other python3 on PATH
RABBIT_ENV=(HOME="$LAB_STATE/rabbitmq" RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS="$LAB_HOST"
  RABBITMQ_MNESIA_BASE="$LAB_STATE/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$LAB_LOG/rabbitmq"
  RABBITMQ_CONFIG_FILE="$LAB_ETC/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$LAB_STATE/rabbitmq/enabled_plugins"
  RABBITMQ_PID_FILE="$LAB_RUN/rabbitmq.pid" RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" ERL_EPMD_ADDRESS="$LAB_HOST")

# start_service NAME COMMAND...: runs COMMAND in its own session, output to $LAB_LOG/NAME.out.
start_service() {
  local name=$1; shift
  if [ -f "$LAB_RUN/$name.pid" ] && kill -0 "$(cat "$LAB_RUN/$name.pid")" 2>/dev/null; then return; fi
  setsid "$@" >"$LAB_LOG/$name.out" 2>&1 < /dev/null &
  echo $! > "$LAB_RUN/$name.pid"
}

# wait_http URL NAME [SECONDS]: until URL answers at all (any HTTP status).
wait_http() {
  local url=$1 name=$2 limit=${3:-90} start=$SECONDS
  until curl -s -o /dev/null -m 5 "$url"; do
    if (( SECONDS - start > limit )); then echo "lab: $name did not answer at $url within ${limit}s; see $LAB_LOG/$name.out" >&2; return 1; fi
    sleep 0.5
  done
}

rabbitmqctl_lab() { env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl "$@"; }

start_infra() {
  mkdir -p "$LAB_RUN" "$LAB_LOG/rabbitmq" "$LAB_STATE/rabbitmq"
  start_service mariadb mariadbd --defaults-file="$LAB_ETC/my.cnf" --user=root
  start_service memcached memcached -u root -l "$LAB_HOST" -p 11211 -U 0 -m 64
  start_service epmd epmd -address "$LAB_HOST" -port 4369
  start_service rabbitmq env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server
  local start=$SECONDS
  until mariadb-admin --defaults-file="$LAB_ETC/my.cnf" ping >/dev/null 2>&1; do
    (( SECONDS - start < 60 )) || { echo "lab: mariadb did not start; see $LAB_LOG/mysqld.log" >&2; return 1; }
    sleep 0.3
  done
  start=$SECONDS
  until rabbitmqctl_lab await_startup --timeout 10 >/dev/null 2>&1; do
    (( SECONDS - start < 90 )) || { echo "lab: rabbitmq did not start; see $LAB_LOG/rabbitmq" >&2; return 1; }
    sleep 1
  done
}

start_openstack_services() {
  local l3=$1
  start_service placement uwsgi-core --plugins python3 --http-socket "$LAB_HOST:8778" --wsgi-file /usr/bin/placement-api \
    --master --processes 1 --threads 1 --die-on-term --lazy-apps --buffer-size 65535 --need-app \
    --add-header "Connection: close" --env "OS_PLACEMENT_CONFIG_DIR=$LAB_ETC/placement"
  start_service glance-api "$PY" "$LAB_PKG/usr/bin/glance-api" --config-file "$LAB_ETC/glance/glance-api.conf"
  start_service neutron-server env PYTHONPATH="$LAB_STATE/pylib" "$PY" "$LAB_PKG/usr/bin/neutron-server" \
    --config-file "$LAB_ETC/neutron/neutron-l3-$l3.conf" --config-file "$LAB_ETC/neutron/plugins/ml2/ml2_conf.ini"
  local nova_db=(--config-file "$LAB_ETC/nova/nova.conf" --config-file "$LAB_ETC/nova/nova-db.conf")
  start_service nova-api "$PY" "$LAB_PKG/usr/bin/nova-api" "${nova_db[@]}"
  start_service nova-conductor "$PY" "$LAB_PKG/usr/bin/nova-conductor" "${nova_db[@]}"
  start_service nova-scheduler "$PY" "$LAB_PKG/usr/bin/nova-scheduler" "${nova_db[@]}"
  # nova-compute's first call to the conductor is lost when the conductor is not consuming yet.
  local start=$SECONDS
  until rabbitmqctl_lab list_queues name consumers 2>/dev/null | grep -qE '^conductor\s+[1-9]'; do
    (( SECONDS - start < 90 )) || { echo "lab: nova-conductor never consumed; see $LAB_LOG/nova-conductor.out" >&2; return 1; }
    sleep 0.5
  done
  start_service nova-compute "$PY" "$LAB_PKG/usr/bin/nova-compute" --config-file "$LAB_ETC/nova/nova.conf"
  wait_http "http://$LAB_HOST:8778/" placement
  wait_http "http://$LAB_HOST:9292/" glance-api
  wait_http "http://$LAB_HOST:9696/" neutron-server
  wait_http "http://$LAB_HOST:8774/" nova-api
}

# stop_service NAME: SIGTERM to its session, then SIGKILL after 10 s.
stop_service() {
  local pidfile="$LAB_RUN/$1.pid" pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop_openstack_services() {
  local s
  for s in nova-compute nova-api nova-scheduler nova-conductor neutron-server glance-api placement; do stop_service "$s"; done
}
