import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../core/index.js';
import { armEmpty, armJson } from './arm-response.js';
import type { ArmErrorBody } from './errors.js';

/** The resource provider that tracks an operation; its status URLs and bodies differ a little. */
export type OperationProvider = 'Microsoft.Compute' | 'Microsoft.Network' | 'Microsoft.Resources';

/** An asynchronous ARM operation. Its status is derived from the clock when read: no timers. */
export interface Operation {
  id: string;
  provider: OperationProvider;
  location: string;
  startedAt: number;
  /** When it finishes: succeeded, or failed (or canceled) with `failure`. */
  until: number;
  failure?: ArmErrorBody;
  canceled?: boolean;
}

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

/** Operations older than the newest this many are forgotten (their status URLs then answer 404). */
const OPERATIONS_KEPT = 100_000;

/**
 * ARM's long-running operation protocol: a PUT or DELETE answers at once with an
 * `Azure-AsyncOperation` status URL (`{"status": "InProgress"}` until done, then `Succeeded` or
 * `Failed` with an error) and, for deletes, a `Location` URL (202 until done, then 200: the answer
 * of a delete that found the resource, the one status every delete's published responses share; a
 * resource-group delete lists only 200 and 202), both with `Retry-After`. The SDK pollers follow either.
 */
export class LongRunningOperations {
  private readonly operations = new Map<string, Operation>();

  constructor(private readonly subscriptionId: string) {}

  start(provider: OperationProvider, location: string, startedAt: number, until: number, failure?: ArmErrorBody, canceled = false): Operation {
    const operation: Operation = { id: randomUUID(), provider, location, startedAt, until, ...(failure ? { failure } : {}), ...(canceled ? { canceled } : {}) };
    this.operations.set(operation.id, operation);
    if (this.operations.size > OPERATIONS_KEPT) {
      const oldest = this.operations.keys().next().value as string;
      this.operations.delete(oldest);
    }
    return operation;
  }

  get(id: string): Operation | undefined {
    return this.operations.get(id.toLowerCase());
  }

  clear(): void {
    this.operations.clear();
  }

  /** `Azure-AsyncOperation`, `Location` (with `withLocation`) and `Retry-After` for an accepted request. */
  headers(operation: Operation, baseUrl: string, apiVersion: string, retryAfterSeconds: number, withLocation: boolean): Record<string, string> {
    const headers: Record<string, string> = { 'retry-after': String(retryAfterSeconds) };
    const query = `api-version=${encodeURIComponent(apiVersion)}`;
    const { provider, location, id } = operation;
    const providerBase = `${baseUrl}/subscriptions/${this.subscriptionId}/providers/${provider}/locations/${location}`;
    // Each provider has its own URL shapes; resource groups (Microsoft.Resources) give a Location only.
    if (provider !== 'Microsoft.Resources') headers['azure-asyncoperation'] = `${providerBase}/operations/${id}?${query}`;
    if (!withLocation) return headers;
    switch (provider) {
      case 'Microsoft.Compute':
        headers.location = `${providerBase}/operations/${id}?monitor=true&${query}`;
        break;
      case 'Microsoft.Network':
        headers.location = `${providerBase}/operationResults/${id}?${query}`;
        break;
      case 'Microsoft.Resources':
        headers.location = `${baseUrl}/subscriptions/${this.subscriptionId}/operationresults/${id}?${query}`;
        break;
    }
    return headers;
  }

  status(operation: Operation, now: number): OperationStatus {
    if (now < operation.until) return 'InProgress';
    if (operation.canceled) return 'Canceled';
    return operation.failure ? 'Failed' : 'Succeeded';
  }

  /** The answer at an `Azure-AsyncOperation` URL. */
  statusAnswer(operation: Operation, now: number, retryAfterSeconds: number): SimResponse {
    const status = this.status(operation, now);
    const error = status === 'Failed' || status === 'Canceled' ? { error: operation.failure } : {};
    const body = operation.provider === 'Microsoft.Compute'
      ? {
        startTime: new Date(operation.startedAt).toISOString(),
        ...(status === 'InProgress' ? {} : { endTime: new Date(operation.until).toISOString() }),
        status,
        ...error,
        name: operation.id,
      }
      : { status, ...error };
    return armJson(200, body, status === 'InProgress' ? { 'retry-after': String(retryAfterSeconds) } : {});
  }

  /** The answer at a `Location` URL: 202 while running, then 200, or the failure as an error. */
  resultAnswer(operation: Operation, now: number, requestUrl: string, retryAfterSeconds: number): SimResponse {
    switch (this.status(operation, now)) {
      case 'InProgress':
        return armEmpty(202, { location: requestUrl, 'retry-after': String(retryAfterSeconds) });
      case 'Succeeded':
        return armEmpty(200);
      case 'Failed':
      case 'Canceled':
        return armJson(409, { error: operation.failure });
    }
  }
}
