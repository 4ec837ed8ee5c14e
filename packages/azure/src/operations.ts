import { CloudError, isCloudError, mayRetry, RETRY_POLICY, type TimerClock } from '@cloudpool/common';
import { classifyArmError } from './errors.js';
import type { ArmResourceRef } from './names.js';
import type { ArmAcceptance, ArmCollection, AzurePort, ProvisioningSnapshot } from './port.js';

export interface OperationSettings {
  /** Ms between two polls of a running operation. */
  pollIntervalMs: number;
  /** Ms after which a still running operation is given up (a `transient` CloudError). */
  timeoutMs: number;
  /** Waits between polls (and the time the timeout is measured on). */
  timers: TimerClock;
}

const ENDED = new Set(['Succeeded', 'Failed', 'Canceled']);

/** The abort reason as a CloudError (the framework aborts with one; anything else becomes `transient`). */
function abortError(signal: AbortSignal): CloudError {
  const reason: unknown = signal.reason;
  return isCloudError(reason) ? reason : new CloudError('transient', 'aborted before the cloud call', { cause: reason });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

function sleep(timers: TimerClock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      timers.clearTimeout(handle);
      reject(abortError(signal!));
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends ARM writes and follows the long-running operations they start (every request paced by
 * the port). Following does not use the SDKs' pollers: each poll is ONE GET of the resource,
 * whose provisioning state ARM keeps in step with the operation (`Creating`/`Updating`/`Deleting`
 * until it ends; a deleted resource answers 404), every `pollIntervalMs` on injected timers. So a
 * failed VM tells its failure code in its instance view rather than in the text of a poller's
 * error, and a delete whose answer says it is done costs no poll at all. Polls that fail
 * retryably (throttled, transient) are repeated, `RETRY_POLICY.failedPoll` in a row at most.
 */
export class ArmOperations {
  constructor(
    private readonly port: AzurePort,
    private readonly settings: OperationSettings,
  ) {}

  /** Sends a PUT (one write, `send`); resolves with ARM's acceptance, the operation possibly still running. */
  put(send: () => Promise<ArmAcceptance>, signal?: AbortSignal): Promise<ArmAcceptance> {
    throwIfAborted(signal);
    return send();
  }

  /** Reads a resource once (one read); undefined when it is not there. */
  async read(collection: ArmCollection, ref: ArmResourceRef, signal?: AbortSignal): Promise<ProvisioningSnapshot | undefined> {
    throwIfAborted(signal);
    try {
      return await this.port.readProvisioning(collection, ref.resourceGroup, ref.name);
    } catch (error) {
      if (isCloudError(error, 'not-found')) return undefined;
      throw error;
    }
  }

  /** Waits until an accepted PUT has ended; rejects with its failure unless it succeeded. */
  async untilProvisioned(collection: ArmCollection, ref: ArmResourceRef, accepted: ArmAcceptance, signal?: AbortSignal): Promise<void> {
    let snapshot: ProvisioningSnapshot = { provisioningState: accepted.provisioningState };
    if (!ENDED.has(snapshot.provisioningState ?? '')) {
      for await (const polled of this.polls(collection, ref, signal)) {
        if (!polled) throw new CloudError('not-found', `${collection} ${ref.name} vanished while being provisioned`, { action: `${collection}.get` });
        snapshot = polled;
        if (ENDED.has(snapshot.provisioningState ?? '')) break;
      }
    }
    if (snapshot.provisioningState !== 'Succeeded') throw provisioningError(collection, ref, snapshot);
  }

  /** Deletes a resource (one write) and waits until it is gone. A resource that is not there counts as deleted. */
  async delete(collection: ArmCollection, ref: ArmResourceRef, signal?: AbortSignal): Promise<void> {
    const accepted = await this.startDelete(collection, ref, signal);
    if (accepted?.status !== 202) return;
    for await (const polled of this.polls(collection, ref, signal)) {
      if (!polled) return;
    }
  }

  /**
   * Sends a resource's DELETE (one write) and resolves with ARM's acceptance, the
   * operation possibly still running (202); undefined when the resource was not there.
   */
  async startDelete(collection: ArmCollection, ref: ArmResourceRef, signal?: AbortSignal): Promise<ArmAcceptance | undefined> {
    throwIfAborted(signal);
    try {
      return await this.port.deleteResource(collection, ref.resourceGroup, ref.name);
    } catch (error) {
      if (isCloudError(error, 'not-found')) return undefined;
      throw error;
    }
  }

  /** Polls the resource every `pollIntervalMs` until the caller stops; yields undefined once it is gone. */
  private async *polls(collection: ArmCollection, ref: ArmResourceRef, signal: AbortSignal | undefined): AsyncGenerator<ProvisioningSnapshot | undefined> {
    const { timers, pollIntervalMs, timeoutMs } = this.settings;
    const action = `${collection}.get`;
    const deadline = timers.now() + timeoutMs;
    let failedInARow = 0;
    let wait = pollIntervalMs;
    for (;;) {
      if (timers.now() >= deadline) {
        throw new CloudError('transient', `${collection} ${ref.name}: operation still running after ${timeoutMs} ms`, { action });
      }
      await sleep(timers, wait, signal);
      let snapshot: ProvisioningSnapshot | undefined;
      try {
        snapshot = await this.port.readProvisioning(collection, ref.resourceGroup, ref.name);
        failedInARow = 0;
        wait = pollIntervalMs;
      } catch (error) {
        if (!isCloudError(error, 'not-found')) {
          if (!mayRetry(RETRY_POLICY.failedPoll, error, failedInARow++)) throw error;
          wait = Math.max(pollIntervalMs, error.retryAfterMs ?? 0);
          continue;
        }
      }
      yield snapshot;
    }
  }
}

/**
 * The CloudError of a provisioning that ended otherwise than `Succeeded`. A failure code found in
 * the resource (e.g. `AllocationFailed`) is classified like a synchronous error; an unknown or
 * missing one is `transient`: Azure's asynchronous failures are mostly worth another attempt.
 */
function provisioningError(collection: ArmCollection, ref: ArmResourceRef, snapshot: ProvisioningSnapshot): CloudError {
  const { failure } = snapshot;
  const action = `${collection}.createOrUpdate`;
  const state = snapshot.provisioningState ?? 'unknown';
  if (!failure) return new CloudError('transient', `${collection} ${ref.name}: provisioning ended ${state}`, { action });
  return new CloudError(classifyArmError(failure.code, undefined, failure.message), `${collection} ${ref.name}: ${failure.code}: ${failure.message}`, {
    action,
    code: failure.code,
  });
}
