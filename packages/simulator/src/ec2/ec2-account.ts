import type { SshHosts } from '../core/ssh-hosts.js';
import type { AddressRecord } from './addresses.js';
import type { HostRecord } from './dedicated-hosts.js';
import { DueQueue } from './due-queue.js';
import type { LaunchTemplateRecord } from './fleets.js';
import type { IdGenerator } from './ids.js';
import type { ImageRecord } from './images.js';
import type { InstanceTypeSpec } from './instance-types.js';
import { instanceStateAt, type InstanceRecord, type InstanceStateName, type SpotMarket } from './instances.js';
import type { NetworkInterfaceAttachment, NetworkInterfaceRecord } from './network-interfaces.js';
import { PUBLIC_IMAGES } from './public-images.js';
import { ResourceStore } from './resource-store.js';
import type { SnapshotRecord } from './snapshots.js';
import { defaultPerformance, type VolumeRecord } from './volumes.js';

/** Tags to put on a resource as it is made. */
export type Tags = ReadonlyMap<string, string>;

/** One volume RunInstances makes and attaches, from the image's mapping and the request's. */
export interface LaunchVolume {
  deviceName: string;
  size: number;
  volumeType: string;
  deleteOnTermination: boolean;
  snapshotId?: string;
  iops?: number;
  throughput?: number;
  encrypted: boolean;
}

/** Everything needed to make the instances of one reservation (validated by the caller). */
export interface LaunchSpec {
  image: ImageRecord;
  instanceType: InstanceTypeSpec;
  count: number;
  keyName?: string;
  subnetId?: string;
  availabilityZone?: string;
  securityGroupIds: readonly string[];
  /** The client token of the request, and what identifies its parameters (see RunInstances). */
  idempotency?: { clientToken: string; fingerprint: string };
  spot?: Omit<SpotMarket, 'spotInstanceRequestId'>;
  /** The Dedicated Host each instance is placed on (checked by the caller: available, in the zone, of the type). */
  host?: HostRecord;
  volumes: readonly LaunchVolume[];
  instanceTags: Tags;
  volumeTags: Tags;
  networkInterfaceTags: Tags;
  /** Whether each instance's primary interface goes with it (`NetworkInterface.1.DeleteOnTermination`, default true). */
  networkInterfaceDeleteOnTermination?: boolean;
  /**
   * Whether each instance gets a public IPv4 address at launch; undefined leaves it to the
   * subnet: the default subnet maps one on launch (as a default VPC's do), others do not.
   */
  associatePublicIp?: boolean;
  launchTime: number;
  runningAt: number;
}

export interface Reservation {
  reservationId: string;
  instances: InstanceRecord[];
}

/** What the account's live resources add up to, for the quota checks. */
export interface Usage {
  instances: number;
  vcpus: number;
  memoryMiB: number;
  volumes: number;
  volumeGiB: number;
}

/** A RunInstances client token and what it made. */
interface IdempotencyRecord {
  fingerprint: string;
  reservation: Reservation;
}

export interface Ec2AccountOptions {
  accountId: string;
  region: string;
  ids: IdGenerator;
  /** How long terminated instances stay visible (EC2: about an hour). */
  terminatedRetentionMs: number;
  /** SSH mode: addresses come from its loopback block and each instance runs an sshd there. */
  ssh?: SshHosts;
}

/**
 * The state of one simulated account in one region: its resources, what they add up to, and
 * the changes that happen with time. Changes that fall due (an instance done shutting down,
 * its volumes and interface going with it, a terminated instance forgotten) run in
 * `settle(now)`, which every call runs first, so what a call sees follows the clock.
 */
export class Ec2Account {
  readonly instances = new ResourceStore<InstanceRecord>();
  readonly volumes = new ResourceStore<VolumeRecord>();
  readonly networkInterfaces = new ResourceStore<NetworkInterfaceRecord>();
  readonly snapshots = new ResourceStore<SnapshotRecord>();
  readonly images = new ResourceStore<ImageRecord>();
  readonly addresses = new ResourceStore<AddressRecord>();
  readonly hosts = new ResourceStore<HostRecord>();
  readonly launchTemplates = new ResourceStore<LaunchTemplateRecord>();
  readonly usage: Usage = { instances: 0, vcpus: 0, memoryMiB: 0, volumes: 0, volumeGiB: 0 };
  readonly accountId: string;
  readonly region: string;
  readonly ids: IdGenerator;
  /** The default VPC, its subnet and security group, which launches use unless told otherwise. */
  readonly defaultVpcId: string;
  readonly defaultSubnetId: string;
  readonly defaultSecurityGroupId: string;
  private readonly due = new DueQueue();
  private readonly clientTokens = new Map<string, IdempotencyRecord>();
  private readonly terminatedRetentionMs: number;
  private addressesMade = 0;
  private privateIpsMade = 0;
  private readonly ssh: SshHosts | undefined;

  constructor(options: Ec2AccountOptions) {
    this.accountId = options.accountId;
    this.region = options.region;
    this.ids = options.ids;
    this.terminatedRetentionMs = options.terminatedRetentionMs;
    this.ssh = options.ssh;
    this.defaultVpcId = this.ids.next('vpc');
    this.defaultSubnetId = this.ids.next('subnet');
    this.defaultSecurityGroupId = this.ids.next('sg');
    for (const image of PUBLIC_IMAGES) {
      this.images.add({
        id: image.id,
        seq: 0,
        tags: new Map(),
        name: image.name,
        description: image.description,
        ownerId: image.ownerId,
        ownerAlias: image.ownerAlias,
        creationDate: image.creationDate,
        architecture: image.architecture,
        rootDeviceName: image.rootDeviceName,
        blockDevices: [image.rootDevice],
        isPublic: true,
        platformDetails: 'Linux/UNIX',
        bootMode: image.bootMode,
      });
    }
  }

  /** The zone launches land in unless they name one. */
  get defaultAvailabilityZone(): string {
    return `${this.region}a`;
  }

  /** Runs the changes due by `now`. */
  settle(now: number): void {
    this.due.runDue(now);
  }

  /** The reservation an earlier RunInstances made with this client token, and its fingerprint. */
  idempotentLaunch(clientToken: string): IdempotencyRecord | undefined {
    return this.clientTokens.get(clientToken);
  }

  /** Makes one reservation: instances, each with its volumes and primary network interface. */
  launch(spec: LaunchSpec): Reservation {
    const reservation: Reservation = { reservationId: this.ids.next('r'), instances: [] };
    for (let index = 0; index < spec.count; index++) {
      const instanceId = this.ids.next('i');
      const availabilityZone = spec.host?.availabilityZone ?? spec.availabilityZone ?? this.defaultAvailabilityZone;
      const networkInterface = this.addPrimaryInterface(instanceId, spec, availabilityZone);
      const blockDevices = spec.volumes.map((volume) => ({
        deviceName: volume.deviceName,
        volumeId: this.addAttachedVolume(instanceId, volume, spec, availabilityZone).id,
        deleteOnTermination: volume.deleteOnTermination,
      }));
      const instance = this.instances.add({
        id: instanceId,
        seq: 0,
        tags: new Map(spec.instanceTags),
        reservationId: reservation.reservationId,
        imageId: spec.image.id,
        instanceType: spec.instanceType.name,
        vcpus: spec.instanceType.vcpus,
        cores: spec.instanceType.cores,
        threadsPerCore: spec.instanceType.threadsPerCore,
        memoryMiB: spec.instanceType.memoryMiB,
        architecture: spec.image.architecture,
        keyName: spec.keyName,
        subnetId: networkInterface.subnetId,
        vpcId: networkInterface.vpcId,
        availabilityZone,
        privateIpAddress: networkInterface.privateIpAddress,
        securityGroupIds: networkInterface.securityGroupIds,
        rootDeviceName: spec.image.rootDeviceName,
        amiLaunchIndex: index,
        clientToken: spec.idempotency?.clientToken,
        spot: spec.spot && { ...spec.spot, spotInstanceRequestId: this.ids.short('sir') },
        ...(spec.host ? { hostId: spec.host.id } : {}),
        launchTime: spec.launchTime,
        runningAt: spec.runningAt,
        blockDevices,
        networkInterfaceIds: [networkInterface.id],
      });
      spec.host?.instanceIds.add(instanceId);
      if (spec.associatePublicIp ?? networkInterface.subnetId === this.defaultSubnetId) instance.publicIpAddress = this.nextPublicIp();
      this.ssh?.boot(instance.id, spec.runningAt, () => [instance.privateIpAddress, instance.publicIpAddress ?? '']);
      this.usage.instances += 1;
      this.usage.vcpus += instance.vcpus;
      this.usage.memoryMiB += instance.memoryMiB;
      reservation.instances.push(instance);
    }
    if (spec.idempotency) this.clientTokens.set(spec.idempotency.clientToken, { fingerprint: spec.idempotency.fingerprint, reservation });
    return reservation;
  }

  /**
   * Starts terminating an instance: shutting-down now, terminated `deleteTimeMs` later (when
   * its delete-on-termination volumes and interfaces go and the others are detached).
   * Returns the states before and after, as TerminateInstances reports them.
   */
  terminate(instance: InstanceRecord, now: number, deleteTimeMs: number): { previous: InstanceStateName; current: InstanceStateName } {
    const previous = instanceStateAt(instance, now);
    if (instance.terminatedAt !== undefined) return { previous, current: previous };
    instance.terminateRequestedAt = now;
    this.ssh?.remove(instance.id);
    const terminatedAt = now + Math.max(0, deleteTimeMs);
    instance.terminatedAt = terminatedAt;
    this.due.schedule(terminatedAt, () => this.finishTermination(instance, terminatedAt));
    return { previous, current: 'shutting-down' };
  }

  /** Starts deleting a detached volume: `deleting` for `deleteTimeMs`, then gone. */
  deleteVolume(volume: VolumeRecord, now: number, deleteTimeMs: number): void {
    if (volume.deleting) return;
    volume.deleting = true;
    this.due.schedule(now + Math.max(0, deleteTimeMs), () => this.removeVolume(volume));
  }

  addVolume(volume: VolumeRecord): VolumeRecord {
    this.usage.volumes += 1;
    this.usage.volumeGiB += volume.size;
    return this.volumes.add(volume);
  }

  /** The next Elastic IP of the simulator's public range (54.16.0.1, 54.16.0.2, …). */
  nextPublicIp(): string {
    if (this.ssh) return this.ssh.nextAddress();
    const n = 0x10_0001 + this.addressesMade++;
    return `54.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }

  /** Associates an Elastic IP with an instance's primary interface. */
  associateAddress(address: AddressRecord, instance: InstanceRecord): void {
    address.association = {
      associationId: this.ids.next('eipassoc'),
      instanceId: instance.id,
      networkInterfaceId: instance.networkInterfaceIds[0] ?? '',
      privateIpAddress: instance.privateIpAddress,
    };
    instance.publicIpAddress = address.publicIp;
    this.ssh?.refresh(instance.id);
  }

  /**
   * Makes a network interface in the default VPC, with the next private address of its subnet
   * (the default subnet and security group unless given); detached unless `attachment` says.
   */
  addNetworkInterface(input: {
    tags: Tags;
    subnetId?: string;
    securityGroupIds?: readonly string[];
    availabilityZone?: string;
    description?: string;
    attachment?: Omit<NetworkInterfaceAttachment, 'attachmentId'>;
  }): NetworkInterfaceRecord {
    const id = this.ids.next('eni');
    const { attachment } = input;
    return this.networkInterfaces.add({
      id,
      seq: 0,
      tags: new Map(input.tags),
      subnetId: input.subnetId ?? this.defaultSubnetId,
      vpcId: this.defaultVpcId,
      availabilityZone: input.availabilityZone ?? this.defaultAvailabilityZone,
      privateIpAddress: this.nextPrivateIp(),
      macAddress: `0e:${id.slice(-10).match(/../g)?.join(':') ?? '00:00:00:00:00'}`,
      securityGroupIds: input.securityGroupIds?.length ? input.securityGroupIds : [this.defaultSecurityGroupId],
      description: input.description ?? '',
      ...(attachment ? { attachment: { ...attachment, attachmentId: this.ids.next('eni-attach') } } : {}),
    });
  }

  /** An instance's primary interface (device index 0), made by RunInstances with it. */
  private addPrimaryInterface(instanceId: string, spec: LaunchSpec, availabilityZone: string): NetworkInterfaceRecord {
    return this.addNetworkInterface({
      tags: spec.networkInterfaceTags,
      ...(spec.subnetId === undefined ? {} : { subnetId: spec.subnetId }),
      securityGroupIds: spec.securityGroupIds,
      availabilityZone,
      attachment: { instanceId, deviceIndex: 0, attachTime: spec.launchTime, deleteOnTermination: spec.networkInterfaceDeleteOnTermination ?? true },
    });
  }

  private addAttachedVolume(instanceId: string, volume: LaunchVolume, spec: LaunchSpec, availabilityZone: string): VolumeRecord {
    const performance = defaultPerformance(volume.volumeType, volume.size);
    return this.addVolume({
      id: this.ids.next('vol'),
      seq: 0,
      tags: new Map(spec.volumeTags),
      size: volume.size,
      volumeType: volume.volumeType,
      iops: volume.iops ?? performance.iops,
      throughput: volume.throughput ?? performance.throughput,
      snapshotId: volume.snapshotId,
      availabilityZone,
      createTime: spec.launchTime,
      encrypted: volume.encrypted,
      attachment: {
        instanceId,
        device: volume.deviceName,
        attachTime: spec.launchTime,
        deleteOnTermination: volume.deleteOnTermination,
      },
      deleting: false,
    });
  }

  /** The next private address of the default subnet (10.0.0.4 on; AWS keeps the first four). */
  private nextPrivateIp(): string {
    if (this.ssh) return this.ssh.nextAddress();
    const n = 4 + this.privateIpsMade++;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }

  private finishTermination(instance: InstanceRecord, terminatedAt: number): void {
    this.usage.instances -= 1;
    this.usage.vcpus -= instance.vcpus;
    this.usage.memoryMiB -= instance.memoryMiB;
    for (const device of instance.blockDevices) {
      const volume = this.volumes.get(device.volumeId);
      if (!volume || volume.attachment?.instanceId !== instance.id) continue;
      if (device.deleteOnTermination) this.removeVolume(volume);
      else volume.attachment = undefined;
    }
    for (const networkInterfaceId of instance.networkInterfaceIds) {
      const networkInterface = this.networkInterfaces.get(networkInterfaceId);
      if (networkInterface?.attachment?.instanceId !== instance.id) continue;
      if (networkInterface.attachment.deleteOnTermination) this.networkInterfaces.delete(networkInterfaceId);
      else networkInterface.attachment = undefined;
    }
    for (const address of this.addresses.values()) {
      if (address.association?.instanceId === instance.id) address.association = undefined;
    }
    instance.publicIpAddress = undefined;
    this.ssh?.remove(instance.id);
    this.due.schedule(terminatedAt + this.terminatedRetentionMs, () => this.instances.delete(instance.id));
  }

  private removeVolume(volume: VolumeRecord): void {
    if (!this.volumes.get(volume.id)) return;
    this.usage.volumes -= 1;
    this.usage.volumeGiB -= volume.size;
    this.volumes.delete(volume.id);
  }
}
