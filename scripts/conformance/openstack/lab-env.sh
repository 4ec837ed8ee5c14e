# Sourced by the lab scripts: where the lab keeps its packages and state (outside the work tree).
: "${LAB_ROOT:=${TMPDIR:-/tmp}/cloudpool-openstack-lab}"
LAB_PKG="$LAB_ROOT/pkg"
LAB_STATE="$LAB_ROOT/state"
LAB_ETC="$LAB_STATE/etc"
LAB_RUN="$LAB_STATE/run"
LAB_LOG="$LAB_STATE/log"
LAB_HOST=127.0.0.1
LAB_PASS=labpass
export LAB_ROOT LAB_PKG LAB_STATE LAB_ETC LAB_RUN LAB_LOG LAB_HOST LAB_PASS
