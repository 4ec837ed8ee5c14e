"""Reads /nodepool/images with Debian's python3-kazoo the way Nodepool's ZooKeeper code does.

Usage:
  kazoo-image-records.py <host:port/chroot> read
      -> one JSON line: {"builds": {image: {build: record}}, "uploads": {"image/build/provider/upload": record},
                          "recent": {"image/provider": "build/upload"}}
  kazoo-image-records.py <host:port/chroot> try-lock <path>...
      -> one JSON line: {path: true|false}: whether kazoo's Lock on each path is free (non-blocking acquire)

"read" lists children skipping the 'lock' znodes, decodes each record as UTF-8 JSON, requires a
state among Nodepool's VALID_STATES (its setter raises otherwise) and picks, per image and provider,
the ready upload with the latest state_time, as getMostRecentImageUpload does.
"""
import json
import os
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import NoNodeError

BUILD_STATES = {"building", "ready", "deleting", "failed"}
UPLOAD_STATES = {"uploading", "ready", "deleting", "failed"}
ROOT = "/nodepool/images"


def children(zk, path):
    try:
        return [c for c in zk.get_children(path) if c != "lock"]
    except NoNodeError:
        return []


def record(zk, path, states):
    data, _stat = zk.get(path)
    value = json.loads(data.decode("utf8"))
    if value["state"] not in states:
        raise TypeError("'%s' is not a valid state" % value["state"])
    return value


def read(zk):
    builds, uploads, recent = {}, {}, {}
    for image in sorted(children(zk, ROOT)):
        builds[image] = {}
        for build in children(zk, ROOT + "/%s/builds" % image):
            builds[image][build] = record(zk, ROOT + "/%s/builds/%s" % (image, build), BUILD_STATES)
            for provider in children(zk, ROOT + "/%s/builds/%s/providers" % (image, build)):
                path = ROOT + "/%s/builds/%s/providers/%s/images" % (image, build, provider)
                for upload in children(zk, path):
                    value = record(zk, path + "/" + upload, UPLOAD_STATES)
                    uploads["/".join([image, build, provider, upload])] = value
                    key = image + "/" + provider
                    if value["state"] == "ready" and (key not in recent or recent[key][0] < value["state_time"]):
                        recent[key] = (value["state_time"], build + "/" + upload)
    return {"builds": builds, "uploads": uploads, "recent": {k: v[1] for k, v in recent.items()}}


def try_locks(zk, paths):
    free = {}
    for path in paths:
        lock = zk.Lock(path, "kazoo-check")
        free[path] = lock.acquire(blocking=False)
        if free[path]:
            lock.release()
    return free


# Over TLS (the zk-tls project) the client files come in the environment, as kazoo takes them.
tls = {}
if os.environ.get("KAZOO_TLS_CA"):
    tls = dict(use_ssl=True, ca=os.environ["KAZOO_TLS_CA"], certfile=os.environ["KAZOO_TLS_CERT"], keyfile=os.environ["KAZOO_TLS_KEY"])
zk = KazooClient(hosts=sys.argv[1], timeout=10, **tls)
zk.start(timeout=15)
try:
    if sys.argv[2] == "read":
        result = read(zk)
    else:
        result = try_locks(zk, sys.argv[3:])
    sys.stdout.write(json.dumps(result) + "\n")
finally:
    zk.stop()
