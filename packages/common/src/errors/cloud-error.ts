/**
 * The typed error taxonomy at the cloud boundary. Every driver maps its cloud's errors to one
 * of these kinds exactly once, where the SDK or HTTP call returns; the framework decides what
 * to do from the kind alone and never parses cloud messages.
 *
 * | kind        | meaning                                                  | retried by the framework            |
 * |-------------|----------------------------------------------------------|-------------------------------------|
 * | throttled   | the cloud asked us to slow down (429, RequestLimitExceeded) | yes, after `retryAfterMs`, queue slows |
 * | transient   | 5xx, timeout, connection reset: the same call may succeed | yes, on a budget                    |
 * | quota       | a cloud quota would be exceeded                           | not as a failure: node `aborted`, pool paused |
 * | capacity    | the cloud has no capacity for this request now            | yes, as a launch retry              |
 * | not-found   | the object does not exist                                 | no; for deletes it counts as done   |
 * | auth        | credentials rejected or expired                           | no (a driver may renew a token once) |
 * | rejected    | the cloud refused the request (a client error) without it being provably wrong for good | not as the same call; a launch retries it as a new attempt (Nodepool retries any failure) |
 * | permanent   | the request is wrong and will stay wrong (e.g. the label names an image that does not exist) | no: the launch fails at once |
 */
export type CloudErrorKind = 'throttled' | 'transient' | 'quota' | 'capacity' | 'not-found' | 'auth' | 'rejected' | 'permanent';

export interface CloudErrorOptions {
  /** The cloud's own error code or HTTP status, e.g. `VcpuLimitExceeded`, `429`. */
  code?: string;
  /** The API action that failed, e.g. `RunInstances`, `virtualMachines.beginCreateOrUpdate`. */
  action?: string;
  /** How long the cloud asked us to wait before calling again. */
  retryAfterMs?: number;
  /**
   * Set on an `auth` error by which the cloud refused the provider's credentials themselves
   * (a wrong password or secret, an unknown access key, a disabled user), as opposed to a
   * permission the credentials lack for one action. Provider health turns `auth-failing` on
   * it and backs off (`RETRY_POLICY.refusedCredentials`).
   */
  credentialsRefused?: boolean;
  cause?: unknown;
}

export class CloudError extends Error {
  readonly kind: CloudErrorKind;
  readonly code: string | undefined;
  readonly action: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** See `CloudErrorOptions.credentialsRefused`; always false unless the kind is `auth`. */
  readonly credentialsRefused: boolean;

  constructor(kind: CloudErrorKind, message: string, options: CloudErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CloudError';
    this.kind = kind;
    this.code = options.code;
    this.action = options.action;
    this.retryAfterMs = options.retryAfterMs;
    this.credentialsRefused = kind === 'auth' && options.credentialsRefused === true;
  }

  /** Whether repeating the same call later may succeed (throttled, transient, capacity). */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient' || this.kind === 'capacity';
  }
}

export function isCloudError(error: unknown, kind?: CloudErrorKind): error is CloudError {
  return error instanceof CloudError && (kind === undefined || error.kind === kind);
}

/**
 * Parses an HTTP `Retry-After` header (delta seconds or an HTTP date) into milliseconds.
 * Returns undefined when absent or unparsable; never a negative number.
 */
export function parseRetryAfter(value: string | null | undefined, now: () => number = Date.now): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}
