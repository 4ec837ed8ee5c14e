import type {
  AllocateHostsCommandInput,
  AllocateHostsCommandOutput,
  CreateFleetCommandInput,
  CreateFleetCommandOutput,
  CreateLaunchTemplateCommandInput,
  CreateLaunchTemplateCommandOutput,
  Filter,
  Host,
  ReleaseHostsCommandInput,
  ReleaseHostsCommandOutput,
} from '@aws-sdk/client-ec2';

/**
 * The EC2 calls of `dedicated-host` and `fleet` labels (one method per call; a listing reads
 * every page); same rules as Ec2Port: each request paced, only CloudErrors thrown, `signal` honoured.
 */
export interface HostAndFleetPort {
  allocateHosts(input: AllocateHostsCommandInput, signal?: AbortSignal): Promise<AllocateHostsCommandOutput>;
  releaseHosts(input: ReleaseHostsCommandInput, signal?: AbortSignal): Promise<ReleaseHostsCommandOutput>;
  /** Every host matching `filters`. */
  describeHosts(filters: Filter[]): Promise<Host[]>;
  createLaunchTemplate(input: CreateLaunchTemplateCommandInput, signal?: AbortSignal): Promise<CreateLaunchTemplateCommandOutput>;
  createFleet(input: CreateFleetCommandInput, signal?: AbortSignal): Promise<CreateFleetCommandOutput>;
}
