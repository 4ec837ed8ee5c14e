import type {
  _InstanceType,
  BlockDeviceMapping,
  InstanceNetworkInterfaceSpecification,
  ResourceType,
  RunInstancesCommandInput,
  TagSpecification,
} from '@aws-sdk/client-ec2';
import { CloudError, nodeIdentity, type NodeIdentityInput, type PoolLabelConfig } from '@cloudpool/common';
import type { AwsLabelSettings, AwsPoolSettings } from './config.js';
import type { ResolvedImage } from './image-resolver.js';
import { tagList } from './tags.js';

/** Everything one RunInstances is made from. */
export interface LaunchPlan {
  instanceType: string;
  label: AwsLabelSettings;
  pool: AwsPoolSettings;
  image: ResolvedImage;
  /** The root volume's mapping (see `rootVolumeMapping`); none when the image's is used as it is. */
  rootVolume?: BlockDeviceMapping;
  /** Tags for the instance and every sub-resource made with it. */
  tags: Record<string, string>;
  clientToken: string;
  /** The availability zone the framework chose, if the pool restricts them. */
  az?: string;
  /** The Dedicated Host to place the instance on (`dedicated-host` labels). */
  hostId?: string;
}

/**
 * The instance type a label launches. Labels the driver cannot launch through RunInstances
 * (EC2 Fleet's `fleet`) are a `permanent` CloudError.
 */
export function launchableInstanceType(label: PoolLabelConfig<AwsLabelSettings>): string {
  const settings = label.settings;
  const unsupported = settings.fleet ? 'fleet' : undefined;
  if (unsupported !== undefined || settings.instanceType === undefined) {
    throw new CloudError('permanent', `label ${label.name}: ${unsupported ?? 'a label without instance-type'} is not supported by the aws driver`);
  }
  return settings.instanceType;
}

/**
 * RunInstances' idempotency token for one launch attempt: the same installation, provider,
 * node record (id and nonce) and attempt always give the same token, so a repeated call (after
 * a lost answer) returns the instance the first one made; a node id handed out again after
 * ZooKeeper lost its data has another nonce, so its token never returns an earlier node's
 * instance. At most 64 ASCII characters, as EC2 requires.
 */
export function clientToken(attempt: NodeIdentityInput & { attempt: number }): string {
  return `cloudpool-${nodeIdentity(attempt, [attempt.attempt])}`;
}

/**
 * The one RunInstances of a node: one instance, tagged together with its volumes and network
 * interface (and spot request) in the same call; the root volume deleted with the instance;
 * the pool's network settings on the primary interface, as Nodepool sends them.
 */
export function runInstancesInput(plan: LaunchPlan): RunInstancesCommandInput {
  const { label, pool } = plan;
  return {
    ImageId: plan.image.imageId,
    InstanceType: plan.instanceType as _InstanceType,
    MinCount: 1,
    MaxCount: 1,
    ClientToken: plan.clientToken,
    KeyName: label.keyName,
    ...(label.ebsOptimized ? { EbsOptimized: true } : {}),
    NetworkInterfaces: [primaryInterface(pool)],
    TagSpecifications: tagSpecifications(plan.tags, label.useSpot),
    ...(plan.rootVolume === undefined ? {} : { BlockDeviceMappings: [plan.rootVolume] }),
    ...placement(plan),
    ...(label.userdata === undefined ? {} : { UserData: Buffer.from(label.userdata, 'utf8').toString('base64') }),
    ...(label.iamInstanceProfile === undefined
      ? {}
      : { IamInstanceProfile: 'arn' in label.iamInstanceProfile ? { Arn: label.iamInstanceProfile.arn } : { Name: label.iamInstanceProfile.name } }),
    ...(label.useSpot
      ? { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } }
      : {}),
    ...(label.imdsv2 === undefined ? {} : { MetadataOptions: { HttpTokens: label.imdsv2, HttpEndpoint: 'enabled' } }),
  };
}

function primaryInterface(pool: AwsPoolSettings): InstanceNetworkInterfaceSpecification {
  return {
    DeviceIndex: 0,
    AssociatePublicIpAddress: pool.publicIpv4,
    DeleteOnTermination: true,
    ...(pool.subnetId === undefined ? {} : { SubnetId: pool.subnetId }),
    ...(pool.securityGroupId === undefined ? {} : { Groups: [pool.securityGroupId] }),
    ...(pool.publicIpv6 ? { Ipv6AddressCount: 1 } : {}),
  };
}

function tagSpecifications(tags: Record<string, string>, spot: boolean): TagSpecification[] {
  const types: ResourceType[] = ['instance', 'volume', 'network-interface', ...(spot ? (['spot-instances-request'] as const) : [])];
  const list = tagList(tags);
  return types.map((ResourceType) => ({ ResourceType, Tags: list }));
}

/** The zone, and the Dedicated Host (tenancy `host`, affinity to it), as Nodepool places instances. */
function placement(plan: LaunchPlan): Pick<RunInstancesCommandInput, 'Placement'> {
  const zone = plan.az === undefined ? {} : { AvailabilityZone: plan.az };
  if (plan.hostId !== undefined) return { Placement: { ...zone, Tenancy: 'host', HostId: plan.hostId, Affinity: 'host' } };
  return plan.az === undefined ? {} : { Placement: zone };
}
