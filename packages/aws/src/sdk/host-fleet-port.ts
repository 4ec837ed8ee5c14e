import {
  AllocateHostsCommand,
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  DescribeHostsCommand,
  ReleaseHostsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { HostAndFleetPort } from '../dedicated-host-port.js';
import { mapped, options } from './sdk-port.js';

/** HostAndFleetPort over the AWS SDK's EC2 client (the provider's one client). */
export function sdkHostAndFleetPort(client: EC2Client): HostAndFleetPort {
  return {
    allocateHosts: (input, signal) => mapped('AllocateHosts', () => client.send(new AllocateHostsCommand(input), options(signal))),
    releaseHosts: (input, signal) => mapped('ReleaseHosts', () => client.send(new ReleaseHostsCommand(input), options(signal))),
    describeHosts: (input, signal) => mapped('DescribeHosts', () => client.send(new DescribeHostsCommand(input), options(signal))),
    createLaunchTemplate: (input, signal) =>
      mapped('CreateLaunchTemplate', () => client.send(new CreateLaunchTemplateCommand(input), options(signal))),
    createFleet: (input, signal) => mapped('CreateFleet', () => client.send(new CreateFleetCommand(input), options(signal))),
  };
}
