import { AsyncLocalStorage } from 'node:async_hooks';
import type { NetworkManagementClientOptionalParams } from '@azure/arm-network';
import { CloudError, kindOfMethod, pacedRequest, parseRetryAfter, type ApiCallKind, type CloudCallQueue } from '@cloudpool/common';
import { classifyArmError, toCloudError } from '../errors.js';

/** A core-rest-pipeline policy, as the clients' `additionalPolicies` option takes it. */
type PipelinePolicy = NonNullable<NetworkManagementClientOptionalParams['additionalPolicies']>[number]['policy'];
type PipelineResponse = Awaited<ReturnType<PipelinePolicy['sendRequest']>>;

/** The port operation whose requests are being sent: which provider's queue paces them, under what action. */
export interface OperationPacing {
  queue: CloudCallQueue;
  /** The queue action of the operation's own requests, e.g. `virtualMachines.list`, `disks.delete`. */
  action: string;
  /** Whether the operation reads or writes; its requests of the other kind are counted as `<action>.poll` (an LRO's GETs). */
  kind: ApiCallKind;
}

/** The name of the policy in each client's pipeline. */
export const PACING_POLICY_NAME = 'cloudpoolPacing';

/**
 * The pacing of the port operation running now. The clients are shared by every provider with
 * the same credentials, so the policy cannot hold a queue: each operation runs in its own scope
 * (`pacedOperation`), which every request it makes, pages and poller GETs included, inherits.
 */
const operations = new AsyncLocalStorage<OperationPacing>();

/**
 * Runs one port operation; every ARM request it makes is paced by `pacing` (see pacingPolicy).
 * What it returns is awaited inside the scope: an SDK poller is a thenable whose polls start
 * when it is awaited, and they must belong to the operation too.
 */
export function pacedOperation<T>(pacing: OperationPacing, operation: () => PromiseLike<T>): Promise<T> {
  return operations.run(pacing, async () => {
    try {
      return await operation();
    } catch (error) {
      // A refusal of the credentials that no paced request saw (the token is fetched by the
      // credential's own pipeline, before the request reaches the pacing policy) still opens
      // the provider's backoff.
      const refused = toCloudError(error, pacing.action);
      if (refused.credentialsRefused) pacing.queue.heldBack?.(refused);
      throw error;
    }
  });
}

/**
 * The core-rest-pipeline policy that sends each ARM request through the queue of the operation
 * it belongs to (one queued call per request): added `perRetry`, below the SDK's retry policy
 * (off: `maxRetries: 0`, see client-registry.ts) and its redirect policy, so every request that
 * goes on the wire is paced and counted, each page of a list and each poll of a long-running
 * operation too. A read or a write by the HTTP method. An error answer is classified for the
 * queue (a 429 pauses it and is sent again, `RETRY_POLICY.throttledCall`); the SDK gets the
 * last answer unchanged. A request outside any port operation (a test's own look at the
 * simulator on these clients) is sent unpaced: the driver reaches ARM only through the port.
 */
export function pacingPolicy(): PipelinePolicy {
  return {
    name: PACING_POLICY_NAME,
    sendRequest(request, next) {
      const pacing = operations.getStore();
      if (!pacing) return next(request);
      const kind = kindOfMethod(request.method);
      const action = kind === pacing.kind ? pacing.action : `${pacing.action}.poll`;
      return pacedRequest(pacing.queue, { action, kind }, () => next(request), {
        ofError: (error) => toCloudError(error, action),
        // A HEAD's 404 is its answer (`checkExistence`: no such resource group), not a failure.
        ofAnswer: (response) => (response.status >= 400 && !(request.method === 'HEAD' && response.status === 404) ? errorOfAnswer(response, action) : undefined),
      });
    },
  };
}

/** The CloudError of an ARM error answer (`{ error: { code, message } }`), as the queue sees it. */
function errorOfAnswer(response: PipelineResponse, action: string): CloudError {
  let error: { code?: unknown; message?: unknown } = {};
  try {
    error = ((JSON.parse(response.bodyAsText ?? '{}') as { error?: typeof error }).error ?? {}) as typeof error;
  } catch {
    // Not JSON: the status alone tells.
  }
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : `HTTP ${response.status}`;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return new CloudError(classifyArmError(code, response.status, message), `${action}: ${code ?? response.status}: ${message}`, {
    action,
    code: code ?? String(response.status),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
