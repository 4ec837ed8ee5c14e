import type { ZkClient } from './client.js';
import { isZkError } from './errors.js';
import { ZkLock } from './lock.js';
import { electionPath } from './paths.js';

/**
 * A leader election under `/nodepool/elections/<name>`, built like kazoo's `Election`: the
 * leader is the holder of an exclusive lock (see lock.ts) at that path, so it interoperates
 * with kazoo contenders. One `run` at a time per object.
 */
export class ZkElection {
  private readonly lock: ZkLock;
  private cancelled: AbortController | undefined;

  constructor(client: ZkClient, name: string, identifier = '') {
    this.lock = new ZkLock(client, electionPath(name), { identifier });
  }

  /**
   * Contends until elected, then runs `onLeader` with a signal that aborts when leadership is
   * lost (the session ended, the client closed) or `cancel()` is called; `onLeader` should then
   * return. Keeps contending through session losses while waiting. Resigns (releases the lock)
   * when `onLeader` settles, then resolves true, or rethrows its error. Resolves false when
   * cancelled before being elected. Throws if this object is already running.
   */
  async run(onLeader: (signal: AbortSignal) => Promise<void>): Promise<boolean> {
    if (this.cancelled) throw new Error(`election ${this.lock.path} is already running`);
    const cancelled = new AbortController();
    this.cancelled = cancelled;
    try {
      if (!(await this.contend(cancelled.signal))) return false;
      try {
        await onLeader(AbortSignal.any([this.lock.lostSignal, cancelled.signal]));
      } finally {
        await this.lock.release();
      }
      return true;
    } finally {
      this.cancelled = undefined;
    }
  }

  /** Stops contending, or ends the current leadership (aborts the leader's signal). Idempotent. */
  cancel(): void {
    this.cancelled?.abort(new Error('election cancelled'));
  }

  /** The identifiers of all contenders, the leader first. */
  async contenders(): Promise<string[]> {
    return this.lock.contenders();
  }

  private async contend(cancelled: AbortSignal): Promise<boolean> {
    for (;;) {
      try {
        return await this.lock.acquire({ signal: cancelled });
      } catch (error) {
        if (cancelled.aborted) return false;
        if (!isZkError(error, 'SessionExpired')) throw error;
      }
    }
  }
}
