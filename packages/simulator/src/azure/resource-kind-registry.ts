import { disks } from './disks.js';
import { images } from './images.js';
import { networkInterfaces } from './network-interfaces.js';
import { networkSecurityGroups } from './network-security-groups.js';
import { publicIpAddresses } from './public-ip-addresses.js';
import type { ResourceKind } from './resource-kind.js';
import type { ArmResourceType, Resource } from './resource-model.js';
import { virtualMachines } from './virtual-machines.js';
import { virtualNetworks } from './virtual-networks.js';

/**
 * Every served resource type, in the order a resource group's deletion removes them (users
 * before what they use: VMs, then NICs, then what NICs use).
 */
const KINDS: { [T in ArmResourceType]: ResourceKind<Extract<Resource, { type: T }>> } = {
  'Microsoft.Compute/virtualMachines': virtualMachines,
  'Microsoft.Network/networkInterfaces': networkInterfaces,
  'Microsoft.Network/publicIPAddresses': publicIpAddresses,
  'Microsoft.Compute/disks': disks,
  'Microsoft.Compute/images': images,
  'Microsoft.Network/virtualNetworks': virtualNetworks,
  'Microsoft.Network/networkSecurityGroups': networkSecurityGroups,
};

export const RESOURCE_TYPES = Object.keys(KINDS) as ArmResourceType[];

const BY_PATH = new Map(Object.values(KINDS).map((kind) => [`${kind.provider}/${kind.collection}`.toLowerCase(), kind as ResourceKind<Resource>]));

/** The kind that handles resources of this type. */
export function kindOf(type: ArmResourceType): ResourceKind<Resource> {
  return KINDS[type] as ResourceKind<Resource>;
}

/** The kind served at `providers/{provider}/{collection}` (case-insensitive), if any. */
export function kindAt(provider: string, collection: string): ResourceKind<Resource> | undefined {
  return BY_PATH.get(`${provider}/${collection}`.toLowerCase());
}
