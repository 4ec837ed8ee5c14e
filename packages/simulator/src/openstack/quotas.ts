import type { Quotas } from '../core/index.js';
import { ApiError } from './errors.js';

/** A quota as OpenStack's `/limits` show it: the knob's value, or -1 for unlimited. */
export function limitOf(quotas: Quotas, key: keyof Quotas): number {
  return quotas[key] ?? -1;
}

/** One resource a request adds to: what it asks for, what is used and the limit (-1 unlimited). */
export interface QuotaClaim {
  resource: string;
  requested: number;
  used: number;
  limit: number;
}

/**
 * Nova's check before accepting a server: when some resources would go over quota, a 403
 * worded as Nova's TooManyInstances, e.g. `Quota exceeded for cores: Requested 8, but already
 * used 20 of 20 cores` (several resources are joined with `, `, in alphabetical order).
 */
export function checkComputeQuota(claims: readonly QuotaClaim[]): void {
  const overs = claims
    .filter((claim) => claim.limit >= 0 && claim.used + claim.requested > claim.limit)
    .sort((a, b) => a.resource.localeCompare(b.resource));
  if (overs.length === 0) return;
  const list = (pick: (claim: QuotaClaim) => string | number) => overs.map(pick).join(', ');
  const names = list((claim) => claim.resource);
  throw new ApiError(
    403,
    `Quota exceeded for ${names}: Requested ${list((claim) => claim.requested)}, but already used ${list((claim) => claim.used)} of ${list((claim) => claim.limit)} ${names}`,
  );
}

/**
 * Cinder's quota check for a new volume of `sizeGb`: the 413 `overLimit` it answers (worded as
 * VolumeLimitExceeded or VolumeSizeExceedsAvailableQuota), or undefined when it fits.
 */
export function volumeQuotaError(quotas: Quotas, used: { volumes: number; gigabytes: number }, sizeGb: number): ApiError | undefined {
  const maxVolumes = limitOf(quotas, 'volumes');
  const maxGigabytes = limitOf(quotas, 'volumeGb');
  const retry = { 'Retry-After': '0' };
  if (maxVolumes >= 0 && used.volumes + 1 > maxVolumes) {
    return new ApiError(413, `VolumeLimitExceeded: Maximum number of volumes allowed (${maxVolumes}) exceeded for quota 'volumes'.`, undefined, retry);
  }
  if (maxGigabytes >= 0 && used.gigabytes + sizeGb > maxGigabytes) {
    return new ApiError(
      413,
      `VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested ${sizeGb}G, quota is ${maxGigabytes}G and ${used.gigabytes}G has been consumed.`,
      undefined,
      retry,
    );
  }
  return undefined;
}
