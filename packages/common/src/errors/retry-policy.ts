import { isCloudError, type CloudError, type CloudErrorKind } from './cloud-error.js';

/** One layer of retries: how many repeats, of which error kinds, after what wait. */
export interface RetryLayer {
  /** Repeats after the first try (so `retries + 1` tries at most). */
  retries: number;
  /** The CloudError kinds this layer repeats; any other error goes up at once. */
  on: readonly CloudErrorKind[];
  /** What the layer waits before a repeat. */
  backoff: string;
}

/**
 * cloudpool's one retry policy: which CloudError kinds are repeated, how often and after what
 * wait, at each layer between one HTTP request and one node. Nothing else in the code base
 * counts retries of cloud calls; every layer reads its budget from here.
 *
 * Layers, innermost first:
 * - `throttledCall`: a throttled answer is sent again by the provider's ApiQueue, 8 times at
 *   most, after the cloud's Retry-After (else the queue's `throttlePauseMs`, 1 s); the whole
 *   queue pauses meanwhile and an adaptive rate slows down. The queue sees each HTTP request
 *   where the SDK sends it (`pacedRequest`), so this layer repeats one request, never a whole
 *   listing or operation. The SDKs' own retries are off (AWS `maxAttempts: 1`, ARM
 *   `maxRetries: 0`; OpenStack has no SDK): no layer hides inside them.
 * - `reauthentication`: an `auth` answer of an OpenStack call makes the Keystone session forget
 *   its token; the call is sent once more with a new one.
 * - `createSend`: one attempt's create (AWS RunInstances) is sent again at once, with the same
 *   idempotency token, when it fails transiently or its answer is lost: 3 sends at most.
 * - `failedPoll`: a running ARM operation (Azure) is given up after 3 failed polls in a row,
 *   each after the poll interval or the cloud's Retry-After.
 * - `repeatedStep`: a repeatable step of a node state machine (a poll, a listing) that fails
 *   retryably is tried again on the next provider-loop tick, 20 times in a row at most.
 * - `refusedCredentials`: once the cloud refused a provider's credentials (a CloudError with
 *   `credentialsRefused`), none of the provider's calls is sent for 10 s, doubling with each
 *   further refusal up to 10 min; then one call tries again (`ProviderHealthMonitor`, and per
 *   set of credentials the Keystone session). A wrong password costs a handful of refused
 *   logins an hour, not one a second (accounts with lockout would be locked in seconds).
 * - `launch-retries` (a provider's config, default 3): attempts at one node, each with a new
 *   attempt number after the failed attempt's resources were deleted. A quota error is not a
 *   failed attempt (the node is aborted and the pool pauses).
 *
 * Worst case of one node's create: `worstCaseCreateSends(launchRetries)` sends of its create
 * request, i.e. launch-retries × 3 sends × (1 + 8) throttled repeats × (1 + 1) authentications
 * = 54 × launch-retries: 162 with the default of 3 attempts. That bound holds for every driver;
 * per driver it is lower: AWS 81 (no re-authentication), OpenStack 54 and Azure 27 (one create
 * send per attempt).
 */
export const RETRY_POLICY = {
  throttledCall: {
    retries: 8,
    on: ['throttled'],
    backoff: "the cloud's Retry-After, else the queue's throttlePauseMs (1 s); the whole queue pauses",
  },
  reauthentication: { retries: 1, on: ['auth'], backoff: 'none: a new token first' },
  createSend: { retries: 2, on: ['transient'], backoff: 'none: the same idempotency token makes the repeat safe' },
  failedPoll: { retries: 2, on: ['throttled', 'transient'], backoff: "the poll interval, or the cloud's Retry-After if longer" },
  repeatedStep: { retries: 20, on: ['throttled', 'transient'], backoff: 'the next provider-loop tick (250 ms by default)' },
} as const satisfies Record<string, RetryLayer>;

/** How long no call is sent after the cloud refused the credentials (see RETRY_POLICY's `refusedCredentials`). */
export const REFUSED_CREDENTIALS_BACKOFF = { firstMs: 10_000, maxMs: 10 * 60_000 } as const;

/** The wait after `refusals` refusals in a row (1 for the first): 10 s, 20 s, 40 s ... 10 min. */
export function refusedCredentialsWaitMs(refusals: number): number {
  const { firstMs, maxMs } = REFUSED_CREDENTIALS_BACKOFF;
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, refusals - 1));
}

/** The default of a provider's `launch-retries` (attempts per node), as in Nodepool. */
export const DEFAULT_LAUNCH_RETRIES = 3;

/** Whether `layer` repeats a call that failed with `error`, after `repeats` repeats so far. */
export function mayRetry(layer: RetryLayer, error: unknown, repeats: number): error is CloudError {
  return isCloudError(error) && layer.on.includes(error.kind) && repeats < layer.retries;
}

/** The most sends of one node's create request (see RETRY_POLICY), for `launchRetries` attempts. */
export function worstCaseCreateSends(launchRetries = DEFAULT_LAUNCH_RETRIES): number {
  const { createSend, throttledCall, reauthentication } = RETRY_POLICY;
  return launchRetries * (createSend.retries + 1) * (throttledCall.retries + 1) * (reauthentication.retries + 1);
}
