import { CloudError, parseRetryAfter, type CloudErrorKind } from '@cloudpool/common';
import { isQuotaMessage } from './error-messages.js';

/** What an HTTP answer looked like: only what classification needs, never the request. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
}

/**
 * The one mapping of an OpenStack HTTP error to a CloudError:
 * - a quota message (Nova's 403 "Quota exceeded for cores", Neutron's 409 OverQuota, Cinder's
 *   413 VolumeLimitExceeded) → `quota`, whatever the status;
 * - 413 / 429 → `throttled`, with `Retry-After` (header, or Nova's `retryAfter` in the body);
 * - 401 → `auth` (the caller renews its token once before giving up);
 * - 404 → `not-found`;
 * - 409 "No more IP addresses available" → `capacity`; other 409 (a state conflict) → `transient`;
 * - 5xx → `transient`; any other 4xx → `permanent`.
 * The message holds the action, status and the service's own message; never a header or body
 * of the request (tokens, passwords).
 */
export function cloudErrorFromAnswer(action: string, answer: HttpAnswer, now: () => number = Date.now): CloudError {
  const serviceMessage = messageOf(answer.data);
  const message = `${action} failed with HTTP ${answer.status}${serviceMessage ? `: ${serviceMessage}` : ''}`;
  const code = String(answer.status);
  const kind = classify(answer.status, serviceMessage);
  if (kind === 'throttled') {
    const retryAfterMs = parseRetryAfter(headerText(answer.headers['retry-after']) ?? retryAfterInBody(answer.data), now);
    return new CloudError(kind, message, { action, code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  return new CloudError(kind, message, { action, code });
}

/** A request that got no answer (refused, reset, timed out) is `transient`; only the error code is kept. */
export function cloudErrorFromNetworkFailure(action: string, error: unknown): CloudError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  return new CloudError('transient', `${action} got no answer${code ? ` (${code})` : ''}`, { action, ...(code ? { code } : {}) });
}

function classify(status: number, message: string): CloudErrorKind {
  if (status >= 400 && status < 500 && isQuotaMessage(message)) return 'quota';
  if (status === 413 || status === 429) return 'throttled';
  if (status === 401) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409) return /no more ip addresses available/i.test(message) ? 'capacity' : 'transient';
  if (status >= 500) return 'transient';
  return 'permanent';
}

/**
 * The service's message: Nova and Cinder `{"itemNotFound": {"message"}}`, Neutron
 * `{"NeutronError": {"message"}}`, Keystone `{"error": {"message"}}`, Glance's HTML page (text only).
 */
function messageOf(data: unknown): string {
  if (typeof data === 'string') return squeeze(data.replace(/<[^>]*>/g, ' ')).slice(0, 500);
  if (typeof data !== 'object' || data === null) return '';
  for (const value of Object.values(data as Record<string, unknown>)) {
    if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
      return squeeze((value as { message: string }).message).slice(0, 500);
    }
  }
  return '';
}

function retryAfterInBody(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  for (const value of Object.values(data as Record<string, unknown>)) {
    const retryAfter = (value as { retryAfter?: unknown } | null)?.retryAfter;
    if (typeof retryAfter === 'string' || typeof retryAfter === 'number') return String(retryAfter);
  }
  return undefined;
}

function headerText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
