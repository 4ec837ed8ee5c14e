import type { Instance } from '@aws-sdk/client-ec2';
import { TAG, type CloudInstance, type InstanceState, type QuotaSet } from '@cloudpool/common';
import { tagRecord } from './tags.js';

/**
 * The framework's state of an EC2 instance state:
 * - pending → building; running → ready;
 * - shutting-down → deleting; terminated → deleted;
 * - stopping and stopped → error. cloudpool never stops instances: a stop came from someone
 *   else (or a spot interruption with stop behaviour) and the node is unusable, so a launch
 *   fails over to a new attempt (a `transient` error) and the node is deleted.
 */
const STATES: Readonly<Record<string, InstanceState>> = {
  pending: 'building',
  running: 'ready',
  'shutting-down': 'deleting',
  terminated: 'deleted',
  stopping: 'error',
  stopped: 'error',
};

export interface InstanceViewContext {
  region: string;
  /** Whether the node's pool wants its private address used even when it has a public one. */
  usesInternalIp(poolName: string | undefined): boolean;
  /** What the instance uses of the quota, when known. */
  quota: QuotaSet | undefined;
}

/** An EC2 instance as the framework sees it. */
export function toCloudInstance(instance: Instance, context: InstanceViewContext): CloudInstance {
  const tags = tagRecord(instance.Tags);
  const stateName = instance.State?.Name ?? 'pending';
  const state = STATES[stateName] ?? 'error';
  const privateIpv4 = instance.PrivateIpAddress || undefined;
  const publicIpv4 = instance.PublicIpAddress || undefined;
  const publicIpv6 = instance.NetworkInterfaces?.[0]?.Ipv6Addresses?.[0]?.Ipv6Address ?? (instance.Ipv6Address || undefined);
  const interfaceIp = context.usesInternalIp(tags[TAG.poolName]) ? privateIpv4 : (publicIpv4 ?? publicIpv6 ?? privateIpv4);
  return {
    externalId: instance.InstanceId ?? '',
    nodeId: tags[TAG.nodeId],
    state,
    tags,
    ...(instance.LaunchTime ? { createdAt: instance.LaunchTime.getTime() } : {}),
    ...(state === 'error'
      ? { error: { kind: 'transient' as const, message: `instance is ${stateName}: ${instance.StateReason?.Message ?? 'no reason given'}` } }
      : {}),
    ...(privateIpv4 ? { privateIpv4 } : {}),
    ...(publicIpv4 ? { publicIpv4 } : {}),
    ...(publicIpv6 ? { publicIpv6 } : {}),
    ...(interfaceIp ? { interfaceIp } : {}),
    ...(instance.Placement?.AvailabilityZone ? { az: instance.Placement.AvailabilityZone } : {}),
    region: context.region,
    ...(instance.Placement?.HostId ? { hostId: instance.Placement.HostId } : {}),
    ...(context.quota ? { quota: context.quota } : {}),
  };
}
