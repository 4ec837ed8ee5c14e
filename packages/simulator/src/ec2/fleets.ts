import type { ActionContext, Ec2Action } from './action-context.js';
import { Ec2Error, ec2Errors } from './errors.js';
import { findInstanceType } from './instance-types.js';
import { launchableCount } from './launch-quotas.js';
import { launchNetwork } from './launch-network.js';
import type { QueryParams } from './query-protocol.js';
import { lookUpOne, RESOURCE_KINDS } from './resource-kinds.js';
import type { StoredResource } from './resource-store.js';
import { launchVolumes, parseTagSpecifications } from './run-instances.js';
import { xmlElement, xmlList, xmlTagSet, xmlText, xmlTime } from './xml.js';

/** A launch template (one version: the simulator makes no others). */
export interface LaunchTemplateRecord extends StoredResource {
  readonly name: string;
  readonly createTime: number;
  /** `LaunchTemplateData.*` of the request, prefix stripped. */
  readonly data: QueryParams;
}

const TEMPLATE_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
const FLEET_TAGGABLE = new Set(['fleet', 'instance', 'volume']);
const ON_DEMAND_STRATEGIES = new Set(['lowest-price', 'prioritized']);
const SPOT_STRATEGIES = new Set(['lowest-price', 'diversified', 'capacity-optimized', 'capacity-optimized-prioritized', 'price-capacity-optimized']);

/**
 * CreateLaunchTemplate: `LaunchTemplateName` (3 to 128 of letters, digits and `().-/_`, unique
 * in the account: `InvalidLaunchTemplateName.AlreadyExistsException`), `LaunchTemplateData`
 * kept for CreateFleet, tags for `launch-template` only. Answers `launchTemplate`.
 */
export const createLaunchTemplate: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const name = params.requiredString('LaunchTemplateName');
    if (!TEMPLATE_NAME.test(name)) throw ec2Errors.invalidParameterValue(`Launch template name '${name}' is invalid`);
    const existing = [...context.account.launchTemplates.values()].find((template) => template.name === name);
    if (existing) {
      throw new Ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
    }
    const tags = parseTagSpecifications(params, new Set(['launch-template'])).get('launch-template') ?? new Map<string, string>();
    const template = context.account.launchTemplates.add({
      id: context.account.ids.next('lt'),
      seq: 0,
      tags,
      name,
      createTime: context.now,
      data: params.member('LaunchTemplateData'),
    });
    return xmlElement(
      'launchTemplate',
      xmlText('launchTemplateId', template.id) +
        xmlText('launchTemplateName', template.name) +
        xmlText('createTime', xmlTime(template.createTime)) +
        xmlText('createdBy', `arn:aws:iam::${context.account.accountId}:root`) +
        xmlText('defaultVersionNumber', 1) +
        xmlText('latestVersionNumber', 1) +
        xmlTagSet(template.tags),
    );
  },
};

/** One instance an instant fleet made, or one launch it could not make. */
type FleetOutcome = { override: QueryParams; instanceType: string; instanceId: string } | { override: QueryParams; instanceType: string; error: Ec2Error };

/**
 * CreateFleet of `Type=instant` (the simulator serves no other type): one launch template
 * (`LaunchTemplateSpecification` by id or name, version `$Latest`, `$Default` or 1) and its
 * `Overrides.N` (instance type, image, subnet, zone, priority, block device mappings), a
 * `TargetCapacitySpecification` with `TotalTargetCapacity` and `DefaultTargetCapacityType`,
 * the allocation strategy of that capacity type, tags for the fleet, its instances and
 * their volumes. Overrides are tried in the strategy's order (`prioritized`: by `Priority`,
 * others: as given) until the capacity is met; a launch that fails is reported in `errorSet`,
 * as EC2 reports them for instant fleets, not as the call's error.
 */
export const createFleet: Ec2Action = {
  kind: 'write',
  isCreate: true,
  run(params, context) {
    const type = params.string('Type') ?? 'maintain';
    if (type !== 'instant') throw new Ec2Error('Unsupported', `The simulator serves instant fleets only, not ${type}`);
    const configs = params.structures('LaunchTemplateConfigs');
    if (configs.length === 0) throw ec2Errors.missingParameter('LaunchTemplateConfigs');
    if (configs.length > 1) throw new Ec2Error('Unsupported', 'The simulator serves fleets of one launch template');
    const config = configs[0]!;
    const template = templateOf(config.member('LaunchTemplateSpecification'), context);
    const capacity = params.member('TargetCapacitySpecification');
    const total = capacity.integer('TotalTargetCapacity');
    if (total === undefined) throw ec2Errors.missingParameter('TargetCapacitySpecification.TotalTargetCapacity');
    if (total < 1) throw ec2Errors.invalidParameterValue('TotalTargetCapacity must be at least 1');
    const capacityType = capacity.string('DefaultTargetCapacityType') ?? 'on-demand';
    if (capacityType !== 'on-demand' && capacityType !== 'spot') {
      throw ec2Errors.invalidParameterValue(`Invalid value '${capacityType}' for DefaultTargetCapacityType`);
    }
    const strategies = capacityType === 'spot' ? SPOT_STRATEGIES : ON_DEMAND_STRATEGIES;
    const strategy = params.string(capacityType === 'spot' ? 'SpotOptions.AllocationStrategy' : 'OnDemandOptions.AllocationStrategy') ?? 'lowest-price';
    if (!strategies.has(strategy)) throw ec2Errors.invalidParameterValue(`Invalid ${capacityType} allocation strategy '${strategy}'`);
    const tags = parseTagSpecifications(params, FLEET_TAGGABLE);
    const overrides = config.structures('Overrides');
    if (overrides.length === 0) throw ec2Errors.missingParameter('LaunchTemplateConfigs.Overrides');
    const ordered = strategy === 'prioritized' ? [...overrides].sort((a, b) => (a.integer('Priority') ?? Infinity) - (b.integer('Priority') ?? Infinity)) : overrides;
    const outcomes: FleetOutcome[] = [];
    let launched = 0;
    for (const override of ordered) {
      if (launched >= total) break;
      const instanceType = override.string('InstanceType') ?? template.data.string('InstanceType') ?? '';
      try {
        const instanceId = launchFromTemplate(template, override, { instanceType, spot: capacityType === 'spot', tags }, context);
        outcomes.push({ override, instanceType, instanceId });
        launched += 1;
      } catch (error) {
        if (!(error instanceof Ec2Error)) throw error;
        outcomes.push({ override, instanceType, error });
      }
    }
    const lifecycle = capacityType === 'spot' ? 'spot' : 'on-demand';
    const templateXml = (override: QueryParams) =>
      xmlElement(
        'launchTemplateAndOverrides',
        xmlElement('launchTemplateSpecification', xmlText('launchTemplateId', template.id) + xmlText('version', '1')) +
          xmlElement('overrides', xmlText('instanceType', override.string('InstanceType')) + xmlText('subnetId', override.string('SubnetId'))),
      );
    return (
      xmlText('fleetId', `fleet-${context.account.ids.next('x').slice(2)}`) +
      xmlList(
        'errorSet',
        outcomes.flatMap((outcome) => ('error' in outcome ? [outcome] : [])),
        ({ override, error }) => templateXml(override) + xmlText('lifecycle', lifecycle) + xmlText('errorCode', error.code) + xmlText('errorMessage', error.message),
      ) +
      xmlList(
        'fleetInstanceSet',
        outcomes.flatMap((outcome) => ('instanceId' in outcome ? [outcome] : [])),
        ({ override, instanceType, instanceId }) =>
          templateXml(override) +
          xmlText('lifecycle', lifecycle) +
          xmlList('instanceIds', [instanceId], (id) => id) +
          xmlText('instanceType', instanceType) +
          xmlText('platform', 'Linux/UNIX'),
      )
    );
  },
};

function templateOf(specification: QueryParams, context: ActionContext): LaunchTemplateRecord {
  const id = specification.string('LaunchTemplateId');
  const name = specification.string('LaunchTemplateName');
  if ((id === undefined) === (name === undefined)) {
    throw ec2Errors.missingParameter('LaunchTemplateSpecification: exactly one of LaunchTemplateId and LaunchTemplateName');
  }
  const version = specification.string('Version') ?? '$Default';
  if (!['$Latest', '$Default', '1'].includes(version)) {
    throw new Ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${version}`);
  }
  const template =
    id !== undefined ? context.account.launchTemplates.get(id) : [...context.account.launchTemplates.values()].find((candidate) => candidate.name === name);
  if (!template) {
    throw id !== undefined
      ? new Ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`)
      : new Ec2Error('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
  }
  return template;
}

/** One instance from the template with an override on top, made as RunInstances makes one. */
function launchFromTemplate(
  template: LaunchTemplateRecord,
  override: QueryParams,
  launch: { instanceType: string; spot: boolean; tags: Map<string, Map<string, string>> },
  context: ActionContext,
): string {
  const { data } = template;
  const imageId = override.string('ImageId') ?? data.string('ImageId');
  if (imageId === undefined) throw ec2Errors.missingParameter('ImageId');
  const image = lookUpOne(context.account, RESOURCE_KINDS.image, imageId);
  const instanceType = findInstanceType(launch.instanceType);
  if (!instanceType) throw ec2Errors.invalidParameterValue(`Invalid value '${launch.instanceType}' for InstanceType.`);
  if (!instanceType.architectures.includes(image.architecture)) {
    throw ec2Errors.invalidParameterValue(`The architecture of instance type ${instanceType.name} does not match the architecture '${image.architecture}' of the AMI`);
  }
  const network = launchNetwork(data);
  const volumes = launchVolumes(override.structures('BlockDeviceMapping').length > 0 ? override : data, image, context);
  const cost = {
    vcpus: instanceType.vcpus,
    memoryMiB: instanceType.memoryMiB,
    volumes: volumes.length,
    volumeGiB: volumes.reduce((total, volume) => total + volume.size, 0),
    spot: launch.spot,
  };
  launchableCount(cost, 1, 1, context.account.usage, context.knobs.quotas);
  const instanceTags = launch.tags.get('instance') ?? new Map<string, string>();
  const [instance] = context.account.launch({
    image,
    instanceType,
    count: 1,
    keyName: override.string('KeyName') ?? data.string('KeyName'),
    subnetId: override.string('SubnetId') ?? network.subnetId,
    availabilityZone: override.string('AvailabilityZone') ?? data.string('Placement.AvailabilityZone'),
    securityGroupIds: network.securityGroupIds,
    ...(launch.spot ? { spot: { spotInstanceType: 'one-time', instanceInterruptionBehavior: 'terminate' } } : {}),
    volumes,
    instanceTags,
    volumeTags: launch.tags.get('volume') ?? new Map(),
    networkInterfaceTags: new Map(),
    networkInterfaceDeleteOnTermination: true,
    ...(network.associatePublicIp === undefined ? {} : { associatePublicIp: network.associatePublicIp }),
    launchTime: context.now,
    runningAt: context.now + Math.max(0, context.knobs.bootTimeMs),
  }).instances;
  return instance!.id;
}

