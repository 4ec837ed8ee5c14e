#!/usr/bin/env bash
# Installs Debian 12's OpenStack Zed (Keystone, Nova, Placement, Glance, Neutron server) and the
# infrastructure they need (MariaDB, RabbitMQ, memcached, uwsgi), without starting anything.
# The service packages' maintainer scripts expect systemd and debconf, so those packages are only
# downloaded and unpacked under $LAB_PKG; the Python libraries come from the library packages.
# Safe to run again. Needs root (or sudo) and Debian's package mirror.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lab-env.sh"

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
apt_opts=(-o DPkg::Lock::Timeout=900 -y -qq --no-install-recommends)
libraries=(python3-nova python3-keystone python3-placement python3-glance python3-neutron
  python3-openstackclient python3-pymysql python3-memcache
  mariadb-server rabbitmq-server memcached uwsgi-core uwsgi-plugin-python3 erlang-base)
services=(nova-common nova-api nova-conductor nova-scheduler nova-compute glance-common glance-api
  neutron-common keystone placement-api)

missing=()
for p in "${libraries[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install: apt-get install ${#missing[@]} packages"
  # No service may start here: no systemd, and the lab starts its own processes on loopback.
  policy=/usr/sbin/policy-rc.d added_policy=""
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null; $sudo chmod +x "$policy"; added_policy=1; fi
  $sudo apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install "${apt_opts[@]}" "${missing[@]}" >/dev/null
  [ -z "$added_policy" ] || $sudo rm -f "$policy"
fi

mkdir -p "$LAB_PKG/debs"
for p in "${services[@]}"; do
  if [ ! -f "$LAB_PKG/debs/$p.unpacked" ]; then
    (cd "$LAB_PKG/debs" && rm -f "${p}"_*.deb && apt-get -o APT::Sandbox::User=root download -qq "$p" >/dev/null && dpkg-deb -x "${p}"_*.deb "$LAB_PKG" && touch "$p.unpacked")
  fi
done
echo "install: OpenStack Zed packages ready under $LAB_PKG"
