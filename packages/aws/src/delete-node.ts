import { isCloudError, type TimerClock } from '@cloudpool/common';

/** TerminateInstances takes up to 1,000 ids; AWS recommends smaller batches, Nodepool sends 50. */
const MAX_TERMINATE_BATCH = 50;

export interface TerminateBatcherOptions {
  /** How long ids are gathered before a batch goes (a full batch goes at once). */
  windowMs: number;
  timers: TimerClock;
  /** One TerminateInstances for these ids; rejects with a CloudError. */
  terminate(ids: string[]): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Gathers instance terminations into TerminateInstances calls of up to 50 ids: the first id
 * opens a window of `windowMs`; the batch goes when the window closes or fills. Each caller's
 * promise settles with its own id: resolved once EC2 accepted the termination or said the
 * instance does not exist (done either way), rejected with the error of its batch otherwise.
 *
 * EC2 refuses a whole batch when one id does not exist (`InvalidInstanceID.NotFound`, naming
 * the missing ids in its message): those ids are done, and the rest is sent again without
 * them; when the message names none of them, each id is sent on its own. A batch refused as
 * `permanent` (e.g. a malformed id) is also sent again id by id, so only the bad id fails.
 */
export class TerminateBatcher {
  private pending = new Map<string, Waiter[]>();
  private timer: unknown;

  constructor(private readonly options: TerminateBatcherOptions) {}

  terminate(instanceId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(instanceId) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(instanceId, waiters);
      if (this.pending.size >= MAX_TERMINATE_BATCH) this.flush();
      else if (this.timer === undefined) this.timer = this.options.timers.setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  /** Sends everything gathered now, in batches of up to 50. */
  flush(): void {
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const gathered = this.pending;
    this.pending = new Map();
    const ids = [...gathered.keys()];
    for (let start = 0; start < ids.length; start += MAX_TERMINATE_BATCH) {
      const batch = ids.slice(start, start + MAX_TERMINATE_BATCH);
      void this.send(batch).then((failures) => {
        for (const id of batch) {
          const failure = failures.get(id);
          for (const waiter of gathered.get(id) ?? []) {
            if (failure === undefined) waiter.resolve();
            else waiter.reject(failure);
          }
        }
      });
    }
  }

  /** Terminates `ids`; returns the error of each id that failed (not-found ids are done). */
  private async send(ids: string[]): Promise<Map<string, unknown>> {
    let remaining = ids;
    while (remaining.length > 0) {
      try {
        await this.options.terminate(remaining);
        return new Map();
      } catch (error) {
        // A refused batch (one id EC2 will not terminate): find which, one call per id.
        if ((isCloudError(error, 'permanent') || isCloudError(error, 'rejected')) && remaining.length > 1) return this.sendEach(remaining);
        if (!isCloudError(error, 'not-found')) return new Map(remaining.map((id) => [id, error]));
        const missing = new Set(error.message.match(/\bi-[0-9a-f]+\b/g) ?? []);
        const rest = remaining.filter((id) => !missing.has(id));
        if (rest.length === remaining.length) return this.sendEach(remaining);
        remaining = rest;
      }
    }
    return new Map();
  }

  private async sendEach(ids: string[]): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    await Promise.all(
      ids.map(async (id) => {
        try {
          await this.options.terminate([id]);
        } catch (error) {
          if (!isCloudError(error, 'not-found')) failures.set(id, error);
        }
      }),
    );
    return failures;
  }
}
