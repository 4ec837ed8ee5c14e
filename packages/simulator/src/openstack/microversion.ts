import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors.js';

/** A negotiated API microversion such as compute 2.52. */
export class ApiVersion {
  constructor(
    readonly major: number,
    readonly minor: number,
  ) {}

  /** Whether this version is `version` (a literal such as `'2.52'`, or another version) or later. */
  atLeast(version: string | ApiVersion): boolean {
    const other = typeof version === 'string' ? apiVersion(version) : version;
    return this.major > other.major || (this.major === other.major && this.minor >= other.minor);
  }

  toString(): string {
    return `${this.major}.${this.minor}`;
  }
}

/** The microversions one service supports and the headers it reads them from. */
export interface MicroversionPolicy {
  /** The service type in `OpenStack-API-Version`, e.g. `compute`. */
  serviceType: string;
  /** A legacy header still honoured after the standard one, e.g. `X-OpenStack-Nova-API-Version`. */
  legacyHeader?: string;
  min: ApiVersion;
  max: ApiVersion;
}

export interface NegotiatedVersion {
  version: ApiVersion;
  /** Headers that echo the version back, as the service does on every answer. */
  headers: Record<string, string>;
}

/**
 * Reads the requested microversion: `OpenStack-API-Version: compute 2.52` first, then the
 * legacy header; `latest` means the maximum; none means the minimum. A malformed version is a
 * 400 and one outside [min, max] a 406, worded as Nova words them.
 */
export function negotiateMicroversion(headers: IncomingHttpHeaders, policy: MicroversionPolicy): NegotiatedVersion {
  const requested = requestedVersion(headers, policy);
  const version = requested === undefined ? policy.min : requested === 'latest' ? policy.max : parseRequested(requested);
  if (!version.atLeast(policy.min) || !policy.max.atLeast(version)) {
    throw new ApiError(
      406,
      `Version ${version.toString()} is not supported by the API. Minimum is ${policy.min.toString()} and maximum is ${policy.max.toString()}.`,
    );
  }
  const echoed: Record<string, string> = { 'OpenStack-API-Version': `${policy.serviceType} ${version.toString()}` };
  const vary = ['OpenStack-API-Version'];
  if (policy.legacyHeader) {
    echoed[policy.legacyHeader] = version.toString();
    vary.push(policy.legacyHeader);
  }
  echoed.Vary = vary.join(', ');
  return { version, headers: echoed };
}

function requestedVersion(headers: IncomingHttpHeaders, policy: MicroversionPolicy): string | undefined {
  const standard = headerValue(headers, 'openstack-api-version');
  if (standard !== undefined) {
    for (const entry of standard.split(',')) {
      const [service, value] = entry.trim().split(/\s+/);
      if (service?.toLowerCase() === policy.serviceType && value !== undefined) return value.toLowerCase();
    }
  }
  if (policy.legacyHeader) {
    const legacy = headerValue(headers, policy.legacyHeader.toLowerCase());
    if (legacy !== undefined) return legacy.trim().toLowerCase();
  }
  return undefined;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseRequested(text: string): ApiVersion {
  const version = parseVersion(text);
  if (!version) {
    throw new ApiError(400, `API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`);
  }
  return version;
}

function parseVersion(text: string): ApiVersion | undefined {
  const match = /^([1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  return match ? new ApiVersion(Number(match[1]), Number(match[2])) : undefined;
}

const literals = new Map<string, ApiVersion>();

/** A version from a literal in the code such as `'2.96'` (parsed once; views compare often). */
export function apiVersion(text: string): ApiVersion {
  let version = literals.get(text);
  if (!version) {
    version = parseVersion(text);
    if (!version) throw new Error(`bad version literal ${text}`);
    literals.set(text, version);
  }
  return version;
}
