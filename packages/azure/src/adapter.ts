import type { Image } from '@azure/arm-compute';
import {
  type CloudAdapter,
  type CloudCallQueue,
  CloudError,
  type CloudInstance,
  type CloudResource,
  type TaggedInstance,
  type CreateHooks,
  type CreateRequest,
  DynamicValues,
  isOurs,
  type PoolLabelConfig,
  QuotaSet,
  SharedListCache,
  systemClock,
  TAG,
  type TimerClock,
} from '@cloudpool/common';
import type { AdapterContext, AzureAdapterConfig } from './adapter-config.js';
import type { AzureLabelSettings, AzureSettings } from './config.js';
import { indexNetwork, toCloudInstance } from './instances.js';
import { type ArmResourceRef, parseResourceId, subnetId } from './names.js';
import { cleanupNode } from './delete-node.js';
import { createNode, publicIpVersions } from './create-node.js';
import { ArmOperations } from './operations.js';
import type { AzurePort } from './port.js';
import { networkQuotaOf, quotaOfSize, regionalLimits, type VmSize, vmSizesOf } from './quota.js';
import { collectionOf, toCloudResource } from './leak-resources.js';
import { SubnetCheck } from './subnet-check.js';
import { canonicalVmId } from './vm-identity.js';

export interface AzureAdapterOptions {
  /** Opens the port to ARM, its requests paced on `queue` (the provider's); called once, by `start()`. */
  openPort(queue: CloudCallQueue): Promise<AzurePort>;
  /** Ms between polls of a running ARM operation (default 5 s). */
  pollIntervalMs?: number;
  /** Ms after which a running ARM operation is given up (default 15 min). */
  operationTimeoutMs?: number;
  /** Ms the shared instance listing is reused (default 5 s). */
  listTtlMs?: number;
  /** The least ms between two listings however often creates and deletes end one early (default 1 s), timed on `timers`. */
  listRefreshGapMs?: number;
  /** Ms the quota limits are reused (default 5 min). */
  quotaTtlMs?: number;
  /** Timers for the waits between polls (default: the system's). */
  timers?: TimerClock;
}

/** What the adapter has once started. */
interface Connected {
  port: AzurePort;
  operations: ArmOperations;
  subnetId: string;
  subnetCheck: SubnetCheck;
}

/**
 * The CloudAdapter of Azure: nodes are a public IP, a NIC and a VM with its OS disk in the
 * provider's resource group (see create-node.ts and delete-node.ts). Every ARM request goes
 * through the provider's queue, one queued call per request, where the SDK sends it (the port's
 * pipeline policy): each page of a list, each PUT and DELETE, each poll of a running operation.
 *
 * Listing: VMs, then (when any is ours) the group's NICs and public IPs, joined for addresses;
 * cached `listTtlMs` and shared. Quota: regional usages minus other users' share, with VM sizes
 * from the resource SKUs (read once).
 */
export class AzureAdapter implements CloudAdapter<AzureSettings> {
  /** As in Nodepool: a VM may take minutes to provision; `launch-timeout` bounds that, `boot-timeout` does not. */
  readonly readyWaitBound = 'launch-timeout';
  private connected: Connected | undefined;
  private readonly instances: SharedListCache<CloudInstance[]>;
  private readonly limits: SharedListCache<QuotaSet>;
  private readonly vmSizes: SharedListCache<Map<string, VmSize>>;
  private readonly dynamicTags: DynamicValues;

  constructor(
    private readonly config: AzureAdapterConfig,
    private readonly context: AdapterContext,
    private readonly options: AzureAdapterOptions,
  ) {
    const clock = context.clock;
    this.instances = new SharedListCache(() => this.loadInstances(), {
      ttlMs: options.listTtlMs ?? 5_000,
      clock,
      refreshGap: { ms: options.listRefreshGapMs ?? 1_000, timers: options.timers ?? systemClock },
    });
    this.limits = new SharedListCache(() => this.loadLimits(), { ttlMs: options.quotaTtlMs ?? 300_000, clock });
    this.vmSizes = new SharedListCache(() => this.loadVmSizes(), { ttlMs: Infinity, clock });
    this.dynamicTags = new DynamicValues('dynamic tag', ({ label, key, request, error, message }) =>
      context.logger.warn({ label, tag: key, request, error }, message),
    );
  }

  /** Opens the port and makes sure the resource group exists (created at `resource-group-location` if not). */
  async start(): Promise<void> {
    if (this.connected) return;
    const port = await this.options.openPort(this.context.queue);
    const { settings } = this.config;
    const subnet = settings.subnetId ?? (settings.network && subnetId(port.subscriptionId, settings.network));
    if (!subnet) throw new Error(`azure provider ${this.config.providerName}: neither subnet-id nor network is configured`);
    if (!(await port.resourceGroupExists(settings.resourceGroup))) {
      await port.createResourceGroup(settings.resourceGroup, settings.resourceGroupLocation);
    }
    const operations = new ArmOperations(port, {
      pollIntervalMs: this.options.pollIntervalMs ?? 5_000,
      timeoutMs: this.options.operationTimeoutMs ?? 15 * 60_000,
      timers: this.options.timers ?? systemClock,
    });
    const pools = [...this.config.pools.values()].map((pool) => pool.settings);
    this.connected = { port, operations, subnetId: subnet, subnetCheck: new SubnetCheck(subnet, pools, this.context.logger) };
  }

  /** Gives back the port's clients; the adapter makes no further calls. Idempotent. */
  async stop(): Promise<void> {
    const connected = this.connected;
    this.connected = undefined;
    connected?.port.close();
  }

  async createResource(request: CreateRequest<AzureSettings>, hooks: CreateHooks): Promise<string> {
    const { port, operations, subnetId: subnet, subnetCheck } = this.connection();
    await subnetCheck.ensure(port);
    try {
      return await createNode(
        {
          config: this.config,
          port,
          operations,
          subnetId: subnet,
          listImages: () => this.listImages(),
          logger: this.context.logger,
          dynamicTags: this.dynamicTags,
          timers: this.timers,
        },
        request,
        hooks,
      );
    } finally {
      this.instances.invalidate();
    }
  }

  listNodes(): Promise<CloudInstance[]> {
    return this.instances.get();
  }

  async listProviderInstances(): Promise<TaggedInstance[]> {
    const { port } = this.connection();
    const vms = await port.listVirtualMachines(this.config.settings.resourceGroup);
    return vms
      .filter((vm) => vm.tags?.[TAG.providerName] === this.config.providerName)
      .map((vm) => ({ externalId: vm.id ?? '', tags: { ...vm.tags } }));
  }

  async cleanupNode(externalId: string): Promise<void> {
    const { port, operations } = this.connection();
    try {
      await cleanupNode(
        {
          resourceGroup: this.config.settings.resourceGroup,
          port,
          operations,
          logger: this.context.logger,
          timers: this.timers,
          untilVmGone: (ref) => this.untilVmGone(ref),
          publicIpVersionsOf: (poolName) => {
            const pool = this.config.pools.get(poolName ?? '')?.settings;
            return pool ? publicIpVersions(pool) : ['IPv4', 'IPv6'];
          },
        },
        externalId,
      );
    } finally {
      this.instances.invalidate();
    }
  }

  async listResources(): Promise<CloudResource[]> {
    const { port } = this.connection();
    const resources = await port.listResources(this.config.settings.resourceGroup);
    return resources.flatMap((resource) => toCloudResource(resource) ?? []);
  }

  async deleteResource(resource: CloudResource): Promise<void> {
    if (resource.type === 'instance') return this.cleanupNode(resource.id);
    const collection = collectionOf(resource.type);
    const ref = parseResourceId(resource.id);
    if (!collection || !ref) throw new CloudError('permanent', `not an Azure resource this driver deletes: ${resource.type} ${resource.id}`);
    await this.connection().operations.delete(collection, ref);
  }

  getQuotaLimits(): Promise<QuotaSet> {
    return this.limits.get();
  }

  /** The VM size's compute quota, and the NIC and public IPs of the label's pool (Network's usages count those). */
  async getQuotaForLabel(label: PoolLabelConfig<AzureLabelSettings>): Promise<QuotaSet> {
    const { vmSize } = label.settings;
    return quotaOfSize((await this.vmSizes.get()).get(vmSize.toLowerCase())).add(this.networkQuotaOfPool(label.poolName));
  }

  private networkQuotaOfPool(poolName: string | undefined): QuotaSet {
    const pool = this.config.pools.get(poolName ?? '')?.settings;
    return networkQuotaOf(pool ? publicIpVersions(pool).length : 0);
  }

  invalidateQuotaCache(): void {
    this.limits.invalidate();
  }

  private get timers(): TimerClock {
    return this.options.timers ?? systemClock;
  }

  /**
   * Waits, polling the shared listing every `pollIntervalMs`, until a VM is gone from it; a
   * `transient` CloudError after `operationTimeoutMs` (the framework then repeats the delete).
   */
  private async untilVmGone(ref: ArmResourceRef): Promise<void> {
    const { port } = this.connection();
    const id = canonicalVmId(port.subscriptionId, ref.resourceGroup, ref.name).toLowerCase();
    const timeoutMs = this.options.operationTimeoutMs ?? 15 * 60_000;
    const deadline = this.timers.now() + timeoutMs;
    for (;;) {
      this.instances.invalidate();
      if (!(await this.instances.get()).some((instance) => instance.externalId.toLowerCase() === id)) return;
      if (this.timers.now() >= deadline) throw new CloudError('transient', `virtualMachines ${ref.name}: still listed ${timeoutMs} ms after its delete`, { action: 'virtualMachines.delete' });
      await new Promise<void>((resolve) => this.timers.setTimeout(() => resolve(), this.options.pollIntervalMs ?? 5_000));
    }
  }

  private connection(): Connected {
    if (!this.connected) throw new CloudError('permanent', `azure provider ${this.config.providerName}: adapter not started`);
    return this.connected;
  }

  private async loadInstances(): Promise<CloudInstance[]> {
    const { port } = this.connection();
    const { resourceGroup } = this.config.settings;
    const vms = (await port.listVirtualMachines(resourceGroup)).filter((vm) => isOurs(vm.tags ?? {}, this.context.owner));
    if (vms.length === 0) return [];
    const [nics, publicIps, sizes] = await Promise.all([
      port.listNetworkInterfaces(resourceGroup),
      port.listPublicIpAddresses(resourceGroup),
      this.vmSizes.get(),
    ]);
    const network = indexNetwork(nics, publicIps);
    return vms.map((vm) =>
      toCloudInstance(vm, {
        subscriptionId: port.subscriptionId,
        resourceGroup,
        network,
        useInternalIp: this.config.pools.get(vm.tags?.[TAG.poolName] ?? '')?.settings.useInternalIp ?? false,
        quota: quotaOfSize(sizes.get(vm.hardwareProfile?.vmSize?.toLowerCase() ?? '')).add(this.networkQuotaOfPool(vm.tags?.[TAG.poolName])),
      }),
    );
  }

  /** Regional limits (Compute's and Network's usages) minus the usage of VMs not ours (see `regionalLimits`). */
  private async loadLimits(): Promise<QuotaSet> {
    const { port } = this.connection();
    const { location } = this.config.settings;
    const [compute, network, instances] = await Promise.all([
      port.listUsages(location),
      port.listNetworkUsages(location),
      this.listNodes(),
    ]);
    const usages = [...compute, ...network];
    const ours = instances
      .filter((instance) => sameLocation(instance.region, location))
      .reduce((sum, instance) => sum.add(instance.quota ?? QuotaSet.empty()), QuotaSet.empty());
    return regionalLimits(usages, ours);
  }

  private async loadVmSizes(): Promise<Map<string, VmSize>> {
    const { port } = this.connection();
    return vmSizesOf(await port.listVirtualMachineSkus(this.config.settings.location));
  }

  private listImages(): Promise<Image[]> {
    return this.connection().port.listImages(this.config.settings.resourceGroup);
  }
}

/** Azure writes locations in several spellings (`East US`, `eastus`). */
function sameLocation(a: string | undefined, b: string): boolean {
  const normal = (location: string) => location.replace(/\s+/g, '').toLowerCase();
  return a !== undefined && normal(a) === normal(b);
}
