import type { AddressRecord } from './addresses.js';
import type { Ec2Action } from './action-context.js';
import { describePage, requestFilters } from './describe-page.js';
import { Ec2Error, ec2Errors } from './errors.js';
import type { FilterCatalog } from './filters.js';
import { networkInterfaceStatus, type NetworkInterfaceRecord } from './network-interfaces.js';
import { lookUp, lookUpOne, RESOURCE_KINDS } from './resource-kinds.js';
import { addressXml, networkInterfaceXml } from './resource-xml.js';
import { xmlList, xmlText } from './xml.js';

const ADDRESS_FILTERS: FilterCatalog<AddressRecord> = {
  'allocation-id': (address) => address.id,
  'public-ip': (address) => address.publicIp,
  domain: () => 'vpc',
  'instance-id': (address) => address.association?.instanceId,
  'association-id': (address) => address.association?.associationId,
  'network-interface-id': (address) => address.association?.networkInterfaceId,
  'private-ip-address': (address) => address.association?.privateIpAddress,
};

const NETWORK_INTERFACE_FILTERS: FilterCatalog<NetworkInterfaceRecord> = {
  'network-interface-id': (networkInterface) => networkInterface.id,
  status: (networkInterface) => networkInterfaceStatus(networkInterface),
  'subnet-id': (networkInterface) => networkInterface.subnetId,
  'vpc-id': (networkInterface) => networkInterface.vpcId,
  'availability-zone': (networkInterface) => networkInterface.availabilityZone,
  'private-ip-address': (networkInterface) => networkInterface.privateIpAddress,
  'mac-address': (networkInterface) => networkInterface.macAddress,
  description: (networkInterface) => networkInterface.description,
  'group-id': (networkInterface) => networkInterface.securityGroupIds,
  'attachment.instance-id': (networkInterface) => networkInterface.attachment?.instanceId,
  'attachment.attachment-id': (networkInterface) => networkInterface.attachment?.attachmentId,
  'attachment.status': (networkInterface) => (networkInterface.attachment ? 'attached' : undefined),
};

/** DescribeAddresses: `AllocationId.N`, `PublicIp.N` (all must exist) and filters; not paged, as on EC2. */
export const describeAddresses: Ec2Action = {
  kind: 'read',
  run(params, context) {
    const { account } = context;
    const allocationIds = params.list('AllocationId');
    const publicIps = params.list('PublicIp');
    const named = [
      ...lookUp(account, RESOURCE_KINDS.address, allocationIds),
      ...publicIps.map((publicIp) => addressWithIp(publicIp, account.addresses.values())),
    ];
    const addresses = account.addresses.all(requestFilters(params, ADDRESS_FILTERS), named.length > 0 ? named : undefined);
    return xmlList('addressesSet', addresses, (address) => addressXml(address, account));
  },
};

/** ReleaseAddress by `AllocationId` (or `PublicIp`): refused with `InvalidIPAddress.InUse` while associated. */
export const releaseAddress: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const { account } = context;
    const allocationId = params.string('AllocationId');
    const publicIp = params.string('PublicIp');
    if (allocationId === undefined && publicIp === undefined) throw ec2Errors.missingParameter('AllocationId');
    const address =
      allocationId !== undefined
        ? lookUpOne(account, RESOURCE_KINDS.address, allocationId)
        : addressWithIp(publicIp as string, account.addresses.values());
    if (address.association) throw new Ec2Error('InvalidIPAddress.InUse', `Address ${address.publicIp} is in use.`);
    account.addresses.delete(address.id);
    return xmlText('return', true);
  },
};

/** DescribeNetworkInterfaces: `NetworkInterfaceId.N` (all must exist) and filters, paged (`MaxResults` 5 to 1000). */
export const describeNetworkInterfaces: Ec2Action = {
  kind: 'read',
  run(params, context) {
    const ids = params.list('NetworkInterfaceId');
    const page = describePage(context.account.networkInterfaces, params, context, {
      catalog: NETWORK_INTERFACE_FILTERS,
      bounds: { min: 5, max: 1000 },
      only: ids.length > 0 ? lookUp(context.account, RESOURCE_KINDS.networkInterface, ids) : undefined,
    });
    return xmlList('networkInterfaceSet', page.items, (networkInterface) => networkInterfaceXml(networkInterface, context.account)) + page.nextTokenXml;
  },
};

/**
 * DeleteNetworkInterface by `NetworkInterfaceId`; the interface is gone at once. One attached
 * to an instance is refused with `InvalidParameterValue`, in EC2's words.
 */
export const deleteNetworkInterface: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const networkInterface = lookUpOne(context.account, RESOURCE_KINDS.networkInterface, params.requiredString('NetworkInterfaceId'));
    if (networkInterface.attachment) throw ec2Errors.invalidParameterValue(`Network interface '${networkInterface.id}' is currently in use.`);
    context.account.networkInterfaces.delete(networkInterface.id);
    return xmlText('return', true);
  },
};

function addressWithIp(publicIp: string, addresses: Iterable<AddressRecord>): AddressRecord {
  for (const address of addresses) if (address.publicIp === publicIp) return address;
  throw new Ec2Error('InvalidAddress.NotFound', `Address '${publicIp}' not found.`);
}
