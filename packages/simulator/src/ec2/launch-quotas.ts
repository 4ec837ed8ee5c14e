import type { Quotas } from '../core/index.js';
import type { Usage } from './ec2-account.js';
import { Ec2Error } from './errors.js';

/** What one instance of a launch adds to the account's usage. */
export interface InstanceCost {
  vcpus: number;
  memoryMiB: number;
  volumes: number;
  volumeGiB: number;
  spot: boolean;
}

const LIMIT_INCREASE = 'Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.';

/**
 * How many instances a launch may make under the quota knobs, as EC2 decides it: as many as
 * fit up to `maxCount`, or the quota's error when fewer than `minCount` fit. Knob to error:
 * `instances` → InstanceLimitExceeded; `cores` (vCPUs) → VcpuLimitExceeded
 * (MaxSpotInstanceCountExceeded for spot); `ramMb` → InstanceLimitExceeded (EC2 has no memory
 * quota; the simulator words it as one); `volumes` and `volumeGb` → VolumeLimitExceeded.
 */
export function launchableCount(cost: InstanceCost, minCount: number, maxCount: number, usage: Usage, quotas: Quotas): number {
  const limits: Array<{ limit: number | undefined; used: number; each: number; error: () => Ec2Error }> = [
    {
      limit: quotas.instances,
      used: usage.instances,
      each: 1,
      error: () =>
        new Ec2Error(
          'InstanceLimitExceeded',
          `You have requested more instances (${minCount}) than your current instance limit of ${quotas.instances} allows for the specified instance type. ${LIMIT_INCREASE}`,
        ),
    },
    {
      limit: quotas.cores,
      used: usage.vcpus,
      each: cost.vcpus,
      error: () =>
        cost.spot
          ? new Ec2Error('MaxSpotInstanceCountExceeded', 'Max spot instance count exceeded')
          : new Ec2Error(
              'VcpuLimitExceeded',
              `You have requested more vCPU capacity than your current vCPU limit of ${quotas.cores} allows for the instance bucket that the specified instance type belongs to. ${LIMIT_INCREASE}`,
            ),
    },
    {
      limit: quotas.ramMb,
      used: usage.memoryMiB,
      each: cost.memoryMiB,
      error: () =>
        new Ec2Error(
          'InstanceLimitExceeded',
          `You have requested more memory than your current limit of ${quotas.ramMb} MiB allows. ${LIMIT_INCREASE}`,
        ),
    },
    {
      limit: quotas.volumes,
      used: usage.volumes,
      each: cost.volumes,
      error: () => new Ec2Error('VolumeLimitExceeded', `You have exceeded your maximum number of volumes (${quotas.volumes}) in this region.`),
    },
    {
      limit: quotas.volumeGb,
      used: usage.volumeGiB,
      each: cost.volumeGiB,
      error: () =>
        new Ec2Error('VolumeLimitExceeded', `You have exceeded your maximum volume storage limit of ${quotas.volumeGb} GiB in this region.`),
    },
  ];
  let count = maxCount;
  for (const { limit, used, each, error } of limits) {
    if (limit === undefined || each === 0) continue;
    const fits = Math.max(0, Math.floor((limit - used) / each));
    if (fits < minCount) throw error();
    count = Math.min(count, fits);
  }
  return count;
}
