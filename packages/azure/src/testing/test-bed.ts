import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GenericResourceExpanded } from '@azure/arm-resources';
import { type CloudCallQueue, ManualClock, type PoolConfig, type PoolLabelConfig, type ProviderCommonSettings, QuotaSet, type TimerClock, providerOwnership } from '@cloudpool/common';
import type { RawCloudResource } from '@cloudpool/common/testing';
import { AzureSimulator, type AzureSimulatorOptions } from '@cloudpool/simulator';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { AzureAdapter } from '../adapter.js';
import type { AdapterLogger, AzureAdapterConfig } from '../adapter-config.js';
import type { AzureLabelSettings, AzurePoolSettings } from '../config.js';
import { ArmClientRegistry, type ArmClients } from '../sdk/client-registry.js';
import { openConnection } from '../sdk/connection.js';
import { openSdkPort } from '../sdk/open-port.js';

export const PROVIDER = 'azure-test';
export const SYSTEM_ID = 'system-under-test';

/** Passes every call straight through and records it, in order. */
export class RecordingQueue implements CloudCallQueue {
  readonly calls: Array<{ action: string; kind: 'read' | 'write' }> = [];

  run<T>(call: { action: string; kind: 'read' | 'write' }, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.calls.push({ action: call.action, kind: call.kind });
    return fn(new AbortController().signal);
  }

  count(action: string): number {
    return this.calls.filter((call) => call.action === action).length;
  }
}

/** A started simulator with an auth file pointing at it, and SDK clients of the test's own to look around the adapter. */
export class SimulatedAzure {
  private constructor(
    readonly sim: AzureSimulator,
    readonly authPath: string,
    /** The test's own clients (the adapter makes its own), trusting the simulator's CA. */
    readonly clients: ArmClients,
  ) {}

  static async start(options: AzureSimulatorOptions = {}): Promise<SimulatedAzure> {
    const { knobs = {}, ...rest } = options;
    // Instant provisioning unless a test asks for Azure's pace (`timing: 'realistic'`) or sets the timings it needs.
    const sim = await new AzureSimulator({ timing: 'fast', ...rest, knobs: { ...knobs, azure: { lroRetryAfterSeconds: 0, ...knobs.azure } } }).start();
    const info = sim.connectionInfo();
    const directory = await mkdtemp(path.join(tmpdir(), 'cloudpool-azure-'));
    const authPath = path.join(directory, 'credentials.json');
    await writeFile(authPath, JSON.stringify(info.authFile), { mode: 0o600 });
    const connection = await openConnection({ authPath, ca: info.ca });
    return new SimulatedAzure(sim, authPath, new ArmClientRegistry().acquire(connection).clients);
  }

  async stop(): Promise<void> {
    await this.sim.stop();
    await rm(path.dirname(this.authPath), { recursive: true, force: true });
  }

  get resourceGroup(): string {
    return this.sim.resourceGroup;
  }

  /** Every resource of the subscription, read around the adapter; VMs as type `instance`. */
  async rawResources(): Promise<RawCloudResource[]> {
    const all: GenericResourceExpanded[] = [];
    for await (const resource of this.clients.resources.resources.list()) all.push(resource);
    return all.map((resource) => ({
      type: resource.type === 'Microsoft.Compute/virtualMachines' ? 'instance' : resource.type ?? '',
      id: resource.id ?? '',
      tags: resource.tags ?? {},
    }));
  }

  /** Calls the simulator received so far, over all actions. */
  totalCalls(): number {
    return Object.values(this.sim.counters.snapshot()).reduce((sum, counts) => sum + (counts.total ?? 0), 0);
  }

  /** Calls of one action (e.g. `virtualMachines.get`) the simulator received. */
  calls(action: string): number {
    return this.sim.counters.count(action);
  }
}

export const poolSettings: AzurePoolSettings = {
  ipv4: true,
  ipv6: false,
  publicIpv4: true,
  publicIpv6: false,
  useInternalIp: false,
  hostKeyChecking: true,
};

export const labelSettings: AzureLabelSettings = {
  vmSize: 'Standard_B2s',
  dynamicTags: {},
  volumeSize: 40,
  customData: '#cloud-config\npackages: [git]\n',
};

export const label: PoolLabelConfig<AzureLabelSettings> = { name: 'ubuntu', poolName: 'main', cloudImage: 'ubuntu', tags: { team: 'ci' }, hostKeyChecking: false, settings: labelSettings };

export const pool: PoolConfig<AzurePoolSettings> = {
  name: 'main',
  providerName: PROVIDER,
  limits: QuotaSet.of({ instances: 10 }),
  priority: 100,
  nodeAttributes: {},
  azs: [],
  labels: new Map([['ubuntu', label]]),
  settings: poolSettings,
};

/** The provider configuration the adapter reads: the simulator's group, its default network, one Ubuntu image. */
export function adapterConfig(azure: SimulatedAzure): AzureAdapterConfig {
  const { resourceGroup, location } = azure.sim;
  return {
    providerName: PROVIDER,
    settings: {
      location,
      resourceGroup,
      resourceGroupLocation: location,
      authPath: azure.authPath,
      network: { resourceGroup, network: `${resourceGroup}-vnet`, subnet: 'default' },
    },
    pools: new Map([['main', { settings: poolSettings }]]),
    cloudImages: new Map([
      [
        'ubuntu',
        {
          name: 'ubuntu',
          username: 'zuul',
          settings: {
            generatePassword: false,
            sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtM3m4O1Pq3yXHkz7qFJfG0nQ zuul@example.com',
            imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
          },
        },
      ],
    ]),
  };
}

/** A logger that keeps what the adapter logs. */
export class RecordingLogger implements AdapterLogger {
  readonly entries: Array<{ level: 'info' | 'warn'; args: unknown[] }> = [];
  readonly info = (...args: unknown[]): void => void this.entries.push({ level: 'info', args });
  readonly warn = (...args: unknown[]): void => void this.entries.push({ level: 'warn', args });
}

export interface TestAdapterOptions {
  queue?: CloudCallQueue;
  /** The adapter's cache clock (default: a ManualClock). */
  clock?: ManualClock;
  timers?: TimerClock;
  pollIntervalMs?: number;
  listTtlMs?: number;
  listRefreshGapMs?: number;
  config?: AzureAdapterConfig;
  logger?: AdapterLogger;
  /** `cloudpool.cleanup.adopt-nodepool-resources` (default off). */
  adoptNodepoolResources?: boolean;
}

/** A started adapter on the simulator, through the real auth file, SDKs and HTTPS; the CA trusted by its clients only. */
export async function startAdapter(azure: SimulatedAzure, options: TestAdapterOptions = {}): Promise<AzureAdapter> {
  const config = options.config ?? adapterConfig(azure);
  const ca = azure.sim.ca;
  const adapter = new AzureAdapter(
    config,
    {
      queue: options.queue ?? new RecordingQueue(),
      clock: options.clock ?? new ManualClock(),
      logger: options.logger ?? new RecordingLogger(),
      owner: providerOwnership(config.providerName, { systemId: SYSTEM_ID, cleanup: { adoptNodepoolResources: options.adoptNodepoolResources ?? false } }),
    },
    {
      openPort: (queue) =>
        openSdkPort({ ...(config.settings.authPath === undefined ? {} : { authPath: config.settings.authPath }), ca, registry: new ArmClientRegistry(), queue }),
      pollIntervalMs: options.pollIntervalMs ?? 5,
      listTtlMs: options.listTtlMs ?? 1_000,
      ...(options.listRefreshGapMs === undefined ? {} : { listRefreshGapMs: options.listRefreshGapMs }),
      ...(options.timers ? { timers: options.timers } : {}),
    },
  );
  await adapter.start();
  return adapter;
}

/** A provider's common settings with Nodepool's Azure defaults (boot-timeout 120 s, launch-timeout 3600 s, 3 retries). */
export function providerSettings(overrides: Partial<ProviderCommonSettings> = {}): ProviderCommonSettings {
  return { ratePerSecond: 1000, launchRetries: 3, launchTimeout: 3600, bootTimeout: 120, maxConcurrency: 0, priority: 100, ...overrides };
}

/**
 * Runs `step` and lets `stepMs` pass on `clock` (settling promises and timers) until `done()`, letting
 * the HTTP calls in flight answer between steps; at most `steps` times.
 */
export async function tickUntil(clock: ManualClock, done: () => boolean, options: { step?: () => void; stepMs?: number; steps?: number } = {}): Promise<void> {
  for (let tick = 0; tick < (options.steps ?? 3_000) && !done(); tick++) {
    options.step?.();
    await new Promise((resolve) => setTimeout(resolve, 2));
    await clock.advanceSettling(options.stepMs ?? 1_000);
  }
}

/**
 * One simulated Azure for the calling `describe`, started before its tests, reset before each and
 * stopped after them; the returned function gives it to a test.
 */
export function useSimulatedAzure(options?: Parameters<typeof SimulatedAzure.start>[0]): () => SimulatedAzure {
  let azure: SimulatedAzure | undefined;
  beforeAll(async () => {
    azure = await SimulatedAzure.start(options);
  });
  afterAll(async () => {
    await azure?.stop();
  });
  beforeEach(() => {
    azure?.sim.reset();
  });
  return () => {
    if (!azure) throw new Error('no simulated Azure outside a test');
    return azure;
  };
}
