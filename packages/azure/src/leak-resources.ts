import type { GenericResourceExpanded } from '@azure/arm-resources';
import { type CloudResource, TAG } from '@cloudpool/common';
import type { ArmCollection } from './port.js';

/** A non-VM resource type leak cleanup considers, and where it stands in a deletion pass. */
interface ResourceKind {
  /** `CloudResource.type`. */
  type: string;
  collection: ArmCollection;
  /** A VM (0) goes before its NIC, the NIC before the public IPs it uses. */
  deletionOrder: number;
}

const KINDS: Record<string, ResourceKind> = {
  'microsoft.network/networkinterfaces': { type: 'nic', collection: 'networkInterfaces', deletionOrder: 1 },
  'microsoft.network/publicipaddresses': { type: 'public-ip', collection: 'publicIPAddresses', deletionOrder: 2 },
  'microsoft.compute/disks': { type: 'disk', collection: 'disks', deletionOrder: 2 },
  'microsoft.compute/images': { type: 'image', collection: 'images', deletionOrder: 2 },
};

/**
 * A resource of the group as leak cleanup sees it, if it is a NIC, public IP, disk or image that
 * carries a provider tag (whose, the framework decides). VMs are left out: `listNodes` reports them.
 */
export function toCloudResource(resource: GenericResourceExpanded): CloudResource | undefined {
  const kind = KINDS[resource.type?.toLowerCase() ?? ''];
  const tags = resource.tags ?? {};
  if (!kind || !resource.id || tags[TAG.providerName] === undefined) return undefined;
  return {
    type: kind.type,
    id: resource.id,
    tags: { ...tags },
    deletionOrder: kind.deletionOrder,
    ...(resource.createdTime ? { createdAt: new Date(resource.createdTime).getTime() } : {}),
  };
}

/** The ARM collection of a `CloudResource.type` this driver lists. */
export function collectionOf(type: string): ArmCollection | undefined {
  return Object.values(KINDS).find((kind) => kind.type === type)?.collection;
}
