/** The XML of every resource but instances (see `instance-xml.ts`), as the Describe calls answer it. */
import type { AddressRecord } from './addresses.js';
import type { Ec2Account } from './ec2-account.js';
import type { ImageRecord } from './images.js';
import type { InstanceTypeSpec } from './instance-types.js';
import { privateDnsName } from './instances.js';
import { networkInterfaceStatus, type NetworkInterfaceRecord } from './network-interfaces.js';
import type { SnapshotRecord } from './snapshots.js';
import { volumeState, type VolumeRecord } from './volumes.js';
import { escapeXml, xmlElement, xmlList, xmlTagSet, xmlText, xmlTime } from './xml.js';

export function volumeXml(volume: VolumeRecord, account: Ec2Account): string {
  const { attachment } = volume;
  return (
    xmlText('volumeId', volume.id) +
    xmlText('size', volume.size) +
    xmlText('snapshotId', volume.snapshotId ?? '') +
    xmlText('availabilityZone', volume.availabilityZone) +
    xmlText('status', volumeState(volume)) +
    xmlText('createTime', xmlTime(volume.createTime)) +
    xmlList('attachmentSet', attachment ? [attachment] : [], (attached) =>
      xmlText('volumeId', volume.id) +
      xmlText('instanceId', attached.instanceId) +
      xmlText('device', attached.device) +
      xmlText('status', 'attached') +
      xmlText('attachTime', xmlTime(attached.attachTime)) +
      xmlText('deleteOnTermination', attached.deleteOnTermination),
    ) +
    xmlTagSet(volume.tags) +
    xmlText('volumeType', volume.volumeType) +
    xmlText('iops', volume.iops) +
    xmlText('throughput', volume.throughput) +
    xmlText('encrypted', volume.encrypted) +
    xmlText('multiAttachEnabled', false) +
    xmlText('ownerId', account.accountId)
  );
}

export function networkInterfaceXml(networkInterface: NetworkInterfaceRecord, account: Ec2Account): string {
  const { attachment } = networkInterface;
  const dnsName = privateDnsName(networkInterface.privateIpAddress, account.region);
  return (
    xmlText('networkInterfaceId', networkInterface.id) +
    xmlText('subnetId', networkInterface.subnetId) +
    xmlText('vpcId', networkInterface.vpcId) +
    xmlText('availabilityZone', networkInterface.availabilityZone) +
    xmlText('description', networkInterface.description) +
    xmlText('ownerId', account.accountId) +
    xmlText('requesterManaged', false) +
    xmlText('status', networkInterfaceStatus(networkInterface)) +
    xmlText('macAddress', networkInterface.macAddress) +
    xmlText('privateIpAddress', networkInterface.privateIpAddress) +
    xmlText('privateDnsName', dnsName) +
    xmlText('sourceDestCheck', true) +
    xmlList('groupSet', networkInterface.securityGroupIds, (groupId) => xmlText('groupId', groupId)) +
    (attachment
      ? xmlElement(
          'attachment',
          xmlText('attachmentId', attachment.attachmentId) +
            xmlText('instanceId', attachment.instanceId) +
            xmlText('instanceOwnerId', account.accountId) +
            xmlText('deviceIndex', attachment.deviceIndex) +
            xmlText('networkCardIndex', 0) +
            xmlText('status', 'attached') +
            xmlText('attachTime', xmlTime(attachment.attachTime)) +
            xmlText('deleteOnTermination', attachment.deleteOnTermination),
        )
      : '') +
    xmlTagSet(networkInterface.tags) +
    xmlList(
      'privateIpAddressesSet',
      [networkInterface.privateIpAddress],
      (address) => xmlText('privateIpAddress', address) + xmlText('privateDnsName', dnsName) + xmlText('primary', true),
    ) +
    '<ipv6AddressesSet/>' +
    xmlText('interfaceType', 'interface')
  );
}

export function snapshotXml(snapshot: SnapshotRecord): string {
  return (
    xmlText('snapshotId', snapshot.id) +
    xmlText('volumeId', snapshot.volumeId) +
    xmlText('status', snapshot.state) +
    xmlText('startTime', xmlTime(snapshot.startTime)) +
    xmlText('progress', snapshot.state === 'completed' ? '100%' : '0%') +
    xmlText('ownerId', snapshot.ownerId) +
    xmlText('volumeSize', snapshot.volumeSize) +
    xmlText('description', snapshot.description) +
    xmlText('encrypted', snapshot.encrypted) +
    xmlText('storageTier', 'standard') +
    xmlTagSet(snapshot.tags)
  );
}

export function imageXml(image: ImageRecord): string {
  return (
    xmlText('imageId', image.id) +
    xmlText('imageLocation', `${image.ownerAlias ?? image.ownerId}/${image.name}`) +
    xmlText('imageState', 'available') +
    xmlText('imageOwnerId', image.ownerId) +
    xmlText('creationDate', image.creationDate) +
    xmlText('isPublic', image.isPublic) +
    xmlText('architecture', image.architecture) +
    xmlText('imageType', 'machine') +
    xmlText('imageOwnerAlias', image.ownerAlias) +
    xmlText('name', image.name) +
    xmlText('description', image.description) +
    xmlText('rootDeviceType', 'ebs') +
    xmlText('rootDeviceName', image.rootDeviceName) +
    xmlList('blockDeviceMapping', image.blockDevices, (device) =>
      xmlText('deviceName', device.deviceName) +
      xmlElement(
        'ebs',
        xmlText('deleteOnTermination', device.deleteOnTermination) +
          xmlText('snapshotId', device.snapshotId) +
          xmlText('volumeSize', device.volumeSize) +
          xmlText('volumeType', device.volumeType) +
          xmlText('encrypted', device.encrypted ?? false),
      ),
    ) +
    xmlText('virtualizationType', 'hvm') +
    xmlTagSet(image.tags) +
    xmlText('hypervisor', 'xen') +
    xmlText('enaSupport', true) +
    xmlText('sriovNetSupport', 'simple') +
    xmlText('bootMode', image.bootMode) +
    xmlText('platformDetails', image.platformDetails) +
    xmlText('usageOperation', 'RunInstances')
  );
}

export function addressXml(address: AddressRecord, account: Ec2Account): string {
  const { association } = address;
  return (
    xmlText('publicIp', address.publicIp) +
    xmlText('allocationId', address.id) +
    xmlText('domain', 'vpc') +
    (association
      ? xmlText('instanceId', association.instanceId) +
        xmlText('associationId', association.associationId) +
        xmlText('networkInterfaceId', association.networkInterfaceId) +
        xmlText('networkInterfaceOwnerId', account.accountId) +
        xmlText('privateIpAddress', association.privateIpAddress)
      : '') +
    xmlTagSet(address.tags) +
    xmlText('publicIpv4Pool', 'amazon') +
    xmlText('networkBorderGroup', account.region)
  );
}

export function instanceTypeXml(spec: InstanceTypeSpec): string {
  const nitro = spec.hypervisor === 'nitro';
  const items = (name: string, values: readonly (string | number)[]) => xmlList(name, values, (value) => escapeXml(String(value)));
  return (
    xmlText('instanceType', spec.name) +
    xmlText('currentGeneration', spec.currentGeneration) +
    xmlText('freeTierEligible', spec.freeTierEligible) +
    items('supportedUsageClasses', ['on-demand', 'spot']) +
    items('supportedRootDeviceTypes', nitro ? ['ebs'] : ['ebs', 'instance-store']) +
    items('supportedVirtualizationTypes', nitro ? ['hvm'] : ['hvm', 'paravirtual']) +
    xmlText('bareMetal', false) +
    xmlText('hypervisor', spec.hypervisor) +
    xmlElement(
      'processorInfo',
      items('supportedArchitectures', spec.architectures) + xmlText('sustainedClockSpeedInGhz', spec.clockGhz),
    ) +
    xmlElement(
      'vCpuInfo',
      xmlText('defaultVCpus', spec.vcpus) +
        xmlText('defaultCores', spec.cores) +
        xmlText('defaultThreadsPerCore', spec.threadsPerCore) +
        items('validCores', Array.from({ length: spec.cores }, (_, index) => index + 1)) +
        items('validThreadsPerCore', spec.threadsPerCore > 1 ? [1, spec.threadsPerCore] : [1]),
    ) +
    xmlElement('memoryInfo', xmlText('sizeInMiB', spec.memoryMiB)) +
    xmlText('instanceStorageSupported', false) +
    xmlElement(
      'ebsInfo',
      xmlText('ebsOptimizedSupport', nitro ? 'default' : 'unsupported') +
        xmlText('encryptionSupport', 'supported') +
        xmlText('nvmeSupport', nitro ? 'required' : 'unsupported'),
    ) +
    xmlElement(
      'networkInfo',
      xmlText('networkPerformance', spec.networkPerformance) +
        xmlText('maximumNetworkInterfaces', spec.maxNetworkInterfaces) +
        xmlText('maximumNetworkCards', 1) +
        xmlText('defaultNetworkCardIndex', 0) +
        xmlText('ipv4AddressesPerInterface', spec.ipv4AddressesPerInterface) +
        xmlText('ipv6AddressesPerInterface', nitro ? spec.ipv4AddressesPerInterface : 0) +
        xmlText('ipv6Supported', nitro) +
        xmlText('enaSupport', nitro ? 'required' : 'unsupported') +
        xmlText('efaSupported', false),
    ) +
    xmlElement('placementGroupInfo', items('supportedStrategies', ['cluster', 'partition', 'spread'])) +
    xmlText('hibernationSupported', spec.currentGeneration) +
    xmlText('burstablePerformanceSupported', spec.burstable) +
    xmlText('dedicatedHostsSupported', !spec.burstable) +
    xmlText('autoRecoverySupported', true) +
    items('supportedBootModes', spec.architectures.includes('arm64') ? ['uefi'] : ['legacy-bios', 'uefi'])
  );
}
