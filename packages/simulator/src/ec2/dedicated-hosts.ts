import type { Ec2Action } from './action-context.js';
import { describePage } from './describe-page.js';
import { ec2Errors, Ec2Error } from './errors.js';
import type { FilterCatalog } from './filters.js';
import { findInstanceType } from './instance-types.js';
import type { InstanceRecord } from './instances.js';
import type { QueryParams } from './query-protocol.js';
import { lookUp, RESOURCE_KINDS } from './resource-kinds.js';
import type { StoredResource } from './resource-store.js';
import { parseTags } from './tag-params.js';
import { xmlElement, xmlList, xmlTagSet, xmlText, xmlTime } from './xml.js';

/**
 * One EC2 Dedicated Host, allocated for one instance type (Nodepool runs one instance per
 * host). `available` from allocation until released; `released` hosts stay visible.
 */
export interface HostRecord extends StoredResource {
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly autoPlacement: 'on' | 'off';
  readonly hostRecovery: 'on' | 'off';
  readonly hostMaintenance: 'on' | 'off';
  readonly allocationTime: number;
  readonly clientToken?: string;
  state: 'available' | 'released';
  releaseTime?: number;
  /** Instances placed on the host and not yet terminated. */
  readonly instanceIds: Set<string>;
}

/** How many instances of its type a host holds: one, in the simulator (as Nodepool uses hosts). */
const INSTANCES_PER_HOST = 1;

function onOff(params: QueryParams, name: string, fallback: 'on' | 'off'): 'on' | 'off' {
  const value = params.string(name) ?? fallback;
  if (value !== 'on' && value !== 'off') throw ec2Errors.invalidParameterValue(`Value (${value}) for parameter ${name} is invalid. Expecting on or off.`);
  return value;
}

/**
 * AllocateHosts, as the EC2 API reference has it: `AvailabilityZone` (required here: the
 * simulator has no zone ids), `Quantity` (1 or more, default 1), exactly one of
 * `InstanceType` and `InstanceFamily` (the simulator supports `InstanceType` only), and tags
 * for `dedicated-host` only. Answers `hostIdSet`.
 */
export const allocateHosts: Ec2Action = {
  kind: 'write',
  isCreate: true,
  run(params, context) {
    const availabilityZone = params.requiredString('AvailabilityZone');
    if (!availabilityZone.startsWith(context.account.region)) {
      throw ec2Errors.invalidParameterValue(`Invalid availability zone: [${availabilityZone}]`);
    }
    const quantity = params.integer('Quantity') ?? 1;
    if (quantity < 1) throw ec2Errors.invalidParameterValue(`Value (${quantity}) for parameter quantity is invalid. Expected a value greater than 0.`);
    const typeName = params.string('InstanceType');
    const family = params.string('InstanceFamily');
    if (typeName !== undefined && family !== undefined) {
      throw ec2Errors.invalidParameterCombination('Only one of instanceType or instanceFamily can be specified');
    }
    if (typeName === undefined) {
      throw family === undefined ? ec2Errors.missingParameter('instanceType or instanceFamily') : new Ec2Error('Unsupported', 'The simulator allocates hosts by InstanceType only');
    }
    if (!findInstanceType(typeName)) throw ec2Errors.invalidParameterValue(`Invalid value '${typeName}' for InstanceType.`);
    let tags = new Map<string, string>();
    for (const specification of params.structures('TagSpecification')) {
      const resourceType = specification.requiredString('ResourceType');
      if (resourceType !== 'dedicated-host') {
        throw ec2Errors.invalidParameterValue(`'${resourceType}' is not a valid taggable resource type for this operation.`);
      }
      tags = parseTags(specification, 'Tag');
    }
    const clientToken = params.string('ClientToken');
    const earlier = clientToken === undefined ? [] : [...context.account.hosts.values()].filter((host) => host.clientToken === clientToken);
    if (earlier.length > 0) return xmlList('hostIdSet', earlier, (host) => host.id);
    const hosts: HostRecord[] = [];
    for (let index = 0; index < quantity; index++) {
      hosts.push(
        context.account.hosts.add({
          id: context.account.ids.next('h'),
          seq: 0,
          tags: new Map(tags),
          instanceType: typeName,
          availabilityZone,
          autoPlacement: onOff(params, 'AutoPlacement', 'on'),
          hostRecovery: onOff(params, 'HostRecovery', 'off'),
          hostMaintenance: onOff(params, 'HostMaintenance', 'on'),
          allocationTime: context.now,
          ...(clientToken === undefined ? {} : { clientToken }),
          state: 'available',
          instanceIds: new Set(),
        }),
      );
    }
    return xmlList('hostIdSet', hosts, (host) => host.id);
  },
};

/**
 * ReleaseHosts: every `HostId.N` must be well formed; each is released unless it still has
 * instances (`Client.InvalidHost.Occupied`) or is gone (`Client.InvalidHostID.NotFound`),
 * which are reported per host in `unsuccessful` rather than failing the call, as EC2 does.
 */
export const releaseHosts: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const ids = params.list('HostId');
    if (ids.length === 0) throw ec2Errors.missingParameter('hostId');
    const successful: string[] = [];
    const unsuccessful: Array<{ id: string; code: string; message: string }> = [];
    for (const id of ids) {
      if (!/^h-[0-9a-f]{17}$/.test(id)) throw new Ec2Error('InvalidHostID.Malformed', `Invalid id: "${id}" (expecting "h-...")`);
      const host = context.account.hosts.get(id);
      if (!host || host.state === 'released') {
        unsuccessful.push({ id, code: 'Client.InvalidHostID.NotFound', message: `The specified host ID ${id} does not exist` });
      } else if (liveInstances(host, (instanceId) => context.account.instances.get(instanceId), context.now).length > 0) {
        unsuccessful.push({ id, code: 'Client.InvalidHost.Occupied', message: `Host ${id} has running instances and cannot be released` });
      } else {
        host.state = 'released';
        host.releaseTime = context.now;
        successful.push(id);
      }
    }
    return (
      xmlList('successful', successful, (id) => id) +
      xmlList('unsuccessful', unsuccessful, ({ id, code, message }) => xmlElement('error', xmlText('code', code) + xmlText('message', message)) + xmlText('resourceId', id))
    );
  },
};

/** The instances on a host that are not terminated yet. */
export function liveInstances(host: HostRecord, instanceOf: (id: string) => InstanceRecord | undefined, now: number): InstanceRecord[] {
  return [...host.instanceIds].flatMap((id) => {
    const instance = instanceOf(id);
    if (!instance || (instance.terminatedAt !== undefined && instance.terminatedAt <= now)) return [];
    return [instance];
  });
}

const HOST_FILTERS: FilterCatalog<HostRecord> = {
  'availability-zone': (host) => host.availabilityZone,
  'instance-type': (host) => host.instanceType,
  state: (host) => host.state,
  'auto-placement': (host) => host.autoPlacement,
  'client-token': (host) => host.clientToken,
  'host-reservation-id': () => undefined,
};

/** DescribeHosts: `HostId.N` (all must exist) or filters (`tag:…`, `state`…), paged by `MaxResults` (5 to 500, not with `HostId.N`). */
export const describeHosts: Ec2Action = {
  kind: 'read',
  run(params, context) {
    const ids = params.list('HostId');
    if (ids.length > 0 && params.string('MaxResults') !== undefined) {
      throw ec2Errors.invalidParameterCombination('The parameter hostIdSet cannot be used with the parameter maxResults');
    }
    const page = describePage(context.account.hosts, params, context, {
      catalog: HOST_FILTERS,
      bounds: { min: 5, max: 500 },
      only: ids.length > 0 ? lookUp(context.account, RESOURCE_KINDS.host, ids) : undefined,
    });
    const instanceOf = (id: string) => context.account.instances.get(id);
    return (
      xmlList('hostSet', page.items, (host) => {
        const type = findInstanceType(host.instanceType);
        const placed = liveInstances(host, instanceOf, context.now);
        return (
          xmlText('autoPlacement', host.autoPlacement) +
          xmlText('availabilityZone', host.availabilityZone) +
          xmlElement(
            'availableCapacity',
            xmlList('availableInstanceCapacity', [host.instanceType], (instanceType) =>
              xmlText('availableCapacity', host.state === 'available' ? INSTANCES_PER_HOST - placed.length : 0) +
                xmlText('instanceType', instanceType) +
                xmlText('totalCapacity', INSTANCES_PER_HOST),
            ),
          ) +
          xmlText('clientToken', host.clientToken) +
          xmlText('hostId', host.id) +
          xmlElement(
            'hostProperties',
            xmlText('cores', type?.cores) + xmlText('instanceType', host.instanceType) + xmlText('sockets', 1) + xmlText('totalVCpus', type?.vcpus),
          ) +
          xmlList('instances', placed, (instance) =>
            xmlText('instanceId', instance.id) + xmlText('instanceType', instance.instanceType) + xmlText('ownerId', context.account.accountId),
          ) +
          xmlText('state', host.state) +
          xmlText('allocationTime', xmlTime(host.allocationTime)) +
          xmlText('releaseTime', host.releaseTime === undefined ? undefined : xmlTime(host.releaseTime)) +
          xmlTagSet(host.tags) +
          xmlText('hostRecovery', host.hostRecovery) +
          xmlText('allowsMultipleInstanceTypes', 'off') +
          xmlText('ownerId', context.account.accountId) +
          xmlText('memberOfServiceLinkedResourceGroup', false) +
          xmlText('hostMaintenance', host.hostMaintenance)
        );
      }) + page.nextTokenXml
    );
  },
};
