import { CloudError, isCloudError, type CloudResource } from '@cloudpool/common';
import type { Ec2Port } from './port.js';
import { providerTagFilter, tagRecord } from './tags.js';

/** The resource types `listResources` reports, besides instances (which `listNodes` covers). */
const RESOURCE_TYPE = {
  volume: 'volume',
  image: 'image',
  snapshot: 'snapshot',
  address: 'public-ip',
  networkInterface: 'nic',
} as const;

/**
 * Deletion order within a cleanup pass: instances (0) first, which detaches their volumes and
 * interfaces and disassociates their addresses; then volumes, images, addresses and network
 * interfaces; snapshots last, as an image's snapshot cannot be deleted while the image is
 * registered.
 */
const DELETION_ORDER: Readonly<Record<string, number>> = {
  [RESOURCE_TYPE.volume]: 1,
  [RESOURCE_TYPE.image]: 1,
  [RESOURCE_TYPE.address]: 1,
  [RESOURCE_TYPE.networkInterface]: 1,
  [RESOURCE_TYPE.snapshot]: 2,
};

/**
 * What leak cleanup may find of a provider besides its instances, each type read with a
 * server-side filter on the provider tag: detached (`available`) volumes, the account's own
 * images and snapshots (image uploads carry the provider, build and upload tags), Elastic IPs,
 * and detached (`available`) network interfaces. The driver allocates no Elastic IP itself
 * (`public-ipv4` uses the interface's automatic address), so only addresses someone tagged for
 * the provider are listed. The primary interface RunInstances makes for a node is deleted with
 * its instance (`DeleteOnTermination`); one left `available` and tagged for the provider was
 * detached from its instance, or made with `DeleteOnTermination: false`, and outlived it. EC2
 * gives interfaces no creation time: their age counts from the first sighting.
 */
export class LeakResources {
  constructor(
    private readonly calls: Pick<
      Ec2Port,
      | 'describeVolumes'
      | 'describeImages'
      | 'describeSnapshots'
      | 'describeAddresses'
      | 'describeNetworkInterfaces'
      | 'deleteVolume'
      | 'deregisterImage'
      | 'deleteSnapshot'
      | 'releaseAddress'
      | 'deleteNetworkInterface'
    >,
    private readonly providerName: string,
  ) {}

  /** All or nothing: any failed read rejects. */
  async list(): Promise<CloudResource[]> {
    const tagged = providerTagFilter(this.providerName);
    const available = { Name: 'status', Values: ['available'] };
    const [volumes, images, snapshots, addresses, networkInterfaces] = await Promise.all([
      this.calls.describeVolumes([tagged, available]),
      this.calls.describeImages({ Owners: ['self'], Filters: [tagged] }),
      this.calls.describeSnapshots({ OwnerIds: ['self'], Filters: [tagged] }),
      this.calls.describeAddresses([tagged]),
      this.calls.describeNetworkInterfaces([tagged, available]),
    ]);
    return [
      ...volumes.map((v) => resource(RESOURCE_TYPE.volume, v.VolumeId, v.Tags, v.CreateTime?.getTime())),
      ...images.map((i) => resource(RESOURCE_TYPE.image, i.ImageId, i.Tags, i.CreationDate ? Date.parse(i.CreationDate) : undefined)),
      ...snapshots.map((s) => resource(RESOURCE_TYPE.snapshot, s.SnapshotId, s.Tags, s.StartTime?.getTime())),
      ...addresses.map((a) => resource(RESOURCE_TYPE.address, a.AllocationId, a.Tags, undefined)),
      ...networkInterfaces.map((n) => resource(RESOURCE_TYPE.networkInterface, n.NetworkInterfaceId, n.TagSet, undefined)),
    ];
  }

  /** Deletes one listed resource; one that no longer exists counts as deleted. */
  async delete(resource: CloudResource): Promise<void> {
    try {
      await this.deleteByType(resource);
    } catch (error) {
      if (!isCloudError(error, 'not-found')) throw error;
    }
  }

  private deleteByType({ type, id }: CloudResource): Promise<void> {
    switch (type) {
      case RESOURCE_TYPE.volume:
        return this.calls.deleteVolume(id);
      case RESOURCE_TYPE.image:
        return this.calls.deregisterImage(id);
      case RESOURCE_TYPE.snapshot:
        return this.calls.deleteSnapshot(id);
      case RESOURCE_TYPE.address:
        return this.calls.releaseAddress(id);
      case RESOURCE_TYPE.networkInterface:
        return this.calls.deleteNetworkInterface(id);
      default:
        return Promise.reject(new CloudError('permanent', `the aws driver cannot delete resources of type ${type} (${id})`));
    }
  }
}

function resource(type: string, id: string | undefined, tags: Parameters<typeof tagRecord>[0], createdAt: number | undefined): CloudResource {
  return {
    type,
    id: id ?? '',
    tags: tagRecord(tags),
    deletionOrder: DELETION_ORDER[type] ?? 0,
    ...(createdAt === undefined || Number.isNaN(createdAt) ? {} : { createdAt }),
  };
}
