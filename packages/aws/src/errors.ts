import { CloudError, parseRetryAfter, type CloudErrorKind } from '@cloudpool/common';

/**
 * The kind of each AWS error code the driver meets (EC2's `<Code>` and Service Quotas'
 * `__type`; the SDK error's `name`). A code not listed is classified by its HTTP status,
 * and an unlisted client error counts as `rejected`: retried as a new launch attempt, as
 * Nodepool retries any failure (e.g. `MissingParameter`, `IdempotentParameterMismatch`, or
 * `InvalidParameterValue` for an IAM instance profile made moments ago, which EC2 does not
 * see yet). What is provably wrong for the label is `permanent`: see LAUNCH_PERMANENT_CODES.
 */
const KIND_BY_CODE: Readonly<Record<string, CloudErrorKind>> = {
  VcpuLimitExceeded: 'quota',
  InstanceLimitExceeded: 'quota',
  VolumeLimitExceeded: 'quota',
  MaxSpotInstanceCountExceeded: 'quota',

  InsufficientInstanceCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  InsufficientHostCapacity: 'capacity',
  // EC2 answers `Unsupported` when an instance type is not offered in the chosen zone now.
  Unsupported: 'capacity',

  RequestLimitExceeded: 'throttled',
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  TooManyRequestsException: 'throttled',

  'InvalidInstanceID.NotFound': 'not-found',
  'InvalidVolume.NotFound': 'not-found',
  'InvalidAMIID.NotFound': 'not-found',
  'InvalidSnapshot.NotFound': 'not-found',
  'InvalidAllocationID.NotFound': 'not-found',
  'InvalidNetworkInterfaceID.NotFound': 'not-found',
  NoSuchResourceException: 'not-found',

  // Wrong wherever it is sent: the type does not exist.
  InvalidInstanceType: 'permanent',

  AuthFailure: 'auth',
  UnauthorizedOperation: 'auth',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidClientTokenId: 'auth',
  ExpiredToken: 'auth',
  SignatureDoesNotMatch: 'auth',
  CredentialsProviderError: 'auth',

  InternalError: 'transient',
  InternalFailure: 'transient',
  Unavailable: 'transient',
  ServiceUnavailable: 'transient',
  ServiceException: 'transient',
};

/**
 * The `auth` codes by which AWS refuses the credentials themselves (an unknown or deactivated
 * access key, a wrong secret, an expired session token, none found): every call fails alike,
 * so provider health turns `auth-failing` and calls back off. `UnauthorizedOperation` and
 * `AccessDeniedException` are not among them: the credentials lack one permission.
 */
const CREDENTIALS_REFUSED_CODES: ReadonlySet<string> = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'CredentialsProviderError',
]);

/**
 * Codes by which a launch call (RunInstances, CreateFleet, AllocateHosts) says that something
 * the label names does not exist or cannot be launched: no retry of the label can succeed, so
 * they are `permanent` there (elsewhere the `not-found` ones keep that kind: a delete of
 * something gone counts as done).
 */
const LAUNCH_PERMANENT_CODES: ReadonlySet<string> = new Set([
  'InvalidAMIID.NotFound',
  'InvalidAMIID.Unavailable',
  'InvalidKeyPair.NotFound',
  'InvalidSubnetID.NotFound',
  'InvalidGroup.NotFound',
  'InvalidSnapshot.NotFound',
]);
const LAUNCH_ACTIONS: ReadonlySet<string> = new Set(['RunInstances', 'CreateFleet', 'AllocateHosts']);
/** EC2's words when RunInstances does not know the label's instance type (it answers InvalidParameterValue). */
const UNKNOWN_INSTANCE_TYPE = /^Invalid value '[^']*' for InstanceType\b/i;

/** What the SDK puts on errors that came back from the service (absent on network errors). */
interface SdkServiceError {
  name: string;
  message: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  $response?: { headers?: Record<string, string | undefined> };
}

/**
 * Maps anything an AWS SDK call threw to a CloudError, once, where the call returns. Errors
 * without a service answer (connection reset or refused, timeouts, aborts) are `transient`;
 * JavaScript's own errors (a TypeError...) are `permanent`.
 * The message carries the action, the code and AWS's message, never request parameters or
 * credentials.
 */
export function toCloudError(error: unknown, action: string): CloudError {
  if (error instanceof CloudError) return error;
  const sdk = (error ?? {}) as Partial<SdkServiceError>;
  const code = typeof sdk.name === 'string' && sdk.name !== 'Error' ? sdk.name : networkCode(error);
  const message = `${action}: ${code ?? 'error'}: ${sdk.message ?? String(error)}`;
  return new CloudError(launchPermanent(action, code, sdk.message) ? 'permanent' : kindOf(sdk, code), message, {
    action,
    code,
    credentialsRefused: code !== undefined && CREDENTIALS_REFUSED_CODES.has(code),
    retryAfterMs: parseRetryAfter(sdk.$response?.headers?.['retry-after']),
    cause: error,
  });
}

function launchPermanent(action: string, code: string | undefined, message: string | undefined): boolean {
  if (!LAUNCH_ACTIONS.has(action) || code === undefined) return false;
  return LAUNCH_PERMANENT_CODES.has(code) || (code === 'InvalidParameterValue' && UNKNOWN_INSTANCE_TYPE.test(message ?? ''));
}

function kindOf(sdk: Partial<SdkServiceError>, code: string | undefined): CloudErrorKind {
  const known = code === undefined ? undefined : KIND_BY_CODE[code];
  if (known) return known;
  // `InvalidInstanceID.Malformed`, `InvalidAMIID.Malformed`...: an id that can never exist.
  if (code?.endsWith('.Malformed')) return 'permanent';
  const status = sdk.$metadata?.httpStatusCode;
  if (sdk.$retryable?.throttling || status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'transient';
  const answered = sdk.$fault !== undefined || status !== undefined;
  if (answered) return 'rejected';
  // No answer: the network or a timeout, unless our own code broke.
  return PROGRAMMING_ERRORS.has(sdk.name ?? '') ? 'permanent' : 'transient';
}

const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/** A Node system error's code (`ECONNRESET`, `ETIMEDOUT`...), if that is what was thrown. */
function networkCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
