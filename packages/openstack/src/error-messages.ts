import type { CloudErrorKind } from '@cloudpool/common';

/**
 * Whether an OpenStack message says a quota would be exceeded: Nova's "Quota exceeded for
 * cores: ...", Neutron's "Quota exceeded for resources: ['port']" and "Number of ports
 * exceeded", Cinder's VolumeLimitExceeded and VolumeSizeExceedsAvailableQuota.
 */
export function isQuotaMessage(message: string): boolean {
  return /quota exceeded|overquota|exceeds? .*quota|volumelimitexceeded|number of ports exceeded/i.test(message);
}

/**
 * The kind of a Nova server fault (a server in ERROR): "No valid host was found" is `capacity`
 * (the scheduler found no room now), any mention of quota is `quota` (e.g. a boot volume over
 * Cinder's quota), anything else `transient`: the build failed and another attempt may work,
 * as Nodepool retries every failed build.
 */
export function faultKind(message: string): CloudErrorKind {
  if (/no valid host/i.test(message)) return 'capacity';
  if (/quota/i.test(message)) return 'quota';
  return 'transient';
}
