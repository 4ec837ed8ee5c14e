import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ManualClock, providerOwnership, QuotaSet, type CloudCallQueue, type PoolConfig, type PoolLabelConfig } from '@cloudpool/common';
import axios, { type AxiosInstance } from 'axios';
import { OpenStackAdapter, type OpenStackAdapterConfig, type OpenStackAdapterOptions } from '../adapter.js';
import { HttpOpenStackApi } from '../sdk/sdk-port.js';
import { HttpGlanceUploadApi } from '../image-upload.js';
import { loadCloudConfig } from '../clouds/clouds-yaml.js';
import type { OpenStackLabelSettings, OpenStackPoolSettings } from '../config.js';
import { ConnectionRegistry, type ConnectionLease } from '../sdk/client-registry.js';
import { OpenStackClient } from '../sdk/http-client.js';
import { OpenStackSimulator, type OpenStackSimulatorOptions } from '@cloudpool/simulator';

export const PROVIDER = 'os-provider';
export const SYSTEM_ID = 'system-under-test';

/**
 * A queue that runs every call at once and records its action, in call order. `crashAfter(action)`
 * plays a launcher process dying right after the cloud answered a call of `action`: from then on
 * no call leaves (each rejects unsent), so nothing after it happens, clean-up included.
 */
export class RecordingQueue implements CloudCallQueue {
  readonly actions: string[] = [];
  private crashAction: string | undefined;
  private crashed = false;

  crashAfter(action: string): void {
    this.crashAction = action;
  }

  async run<T>(call: { action: string }, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.crashed) throw new Error(`the process is gone: ${call.action} never sent`);
    this.actions.push(call.action);
    const result = await fn(new AbortController().signal);
    if (call.action === this.crashAction) this.crashed = true;
    return result;
  }
}

export interface AdapterSetup {
  adapter: OpenStackAdapter;
  api: HttpOpenStackApi;
  lease: ConnectionLease;
  queue: RecordingQueue;
}

export interface AdapterOptions {
  pageSize?: number;
  tokenRenewBeforeMs?: number;
  cloudName?: string;
  settings?: Partial<OpenStackAdapterConfig['settings']>;
  adoptNodepoolResources?: boolean;
  /** The provider's `diskimages` entries (default: none). */
  diskimages?: OpenStackAdapterConfig['diskimages'];
  /** Receives the adapter's warnings (default: dropped). */
  logger?: OpenStackAdapterOptions['logger'];
}

/**
 * A started OpenStack simulator on a ManualClock shared with the adapters made here, its
 * `clouds.yaml` in a temp dir, and a plain axios client for reading the cloud around the adapter.
 */
export class SimulatedOpenStack {
  readonly connections = new ConnectionRegistry();
  private token: string | undefined;

  private constructor(
    readonly sim: OpenStackSimulator,
    readonly clock: ManualClock,
    readonly dir: string,
  ) {}

  static async start(options: OpenStackSimulatorOptions = {}): Promise<SimulatedOpenStack> {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const sim = await new OpenStackSimulator({ clock, neutronL3: true, ...options }).start();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-openstack-'));
    await writeFile(path.join(dir, 'clouds.yaml'), sim.connectionInfo().yaml);
    return new SimulatedOpenStack(sim, clock, dir);
  }

  adapter(options: AdapterOptions = {}): AdapterSetup {
    const info = this.sim.connectionInfo();
    const cloud = loadCloudConfig(options.cloudName ?? info.cloudName, { directories: [this.dir], env: {} });
    const queue = new RecordingQueue();
    const lease = this.connections.acquire(cloud, info.regionName, {
      clock: this.clock,
      ...(options.tokenRenewBeforeMs === undefined ? {} : { renewBeforeMs: options.tokenRenewBeforeMs }),
    });
    const client = new OpenStackClient(lease.connection, queue, this.clock);
    const api = new HttpOpenStackApi(client, lease, { pageSize: options.pageSize ?? 1000 });
    const config: OpenStackAdapterConfig = {
      name: PROVIDER,
      settings: { cloud: cloud.name, regionName: info.regionName, cleanFloatingIps: false, portCleanupInterval: 0, ...options.settings },
      cloudImages: new Map([['ubuntu', { settings: { imageName: 'ubuntu-jammy' } }]]),
      ...(options.diskimages ? { diskimages: options.diskimages } : {}),
    };
    const adapter = new OpenStackAdapter({
      config,
      api,
      owner: providerOwnership(PROVIDER, { systemId: SYSTEM_ID, cleanup: { adoptNodepoolResources: options.adoptNodepoolResources ?? false } }),
      region: info.regionName,
      clock: this.clock,
      logger: options.logger ?? { warn: () => undefined },
      listTtlMs: 1_000,
      glanceUploads: new HttpGlanceUploadApi(client),
    });
    return { adapter, api, lease, queue };
  }

  /** Moves the shared clock past every cache's lifetime (lists, limits) and lets the simulator settle. */
  settle(ms = 10_000): void {
    this.clock.advance(ms);
  }

  /** A token-carrying client of one service, for reading and planting around the adapter. */
  async service(service: 'compute' | 'network' | 'volume' | 'image'): Promise<AxiosInstance> {
    const { identity } = this.sim;
    this.token ??= await axios
      .post(`${this.sim.connectionInfo().authUrl}/auth/tokens`, {
        auth: {
          identity: { methods: ['password'], password: { user: { name: identity.user.name, domain: { name: 'Default' }, password: identity.user.password } } },
          scope: { project: { name: identity.project.name, domain: { name: 'Default' } } },
        },
      })
      .then((response) => String(response.headers['x-subject-token']));
    const prefix = { compute: '/compute/v2.1', network: '/network/v2.0', volume: `/volume/v3/${identity.project.id}`, image: '/image/v2' }[service];
    return axios.create({ baseURL: `${this.sim.url}${prefix}`, headers: { 'X-Auth-Token': this.token, 'OpenStack-API-Version': 'compute 2.96' } });
  }

  /** Every server, port, floating IP and volume with its tags (metadata, or Neutron `key=value` tags). */
  async rawResources(): Promise<Array<{ type: string; id: string; tags: Record<string, string> }>> {
    const [compute, network, volume] = await Promise.all([this.service('compute'), this.service('network'), this.service('volume')]);
    const [servers, ports, floatingIps, volumes] = await Promise.all([
      compute.get('/servers/detail'),
      network.get('/ports'),
      network.get('/floatingips'),
      volume.get('/volumes/detail'),
    ]);
    const neutronTags = (tags: string[]) => Object.fromEntries(tags.map((tag) => [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1)]));
    return [
      ...(servers.data.servers as Array<{ id: string; metadata: Record<string, string> }>).map((s) => ({ type: 'instance', id: s.id, tags: s.metadata })),
      ...(ports.data.ports as Array<{ id: string; tags: string[] }>).map((p) => ({ type: 'port', id: p.id, tags: neutronTags(p.tags) })),
      ...(floatingIps.data.floatingips as Array<{ id: string; tags: string[] }>).map((f) => ({ type: 'floating-ip', id: f.id, tags: neutronTags(f.tags) })),
      ...(volumes.data.volumes as Array<{ id: string; metadata: Record<string, string> }>).map((v) => ({ type: 'volume', id: v.id, tags: v.metadata })),
    ];
  }

  async stop(): Promise<void> {
    await this.sim.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export const poolSettings = (overrides: Partial<OpenStackPoolSettings> = {}): OpenStackPoolSettings => ({
  networks: ['private'],
  securityGroups: [],
  autoFloatingIp: true,
  hostKeyChecking: true,
  ignoreProviderQuota: false,
  ...overrides,
});

export const labelSettings = (overrides: Partial<OpenStackLabelSettings> = {}): OpenStackLabelSettings => ({
  flavorName: 'm1.small',
  consoleLog: false,
  bootFromVolume: false,
  volumeSize: 50,
  dynamicInstanceProperties: {},
  networks: ['private'],
  hostKeyChecking: true,
  ...overrides,
});

/** A pool `main` of PROVIDER with one label `small` booting the `ubuntu` cloud image. */
export function poolWithLabel(
  pool: Partial<OpenStackPoolSettings> = {},
  label: Partial<OpenStackLabelSettings> = {},
): { pool: PoolConfig<OpenStackPoolSettings>; label: PoolLabelConfig<OpenStackLabelSettings> } {
  const labelConfig: PoolLabelConfig<OpenStackLabelSettings> = { name: 'small', poolName: 'main', cloudImage: 'ubuntu', tags: { team: 'ci' }, hostKeyChecking: label.hostKeyChecking ?? pool.hostKeyChecking ?? false, settings: labelSettings(label) };
  const poolConfig: PoolConfig<OpenStackPoolSettings> = {
    name: 'main',
    providerName: PROVIDER,
    limits: QuotaSet.of({ instances: 10 }),
    priority: 100,
    nodeAttributes: {},
    azs: [],
    labels: new Map([['small', labelConfig]]),
    settings: poolSettings(pool),
  };
  return { pool: poolConfig, label: labelConfig };
}
