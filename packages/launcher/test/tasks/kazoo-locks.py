"""Takes kazoo's lock recipes (Debian's python3-kazoo) on a plaintext ZooKeeper, as Zuul or a Python tool would.

Usage: kazoo-locks.py <host:port/chroot>
Reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"op": "acquire", "name": "z", "kind": "lock"|"read"|"write", "path": "...", "blocking": false, "timeout": 5}
                                      -> {"acquired": true|false}  (blocking: answers once acquired or timed out)
  {"op": "release", "name": "z"}      -> {"released": true}
  {"op": "children", "path": "..."}   -> {"children": [...]}  (sorted)
  {"op": "exit"}                      -> closes the session and exits
"""
import json
import sys

from kazoo.client import KazooClient

zk = KazooClient(hosts=sys.argv[1], timeout=10)
zk.start(timeout=15)
locks = {}
RECIPES = {"lock": zk.Lock, "read": zk.ReadLock, "write": zk.WriteLock}


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


answer({"ready": True})
for line in sys.stdin:
    command = json.loads(line)
    op = command["op"]
    if op == "acquire":
        lock = locks.get(command["name"]) or RECIPES[command["kind"]](command["path"], "python-" + command["name"])
        locks[command["name"]] = lock
        answer({"acquired": lock.acquire(blocking=command.get("blocking", False), timeout=command.get("timeout"))})
    elif op == "release":
        locks.pop(command["name"]).release()
        answer({"released": True})
    elif op == "children":
        answer({"children": sorted(zk.get_children(command["path"]))})
    elif op == "exit":
        break
zk.stop()
zk.close()
