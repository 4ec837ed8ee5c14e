import { QuotaSet } from '@cloudpool/common';
import type { AwsLabelSettings } from './config.js';
import { dedicatedHostQuotaCode, instanceQuotaCode, volumeQuotaCodes } from './quota-codes.js';

/** What EC2 says an instance type has. */
export interface InstanceSize {
  vcpus: number;
  /** Physical cores (EC2's DefaultCores); vCPUs when EC2 does not say. */
  cores: number;
  memoryMiB: number;
}

/**
 * What one instance uses: `instances` 1, `cores` (physical cores, as Nodepool counts them, so
 * `max-cores` and tenant limits mean the same in both), `ram` (MiB), and its vCPUs under the
 * vCPU quota code of its family and market (e.g. `L-1216C47A`), the key that AWS's limits in
 * `getQuotaLimits` are expressed in. Types of unknown families carry no code.
 */
export function instanceQuota(instanceType: string, size: InstanceSize, spot: boolean): QuotaSet {
  const code = instanceQuotaCode(instanceType, spot);
  return QuotaSet.of({
    instances: 1,
    cores: size.cores,
    ram: size.memoryMiB,
    ...(code === undefined ? {} : { [code]: size.vcpus }),
  });
}

/**
 * What one instance on its own Dedicated Host uses: `instances` 1, its cores and ram, and 1
 * host under its family's Dedicated Host quota code (such instances use no vCPU quota).
 */
export function dedicatedHostQuota(instanceType: string, size: InstanceSize): QuotaSet {
  const code = dedicatedHostQuotaCode(instanceType);
  return QuotaSet.of({ instances: 1, cores: size.cores, ram: size.memoryMiB, ...(code === undefined ? {} : { [code]: 1 }) });
}

/**
 * What a root volume uses of the EBS quotas: its GiB under its type's storage code and, for
 * io1/io2, its IOPS under the IOPS code. As in Nodepool, nothing unless the label sets the
 * volume type (and the size, for storage; the IOPS, for IOPS).
 */
export function volumeQuota(volumeType: string | undefined, sizeGiB: number | undefined, iops: number | undefined): QuotaSet {
  const codes = volumeType === undefined ? undefined : volumeQuotaCodes(volumeType);
  if (!codes) return QuotaSet.empty();
  return QuotaSet.of({
    ...(sizeGiB === undefined ? {} : { [codes.storage]: sizeGiB }),
    ...(codes.iops === undefined || iops === undefined ? {} : { [codes.iops]: iops }),
  });
}

/** The quota codes that labels with these settings use (the keys of their needs besides instances, cores, ram). */
export function quotaCodesOfLabels(labels: Iterable<AwsLabelSettings>): Set<string> {
  const codes = new Set<string>();
  for (const label of labels) {
    const instanceCode =
      label.instanceType === undefined
        ? undefined
        : label.dedicatedHost
          ? dedicatedHostQuotaCode(label.instanceType)
          : instanceQuotaCode(label.instanceType, label.useSpot);
    if (instanceCode !== undefined) codes.add(instanceCode);
    for (const fleetType of label.fleet?.instanceTypes ?? []) {
      const fleetCode = instanceQuotaCode(fleetType, label.useSpot);
      if (fleetCode !== undefined) codes.add(fleetCode);
    }
    for (const code of volumeQuota(label.volumeType, label.volumeSize, label.iops).keys()) codes.add(code);
  }
  return codes;
}
