import { randomUUID } from 'node:crypto';
import { json, type SimResponse } from '../core/index.js';

/** The headers every ARM answer carries: request and correlation ids. */
function armHeaders(extra: Record<string, string>): Record<string, string> {
  const requestId = randomUUID();
  return { 'x-ms-request-id': requestId, 'x-ms-correlation-request-id': requestId, ...extra };
}

/** An ARM answer with a JSON body. */
export function armJson(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return json(status, body, armHeaders(headers));
}

/** An ARM answer without a body (202 Accepted, 204 No Content). */
export function armEmpty(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: armHeaders(headers) };
}
