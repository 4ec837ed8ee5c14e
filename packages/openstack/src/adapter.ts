import {
  isOurs,
  QuotaSet,
  SharedListCache,
  systemClock,
  TAG,
  type Clock,
  type CloudAdapter,
  type CloudInstance,
  type CloudResource,
  type TaggedInstance,
  type CreateHooks,
  type CreateRequest,
  type ImageUploads,
  type Ownership,
  type PoolLabelConfig,
  type ProviderContext,
  type TimerClock,
} from '@cloudpool/common';
import type { NovaFlavor, NovaServer, OpenStackApi } from './port.js';
import type { OpenStackCloudImageSettings, OpenStackDiskimageSettings, OpenStackLabelSettings, OpenStackProviderSettings, OpenStackSettings } from './config.js';
import { COMPUTE } from './sdk/microversion.js';
import { CloudLookups } from './lookups.js';
import { cloudQuotaLimits } from './quota.js';
import { LeakResources } from './leak-resources.js';
import { NodeCleaner } from './delete-node.js';
import { NodeLauncher } from './create-node.js';
import { flavorQuota, serverToInstance } from './instances.js';
import { ATTEMPT_KEY, providerServerTag } from './tags.js';
import { GlanceImageUploads, type GlanceUploadApi } from './image-upload.js';

/** What the adapter reads of its provider's configuration (an `OpenStackProviderConfig` has it all). */
export interface OpenStackAdapterConfig {
  name: string;
  settings: OpenStackProviderSettings;
  cloudImages: ReadonlyMap<string, { settings: OpenStackCloudImageSettings }>;
  /** `diskimages` entries (absent: none): how servers boot from the builder's uploads. */
  diskimages?: ReadonlyMap<string, { settings: OpenStackDiskimageSettings }>;
}

export interface OpenStackAdapterOptions {
  config: OpenStackAdapterConfig;
  /** Closed by `stop()`. */
  api: OpenStackApi;
  /** Whose servers are ours (common's `providerOwnership`): listed, and left out of the unmanaged usage. */
  owner: Ownership;
  /** The region the servers are in, reported on each instance. */
  region?: string;
  clock: Clock;
  logger: Pick<ProviderContext['logger'], 'warn'>;
  /** How long a server listing is shared (default 5 s). */
  listTtlMs?: number;
  /** The least time between two server listings however often creates and deletes end one early (default 1 s). */
  listRefreshGapMs?: number;
  /** Timers of the refresh gap (default: Node's). */
  timers?: TimerClock;
  /** How long the cloud limits are cached (default 5 minutes). */
  quotaTtlMs?: number;
  /** Glance's upload calls (`cloudpool image upload`); without them the adapter has no image uploads. */
  glanceUploads?: GlanceUploadApi;
}

const DEFAULT_LIST_TTL_MS = 5_000;
const DEFAULT_LIST_REFRESH_GAP_MS = 1_000;
const DEFAULT_QUOTA_TTL_MS = 5 * 60_000;

/**
 * The CloudAdapter of OpenStack: Nova servers with Neutron ports and floating IPs made for them
 * (see NodeLauncher, NodeCleaner, LeakResources and cloudQuotaLimits for each part's semantics).
 * All calls go through the injected OpenStackApi port.
 *
 * `listNodes` reads `GET /servers/detail` (every page) and keeps the servers whose metadata says
 * they are this provider's and installation's. From microversion 2.52, where every server this
 * driver makes carries the provider tag, Nova filters by that tag server-side; without it, or
 * when adopting Nodepool's (untagged) servers, the filter is client-side only. The listing is
 * cached briefly and shared.
 */
export class OpenStackAdapter implements CloudAdapter<OpenStackSettings> {
  private readonly servers: SharedListCache<CloudInstance[]>;
  private readonly quota: SharedListCache<QuotaSet>;
  private readonly lookups: CloudLookups;
  private readonly cleaner: NodeCleaner;
  private readonly launcher: NodeLauncher;
  private readonly leaks: LeakResources;
  private readonly owner: Ownership;
  readonly imageUploads: ImageUploads | undefined;
  /** Faults of listed ERROR servers that Nova lists without one, read from the server itself: id → fault. */
  private readonly faults = new Map<string, NonNullable<NovaServer['fault']>>();

  constructor(private readonly options: OpenStackAdapterOptions) {
    const { api, config, clock, logger } = options;
    const warn = (message: string) => logger.warn({ provider: config.name }, message);
    this.owner = options.owner;
    this.servers = new SharedListCache(() => this.loadServers(), {
      ttlMs: options.listTtlMs ?? DEFAULT_LIST_TTL_MS,
      clock,
      refreshGap: { ms: options.listRefreshGapMs ?? DEFAULT_LIST_REFRESH_GAP_MS, timers: options.timers ?? systemClock },
    });
    this.quota = new SharedListCache(() => this.loadQuota(), { ttlMs: options.quotaTtlMs ?? DEFAULT_QUOTA_TTL_MS, clock });
    this.lookups = new CloudLookups(api, warn);
    this.cleaner = new NodeCleaner(api, this.owner);
    this.launcher = new NodeLauncher({ api, lookups: this.lookups, cleaner: this.cleaner, owner: this.owner, cloudImages: config.cloudImages, diskimages: config.diskimages ?? new Map(), warn });
    this.leaks = new LeakResources(api, { providerName: config.name, systemId: options.owner.systemId, settings: config.settings, clock });
    this.imageUploads = options.glanceUploads
      ? new GlanceImageUploads({ api: options.glanceUploads, meta: (diskimage) => config.diskimages?.get(diskimage)?.settings.meta ?? {}, timers: options.timers ?? systemClock })
      : undefined;
  }

  async createResource(request: CreateRequest<OpenStackSettings>, hooks: CreateHooks): Promise<string> {
    try {
      return await this.launcher.launch(request, hooks);
    } finally {
      this.servers.invalidate();
    }
  }

  listNodes(): Promise<CloudInstance[]> {
    return this.servers.get();
  }

  async listProviderInstances(): Promise<TaggedInstance[]> {
    const servers = await this.options.api.listServers({});
    return servers
      .filter((server) => server.metadata?.[TAG.providerName] === this.options.config.name && server.status.toUpperCase() !== 'DELETED')
      .map((server) => ({ externalId: server.id, tags: { ...server.metadata } }));
  }

  /** Deletes the server with its floating IPs and ports (see NodeCleaner); its node and attempt come from the shared listing. */
  async cleanupNode(externalId: string): Promise<void> {
    try {
      const tags = (await this.servers.get()).find((instance) => instance.externalId === externalId)?.tags ?? {};
      const nodeId = tags[TAG.nodeId];
      const attempt = tags[ATTEMPT_KEY];
      await this.cleaner.deleteNode(externalId, nodeId && attempt ? { nodeId, attempt, nonce: tags[TAG.nodeNonce] } : undefined);
    } finally {
      this.servers.invalidate();
    }
  }

  listResources(): Promise<CloudResource[]> {
    return this.leaks.list();
  }

  deleteResource(resource: CloudResource): Promise<void> {
    return resource.type === 'instance' ? this.cleanupNode(resource.id) : this.leaks.delete(resource);
  }

  getQuotaLimits(): Promise<QuotaSet> {
    return this.quota.get();
  }

  /** An instance, the flavor's vCPUs and RAM, and with `boot-from-volume` one volume of `volume-size` GB. */
  async getQuotaForLabel(label: PoolLabelConfig<OpenStackLabelSettings>): Promise<QuotaSet> {
    const settings = label.settings;
    const needed = flavorQuota(await this.lookups.flavorFor(settings));
    return settings.bootFromVolume ? needed.add(QuotaSet.of({ volumes: 1, 'volume-gb': settings.volumeSize })) : needed;
  }

  invalidateQuotaCache(): void {
    this.quota.invalidate();
  }

  /** Nodepool's `console-log`: the server's console output, for labels that ask for it. */
  async getConsoleLog(label: PoolLabelConfig<OpenStackSettings['label']>, externalId: string): Promise<string | undefined> {
    if (!label.settings.consoleLog) return undefined;
    return this.options.api.getConsoleOutput(externalId);
  }

  async stop(): Promise<void> {
    this.options.api.close();
  }

  private async loadServers(): Promise<CloudInstance[]> {
    const { api } = this.options;
    const version = await api.computeMicroversion();
    const filterByTag = version.atLeast(COMPUTE.tagsOnCreate) && this.owner.adoptNodepoolResources !== true;
    const servers = await api.listServers(filterByTag ? { tags: [providerServerTag(this.options.config.name)] } : {});
    const ours = await this.withFaults(servers.filter((server) => isOurs(server.metadata ?? {}, this.owner)));
    const flavors = ours.some((server) => server.flavor?.vcpus === undefined) ? await this.lookups.flavors() : [];
    const flavorById = (id: string): NovaFlavor | undefined => flavors.find((flavor) => flavor.id === id);
    const place = { cloud: this.options.config.settings.cloud, region: this.options.region };
    return ours.map((server) => serverToInstance(server, place, flavorById));
  }

  /**
   * Nova lists a server that failed scheduling (NoValidHost keeps it in cell0) without its fault;
   * `GET /servers/{id}` has it. Each such server is read once; a failed read leaves it without
   * one (its error then says no fault was reported) and is tried again on the next listing.
   */
  private async withFaults(servers: NovaServer[]): Promise<NovaServer[]> {
    const unexplained = servers.filter((server) => server.status.toUpperCase() === 'ERROR' && !server.fault && !this.faults.has(server.id));
    await Promise.all(
      unexplained.map(async (server) => {
        const shown = await this.options.api.getServer(server.id).catch(() => undefined);
        if (shown?.fault) this.faults.set(server.id, shown.fault);
      }),
    );
    const listed = new Set(servers.map((server) => server.id));
    for (const id of this.faults.keys()) if (!listed.has(id)) this.faults.delete(id);
    return servers.map((server) => (server.fault || !this.faults.has(server.id) ? server : { ...server, fault: this.faults.get(server.id)! }));
  }

  private async loadQuota(): Promise<QuotaSet> {
    return cloudQuotaLimits(this.options.api, await this.servers.get(), this.owner);
  }
}
