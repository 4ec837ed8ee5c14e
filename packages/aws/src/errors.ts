import { CloudError, parseRetryAfter, type CloudErrorKind } from '@cloudpool/common';

/**
 * The kind of each AWS error code the driver meets (EC2's `<Code>` and Service Quotas'
 * `__type`; the SDK error's `name`). A code not listed is classified by its HTTP status,
 * and otherwise counts as `permanent` (e.g. `InvalidParameterValue`, `InvalidInstanceType`,
 * `IdempotentParameterMismatch`).
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

  AuthFailure: 'auth',
  UnauthorizedOperation: 'auth',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidClientTokenId: 'auth',
  ExpiredToken: 'auth',
  CredentialsProviderError: 'auth',

  InternalError: 'transient',
  InternalFailure: 'transient',
  Unavailable: 'transient',
  ServiceUnavailable: 'transient',
  ServiceException: 'transient',
};

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
  return new CloudError(kindOf(sdk, code), message, {
    action,
    code,
    retryAfterMs: parseRetryAfter(sdk.$response?.headers?.['retry-after']),
    cause: error,
  });
}

function kindOf(sdk: Partial<SdkServiceError>, code: string | undefined): CloudErrorKind {
  const known = code === undefined ? undefined : KIND_BY_CODE[code];
  if (known) return known;
  const status = sdk.$metadata?.httpStatusCode;
  if (sdk.$retryable?.throttling || status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'transient';
  const answered = sdk.$fault !== undefined || status !== undefined;
  if (answered) return 'permanent';
  // No answer: the network or a timeout, unless our own code broke.
  return PROGRAMMING_ERRORS.has(sdk.name ?? '') ? 'permanent' : 'transient';
}

const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/** A Node system error's code (`ECONNRESET`, `ETIMEDOUT`...), if that is what was thrown. */
function networkCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
