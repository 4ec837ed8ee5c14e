import type { Quotas } from '../core/index.js';
import { vmFamilies, type VmSize } from './compute-catalog.js';
import { ArmError } from './errors.js';

/** What one region's VMs hold. */
interface RegionUsage {
  instances: number;
  cores: number;
  coresByFamily: Map<string, number>;
}

/** The limit reported for a quota the knobs leave unset (unlimited). */
const UNLIMITED = 2_147_483_647;

/**
 * Compute usage per region, kept as running totals (VMs add when created, subtract when their
 * deletion completes), so usages and quota checks never walk the VMs. Limits come from
 * `knobs.quotas`: `cores` bounds the regional vCPUs and each family's vCPUs, `instances` the VMs.
 */
export class ComputeUsage {
  private readonly regions = new Map<string, RegionUsage>();

  add(location: string, vmSize: VmSize, sign: 1 | -1 = 1): void {
    const region = this.region(location);
    region.instances += sign;
    region.cores += sign * vmSize.vCPUs;
    region.coresByFamily.set(vmSize.family, (region.coresByFamily.get(vmSize.family) ?? 0) + sign * vmSize.vCPUs);
  }

  /** Throws Azure's `OperationNotAllowed` quota error if one more VM of `vmSize` would exceed a quota. */
  checkRoomFor(location: string, vmSize: VmSize, quotas: Quotas): void {
    const region = this.region(location);
    const coresLimit = quotas.cores ?? UNLIMITED;
    if (region.cores + vmSize.vCPUs > coresLimit) {
      throw quotaExceeded('Total Regional Cores', location, coresLimit, region.cores, vmSize.vCPUs, 'regional-quota-requests');
    }
    const familyCores = region.coresByFamily.get(vmSize.family) ?? 0;
    if (familyCores + vmSize.vCPUs > coresLimit) {
      throw quotaExceeded(`${vmSize.family} Cores`, location, coresLimit, familyCores, vmSize.vCPUs, 'per-vm-quota-requests');
    }
    const instancesLimit = quotas.instances ?? UNLIMITED;
    if (region.instances + 1 > instancesLimit) {
      throw quotaExceeded('Total Regional Virtual Machines', location, instancesLimit, region.instances, 1, 'regional-quota-requests');
    }
  }

  /** The entries of `locations/{location}/usages`: regional vCPUs, VMs, and each family's vCPUs. */
  usages(location: string, quotas: Quotas): Array<Record<string, unknown>> {
    const region = this.region(location);
    const usage = (value: string, localizedValue: string, currentValue: number, limit: number | undefined) => ({
      unit: 'Count',
      currentValue,
      limit: limit ?? UNLIMITED,
      name: { value, localizedValue },
    });
    return [
      usage('cores', 'Total Regional vCPUs', region.cores, quotas.cores),
      usage('virtualMachines', 'Virtual Machines', region.instances, quotas.instances),
      ...vmFamilies().map(({ family, displayName }) => usage(family, displayName, region.coresByFamily.get(family) ?? 0, quotas.cores)),
    ];
  }

  clear(): void {
    this.regions.clear();
  }

  private region(location: string): RegionUsage {
    let region = this.regions.get(location);
    if (!region) this.regions.set(location, (region = { instances: 0, cores: 0, coresByFamily: new Map() }));
    return region;
  }
}

function quotaExceeded(quota: string, location: string, limit: number, usage: number, required: number, docsPage: string): ArmError {
  return new ArmError(409, 'OperationNotAllowed',
    `Operation could not be completed as it results in exceeding approved ${quota} quota. Additional details - Deployment Model: Resource Manager, Location: ${location}, Current Limit: ${limit}, Current Usage: ${usage}, Additional Required: ${required}, (Minimum) New Limit Required: ${usage + required}. Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView by specifying parameters listed in the ‘Details’ section for deployment to succeed. Please read more about quota limits at https://docs.microsoft.com/en-us/azure/azure-supportability/${docsPage}.`);
}
