import type { Ec2Action } from './action-context.js';
import { describePage } from './describe-page.js';
import { ec2Errors } from './errors.js';
import type { FilterCatalog } from './filters.js';
import { instanceStateXml, reservationSetXml } from './instance-xml.js';
import { INSTANCE_STATE_CODES, instanceStateAt, type InstanceRecord } from './instances.js';
import { lookUp, RESOURCE_KINDS } from './resource-kinds.js';
import { xmlList, xmlText, xmlTime } from './xml.js';

/** DescribeInstances' filters besides the tag filters (their state read at `now`). */
function instanceFilters(now: number): FilterCatalog<InstanceRecord> {
  return {
    'instance-id': (instance) => instance.id,
    'instance-state-name': (instance) => instanceStateAt(instance, now),
    'instance-state-code': (instance) => String(INSTANCE_STATE_CODES[instanceStateAt(instance, now)]),
    'instance-type': (instance) => instance.instanceType,
    'image-id': (instance) => instance.imageId,
    'key-name': (instance) => instance.keyName,
    'subnet-id': (instance) => instance.subnetId,
    'vpc-id': (instance) => instance.vpcId,
    'availability-zone': (instance) => instance.availabilityZone,
    'private-ip-address': (instance) => instance.privateIpAddress,
    'ip-address': (instance) => instance.publicIpAddress,
    'reservation-id': (instance) => instance.reservationId,
    'client-token': (instance) => instance.clientToken,
    'instance-lifecycle': (instance) => (instance.spot ? 'spot' : undefined),
    'spot-instance-request-id': (instance) => instance.spot?.spotInstanceRequestId,
    architecture: (instance) => instance.architecture,
    'launch-time': (instance) => xmlTime(instance.launchTime),
    'instance.group-id': (instance) => instance.securityGroupIds,
  };
}

/**
 * DescribeInstances: `InstanceId.N` (all must exist) or filters, paged by `MaxResults` (5 to
 * 1000, not with `InstanceId.N`) in launch order. Terminated instances stay visible for a while.
 */
export const describeInstances: Ec2Action = {
  kind: 'read',
  run(params, context) {
    const ids = params.list('InstanceId');
    if (ids.length > 0 && params.string('MaxResults') !== undefined) {
      throw ec2Errors.invalidParameterCombination('The parameter instancesSet cannot be used with the parameter maxResults');
    }
    const page = describePage(context.account.instances, params, context, {
      catalog: instanceFilters(context.now),
      bounds: { min: 5, max: 1000 },
      only: ids.length > 0 ? lookUp(context.account, RESOURCE_KINDS.instance, ids) : undefined,
    });
    return reservationSetXml(page.items, context) + page.nextTokenXml;
  },
};

/**
 * TerminateInstances: every `InstanceId.N` must exist. Each goes shutting-down now and
 * terminated after the delete time knob; the answer gives each one's previous and current state.
 */
export const terminateInstances: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const ids = params.list('InstanceId');
    if (ids.length === 0) throw ec2Errors.missingParameter('InstanceId');
    const instances = lookUp(context.account, RESOURCE_KINDS.instance, ids);
    const changes = instances.map((instance) => ({
      instance,
      ...context.account.terminate(instance, context.now, context.knobs.deleteTimeMs),
    }));
    return xmlList(
      'instancesSet',
      changes,
      ({ instance, previous, current }) =>
        xmlText('instanceId', instance.id) + instanceStateXml('currentState', current) + instanceStateXml('previousState', previous),
    );
  },
};
