import type { ResourceSku, Usage } from '@azure/arm-compute';
import { QuotaSet } from '@cloudpool/common';

/** A VM size as its resource SKU describes it. */
export interface VmSize {
  name: string;
  /** The quota family, as usages name it (e.g. `standardDSv5Family`). */
  family?: string;
  vCPUs: number;
  /** MiB. */
  memoryMb: number;
}

/** The quota key of one VM family's vCPUs (Azure limits each family beside the regional total). */
export function familyCoresKey(family: string): string {
  return `cores:${family}`;
}

function capability(sku: ResourceSku, name: string): number | undefined {
  const value = sku.capabilities?.find((c) => c.name === name)?.value;
  const parsed = value === undefined ? NaN : Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** The VM sizes of a SKU list, by lower-cased name (Azure's size names are case-insensitive). */
export function vmSizesOf(skus: readonly ResourceSku[]): Map<string, VmSize> {
  const sizes = new Map<string, VmSize>();
  for (const sku of skus) {
    if (sku.resourceType !== 'virtualMachines' || !sku.name) continue;
    const vCPUs = capability(sku, 'vCPUs');
    const memoryGb = capability(sku, 'MemoryGB');
    if (vCPUs === undefined || memoryGb === undefined) continue;
    sizes.set(sku.name.toLowerCase(), {
      name: sku.name,
      vCPUs,
      memoryMb: Math.round(memoryGb * 1024),
      ...(sku.family ? { family: sku.family } : {}),
    });
  }
  return sizes;
}

/**
 * What one VM of a size uses: an instance, its vCPUs as `cores` and as its family's cores, its
 * memory as `ram` (MiB). An unknown size counts as an instance only, as in Nodepool.
 */
export function quotaOfSize(size: VmSize | undefined): QuotaSet {
  if (!size) return QuotaSet.of({ instances: 1 });
  return QuotaSet.of({
    instances: 1,
    cores: size.vCPUs,
    ram: size.memoryMb,
    ...(size.family ? { [familyCoresKey(size.family)]: size.vCPUs } : {}),
  });
}

/** Quota keys of Microsoft.Network's regional usages (the NIC and public IPs every node has). */
export const NETWORK_QUOTA_KEYS = {
  nics: 'network-interfaces',
  publicIps: 'public-ips',
  staticPublicIps: 'static-public-ips',
} as const;

const NETWORK_USAGE_KEYS: Readonly<Record<string, string>> = {
  NetworkInterfaces: NETWORK_QUOTA_KEYS.nics,
  PublicIPAddresses: NETWORK_QUOTA_KEYS.publicIps,
  StaticPublicIPAddresses: NETWORK_QUOTA_KEYS.staticPublicIps,
};

/**
 * What one node's network uses: a NIC and its public IPs (cloudpool's are Standard, hence
 * static: each counts as a public IP and as a static one).
 */
export function networkQuotaOf(publicIps: number): QuotaSet {
  return QuotaSet.of({ [NETWORK_QUOTA_KEYS.nics]: 1, [NETWORK_QUOTA_KEYS.publicIps]: publicIps, [NETWORK_QUOTA_KEYS.staticPublicIps]: publicIps });
}

/** A regional usage entry, from Compute's or Network's usages API (both have this shape). */
export type UsageEntry = Pick<Usage, 'currentValue' | 'limit'> & { name?: { value?: string } };

/**
 * The quota key of a regional usage: total vCPUs, VM count, each VM family's vCPUs, and
 * Network's NICs and public IPs; others are not tracked.
 */
function usageKey(name: string | undefined): string | undefined {
  if (name === 'cores') return 'cores';
  if (name === 'virtualMachines') return 'instances';
  if (name !== undefined && NETWORK_USAGE_KEYS[name] !== undefined) return NETWORK_USAGE_KEYS[name];
  if (name?.endsWith('Family')) return familyCoresKey(name);
  return undefined;
}

/**
 * The region's limits minus what instances NOT of this provider use there. Azure reports each
 * limit with the current usage of the whole subscription; the framework subtracts the usage of
 * this provider's nodes itself (from their ZooKeeper records), so that part is added back:
 * `limit - max(0, currentValue - ours)`, where `ours` is the usage of the VMs tagged for this
 * provider in the region. (Leaked VMs of this provider are thus counted as its own until leak
 * cleanup removes them.)
 */
export function regionalLimits(usages: readonly UsageEntry[], ours: QuotaSet): QuotaSet {
  const limits: Record<string, number> = {};
  for (const usage of usages) {
    const key = usageKey(usage.name?.value);
    if (key === undefined) continue;
    const othersUse = Math.max(0, usage.currentValue - (ours.get(key) ?? 0));
    limits[key] = usage.limit - othersUse;
  }
  return QuotaSet.of(limits);
}
