import type { Quotas } from '../core/index.js';

/** The value reported for a quota the knobs leave unlimited: large enough never to bind. */
export const UNLIMITED_QUOTA_VALUE = 1_000_000;

/** One quota the simulated Service Quotas API knows, with its value under the current knobs. */
export interface ServiceQuotaDefinition {
  serviceCode: 'ec2' | 'ebs';
  quotaCode: string;
  quotaName: string;
  description: string;
  value(quotas: Quotas): number;
  /** The CloudWatch usage metric AWS names for the quota, if any. */
  usageMetric?: { resource: string; class: string };
}

export const SERVICE_NAMES: Readonly<Record<ServiceQuotaDefinition['serviceCode'], string>> = {
  ec2: 'Amazon Elastic Compute Cloud (Amazon EC2)',
  ebs: 'Amazon Elastic Block Store (Amazon EBS)',
};

const vcpus = (quotas: Quotas) => quotas.cores ?? UNLIMITED_QUOTA_VALUE;
const tib = (quotas: Quotas) => (quotas.volumeGb === undefined ? UNLIMITED_QUOTA_VALUE : quotas.volumeGb / 1024);
const fixed = (value: number) => () => value;

function runningOnDemand(quotaCode: string, families: string, value: (quotas: Quotas) => number, usageClass: string): ServiceQuotaDefinition {
  return {
    serviceCode: 'ec2',
    quotaCode,
    quotaName: `Running On-Demand ${families} instances`,
    description: `Maximum number of vCPUs assigned to the Running On-Demand ${families} instances.`,
    value,
    usageMetric: { resource: 'vCPU', class: usageClass },
  };
}

function storage(quotaCode: string, label: string, volumeType: string, value: (quotas: Quotas) => number): ServiceQuotaDefinition {
  return {
    serviceCode: 'ebs',
    quotaCode,
    quotaName: `Storage for ${label} (${volumeType}) volumes, in TiB`,
    description: `The maximum aggregated amount of storage, in TiB, that can be provisioned across ${label} (${volumeType}) volumes in this Region.`,
    value,
  };
}

/**
 * The quotas served, with AWS's codes and names. The standard vCPU quotas (on-demand and
 * spot) follow the `cores` knob and the gp2/gp3 storage quotas the `volumeGb` knob (in TiB);
 * the simulator's instance types are all standard families, so the others are fixed.
 */
export const SERVICE_QUOTAS: readonly ServiceQuotaDefinition[] = [
  runningOnDemand('L-1216C47A', 'Standard (A, C, D, H, I, M, R, T, Z)', vcpus, 'Standard/OnDemand'),
  runningOnDemand('L-DB2E81BA', 'G and VT', fixed(64), 'G/OnDemand'),
  runningOnDemand('L-417A185B', 'P', fixed(64), 'P/OnDemand'),
  runningOnDemand('L-74FC7D96', 'F', fixed(64), 'F/OnDemand'),
  runningOnDemand('L-7295265B', 'X', fixed(128), 'X/OnDemand'),
  {
    serviceCode: 'ec2',
    quotaCode: 'L-34B43A08',
    quotaName: 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests',
    description: 'The maximum number of vCPUs for all running or requested Standard (A, C, D, H, I, M, R, T, Z) Spot Instances per Region',
    value: vcpus,
    usageMetric: { resource: 'vCPU', class: 'Standard/Spot' },
  },
  storage('L-D18FCD1D', 'General Purpose SSD', 'gp2', tib),
  storage('L-7A658B76', 'General Purpose SSD', 'gp3', tib),
  storage('L-FD252861', 'Provisioned IOPS SSD', 'io1', fixed(50)),
  {
    serviceCode: 'ebs',
    quotaCode: 'L-309BACF6',
    quotaName: 'Snapshots per Region',
    description: 'The maximum number of snapshots per Region',
    value: fixed(100_000),
  },
];
