import type {
  _InstanceType,
  Address,
  DescribeImagesCommandInput,
  DescribeSnapshotsCommandInput,
  Filter,
  Image,
  Instance,
  InstanceTypeInfo,
  NetworkInterface,
  RunInstancesCommandInput,
  RunInstancesCommandOutput,
  Snapshot,
  Volume,
} from '@aws-sdk/client-ec2';
import type { ServiceQuota } from '@aws-sdk/client-service-quotas';
import type { CloudCallQueue } from '@cloudpool/common';
import { readAllPages } from './paging.js';
import type { Ec2Port, ServiceQuotasPort } from './port.js';

/** The largest pages AWS serves for each paged call the driver makes. */
const MAX_INSTANCES_PAGE = 1000;
const MAX_VOLUMES_PAGE = 500;
const MAX_IMAGES_PAGE = 1000;
const MAX_SNAPSHOTS_PAGE = 1000;
const MAX_NETWORK_INTERFACES_PAGE = 1000;
const MAX_QUOTAS_PAGE = 100;

/** Among waiting calls, the queue sends higher priorities first; 0 is the default. */
type CallPriority = number | undefined;

/**
 * The driver's AWS calls as it uses them: each one sent through the provider's queue (one
 * queued call per page), paged calls read completely. The only way the driver reaches AWS.
 */
export class Ec2Calls {
  constructor(
    private readonly ec2: Ec2Port,
    private readonly serviceQuotas: ServiceQuotasPort,
    private readonly queue: CloudCallQueue,
  ) {}

  /** One RunInstances; `signal` (the launch's) aborts it as well as the queue's. */
  runInstances(input: RunInstancesCommandInput, signal: AbortSignal): Promise<RunInstancesCommandOutput> {
    return this.write('RunInstances', (queueSignal) => this.ec2.runInstances(input, AbortSignal.any([queueSignal, signal])));
  }

  /** Every instance matching `filters`, reservations flattened. */
  async describeInstances(filters: Filter[], priority?: CallPriority): Promise<Instance[]> {
    const reservations = await readAllPages((NextToken) =>
      this.read('DescribeInstances', priority, async (signal) => {
        const page = await this.ec2.describeInstances({ Filters: filters, MaxResults: MAX_INSTANCES_PAGE, NextToken }, signal);
        return { items: page.Reservations, nextToken: page.NextToken };
      }),
    );
    return reservations.flatMap((reservation) => reservation.Instances ?? []);
  }

  /** One TerminateInstances for up to 1,000 ids (every id must exist, or none is terminated). */
  async terminateInstances(ids: string[]): Promise<void> {
    await this.write('TerminateInstances', (signal) => this.ec2.terminateInstances({ InstanceIds: ids }, signal));
  }

  /** What EC2 says of one instance type (`InvalidInstanceType`, a permanent error, when it has no such type). */
  async describeInstanceType(instanceType: string): Promise<InstanceTypeInfo | undefined> {
    const output = await this.read('DescribeInstanceTypes', undefined, (signal) =>
      this.ec2.describeInstanceTypes({ InstanceTypes: [instanceType as _InstanceType] }, signal),
    );
    return output.InstanceTypes?.find((info) => info.InstanceType === instanceType);
  }

  /** Every image matching `input` (paged unless it names image ids, which AWS does not page). */
  describeImages(input: Omit<DescribeImagesCommandInput, 'MaxResults' | 'NextToken'>): Promise<Image[]> {
    const pageSize = input.ImageIds?.length ? {} : { MaxResults: MAX_IMAGES_PAGE };
    return readAllPages((NextToken) =>
      this.read('DescribeImages', undefined, async (signal) => {
        const page = await this.ec2.describeImages({ ...input, ...pageSize, NextToken }, signal);
        return { items: page.Images, nextToken: page.NextToken };
      }),
    );
  }

  async deregisterImage(imageId: string): Promise<void> {
    await this.write('DeregisterImage', (signal) => this.ec2.deregisterImage({ ImageId: imageId }, signal));
  }

  describeVolumes(filters: Filter[], priority?: CallPriority): Promise<Volume[]> {
    return readAllPages((NextToken) =>
      this.read('DescribeVolumes', priority, async (signal) => {
        const page = await this.ec2.describeVolumes({ Filters: filters, MaxResults: MAX_VOLUMES_PAGE, NextToken }, signal);
        return { items: page.Volumes, nextToken: page.NextToken };
      }),
    );
  }

  async deleteVolume(volumeId: string): Promise<void> {
    await this.write('DeleteVolume', (signal) => this.ec2.deleteVolume({ VolumeId: volumeId }, signal));
  }

  describeSnapshots(input: Omit<DescribeSnapshotsCommandInput, 'MaxResults' | 'NextToken'>): Promise<Snapshot[]> {
    return readAllPages((NextToken) =>
      this.read('DescribeSnapshots', undefined, async (signal) => {
        const page = await this.ec2.describeSnapshots({ ...input, MaxResults: MAX_SNAPSHOTS_PAGE, NextToken }, signal);
        return { items: page.Snapshots, nextToken: page.NextToken };
      }),
    );
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    await this.write('DeleteSnapshot', (signal) => this.ec2.deleteSnapshot({ SnapshotId: snapshotId }, signal));
  }

  /** Elastic IPs matching `filters` (DescribeAddresses is not paged). */
  async describeAddresses(filters: Filter[]): Promise<Address[]> {
    const output = await this.read('DescribeAddresses', undefined, (signal) => this.ec2.describeAddresses({ Filters: filters }, signal));
    return output.Addresses ?? [];
  }

  async releaseAddress(allocationId: string): Promise<void> {
    await this.write('ReleaseAddress', (signal) => this.ec2.releaseAddress({ AllocationId: allocationId }, signal));
  }

  /** Every network interface matching `filters`. */
  describeNetworkInterfaces(filters: Filter[]): Promise<NetworkInterface[]> {
    return readAllPages((NextToken) =>
      this.read('DescribeNetworkInterfaces', undefined, async (signal) => {
        const page = await this.ec2.describeNetworkInterfaces({ Filters: filters, MaxResults: MAX_NETWORK_INTERFACES_PAGE, NextToken }, signal);
        return { items: page.NetworkInterfaces, nextToken: page.NextToken };
      }),
    );
  }

  /** Deletes a detached interface (EC2 refuses one attached to an instance with `InvalidParameterValue`). */
  async deleteNetworkInterface(networkInterfaceId: string): Promise<void> {
    await this.write('DeleteNetworkInterface', (signal) => this.ec2.deleteNetworkInterface({ NetworkInterfaceId: networkInterfaceId }, signal));
  }

  /** Every quota of one service (`ec2`, `ebs`) in the client's region. */
  listServiceQuotas(serviceCode: string, priority?: CallPriority): Promise<ServiceQuota[]> {
    return readAllPages((NextToken) =>
      this.read('ListServiceQuotas', priority, async (signal) => {
        const page = await this.serviceQuotas.listServiceQuotas({ ServiceCode: serviceCode, MaxResults: MAX_QUOTAS_PAGE, NextToken }, signal);
        return { items: page.Quotas, nextToken: page.NextToken };
      }),
    );
  }

  private read<T>(action: string, priority: CallPriority, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.queue.run({ action, kind: 'read', ...(priority === undefined ? {} : { priority }) }, fn);
  }

  private write<T>(action: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.queue.run({ action, kind: 'write' }, fn);
  }
}
