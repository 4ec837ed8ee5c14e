import type { ZkClient } from './client.js';
import { ZkError, isZkError } from './errors.js';
import { blockingPredecessor, contenderPrefix, sortContenders, type LockKind } from './lock-contenders.js';
import { childPath } from './znode.js';

export interface ZkLockOptions {
  /** Stored in the contender znode and listed by `contenders()` (kazoo's `identifier`). Default ''. */
  identifier?: string;
  /** A shared (read) lock: held while no exclusive contender precedes it. Default exclusive. */
  shared?: boolean;
  /**
   * Create missing ancestors of the lock path (default). When false only the lock znode itself
   * is created, and a missing parent fails `acquire` with `ZkError('NoNode')`: node locks use
   * this so locking a deleted node does not bring its znode back.
   */
  createParents?: boolean;
}

export interface LockAcquireOptions {
  /** Wait for the lock (default). When false, gives up at once if another contender is ahead. */
  blocking?: boolean;
  /** Wait at most this long; then `acquire` resolves false. */
  timeoutMs?: number;
  /** Stops waiting: `acquire` rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface Entered {
  name: string;
  sessionId: string | undefined;
}

/**
 * A lock that interoperates with kazoo's `Lock`/`ReadLock` (see lock-contenders.ts), so Zuul,
 * Nodepool and cloudpool exclude each other. A lock object can be acquired again after it was
 * released or lost; it is not reentrant.
 */
export class ZkLock {
  private readonly identifier: string;
  private readonly kind: LockKind;
  private readonly createParents: boolean;
  /** The held contender's name; undefined while not held. */
  private heldName: string | undefined;
  private acquiring = false;
  private controller = new AbortController();

  constructor(
    private readonly client: ZkClient,
    readonly path: string,
    options: ZkLockOptions = {},
  ) {
    this.identifier = options.identifier ?? '';
    this.kind = options.shared ? 'shared' : 'exclusive';
    this.createParents = options.createParents ?? true;
  }

  /** Whether this object holds the lock now (false once released or lost). */
  get isHeld(): boolean {
    return this.heldName !== undefined;
  }

  /**
   * Aborts when the lock, while held, is lost: its session ended or the client was closed (the
   * reason is a `ZkError`, code SessionExpired or Closed). Each acquisition gets a fresh signal,
   * so read it after `acquire`; `release()` does not abort it.
   */
  get lostSignal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Takes the lock. Resolves true once held; false when not blocking and another contender is
   * ahead, or when `timeoutMs` passed; in both cases this object's contender znode is removed
   * before it resolves. Rejects with the signal's reason when `signal` aborts, with
   * `ZkError('SessionExpired')` when the session ends while waiting, and with `ZkError('NoNode')`
   * when the lock's parent is missing and `createParents` is false, or when the lock znode or
   * this contender is deleted by another client while waiting. While disconnected it waits
   * for the connection, at most until the session is lost (even past `timeoutMs`), so that it
   * never leaves a contender znode behind. Throws if this object already holds or is acquiring it.
   */
  async acquire(options: LockAcquireOptions = {}): Promise<boolean> {
    if (this.isHeld || this.acquiring) throw new Error(`lock ${this.path} is already held or being acquired`);
    this.acquiring = true;
    const deadline = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const signals = [options.signal, deadline].filter((signal) => signal !== undefined);
    const wait = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    try {
      options.signal?.throwIfAborted();
      const entered = await this.enter();
      let holds = false;
      try {
        if (await this.waitForTurn(entered, options.blocking ?? true, wait)) {
          this.hold(entered);
          holds = true;
        }
      } finally {
        if (!holds) await this.leave(entered.name);
      }
      return holds;
    } catch (error) {
      if (deadline?.aborted && !options.signal?.aborted) return false;
      throw error;
    } finally {
      this.acquiring = false;
    }
  }

  /**
   * Releases the lock by deleting this object's contender znode, retrying through connection
   * loss. Idempotent: a no-op when not held, also after the lock was lost.
   */
  async release(): Promise<void> {
    const name = this.heldName;
    if (name === undefined) return;
    this.unhold();
    await this.leave(name);
  }

  /** The identifiers of the current contenders, the holder first. [] when the lock path does not exist. */
  async contenders(): Promise<string[]> {
    let children: string[];
    try {
      children = await this.client.getChildren(this.path);
    } catch (error) {
      if (isZkError(error, 'NoNode')) return [];
      throw error;
    }
    const records = await Promise.all(
      sortContenders(children).map((contender) => this.client.getOrUndefined(childPath(this.path, contender.name))),
    );
    return records.filter((record) => record !== undefined).map((record) => record.data.toString('utf8'));
  }

  /** Creates this object's contender znode; after a connection loss, finds it instead of adding a second one. */
  private async enter(): Promise<Entered> {
    const prefix = contenderPrefix(this.kind);
    await this.client.waitForConnection();
    let sessionId = this.client.sessionId;
    let mayExist = false;
    for (;;) {
      try {
        const existing = mayExist ? await this.findChild(prefix) : undefined;
        return { name: existing ?? (await this.createContender(prefix)), sessionId };
      } catch (error) {
        if (!isZkError(error, 'ConnectionLoss')) throw error;
        await this.client.waitForConnection();
        // A create cut off by a connection loss may have been applied, but only in the same session.
        mayExist = this.client.sessionId === sessionId;
        sessionId = this.client.sessionId;
      }
    }
  }

  private async createContender(prefix: string): Promise<string> {
    const create = async () => {
      const created = await this.client.create(childPath(this.path, prefix), this.identifier, {
        ephemeral: true,
        sequential: true,
      });
      return created.slice(created.lastIndexOf('/') + 1);
    };
    try {
      return await create();
    } catch (error) {
      if (!isZkError(error, 'NoNode')) throw error;
      await this.createLockPath();
      return create();
    }
  }

  private async createLockPath(): Promise<void> {
    if (this.createParents) return this.client.mkdirp(this.path);
    try {
      await this.client.create(this.path, '');
    } catch (error) {
      if (!isZkError(error, 'NodeExists')) throw error;
    }
  }

  private async findChild(prefix: string): Promise<string | undefined> {
    try {
      return (await this.client.getChildren(this.path)).find((child) => child.startsWith(prefix));
    } catch (error) {
      if (isZkError(error, 'NoNode')) return undefined;
      throw error;
    }
  }

  /** Resolves true when `entered` holds the lock, false when it would have to wait and may not. */
  private async waitForTurn(entered: Entered, blocking: boolean, signal: AbortSignal | undefined): Promise<boolean> {
    for (;;) {
      const children = await this.client.retryOnConnectionLoss(() => this.client.getChildren(this.path), signal);
      const sorted = sortContenders(children);
      const own = sorted.find((contender) => contender.name === entered.name);
      if (this.client.sessionId !== entered.sessionId) {
        throw new ZkError('SessionExpired', `session lost while acquiring lock ${this.path}`, { path: this.path });
      }
      if (own === undefined) {
        // Someone deleted it, e.g. a node deleted with its lock while this contender waited.
        const path = childPath(this.path, entered.name);
        throw new ZkError('NoNode', `lock contender ${path} was deleted by another client`, { path });
      }
      const predecessor = blockingPredecessor(sorted, own);
      if (predecessor === undefined) return true;
      if (!blocking) return false;
      await this.waitForChange(childPath(this.path, predecessor.name), signal);
    }
  }

  /**
   * Resolves when the znode at `path` changes or is gone; rejects when the session ends, the
   * client closes or `signal` aborts.
   */
  private waitForChange(path: string, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onLost = () => settle(() => reject(new ZkError('SessionExpired', `session lost while waiting for lock ${this.path}`)));
      const onClosed = () => settle(() => reject(new ZkError('Closed', 'the ZooKeeper client is closed')));
      const onAbort = () => settle(() => reject(signal?.reason));
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        this.client.off('lost', onLost);
        this.client.off('closed', onClosed);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      this.client.on('lost', onLost);
      this.client.on('closed', onClosed);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) return onAbort();
      this.client.exists(path, () => settle(resolve)).then(
        (stat) => stat === undefined && settle(resolve),
        // After a connection loss, look again (the caller lists the contenders anew).
        (error: unknown) => settle(() => (isZkError(error, 'ConnectionLoss') ? resolve() : reject(error))),
      );
    });
  }

  private hold(entered: Entered): void {
    if (this.client.sessionId !== entered.sessionId) {
      throw new ZkError('SessionExpired', `session lost while acquiring lock ${this.path}`);
    }
    this.heldName = entered.name;
    this.controller = new AbortController();
    this.client.on('lost', this.onLost);
    this.client.on('closed', this.onClosed);
  }

  private unhold(): void {
    this.heldName = undefined;
    this.client.off('lost', this.onLost);
    this.client.off('closed', this.onClosed);
  }

  private readonly onLost = () => this.lose(new ZkError('SessionExpired', `lock ${this.path} was lost with its session`));

  private readonly onClosed = () => this.lose(new ZkError('Closed', `lock ${this.path} was lost: the client closed`));

  private lose(reason: ZkError): void {
    this.unhold();
    this.controller.abort(reason);
  }

  /** Deletes a contender znode; gone already, a lost session or a closed client all count as done. */
  private async leave(name: string): Promise<void> {
    try {
      await this.client.retryOnConnectionLoss(() => this.client.delete(childPath(this.path, name)));
    } catch (error) {
      if (!isZkError(error, 'NoNode', 'SessionExpired', 'Closed')) throw error;
    }
  }
}
