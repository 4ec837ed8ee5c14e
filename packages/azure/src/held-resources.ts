import { isCloudError, type TimerClock } from '@cloudpool/common';
import { RETRY_LATER_CODES } from './errors.js';
import type { ArmResourceRef } from './names.js';
import type { ArmOperations } from './operations.js';
import type { ArmCollection } from './port.js';

/**
 * How long a delete of a resource Azure still holds is retried. Azure keeps a NIC reserved for
 * the VM it was meant for (created and deleted, or refused for quota or capacity) for 180 s, and
 * a public IP in use until that NIC is gone; a little more than that covers both.
 */
export const HELD_RESOURCE_PATIENCE_MS = 240_000;

/** Wait between two tries when ARM's message names none. */
const DEFAULT_RETRY_MS = 10_000;

export interface HeldDeleteContext {
  operations: ArmOperations;
  timers: TimerClock;
  /** Aborting stops the waiting (the last error is thrown). */
  signal?: AbortSignal;
  /** Default `HELD_RESOURCE_PATIENCE_MS`. */
  patienceMs?: number;
}


/**
 * Deletes a resource to completion, trying again while Azure answers that it still holds it
 * (`NicReservedForAnotherVm`, a public IP still in use), after the wait ARM's message names
 * ("retry after N seconds") or 10 s, until the patience has run out; then, or on any other
 * error, throws the last error. A resource that is not there counts as deleted.
 */
export async function deleteOnceReleased(context: HeldDeleteContext, collection: ArmCollection, ref: ArmResourceRef): Promise<void> {
  const { timers, signal, operations } = context;
  const deadline = timers.now() + (context.patienceMs ?? HELD_RESOURCE_PATIENCE_MS);
  for (;;) {
    try {
      await operations.delete(collection, ref);
      return;
    } catch (error) {
      if (!isCloudError(error) || !RETRY_LATER_CODES.has(error.code ?? '')) throw error;
      const wait = Math.min(retryAfterOf(error.message), deadline - timers.now());
      if (wait <= 0 || signal?.aborted) throw error;
      if (!(await sleep(timers, wait, signal))) throw error;
    }
  }
}

/** The wait an ARM message asks for ("... retry after 175 seconds ..."), in ms. */
function retryAfterOf(message: string): number {
  const seconds = /retry after (\d+) seconds?/i.exec(message)?.[1];
  return seconds === undefined ? DEFAULT_RETRY_MS : Math.max(1, Number(seconds)) * 1000;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(timers: TimerClock, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const onAbort = () => {
      timers.clearTimeout(handle);
      resolve(false);
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
