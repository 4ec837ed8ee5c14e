import type { CloudKnobs } from '../core/index.js';
import type { Ec2Account } from './ec2-account.js';
import { findInstanceType } from './instance-types.js';
import type { InstanceStateName } from './instances.js';
import { PUBLIC_IMAGES } from './public-images.js';
import { RESOURCE_KINDS, lookUpOne } from './resource-kinds.js';
import { defaultPerformance } from './volumes.js';

/** Instances to plant, e.g. leaked ones. Their tags go on the instance, its volumes and its interface. */
export interface SeedInstances {
  tags?: Record<string, string>;
  /** Default `t3.micro`. */
  instanceType?: string;
  /** Default: the Ubuntu 22.04 public image. */
  imageId?: string;
  /** Default `running`. A `pending` instance runs after the boot time knob (at the earliest when the clock next moves). */
  state?: InstanceStateName;
  /** How long ago it was launched (default 0). */
  launchTimeAgoMs?: number;
  spot?: boolean;
  /** How many alike (default 1). */
  count?: number;
}

/** A detached (available) volume, e.g. one left behind by a terminated instance. */
export interface SeedVolume {
  tags?: Record<string, string>;
  /** GiB, default 8. */
  size?: number;
  /** Default `gp3`. */
  volumeType?: string;
  snapshotId?: string;
  createTimeAgoMs?: number;
}

/** A private image owned by the account. Without `snapshotId`, a snapshot is made for it. */
export interface SeedImage {
  tags?: Record<string, string>;
  name?: string;
  description?: string;
  architecture?: string;
  snapshotId?: string;
  /** GiB of the root volume, default 8. */
  volumeSize?: number;
  /** Whether the image's root volume goes with the instance, default true. */
  deleteOnTermination?: boolean;
  creationTimeAgoMs?: number;
}

export interface SeedSnapshot {
  tags?: Record<string, string>;
  volumeSize?: number;
  description?: string;
  /** Default: the account's own. */
  ownerId?: string;
  startTimeAgoMs?: number;
}

/** An Elastic IP, associated with `instanceId` when given. */
export interface SeedAddress {
  tags?: Record<string, string>;
  instanceId?: string;
}

/** A detached (available) network interface, e.g. one that outlived its instance. */
export interface SeedNetworkInterface {
  tags?: Record<string, string>;
  description?: string;
}

/** The body of `POST /__sim/seed` for the EC2 simulator. */
export interface Ec2SeedRequest {
  instances?: SeedInstances[];
  volumes?: SeedVolume[];
  images?: SeedImage[];
  snapshots?: SeedSnapshot[];
  addresses?: SeedAddress[];
  networkInterfaces?: SeedNetworkInterface[];
}

/** The ids of what a seed made, in the order asked. */
export interface Ec2SeedResult {
  instances: string[];
  volumes: string[];
  images: string[];
  snapshots: string[];
  addresses: string[];
  networkInterfaces: string[];
}

const DEFAULT_SEED_IMAGE = PUBLIC_IMAGES[0]?.id ?? '';

/**
 * Plants resources as if something else had made them (no quota checks, no calls counted;
 * they do count towards usage). Snapshots come before images and images before instances,
 * so a seed may refer to what it plants only through ids it already knows.
 */
export function seedAccount(account: Ec2Account, request: Ec2SeedRequest, now: number, knobs: CloudKnobs): Ec2SeedResult {
  const result: Ec2SeedResult = { instances: [], volumes: [], images: [], snapshots: [], addresses: [], networkInterfaces: [] };
  for (const snapshot of request.snapshots ?? []) result.snapshots.push(seedSnapshot(account, snapshot, now));
  for (const image of request.images ?? []) result.images.push(seedImage(account, image, now));
  for (const instances of request.instances ?? []) result.instances.push(...seedInstances(account, instances, now, knobs));
  for (const volume of request.volumes ?? []) result.volumes.push(seedVolume(account, volume, now));
  for (const address of request.addresses ?? []) result.addresses.push(seedAddress(account, address));
  for (const { tags, description } of request.networkInterfaces ?? []) {
    result.networkInterfaces.push(account.addNetworkInterface({ tags: tagMap(tags), ...(description === undefined ? {} : { description }) }).id);
  }
  account.settle(now);
  return result;
}

function tagMap(tags: Record<string, string> | undefined): Map<string, string> {
  return new Map(Object.entries(tags ?? {}));
}

function seedInstances(account: Ec2Account, seed: SeedInstances, now: number, knobs: CloudKnobs): string[] {
  const image = lookUpOne(account, RESOURCE_KINDS.image, seed.imageId ?? DEFAULT_SEED_IMAGE);
  const instanceType = findInstanceType(seed.instanceType ?? 't3.micro');
  if (!instanceType) throw new Error(`seed: unknown instance type ${seed.instanceType}`);
  const state = seed.state ?? 'running';
  const launchTime = now - (seed.launchTimeAgoMs ?? 0);
  const tags = tagMap(seed.tags);
  const reservation = account.launch(
    {
      image,
      instanceType,
      count: seed.count ?? 1,
      securityGroupIds: [],
      spot: seed.spot ? { spotInstanceType: 'one-time', instanceInterruptionBehavior: 'terminate' } : undefined,
      volumes: image.blockDevices.map((device) => ({
        deviceName: device.deviceName,
        size: device.volumeSize,
        volumeType: device.volumeType,
        deleteOnTermination: device.deleteOnTermination,
        snapshotId: device.snapshotId,
        encrypted: false,
      })),
      instanceTags: tags,
      volumeTags: tags,
      networkInterfaceTags: tags,
      launchTime,
      runningAt: state === 'pending' ? Math.max(launchTime + knobs.bootTimeMs, now + 1) : launchTime,
    },
  );
  for (const instance of reservation.instances) {
    if (state === 'shutting-down') account.terminate(instance, now, Math.max(knobs.deleteTimeMs, 1));
    if (state === 'terminated') account.terminate(instance, now, 0);
  }
  return reservation.instances.map((instance) => instance.id);
}

function seedVolume(account: Ec2Account, seed: SeedVolume, now: number): string {
  const size = seed.size ?? 8;
  const volumeType = seed.volumeType ?? 'gp3';
  return account.addVolume({
    id: account.ids.next('vol'),
    seq: 0,
    tags: tagMap(seed.tags),
    size,
    volumeType,
    ...defaultPerformance(volumeType, size),
    snapshotId: seed.snapshotId,
    availabilityZone: account.defaultAvailabilityZone,
    createTime: now - (seed.createTimeAgoMs ?? 0),
    encrypted: false,
    deleting: false,
  }).id;
}

function seedSnapshot(account: Ec2Account, seed: SeedSnapshot, now: number): string {
  return account.snapshots.add({
    id: account.ids.next('snap'),
    seq: 0,
    tags: tagMap(seed.tags),
    volumeId: account.ids.next('vol'),
    volumeSize: seed.volumeSize ?? 8,
    ownerId: seed.ownerId ?? account.accountId,
    description: seed.description ?? '',
    startTime: now - (seed.startTimeAgoMs ?? 0),
    encrypted: false,
    state: 'completed',
  }).id;
}

function seedImage(account: Ec2Account, seed: SeedImage, now: number): string {
  const id = account.ids.next('ami');
  const volumeSize = seed.volumeSize ?? 8;
  const snapshotId =
    seed.snapshotId ??
    seedSnapshot(account, { volumeSize, description: `Created by CreateImage for ${id}`, tags: seed.tags }, now);
  account.images.add({
    id,
    seq: 0,
    tags: tagMap(seed.tags),
    name: seed.name ?? `cloudpool-${id}`,
    description: seed.description ?? '',
    ownerId: account.accountId,
    creationDate: new Date(now - (seed.creationTimeAgoMs ?? 0)).toISOString(),
    architecture: seed.architecture ?? 'x86_64',
    rootDeviceName: '/dev/sda1',
    blockDevices: [{ deviceName: '/dev/sda1', snapshotId, volumeSize, volumeType: 'gp3', deleteOnTermination: seed.deleteOnTermination ?? true }],
    isPublic: false,
    platformDetails: 'Linux/UNIX',
    bootMode: 'uefi-preferred',
  });
  return id;
}

function seedAddress(account: Ec2Account, seed: SeedAddress): string {
  const address = account.addresses.add({ id: account.ids.next('eipalloc'), seq: 0, tags: tagMap(seed.tags), publicIp: account.nextPublicIp() });
  if (seed.instanceId !== undefined) account.associateAddress(address, lookUpOne(account, RESOURCE_KINDS.instance, seed.instanceId));
  return address.id;
}
