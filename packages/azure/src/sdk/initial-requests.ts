import type { ArmAcceptance } from '../port.js';

/** The part of a response that the SDKs' `onResponse` callbacks hand over and the driver reads. */
export interface FirstResponse {
  status: number;
  parsedBody?: unknown;
}

type OnResponse = (response: FirstResponse) => void;

/**
 * Sends the initial request of an arm-compute long-running operation and returns its answer.
 * arm-compute's poller (core-lro 3) sends the request as soon as it is made; `submitted()` waits for
 * the answer (and rejects with the RestError of a refused request). The poller is then dropped
 * unpolled: the adapter follows the operation itself, one queued GET per poll.
 */
export async function computeInitialRequest(start: (onResponse: OnResponse) => { submitted(): Promise<void> }): Promise<FirstResponse> {
  let first: FirstResponse | undefined;
  const poller = start((response) => {
    first ??= response;
  });
  await poller.submitted();
  return answered(first);
}

/**
 * Sends the initial request of an arm-network long-running operation (`begin*`, core-lro 2) and
 * returns its answer, as ONE request. `begin*` would also poll the operation once (and read the
 * resource when that poll finds it done) before resolving; the signal given to it is aborted the
 * moment the initial answer arrives, so those follow-up requests are never sent and `begin*`
 * rejects with an AbortError, which is expected and dropped. The adapter follows the operation
 * itself when the answer says it still runs.
 */
export async function networkInitialRequest(begin: (options: { onResponse: OnResponse; abortSignal: AbortSignal }) => Promise<unknown>): Promise<FirstResponse> {
  let first: FirstResponse | undefined;
  const followUps = new AbortController();
  try {
    await begin({
      abortSignal: followUps.signal,
      onResponse: (response) => {
        first ??= response;
        followUps.abort();
      },
    });
  } catch (error) {
    if (!(first && isAbortError(error))) throw error;
  }
  return answered(first);
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function answered(first: FirstResponse | undefined): FirstResponse {
  if (!first) throw new Error('the SDK reported no response to the initial request');
  return first;
}

/** Reads id and provisioning state from a PUT's answer; `flattened` for arm-network's deserialized bodies, else ARM's raw shape. */
export function acceptanceOf(response: FirstResponse, shape: 'flattened' | 'raw'): ArmAcceptance {
  const body = (response.parsedBody ?? {}) as { id?: unknown; provisioningState?: unknown; properties?: { provisioningState?: unknown } };
  const state = shape === 'flattened' ? body.provisioningState : body.properties?.provisioningState;
  return {
    status: response.status,
    ...(typeof body.id === 'string' ? { id: body.id } : {}),
    ...(typeof state === 'string' ? { provisioningState: state } : {}),
  };
}
