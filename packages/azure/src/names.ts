import { nodeIdentity, type NodeIdentityInput } from '@cloudpool/common';

/** The IP families a node may have addresses of, as ARM names them. */
export type IpVersion = 'IPv4' | 'IPv6';

/**
 * The names of one node's resources, all derived from its VM's name, so that a repeated PUT
 * updates the same resource instead of making a second one, and cleanup finds every part from
 * the external id alone. The NIC and public IP names are Nodepool's (`<vm>-nic`,
 * `<vm>-pip-IPv4`), so nodes Nodepool made are cleaned up the same way.
 */
export interface NodeResourceNames {
  vm: string;
  nic: string;
  publicIp(version: IpVersion): string;
  /** The OS disk of a VM cloudpool made (Nodepool let Azure name it). */
  osDisk: string;
}

export function resourceNamesOf(vmName: string): NodeResourceNames {
  return {
    vm: vmName,
    nic: `${vmName}-nic`,
    publicIp: (version) => `${vmName}-pip-${version}`,
    osDisk: `${vmName}-os`,
  };
}

/**
 * The VM name of a node: `np` and the node id, as Nodepool names its hosts, then a digest of
 * the installation, provider, node id and the node record's nonce (see `nodeIdentity`), so that
 * neither another installation's node of the same id nor an earlier node of a reused id (after
 * ZooKeeper lost its data) can have the same name: `np0000000042-3f9c2a71d0e4`.
 */
export function vmNameOf(identity: NodeIdentityInput): string {
  return `np${identity.nodeId}-${nodeIdentity(identity)}`;
}

/** Resource group and name of an ARM resource id (`/subscriptions/.../resourceGroups/{rg}/providers/{ns}/{type}/{name}`). */
export interface ArmResourceRef {
  resourceGroup: string;
  name: string;
}

const RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i;

/** Parses an ARM resource id; undefined when it is not one. */
export function parseResourceId(id: string): ArmResourceRef | undefined {
  const match = RESOURCE_ID.exec(id);
  return match ? { resourceGroup: match[1]!, name: match[2]! } : undefined;
}

/**
 * The VM a node's external id names: an ARM id (what cloudpool records) or a bare VM name (what
 * Nodepool recorded), the latter in the provider's resource group.
 */
export function vmOfExternalId(externalId: string, resourceGroup: string): ArmResourceRef {
  return parseResourceId(externalId) ?? { resourceGroup, name: externalId };
}

/** The id of a subnet given by network and subnet name. */
export function subnetId(subscriptionId: string, network: { resourceGroup: string; network: string; subnet: string }): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${network.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${network.network}/subnets/${network.subnet}`;
}
