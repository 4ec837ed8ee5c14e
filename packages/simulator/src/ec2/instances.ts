import type { StoredResource } from './resource-store.js';

/** The instance states the simulator goes through (no stop/start). */
export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated';

/** EC2's numeric state codes (the low byte of `instanceState.code`). */
export const INSTANCE_STATE_CODES: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
};

/** A root or data volume attached at launch, in the order of its block device mapping. */
export interface InstanceBlockDevice {
  deviceName: string;
  volumeId: string;
  deleteOnTermination: boolean;
}

/** What `InstanceMarketOptions` asked for; present for spot instances. */
export interface SpotMarket {
  spotInstanceRequestId: string;
  spotInstanceType?: string;
  maxPrice?: string;
  instanceInterruptionBehavior?: string;
}

/**
 * One instance. Its state is not stored but derived from the clock when read: pending until
 * `runningAt`, running until terminate is asked, shutting-down until `terminatedAt`, then terminated.
 */
export interface InstanceRecord extends StoredResource {
  readonly reservationId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly vcpus: number;
  readonly cores: number;
  readonly threadsPerCore: number;
  readonly memoryMiB: number;
  readonly architecture: string;
  readonly keyName?: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  readonly securityGroupIds: readonly string[];
  readonly rootDeviceName: string;
  readonly amiLaunchIndex: number;
  readonly clientToken?: string;
  readonly spot?: SpotMarket;
  /** The Dedicated Host the instance runs on (tenancy `host`). */
  readonly hostId?: string;
  readonly launchTime: number;
  readonly runningAt: number;
  /** When TerminateInstances was called. */
  terminateRequestedAt?: number;
  /** When the instance counts as terminated (terminate request + the delete time knob). */
  terminatedAt?: number;
  readonly blockDevices: InstanceBlockDevice[];
  readonly networkInterfaceIds: string[];
  /** The Elastic IP associated with the instance, if any. */
  publicIpAddress?: string;
}

export function instanceStateAt(instance: InstanceRecord, now: number): InstanceStateName {
  if (instance.terminatedAt !== undefined) return now >= instance.terminatedAt ? 'terminated' : 'shutting-down';
  return now >= instance.runningAt ? 'running' : 'pending';
}

/** EC2's private DNS name for an address: `ip-10-0-0-5.ec2.internal` in us-east-1, `…region.compute.internal` elsewhere. */
export function privateDnsName(privateIpAddress: string, region: string): string {
  const host = `ip-${privateIpAddress.replace(/\./g, '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}
