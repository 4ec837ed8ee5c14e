import type { ArmAcceptance } from '../port.js';

/** The part of a response that the SDKs' `onResponse` callbacks hand over and the driver reads. */
export interface FirstResponse {
  status: number;
  parsedBody?: unknown;
}

type OnResponse = (response: FirstResponse) => void;

/**
 * Sends the initial request of a long-running operation and returns its answer, as ONE request.
 * The SDKs' pollers (core-lro 3) send the request as soon as they are made; `submitted()` waits
 * for the answer (and rejects with the RestError of a refused request). The poller is then
 * dropped unpolled: the adapter follows the operation itself (operations.ts), one GET of the
 * resource per poll, on injected timers (the SDK's poller sleeps on the system's), reading a
 * failed VM's code from its instance view. A poller that is polled is paced like any request
 * (sdk/paced-requests.ts counts its GETs as `<action>.poll`).
 */
export async function initialRequest(start: (onResponse: OnResponse) => { submitted(): Promise<void> }): Promise<FirstResponse> {
  let first: FirstResponse | undefined;
  const poller = start((response) => {
    first ??= response;
  });
  await poller.submitted();
  return answered(first);
}

function answered(first: FirstResponse | undefined): FirstResponse {
  if (!first) throw new Error('the SDK reported no response to the initial request');
  return first;
}

/** Reads id and provisioning state from a PUT's answer, in ARM's wire shape (`properties.provisioningState`). */
export function acceptanceOf(response: FirstResponse): ArmAcceptance {
  const body = (response.parsedBody ?? {}) as { id?: unknown; properties?: { provisioningState?: unknown } };
  const state = body.properties?.provisioningState;
  return {
    status: response.status,
    ...(typeof body.id === 'string' ? { id: body.id } : {}),
    ...(typeof state === 'string' ? { provisioningState: state } : {}),
  };
}
