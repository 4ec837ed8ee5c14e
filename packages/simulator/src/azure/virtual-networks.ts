import { randomUUID } from 'node:crypto';
import { ArmError } from './errors.js';
import { arrayField, objectField, stringField, without, type JsonObject } from './request-fields.js';
import type { ResourceKind } from './resource-kind.js';
import { provisioningState, type Subnet, type VirtualNetwork } from './resource-model.js';
import type { ResourceStore } from './resources.js';

const TYPE = 'Microsoft.Network/virtualNetworks';
/** Azure keeps the first four addresses of every subnet for itself. */
const FIRST_HOST = 4;

function subnetsFrom(properties: JsonObject, previous: readonly Subnet[]): Subnet[] {
  return arrayField(properties.subnets).map((value) => {
    const subnet = objectField(value);
    const name = stringField(subnet.name);
    const subnetProperties = objectField(subnet.properties);
    const addressPrefix = stringField(subnetProperties.addressPrefix);
    if (!name || !addressPrefix) throw new ArmError(400, 'InvalidRequestFormat', 'Each subnet needs a name and properties.addressPrefix.');
    const kept = previous.find((s) => s.name.toLowerCase() === name.toLowerCase());
    return { name, addressPrefix, nextHost: kept?.nextHost ?? FIRST_HOST, properties: without(subnetProperties, 'addressPrefix', 'provisioningState') };
  });
}

/** The subnet an id such as `.../virtualNetworks/vnet/subnets/default` names, if it exists. */
export function findSubnet(store: ResourceStore, subnetId: string): { network: VirtualNetwork; subnet: Subnet } | undefined {
  const match = /^(.*\/virtualNetworks\/[^/]+)\/subnets\/([^/]+)$/i.exec(subnetId);
  if (!match) return undefined;
  const network = store.find(match[1] as string, TYPE);
  const name = (match[2] as string).toLowerCase();
  const subnet = network?.deletingUntil === undefined ? network?.subnets.find((s) => s.name.toLowerCase() === name) : undefined;
  return network && subnet ? { network, subnet } : undefined;
}

/** The next free private address of a subnet (IPv4 from its prefix; IPv6 from a ULA range). */
export function allocatePrivateAddress(subnet: Subnet, version: 'IPv4' | 'IPv6'): string {
  const host = subnet.nextHost;
  subnet.nextHost += 1;
  if (version === 'IPv6') return `ace:cab:deca::${host.toString(16)}`;
  const [address = '10.0.0.0'] = subnet.addressPrefix.split('/');
  const base = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const value = base + host;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function subnetToArm(network: VirtualNetwork, subnet: Subnet, now: number): JsonObject {
  return {
    name: subnet.name,
    id: `${network.id}/subnets/${subnet.name}`,
    etag: network.etag,
    type: `${TYPE}/subnets`,
    properties: {
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
      delegations: [],
      ...subnet.properties,
      provisioningState: provisioningState(network, now),
      addressPrefix: subnet.addressPrefix,
    },
  };
}

/** Virtual networks with their subnets, the address space NICs take private addresses from. */
export const virtualNetworks: ResourceKind<VirtualNetwork> = {
  type: TYPE,
  provider: 'Microsoft.Network',
  collection: 'virtualNetworks',

  create(ctx, target, body) {
    const properties = objectField(body.properties);
    return {
      type: TYPE,
      ...target,
      tags: {},
      createdAt: ctx.now,
      provisioning: { verb: 'Updating', until: ctx.now },
      resourceGuid: randomUUID(),
      etag: `W/"${randomUUID()}"`,
      properties: without(properties, 'subnets', 'provisioningState', 'resourceGuid'),
      subnets: subnetsFrom(properties, []),
    };
  },

  update(ctx, network, body) {
    const properties = objectField(body.properties);
    network.subnets = subnetsFrom(properties, network.subnets);
    network.properties = without(properties, 'subnets', 'provisioningState', 'resourceGuid');
    network.etag = `W/"${randomUUID()}"`;
    network.provisioning = { verb: 'Updating', until: ctx.now };
  },

  checkDelete(ctx, network) {
    const prefix = `${network.key}/subnets/`;
    for (const nic of ctx.store.list('Microsoft.Network/networkInterfaces')) {
      const user = nic.ipConfigurations.find((config) => config.subnetId.toLowerCase().startsWith(prefix));
      if (user) {
        throw new ArmError(400, 'InUseSubnetCannotBeDeleted',
          `Subnet ${user.subnetId.split('/').pop() ?? ''} is in use by ${nic.id}/ipConfigurations/${user.name} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
      }
    }
  },

  toArm(network, now) {
    return {
      name: network.name,
      id: network.id,
      etag: network.etag,
      type: TYPE,
      location: network.location,
      tags: network.tags,
      properties: {
        virtualNetworkPeerings: [],
        enableDdosProtection: false,
        ...network.properties,
        provisioningState: provisioningState(network, now),
        resourceGuid: network.resourceGuid,
        subnets: network.subnets.map((subnet) => subnetToArm(network, subnet, now)),
      },
    };
  },
};
