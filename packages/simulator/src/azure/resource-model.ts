import type { ArmErrorBody } from './errors.js';
import type { VmSize } from './compute-catalog.js';

/** The resource types the simulator serves under `/providers/` (resource groups are kept apart). */
export type ArmResourceType =
  | 'Microsoft.Compute/virtualMachines'
  | 'Microsoft.Compute/disks'
  | 'Microsoft.Compute/images'
  | 'Microsoft.Network/networkInterfaces'
  | 'Microsoft.Network/publicIPAddresses'
  | 'Microsoft.Network/virtualNetworks'
  | 'Microsoft.Network/networkSecurityGroups';

/** What happens to a NIC, disk or public IP when the VM using it is deleted. */
export type DeleteOption = 'Delete' | 'Detach';

/**
 * A create or update in progress. The state shown is derived from the clock when read:
 * `verb` (Creating/Updating) until `until`, then Succeeded, or Failed when `failure` is set.
 */
export interface Provisioning {
  verb: 'Creating' | 'Updating';
  until: number;
  failure?: ArmErrorBody;
  /** Ends `Canceled` rather than `Succeeded` (`failure` then says why). */
  canceled?: boolean;
}

interface ResourceCommon {
  /** The ARM id in the casing of the create request. */
  id: string;
  /** `id` lower-cased: ARM names and ids are case-insensitive. */
  key: string;
  name: string;
  /** The resource group's name in its own casing. */
  resourceGroup: string;
  /** Normalised location, e.g. `eastus`. */
  location: string;
  tags: Record<string, string>;
  createdAt: number;
  provisioning: Provisioning;
  /** Set by a DELETE: the resource shows `Deleting` until then, then it is gone. */
  deletingUntil?: number;
}

/** A reference from one resource to another, by key (for lookups) and id (for answers). */
export interface ResourceLink {
  key: string;
  id: string;
}

export interface VirtualMachine extends ResourceCommon {
  type: 'Microsoft.Compute/virtualMachines';
  vmId: string;
  size: VmSize;
  /** The request's `properties`, without secrets; networkProfile and osDisk are kept apart. */
  properties: Record<string, unknown>;
  zones?: string[];
  networkInterfaces: Array<ResourceLink & { primary: boolean; deleteOption: DeleteOption }>;
  osDisk: ResourceLink & { name: string; deleteOption: DeleteOption; details: Record<string, unknown> };
}

export interface NicIpConfiguration {
  name: string;
  /** Other request properties of the ip configuration, echoed back. */
  properties: Record<string, unknown>;
  version: 'IPv4' | 'IPv6';
  privateIpAddress: string;
  subnetId: string;
  primary: boolean;
  publicIp?: ResourceLink & { deleteOption: DeleteOption };
}

export interface NetworkInterface extends ResourceCommon {
  type: 'Microsoft.Network/networkInterfaces';
  resourceGuid: string;
  etag: string;
  macAddress: string;
  /** The request's `properties` other than the ip configurations. */
  properties: Record<string, unknown>;
  ipConfigurations: NicIpConfiguration[];
  virtualMachine?: ResourceLink;
  /** After its VM was deleted the NIC stays reserved for it until `until`. */
  reservation?: { vmId: string; until: number };
}

export interface PublicIpAddress extends ResourceCommon {
  type: 'Microsoft.Network/publicIPAddresses';
  resourceGuid: string;
  etag: string;
  sku: { name: string; tier: string };
  version: 'IPv4' | 'IPv6';
  allocationMethod: 'Static' | 'Dynamic';
  /** The address itself: at create for static ones, once used by a VM for dynamic ones. */
  ipAddress?: string;
  properties: Record<string, unknown>;
  zones?: string[];
  /** The NIC ip configuration using it. */
  ipConfiguration?: { nicKey: string; id: string };
}

export interface Disk extends ResourceCommon {
  type: 'Microsoft.Compute/disks';
  uniqueId: string;
  sku: { name: string; tier: string };
  properties: Record<string, unknown>;
  managedBy?: ResourceLink;
  zones?: string[];
}

export interface Image extends ResourceCommon {
  type: 'Microsoft.Compute/images';
  properties: Record<string, unknown>;
}

export interface Subnet {
  name: string;
  addressPrefix: string;
  /** Host number of the next private address handed out. */
  nextHost: number;
  properties: Record<string, unknown>;
}

export interface VirtualNetwork extends ResourceCommon {
  type: 'Microsoft.Network/virtualNetworks';
  resourceGuid: string;
  etag: string;
  properties: Record<string, unknown>;
  subnets: Subnet[];
}

export interface NetworkSecurityGroup extends ResourceCommon {
  type: 'Microsoft.Network/networkSecurityGroups';
  resourceGuid: string;
  etag: string;
  /** The request's properties (`securityRules`...), echoed. */
  properties: Record<string, unknown>;
}

export type Resource = VirtualMachine | NetworkInterface | PublicIpAddress | Disk | Image | VirtualNetwork | NetworkSecurityGroup;

export interface ResourceGroup {
  id: string;
  key: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  managedBy?: string;
  deletingUntil?: number;
}

/** The provisioning state shown at `now`. */
export function provisioningState(resource: { provisioning: Provisioning; deletingUntil?: number }, now: number): string {
  if (resource.deletingUntil !== undefined) return 'Deleting';
  const { provisioning } = resource;
  if (now < provisioning.until) return provisioning.verb;
  if (provisioning.canceled) return 'Canceled';
  return provisioning.failure ? 'Failed' : 'Succeeded';
}
