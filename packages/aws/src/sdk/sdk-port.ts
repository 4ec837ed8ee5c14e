import {
  DeleteNetworkInterfaceCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DeregisterImageCommand,
  DescribeAddressesCommand,
  DescribeInstanceTypesCommand,
  paginateDescribeImages,
  paginateDescribeInstances,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  ReleaseAddressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type _InstanceType,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { paginateListServiceQuotas, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { CloudCallQueue } from '@cloudpool/common';
import { toCloudError } from '../errors.js';
import type { CallPriority, Ec2Port, ServiceQuotasPort } from '../port.js';
import { paced, type Pacing } from './paced-requests.js';

/** The largest pages AWS serves for each paged call the driver makes. */
const MAX_INSTANCES_PAGE = 1000;
const MAX_VOLUMES_PAGE = 500;
const MAX_IMAGES_PAGE = 1000;
const MAX_SNAPSHOTS_PAGE = 1000;
const MAX_NETWORK_INTERFACES_PAGE = 1000;
const MAX_QUOTAS_PAGE = 100;

/** Runs one SDK call (a command, or a whole listing) and maps whatever it throws, once: the driver's boundary to AWS. */
export async function mapped<T>(action: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toCloudError(error, action);
  }
}

/** The SDK's per-call options for an optional abort signal. */
export function options(abortSignal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return abortSignal ? { abortSignal } : {};
}

/** The pacing of a call with `priority` on `queue`. */
export function pacingOf(queue: CloudCallQueue, priority?: CallPriority): Pacing {
  return priority === undefined ? { queue } : { queue, priority };
}

/** Every item of every page an SDK paginator yields, in order; all or nothing. */
export async function allPages<P, T>(pages: AsyncIterable<P>, itemsOf: (page: P) => T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(itemsOf(page) ?? []));
  return all;
}

/** Ec2Port over the AWS SDK's EC2 client, each request paced on `queue`; listings through the SDK's paginators. */
export function sdkEc2Port(client: EC2Client, queue: CloudCallQueue): Ec2Port {
  const pacing = { queue };
  const pager = (priority?: CallPriority, pageSize?: number) => ({
    client,
    ...(pageSize === undefined ? {} : { pageSize }),
    withCommand: <C extends Parameters<EC2Client['send']>[0]>(command: C) => paced(command, pacingOf(queue, priority)),
  });
  return {
    runInstances: (input, signal) => mapped('RunInstances', () => client.send(paced(new RunInstancesCommand(input), pacing), options(signal))),
    describeInstances: (filters, priority) =>
      mapped('DescribeInstances', async () =>
        (await allPages(paginateDescribeInstances(pager(priority, MAX_INSTANCES_PAGE), { Filters: filters }), (page) => page.Reservations)).flatMap(
          (reservation) => reservation.Instances ?? [],
        ),
      ),
    terminateInstances: (ids) => mapped('TerminateInstances', async () => {
        await client.send(paced(new TerminateInstancesCommand({ InstanceIds: ids }), pacing));
      }),
    describeInstanceType: (instanceType) =>
      mapped('DescribeInstanceTypes', async () => {
        const output = await client.send(paced(new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as _InstanceType] }), pacing));
        return output.InstanceTypes?.find((info) => info.InstanceType === instanceType);
      }),
    describeImages: (input) =>
      mapped('DescribeImages', () =>
        // AWS refuses MaxResults together with ImageIds; such a call has one page.
        allPages(paginateDescribeImages(pager(undefined, input.ImageIds?.length ? undefined : MAX_IMAGES_PAGE), { ...input }), (page) => page.Images),
      ),
    deregisterImage: (imageId) => mapped('DeregisterImage', async () => {
        await client.send(paced(new DeregisterImageCommand({ ImageId: imageId }), pacing));
      }),
    describeVolumes: (filters, priority) =>
      mapped('DescribeVolumes', () => allPages(paginateDescribeVolumes(pager(priority, MAX_VOLUMES_PAGE), { Filters: filters }), (page) => page.Volumes)),
    deleteVolume: (volumeId) => mapped('DeleteVolume', async () => {
        await client.send(paced(new DeleteVolumeCommand({ VolumeId: volumeId }), pacing));
      }),
    describeSnapshots: (input) =>
      mapped('DescribeSnapshots', () => allPages(paginateDescribeSnapshots(pager(undefined, MAX_SNAPSHOTS_PAGE), { ...input }), (page) => page.Snapshots)),
    deleteSnapshot: (snapshotId) => mapped('DeleteSnapshot', async () => {
        await client.send(paced(new DeleteSnapshotCommand({ SnapshotId: snapshotId }), pacing));
      }),
    describeAddresses: (filters) =>
      mapped('DescribeAddresses', async () => (await client.send(paced(new DescribeAddressesCommand({ Filters: filters }), pacing))).Addresses ?? []),
    releaseAddress: (allocationId) => mapped('ReleaseAddress', async () => {
        await client.send(paced(new ReleaseAddressCommand({ AllocationId: allocationId }), pacing));
      }),
    describeNetworkInterfaces: (filters) =>
      mapped('DescribeNetworkInterfaces', () =>
        allPages(paginateDescribeNetworkInterfaces(pager(undefined, MAX_NETWORK_INTERFACES_PAGE), { Filters: filters }), (page) => page.NetworkInterfaces),
      ),
    deleteNetworkInterface: (networkInterfaceId) =>
      mapped('DeleteNetworkInterface', async () => {
        await client.send(paced(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: networkInterfaceId }), pacing));
      }),
  };
}

/** ServiceQuotasPort over the AWS SDK's Service Quotas client, each request paced on `queue`. */
export function sdkServiceQuotasPort(client: ServiceQuotasClient, queue: CloudCallQueue): ServiceQuotasPort {
  return {
    listServiceQuotas: (serviceCode, priority) =>
      mapped('ListServiceQuotas', () =>
        allPages(
          paginateListServiceQuotas(
            { client, pageSize: MAX_QUOTAS_PAGE, withCommand: (command) => paced(command, pacingOf(queue, priority)) },
            { ServiceCode: serviceCode },
          ),
          (page) => page.Quotas,
        ),
      ),
  };
}
