import { isZkError, type LockAcquireOptions, type NodepoolZk, type NodeRecord, type ZkLock } from '@cloudpool/common';
import type { Logger } from 'pino';

/** What a node task needs: the ZooKeeper operations and a log. */
export interface NodeTaskContext {
  zk: NodepoolZk;
  logger: Logger;
}

export interface NodeTaskOptions extends Pick<LockAcquireOptions, 'blocking' | 'timeoutMs' | 'signal'> {
  /**
   * A shared lock (kazoo's `ReadLock`): for work that changes nothing, such as an inspection
   * or a consistency check. Shared holders do not exclude each other; an exclusive holder
   * (ours, kazoo's `WriteLock`, or a plain kazoo `Lock` such as Zuul's) excludes them. A plain
   * kazoo `Lock` does not see shared holders, so a shared task must not rely on the node staying
   * as read. Default: exclusive, the same `__lock__` contender Zuul and Nodepool use.
   */
  shared?: boolean;
  /** What the task is for (`delete`, `hold`, `deallocate`...): named in its log lines and errors. */
  purpose: string;
  /**
   * Runs when the task's work or its spawned work fails, before the lock is released (so it may
   * still write the node; a shared task may not). Its own failure is logged, never thrown.
   */
  onError?: (task: NodeTask, error: unknown) => Promise<void> | void;
}

/**
 * Work on one node under its ZooKeeper lock, in the way of Ironic's task manager:
 * `acquire` takes the lock and reads the node; the work runs; work that outlives the call is
 * `spawn`ed and takes the lock over (it is released when the spawned work ends); a failure runs
 * the error hook while the lock is still held. The lock is the kazoo-compatible node lock at
 * `/nodepool/nodes/<id>/lock`, so Zuul, Nodepool and cloudpool keep excluding each other as
 * before: an exclusive task is one `__lock__` contender, exactly what `lockNode` always took.
 */
export class NodeTask {
  private released = false;
  private spawned: Promise<void> | undefined;
  private readonly log: Logger;

  private constructor(
    private readonly context: NodeTaskContext,
    private lock: ZkLock,
    /** The node as read under the lock, and as last written by `update`. */
    public node: NodeRecord,
    private sharedLock: boolean,
    private readonly options: NodeTaskOptions,
  ) {
    this.log = context.logger.child({ node: node.id, task: options.purpose });
  }

  /**
   * Takes the node's lock and reads the node. Resolves undefined when the lock is held by
   * someone else and `blocking` is false (or `timeoutMs` passed). Throws `ZkError('NoNode')`
   * when the node does not exist or is being deleted.
   */
  static async acquire(context: NodeTaskContext, id: string, options: NodeTaskOptions): Promise<NodeTask | undefined> {
    const locked = await context.zk.lockNode(id, { ...lockOptions(options), shared: options.shared ?? false });
    return locked && new NodeTask(context, locked.lock, locked.node, options.shared ?? false, options);
  }

  get purpose(): string {
    return this.options.purpose;
  }

  /** Whether the task holds a shared lock (see `upgrade`). */
  get shared(): boolean {
    return this.sharedLock;
  }

  /** Whether the task still holds its lock: false once released, or lost with the session. */
  get holdsLock(): boolean {
    return !this.released && this.lock.isHeld;
  }

  /** Aborts when the lock is lost with the ZooKeeper session while held. */
  get lostSignal(): AbortSignal {
    return this.lock.lostSignal;
  }

  /**
   * Applies `change` to the node and writes it (version-checked: `BadVersion` when someone
   * changed it since it was read). Only an exclusive task writes; throws for a shared one and
   * for a task whose lock is gone.
   */
  async update(change: (node: NodeRecord) => void): Promise<NodeRecord> {
    if (this.sharedLock) throw new Error(`node ${this.node.id}: a shared task (${this.purpose}) may not change the node; upgrade it first`);
    if (!this.holdsLock) throw new Error(`node ${this.node.id}: the ${this.purpose} task no longer holds the node lock`);
    change(this.node);
    this.node = await this.context.zk.updateNode(this.node);
    return this.node;
  }

  /**
   * Turns a shared task into an exclusive one and reads the node again. kazoo's recipe has no
   * atomic upgrade (an exclusive contender waits for every earlier one, its own shared one
   * included), so the shared lock is released first: another client may change the node in
   * between, hence the re-read. Resolves false when the exclusive lock was not obtained
   * (`blocking: false` or `timeoutMs`); the task then holds no lock and is over. A no-op for
   * an exclusive task.
   */
  async upgrade(options: Pick<LockAcquireOptions, 'blocking' | 'timeoutMs' | 'signal'> = {}): Promise<boolean> {
    if (!this.sharedLock) return true;
    if (!this.holdsLock) throw new Error(`node ${this.node.id}: the ${this.purpose} task no longer holds the node lock`);
    await this.lock.release();
    let locked;
    try {
      locked = await this.context.zk.lockNode(this.node.id, options);
    } catch (error) {
      this.released = true;
      throw error;
    }
    if (!locked) {
      this.released = true;
      return false;
    }
    this.lock = locked.lock;
    this.node = locked.node;
    this.sharedLock = false;
    return true;
  }

  /**
   * Hands the lock over to `work`, which runs in the background: the task's `run` returns
   * without releasing, and the lock is released when `work` ends; when it fails, the error hook
   * runs first. At most one spawn per task.
   */
  spawn(work: (task: NodeTask) => Promise<void>): void {
    if (this.spawned) throw new Error(`node ${this.node.id}: the ${this.purpose} task already spawned its work`);
    if (!this.holdsLock) throw new Error(`node ${this.node.id}: the ${this.purpose} task no longer holds the node lock`);
    this.spawned = (async () => {
      try {
        await work(this);
      } catch (error) {
        // Nobody awaits spawned work: without a hook, its failure is logged here.
        if (this.options.onError) await this.failed(error);
        else this.log.warn({ err: error }, `${this.purpose} of node ${this.node.id} failed`);
      } finally {
        await this.release();
      }
    })();
  }

  /** Resolves when the task is over: its work (spawned or not) ended and the lock is released. */
  async done(): Promise<void> {
    await this.spawned;
  }

  /**
   * Runs `work` in this task: on failure the error hook runs and the error is thrown again; the
   * lock is released at the end unless `work` spawned background work, which then releases it.
   */
  async run<T>(work: (task: NodeTask) => Promise<T>): Promise<T> {
    try {
      return await work(this);
    } catch (error) {
      await this.failed(error);
      throw error;
    } finally {
      if (!this.spawned) await this.release();
    }
  }

  /** Releases the lock (idempotent; a lock lost with the session counts as released). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.lock.release().catch((error: unknown) => {
      if (!isZkError(error, 'SessionExpired', 'Closed')) this.log.warn({ err: error }, 'could not release the node lock; it goes with the session');
    });
  }

  private async failed(error: unknown): Promise<void> {
    if (!this.options.onError) return;
    try {
      await this.options.onError(this, error);
    } catch (hookError) {
      this.log.error({ err: hookError }, `the error hook of the ${this.purpose} task failed`);
    }
  }
}

/**
 * Acquires a task on node `id` and runs `work` in it (see `NodeTask.run`). Resolves undefined
 * when the lock was not obtained (held by someone else, not blocking), without running `work`.
 */
export async function withNodeTask<T>(
  context: NodeTaskContext,
  id: string,
  options: NodeTaskOptions,
  work: (task: NodeTask) => Promise<T>,
): Promise<{ result: T; task: NodeTask } | undefined> {
  const task = await NodeTask.acquire(context, id, options);
  if (!task) return undefined;
  return { result: await task.run(work), task };
}

function lockOptions(options: NodeTaskOptions): LockAcquireOptions {
  return {
    ...(options.blocking === undefined ? {} : { blocking: options.blocking }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}
