import type { ActionContext, Ec2Action } from './action-context.js';
import type { LaunchSpec, LaunchVolume } from './ec2-account.js';
import { Ec2Error, ec2Errors } from './errors.js';
import type { ImageRecord } from './images.js';
import { reservationXml } from './instance-xml.js';
import { DEFAULT_INSTANCE_TYPE, findInstanceType } from './instance-types.js';
import { launchNetwork } from './launch-network.js';
import { launchPlacement } from './launch-placement.js';
import { launchableCount } from './launch-quotas.js';
import type { QueryParams } from './query-protocol.js';
import { lookUpOne, RESOURCE_KINDS } from './resource-kinds.js';
import { parseTags } from './tag-params.js';

/** Resource types a RunInstances tag specification may name. */
const TAGGABLE_AT_LAUNCH = new Set(['instance', 'volume', 'network-interface', 'spot-instances-request', 'elastic-gpu']);
const VOLUME_TYPES = new Set(['standard', 'io1', 'io2', 'gp2', 'gp3', 'sc1', 'st1']);
const MAX_USER_DATA_BYTES = 16 * 1024;
const MAX_VOLUME_GIB = 16 * 1024;

/**
 * RunInstances. A client token seen before answers with the reservation it made (and makes
 * nothing) when the parameters are the same, and `IdempotentParameterMismatch` when not.
 * Otherwise the request is checked as EC2 checks it, the quota knobs decide how many of
 * MinCount..MaxCount are made, and each instance gets its volumes and primary interface.
 */
export const runInstances: Ec2Action = {
  kind: 'write',
  isCreate: true,
  run(params, context) {
    const clientToken = params.string('ClientToken');
    const fingerprint = params.fingerprint(['Action', 'Version', 'ClientToken']);
    const earlier = clientToken === undefined ? undefined : context.account.idempotentLaunch(clientToken);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) throw ec2Errors.idempotentMismatch();
      return reservationXml(earlier.reservation.reservationId, earlier.reservation.instances, context);
    }
    const { spec, minCount, maxCount } = parseLaunch(params, context);
    if (clientToken !== undefined) spec.idempotency = { clientToken, fingerprint };
    const cost = {
      vcpus: spec.instanceType.vcpus,
      memoryMiB: spec.instanceType.memoryMiB,
      volumes: spec.volumes.length,
      volumeGiB: spec.volumes.reduce((total, volume) => total + volume.size, 0),
      spot: spec.spot !== undefined,
    };
    const count = launchableCount(cost, minCount, maxCount, context.account.usage, context.knobs.quotas);
    const reservation = context.account.launch({ ...spec, count });
    return reservationXml(reservation.reservationId, reservation.instances, context);
  },
};

function parseLaunch(params: QueryParams, context: ActionContext): { spec: LaunchSpec; minCount: number; maxCount: number } {
  const minCount = requiredCount(params, 'MinCount');
  const maxCount = requiredCount(params, 'MaxCount');
  if (maxCount < minCount) {
    throw ec2Errors.invalidParameterValue(`Value (${maxCount}) for parameter maxCount is invalid. It must be greater than or equal to minCount (${minCount})`);
  }
  const image = lookUpOne(context.account, RESOURCE_KINDS.image, params.requiredString('ImageId'));
  const typeName = params.string('InstanceType') ?? DEFAULT_INSTANCE_TYPE;
  const instanceType = findInstanceType(typeName);
  if (!instanceType) throw ec2Errors.invalidParameterValue(`Invalid value '${typeName}' for InstanceType.`);
  if (!instanceType.architectures.includes(image.architecture)) {
    throw ec2Errors.invalidParameterValue(
      `The architecture '${instanceType.architectures.join(', ')}' of the specified instance type does not match the architecture ` +
        `'${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
    );
  }
  const userData = params.string('UserData');
  if (userData !== undefined && Buffer.from(userData, 'base64').length > MAX_USER_DATA_BYTES) {
    throw ec2Errors.invalidParameterValue(`User data is limited to ${MAX_USER_DATA_BYTES} bytes`);
  }
  const tags = parseTagSpecifications(params);
  const network = launchNetwork(params);
  const spot = parseSpotMarket(params.member('InstanceMarketOptions'));
  const placement = launchPlacement(params, context.account, { instanceType: instanceType.name, count: maxCount, spot: spot !== undefined, now: context.now });
  const now = context.now;
  return {
    minCount,
    maxCount,
    spec: {
      image,
      instanceType,
      count: maxCount,
      keyName: params.string('KeyName'),
      subnetId: network.subnetId,
      ...placement,
      securityGroupIds: network.securityGroupIds,
      spot,
      volumes: launchVolumes(params, image, context),
      instanceTags: tags.get('instance') ?? new Map(),
      volumeTags: tags.get('volume') ?? new Map(),
      networkInterfaceTags: tags.get('network-interface') ?? new Map(),
      networkInterfaceDeleteOnTermination: network.deleteOnTermination,
      ...(network.associatePublicIp === undefined ? {} : { associatePublicIp: network.associatePublicIp }),
      launchTime: now,
      runningAt: now + Math.max(0, context.knobs.bootTimeMs),
    },
  };
}

function requiredCount(params: QueryParams, name: 'MinCount' | 'MaxCount'): number {
  params.requiredString(name);
  const count = params.integer(name) as number;
  if (count < 1) {
    throw ec2Errors.invalidParameterValue(`Value (${count}) for parameter ${name.charAt(0).toLowerCase()}${name.slice(1)} is invalid. Expected a value greater than 0.`);
  }
  return count;
}

/** `TagSpecification.N` by resource type; each type at most once, and only types EC2 tags at launch (or those given). */
export function parseTagSpecifications(params: QueryParams, taggable: ReadonlySet<string> = TAGGABLE_AT_LAUNCH): Map<string, Map<string, string>> {
  const byType = new Map<string, Map<string, string>>();
  for (const specification of params.structures('TagSpecification')) {
    const resourceType = specification.requiredString('ResourceType');
    if (!taggable.has(resourceType)) {
      throw ec2Errors.invalidParameterValue(`'${resourceType}' is not a valid taggable resource type for this operation.`);
    }
    if (byType.has(resourceType)) {
      throw ec2Errors.invalidParameterValue(`The same resource type may not be specified more than once in tag specifications: ${resourceType}`);
    }
    byType.set(resourceType, parseTags(specification, 'Tag'));
  }
  return byType;
}

function parseSpotMarket(market: QueryParams): LaunchSpec['spot'] {
  const marketType = market.string('MarketType');
  if (marketType === undefined || marketType === 'capacity-block') return undefined;
  if (marketType !== 'spot') throw ec2Errors.invalidParameterValue(`Invalid value '${marketType}' for MarketType.`);
  const options = market.member('SpotOptions');
  return {
    spotInstanceType: options.string('SpotInstanceType') ?? 'one-time',
    maxPrice: options.string('MaxPrice'),
    instanceInterruptionBehavior: options.string('InstanceInterruptionBehavior') ?? 'terminate',
  };
}

/**
 * The volumes to make: the image's block device mappings, changed, added to or removed
 * (`NoDevice`) by the request's `BlockDeviceMapping.N`. Instance-store (`VirtualName`)
 * mappings are accepted and not simulated.
 */
export function launchVolumes(params: QueryParams, image: ImageRecord, context: ActionContext): LaunchVolume[] {
  const volumes: LaunchVolume[] = image.blockDevices.map((device) => ({
    deviceName: device.deviceName,
    size: device.volumeSize,
    volumeType: device.volumeType,
    deleteOnTermination: device.deleteOnTermination,
    snapshotId: device.snapshotId,
    encrypted: device.encrypted ?? false,
  }));
  for (const mapping of params.structures('BlockDeviceMapping')) {
    const deviceName = mapping.requiredString('DeviceName');
    const index = volumes.findIndex((volume) => volume.deviceName === deviceName);
    if (mapping.string('NoDevice') !== undefined) {
      if (index >= 0) volumes.splice(index, 1);
      continue;
    }
    if (mapping.string('VirtualName') !== undefined) continue;
    const volume = launchVolume(deviceName, mapping.member('Ebs'), image, volumes[index], context);
    if (index >= 0) volumes[index] = volume;
    else volumes.push(volume);
  }
  return volumes;
}

/**
 * One `BlockDeviceMapping.N.Ebs`, strictly as the EC2 API reference (EbsBlockDevice) says: it
 * must name a snapshot or a size (`MissingParameter` otherwise, even for a device of the
 * image: EC2's merging of a partial mapping with the image's is not something to rely on);
 * the snapshot is one of the image's or of the account; the size, by default the snapshot's,
 * is at least the snapshot's. Encryption of an encrypted snapshot cannot be removed.
 */
function launchVolume(deviceName: string, ebs: QueryParams, image: ImageRecord, base: LaunchVolume | undefined, context: ActionContext): LaunchVolume {
  const requestedSnapshotId = ebs.string('SnapshotId');
  const requestedSize = ebs.integer('VolumeSize');
  if (requestedSnapshotId === undefined && requestedSize === undefined) {
    throw ec2Errors.missingParameter('size or snapshotId');
  }
  const snapshot = requestedSnapshotId === undefined ? undefined : snapshotOf(requestedSnapshotId, image, context);
  const fromImageSnapshot = requestedSnapshotId === undefined && base?.snapshotId !== undefined;
  const snapshotId = requestedSnapshotId ?? (fromImageSnapshot ? base?.snapshotId : undefined);
  const minimum = snapshot?.volumeSize ?? (fromImageSnapshot ? base?.size : undefined);
  const size = requestedSize ?? (minimum as number);
  if (minimum !== undefined && snapshotId !== undefined && size < minimum) {
    throw new Ec2Error('InvalidBlockDeviceMapping', `Volume of size ${size}GB is smaller than snapshot '${snapshotId}', expect size >= ${minimum}GB`);
  }
  if (size < 1 || size > MAX_VOLUME_GIB) throw ec2Errors.invalidParameterValue(`Volume size ${size} is out of the range 1 to ${MAX_VOLUME_GIB}`);
  const volumeType = ebs.string('VolumeType') ?? base?.volumeType ?? 'gp2';
  if (!VOLUME_TYPES.has(volumeType)) {
    throw ec2Errors.invalidParameterValue(`Value (${volumeType}) for parameter volumeType is invalid. Valid types: ${[...VOLUME_TYPES].join(', ')}`);
  }
  const snapshotEncrypted = snapshot?.encrypted ?? (fromImageSnapshot ? base?.encrypted : undefined) ?? false;
  const encrypted = ebs.boolean('Encrypted');
  if (snapshotEncrypted && encrypted === false) {
    throw ec2Errors.invalidParameterCombination(`The snapshot '${snapshotId}' is encrypted: the encryption of its volume cannot be removed`);
  }
  return {
    deviceName,
    size,
    volumeType,
    deleteOnTermination: ebs.boolean('DeleteOnTermination') ?? base?.deleteOnTermination ?? true,
    snapshotId,
    iops: ebs.integer('Iops'),
    throughput: ebs.integer('Throughput'),
    encrypted: encrypted ?? snapshotEncrypted,
  };
}

/** A snapshot a mapping names: one of the image's own (public images' are not the account's), or the account's. */
function snapshotOf(snapshotId: string, image: ImageRecord, context: ActionContext): { volumeSize: number; encrypted: boolean } {
  const device = image.blockDevices.find((candidate) => candidate.snapshotId === snapshotId);
  if (device) return { volumeSize: device.volumeSize, encrypted: device.encrypted ?? false };
  return lookUpOne(context.account, RESOURCE_KINDS.snapshot, snapshotId);
}
