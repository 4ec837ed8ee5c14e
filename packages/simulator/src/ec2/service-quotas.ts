import type { Quotas, SimResponse } from '../core/index.js';
import { SERVICE_NAMES, SERVICE_QUOTAS, type ServiceQuotaDefinition } from './service-quota-catalog.js';

/** The `X-Amz-Target` prefix of the Service Quotas API (awsJson1_1). */
export const SERVICE_QUOTAS_TARGET_PREFIX = 'ServiceQuotasV20190624.';

/** The Service Quotas operations served (also the gate's action names). */
export const SERVICE_QUOTAS_OPERATIONS: ReadonlySet<string> = new Set(['GetServiceQuota', 'ListServiceQuotas']);

/** A Service Quotas error: its `__type` (the SDK error's `name`), message and HTTP status. */
export class ServiceQuotasError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const serviceQuotasErrors = {
  unrecognizedClient: () => new ServiceQuotasError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
  tooManyRequests: () => new ServiceQuotasError('TooManyRequestsException', 'Rate exceeded'),
  serviceException: () => new ServiceQuotasError('ServiceException', 'Something went wrong.', 500),
  unknownOperation: () => new ServiceQuotasError('UnknownOperationException', 'The requested operation is not recognized by the service.'),
  accessDenied: (accountId: string, operation: string) =>
    new ServiceQuotasError(
      'AccessDeniedException',
      `User: arn:aws:iam::${accountId}:user/cloudpool is not authorized to perform: servicequotas:${operation}`,
    ),
} as const;

export function serviceQuotasJson(status: number, value: unknown, requestId: string, errorType?: string): SimResponse {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  return { status, headers, body: JSON.stringify(value) };
}

export function serviceQuotasErrorResponse(error: ServiceQuotasError, requestId: string): SimResponse {
  return serviceQuotasJson(error.status, { __type: error.type, message: error.message }, requestId, error.type);
}

/** What answering a Service Quotas call needs. */
export interface ServiceQuotasContext {
  quotas: Quotas;
  region: string;
  accountId: string;
}

const MAX_LIST_RESULTS = 100;

/** Runs one Service Quotas operation on its JSON input; returns its JSON output or throws a `ServiceQuotasError`. */
export function runServiceQuotasOperation(operation: string, input: Record<string, unknown>, context: ServiceQuotasContext): unknown {
  const serviceCode = requiredString(input, 'ServiceCode');
  const quotas = SERVICE_QUOTAS.filter((quota) => quota.serviceCode === serviceCode);
  if (quotas.length === 0) throw noSuchResource();
  if (operation === 'GetServiceQuota') {
    const quotaCode = requiredString(input, 'QuotaCode');
    const quota = quotas.find((candidate) => candidate.quotaCode === quotaCode);
    if (!quota) throw noSuchResource();
    return { Quota: quotaJson(quota, context) };
  }
  const maxResults = optionalInteger(input, 'MaxResults') ?? MAX_LIST_RESULTS;
  if (maxResults < 1 || maxResults > MAX_LIST_RESULTS) {
    throw new ServiceQuotasError('ValidationException', `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  const quotaCode = input.QuotaCode;
  const listed = typeof quotaCode === 'string' ? quotas.filter((quota) => quota.quotaCode === quotaCode) : quotas;
  const start = typeof input.NextToken === 'string' ? decodeListToken(input.NextToken) : 0;
  const page = listed.slice(start, start + maxResults);
  const next = start + maxResults < listed.length ? Buffer.from(String(start + maxResults)).toString('base64url') : undefined;
  return { Quotas: page.map((quota) => quotaJson(quota, context)), ...(next ? { NextToken: next } : {}) };
}

function quotaJson(quota: ServiceQuotaDefinition, context: ServiceQuotasContext): Record<string, unknown> {
  return {
    ServiceCode: quota.serviceCode,
    ServiceName: SERVICE_NAMES[quota.serviceCode],
    QuotaArn: `arn:aws:servicequotas:${context.region}:${context.accountId}:${quota.serviceCode}/${quota.quotaCode}`,
    QuotaCode: quota.quotaCode,
    QuotaName: quota.quotaName,
    Value: quota.value(context.quotas),
    Unit: 'None',
    Adjustable: true,
    GlobalQuota: false,
    ...(quota.usageMetric
      ? {
          UsageMetric: {
            MetricNamespace: 'AWS/Usage',
            MetricName: 'ResourceCount',
            MetricDimensions: { Class: quota.usageMetric.class, Resource: quota.usageMetric.resource, Service: 'EC2', Type: 'Resource' },
            MetricStatisticRecommendation: 'Maximum',
          },
        }
      : {}),
    QuotaAppliedAtLevel: 'ACCOUNT',
    Description: quota.description,
  };
}

function noSuchResource(): ServiceQuotasError {
  return new ServiceQuotasError('NoSuchResourceException', 'The specified resource does not exist.');
}

function requiredString(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw new ServiceQuotasError('ValidationException', `1 validation error detected: Value at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function optionalInteger(input: Record<string, unknown>, name: string): number | undefined {
  const value = input[name];
  return typeof value === 'number' ? value : undefined;
}

function decodeListToken(token: string): number {
  const start = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new ServiceQuotasError('InvalidPaginationTokenException', 'Invalid pagination token');
  return start;
}
