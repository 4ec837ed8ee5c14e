import { randomUUID } from 'node:crypto';
import type { SimRequest } from '../core/index.js';
import { ApiError } from './errors.js';

/** Small helpers for the wire format shared by the OpenStack services. */

/** A resource id as Nova, Neutron, Glance and Cinder make them (a UUID). */
export function newUuid(): string {
  return randomUUID();
}

/** A Keystone id (32 hex digits). */
export function newHexId(): string {
  return randomUUID().replace(/-/g, '');
}

const formattedSeconds = new Map<number, string>();

/**
 * `2013-09-03T04:01:32Z`, as Nova, Neutron and Glance write times. Memoised: large listings
 * format the same few thousand instants on every page.
 */
export function isoSeconds(ms: number): string {
  const second = Math.floor(ms / 1000);
  let text = formattedSeconds.get(second);
  if (text === undefined) {
    if (formattedSeconds.size >= 100_000) formattedSeconds.clear();
    text = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    formattedSeconds.set(second, text);
  }
  return text;
}

/** `2013-09-23T13:37:00.880000`, as Nova's `launched_at` and Cinder's `created_at` (no zone). */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000');
}

/** `2015-11-07T02:58:43.578000Z`, as Keystone writes `expires_at`. */
export function isoMicrosZulu(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** The request body as JSON; an empty body is `{}`. Malformed JSON is a 400. */
export function readJson(request: SimRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    throw new ApiError(400, 'Malformed request body');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `record[key]` when it is a string. */
export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

/** The object under `key` of a request body such as `{"server": {...}}`, or a 400. */
export function requireMember(body: unknown, key: string): Record<string, unknown> {
  const member = isRecord(body) ? body[key] : undefined;
  if (!isRecord(member)) throw new ApiError(400, `Invalid input: '${key}' is a required property`);
  return member;
}

/** A `{string: string}` map such as server or volume metadata, or a 400 naming `field`. */
export function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new ApiError(400, `Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${JSON.stringify(value)} is not of type 'object'`);
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new ApiError(400, `Invalid input for field/attribute ${key}. Value: ${JSON.stringify(item)}. ${JSON.stringify(item)} is not of type 'string'`);
    }
    if (key.length < 1 || key.length > 255 || item.length > 255) {
      throw new ApiError(400, `Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. Keys and values must be 1 to 255 characters`);
    }
    result[key] = item;
  }
  return result;
}

/**
 * The page size of a list call: `limit` when given (a non-negative integer, else a 400),
 * capped at `maxPageSize` as every service caps it.
 */
export function pageLimit(query: URLSearchParams, maxPageSize: number): number {
  const text = query.get('limit');
  if (text === null) return maxPageSize;
  if (!/^\d+$/.test(text)) throw new ApiError(400, 'limit param must be an integer');
  return Math.min(Number(text), maxPageSize);
}

/**
 * The `next` link of a page. Nova, Neutron, Cinder and Glance add one whenever the page is
 * full (`items === limit`), even if nothing follows: clients stop on a short or empty page.
 */
export function nextPageHref(collectionUrl: string, query: URLSearchParams, marker: string): string {
  const params = new URLSearchParams(query);
  params.set('marker', marker);
  return `${collectionUrl}?${params.toString()}`;
}
