#!/usr/bin/env bash
# Installs everything cloudpool needs on a machine that has only Node 20:
#   - pnpm 10, project-local under .tools/ (corepack cannot verify packages from this registry);
#   - Debian's zookeeper package, when its jars are missing (tests and the demo run a real server);
#   - openssl, when missing (the Azure simulator serves HTTPS with a certificate made at start;
#     the ZooKeeper TLS tests make their certificates with it);
#   - libssl-dev, when OpenSSL's headers are missing (the native zookeeper client is built with
#     TLS only when its build finds them);
#   - python3-kazoo, when missing (the ZooKeeper interop tests act as Zuul with it);
#   - with CLOUDPOOL_BROWSER=1, Debian's chromium when missing (the dashboard's browser test);
#   - the workspace dependencies, from the lockfile.
# Safe to run again; it only installs what is missing. Source it to get pnpm on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pnpm_version=10.34.9

pnpm_bin="$root/.tools/node_modules/.bin/pnpm"
if [ ! -x "$pnpm_bin" ] || [ "$("$pnpm_bin" -v 2>/dev/null)" != "$pnpm_version" ]; then
  echo "bootstrap: installing pnpm $pnpm_version into .tools/"
  mkdir -p "$root/.tools"
  npm install --prefix "$root/.tools" --no-save --no-audit --no-fund --loglevel=error "pnpm@$pnpm_version" >/dev/null
fi
export PATH="$root/.tools/node_modules/.bin:$PATH"

apt_packages=()
if [ -z "${ZOOKEEPER_CLASSPATH:-}" ] && [ ! -f /usr/share/java/zookeeper.jar ]; then apt_packages+=(zookeeper); fi
if ! command -v openssl >/dev/null; then apt_packages+=(openssl); fi
if [ ! -f /usr/include/openssl/ssl.h ]; then apt_packages+=(libssl-dev); fi
if ! /usr/bin/python3 -c 'import kazoo' 2>/dev/null; then apt_packages+=(python3-kazoo); fi
if [ "${CLOUDPOOL_BROWSER:-}" = 1 ] && [ ! -x /usr/bin/chromium ]; then apt_packages+=(chromium); fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${apt_packages[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

cd "$root"
if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile --reporter=silent
else
  pnpm install --reporter=silent
fi
