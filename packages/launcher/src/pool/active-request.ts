import {
  isZkError,
  nodeNonce,
  uploadImageId,
  type BootUpload,
  nodeRequestInfo,
  type LaunchResult,
  type LockedNode,
  type NodeRecord,
  type NodeRequestHandler,
  type NodeRequestRecord,
  type PoolConfig,
  type PoolLabelConfig,
  type ZkLock,
} from '@cloudpool/common';
import type { Logger } from 'pino';
import type { LauncherContext } from '../context.js';
import { applyReadyInstance } from '../nodes/node-fields.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import { declineRequest } from './decline.js';
import type { ReservedNode } from './ready-node-reservation.js';

/** How a finished request ended for this pool. */
export type RequestOutcome = 'fulfilled' | 'declined' | 'requeued' | 'lost';

interface LaunchingNode {
  index: number;
  label: PoolLabelConfig;
  /** What a diskimage label boots: the newest ready upload when the node was created. */
  upload?: BootUpload;
  locked: LockedNode;
  /** Changes to this node's record not yet confirmed written, in order; a failed write leaves them here. */
  unwritten: Array<(node: NodeRecord) => void>;
  /** Writes to this node's record, in order (each needs the version of the previous one). */
  writes: Promise<void>;
  /** Clock time the launch was handed to the provider. */
  startedAt: number;
}

/** Attempts of one node record write (after BadVersion or ConnectionLoss, it is re-read and the changes re-applied). */
const WRITE_ATTEMPTS = 3;

/**
 * A request this pool accepted: the request is `pending` and locked by us until the end.
 * New nodes are created `init`, locked, then set `building` (only once the lock is held), and
 * launched through the provider's request handler; the external id is written as soon as
 * the cloud gives it. At the end:
 * - all ready → the request is `fulfilled` with the nodes in label order;
 * - a launch failed → failed nodes are `failed` (the deleter removes them), ready ones are
 *   unallocated, and the pool declines the request;
 * - only quota aborts → nodes `aborted`, ready ones unallocated, the request goes back to
 *   `requested` for a later try (the pool pauses until quota frees).
 * A record write is done only once ZooKeeper confirmed it: a request is fulfilled only after
 * every node's `ready` record was written. When a write or the request update fails (e.g.
 * ConnectionLoss), `finish()` throws and may be called again: it resumes where it stopped, and
 * writes nothing twice that would change the outcome. `abandon()` releases every lock instead,
 * leaving the request to lost-request recovery and the nodes to the deleter.
 */
export class ActiveRequest {
  private readonly launching: LaunchingNode[] = [];
  private handler: NodeRequestHandler | undefined;
  private resultsRecorded = false;
  /** Failed `finish()` calls begun while connected to ZooKeeper (counted by the pool worker). */
  finishFailures = 0;
  private readonly log: Logger;

  constructor(
    private readonly context: LauncherContext,
    private readonly runtime: ProviderRuntime,
    private readonly pool: PoolConfig,
    private readonly poolRef: { id: string; provider: string; name: string },
    private request: NodeRequestRecord,
    private readonly requestLock: ZkLock,
    private readonly reserved: ReservedNode[],
  ) {
    this.log = context.logger.child({ request: request.id, provider: runtime.name, pool: pool.name });
  }

  get id(): string {
    return this.request.id;
  }

  /**
   * Marks the request pending and starts launching the nodes that reuse did not cover. When it
   * throws, nothing was handed to the provider; the caller must `abandon()` the request.
   */
  async start(needed: Array<{ index: number; label: PoolLabelConfig }>, resources: Map<string, Record<string, number>>): Promise<void> {
    this.request.state = 'pending';
    this.request = await this.context.zk.updateRequest(this.request);
    for (const reserved of this.reserved) {
      this.log.info({ node: reserved.locked.node.id }, 'reusing ready node');
    }
    if (needed.length === 0) return;
    for (const { index, label } of needed) {
      const nodeId = await this.context.zk.createNode({
        state: 'init',
        provider: this.runtime.name,
        pool: this.pool.name,
        cloud: this.runtime.config.driver,
        type: [label.name],
        allocated_to: this.request.id,
        launcher: this.context.launcherId,
        resources: resources.get(label.name) ?? null,
        tenant_name: this.request.tenant_name,
        requestor: this.request.requestor,
      });
      const locked = await this.context.zk.lockNode(nodeId, { blocking: false });
      if (!locked) throw new Error(`could not lock new node ${nodeId}`);
      const upload = label.diskimage === undefined ? undefined : this.uploadToBoot(label.diskimage);
      const launching: LaunchingNode = { index, label, upload, locked, unwritten: [], writes: Promise.resolve(), startedAt: this.context.clock.now() };
      this.launching.push(launching);
      locked.node.state = 'building';
      if (upload) locked.node.image_id = upload.imageId;
      locked.node = await this.context.zk.updateNode(locked.node);
    }
    // Every launch is handed over in one synchronous block: the provider loop treats a handler
    // without unfinished launches as complete.
    const handler = this.runtime.provider.getRequestHandler(this.pool, this.request.id, nodeRequestInfo(this.request));
    this.handler = handler;
    for (const reserved of this.reserved) handler.nodeReusedNotification({ id: reserved.locked.node.id, label: this.request.node_types[reserved.index]! });
    for (const launching of this.launching) {
      const nodeId = launching.locked.node.id;
      this.log.info({ node: nodeId, label: launching.label.name }, 'launching node');
      handler.launch(nodeId, launching.label, {
        externalId: (_node, externalId) => this.write(launching, (node) => void (node.external_id = externalId)),
        retrying: (_node, attempt, reason) => this.log.warn({ node: nodeId, attempt }, `launch attempt failed, retrying: ${reason}`),
      }, nodeNonce(launching.locked.node), launching.upload);
    }
  }

  /**
   * The upload a node of `diskimage` boots: the newest ready one now (from the watched records).
   * Throws when there is none (one that vanished since the request was checked).
   */
  private uploadToBoot(diskimage: string): BootUpload {
    const upload = this.context.images.newestReady(diskimage, this.runtime.name);
    if (!upload?.fields.external_id) throw new Error(`diskimage ${diskimage} has no ready upload to provider ${this.runtime.name}`);
    return { externalId: upload.fields.external_id, imageId: uploadImageId(upload) };
  }

  /** Whether every launch has ended. */
  launchesComplete(): boolean {
    return this.handler?.launchesComplete() ?? true;
  }

  /**
   * Records the outcome of every launch and releases the request. Call once launchesComplete().
   * Throws when a ZooKeeper write failed; calling it again resumes (see the class comment).
   */
  async finish(): Promise<RequestOutcome> {
    if (!this.requestLock.isHeld) {
      this.log.warn('request lock lost while launching; leaving the request to lost-request recovery');
      await this.releaseNodes();
      return 'lost';
    }
    const results = this.handler?.results() ?? [];
    if (!this.resultsRecorded) {
      this.resultsRecorded = true;
      for (const result of results) this.recordResult(result);
    }
    await this.flushAll();
    const failed = results.filter((r) => r.status === 'failed');
    const aborted = results.filter((r) => r.status === 'aborted');
    let outcome: RequestOutcome;
    if (failed.length === 0 && aborted.length === 0) {
      outcome = await this.fulfil();
    } else {
      await this.unallocateReady();
      if (failed.length > 0) {
        const reason = `launch failed: ${failed.map((f) => `${f.nodeId}: ${f.status === 'failed' ? f.reason : ''}`).join('; ')}`;
        await declineRequest(this.context, this.request.id, this.poolRef, reason);
        outcome = 'declined';
      } else {
        this.runtime.provider.invalidateQuotaCache();
        const fresh = await this.context.zk.getRequest(this.request.id);
        if (fresh && fresh.state === 'pending') {
          fresh.state = 'requested';
          await this.context.zk.updateRequest(fresh);
        }
        this.log.info('cloud quota exceeded: request goes back to requested');
        outcome = 'requeued';
      }
    }
    await this.releaseNodes();
    await this.requestLock.release();
    return outcome;
  }

  /**
   * Gives the request up without finishing it, for a request whose start or finish keeps
   * failing: puts it back to `requested` if it is still `pending` (best effort), and releases
   * every lock, so lost-request recovery and the deleter can act (an unlocked `building` node
   * is deleted; a request is only ever fulfilled with nodes whose `ready` record was written).
   * Never throws.
   */
  async abandon(): Promise<void> {
    this.log.warn('abandoning the request: releasing its locks for lost-request recovery');
    try {
      const fresh = this.requestLock.isHeld ? await this.context.zk.getRequest(this.request.id) : undefined;
      if (fresh?.state === 'pending') {
        fresh.state = 'requested';
        await this.context.zk.updateRequest(fresh);
      }
    } catch (error) {
      this.log.warn({ err: error }, 'could not put the abandoned request back; lost-request recovery will');
    }
    await this.releaseNodes().catch((error: unknown) => this.log.warn({ err: error }, 'could not release node locks'));
    await this.requestLock.release().catch((error: unknown) => this.log.warn({ err: error }, 'could not release the request lock'));
  }

  private async fulfil(): Promise<RequestOutcome> {
    const nodes: string[] = new Array<string>(this.request.node_types.length);
    for (const reserved of this.reserved) nodes[reserved.index] = reserved.locked.node.id;
    for (const launching of this.launching) nodes[launching.index] = launching.locked.node.id;
    const notReady = [...this.launching.map((l) => l.locked.node), ...this.reserved.map((r) => r.locked.node)].filter((n) => n.state !== 'ready');
    if (notReady.length > 0 || nodes.some((id) => id === undefined)) {
      throw new Error(`not fulfilling: nodes not ready (${notReady.map((n) => `${n.id}: ${n.state}`).join(', ')})`);
    }
    const fresh = await this.context.zk.getRequest(this.request.id);
    if (!fresh) {
      this.log.info('request vanished while launching; its nodes will be deallocated');
      return 'lost';
    }
    // A retried finish whose earlier update was applied although its answer was lost.
    if (fresh.state === 'fulfilled' && fresh.nodes.join() === nodes.join()) return 'fulfilled';
    fresh.nodes = nodes;
    fresh.state = 'fulfilled';
    await this.context.zk.updateRequest(fresh);
    this.log.info({ nodes }, 'request fulfilled');
    return 'fulfilled';
  }

  private recordResult(result: LaunchResult): void {
    const launching = this.launching.find((l) => l.locked.node.id === result.nodeId);
    if (!launching) return;
    const { config } = this.runtime;
    this.write(launching, (node) => {
      if (result.status === 'ready') {
        applyReadyInstance(node, result.instance, result.hostKeys, config, this.pool, launching.label, launching.upload);
      } else {
        node.state = result.status === 'aborted' ? 'aborted' : 'failed';
        if (result.externalId) node.external_id = result.externalId;
      }
    });
    if (result.status === 'ready') this.log.info({ node: result.nodeId }, 'node ready');
    else this.log.warn({ node: result.nodeId }, `node ${result.status}: ${result.reason}`);
    this.context.events.emit('launch', {
      provider: this.runtime.name,
      pool: this.pool.name,
      label: launching.label.name,
      node: result.nodeId,
      result: result.status,
      durationMs: this.context.clock.now() - launching.startedAt,
      ...(result.status === 'ready' ? {} : { reason: result.reason }),
    });
  }

  /** Ready nodes of an unfulfilled request go back to the pool of reusable nodes. */
  private async unallocateReady(): Promise<void> {
    for (const launching of this.launching) {
      if (launching.locked.node.state === 'ready') this.write(launching, (node) => void (node.allocated_to = null));
    }
    await this.flushAll();
    for (const { locked } of this.reserved) {
      if (locked.node.allocated_to === null) continue;
      locked.node.allocated_to = null;
      locked.node = await this.context.zk.updateNode(locked.node);
    }
  }

  private async releaseNodes(): Promise<void> {
    await Promise.all(this.launching.map((l) => l.writes));
    for (const { locked } of [...this.launching, ...this.reserved]) await locked.lock.release();
  }

  /** Waits for every queued write, then tries the failed ones again; throws if any change is still unwritten. */
  private async flushAll(): Promise<void> {
    await Promise.all(this.launching.map((l) => l.writes));
    for (const launching of this.launching) {
      if (launching.unwritten.length > 0) launching.writes = launching.writes.then(() => this.flush(launching));
    }
    await Promise.all(this.launching.map((l) => l.writes));
    const unwritten = this.launching.filter((l) => l.unwritten.length > 0).map((l) => l.locked.node.id);
    if (unwritten.length > 0) throw new Error(`could not write the records of nodes ${unwritten.join(', ')}`);
  }

  /** Queues a change to a node record; changes apply in order, each on the latest version. */
  private write(launching: LaunchingNode, change: (node: NodeRecord) => void): void {
    launching.unwritten.push(change);
    launching.writes = launching.writes.then(() => this.flush(launching));
  }

  /**
   * Writes the node's unwritten changes. After BadVersion or ConnectionLoss (a write that may
   * have been applied) the record is read again once connected and the changes re-applied,
   * while the node lock is held; on failure the changes stay unwritten. Never rejects.
   */
  private async flush(launching: LaunchingNode): Promise<void> {
    const changes = launching.unwritten.slice();
    if (changes.length === 0) return;
    const id = launching.locked.node.id;
    let node: NodeRecord | undefined = launching.locked.node;
    for (let attempt = 1; ; attempt++) {
      // Without the node lock the record may be someone else's to change (a deleter's, after our session ended).
      if (!launching.locked.lock.isHeld) {
        this.log.warn({ node: id }, 'node lock lost; its record is left as it is');
        return;
      }
      try {
        if (!node) throw new Error(`node ${id} vanished`);
        for (const change of changes) change(node);
        launching.locked.node = await this.context.zk.updateNode(node);
        launching.unwritten.splice(0, changes.length);
        return;
      } catch (error) {
        const retryable = isZkError(error, 'BadVersion', 'ConnectionLoss') && attempt < WRITE_ATTEMPTS && launching.locked.lock.isHeld;
        if (!retryable) {
          this.log.error({ node: id, err: error }, 'could not update node record');
          return;
        }
      }
      try {
        await this.context.client.waitForConnection(AbortSignal.timeout(this.context.client.negotiatedSessionTimeoutMs));
        node = await this.context.zk.getNode(id);
      } catch (error) {
        this.log.error({ node: id, err: error }, 'could not re-read node record');
        return;
      }
    }
  }
}
