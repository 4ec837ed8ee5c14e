import { randomUUID } from 'node:crypto';
import { json, type SimResponse } from '../core/index.js';

/**
 * An error of the AAD (Entra ID) token endpoint in its OAuth format, e.g. `invalid_client` with
 * `AADSTS7000215: Invalid client secret provided...`. MSAL surfaces `error`, the AADSTS code and
 * the description to the caller.
 */
export function aadErrorResponse(
  status: number,
  error: string,
  aadstsCode: number,
  description: string,
  headers: Record<string, string> = {},
): SimResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${aadstsCode}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [aadstsCode],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadstsCode}`,
  }, { 'cache-control': 'no-store, no-cache', ...headers });
}
