/** One entry of the simulator's instance type catalog (a subset of what DescribeInstanceTypes reports). */
export interface InstanceTypeSpec {
  name: string;
  vcpus: number;
  cores: number;
  threadsPerCore: number;
  memoryMiB: number;
  architectures: readonly string[];
  clockGhz: number;
  currentGeneration: boolean;
  burstable: boolean;
  freeTierEligible: boolean;
  hypervisor: 'nitro' | 'xen';
  networkPerformance: string;
  maxNetworkInterfaces: number;
  ipv4AddressesPerInterface: number;
}

type Row = [name: string, vcpus: number, cores: number, memoryMiB: number, architecture: string, clockGhz: number, network: string, enis: number, ipv4PerEni: number];

/** Sizes from the EC2 instance type documentation; all current-generation types are Nitro. */
const CURRENT_GENERATION: readonly Row[] = [
  ['t3.micro', 2, 1, 1024, 'x86_64', 2.5, 'Up to 5 Gigabit', 2, 2],
  ['t3.small', 2, 1, 2048, 'x86_64', 2.5, 'Up to 5 Gigabit', 3, 4],
  ['t3.medium', 2, 1, 4096, 'x86_64', 2.5, 'Up to 5 Gigabit', 3, 6],
  ['t3.large', 2, 1, 8192, 'x86_64', 2.5, 'Up to 5 Gigabit', 3, 12],
  ['t3.xlarge', 4, 2, 16384, 'x86_64', 2.5, 'Up to 5 Gigabit', 4, 15],
  ['t4g.micro', 2, 2, 1024, 'arm64', 2.5, 'Up to 5 Gigabit', 2, 2],
  ['t4g.small', 2, 2, 2048, 'arm64', 2.5, 'Up to 5 Gigabit', 3, 4],
  ['m5.large', 2, 1, 8192, 'x86_64', 3.1, 'Up to 10 Gigabit', 3, 10],
  ['m5.xlarge', 4, 2, 16384, 'x86_64', 3.1, 'Up to 10 Gigabit', 4, 15],
  ['m5.2xlarge', 8, 4, 32768, 'x86_64', 3.1, 'Up to 10 Gigabit', 4, 15],
  ['m6i.large', 2, 1, 8192, 'x86_64', 3.5, 'Up to 12.5 Gigabit', 3, 10],
  ['m6i.xlarge', 4, 2, 16384, 'x86_64', 3.5, 'Up to 12.5 Gigabit', 4, 15],
  ['m6g.large', 2, 2, 8192, 'arm64', 2.5, 'Up to 10 Gigabit', 3, 10],
  ['c5.large', 2, 1, 4096, 'x86_64', 3.4, 'Up to 10 Gigabit', 3, 10],
  ['c5.xlarge', 4, 2, 8192, 'x86_64', 3.4, 'Up to 10 Gigabit', 4, 15],
  ['c5.2xlarge', 8, 4, 16384, 'x86_64', 3.4, 'Up to 10 Gigabit', 4, 15],
  ['r5.large', 2, 1, 16384, 'x86_64', 3.1, 'Up to 10 Gigabit', 3, 10],
  ['r5.xlarge', 4, 2, 32768, 'x86_64', 3.1, 'Up to 10 Gigabit', 4, 15],
];

function currentGeneration([name, vcpus, cores, memoryMiB, architecture, clockGhz, network, enis, ipv4PerEni]: Row): InstanceTypeSpec {
  return {
    name,
    vcpus,
    cores,
    threadsPerCore: vcpus / cores,
    memoryMiB,
    architectures: [architecture],
    clockGhz,
    currentGeneration: true,
    burstable: name.startsWith('t'),
    freeTierEligible: name === 't3.micro' || name === 't4g.micro',
    hypervisor: 'nitro',
    networkPerformance: network,
    maxNetworkInterfaces: enis,
    ipv4AddressesPerInterface: ipv4PerEni,
  };
}

/** The catalog, in the order DescribeInstanceTypes pages through it. */
export const INSTANCE_TYPES: readonly InstanceTypeSpec[] = [
  ...CURRENT_GENERATION.map(currentGeneration),
  // EC2's default type when RunInstances names none: a previous-generation Xen type.
  {
    name: 'm1.small',
    vcpus: 1,
    cores: 1,
    threadsPerCore: 1,
    memoryMiB: 1740,
    architectures: ['i386', 'x86_64'],
    clockGhz: 2.0,
    currentGeneration: false,
    burstable: false,
    freeTierEligible: false,
    hypervisor: 'xen',
    networkPerformance: 'Low',
    maxNetworkInterfaces: 2,
    ipv4AddressesPerInterface: 4,
  },
];

const BY_NAME = new Map(INSTANCE_TYPES.map((spec) => [spec.name, spec]));

export function findInstanceType(name: string): InstanceTypeSpec | undefined {
  return BY_NAME.get(name);
}

/** The type RunInstances launches when the request names none, as EC2 does. */
export const DEFAULT_INSTANCE_TYPE = 'm1.small';
