import { randomUUID } from 'node:crypto';
import type { ZkClient } from './client.js';
import { ZkError, isZkError } from './errors.js';
import { listProviderUploads, type ProviderUpload } from './image-records.js';
import { sortContenders } from './lock-contenders.js';
import { ZkLock, type LockAcquireOptions } from './lock.js';
import {
  NODE_ROOT,
  REQUEST_LOCK_ROOT,
  REQUEST_ROOT,
  SYSTEM_ID_PATH,
  nodeLockPath,
  nodePath,
  requestLockPath,
  requestPath,
} from './paths.js';
import {
  markWritten,
  NODE_NONCE_FIELD,
  newNodeNonce,
  newNodeFields,
  newRequestFields,
  parseNode,
  parseRequest,
  serializeNode,
  serializeRequest,
  stateChanged,
  stateWhenSynced,
  type NewNode,
  type NodeFields,
  type NodeState,
  type NewNodeRequest,
  type NodeRecord,
  type NodeRequestRecord,
} from './records.js';
import { compareRequestIds, parseRequestId } from './request-order.js';
import type { ZkCreateOptions } from './znode.js';

export interface NodepoolZkOptions {
  /** Written into the lock contender znodes this process creates (e.g. `<hostname>-<pid>`). Default ''. */
  identifier?: string;
  /** The clock for `state_time` and `created_time`, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /**
   * Told of every node state this object wrote, once ZooKeeper confirmed the write: a new node,
   * an update that changed the state, the `deleted` state `deleteNode` writes. Called
   * synchronously before the write's promise resolves; must not throw.
   */
  onNodeState?: (written: NodeStateWritten) => void;
}

/** A node state this client wrote (see `NodepoolZkOptions.onNodeState`). */
export interface NodeStateWritten {
  /** The node as written. */
  node: Readonly<NodeFields> & { readonly id: string };
  /** The state it had when read here; undefined for a node this write created. */
  previous: NodeState | undefined;
  /** The znode version this write produced. */
  version: number;
}

/** Throws unless the installation id read from or pinned for ZooKeeper agree. */
function checkPinned(stored: string, pinned: string | undefined): string {
  if (pinned !== undefined && pinned !== stored) {
    throw new Error(
      `the configured cloudpool system id ${JSON.stringify(pinned)} differs from the one stored in ZooKeeper at ` +
        `${SYSTEM_ID_PATH} (${JSON.stringify(stored)}): this ZooKeeper belongs to another installation, or the ` +
        'configuration is wrong; refusing to start',
    );
  }
  return stored;
}

/** A held node lock and the node as read after acquiring it. */
export interface LockedNode {
  lock: ZkLock;
  node: NodeRecord;
}

const lastSegment = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Node locks remembered by a NodepoolZk before the released ones are swept out. */
const SWEEP_NODE_LOCKS_AT = 1000;

/**
 * The operations a launcher needs on Nodepool's ZooKeeper tree (see paths.ts), on one client.
 * Reads return records (records.ts); writes check versions where they say so. Nothing here
 * retries a write on connection loss: a `ConnectionLoss` error means the write may or may not
 * have happened.
 */
export class NodepoolZk {
  private readonly identifier: string;
  private readonly now: () => number;
  private readonly onNodeState: (written: NodeStateWritten) => void;

  /** Node locks taken through this object (`lockNode`), by node id; released ones are swept out now and then. */
  private readonly nodeLocks = new Map<string, ZkLock>();

  constructor(
    readonly client: ZkClient,
    options: NodepoolZkOptions = {},
  ) {
    this.identifier = options.identifier ?? '';
    this.now = options.now ?? Date.now;
    this.onNodeState = options.onNodeState ?? (() => undefined);
  }

  /**
   * Stores a new node as a persistent sequential znode `/nodepool/nodes/<10 digits>` and returns
   * its id. Fields not given get Nodepool's defaults; `state_time` and `created_time` default to
   * now; `cloudpool_node_nonce` (see `NODE_NONCE_FIELD`) to a fresh random nonce.
   */
  async createNode(node: NewNode): Promise<string> {
    const fields = newNodeFields({ [NODE_NONCE_FIELD]: newNodeNonce(), ...node }, this.nowSeconds());
    const id = lastSegment(await this.createWithParents(`${NODE_ROOT}/`, serializeNode(fields), { sequential: true }));
    this.onNodeState({ node: { ...fields, id }, previous: undefined, version: 0 });
    return id;
  }

  /** The node, or undefined when it does not exist. Throws `InvalidRecordError` on bad data. */
  async getNode(id: string): Promise<NodeRecord | undefined> {
    const path = nodePath(id);
    const found = await this.client.getOrUndefined(path);
    return found && parseNode(path, id, found.data, found.stat);
  }

  /**
   * Writes the node back if nobody changed it since it was read (else `ZkError('BadVersion')`;
   * `NoNode` if it was deleted). Unknown fields are written back as read. When `state` differs
   * from the state read, `state_time` is set to now. Updates `node.stat` (and `state_time`) in
   * place and returns the same object.
   */
  async updateNode(node: NodeRecord): Promise<NodeRecord> {
    const previous = stateChanged(node) ? (stateWhenSynced(node) as NodeState) : undefined;
    if (previous !== undefined) node.state_time = this.nowSeconds();
    markWritten(node, await this.client.set(nodePath(node.id), serializeNode(node), node.stat.version));
    if (previous !== undefined) this.onNodeState({ node, previous, version: node.stat.version });
    return node;
  }

  /**
   * Deletes a node as Nodepool does: writes state `deleted` (so a reader can tell a deletion in
   * progress from a vanished lock), then deletes the znode with its lock. A node that is already
   * gone counts as deleted, so this is idempotent. The caller should hold the node's lock; its
   * contender znode goes with the node, and its `ZkLock` stays `isHeld` until `release()`, which
   * then finds the znode gone and succeeds.
   */
  async deleteNode(id: string): Promise<void> {
    const node = await this.getNode(id);
    if (node === undefined) return;
    const previous = node.state;
    node.state = 'deleted';
    node.state_time = this.nowSeconds();
    let version: number;
    try {
      version = (await this.client.set(nodePath(id), serializeNode(node))).version;
    } catch (error) {
      if (!isZkError(error, 'NoNode')) throw error;
      return;
    }
    if (previous !== 'deleted') this.onNodeState({ node, previous, version });
    await this.client.deleteRecursive(nodePath(id));
  }

  /** Ids of all nodes, ascending. [] when there are none. */
  async listNodeIds(): Promise<string[]> {
    return (await this.client.getChildrenOrEmpty(NODE_ROOT)).sort();
  }

  /** Every image upload Nodepool's builders recorded for `provider` (see `listProviderUploads`). */
  listProviderUploads(provider: string): Promise<ProviderUpload[]> {
    return listProviderUploads(this.client, provider);
  }

  /**
   * Submits a node request as a requester (Zuul) does: an ephemeral sequential znode
   * `/nodepool/requests/<priority>-<seq>`, gone when this client's session ends. Returns its id.
   * `priority` is three digits, lower served first. The state defaults to `requested`.
   */
  async submitRequest(request: NewNodeRequest, priority = '100'): Promise<string> {
    if (!/^\d{3}$/.test(priority)) throw new TypeError(`request priority must be three digits, got ${JSON.stringify(priority)}`);
    const data = serializeRequest(newRequestFields(request, this.nowSeconds()));
    const path = await this.createWithParents(`${REQUEST_ROOT}/${priority}-`, data, { ephemeral: true, sequential: true });
    return lastSegment(path);
  }

  /** The request, or undefined when it does not exist. Throws `InvalidRecordError` on bad data. */
  async getRequest(id: string): Promise<NodeRequestRecord | undefined> {
    const path = requestPath(id);
    const found = await this.client.getOrUndefined(path);
    return found && parseRequest(path, id, found.data, found.stat);
  }

  /** Like `updateNode`, for a request: version-checked, `state_time` set on a state change, updated in place. */
  async updateRequest(request: NodeRequestRecord): Promise<NodeRequestRecord> {
    if (stateChanged(request)) request.state_time = this.nowSeconds();
    markWritten(request, await this.client.set(requestPath(request.id), serializeRequest(request), request.stat.version));
    return request;
  }

  /** Deletes a request. Idempotent: a request that is already gone counts as deleted. */
  async deleteRequest(id: string): Promise<void> {
    try {
      await this.client.delete(requestPath(id));
    } catch (error) {
      if (!isZkError(error, 'NoNode')) throw error;
    }
  }

  /**
   * Ids of all requests by priority prefix, then sequence. Nodepool serves them by priority,
   * then `relative_priority`, then sequence: use `sortRequestsForService` on the records.
   * Names that are not request ids (junk) come last, as they are (`getRequest` refuses them).
   */
  async listRequestIds(): Promise<string[]> {
    const names = await this.client.getChildrenOrEmpty(REQUEST_ROOT);
    const isId = (name: string) => {
      try {
        parseRequestId(name);
        return true;
      } catch {
        return false;
      }
    };
    return [...names.filter(isId).sort(compareRequestIds), ...names.filter((name) => !isId(name)).sort()];
  }

  /** Ids that have a znode under `/nodepool/requests-lock` (their request may be gone). */
  async listRequestLockIds(): Promise<string[]> {
    return (await this.client.getChildrenOrEmpty(REQUEST_LOCK_ROOT)).sort();
  }

  /**
   * Removes a request's lock znode, as Nodepool's cleanup does for requests that are gone.
   * Idempotent: resolves whether it removed the znode (false when it was already gone); throws
   * `ZkError('NotEmpty')` when someone holds or waits for the lock.
   */
  async deleteRequestLock(id: string): Promise<boolean> {
    try {
      await this.client.delete(requestLockPath(id));
      return true;
    } catch (error) {
      if (!isZkError(error, 'NoNode')) throw error;
      return false;
    }
  }

  /**
   * Locks a node (`/nodepool/nodes/<id>/lock`, kazoo-compatible) and reads it afresh, as
   * Nodepool does. Resolves the held lock with the node as read under it, or undefined when the
   * lock is held by someone else (non-blocking) or `timeoutMs` passed. Throws `ZkError('NoNode')`
   * when the node does not exist or is being deleted (state `deleted`: a deleter removed the
   * lock under a waiter); the lock is released then, and the node's znode never re-created.
   * `shared` takes a read lock (kazoo's `ReadLock`, `__rlock__`): held alongside other shared
   * holders, excluded by exclusive ones; a plain kazoo `Lock` (Zuul's) does not see it, so use
   * it only for work that changes nothing.
   */
  async lockNode(id: string, options: LockAcquireOptions & { shared?: boolean } = {}): Promise<LockedNode | undefined> {
    const lock = new ZkLock(this.client, nodeLockPath(id), { identifier: this.identifier, createParents: false, shared: options.shared ?? false });
    if (!(await lock.acquire(options))) return undefined;
    try {
      const node = await this.getNode(id);
      if (node === undefined || node.state === 'deleted') {
        throw new ZkError('NoNode', `node ${id} was deleted`, { path: nodePath(id), operation: 'lockNode' });
      }
      if (this.nodeLocks.size >= SWEEP_NODE_LOCKS_AT) this.sweepNodeLocks();
      this.nodeLocks.set(id, lock);
      return { lock, node };
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  private sweepNodeLocks(): void {
    for (const [id, lock] of this.nodeLocks) if (!lock.isHeld) this.nodeLocks.delete(id);
  }

  /**
   * Whether someone holds or waits for a node's lock now: true at once for a lock this object
   * holds, otherwise one read of the lock's contenders, where a non-blocking `lockNode` that finds
   * the lock held costs two writes as well (its contender made and removed). The answer can be
   * stale at once; only `lockNode` decides.
   */
  async isNodeLocked(id: string): Promise<boolean> {
    const mine = this.nodeLocks.get(id);
    if (mine?.isHeld) return true;
    if (mine) this.nodeLocks.delete(id);
    return sortContenders(await this.client.getChildrenOrEmpty(nodeLockPath(id))).length > 0;
  }

  /** Locks a request (`/nodepool/requests-lock/<id>`); resolves as `lockNode` does. */
  async lockRequest(id: string, options: LockAcquireOptions = {}): Promise<ZkLock | undefined> {
    const lock = new ZkLock(this.client, requestLockPath(id), { identifier: this.identifier });
    return (await lock.acquire(options)) ? lock : undefined;
  }

  /**
   * This installation's id (`/cloudpool/system-id`), tagged on every cloud resource. The first
   * call on a fresh ZooKeeper stores `pinned`, or a random UUID; later calls return the stored
   * id. Throws when `pinned` is given and differs from the stored id. Safe against concurrent
   * first calls: all of them return the same id.
   */
  async getSystemId(pinned?: string): Promise<string> {
    const stored = await this.readSystemId();
    if (stored !== undefined) return checkPinned(stored, pinned);
    const fresh = pinned ?? randomUUID();
    try {
      await this.createWithParents(SYSTEM_ID_PATH, fresh, {});
      return fresh;
    } catch (error) {
      if (!isZkError(error, 'NodeExists')) throw error;
    }
    const winner = await this.readSystemId();
    if (winner === undefined) throw new Error(`${SYSTEM_ID_PATH} vanished while being created`);
    return checkPinned(winner, pinned);
  }

  /** The installation id stored in ZooKeeper, or undefined when there is none (nothing is created). */
  storedSystemId(): Promise<string | undefined> {
    return this.readSystemId();
  }

  private async readSystemId(): Promise<string | undefined> {
    const found = await this.client.getOrUndefined(SYSTEM_ID_PATH);
    if (found === undefined) return undefined;
    const id = found.data.toString('utf8').trim();
    if (id === '') throw new Error(`${SYSTEM_ID_PATH} is empty`);
    return id;
  }

  private nowSeconds(): number {
    return this.now() / 1000;
  }

  /** Creates a znode, creating its missing ancestors first if needed; returns the actual path. */
  private async createWithParents(path: string, data: Buffer | string, options: ZkCreateOptions): Promise<string> {
    try {
      return await this.client.create(path, data, options);
    } catch (error) {
      if (!isZkError(error, 'NoNode')) throw error;
    }
    await this.client.mkdirp(path.slice(0, path.lastIndexOf('/')));
    return this.client.create(path, data, options);
  }
}
