import {
  CloudError,
  DynamicValues,
  isCloudError,
  mayRetry,
  QuotaSet,
  RETRY_POLICY,
  SharedListCache,
  systemClock,
  TAG,
  type CloudAdapter,
  type CloudInstance,
  type TaggedInstance,
  type CloudResource,
  type CreateHooks,
  type CreateRequest,
  isOurs,
  type Ownership,
  type PoolLabelConfig,
  type ProviderContext,
  type TimerClock,
} from '@cloudpool/common';
import type { Host, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { CloudQuota } from './quota.js';
import type { AwsCloudImageSettings, AwsLabelSettings, AwsProviderConfig, AwsSettings } from './config.js';
import type { HostAndFleetPort } from './dedicated-host-port.js';
import { DedicatedHosts, HOST_RESOURCE_TYPE } from './dedicated-hosts.js';
import { ImageResolver } from './image-resolver.js';
import { toCloudInstance } from './instances.js';
import { InstanceTypeCatalog } from './instance-types.js';
import { FleetLaunch } from './fleet-launch.js';
import { clientToken, launchableInstanceType, runInstancesInput, type LaunchPlan } from './create-node.js';
import { LeakResources } from './leak-resources.js';
import { rootVolumeMapping } from './root-volume.js';
import type { Ec2Port, ServiceQuotasPort } from './port.js';
import { dedicatedHostQuota, instanceQuota, quotaCodesOfLabels, volumeQuota } from './quota-needs.js';
import { providerTagFilter, tagRecord } from './tags.js';
import { TerminateBatcher } from './delete-node.js';

/** What the adapter reads of its provider's configuration. */
export type AwsProviderView = Pick<AwsProviderConfig, 'name' | 'settings' | 'pools' | 'cloudImages'>;

/** Cache lifetimes and batching; every field has a default. Milliseconds. */
export interface AwsAdapterTimings {
  /** How long a `listNodes` result is shared (default 3 s); creates and terminations end it early. */
  listTtlMs: number;
  /** The least time between two listings however often creates and terminations end one early (default 1 s). */
  listRefreshGapMs: number;
  /** How long the Service Quotas limits are kept (default 5 min). */
  quotaTtlMs: number;
  /** How long an `image-filters` resolution is kept (default 5 min). */
  imageTtlMs: number;
  /** How long terminations are gathered into one TerminateInstances (default 250 ms). */
  terminateWindowMs: number;
  /** Timers of the termination window (default: Node's). */
  timers: TimerClock;
}

export interface AwsAdapterOptions {
  config: AwsProviderView;
  ec2: Ec2Port;
  serviceQuotas: ServiceQuotasPort;
  /** The calls of `dedicated-host` and `fleet` labels. */
  hostsAndFleets: HostAndFleetPort;
  context: Pick<ProviderContext, 'systemId' | 'clock'> & { logger: Pick<ProviderContext['logger'], 'warn'> };
  /** Whose resources are ours (common's `providerOwnership`): listed, and left out of the unmanaged usage. */
  owner: Ownership;
  timings?: Partial<AwsAdapterTimings>;
  /** Runs once when the adapter stops, e.g. to give back the SDK clients. */
  onStop?: () => void;
}

const DEFAULT_TIMINGS: AwsAdapterTimings = {
  listTtlMs: 3_000,
  listRefreshGapMs: 1_000,
  quotaTtlMs: 300_000,
  imageTtlMs: 300_000,
  terminateWindowMs: 250,
  timers: systemClock,
};

/**
 * The CloudAdapter of EC2. One RunInstances per node, tagging instance, volumes and interface
 * in that call, idempotent through a ClientToken of (installation, provider, node, attempt);
 * one shared, paged DescribeInstances filtered on the provider tag for every reader; batched
 * TerminateInstances; limits from Service Quotas. Every request is paced by the ports (the provider's queue).
 */
export class AwsAdapter implements CloudAdapter<AwsSettings> {
  private readonly calls: Ec2Port;
  private readonly instances: SharedListCache<CloudInstance[]>;
  private readonly instanceTypes: InstanceTypeCatalog;
  private readonly images: ImageResolver;
  private readonly terminations: TerminateBatcher;
  private readonly cloudQuota: CloudQuota;
  private readonly leaks: LeakResources;
  private readonly timings: AwsAdapterTimings;
  private readonly dynamicTags: DynamicValues;
  private readonly hosts: DedicatedHosts;
  private readonly fleets: FleetLaunch;
  /** Whether any label uses Dedicated Hosts: then listings read the provider's hosts too. */
  private readonly usesHosts: boolean;
  private stopped = false;

  constructor(private readonly options: AwsAdapterOptions) {
    const { config, context } = options;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.calls = options.ec2;
    this.instances = new SharedListCache(() => this.loadNodes(), {
      ttlMs: this.timings.listTtlMs,
      clock: context.clock,
      refreshGap: { ms: this.timings.listRefreshGapMs, timers: this.timings.timers },
    });
    this.instanceTypes = new InstanceTypeCatalog(this.calls);
    this.images = new ImageResolver(this.calls, { ttlMs: this.timings.imageTtlMs, clock: context.clock });
    this.terminations = new TerminateBatcher({
      windowMs: this.timings.terminateWindowMs,
      timers: this.timings.timers,
      terminate: (ids) => this.calls.terminateInstances(ids),
    });
    this.cloudQuota = new CloudQuota({
      calls: this.calls,
      serviceQuotas: options.serviceQuotas,
      instanceTypes: this.instanceTypes,
      codes: quotaCodesOfLabels(labelSettingsOf(config)),
      owner: options.owner,
      logger: context.logger,
      clock: context.clock,
      ttlMs: this.timings.quotaTtlMs,
    });
    this.leaks = new LeakResources(this.calls, config.name);
    this.hosts = new DedicatedHosts(options.hostsAndFleets, config.name);
    this.usesHosts = labelSettingsOf(config).some((label) => label.dedicatedHost);
    this.fleets = new FleetLaunch(options.hostsAndFleets, { [TAG.providerName]: config.name, [TAG.systemId]: context.systemId });
    this.dynamicTags = new DynamicValues('dynamic tag', ({ label, key, request, error, message }) =>
      context.logger.warn({ label, tag: key, request, error }, message),
    );
  }

  /** A diskimage label boots the builder's AMI (the upload's `external_id`); others their cloud image. */
  private imageToBoot(request: CreateRequest<AwsSettings>): AwsCloudImageSettings {
    if (request.upload) return { imageId: request.upload.externalId };
    const cloudImage = request.label.cloudImage === undefined ? undefined : this.options.config.cloudImages.get(request.label.cloudImage);
    if (!cloudImage) throw new CloudError('permanent', `label ${request.label.name}: cloud image ${request.label.cloudImage} is not configured`);
    return cloudImage.settings;
  }

  async createResource(request: CreateRequest<AwsSettings>, hooks: CreateHooks): Promise<string> {
    const label = request.label.settings;
    const instanceType = label.fleet ? undefined : launchableInstanceType(request.label);
    const image = await this.images.resolve(this.imageToBoot(request));
    const token = clientToken({
      systemId: this.options.context.systemId,
      providerName: this.options.config.name,
      nodeId: request.nodeId,
      nonce: request.nonce,
      attempt: request.attempt,
    });
    const tags = this.launchTags(request);
    const az = request.az ?? (label.dedicatedHost ? request.pool.azs[0] : undefined);
    const plan = {
      label,
      pool: request.pool.settings,
      image,
      rootVolume: rootVolumeMapping(request.label.name, image, label),
      tags,
      clientToken: token,
      az,
    };
    const instanceId =
      instanceType === undefined
        ? await this.fleets.launch({ ...plan, instanceType: label.fleet!.instanceTypes[0]!, fleet: label.fleet! }, hooks.signal)
        : await this.launchInstance(request, { ...plan, instanceType }, hooks.signal);
    hooks.onExternalId(instanceId);
    this.instances.invalidate();
    return instanceId;
  }

  /** RunInstances of one node, on its own Dedicated Host for `dedicated-host` labels. */
  private async launchInstance(request: CreateRequest, plan: LaunchPlan, signal: AbortSignal): Promise<string> {
    const hostId = plan.label.dedicatedHost
      ? await this.allocateHost(request, { instanceType: plan.instanceType, tags: plan.tags, clientToken: plan.clientToken, az: plan.az }, signal)
      : undefined;
    const input = runInstancesInput({ ...plan, ...(hostId === undefined ? {} : { hostId }) });
    return this.runInstances(input, signal).catch(async (error: unknown) => {
      // The host is this attempt's alone. After a transient failure the same attempt is sent
      // again (AllocateHosts answers its token with the same host), so it is kept for that.
      if (hostId !== undefined && !isCloudError(error, 'transient')) await this.releaseHost(hostId);
      throw error;
    });
  }

  listNodes(): Promise<CloudInstance[]> {
    return this.instances.get();
  }

  async listProviderInstances(): Promise<TaggedInstance[]> {
    const instances = await this.calls.describeInstances([providerTagFilter(this.options.config.name)]);
    return instances
      .filter((instance) => instance.State?.Name !== 'terminated')
      .map((instance) => ({ externalId: instance.InstanceId ?? '', tags: tagRecord(instance.Tags) }));
  }

  async cleanupNode(externalId: string): Promise<void> {
    await this.terminations.terminate(externalId);
    this.instances.invalidate();
  }

  /** What LeakResources lists, and the provider's Dedicated Hosts. All or nothing. */
  async listResources(): Promise<CloudResource[]> {
    const [resources, hosts] = await Promise.all([this.leaks.list(), this.hosts.resources()]);
    return [...resources, ...hosts];
  }

  deleteResource(resource: CloudResource): Promise<void> {
    if (resource.type === 'instance') return this.cleanupNode(resource.id);
    if (resource.type === HOST_RESOURCE_TYPE) return this.hosts.release(resource.id);
    return this.leaks.delete(resource);
  }

  getQuotaLimits(): Promise<QuotaSet> {
    return this.cloudQuota.limits();
  }

  /** See quota-needs.ts: instances, cores (vCPUs), ram (MiB), the vCPU quota code, EBS codes. */
  async getQuotaForLabel(label: PoolLabelConfig<AwsLabelSettings>): Promise<QuotaSet> {
    const settings = label.settings;
    // As in Nodepool, a fleet label's quota is not known before EC2 picks one of its types: it
    // counts as one instance until then; listNodes counts it by the type it got.
    if (settings.fleet) return QuotaSet.of({ instances: 1 }).add(volumeQuota(settings.volumeType, settings.volumeSize, settings.iops));
    const instanceType = launchableInstanceType(label);
    const size = await this.instanceTypes.sizeOf(instanceType);
    if (settings.dedicatedHost) return dedicatedHostQuota(instanceType, size).add(volumeQuota(settings.volumeType, settings.volumeSize, settings.iops));
    return instanceQuota(instanceType, size, settings.useSpot).add(volumeQuota(settings.volumeType, settings.volumeSize, settings.iops));
  }

  invalidateQuotaCache(): void {
    this.cloudQuota.invalidate();
  }

  /** Sends the terminations still gathered and gives back the clients. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.terminations.flush();
    this.options.onStop?.();
  }

  /** One RunInstances, sent again with the same ClientToken when AWS fails or the answer is lost (`RETRY_POLICY.createSend`). */
  private async runInstances(input: RunInstancesCommandInput, signal: AbortSignal): Promise<string> {
    for (let resends = 0; ; resends++) {
      try {
        const instanceId = (await this.calls.runInstances(input, signal)).Instances?.[0]?.InstanceId;
        if (instanceId) return instanceId;
        throw new CloudError('transient', 'RunInstances: the answer names no instance', { action: 'RunInstances' });
      } catch (error) {
        if (signal.aborted || !mayRetry(RETRY_POLICY.createSend, error, resends)) throw error;
      }
    }
  }

  private async loadNodes(): Promise<CloudInstance[]> {
    const { config } = this.options;
    const [described, hosts] = await Promise.all([
      this.calls.describeInstances([providerTagFilter(config.name)]),
      this.usesHosts ? this.hosts.list() : Promise.resolve<Host[]>([]),
    ]);
    const instances = described.filter((instance) => this.isOurs(tagRecord(instance.Tags)));
    const allocatedHosts = new Set(hosts.map((host) => host.HostId));
    const types = [...new Set(instances.map((instance): string => instance.InstanceType ?? ''))].filter((type) => type !== '');
    const sizes = new Map(await Promise.all(types.map(async (type) => [type, await this.instanceTypes.sizeOf(type)] as const)));
    const usesInternalIp = (poolName: string | undefined) =>
      poolName !== undefined && (config.pools.get(poolName)?.settings.useInternalIp ?? false);
    return Promise.all(
      instances.map(async (instance) => {
        const size = sizes.get(instance.InstanceType ?? '');
        const spot = instance.InstanceLifecycle === 'spot';
        const hostId = instance.Placement?.Tenancy === 'host' ? instance.Placement.HostId : undefined;
        const quota = size && (hostId === undefined ? instanceQuota(instance.InstanceType ?? '', size, spot) : dedicatedHostQuota(instance.InstanceType ?? '', size));
        const view = toCloudInstance(instance, { region: config.settings.regionName, usesInternalIp, quota });
        // A node on a Dedicated Host is gone once its host is released too (see releaseHostOf).
        if (view.state === 'deleted' && hostId !== undefined && allocatedHosts.has(hostId)) {
          await this.releaseHost(hostId);
          return { ...view, state: 'deleting' as const };
        }
        return view;
      }),
    );
  }

  /** One Dedicated Host for a node in its pool's zone (required by the config for such labels). */
  private allocateHost(
    request: CreateRequest,
    host: { instanceType: string; tags: Record<string, string>; clientToken: string; az: string | undefined },
    signal: AbortSignal,
  ): Promise<string> {
    if (host.az === undefined) throw new CloudError('permanent', `label ${request.label.name}: dedicated-host needs the pool's availability-zone`);
    return this.hosts.allocate({ availabilityZone: host.az, instanceType: host.instanceType, tags: host.tags, clientToken: host.clientToken }, signal);
  }

  /**
   * Releases a node's host, best effort: a failure is logged and the host is tried again by
   * the next listing that sees its instance terminated (and by leak cleanup, as it carries
   * the node's tags).
   */
  private async releaseHost(hostId: string): Promise<void> {
    await this.hosts.release(hostId).catch((error: unknown) => {
      this.options.context.logger.warn({ host: hostId, err: error }, 'could not release the Dedicated Host yet');
    });
  }

  /**
   * The request's tags, then the label's `dynamic-tags` formatted with the node request (see
   * `DynamicValues`), and `Name` (the hostname, shown by the AWS console), as Nodepool writes them.
   */
  private launchTags(request: CreateRequest<AwsSettings>): Record<string, string> {
    const dynamic = this.dynamicTags.of(request, request.label.settings.dynamicTags);
    return { ...request.tags, ...dynamic, Name: request.hostname };
  }

  private isOurs(tags: Record<string, string>): boolean {
    return isOurs(tags, this.options.owner);
  }
}

/** The settings of every label of the provider. */
function labelSettingsOf(config: AwsProviderView): AwsLabelSettings[] {
  return [...config.pools.values()].flatMap((pool) => [...pool.labels.values()].map((label) => label.settings));
}
