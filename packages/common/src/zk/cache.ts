import { EventEmitter } from 'node:events';
import type { ZkClient } from './client.js';
import { isZkError, warnBackgroundError, type BackgroundErrorHandler } from './errors.js';
import type { PoolComponentContent } from './components.js';
import { componentRoot, NODE_ROOT, REQUEST_ROOT } from './paths.js';
import { parseJsonObject, parseNode, parseRequest, type NodeRecord, type NodeRequestRecord } from './records.js';
import { childPath, type ZkStat, type ZkWatchEvent } from './znode.js';

/** Wait before a failed (re)load of the tree is tried again. */
const RELOAD_DELAY_MS = 1000;

/**
 * Reads of the new children of one listing in flight at once (at a (re)load, all of them).
 * Reading all of a large tree at once leaves the memory of thousands of pending requests (the
 * native client's buffers, promises, the answers' buffers) in the process after they are done:
 * RSS that malloc keeps.
 */
export const CACHE_LOAD_CONCURRENCY = 64;

export interface CachedRecord {
  readonly id: string;
  stat: ZkStat;
}

/** Change events of a cache: `updated` passes the new record, then the one it replaces. */
export interface RecordCacheEvents<T> {
  added: [record: T];
  updated: [record: T, previous: T];
  removed: [record: T];
}

export type RecordParser<T> = (path: string, id: string, data: Buffer, stat: ZkStat) => T;

export interface RecordCacheOptions {
  /** Receives failures of background reads (bad records, unexpected ZooKeeper errors). Default: a process warning. */
  onError?: BackgroundErrorHandler;
  /**
   * Whether a missing root is created (the default: the trees launchers own). When false, a
   * missing root is followed as empty (an exists watch) until someone creates it, and is never
   * made by the cache: for trees another component writes and deletes (a builder's images).
   */
  createRoot?: boolean;
  /** Children that are no records (e.g. a `lock` znode), left out of the cache. */
  skipChild?: (id: string) => boolean;
}

/**
 * A cached view of the children of one znode (the records under `/nodepool/nodes` or
 * `/nodepool/requests`), kept current by watches: a children watch on the parent and a data
 * watch on each child, never by polling. Across reconnects of the same session the watches stay;
 * after a session loss everything is reloaded on the new session, and the differences are
 * reported as events. A record that fails to parse is reported to `onError` and left out. A
 * failed background read is reported and the tree reloaded a second later; a missing root (a
 * wiped ZooKeeper) is created again and followed.
 */
export class ZkRecordCache<T extends CachedRecord> extends EventEmitter<RecordCacheEvents<T>> {
  private readonly records = new Map<string, T>();
  /** Children whose data watch is set (or being set) in the current epoch. */
  private readonly watched = new Set<string>();
  /** Bumped on every (re)load; callbacks of an older epoch are ignored. */
  private epoch = 0;
  private running = false;
  private initialLoad: Promise<void> | undefined;
  private readonly onError: BackgroundErrorHandler;
  private readonly createRoot: boolean;
  private readonly skipChild: (id: string) => boolean;

  constructor(
    private readonly client: ZkClient,
    readonly root: string,
    private readonly parse: RecordParser<T>,
    options: RecordCacheOptions = {},
  ) {
    super();
    this.onError = options.onError ?? warnBackgroundError(`ZooKeeper cache of ${root}`);
    this.createRoot = options.createRoot ?? true;
    this.skipChild = options.skipChild ?? (() => false);
  }

  /**
   * Starts following the tree (creating its root if missing) and resolves once the watches are
   * being set; use `waitForSync` for the initial load. Throws if already started.
   */
  async start(): Promise<void> {
    if (this.running) throw new Error(`the cache of ${this.root} is already started`);
    this.running = true;
    this.client.on('connected', this.onNewSession);
    if (this.createRoot) await this.client.retryOnConnectionLoss(() => this.client.mkdirp(this.root));
    this.initialLoad = this.load();
    this.initialLoad.catch(() => undefined);
  }

  /** Resolves once the initial load after `start()` is complete; rejects if it failed. */
  async waitForSync(): Promise<void> {
    if (this.initialLoad === undefined) throw new Error(`the cache of ${this.root} is not started`);
    await this.initialLoad;
  }

  /** The cached record, or undefined. */
  get(id: string): T | undefined {
    return this.records.get(id);
  }

  /** A snapshot of every cached record. */
  values(): T[] {
    return [...this.records.values()];
  }

  get size(): number {
    return this.records.size;
  }

  /** Stops following changes; cached records stay readable. Idempotent. */
  stop(): void {
    this.running = false;
    this.epoch++;
    this.client.off('connected', this.onNewSession);
  }

  private readonly onNewSession = () => {
    this.reload();
  };

  /**
   * Loads the whole tree afresh; when that fails (other than by a lost session, which brings a
   * reload of its own), reports it and tries again a second later, so the cache never stops
   * following the tree.
   */
  private reload(): void {
    this.load().catch((error: unknown) => this.failed(error));
  }

  private failed(error: unknown): void {
    this.report(error);
    if (!this.running || isZkError(error, 'SessionExpired', 'Closed')) return;
    const epoch = this.epoch;
    setTimeout(() => {
      if (this.running && epoch === this.epoch) this.reload();
    }, RELOAD_DELAY_MS).unref();
  }

  /** Loads the whole tree afresh in a new epoch (at start and on a new session). */
  private async load(): Promise<void> {
    const epoch = ++this.epoch;
    this.watched.clear();
    await this.refreshChildren(epoch);
  }

  private async refreshChildren(epoch: number): Promise<void> {
    let children: string[];
    for (;;) {
      try {
        children = await this.client.retryOnConnectionLoss(() => this.client.getChildren(this.root, () => this.onChildrenChanged(epoch)));
        break;
      } catch (error) {
        if (!isZkError(error, 'NoNode') || epoch !== this.epoch) throw error;
        if (!this.createRoot) {
          // Followed as empty until it is created (the exists watch fires then).
          const stat = await this.client.retryOnConnectionLoss(() => this.client.exists(this.root, () => this.onChildrenChanged(epoch)));
          if (stat !== undefined) continue;
          children = [];
          break;
        }
        // The tree is gone (ZooKeeper was wiped or replaced): make it again, and follow it.
        await this.client.retryOnConnectionLoss(() => this.client.mkdirp(this.root));
      }
    }
    if (epoch !== this.epoch) return;
    children = children.filter((id) => !this.skipChild(id));
    const present = new Set(children);
    for (const id of this.records.keys()) if (!present.has(id)) this.remove(id);
    const added = children.filter((id) => !this.watched.has(id));
    // Claimed now, though read in turn: a children event meanwhile must not queue them again.
    for (const id of added) this.watched.add(id);
    await this.refreshChildrenInTurn(added, epoch);
  }

  /** Reads `ids` (claimed in `watched`) with at most `CACHE_LOAD_CONCURRENCY` in flight; rejects with the first failure once the others are done. */
  private async refreshChildrenInTurn(ids: string[], epoch: number): Promise<void> {
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (next < ids.length && epoch === this.epoch) {
        const id = ids[next++]!;
        try {
          await this.refreshChild(id, epoch);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CACHE_LOAD_CONCURRENCY, ids.length) }, worker));
    if (failure !== undefined) throw failure.error;
  }

  /** Reads a child and sets its data watch; resolves once the cache reflects what was read. */
  private async refreshChild(id: string, epoch: number): Promise<void> {
    this.watched.add(id);
    const path = childPath(this.root, id);
    let found: { data: Buffer; stat: ZkStat } | undefined;
    try {
      found = await this.client.retryOnConnectionLoss(() =>
        this.client.getOrUndefined(path, (event) => this.onChildChanged(id, epoch, event)),
      );
    } catch (error) {
      if (epoch === this.epoch) this.watched.delete(id);
      throw error;
    }
    if (epoch !== this.epoch) return;
    if (found === undefined) {
      this.watched.delete(id);
      this.remove(id);
      return;
    }
    let record: T;
    try {
      record = this.parse(path, id, found.data, found.stat);
    } catch (error) {
      this.remove(id);
      this.report(error);
      return;
    }
    this.upsert(record);
  }

  private onChildrenChanged(epoch: number): void {
    if (epoch !== this.epoch) return;
    this.refreshChildren(epoch).catch((error: unknown) => this.failed(error));
  }

  private onChildChanged(id: string, epoch: number, event: ZkWatchEvent): void {
    if (epoch !== this.epoch) return;
    this.watched.delete(id);
    if (event.type === 'deleted') {
      this.remove(id);
      return;
    }
    this.refreshChild(id, epoch).catch((error: unknown) => this.failed(error));
  }

  private upsert(record: T): void {
    const previous = this.records.get(record.id);
    if (previous !== undefined && previous.stat.mzxid >= record.stat.mzxid) return;
    this.records.set(record.id, record);
    if (previous === undefined) this.emit('added', record);
    else this.emit('updated', record, previous);
  }

  private remove(id: string): void {
    const previous = this.records.get(id);
    if (previous === undefined) return;
    this.records.delete(id);
    this.emit('removed', previous);
  }

  private report(error: unknown): void {
    if (this.running && !isZkError(error, 'SessionExpired', 'Closed')) this.onError(error);
  }
}

/** A cache of `/nodepool/nodes`; call `start()`. */
export function createNodeCache(client: ZkClient, options?: RecordCacheOptions): ZkRecordCache<NodeRecord> {
  return new ZkRecordCache(client, NODE_ROOT, parseNode, options);
}

/** A cache of `/nodepool/requests`; call `start()`. */
export function createRequestCache(client: ZkClient, options?: RecordCacheOptions): ZkRecordCache<NodeRequestRecord> {
  return new ZkRecordCache(client, REQUEST_ROOT, parseRequest, options);
}

/** A pool worker's registration (`/nodepool/components/pool/<name><seq>`), as cached. */
export interface PoolComponentRecord extends CachedRecord {
  /** The znode name. */
  readonly id: string;
  /** The registration's JSON; its fields are as the registering launcher wrote them (check before use). */
  content: Partial<PoolComponentContent>;
}

/**
 * A cache of the pool registrations of every launcher, so that routing a request reads no
 * ZooKeeper (a pool worker's pass used to list and read every registration); call `start()`.
 * A registration that is not a JSON object is reported to `onError` and left out.
 */
export function createPoolComponentCache(client: ZkClient, options?: RecordCacheOptions): ZkRecordCache<PoolComponentRecord> {
  return new ZkRecordCache(client, componentRoot('pool'), (path, id, data, stat) => ({ id, stat, content: parseJsonObject(path, data) }), options);
}
