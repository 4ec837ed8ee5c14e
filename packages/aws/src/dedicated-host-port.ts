import type {
  AllocateHostsCommandInput,
  AllocateHostsCommandOutput,
  CreateFleetCommandInput,
  CreateFleetCommandOutput,
  CreateLaunchTemplateCommandInput,
  CreateLaunchTemplateCommandOutput,
  DescribeHostsCommandInput,
  DescribeHostsCommandOutput,
  ReleaseHostsCommandInput,
  ReleaseHostsCommandOutput,
} from '@aws-sdk/client-ec2';

/**
 * The EC2 calls of `dedicated-host` and `fleet` labels (one method per call, one page per
 * Describe call); same rules as Ec2Port: only CloudErrors are thrown, `signal` is honoured.
 */
export interface HostAndFleetPort {
  allocateHosts(input: AllocateHostsCommandInput, signal?: AbortSignal): Promise<AllocateHostsCommandOutput>;
  releaseHosts(input: ReleaseHostsCommandInput, signal?: AbortSignal): Promise<ReleaseHostsCommandOutput>;
  describeHosts(input: DescribeHostsCommandInput, signal?: AbortSignal): Promise<DescribeHostsCommandOutput>;
  createLaunchTemplate(input: CreateLaunchTemplateCommandInput, signal?: AbortSignal): Promise<CreateLaunchTemplateCommandOutput>;
  createFleet(input: CreateFleetCommandInput, signal?: AbortSignal): Promise<CreateFleetCommandOutput>;
}
