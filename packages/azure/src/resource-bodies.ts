import { randomInt } from 'node:crypto';
import type { ImageReference, LinuxConfiguration, OSProfile, VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface, NetworkInterfaceIPConfiguration, PublicIPAddress } from '@azure/arm-network';
import type { AzureCloudImageSettings, AzureLabelSettings } from './config.js';
import type { IpVersion, NodeResourceNames } from './names.js';

/** What every resource of a node shares. */
export interface NodePlacement {
  location: string;
  /** The request's tags and the label's formatted `dynamic-tags`, on every resource in its create request. */
  tags: Record<string, string>;
  zone?: string;
}

const zonesOf = (placement: NodePlacement) => (placement.zone === undefined ? {} : { zones: [placement.zone] });

/**
 * A static Standard public IP. (Nodepool used Basic and dynamic for IPv4 only; Azure retired
 * Basic public IPs in 2025.) Deleted with the NIC that uses it (`deleteOption` on the NIC).
 */
export function publicIpBody(placement: NodePlacement, version: IpVersion): PublicIPAddress {
  return {
    location: placement.location,
    tags: placement.tags,
    sku: { name: 'Standard', tier: 'Regional' },
    publicIPAllocationMethod: 'Static',
    publicIPAddressVersion: version,
    ...zonesOf(placement),
  };
}

/** The addresses a NIC gets: private ones of the families asked for, each with its public IP if one was made. */
export interface NicAddressing {
  subnetId: string;
  ipv4: boolean;
  ipv6: boolean;
  /** Public IP id per family. */
  publicIpIds: Partial<Record<IpVersion, string>>;
}

/** One ip configuration per family (IPv4 primary, as Azure requires), public IPs deleted with the NIC. */
export function nicBody(placement: NodePlacement, addressing: NicAddressing): NetworkInterface {
  const configuration = (version: IpVersion, primary: boolean): NetworkInterfaceIPConfiguration => {
    const publicIpId = addressing.publicIpIds[version];
    return {
      name: `nodepool-${version === 'IPv4' ? 'v4' : 'v6'}-ip-config`,
      primary,
      privateIPAddressVersion: version,
      subnet: { id: addressing.subnetId },
      ...(publicIpId === undefined ? {} : { publicIPAddress: { id: publicIpId, deleteOption: 'Delete' } }),
    };
  };
  const ipConfigurations = [
    ...(addressing.ipv4 ? [configuration('IPv4', true)] : []),
    ...(addressing.ipv6 ? [configuration('IPv6', !addressing.ipv4)] : []),
  ];
  return { location: placement.location, tags: placement.tags, ipConfigurations };
}

/** What the VM boots and who may log in. */
export interface VmBoot {
  hostname: string;
  /** The cloud image's `username`. */
  username: string;
  image: AzureCloudImageSettings;
  imageReference: ImageReference;
  label: AzureLabelSettings;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

const PASSWORD_CLASSES = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'];

/** A random 64-character administrator password with every character class Azure's complexity rule wants. */
function generatedPassword(): string {
  const all = PASSWORD_CLASSES.join('');
  const pick = (chars: string) => chars[randomInt(chars.length)]!;
  return [...PASSWORD_CLASSES.map(pick), ...Array.from({ length: 61 }, () => pick(all))].join('');
}

function linuxConfiguration(username: string, sshPublicKey: string): LinuxConfiguration {
  return {
    disablePasswordAuthentication: true,
    ssh: { publicKeys: [{ path: `/home/${username}/.ssh/authorized_keys`, keyData: sshPublicKey }] },
  };
}

function osProfile(boot: VmBoot): OSProfile {
  const { image, label, username } = boot;
  const password = image.password ?? (image.generatePassword ? generatedPassword() : undefined);
  return {
    computerName: boot.hostname,
    adminUsername: username,
    ...(password === undefined ? {} : { adminPassword: password }),
    ...(image.sshPublicKey === undefined ? {} : { linuxConfiguration: linuxConfiguration(username, image.sshPublicKey) }),
    ...(label.customData === undefined ? {} : { customData: base64(label.customData) }),
  };
}

/**
 * The VM, with its OS disk made from the image. The NIC and the OS disk are deleted with the VM
 * (and the NIC's public IPs with the NIC), so deleting the VM deletes the whole node. The body
 * holds secrets (admin password): never log it.
 */
export function vmBody(placement: NodePlacement, names: NodeResourceNames, nicId: string, boot: VmBoot): VirtualMachine {
  const { label } = boot;
  return {
    location: placement.location,
    tags: placement.tags,
    ...zonesOf(placement),
    hardwareProfile: { vmSize: label.vmSize },
    storageProfile: {
      imageReference: boot.imageReference,
      osDisk: {
        name: names.osDisk,
        createOption: 'FromImage',
        deleteOption: 'Delete',
        ...(label.volumeSize === undefined ? {} : { diskSizeGB: label.volumeSize }),
      },
    },
    osProfile: osProfile(boot),
    networkProfile: { networkInterfaces: [{ id: nicId, primary: true, deleteOption: 'Delete' }] },
    ...(label.userData === undefined ? {} : { userData: base64(label.userData) }),
  };
}
