import { isOurs, QuotaSet, type CloudInstance, type Ownership } from '@cloudpool/common';
import type { OpenStackApi } from './port.js';

/** A quota key and where Nova's or Cinder's `/limits` keep its limit and its usage. */
interface LimitField {
  key: string;
  max: string;
  used: string;
}

const COMPUTE_LIMITS: readonly LimitField[] = [
  { key: 'instances', max: 'maxTotalInstances', used: 'totalInstancesUsed' },
  { key: 'cores', max: 'maxTotalCores', used: 'totalCoresUsed' },
  { key: 'ram', max: 'maxTotalRAMSize', used: 'totalRAMUsed' },
];

const VOLUME_LIMITS: readonly LimitField[] = [
  { key: 'volumes', max: 'maxTotalVolumes', used: 'totalVolumesUsed' },
  { key: 'volume-gb', max: 'maxTotalVolumeGigabytes', used: 'totalGigabytesUsed' },
];

/**
 * The cloud's limits for this provider: for each of instances, cores, ram (Nova) and volumes,
 * volume-gb (Cinder), `limit - (totalUsed - ourUsage)`, i.e. the project's limit minus what
 * everything except this provider's servers uses. The framework then subtracts this provider's
 * own nodes (from ZooKeeper). Our usage is summed from `nodes` (this provider's servers, by their
 * flavors) and, for the volume keys, from the volumes attached to them or carrying our metadata
 * (read only when a volume limit is set). A limit of `-1` is unlimited: the key is left out.
 * A pool's `ignore-provider-quota` is the launcher's to honour: it skips this layer for that pool.
 */
export async function cloudQuotaLimits(api: OpenStackApi, nodes: readonly CloudInstance[], owner: Ownership): Promise<QuotaSet> {
  const live = nodes.filter((node) => node.state !== 'deleted');
  const ourCompute = live.reduce((sum, node) => sum.add(node.quota ?? QuotaSet.of({ instances: 1 })), QuotaSet.empty());
  const compute = limitsMinusForeignUsage(await api.computeLimits(), COMPUTE_LIMITS, ourCompute);
  if (!(await api.hasVolumeService())) return QuotaSet.of(compute);
  const volumeLimits = await api.volumeLimits();
  const volumesLimited = VOLUME_LIMITS.some((field) => (volumeLimits[field.max] ?? -1) >= 0);
  const ourVolumes = volumesLimited ? await ourVolumeUsage(api, new Set(live.map((node) => node.externalId)), owner) : QuotaSet.empty();
  return QuotaSet.of({ ...compute, ...limitsMinusForeignUsage(volumeLimits, VOLUME_LIMITS, ourVolumes) });
}

function limitsMinusForeignUsage(limits: Record<string, number>, fields: readonly LimitField[], ours: QuotaSet): Record<string, number> {
  const result: Record<string, number> = {};
  for (const { key, max, used } of fields) {
    const limit = limits[max];
    if (limit === undefined || limit < 0) continue;
    const foreign = Math.max(0, (limits[used] ?? 0) - (ours.get(key) ?? 0));
    result[key] = limit - foreign;
  }
  return result;
}

async function ourVolumeUsage(api: OpenStackApi, serverIds: ReadonlySet<string>, owner: Ownership): Promise<QuotaSet> {
  const volumes = (await api.listVolumes()).filter(
    (volume) => isOurs(volume.metadata ?? {}, owner) || (volume.attachments ?? []).some((attachment) => serverIds.has(attachment.server_id ?? '')),
  );
  return QuotaSet.of({ volumes: volumes.length, 'volume-gb': volumes.reduce((sum, volume) => sum + volume.size, 0) });
}
