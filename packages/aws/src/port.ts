import type {
  DeleteNetworkInterfaceCommandInput,
  DeleteSnapshotCommandInput,
  DeleteVolumeCommandInput,
  DeregisterImageCommandInput,
  DescribeAddressesCommandInput,
  DescribeAddressesCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeInstanceTypesCommandInput,
  DescribeInstanceTypesCommandOutput,
  DescribeNetworkInterfacesCommandInput,
  DescribeNetworkInterfacesCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  DescribeVolumesCommandInput,
  DescribeVolumesCommandOutput,
  ReleaseAddressCommandInput,
  RunInstancesCommandInput,
  RunInstancesCommandOutput,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import type { ListServiceQuotasCommandInput, ListServiceQuotasCommandOutput } from '@aws-sdk/client-service-quotas';

/**
 * The EC2 API calls the driver makes, one method per call and one page per Describe call.
 * Implementations throw only CloudErrors (see errors.ts) and honour `signal`.
 */
export interface Ec2Port {
  runInstances(input: RunInstancesCommandInput, signal?: AbortSignal): Promise<RunInstancesCommandOutput>;
  describeInstances(input: DescribeInstancesCommandInput, signal?: AbortSignal): Promise<DescribeInstancesCommandOutput>;
  terminateInstances(input: TerminateInstancesCommandInput, signal?: AbortSignal): Promise<TerminateInstancesCommandOutput>;
  describeInstanceTypes(input: DescribeInstanceTypesCommandInput, signal?: AbortSignal): Promise<DescribeInstanceTypesCommandOutput>;
  describeImages(input: DescribeImagesCommandInput, signal?: AbortSignal): Promise<DescribeImagesCommandOutput>;
  deregisterImage(input: DeregisterImageCommandInput, signal?: AbortSignal): Promise<void>;
  describeVolumes(input: DescribeVolumesCommandInput, signal?: AbortSignal): Promise<DescribeVolumesCommandOutput>;
  deleteVolume(input: DeleteVolumeCommandInput, signal?: AbortSignal): Promise<void>;
  describeSnapshots(input: DescribeSnapshotsCommandInput, signal?: AbortSignal): Promise<DescribeSnapshotsCommandOutput>;
  deleteSnapshot(input: DeleteSnapshotCommandInput, signal?: AbortSignal): Promise<void>;
  describeAddresses(input: DescribeAddressesCommandInput, signal?: AbortSignal): Promise<DescribeAddressesCommandOutput>;
  releaseAddress(input: ReleaseAddressCommandInput, signal?: AbortSignal): Promise<void>;
  describeNetworkInterfaces(input: DescribeNetworkInterfacesCommandInput, signal?: AbortSignal): Promise<DescribeNetworkInterfacesCommandOutput>;
  deleteNetworkInterface(input: DeleteNetworkInterfaceCommandInput, signal?: AbortSignal): Promise<void>;
}

/** The Service Quotas API call the driver makes (one page); same rules as Ec2Port. */
export interface ServiceQuotasPort {
  listServiceQuotas(input: ListServiceQuotasCommandInput, signal?: AbortSignal): Promise<ListServiceQuotasCommandOutput>;
}
