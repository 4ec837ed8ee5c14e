import type { Ec2Account } from './ec2-account.js';
import { INSTANCE_STATE_CODES, instanceStateAt, privateDnsName, type InstanceRecord, type InstanceStateName } from './instances.js';
import { xmlElement, xmlList, xmlTagSet, xmlText, xmlTime } from './xml.js';

/** What rendering needs besides the resource: the account (for related resources) and now. */
export interface RenderContext {
  account: Ec2Account;
  now: number;
}

export function instanceStateXml(name: string, state: InstanceStateName): string {
  return xmlElement(name, xmlText('code', INSTANCE_STATE_CODES[state]) + xmlText('name', state));
}

/** `reservationSet`: the instances grouped by reservation, in the order given. */
export function reservationSetXml(instances: readonly InstanceRecord[], context: RenderContext): string {
  const byReservation = new Map<string, InstanceRecord[]>();
  for (const instance of instances) {
    const group = byReservation.get(instance.reservationId);
    if (group) group.push(instance);
    else byReservation.set(instance.reservationId, [instance]);
  }
  return xmlList('reservationSet', byReservation, ([reservationId, members]) => reservationXml(reservationId, members, context));
}

/** A reservation's members, as RunInstances answers at its top level and DescribeInstances per item. */
export function reservationXml(reservationId: string, instances: readonly InstanceRecord[], context: RenderContext): string {
  return (
    xmlText('reservationId', reservationId) +
    xmlText('ownerId', context.account.accountId) +
    '<groupSet/>' +
    xmlList('instancesSet', instances, (instance) => instanceXml(instance, context))
  );
}

/** Per state: the instance's state, the reason for it, and its metadata service's state. */
const CHANGING_STATE_XML: Readonly<Record<InstanceStateName, string>> = {
  pending: stateXml('pending', 'pending', 'pending', 'pending'),
  running: stateXml('running', undefined, undefined, 'applied'),
  'shutting-down': stateXml('shutting-down', 'Client.UserInitiatedShutdown', 'Client.UserInitiatedShutdown: User initiated shutdown', 'applied'),
  terminated: stateXml('terminated', 'Client.UserInitiatedShutdown', 'Client.UserInitiatedShutdown: User initiated shutdown', 'applied'),
};

function stateXml(state: InstanceStateName, reasonCode: string | undefined, reasonMessage: string | undefined, metadataState: string): string {
  return (
    instanceStateXml('instanceState', state) +
    (reasonCode ? xmlElement('stateReason', xmlText('code', reasonCode) + xmlText('message', reasonMessage)) : '') +
    xmlElement(
      'metadataOptions',
      xmlText('state', metadataState) +
        xmlText('httpTokens', 'required') +
        xmlText('httpPutResponseHopLimit', 2) +
        xmlText('httpEndpoint', 'enabled'),
    )
  );
}

/** The elements every instance has, with the same values. */
const CONSTANT_INSTANCE_XML =
  '<productCodes/>' +
  xmlElement('monitoring', xmlText('state', 'disabled')) +
  xmlText('sourceDestCheck', true) +
  xmlText('rootDeviceType', 'ebs') +
  xmlText('virtualizationType', 'hvm') +
  xmlText('hypervisor', 'xen') +
  xmlText('ebsOptimized', false) +
  xmlText('enaSupport', true) +
  xmlElement('capacityReservationSpecification', xmlText('capacityReservationPreference', 'open')) +
  xmlElement('hibernationOptions', xmlText('configured', false)) +
  xmlText('platformDetails', 'Linux/UNIX') +
  xmlText('usageOperation', 'RunInstances');

/**
 * The parts of an instance's XML that do not change while it lives, and again once it is
 * terminated, rendered once per phase: listing thousands of instances again and again then
 * costs little more than joining strings. (Element order does not matter to EC2 clients.)
 */
const unchangingXml = new WeakMap<InstanceRecord, { live?: string; terminated?: string }>();

/**
 * One instance as DescribeInstances shows it. Once terminated it loses what it no longer has
 * (addresses, subnet, volumes, interfaces), as on EC2.
 */
export function instanceXml(instance: InstanceRecord, context: RenderContext): string {
  const state = instanceStateAt(instance, context.now);
  const terminated = state === 'terminated';
  let cached = unchangingXml.get(instance);
  if (!cached) unchangingXml.set(instance, (cached = {}));
  const unchanging = terminated
    ? (cached.terminated ??= unchangingInstanceXml(instance, context.account, true))
    : (cached.live ??= unchangingInstanceXml(instance, context.account, false));
  const { publicIpAddress, terminateRequestedAt } = instance;
  return (
    CHANGING_STATE_XML[state] +
    xmlText('dnsName', publicIpAddress ? publicDnsName(publicIpAddress, context.account.region) : '') +
    xmlText('ipAddress', publicIpAddress) +
    xmlText('reason', terminateRequestedAt === undefined ? '' : `User initiated (${gmt(terminateRequestedAt)})`) +
    xmlTagSet(instance.tags) +
    unchanging
  );
}

/**
 * Joined from an array rather than with `+`: `join` copies the pieces into one flat string,
 * where `+` would keep a tree of thousands of pieces alive for as long as the cache holds it.
 */
function unchangingInstanceXml(instance: InstanceRecord, account: Ec2Account, terminated: boolean): string {
  const launchTime = xmlTime(instance.launchTime);
  return [
    CONSTANT_INSTANCE_XML,
    xmlText('instanceId', instance.id),
    xmlText('imageId', instance.imageId),
    xmlText('privateDnsName', terminated ? '' : privateDnsName(instance.privateIpAddress, account.region)),
    xmlText('keyName', instance.keyName),
    xmlText('amiLaunchIndex', instance.amiLaunchIndex),
    xmlText('instanceType', instance.instanceType),
    xmlText('launchTime', launchTime),
    xmlElement(
      'placement',
      xmlText('availabilityZone', instance.availabilityZone) +
        '<groupName></groupName>' +
        (instance.hostId === undefined ? '<tenancy>default</tenancy>' : xmlText('tenancy', 'host') + xmlText('hostId', instance.hostId) + xmlText('affinity', 'host')),
    ),
    terminated
      ? ''
      : xmlText('subnetId', instance.subnetId) + xmlText('vpcId', instance.vpcId) + xmlText('privateIpAddress', instance.privateIpAddress),
    xmlList('groupSet', terminated ? [] : instance.securityGroupIds, (groupId) => groupXml(groupId, account)),
    xmlText('architecture', instance.architecture),
    xmlText('rootDeviceName', instance.rootDeviceName),
    xmlList('blockDeviceMapping', terminated ? [] : instance.blockDevices, (device) =>
      xmlText('deviceName', device.deviceName) +
      xmlElement(
        'ebs',
        xmlText('volumeId', device.volumeId) +
          '<status>attached</status>' +
          xmlText('attachTime', launchTime) +
          xmlText('deleteOnTermination', device.deleteOnTermination),
      ),
    ),
    instance.spot ? xmlText('instanceLifecycle', 'spot') + xmlText('spotInstanceRequestId', instance.spot.spotInstanceRequestId) : '',
    xmlText('clientToken', instance.clientToken ?? ''),
    xmlList('networkInterfaceSet', terminated ? [] : instance.networkInterfaceIds, (id) => instanceNetworkInterfaceXml(id, account)),
    xmlElement('cpuOptions', xmlText('coreCount', instance.cores) + xmlText('threadsPerCore', instance.threadsPerCore)),
    xmlText('usageOperationUpdateTime', launchTime),
  ].join('');
}

function groupXml(groupId: string, account: Ec2Account): string {
  return xmlText('groupId', groupId) + xmlText('groupName', groupId === account.defaultSecurityGroupId ? 'default' : groupId);
}

function instanceNetworkInterfaceXml(networkInterfaceId: string, account: Ec2Account): string {
  const networkInterface = account.networkInterfaces.get(networkInterfaceId);
  if (!networkInterface) return xmlText('networkInterfaceId', networkInterfaceId);
  const { attachment } = networkInterface;
  const dnsName = privateDnsName(networkInterface.privateIpAddress, account.region);
  return (
    xmlText('networkInterfaceId', networkInterface.id) +
    xmlText('subnetId', networkInterface.subnetId) +
    xmlText('vpcId', networkInterface.vpcId) +
    xmlText('description', networkInterface.description) +
    xmlText('ownerId', account.accountId) +
    xmlText('status', 'in-use') +
    xmlText('macAddress', networkInterface.macAddress) +
    xmlText('privateIpAddress', networkInterface.privateIpAddress) +
    xmlText('privateDnsName', dnsName) +
    xmlText('sourceDestCheck', true) +
    xmlList('groupSet', networkInterface.securityGroupIds, (groupId) => groupXml(groupId, account)) +
    (attachment
      ? xmlElement(
          'attachment',
          xmlText('attachmentId', attachment.attachmentId) +
            xmlText('deviceIndex', attachment.deviceIndex) +
            xmlText('networkCardIndex', 0) +
            xmlText('status', 'attached') +
            xmlText('attachTime', xmlTime(attachment.attachTime)) +
            xmlText('deleteOnTermination', attachment.deleteOnTermination),
        )
      : '') +
    xmlList(
      'privateIpAddressesSet',
      [networkInterface.privateIpAddress],
      (address) => xmlText('privateIpAddress', address) + xmlText('privateDnsName', dnsName) + xmlText('primary', true),
    ) +
    xmlText('interfaceType', 'interface')
  );
}

/** EC2's public DNS name for an Elastic IP: `ec2-54-16-0-1.compute-1.amazonaws.com` in us-east-1. */
function publicDnsName(publicIp: string, region: string): string {
  const host = `ec2-${publicIp.replace(/\./g, '-')}`;
  return region === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}

/** `2024-01-31 12:00:00 GMT`, the form EC2 uses in state transition reasons. */
function gmt(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} GMT`;
}
