import { isCloudError } from '../../errors/cloud-error.js';
import type { CloudAdapter, CloudInstance, CloudResource, CreateHooks, CreateRequest } from '../../driver/adapter.js';
import type { PoolLabelConfig } from '../../driver/config-model.js';
import type { CloudCallQueue } from '../../driver/driver.js';
import { SharedListCache } from '../../driver/list-cache.js';
import { isOurs, TAG, type Ownership } from '../../driver/tags.js';
import { QuotaSet } from '../../quota/quota-set.js';
import type { FakeCloud, FakeInstance } from './fake-cloud.js';

/** Label settings the fake driver understands (`cores`, `ram`, `flavor`). */
export type FakeLabelSettings = {
  cores?: number;
  ram?: number;
  flavor?: string;
};

/** The settings types of the fake driver: only labels have settings of their own. */
export type FakeSettingTypes = {
  provider: Record<string, unknown>;
  pool: Record<string, unknown>;
  label: FakeLabelSettings;
  cloudImage: Record<string, unknown>;
  diskimage: Record<string, unknown>;
};

/** The CloudAdapter of the in-memory `fake` driver; the reference for what drivers must do. */
export class FakeAdapter implements CloudAdapter<FakeSettingTypes> {
  private readonly instances: SharedListCache<CloudInstance[]>;

  constructor(
    private readonly cloud: FakeCloud,
    private readonly options: {
      providerName: string;
      /** Whose instances are ours (`providerOwnership`); default: every instance with our provider name. */
      owner?: Ownership;
      queue: CloudCallQueue;
      listTtlMs?: number;
    },
  ) {
    this.instances = new SharedListCache(() => this.loadInstances(), { ttlMs: options.listTtlMs ?? 0, clock: cloud.clock });
  }

  async createResource(request: CreateRequest<FakeSettingTypes>, hooks: CreateHooks): Promise<string> {
    const settings = request.label.settings;
    const instance = await this.options.queue.run({ action: 'create', kind: 'write' }, async () =>
      this.cloud.createInstance({
        token: `${request.nodeId}-${request.attempt}`,
        tags: request.tags,
        flavor: settings.flavor ?? 'fake-flavor',
        image: request.upload?.externalId ?? request.label.cloudImage,
        cores: settings.cores ?? 1,
        ram: settings.ram ?? 1024,
      }),
    );
    hooks.onExternalId(instance.id);
    this.instances.invalidate();
    return instance.id;
  }

  async start(): Promise<void> {
    this.cloud.connect();
  }

  listNodes(): Promise<CloudInstance[]> {
    return this.instances.get();
  }

  async cleanupNode(externalId: string): Promise<void> {
    await this.ignoreNotFound(() =>
      this.options.queue.run({ action: 'delete-instance', kind: 'write' }, async () => this.cloud.deleteInstance(externalId)),
    );
    this.instances.invalidate();
  }

  async listResources(): Promise<CloudResource[]> {
    const volumes = await this.options.queue.run({ action: 'list-volumes', kind: 'read' }, async () => this.cloud.listVolumes());
    return volumes
      .filter((v) => v.tags[TAG.providerName] !== undefined)
      .map((v) => ({ type: 'volume', id: v.id, tags: { ...v.tags }, createdAt: v.createdAt, deletionOrder: 1 }));
  }

  async deleteResource(resource: CloudResource): Promise<void> {
    if (resource.type === 'instance') return this.cleanupNode(resource.id);
    await this.ignoreNotFound(() =>
      this.options.queue.run({ action: 'delete-volume', kind: 'write' }, async () => this.cloud.deleteVolume(resource.id)),
    );
  }

  /** The cloud's limits minus what instances not ours use (the framework counts ours itself). */
  async getQuotaLimits(): Promise<QuotaSet> {
    const { instances, cores, ram } = this.cloud.limits;
    const all = await this.options.queue.run({ action: 'list-instances', kind: 'read' }, async () => this.cloud.listInstances());
    const unmanaged = all
      .filter((i) => i.goneAt === undefined && !this.isOurs(i.tags))
      .reduce((sum, i) => sum.add(QuotaSet.of({ instances: 1, cores: i.cores, ram: i.ram })), QuotaSet.empty());
    return QuotaSet.of({ instances, cores, ram }).subtract(unmanaged);
  }

  async getQuotaForLabel(label: PoolLabelConfig<FakeLabelSettings>): Promise<QuotaSet> {
    const settings = label.settings;
    return QuotaSet.of({ instances: 1, cores: settings.cores ?? 1, ram: settings.ram ?? 1024 });
  }

  invalidateQuotaCache(): void {}

  private async loadInstances(): Promise<CloudInstance[]> {
    const all = await this.options.queue.run({ action: 'list-instances', kind: 'read' }, async () => this.cloud.listInstances());
    return all.filter((i) => this.isOurs(i.tags)).map((i) => this.toCloudInstance(i));
  }

  private isOurs(tags: Record<string, string>): boolean {
    return this.options.owner ? isOurs(tags, this.options.owner) : tags[TAG.providerName] === this.options.providerName;
  }

  private toCloudInstance(instance: FakeInstance): CloudInstance {
    const now = this.cloud.clock.now();
    const state = instance.goneAt !== undefined ? 'deleting' : instance.error ? 'error' : now >= instance.readyAt ? 'ready' : 'building';
    return {
      externalId: instance.id,
      nodeId: instance.tags[TAG.nodeId],
      state,
      tags: { ...instance.tags },
      createdAt: instance.createdAt,
      ...(instance.error ? { error: instance.error } : {}),
      privateIpv4: '10.0.0.1',
      interfaceIp: '10.0.0.1',
      az: 'fake-az-1',
      region: 'fake-region',
      quota: QuotaSet.of({ instances: 1, cores: instance.cores, ram: instance.ram }),
    };
  }

  private async ignoreNotFound(call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (!isCloudError(error, 'not-found')) throw error;
    }
  }
}
