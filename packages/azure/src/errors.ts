import { CloudError, type CloudErrorKind, isCloudError, parseRetryAfter } from '@cloudpool/common';

/** Compute answers a quota refusal as `OperationNotAllowed` with this in its message (other refusals share the code). */
const QUOTA_TEXT = /quota/i;

/** Azure has no capacity for the request now; another attempt (or size, or zone) may succeed. */
const CAPACITY_CODES = new Set([
  'SkuNotAvailable',
  'AllocationFailed',
  'ZonalAllocationFailed',
  'OverconstrainedAllocationRequest',
  'OverconstrainedZonalAllocationRequest',
]);

/** Microsoft.Network's refusals of one more public IP in the region: quota, like Compute's. */
const NETWORK_QUOTA_CODES = new Set(['PublicIPCountLimitReached', 'StaticPublicIPCountLimitReached']);

const NOT_FOUND_CODES = new Set(['ResourceNotFound', 'NotFound', 'ResourceGroupNotFound']);

const AUTH_CODES = new Set([
  'AuthenticationFailed',
  'AuthorizationFailed',
  'LinkedAuthorizationFailed',
  'InvalidAuthenticationToken',
  'InvalidAuthenticationTokenAudience',
  'ExpiredAuthenticationToken',
]);

/**
 * The ARM codes of a token ARM does not take (forged, expired, for another audience): the
 * credentials themselves are refused, as by AAD. `AuthorizationFailed` and
 * `LinkedAuthorizationFailed` are a permission the principal lacks, not a refusal.
 */
const CREDENTIALS_REFUSED_CODES = new Set(['AuthenticationFailed', 'InvalidAuthenticationToken', 'InvalidAuthenticationTokenAudience', 'ExpiredAuthenticationToken']);

/**
 * Conditions that pass by themselves: a NIC stays reserved for its deleted (or refused) VM for a
 * while (`NicReservedForAnotherVm`), a public IP cannot be deleted while its NIC still uses it
 * (`PublicIPAddressCannotBeDeleted`). The same call succeeds later.
 */
export const RETRY_LATER_CODES = new Set(['NicReservedForAnotherVm', 'PublicIPAddressCannotBeDeleted']);

/** What the Azure SDKs throw: `RestError` (ARM), `AuthenticationError` (AAD), both with an HTTP status when there was an answer. */
interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { headers?: { get?(name: string): string | undefined } };
}

/**
 * The kind of an ARM error code (with its HTTP status when there was one). The code decides
 * before the status, except that 429 is always `throttled`. Without a status (the request never
 * got an answer) the error is `transient`.
 */
export function classifyArmError(code: string | undefined, status: number | undefined, message = ''): CloudErrorKind {
  if (status === 429 || code === 'TooManyRequests') return 'throttled';
  if (code !== undefined) {
    if (code === 'QuotaExceeded' || NETWORK_QUOTA_CODES.has(code) || (code === 'OperationNotAllowed' && QUOTA_TEXT.test(message))) return 'quota';
    if (CAPACITY_CODES.has(code)) return 'capacity';
    if (NOT_FOUND_CODES.has(code)) return 'not-found';
    if (AUTH_CODES.has(code)) return 'auth';
    if (RETRY_LATER_CODES.has(code)) return 'transient';
  }
  if (status === undefined) return 'transient';
  if (status === 404) return 'not-found';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'transient';
  return 'permanent';
}

/** The kind of an AAD (token endpoint) failure: AAD's own throttling and outages are not credential problems. */
function classifyAuthenticationError(status: number | undefined): CloudErrorKind {
  if (status === 429) return 'throttled';
  if (status === undefined || status >= 500) return 'transient';
  return 'auth';
}

/**
 * AAD answers that mean "try again later", as @azure/identity's client-secret credential reports
 * them: a CredentialUnavailableError with no status whose message names the OAuth error
 * (Microsoft identity platform error codes `temporarily_unavailable`, `server_error`), e.g. for a
 * 503 from the token endpoint; and, while MSAL replays such an answer from its throttling cache
 * (it keeps a 429 or 5xx for its Retry-After, 60 s without one, and asks AAD nothing meanwhile),
 * a message that starts with the bare AADSTS codes (`90033: AADSTS90033: ...`). Credential
 * problems (4xx: `invalid_client`, `unauthorized_client`, `invalid_tenant`) are never cached
 * that way and always name their OAuth error.
 */
const TRANSIENT_OAUTH_ERROR = /\b(temporarily_unavailable|server_error)\b|^\d+(?: \d+)*: AADSTS\d+/;

/** The kind of a credential that yielded no token: an AAD outage is transient, anything else a credential problem. */
function classifyCredentialError(message: string): CloudErrorKind {
  return TRANSIENT_OAUTH_ERROR.test(message) ? 'transient' : 'auth';
}

/**
 * Maps whatever an Azure SDK call threw to a CloudError, once, at the SDK boundary. The SDK error
 * is not kept as `cause`: it holds the request, whose body may carry secrets (an admin password).
 * Messages are ARM's or AAD's own, which never repeat credentials.
 */
export function toCloudError(error: unknown, action: string): CloudError {
  if (isCloudError(error)) return error;
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const message = sdk.message ?? String(error);
  const status = typeof sdk.statusCode === 'number' ? sdk.statusCode : undefined;
  const retryAfterMs = parseRetryAfter(sdk.response?.headers?.get?.('retry-after'));
  const options = { action, code: sdk.code ?? (status === undefined ? undefined : String(status)), retryAfterMs };
  switch (sdk.name) {
    case 'RestError':
      return new CloudError(classifyArmError(sdk.code, status, message), `${action}: ${message}`, {
        ...options,
        credentialsRefused: sdk.code !== undefined && CREDENTIALS_REFUSED_CODES.has(sdk.code),
      });
    case 'AuthenticationError':
      // AAD's refusal of the principal (`AADSTS7000215` a wrong secret, `AADSTS700016` an unknown client...).
      return new CloudError(classifyAuthenticationError(status), `${action}: authentication failed: ${message}`, { ...options, credentialsRefused: true });
    case 'CredentialUnavailableError':
    case 'AuthenticationRequiredError':
      // Refused credentials only when the classification says auth (an AAD outage is transient).
      return new CloudError(classifyCredentialError(message), `${action}: no usable Azure credential: ${message}`, { ...options, credentialsRefused: true });
    case 'AbortError':
      return new CloudError('transient', `${action}: aborted`, options);
    default:
      return new CloudError('permanent', `${action}: unexpected error: ${message}`, options);
  }
}

/** Runs one SDK call and maps its failure (see `toCloudError`). */
export async function mapped<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toCloudError(error, action);
  }
}
