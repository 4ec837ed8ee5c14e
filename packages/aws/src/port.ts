import type {
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

/** Among waiting calls, the provider's queue sends higher priorities first; undefined is the default (0). */
export type CallPriority = number | undefined;

/**
 * The EC2 calls the driver makes, as it uses them; the only way the driver reaches EC2.
 * Each HTTP request an implementation sends goes through the provider's queue (the SDK one
 * paces them in a middleware, see sdk/paced-requests.ts); a listing reads every page (one
 * request each) and is all or nothing. Implementations throw only CloudErrors (see errors.ts)
 * and honour `signal`.
 */
export interface Ec2Port {
  /** One RunInstances; `signal` (the launch's) aborts it. */
  runInstances(input: RunInstancesCommandInput, signal?: AbortSignal): Promise<RunInstancesCommandOutput>;
  /** Every instance matching `filters`, reservations flattened. */
  describeInstances(filters: Filter[], priority?: CallPriority): Promise<Instance[]>;
  /** One TerminateInstances for up to 1,000 ids (every id must exist, or none is terminated). */
  terminateInstances(ids: string[]): Promise<void>;
  /** What EC2 says of one instance type (`InvalidInstanceType`, a permanent error, when it has no such type). */
  describeInstanceType(instanceType: string): Promise<InstanceTypeInfo | undefined>;
  /** Every image matching `input` (paged unless it names image ids, which AWS does not page). */
  describeImages(input: Omit<DescribeImagesCommandInput, 'MaxResults' | 'NextToken'>): Promise<Image[]>;
  deregisterImage(imageId: string): Promise<void>;
  describeVolumes(filters: Filter[], priority?: CallPriority): Promise<Volume[]>;
  deleteVolume(volumeId: string): Promise<void>;
  describeSnapshots(input: Omit<DescribeSnapshotsCommandInput, 'MaxResults' | 'NextToken'>): Promise<Snapshot[]>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /** Elastic IPs matching `filters` (DescribeAddresses is not paged). */
  describeAddresses(filters: Filter[]): Promise<Address[]>;
  releaseAddress(allocationId: string): Promise<void>;
  /** Every network interface matching `filters`. */
  describeNetworkInterfaces(filters: Filter[]): Promise<NetworkInterface[]>;
  /** Deletes a detached interface (EC2 refuses one attached to an instance with `InvalidParameterValue`). */
  deleteNetworkInterface(networkInterfaceId: string): Promise<void>;
}

/** The Service Quotas call the driver makes; same rules as Ec2Port. */
export interface ServiceQuotasPort {
  /** Every quota of one service (`ec2`, `ebs`) in the client's region. */
  listServiceQuotas(serviceCode: string, priority?: CallPriority): Promise<ServiceQuota[]>;
}
