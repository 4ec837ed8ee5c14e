import type { Host } from '@aws-sdk/client-ec2';
import { CloudError, type CloudResource } from '@cloudpool/common';
import type { HostAndFleetPort } from './dedicated-host-port.js';
import { providerTagFilter, tagList, tagRecord } from './tags.js';

/** The largest page DescribeHosts serves. */

/** Leak cleanup's type for hosts; released after instances (a host with an instance cannot be). */
export const HOST_RESOURCE_TYPE = 'dedicated-host';
const HOST_DELETION_ORDER = 2;

/** A host state in which it is gone for good. */
const GONE = new Set(['released', 'released-permanent-failure']);

/**
 * The EC2 Dedicated Hosts of `dedicated-host` labels, as Nodepool uses them: one host per
 * node, allocated for the label's instance type in the pool's zone, without auto-placement,
 * recovery or maintenance, tagged like the node; released once its instance is terminated.
 * Every request is paced by the port (the provider's queue).
 */
export class DedicatedHosts {
  constructor(
    private readonly port: Pick<HostAndFleetPort, 'allocateHosts' | 'releaseHosts' | 'describeHosts'>,
    private readonly providerName: string,
  ) {}

  /**
   * One AllocateHosts of one host. Idempotent through `clientToken`: the same token answers
   * with the host it allocated. Rejects with a CloudError when EC2 allocates none.
   */
  async allocate(
    host: { availabilityZone: string; instanceType: string; tags: Record<string, string>; clientToken: string },
    signal: AbortSignal,
  ): Promise<string> {
    const output = await this.port.allocateHosts(
        {
          AvailabilityZone: host.availabilityZone,
          InstanceType: host.instanceType,
          Quantity: 1,
          AutoPlacement: 'off',
          HostRecovery: 'off',
          HostMaintenance: 'off',
          ClientToken: host.clientToken,
          TagSpecifications: [{ ResourceType: 'dedicated-host', Tags: tagList(host.tags) }],
        },
        signal,
    );
    const hostId = output.HostIds?.[0];
    if (!hostId) throw new CloudError('transient', 'AllocateHosts: the answer names no host', { action: 'AllocateHosts' });
    return hostId;
  }

  /**
   * Releases one host. Idempotent: a host that no longer exists counts as released. A host that
   * still has an instance is a `transient` CloudError (released once the instance is gone).
   */
  async release(hostId: string): Promise<void> {
    const output = await this.port.releaseHosts({ HostIds: [hostId] });
    const failure = output.Unsuccessful?.find((item) => item.ResourceId === hostId)?.Error;
    if (!failure || failure.Code === 'Client.InvalidHostID.NotFound') return;
    const kind = failure.Code === 'Client.InvalidHost.Occupied' ? 'transient' : 'rejected';
    throw new CloudError(kind, `ReleaseHosts: ${failure.Code}: ${failure.Message ?? ''}`, { action: 'ReleaseHosts', code: failure.Code });
  }

  /** The provider's hosts that are not released (DescribeHosts filtered on the provider tag, every page). */
  async list(): Promise<Host[]> {
    const hosts = await this.port.describeHosts([providerTagFilter(this.providerName)]);
    return hosts.filter((host) => !GONE.has(host.State ?? ''));
  }

  /** The provider's hosts as leak cleanup sees them. */
  async resources(): Promise<CloudResource[]> {
    return (await this.list()).map((host) => ({
      type: HOST_RESOURCE_TYPE,
      id: host.HostId ?? '',
      tags: tagRecord(host.Tags),
      deletionOrder: HOST_DELETION_ORDER,
      ...(host.AllocationTime ? { createdAt: host.AllocationTime.getTime() } : {}),
    }));
  }
}
