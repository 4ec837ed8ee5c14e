import type { NetworkManagementClientOptionalParams } from '@azure/arm-network';

/** A core-rest-pipeline policy, as the clients' `additionalPolicies` option takes it. */
type PipelinePolicy = NonNullable<NetworkManagementClientOptionalParams['additionalPolicies']>[number]['policy'];

/** How long one HTTP request to ARM may take, as in Nodepool's Azure driver (and cloudpool's AWS and OpenStack clients). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * A core-rest-pipeline policy giving every request the SDK sends a `timeout` (ms), unless the
 * caller set one: the pipeline's HTTP client aborts a request that has not completed by then,
 * and the call fails (a `transient` CloudError once mapped). Without it, one stalled connection
 * could hang the shared VM listing, and every create and delete waiting on it, for ever.
 */
export function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'cloudpoolRequestTimeout',
    sendRequest(request, next) {
      if (!request.timeout) request.timeout = timeoutMs;
      return next(request);
    },
  };
}
