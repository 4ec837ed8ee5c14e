import type { Instance, Volume } from '@aws-sdk/client-ec2';
import { isOurs, QuotaSet, SharedListCache, sumQuota, type Clock, type Ownership, type ProviderContext } from '@cloudpool/common';
import type { Ec2Port, ServiceQuotasPort } from './port.js';
import type { InstanceTypeCatalog } from './instance-types.js';
import { INSTANCE_QUOTA_CODES, STORAGE_QUOTA_CODES } from './quota-codes.js';
import { instanceQuota, volumeQuota } from './quota-needs.js';
import { tagRecord } from './tags.js';

/** Quota calls wait behind every other call of the provider: limits change rarely. */
const QUOTA_CALL_PRIORITY = -10;

/** Service Quotas states EBS storage in TiB; a QuotaSet holds GiB, as volume sizes are. */
const GIB_PER_TIB = 1024;

export interface CloudQuotaOptions {
  calls: Pick<Ec2Port, 'describeInstances' | 'describeVolumes'>;
  serviceQuotas: ServiceQuotasPort;
  instanceTypes: Pick<InstanceTypeCatalog, 'sizeOf'>;
  /** The quota codes this provider's labels use (see quota-needs.ts); limits hold only these. */
  codes: ReadonlySet<string>;
  /** Whose resources are ours (their usage the framework counts itself). */
  owner: Ownership;
  logger: Pick<ProviderContext['logger'], 'warn'>;
  clock: Clock;
  ttlMs: number;
}

/**
 * The cloud layer of the quota for one provider, as a QuotaSet keyed by Service Quotas codes:
 * each code its labels use (the vCPU quota of each instance family and market, e.g.
 * `L-1216C47A`; the storage quota of each volume type in GiB, e.g. `L-7A658B76`; IOPS for
 * io1/io2) holds its Service Quotas value minus what the account uses of it outside this
 * provider (running and pending instances, volumes, not ours by `owner`). AWS sets no
 * limit on instance count or memory, so `instances`, `cores` and `ram` stay unlimited here.
 *
 * Read with low priority and kept for `ttlMs` (about five minutes). When Service Quotas cannot
 * be read (access denied, unavailable...), it logs one warning and the limits are empty, i.e.
 * unlimited at the cloud level (the pool's limits still apply); a later read tries again.
 */
export class CloudQuota {
  private readonly cache: SharedListCache<QuotaSet>;
  private warned = false;

  constructor(private readonly options: CloudQuotaOptions) {
    this.cache = new SharedListCache(() => this.load(), { ttlMs: options.ttlMs, clock: options.clock });
  }

  limits(): Promise<QuotaSet> {
    return this.cache.get();
  }

  invalidate(): void {
    this.cache.invalidate();
  }

  private async load(): Promise<QuotaSet> {
    const { codes } = this.options;
    if (codes.size === 0) return QuotaSet.empty();
    let limits: QuotaSet;
    try {
      limits = await this.serviceQuotas();
      this.warned = false;
    } catch (error) {
      if (!this.warned) {
        const reason = error instanceof Error ? error.message : String(error);
        this.options.logger.warn({ reason }, 'AWS Service Quotas unavailable: no cloud quota limits, pool limits still apply');
      }
      this.warned = true;
      return QuotaSet.empty();
    }
    return limits.subtract(await this.usageOutsideProvider(limits.keys()));
  }

  private async serviceQuotas(): Promise<QuotaSet> {
    const { codes, serviceQuotas } = this.options;
    const services = [...codes].some((code) => INSTANCE_QUOTA_CODES.has(code)) ? ['ec2'] : [];
    if ([...codes].some((code) => !INSTANCE_QUOTA_CODES.has(code))) services.push('ebs');
    const quotas = (await Promise.all(services.map((service) => serviceQuotas.listServiceQuotas(service, QUOTA_CALL_PRIORITY)))).flat();
    const values: Record<string, number> = {};
    for (const { QuotaCode, Value } of quotas) {
      if (QuotaCode === undefined || Value === undefined || !codes.has(QuotaCode)) continue;
      values[QuotaCode] = STORAGE_QUOTA_CODES.has(QuotaCode) ? Value * GIB_PER_TIB : Value;
    }
    return QuotaSet.of(values);
  }

  /** What instances and volumes not of this provider use of the codes in `keys`. */
  private async usageOutsideProvider(keys: string[]): Promise<QuotaSet> {
    const { calls, owner } = this.options;
    const notOurs = (resource: Instance | Volume) => !isOurs(tagRecord(resource.Tags), owner);
    const wantsInstances = keys.some((code) => INSTANCE_QUOTA_CODES.has(code));
    const wantsVolumes = keys.some((code) => !INSTANCE_QUOTA_CODES.has(code));
    const [instances, volumes] = await Promise.all([
      wantsInstances ? calls.describeInstances([{ Name: 'instance-state-name', Values: ['pending', 'running'] }], QUOTA_CALL_PRIORITY) : [],
      wantsVolumes ? calls.describeVolumes([], QUOTA_CALL_PRIORITY) : [],
    ]);
    const instanceUsage = await Promise.all(instances.filter(notOurs).map((instance) => this.instanceUsage(instance)));
    const volumeUsage = volumes.filter(notOurs).map((volume) => volumeQuota(volume.VolumeType, volume.Size, volume.Iops));
    return sumQuota([...instanceUsage, ...volumeUsage]);
  }

  private async instanceUsage(instance: Instance): Promise<QuotaSet> {
    const type = instance.InstanceType ?? '';
    const { CoreCount, ThreadsPerCore } = instance.CpuOptions ?? {};
    const size =
      CoreCount === undefined || ThreadsPerCore === undefined
        ? await this.options.instanceTypes.sizeOf(type)
        : { vcpus: CoreCount * ThreadsPerCore, cores: CoreCount, memoryMiB: 0 };
    return instanceQuota(type, size, instance.InstanceLifecycle === 'spot');
  }
}
