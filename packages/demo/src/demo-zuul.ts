import { EventEmitter } from 'node:events';
import {
  createNodeCache,
  createRequestCache,
  NodepoolZk,
  ZkClient,
  type LockedNode,
  type NodeRecord,
  type NodeRequestRecord,
  type ZkRecordCache,
} from '@cloudpool/common';

/** What the demo's Zuul sees happen in ZooKeeper. */
export interface DemoZuulEvents {
  /** A node became `ready`. */
  nodeReady: [node: NodeRecord];
  /** A request of ours was fulfilled and its nodes are now locked and `in-use`. */
  accepted: [request: NodeRequestRecord, nodes: NodeRecord[]];
  /** A request of ours failed (every pool declined it). */
  requestFailed: [request: NodeRequestRecord];
  /** A node record was removed: its cloud resources are gone. */
  nodeRemoved: [node: NodeRecord];
  /** Something Zuul does went wrong (e.g. a node lock could not be taken). */
  problem: [message: string];
}

/** How long Zuul waits for the lock of a node handed to it. */
const NODE_LOCK_TIMEOUT_MS = 10_000;

/**
 * The Zuul side of the demo, talking to ZooKeeper as a Zuul scheduler and executors do, on a
 * session of its own: it submits node requests (ephemeral, sequential, priority prefix),
 * follows them and the nodes through watches, and when a request is fulfilled locks its nodes,
 * marks them `in-use` (a job runs) and deletes the request. `finishJobs` marks every node it
 * holds `used` and unlocks it, after which the launcher deletes it.
 */
export class DemoZuul extends EventEmitter<DemoZuulEvents> {
  private readonly ours = new Set<string>();
  private readonly outcomes = new Map<string, 'fulfilled' | 'failed'>();
  private readonly held = new Map<string, LockedNode>();
  private readonly work = new Set<Promise<void>>();

  private constructor(
    private readonly client: ZkClient,
    private readonly zk: NodepoolZk,
    private readonly requests: ZkRecordCache<NodeRequestRecord>,
    private readonly nodes: ZkRecordCache<NodeRecord>,
  ) {
    super();
    requests.on('updated', (request, previous) => {
      if (request.state !== previous.state) this.onRequestState(request);
    });
    nodes.on('updated', (node, previous) => {
      if (node.state === 'ready' && previous.state !== 'ready') this.emit('nodeReady', node);
    });
    nodes.on('removed', (node) => this.emit('nodeRemoved', node));
  }

  /** Connects to ZooKeeper on loopback and starts following requests and nodes. */
  static async connect(port: number): Promise<DemoZuul> {
    const client = await ZkClient.connect({ hosts: [{ host: '127.0.0.1', port }], sessionTimeoutMs: 10_000 });
    const requests = createRequestCache(client);
    const nodes = createNodeCache(client);
    try {
      await Promise.all([requests.start(), nodes.start()]);
      await Promise.all([requests.waitForSync(), nodes.waitForSync()]);
    } catch (error) {
      requests.stop();
      nodes.stop();
      await client.close();
      throw error;
    }
    return new DemoZuul(client, new NodepoolZk(client, { identifier: 'zuul-demo' }), requests, nodes);
  }

  /** Submits a request for one node of each label, at Zuul's normal priority; returns its id. */
  async submit(labels: string[]): Promise<string> {
    const id = await this.zk.submitRequest({ node_types: labels, requestor: 'zuul-demo' }, '100');
    this.ours.add(id);
    const current = this.requests.get(id);
    if (current) this.onRequestState(current);
    return id;
  }

  /** Requests submitted that ended `fulfilled` (and were accepted) or `failed`, by id. */
  get requestOutcomes(): ReadonlyMap<string, 'fulfilled' | 'failed'> {
    return this.outcomes;
  }

  get submitted(): number {
    return this.ours.size;
  }

  /** Whether every request submitted ended, and each fulfilled one was accepted (or failed to be). */
  get allRequestsHandled(): boolean {
    return this.outcomes.size === this.ours.size && this.work.size === 0;
  }

  /** Node ids Zuul holds (locked, `in-use`). */
  get heldNodes(): string[] {
    return [...this.held.keys()];
  }

  /** Whether a node record still exists in ZooKeeper. */
  nodeExists(id: string): boolean {
    return this.nodes.get(id) !== undefined;
  }

  /** The jobs end: every held node is marked `used` and unlocked, as Zuul does when a build completes. */
  async finishJobs(): Promise<void> {
    await this.settled();
    await Promise.all(
      [...this.held].map(async ([id, { lock, node }]) => {
        node.state = 'used';
        await this.zk.updateNode(node);
        await lock.release();
        this.held.delete(id);
      }),
    );
  }

  /** Releases every lock still held and closes the session (its requests, being ephemeral, go with it). */
  async close(): Promise<void> {
    await this.settled();
    this.requests.stop();
    this.nodes.stop();
    await Promise.allSettled([...this.held.values()].map(({ lock }) => lock.release()));
    this.held.clear();
    await this.client.close();
  }

  /** Resolves once every acceptance in progress ended. */
  private async settled(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  private onRequestState(request: NodeRequestRecord): void {
    if (!this.ours.has(request.id) || this.outcomes.has(request.id)) return;
    if (request.state === 'failed') {
      this.outcomes.set(request.id, 'failed');
      this.emit('requestFailed', request);
    } else if (request.state === 'fulfilled') {
      this.outcomes.set(request.id, 'fulfilled');
      const done = this.accept(request)
        .catch((error: unknown) => {
          this.emit('problem', `request ${request.id}: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(() => this.work.delete(done));
      this.work.add(done);
    }
  }

  /** Locks the request's nodes, marks them `in-use`, then deletes the request: the job has its nodes. */
  private async accept(request: NodeRequestRecord): Promise<void> {
    const accepted: NodeRecord[] = [];
    for (const id of request.nodes) {
      const locked = await this.zk.lockNode(id, { timeoutMs: NODE_LOCK_TIMEOUT_MS });
      if (!locked) throw new Error(`could not lock node ${id} within ${NODE_LOCK_TIMEOUT_MS / 1000} s`);
      locked.node.state = 'in-use';
      await this.zk.updateNode(locked.node);
      this.held.set(id, locked);
      accepted.push(locked.node);
    }
    await this.zk.deleteRequest(request.id);
    this.emit('accepted', request, accepted);
  }
}
