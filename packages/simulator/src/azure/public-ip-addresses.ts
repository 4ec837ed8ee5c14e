import type { SshHosts } from '../core/ssh-hosts.js';
import { randomUUID } from 'node:crypto';
import { ArmError } from './errors.js';
import { checkRoomForPublicIp } from './network-usage.js';
import { arrayField, choiceOf, objectField, stringField, without, type JsonObject } from './request-fields.js';
import type { ResourceKind } from './resource-kind.js';
import { provisioningState, type PublicIpAddress } from './resource-model.js';

/** Hands out public addresses, each once. */
export class PublicAddressPool {
  private issued = 0;

  /** In SSH mode IPv4 addresses come from the simulator's loopback block. */
  constructor(private readonly ssh?: SshHosts) {}

  next(version: 'IPv4' | 'IPv6'): string {
    if (version === 'IPv4' && this.ssh) return this.ssh.nextAddress();
    this.issued += 1;
    const n = this.issued;
    return version === 'IPv4'
      ? `20.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
      : `2603:1030:${(n >> 16).toString(16)}::${(n & 0xffff).toString(16)}`;
  }
}

const TYPE = 'Microsoft.Network/publicIPAddresses';
const SERVER_OWNED = ['provisioningState', 'resourceGuid', 'ipAddress', 'ipConfiguration', 'publicIPAddressVersion', 'publicIPAllocationMethod'];

/** Reads SKU, IP version and allocation method; Standard (Azure's default now) means static. */
function settingsFrom(body: JsonObject): Pick<PublicIpAddress, 'sku' | 'version' | 'allocationMethod'> {
  const properties = objectField(body.properties);
  const skuName = choiceOf(objectField(body.sku), 'name', ['Standard', 'Basic'] as const) ?? 'Standard';
  const allocationMethod = choiceOf(properties, 'publicIPAllocationMethod', ['Static', 'Dynamic'] as const)
    ?? (skuName === 'Standard' ? 'Static' : 'Dynamic');
  return {
    sku: { name: skuName, tier: stringField(objectField(body.sku).tier) ?? 'Regional' },
    version: choiceOf(properties, 'publicIPAddressVersion', ['IPv4', 'IPv6'] as const) ?? 'IPv4',
    allocationMethod,
  };
}

/** Public IP addresses: static ones get their address at create, dynamic ones once a VM uses them. */
export const publicIpAddresses: ResourceKind<PublicIpAddress> = {
  type: TYPE,
  provider: 'Microsoft.Network',
  collection: 'publicIPAddresses',

  create(ctx, target, body) {
    const settings = settingsFrom(body);
    checkRoomForPublicIp(ctx.store, target.location, settings.allocationMethod, ctx.azure.networkQuotas);
    const zones = arrayField(body.zones).map(String);
    return {
      type: TYPE,
      ...target,
      tags: {},
      createdAt: ctx.now,
      // ARM answers a new public IP's PUT `Updating`; it is `Succeeded` a little later.
      provisioning: { verb: 'Updating', until: ctx.now + ctx.azure.publicIpProvisioningMs },
      resourceGuid: randomUUID(),
      etag: `W/"${randomUUID()}"`,
      ...settings,
      ...(settings.allocationMethod === 'Static' ? { ipAddress: ctx.publicAddresses.next(settings.version) } : {}),
      properties: without(objectField(body.properties), ...SERVER_OWNED),
      ...(zones.length ? { zones } : {}),
    };
  },

  update(ctx, address, body) {
    const settings = settingsFrom(body);
    Object.assign(address, settings);
    if (settings.allocationMethod === 'Static' && !address.ipAddress) address.ipAddress = ctx.publicAddresses.next(settings.version);
    address.properties = without(objectField(body.properties), ...SERVER_OWNED);
    address.etag = `W/"${randomUUID()}"`;
    address.provisioning = { verb: 'Updating', until: ctx.now };
  },

  checkDelete(_ctx, address) {
    if (address.ipConfiguration) {
      // ARM's code for this case; `PublicIPAddressInUse` is its answer to attaching an IP that is taken.
      throw new ArmError(400, 'PublicIPAddressCannotBeDeleted',
        `Public IP address ${address.id} can not be deleted since it is still allocated to resource ${address.ipConfiguration.id}. In order to delete the public IP, disassociate/detach the Public IP address from the resource.  To learn how to do this, see aka.ms/deletepublicip.`);
    }
  },

  toArm(address, now) {
    return {
      name: address.name,
      id: address.id,
      etag: address.etag,
      location: address.location,
      tags: address.tags,
      ...(address.zones ? { zones: address.zones } : {}),
      sku: address.sku,
      type: TYPE,
      properties: {
        idleTimeoutInMinutes: 4,
        ipTags: [],
        ...address.properties,
        provisioningState: provisioningState(address, now),
        resourceGuid: address.resourceGuid,
        publicIPAddressVersion: address.version,
        publicIPAllocationMethod: address.allocationMethod,
        ...(address.ipAddress ? { ipAddress: address.ipAddress } : {}),
        ...(address.ipConfiguration ? { ipConfiguration: { id: address.ipConfiguration.id } } : {}),
      },
    };
  },
};

