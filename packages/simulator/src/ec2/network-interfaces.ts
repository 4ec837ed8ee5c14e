import type { StoredResource } from './resource-store.js';

export interface NetworkInterfaceAttachment {
  attachmentId: string;
  instanceId: string;
  deviceIndex: number;
  attachTime: number;
  deleteOnTermination: boolean;
}

/** One elastic network interface; RunInstances makes one per instance (device index 0). */
export interface NetworkInterfaceRecord extends StoredResource {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  readonly macAddress: string;
  readonly securityGroupIds: readonly string[];
  readonly description: string;
  attachment?: NetworkInterfaceAttachment;
}

export function networkInterfaceStatus(networkInterface: NetworkInterfaceRecord): 'in-use' | 'available' {
  return networkInterface.attachment ? 'in-use' : 'available';
}
