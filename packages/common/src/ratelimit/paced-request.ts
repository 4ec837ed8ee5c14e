import type { CloudCallQueue } from '../driver/driver.js';
import { CloudError } from '../errors/cloud-error.js';
import type { ApiCallKind } from './api-queue-options.js';

/** One HTTP request as the transport hands it to the queue. */
export interface PacedCall {
  /** The action its stats are kept under, e.g. `DescribeInstances`, `virtualMachines.list`. */
  action: string;
  kind: ApiCallKind;
  priority?: number;
}

/** How the transport's outcome of one request reads as a cloud answer. */
export interface TransportOutcome<T> {
  /** The CloudError of a request that threw (a refused request, a network failure). */
  ofError(error: unknown): CloudError;
  /** The CloudError of an answer that came back without throwing but is a failure (e.g. a 429 response); undefined for success. */
  ofAnswer?(answer: T): CloudError | undefined;
}

/**
 * The CloudError the queue sees for one failed request, carrying what the transport produced,
 * so that the SDK above the transport gets its own answer or error back unchanged.
 */
class PacedFailure<T> extends CloudError {
  constructor(
    classified: CloudError,
    readonly outcome: { answer: T } | { error: unknown },
  ) {
    super(classified.kind, classified.message, {
      ...(classified.code === undefined ? {} : { code: classified.code }),
      ...(classified.action === undefined ? {} : { action: classified.action }),
      ...(classified.retryAfterMs === undefined ? {} : { retryAfterMs: classified.retryAfterMs }),
      credentialsRefused: classified.credentialsRefused,
      cause: classified,
    });
  }
}

/**
 * Sends ONE HTTP request through the provider's queue, where the SDK's transport sends it
 * (an AWS SDK middleware, an Azure pipeline policy, OpenStack's axios adapter): it waits for a
 * token of `call.kind`, is counted under `call.action` with its outcome, and a throttled answer
 * pauses the queue, lowers an adaptive rate and is sent again by the queue (its
 * `throttleRetries`, `RETRY_POLICY.throttledCall`). Whatever the last send produced, an answer or
 * an error, is what the caller gets, unchanged: the SDK above goes on as if unpaced (its own
 * error parsing, pagers and pollers), so each request it makes is paced and counted.
 */
export async function pacedRequest<T>(queue: CloudCallQueue, call: PacedCall, send: () => Promise<T>, outcome: TransportOutcome<T>): Promise<T> {
  try {
    return await queue.run(call, async () => {
      let answer: T;
      try {
        answer = await send();
      } catch (error) {
        throw new PacedFailure<T>(outcome.ofError(error), { error });
      }
      const failure = outcome.ofAnswer?.(answer);
      if (failure) throw new PacedFailure<T>(failure, { answer });
      return answer;
    });
  } catch (error) {
    if (!(error instanceof PacedFailure)) throw error;
    const carried = (error as PacedFailure<T>).outcome;
    if ('answer' in carried) return carried.answer;
    throw carried.error;
  }
}

/** `read` for HTTP methods that only look (GET, HEAD), `write` for any other. */
export function kindOfMethod(method: string): ApiCallKind {
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' ? 'read' : 'write';
}
