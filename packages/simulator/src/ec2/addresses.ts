import type { StoredResource } from './resource-store.js';

export interface AddressAssociation {
  associationId: string;
  instanceId: string;
  networkInterfaceId: string;
  privateIpAddress: string;
}

/** One Elastic IP address (VPC domain); its id is the allocation id. */
export interface AddressRecord extends StoredResource {
  readonly publicIp: string;
  association?: AddressAssociation;
}
