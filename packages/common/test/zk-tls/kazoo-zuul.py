"""Acts as Zuul does towards Nodepool's ZooKeeper, with kazoo (Debian's python3-kazoo) over TLS.

Usage: kazoo-zuul.py <host:port/chroot> <ca> <cert> <key>
Reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"op": "submit_request", "node_types": [...]}  -> {"id": "100-0000000000"}
  {"op": "read_node", "id": "0000000001"}         -> {"node": {...}} (null when missing)
  {"op": "lock_request", "id": "..."}             -> {"acquired": true|false} (non-blocking)
  {"op": "release_request", "id": "..."}          -> {"released": true}
  {"op": "exit"}                                   -> closes the session and exits
"""
import json
import sys
import time

from kazoo.client import KazooClient

hosts, ca, cert, key = sys.argv[1:5]
zk = KazooClient(hosts=hosts, use_ssl=True, verify_certs=True, ca=ca, certfile=cert, keyfile=key, timeout=10)
zk.start(timeout=15)
locks = {}


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


answer({"ready": True, "ssl": zk._connection._socket.version()})
for line in sys.stdin:
    command = json.loads(line)
    op = command["op"]
    if op == "submit_request":
        # As Zuul's NodeRequest.toDict(), trimmed to the fields Nodepool reads.
        request = {
            "state": "requested",
            "state_time": time.time(),
            "node_types": command["node_types"],
            "requestor": "zuul-over-tls",
            "reuse": True,
            "declined_by": [],
            "nodes": [],
            "tenant_name": "example",
            "relative_priority": 0,
        }
        path = zk.create("/nodepool/requests/100-", json.dumps(request).encode("utf8"),
                         ephemeral=True, sequence=True, makepath=True)
        answer({"id": path.rsplit("/", 1)[1]})
    elif op == "read_node":
        data = zk.exists("/nodepool/nodes/" + command["id"]) and zk.get("/nodepool/nodes/" + command["id"])[0]
        answer({"node": json.loads(data.decode("utf8")) if data else None})
    elif op == "lock_request":
        lock = locks.setdefault(command["id"], zk.Lock("/nodepool/requests-lock/" + command["id"], "zuul-over-tls"))
        answer({"acquired": lock.acquire(blocking=False)})
    elif op == "release_request":
        locks.pop(command["id"]).release()
        answer({"released": True})
    elif op == "exit":
        break
zk.stop()
zk.close()
