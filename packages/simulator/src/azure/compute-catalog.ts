/** A VM size (SKU) as the simulator offers it. */
export interface VmSize {
  name: string;
  /** Quota family, as named in usages, e.g. `standardDSv3Family`. */
  family: string;
  /** Display name of the family's usage, e.g. `Standard DSv3 Family vCPUs`. */
  familyDisplayName: string;
  vCPUs: number;
  memoryGB: number;
  maxDataDisks: number;
  resourceDiskMB: number;
  premiumIO: boolean;
}

function size(name: string, family: string, familyDisplayName: string, vCPUs: number, memoryGB: number, resourceDiskMB: number, premiumIO = true): VmSize {
  return { name, family, familyDisplayName, vCPUs, memoryGB, maxDataDisks: Math.min(64, Math.max(2, vCPUs * 4)), resourceDiskMB, premiumIO };
}

/** A realistic set of general-purpose sizes, with the figures Azure publishes for them. */
export const VM_SIZES: readonly VmSize[] = [
  size('Standard_B1s', 'standardBSFamily', 'Standard BS Family vCPUs', 1, 1, 4096),
  size('Standard_B1ms', 'standardBSFamily', 'Standard BS Family vCPUs', 1, 2, 4096),
  size('Standard_B2s', 'standardBSFamily', 'Standard BS Family vCPUs', 2, 4, 8192),
  size('Standard_B2ms', 'standardBSFamily', 'Standard BS Family vCPUs', 2, 8, 16384),
  size('Standard_B4ms', 'standardBSFamily', 'Standard BS Family vCPUs', 4, 16, 32768),
  size('Standard_A1_v2', 'standardAv2Family', 'Standard Av2 Family vCPUs', 1, 2, 10240, false),
  size('Standard_A2_v2', 'standardAv2Family', 'Standard Av2 Family vCPUs', 2, 4, 20480, false),
  size('Standard_D2s_v3', 'standardDSv3Family', 'Standard DSv3 Family vCPUs', 2, 8, 16384),
  size('Standard_D4s_v3', 'standardDSv3Family', 'Standard DSv3 Family vCPUs', 4, 16, 32768),
  size('Standard_D8s_v3', 'standardDSv3Family', 'Standard DSv3 Family vCPUs', 8, 32, 65536),
  size('Standard_D2s_v5', 'standardDSv5Family', 'Standard DSv5 Family vCPUs', 2, 8, 0),
  size('Standard_D4s_v5', 'standardDSv5Family', 'Standard DSv5 Family vCPUs', 4, 16, 0),
  size('Standard_E2s_v3', 'standardESv3Family', 'Standard ESv3 Family vCPUs', 2, 16, 32768),
  size('Standard_F2s_v2', 'standardFSv2Family', 'Standard FSv2 Family vCPUs', 2, 4, 16384),
  size('Standard_F4s_v2', 'standardFSv2Family', 'Standard FSv2 Family vCPUs', 4, 8, 32768),
  size('Standard_F8s_v2', 'standardFSv2Family', 'Standard FSv2 Family vCPUs', 8, 16, 65536),
];

const SIZES_BY_NAME = new Map(VM_SIZES.map((s) => [s.name.toLowerCase(), s]));

/** The size of this name (case-insensitive), if offered. */
export function findVmSize(name: string): VmSize | undefined {
  return SIZES_BY_NAME.get(name.toLowerCase());
}

/** The quota families of the offered sizes, each once. */
export function vmFamilies(): Array<{ family: string; displayName: string }> {
  const families = new Map<string, string>();
  for (const s of VM_SIZES) families.set(s.family, s.familyDisplayName);
  return [...families].map(([family, displayName]) => ({ family, displayName }));
}

/** Whether the `unavailableSizes` knob restricts this size. */
export function isVmSizeUnavailable(vmSize: VmSize, unavailableSizes: readonly string[]): boolean {
  return unavailableSizes.some((name) => name.toLowerCase() === vmSize.name.toLowerCase());
}

/** One entry of `Microsoft.Compute/skus`: a VM size in one location, with its capabilities. */
export function resourceSku(vmSize: VmSize, location: string, unavailableSizes: readonly string[]): Record<string, unknown> {
  const capability = (name: string, value: string | number | boolean) => ({ name, value: typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value) });
  return {
    resourceType: 'virtualMachines',
    name: vmSize.name,
    tier: 'Standard',
    size: vmSize.name.replace(/^Standard_/, ''),
    family: vmSize.family,
    locations: [location],
    locationInfo: [{ location, zones: ['1', '2', '3'], zoneDetails: [] }],
    capabilities: [
      capability('MaxResourceVolumeMB', vmSize.resourceDiskMB),
      capability('OSVhdSizeMB', 1047552),
      capability('vCPUs', vmSize.vCPUs),
      capability('MemoryPreservingMaintenanceSupported', true),
      capability('HyperVGenerations', 'V1,V2'),
      capability('MemoryGB', vmSize.memoryGB),
      capability('MaxDataDiskCount', vmSize.maxDataDisks),
      capability('CpuArchitectureType', 'x64'),
      capability('LowPriorityCapable', true),
      capability('PremiumIO', vmSize.premiumIO),
      capability('VMDeploymentTypes', 'IaaS'),
      capability('vCPUsAvailable', vmSize.vCPUs),
      capability('vCPUsPerCore', vmSize.vCPUs > 1 ? 2 : 1),
      capability('EphemeralOSDiskSupported', vmSize.resourceDiskMB > 0),
      capability('AcceleratedNetworkingEnabled', vmSize.vCPUs > 1),
      capability('MaxNetworkInterfaces', Math.max(2, vmSize.vCPUs)),
    ],
    restrictions: isVmSizeUnavailable(vmSize, unavailableSizes)
      ? [{ type: 'Location', values: [location], restrictionInfo: { locations: [location] }, reasonCode: 'NotAvailableForSubscription' }]
      : [],
  };
}

/** One entry of `locations/{location}/vmSizes`. */
export function virtualMachineSize(vmSize: VmSize): Record<string, unknown> {
  return {
    name: vmSize.name,
    numberOfCores: vmSize.vCPUs,
    osDiskSizeInMB: 1047552,
    resourceDiskSizeInMB: vmSize.resourceDiskMB,
    memoryInMB: vmSize.memoryGB * 1024,
    maxDataDiskCount: vmSize.maxDataDisks,
  };
}
