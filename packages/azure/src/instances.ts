import type { VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface, PublicIPAddress } from '@azure/arm-network';
import { type CloudInstance, type InstanceState, type QuotaSet, TAG } from '@cloudpool/common';
import { canonicalVmId } from './vm-identity.js';

/** The NICs and public IPs of a resource group, by lower-cased id (ARM ids are case-insensitive). */
export interface NetworkIndex {
  nics: Map<string, NetworkInterface>;
  publicIps: Map<string, PublicIPAddress>;
}

export function indexNetwork(nics: readonly NetworkInterface[], publicIps: readonly PublicIPAddress[]): NetworkIndex {
  const byId = <T extends { id?: string }>(items: readonly T[]) =>
    new Map(items.filter((item) => item.id !== undefined).map((item) => [item.id!.toLowerCase(), item]));
  return { nics: byId(nics), publicIps: byId(publicIps) };
}

/** Azure's provisioning states as the framework's instance states; any other (e.g. `Canceled`) is `error`. */
export function instanceState(provisioningState: string | undefined): InstanceState {
  switch (provisioningState) {
    case 'Creating':
    case 'Updating':
    case undefined:
      return 'building';
    case 'Succeeded':
      return 'ready';
    case 'Deleting':
      return 'deleting';
    default:
      return 'error';
  }
}

interface Addresses {
  privateIpv4?: string;
  privateIpv6?: string;
  publicIpv4?: string;
  publicIpv6?: string;
}

/** The addresses of a VM's primary NIC, joined from the group's NIC and public IP listings. */
function addressesOf(vm: VirtualMachine, network: NetworkIndex): Addresses {
  const references = vm.networkProfile?.networkInterfaces ?? [];
  const primary = references.find((reference) => reference.primary) ?? references[0];
  const nic = primary?.id === undefined ? undefined : network.nics.get(primary.id.toLowerCase());
  const addresses: Addresses = {};
  for (const configuration of nic?.ipConfigurations ?? []) {
    const v6 = configuration.privateIPAddressVersion === 'IPv6';
    if (configuration.privateIPAddress) addresses[v6 ? 'privateIpv6' : 'privateIpv4'] ??= configuration.privateIPAddress;
    const publicIpId = configuration.publicIPAddress?.id;
    const publicIp = publicIpId === undefined ? undefined : network.publicIps.get(publicIpId.toLowerCase());
    if (publicIp?.ipAddress) addresses[publicIp.publicIPAddressVersion === 'IPv6' ? 'publicIpv6' : 'publicIpv4'] ??= publicIp.ipAddress;
  }
  return addresses;
}

/** Why a VM is in `Failed`, when its (listed) instance view says. */
function failureOf(vm: VirtualMachine): string {
  const status = vm.instanceView?.statuses?.find((s) => s.code?.startsWith('ProvisioningState/failed'));
  return status?.message ?? `VM provisioning state ${vm.provisioningState ?? 'unknown'}`;
}

export interface InstanceContext {
  /** Where the VM is: its external id is built from these and its name (see `canonicalVmId`). */
  subscriptionId: string;
  resourceGroup: string;
  network: NetworkIndex;
  /** The pool's `use-internal-ip`: reach the node on its private address even when it has a public one. */
  useInternalIp: boolean;
  quota: QuotaSet;
}

/**
 * A VM as the framework sees it. The interface address is the public one (IPv4 first), else the
 * private one, as in Nodepool; with `use-internal-ip`, the private one.
 */
export function toCloudInstance(vm: VirtualMachine, context: InstanceContext): CloudInstance {
  const tags = { ...vm.tags };
  const state = instanceState(vm.provisioningState);
  const addresses = addressesOf(vm, context.network);
  const privateIp = addresses.privateIpv4 ?? addresses.privateIpv6;
  const interfaceIp = context.useInternalIp ? privateIp : (addresses.publicIpv4 ?? addresses.publicIpv6 ?? privateIp);
  const zone = vm.zones?.[0];
  return {
    externalId: canonicalVmId(context.subscriptionId, context.resourceGroup, vm.name!),
    nodeId: tags[TAG.nodeId],
    state,
    tags,
    ...(vm.timeCreated ? { createdAt: new Date(vm.timeCreated).getTime() } : {}),
    ...(state === 'error' ? { error: { kind: 'transient', message: failureOf(vm) } } : {}),
    ...addresses,
    ...(interfaceIp === undefined ? {} : { interfaceIp }),
    ...(zone === undefined ? {} : { az: zone }),
    region: vm.location,
    quota: context.quota,
  };
}
