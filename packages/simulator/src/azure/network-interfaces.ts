import { randomBytes, randomUUID } from 'node:crypto';
import { ArmError } from './errors.js';
import { arrayField, choiceOf, fieldOf, objectField, stringField, without, type JsonObject } from './request-fields.js';
import type { ArmContext, ResourceKind } from './resource-kind.js';
import { provisioningState, type NetworkInterface, type NicIpConfiguration, type PublicIpAddress, type Subnet } from './resource-model.js';
import { allocatePrivateAddress, findSubnet } from './virtual-networks.js';

const TYPE = 'Microsoft.Network/networkInterfaces';
const SERVER_OWNED = ['provisioningState', 'resourceGuid', 'ipConfigurations', 'macAddress', 'virtualMachine', 'primary'];
const IP_CONFIGURATION_SERVER_OWNED = [
  'provisioningState', 'privateIPAddress', 'subnet', 'publicIPAddress', 'primary', 'privateIPAddressVersion', 'privateIPAllocationMethod',
];

/** An ip configuration of a request, validated, with the public IP it uses. */
interface RequestedIpConfiguration {
  name: string;
  properties: JsonObject;
  version: 'IPv4' | 'IPv6';
  subnetId: string;
  subnet: Subnet;
  primary: boolean;
  publicIp?: { resource: PublicIpAddress; deleteOption: 'Delete' | 'Detach' };
}

function invalidReference(referencedId: string, nicId: string): ArmError {
  return new ArmError(400, 'InvalidResourceReference',
    `Resource ${referencedId} referenced by resource ${nicId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
}

/** Reads and checks the ip configurations of a NIC PUT: subnets and public IPs must exist, in the NIC's region, unused by other NICs. */
function requestedIpConfigurations(ctx: ArmContext, nicId: string, location: string, body: JsonObject): RequestedIpConfiguration[] {
  const configurations = arrayField(fieldOf(objectField(body.properties), 'ipConfigurations'));
  if (configurations.length === 0) {
    throw new ArmError(400, 'InvalidRequestFormat', `Network interface ${nicId} must have at least one ip configuration.`);
  }
  return configurations.map((value, index) => {
    const configuration = objectField(value);
    const name = stringField(configuration.name) ?? `ipconfig${index + 1}`;
    const properties = objectField(configuration.properties);
    const subnetId = stringField(objectField(fieldOf(properties, 'subnet')).id);
    if (!subnetId) throw new ArmError(400, 'InvalidRequestFormat', `Ip configuration ${nicId}/ipConfigurations/${name} must reference a subnet.`);
    const subnet = findSubnet(ctx.store, subnetId);
    if (!subnet || subnet.network.location !== location) throw invalidReference(subnetId, nicId);
    const publicIpReference = objectField(fieldOf(properties, 'publicIPAddress'));
    const publicIpId = stringField(publicIpReference.id);
    let publicIp: RequestedIpConfiguration['publicIp'];
    if (publicIpId) {
      const resource = ctx.store.find(publicIpId, 'Microsoft.Network/publicIPAddresses');
      if (!resource || resource.deletingUntil !== undefined || resource.location !== location) throw invalidReference(publicIpId, nicId);
      if (resource.ipConfiguration && resource.ipConfiguration.nicKey !== nicId.toLowerCase()) {
        throw new ArmError(400, 'PublicIPAddressInUse',
          `Public IP address ${resource.id} is already allocated to resource ${resource.ipConfiguration.id}. A public IP address can be associated with only one ip configuration.`);
      }
      const deleteOption = choiceOf(objectField(publicIpReference.properties), 'deleteOption', ['Delete', 'Detach'] as const) ?? 'Detach';
      publicIp = { resource, deleteOption };
    }
    return {
      name,
      properties: without(properties, ...IP_CONFIGURATION_SERVER_OWNED),
      version: choiceOf(properties, 'privateIPAddressVersion', ['IPv4', 'IPv6'] as const) ?? 'IPv4',
      subnetId,
      subnet: subnet.subnet,
      primary: typeof properties.primary === 'boolean' ? properties.primary : index === 0,
      ...(publicIp ? { publicIp } : {}),
    };
  });
}

/** Gives the NIC the requested ip configurations: private addresses (kept for unchanged ones) and public IP links. */
function applyIpConfigurations(ctx: ArmContext, nic: NetworkInterface, requested: RequestedIpConfiguration[]): void {
  const previous = nic.ipConfigurations;
  const stillUsed = new Set(requested.flatMap((request) => (request.publicIp ? [request.publicIp.resource.key] : [])));
  for (const configuration of previous) {
    if (configuration.publicIp && !stillUsed.has(configuration.publicIp.key)) detachPublicIp(ctx, configuration);
  }
  nic.ipConfigurations = requested.map((request): NicIpConfiguration => {
    const kept = previous.find((p) => p.name.toLowerCase() === request.name.toLowerCase() && p.subnetId.toLowerCase() === request.subnetId.toLowerCase());
    const privateIpAddress = kept && kept.version === request.version
      ? kept.privateIpAddress
      : allocatePrivateAddress(request.subnet, request.version);
    const configurationId = `${nic.id}/ipConfigurations/${request.name}`;
    const configuration: NicIpConfiguration = {
      name: request.name,
      properties: request.properties,
      version: request.version,
      privateIpAddress,
      subnetId: request.subnetId,
      primary: request.primary,
    };
    if (request.publicIp) {
      const { resource, deleteOption } = request.publicIp;
      resource.ipConfiguration = { nicKey: nic.key, id: configurationId };
      if (nic.virtualMachine && !resource.ipAddress) resource.ipAddress = ctx.publicAddresses.next(resource.version);
      configuration.publicIp = { key: resource.key, id: resource.id, deleteOption };
    }
    return configuration;
  });
}

function detachPublicIp(ctx: ArmContext, configuration: NicIpConfiguration): void {
  if (!configuration.publicIp) return;
  const address = ctx.store.find(configuration.publicIp.id, 'Microsoft.Network/publicIPAddresses');
  if (!address) return;
  delete address.ipConfiguration;
  if (address.allocationMethod === 'Dynamic') delete address.ipAddress;
}

function macAddress(): string {
  return ['00', '0D', '3A', ...[...randomBytes(3)].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase())].join('-');
}

/** Attaches a NIC to a VM being created: dynamic public IPs get their address now. */
export function attachToVirtualMachine(ctx: ArmContext, nic: NetworkInterface, vmKey: string, vmId: string): void {
  nic.virtualMachine = { key: vmKey, id: vmId };
  delete nic.reservation;
  for (const configuration of nic.ipConfigurations) {
    const address = configuration.publicIp && ctx.store.find(configuration.publicIp.id, 'Microsoft.Network/publicIPAddresses');
    if (address && !address.ipAddress) address.ipAddress = ctx.publicAddresses.next(address.version);
  }
}

/**
 * What the deletion of its VM does to a NIC: with deleteOption `Delete` the NIC goes too;
 * otherwise it is detached and stays reserved for the deleted VM for `nicReservationMs`, and its
 * dynamic public IPs lose their address. The public IPs of a standalone NIC stay either way
 * (detached): ARM documents the delete-with-VM option of a public IP for the IPs a VM defines
 * itself (`networkInterfaceConfigurations[].ipConfigurations[].publicIPAddressConfiguration`),
 * not for a `deleteOption` on a standalone NIC's ip configuration, so the simulator does not
 * honour the latter.
 */
export function releaseFromVirtualMachine(ctx: ArmContext, nic: NetworkInterface, deleteOption: 'Delete' | 'Detach', at: number): void {
  if (deleteOption === 'Delete') {
    ctx.remove(nic, at);
    return;
  }
  const vmId = nic.virtualMachine?.id ?? '';
  delete nic.virtualMachine;
  nic.reservation = { vmId, until: at + ctx.azure.nicReservationMs };
  for (const configuration of nic.ipConfigurations) {
    const address = configuration.publicIp && ctx.store.find(configuration.publicIp.id, 'Microsoft.Network/publicIPAddresses');
    if (address?.allocationMethod === 'Dynamic') delete address.ipAddress;
  }
}

/** Reserves a NIC for a VM Azure refused to create, for `nicReservationMs` from now. */
export function reserveFor(ctx: ArmContext, nic: NetworkInterface, vmId: string): void {
  if (ctx.azure.nicReservationMs > 0) nic.reservation = { vmId, until: ctx.now + ctx.azure.nicReservationMs };
}

/** The error Azure gives while a NIC is still reserved for a deleted VM, if it is. */
export function reservationError(nic: NetworkInterface, now: number): ArmError | undefined {
  if (!nic.reservation || now >= nic.reservation.until) return undefined;
  const seconds = Math.ceil((nic.reservation.until - now) / 1000);
  return new ArmError(400, 'NicReservedForAnotherVm',
    `Nic(s) in request is reserved for another Virtual Machine for ${seconds} seconds. Please provide another nic(s) or retry after ${seconds} seconds. Reserved VM: ${nic.reservation.vmId}`);
}

/** Network interfaces: ip configurations in a subnet, optionally with a public IP; attached to at most one VM. */
export const networkInterfaces: ResourceKind<NetworkInterface> = {
  type: TYPE,
  provider: 'Microsoft.Network',
  collection: 'networkInterfaces',

  create(ctx, target, body) {
    const requested = requestedIpConfigurations(ctx, target.id, target.location, body);
    const nic: NetworkInterface = {
      type: TYPE,
      ...target,
      tags: {},
      createdAt: ctx.now,
      provisioning: { verb: 'Updating', until: ctx.now },
      resourceGuid: randomUUID(),
      etag: `W/"${randomUUID()}"`,
      macAddress: macAddress(),
      properties: without(objectField(body.properties), ...SERVER_OWNED),
      ipConfigurations: [],
    };
    applyIpConfigurations(ctx, nic, requested);
    return nic;
  },

  update(ctx, nic, body) {
    const requested = requestedIpConfigurations(ctx, nic.id, nic.location, body);
    applyIpConfigurations(ctx, nic, requested);
    nic.properties = without(objectField(body.properties), ...SERVER_OWNED);
    nic.etag = `W/"${randomUUID()}"`;
    nic.provisioning = { verb: 'Updating', until: ctx.now };
  },

  checkDelete(ctx, nic) {
    if (nic.virtualMachine) {
      throw new ArmError(400, 'NicInUse',
        `Network Interface ${nic.id} is used by existing resource ${nic.virtualMachine.id}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`);
    }
    const reserved = reservationError(nic, ctx.now);
    if (reserved) throw reserved;
  },

  onRemoved(ctx, nic) {
    for (const configuration of nic.ipConfigurations) detachPublicIp(ctx, configuration);
  },

  toArm(nic, now) {
    const state = provisioningState(nic, now);
    return {
      name: nic.name,
      id: nic.id,
      etag: nic.etag,
      type: TYPE,
      location: nic.location,
      tags: nic.tags,
      properties: {
        dnsSettings: { dnsServers: [], appliedDnsServers: [] },
        enableAcceleratedNetworking: false,
        enableIPForwarding: false,
        disableTcpStateTracking: false,
        hostedWorkloads: [],
        tapConfigurations: [],
        nicType: 'Standard',
        auxiliaryMode: 'None',
        vnetEncryptionSupported: false,
        ...nic.properties,
        provisioningState: state,
        resourceGuid: nic.resourceGuid,
        ipConfigurations: nic.ipConfigurations.map((configuration) => ({
          name: configuration.name,
          id: `${nic.id}/ipConfigurations/${configuration.name}`,
          etag: nic.etag,
          type: `${TYPE}/ipConfigurations`,
          properties: {
            ...configuration.properties,
            provisioningState: state,
            privateIPAddress: configuration.privateIpAddress,
            privateIPAllocationMethod: 'Dynamic',
            subnet: { id: configuration.subnetId },
            ...(configuration.publicIp ? { publicIPAddress: { id: configuration.publicIp.id } } : {}),
            primary: configuration.primary,
            privateIPAddressVersion: configuration.version,
          },
        })),
        ...(nic.virtualMachine ? { macAddress: nic.macAddress, primary: true, virtualMachine: { id: nic.virtualMachine.id } } : {}),
      },
    };
  },
};
