/** Znode types of the client's API, and their conversion from the native binding's values. */

import ZooKeeper from 'zookeeper';

const { constants } = ZooKeeper;

/** A znode's metadata. Times are epoch milliseconds; `ephemeralOwner` is `'0'` for persistent znodes. */
export interface ZkStat {
  version: number;
  cversion: number;
  aversion: number;
  ctime: number;
  mtime: number;
  czxid: number;
  mzxid: number;
  pzxid: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export interface ZkWatchEvent {
  type: 'created' | 'deleted' | 'changed' | 'child';
  /** The path the watch was set on. */
  path: string;
}

/**
 * A one-shot watch, as ZooKeeper has them: called at most once, for the first change after it
 * was set. Watches survive reconnects of the same session; they are gone with a lost session
 * and never fire after it (set them again on `connected`).
 */
export type ZkWatcher = (event: ZkWatchEvent) => void;

export interface ZkCreateOptions {
  ephemeral?: boolean;
  sequential?: boolean;
  /** A container znode: the server deletes it some time after its last child is gone. */
  container?: boolean;
  /** A persistent znode the server deletes once it has had no children for this long. */
  ttlMs?: number;
}

const WATCH_EVENT_TYPES = new Map<number, ZkWatchEvent['type']>([
  [constants.ZOO_CREATED_EVENT, 'created'],
  [constants.ZOO_DELETED_EVENT, 'deleted'],
  [constants.ZOO_CHANGED_EVENT, 'changed'],
  [constants.ZOO_CHILD_EVENT, 'child'],
]);

/** The watch event type of a native event type, or undefined for session and other events. */
export function watchEventType(nativeType: number): ZkWatchEvent['type'] | undefined {
  return WATCH_EVENT_TYPES.get(nativeType);
}

/** Converts the binding's stat object (its times are `Date`s) to a `ZkStat`. */
export function toStat(raw: Record<string, unknown>): ZkStat {
  const millis = (value: unknown) => (value instanceof Date ? value.getTime() : Number(value));
  return {
    version: Number(raw.version),
    cversion: Number(raw.cversion),
    aversion: Number(raw.aversion),
    ctime: millis(raw.ctime),
    mtime: millis(raw.mtime),
    czxid: Number(raw.czxid),
    mzxid: Number(raw.mzxid),
    pzxid: Number(raw.pzxid),
    ephemeralOwner: String(raw.ephemeralOwner),
    dataLength: Number(raw.dataLength),
    numChildren: Number(raw.numChildren),
  };
}

/** The binding's create flags for `options`; throws `TypeError` on impossible combinations. */
export function createFlags(options: ZkCreateOptions): number {
  const { ephemeral = false, sequential = false, container = false, ttlMs } = options;
  if (container && (ephemeral || sequential || ttlMs !== undefined)) {
    throw new TypeError('a container znode cannot also be ephemeral, sequential or have a TTL');
  }
  if (ttlMs !== undefined && (ephemeral || !(ttlMs > 0))) {
    throw new TypeError('a TTL needs a persistent znode and a positive ttlMs');
  }
  if (container) return constants.ZOO_CONTAINER;
  if (ttlMs !== undefined) {
    return sequential ? constants.ZOO_PERSISTENT_SEQUENTIAL_WITH_TTL : constants.ZOO_PERSISTENT_WITH_TTL;
  }
  return (ephemeral ? constants.ZOO_EPHEMERAL : 0) | (sequential ? constants.ZOO_SEQUENCE : 0);
}

/** Joins a parent path and a child name. */
export function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
