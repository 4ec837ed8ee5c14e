import {
  DeleteNetworkInterfaceCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DeregisterImageCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  ReleaseAddressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { ListServiceQuotasCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { toCloudError } from '../errors.js';
import type { Ec2Port, ServiceQuotasPort } from '../port.js';

/** Sends one SDK call and maps whatever it throws, once: the driver's boundary to AWS. */
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

/** Ec2Port over the AWS SDK's EC2 client. */
export function sdkEc2Port(client: EC2Client): Ec2Port {
  return {
    runInstances: (input, signal) => mapped('RunInstances', () => client.send(new RunInstancesCommand(input), options(signal))),
    describeInstances: (input, signal) =>
      mapped('DescribeInstances', () => client.send(new DescribeInstancesCommand(input), options(signal))),
    terminateInstances: (input, signal) =>
      mapped('TerminateInstances', () => client.send(new TerminateInstancesCommand(input), options(signal))),
    describeInstanceTypes: (input, signal) =>
      mapped('DescribeInstanceTypes', () => client.send(new DescribeInstanceTypesCommand(input), options(signal))),
    describeImages: (input, signal) => mapped('DescribeImages', () => client.send(new DescribeImagesCommand(input), options(signal))),
    deregisterImage: async (input, signal) => {
      await mapped('DeregisterImage', () => client.send(new DeregisterImageCommand(input), options(signal)));
    },
    describeVolumes: (input, signal) => mapped('DescribeVolumes', () => client.send(new DescribeVolumesCommand(input), options(signal))),
    deleteVolume: async (input, signal) => {
      await mapped('DeleteVolume', () => client.send(new DeleteVolumeCommand(input), options(signal)));
    },
    describeSnapshots: (input, signal) =>
      mapped('DescribeSnapshots', () => client.send(new DescribeSnapshotsCommand(input), options(signal))),
    deleteSnapshot: async (input, signal) => {
      await mapped('DeleteSnapshot', () => client.send(new DeleteSnapshotCommand(input), options(signal)));
    },
    describeAddresses: (input, signal) =>
      mapped('DescribeAddresses', () => client.send(new DescribeAddressesCommand(input), options(signal))),
    releaseAddress: async (input, signal) => {
      await mapped('ReleaseAddress', () => client.send(new ReleaseAddressCommand(input), options(signal)));
    },
    describeNetworkInterfaces: (input, signal) =>
      mapped('DescribeNetworkInterfaces', () => client.send(new DescribeNetworkInterfacesCommand(input), options(signal))),
    deleteNetworkInterface: async (input, signal) => {
      await mapped('DeleteNetworkInterface', () => client.send(new DeleteNetworkInterfaceCommand(input), options(signal)));
    },
  };
}

/** ServiceQuotasPort over the AWS SDK's Service Quotas client. */
export function sdkServiceQuotasPort(client: ServiceQuotasClient): ServiceQuotasPort {
  return {
    listServiceQuotas: (input, signal) =>
      mapped('ListServiceQuotas', () => client.send(new ListServiceQuotasCommand(input), options(signal))),
  };
}
