import { createHash } from 'node:crypto';
import type {
  _InstanceType,
  CreateFleetCommandInput,
  FleetBlockDeviceMappingRequest,
  RequestLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { CloudError, isCloudError } from '@cloudpool/common';
import type { AwsLabelSettings, AwsPoolSettings } from './config.js';
import type { HostAndFleetPort } from './dedicated-host-port.js';
import type { LaunchPlan } from './create-node.js';
import { toCloudError } from './errors.js';
import { tagList } from './tags.js';

/** Launch templates cloudpool makes are named with this and a hash of their content. */
const TEMPLATE_PREFIX = 'cloudpool';

/**
 * A `fleet` label's launch through EC2 Fleet, as Nodepool makes it: a launch template per
 * label content (key, security group, user data, metadata options, IAM profile; named by a
 * hash of it, made once and kept), then one `CreateFleet` of `Type=instant` for one instance,
 * an override per `instance-types` entry (image, subnet, zone, root volume, priority in the
 * order given), on-demand or spot (`use-spot`) with the label's `allocation-strategy`, and
 * the node's tags on the fleet, its instance and its volumes. Idempotent through the
 * ClientToken like RunInstances.
 */
export class FleetLaunch {
  private readonly templates = new Map<string, Promise<string>>();

  constructor(
    private readonly port: Pick<HostAndFleetPort, 'createLaunchTemplate' | 'createFleet'>,
    private readonly providerTags: Record<string, string>,
  ) {}

  /** Launches one instance; resolves with its id. Failures EC2 reports in `Errors` reject as their CloudError. */
  async launch(plan: LaunchPlan & { fleet: NonNullable<AwsLabelSettings['fleet']> }, signal: AbortSignal): Promise<string> {
    const templateName = await this.template(plan.label, plan.pool);
    const input = createFleetInput(plan, templateName);
    const output = await this.port.createFleet(input, signal);
    const instanceId = output.Instances?.flatMap((instance) => instance.InstanceIds ?? [])[0];
    if (instanceId) return instanceId;
    const error = output.Errors?.[0];
    if (!error) throw new CloudError('transient', 'CreateFleet: the answer names no instance and no error', { action: 'CreateFleet' });
    throw toCloudError(Object.assign(new Error(error.ErrorMessage ?? ''), { name: error.ErrorCode ?? 'Error', $fault: 'client' }), 'CreateFleet');
  }

  /** The label's launch template, made on first use (one CreateLaunchTemplate, shared by concurrent launches). */
  private template(label: AwsLabelSettings, pool: AwsPoolSettings): Promise<string> {
    const data = launchTemplateData(label, pool);
    const name = `${TEMPLATE_PREFIX}-${createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 48)}`;
    let made = this.templates.get(name);
    if (!made) {
      made = this.createTemplate(name, data);
      this.templates.set(name, made);
      made.catch(() => this.templates.delete(name));
    }
    return made;
  }

  private async createTemplate(name: string, data: RequestLaunchTemplateData): Promise<string> {
    try {
      await this.port.createLaunchTemplate({
        LaunchTemplateName: name,
        LaunchTemplateData: data,
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: tagList(this.providerTags) }],
      });
    } catch (error) {
      // Made before (by this provider or an earlier run): the name is the content's hash.
      if (!(isCloudError(error) && error.code === 'InvalidLaunchTemplateName.AlreadyExistsException')) throw error;
    }
    return name;
  }
}

/** What a fleet label's instances share: everything but image, type, subnet, zone and root volume. */
function launchTemplateData(label: AwsLabelSettings, pool: AwsPoolSettings): RequestLaunchTemplateData {
  return {
    KeyName: label.keyName,
    ...(pool.securityGroupId === undefined ? {} : { SecurityGroupIds: [pool.securityGroupId] }),
    ...(label.ebsOptimized ? { EbsOptimized: true } : {}),
    ...(label.userdata === undefined ? {} : { UserData: Buffer.from(label.userdata, 'utf8').toString('base64') }),
    ...(label.iamInstanceProfile === undefined
      ? {}
      : { IamInstanceProfile: 'arn' in label.iamInstanceProfile ? { Arn: label.iamInstanceProfile.arn } : { Name: label.iamInstanceProfile.name } }),
    ...(label.imdsv2 === undefined ? {} : { MetadataOptions: { HttpTokens: label.imdsv2, HttpEndpoint: 'enabled' } }),
  };
}

/** The CreateFleet of one node (see FleetLaunch). */
export function createFleetInput(plan: LaunchPlan & { fleet: NonNullable<AwsLabelSettings['fleet']> }, templateName: string): CreateFleetCommandInput {
  const { fleet, label, pool } = plan;
  const tags = tagList(plan.tags);
  const rootVolume = plan.rootVolume as FleetBlockDeviceMappingRequest | undefined;
  const capacityType = label.useSpot ? 'spot' : 'on-demand';
  return {
    Type: 'instant',
    ClientToken: plan.clientToken,
    LaunchTemplateConfigs: [
      {
        LaunchTemplateSpecification: { LaunchTemplateName: templateName, Version: '$Latest' },
        Overrides: fleet.instanceTypes.map((instanceType, priority) => ({
          InstanceType: instanceType as _InstanceType,
          ImageId: plan.image.imageId,
          ...(pool.subnetId === undefined ? {} : { SubnetId: pool.subnetId }),
          ...(plan.az === undefined ? {} : { AvailabilityZone: plan.az }),
          ...(rootVolume === undefined ? {} : { BlockDeviceMappings: [rootVolume] }),
          ...(fleet.allocationStrategy === 'prioritized' ? { Priority: priority } : {}),
        })),
      },
    ],
    TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: capacityType },
    ...(label.useSpot
      ? { SpotOptions: { AllocationStrategy: fleet.allocationStrategy as NonNullable<CreateFleetCommandInput['SpotOptions']>['AllocationStrategy'] } }
      : { OnDemandOptions: { AllocationStrategy: fleet.allocationStrategy as NonNullable<CreateFleetCommandInput['OnDemandOptions']>['AllocationStrategy'] } }),
    TagSpecifications: [
      { ResourceType: 'fleet', Tags: tags },
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
  };
}
