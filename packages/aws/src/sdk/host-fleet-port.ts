import {
  AllocateHostsCommand,
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  paginateDescribeHosts,
  ReleaseHostsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { CloudCallQueue } from '@cloudpool/common';
import type { HostAndFleetPort } from '../dedicated-host-port.js';
import { paced } from './paced-requests.js';
import { allPages, mapped, options } from './sdk-port.js';

/** The largest page of DescribeHosts. */
const MAX_HOSTS_PAGE = 500;

/** HostAndFleetPort over the AWS SDK's EC2 client (the provider's one client), each request paced on `queue`. */
export function sdkHostAndFleetPort(client: EC2Client, queue: CloudCallQueue): HostAndFleetPort {
  const pacing = { queue };
  return {
    allocateHosts: (input, signal) => mapped('AllocateHosts', () => client.send(paced(new AllocateHostsCommand(input), pacing), options(signal))),
    releaseHosts: (input, signal) => mapped('ReleaseHosts', () => client.send(paced(new ReleaseHostsCommand(input), pacing), options(signal))),
    describeHosts: (filters) =>
      mapped('DescribeHosts', () =>
        allPages(
          paginateDescribeHosts({ client, pageSize: MAX_HOSTS_PAGE, withCommand: (command) => paced(command, pacing) }, { Filter: filters }),
          (page) => page.Hosts,
        ),
      ),
    createLaunchTemplate: (input, signal) =>
      mapped('CreateLaunchTemplate', () => client.send(paced(new CreateLaunchTemplateCommand(input), pacing), options(signal))),
    createFleet: (input, signal) => mapped('CreateFleet', () => client.send(paced(new CreateFleetCommand(input), pacing), options(signal))),
  };
}
