import type { HostRecord } from './dedicated-hosts.js';
import { liveInstances } from './dedicated-hosts.js';
import type { Ec2Account } from './ec2-account.js';
import { Ec2Error, ec2Errors } from './errors.js';
import type { QueryParams } from './query-protocol.js';
import { lookUpOne, RESOURCE_KINDS } from './resource-kinds.js';

const TENANCIES = new Set(['default', 'dedicated', 'host']);

/**
 * RunInstances' `Placement`: the zone, and for tenancy `host` the Dedicated Host, as the EC2
 * API reference defines them. `Placement.HostId` needs tenancy `host` (given or implied), an
 * `available` host of the instance type with room left, in the requested zone if one is
 * named; tenancy `host` without a host id takes an auto-placement host of the type. Spot
 * instances cannot run on Dedicated Hosts.
 */
export function launchPlacement(
  params: QueryParams,
  account: Ec2Account,
  launch: { instanceType: string; count: number; spot: boolean; now: number },
): { availabilityZone?: string; host?: HostRecord } {
  const placement = params.member('Placement');
  const availabilityZone = placement.string('AvailabilityZone');
  const tenancy = placement.string('Tenancy');
  const hostId = placement.string('HostId');
  if (tenancy !== undefined && !TENANCIES.has(tenancy)) throw ec2Errors.invalidParameterValue(`Invalid value '${tenancy}' for tenancy.`);
  if (hostId === undefined && tenancy !== 'host') return { ...(availabilityZone === undefined ? {} : { availabilityZone }) };
  if (tenancy !== undefined && tenancy !== 'host') {
    throw ec2Errors.invalidParameterCombination(`The tenancy '${tenancy}' cannot be used with a host ID; use tenancy 'host'`);
  }
  if (launch.spot) throw ec2Errors.invalidParameterCombination('Spot instances cannot be launched on Dedicated Hosts');
  const instanceOf = (id: string) => account.instances.get(id);
  const hasRoom = (host: HostRecord) => host.state === 'available' && liveInstances(host, instanceOf, launch.now).length + launch.count <= 1;
  let host: HostRecord | undefined;
  if (hostId !== undefined) {
    host = lookUpOne(account, RESOURCE_KINDS.host, hostId);
    if (host.state !== 'available') throw new Ec2Error('InvalidHostState', `Host ${hostId} is ${host.state}`);
    if (host.instanceType !== launch.instanceType) {
      throw ec2Errors.invalidParameterValue(`Instance type ${launch.instanceType} is not supported on host ${hostId} (${host.instanceType})`);
    }
    if (availabilityZone !== undefined && availabilityZone !== host.availabilityZone) {
      throw ec2Errors.invalidParameterCombination(`Host ${hostId} is in ${host.availabilityZone}, not in ${availabilityZone}`);
    }
    if (!hasRoom(host)) throw new Ec2Error('InsufficientHostCapacity', `Insufficient capacity on host ${hostId}`);
  } else {
    host = [...account.hosts.values()].find(
      (candidate) =>
        candidate.autoPlacement === 'on' &&
        candidate.instanceType === launch.instanceType &&
        (availabilityZone === undefined || candidate.availabilityZone === availabilityZone) &&
        hasRoom(candidate),
    );
    if (!host) throw new Ec2Error('InsufficientHostCapacity', 'There is no Dedicated Host with auto-placement and room for this instance type');
  }
  return { availabilityZone: host.availabilityZone, host };
}
