import { describe, expect, it } from 'vitest';
import { classifyArmError, toCloudError } from '../src/errors.js';

const restError = (statusCode: number | undefined, code: string, message = 'ARM says no', retryAfter?: string) => ({
  name: 'RestError',
  statusCode,
  code,
  message,
  request: { body: '{"adminPassword":"never-show-me"}' },
  response: { headers: { get: (name: string) => (name === 'retry-after' ? retryAfter : undefined) } },
});

describe('Azure error mapping', () => {
  it.each([
    ['OperationNotAllowed', 409, 'Operation could not be completed as it results in exceeding approved Total Regional Cores quota.', 'quota'],
    ['QuotaExceeded', 400, 'quota', 'quota'],
    ['OperationNotAllowed', 409, "Operation 'PUT' is not allowed since it is marked for deletion.", 'permanent'],
    ['SkuNotAvailable', 409, '', 'capacity'],
    ['AllocationFailed', 409, '', 'capacity'],
    ['ZonalAllocationFailed', 409, '', 'capacity'],
    ['OverconstrainedAllocationRequest', 409, '', 'capacity'],
    ['TooManyRequests', 429, '', 'throttled'],
    ['ResourceNotFound', 404, '', 'not-found'],
    ['NotFound', 404, '', 'not-found'],
    ['ResourceGroupNotFound', 404, '', 'not-found'],
    ['AuthenticationFailed', 401, '', 'auth'],
    ['AuthorizationFailed', 403, '', 'auth'],
    ['InternalServerError', 500, '', 'transient'],
    ['NicReservedForAnotherVm', 400, '', 'transient'],
    ['PublicIPAddressCannotBeDeleted', 400, '', 'transient'],
    ['PublicIPCountLimitReached', 400, '', 'quota'],
    ['StaticPublicIPCountLimitReached', 400, '', 'quota'],
    ['InvalidParameter', 400, '', 'permanent'],
    ['REQUEST_SEND_ERROR', undefined, 'connect ECONNREFUSED', 'transient'],
  ] as const)('%s (%s) is %s', (code, status, message, kind) => {
    expect(classifyArmError(code, status, message)).toBe(kind);
    expect(toCloudError(restError(status, code, message), 'test.action')).toMatchObject({ kind, code, action: 'test.action' });
  });

  it('takes retryAfterMs from Retry-After and keeps no SDK error (with its request body) as cause', () => {
    const error = toCloudError(restError(429, 'TooManyRequests', 'slow down', '7'), 'virtualMachines.list');
    expect(error).toMatchObject({ kind: 'throttled', retryAfterMs: 7_000, message: 'virtualMachines.list: slow down' });
    expect(error.cause).toBeUndefined();
  });

  it.each([
    [{ name: 'AuthenticationError', statusCode: 401, message: 'AADSTS7000215: Invalid client secret provided.' }, true],
    [{ name: 'AuthenticationError', statusCode: 429, message: 'throttled' }, false],
    [{ name: 'CredentialUnavailableError', message: 'no credential' }, true],
    [{ name: 'RestError', statusCode: 401, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' }, true],
    [{ name: 'RestError', statusCode: 403, code: 'AuthorizationFailed', message: 'does not have authorization to perform action' }, false],
  ])('tells a refusal of the credentials from other errors: %o → %s', (error, credentialsRefused) => {
    expect(toCloudError(error, 'token')).toMatchObject({ credentialsRefused });
  });

  it.each([
    [{ name: 'AuthenticationError', statusCode: 401, message: 'invalid_client' }, 'auth'],
    [{ name: 'AuthenticationError', statusCode: 429, message: 'throttled' }, 'throttled'],
    [{ name: 'AuthenticationError', statusCode: 503, message: 'down' }, 'transient'],
    [{ name: 'CredentialUnavailableError', message: 'no credential' }, 'auth'],
    [{ name: 'CredentialUnavailableError', message: 'invalid_client: Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided.' }, 'auth'],
    [{ name: 'CredentialUnavailableError', message: 'temporarily_unavailable: Error(s): 90033 - Description: AADSTS90033: A transient error has occurred.' }, 'transient'],
    [{ name: 'CredentialUnavailableError', message: 'server_error: Error(s): 50000 - Description: AADSTS50000: There was an error issuing a token.' }, 'transient'],
    // MSAL replaying a cached 503 during its throttle window.
    [{ name: 'CredentialUnavailableError', message: '90033: AADSTS90033: A transient error has occurred. Please try again.' }, 'transient'],
    [new TypeError('a bug'), 'permanent'],
  ])('maps %o to %s', (error, kind) => {
    expect(toCloudError(error, 'token')).toMatchObject({ kind });
  });
});
