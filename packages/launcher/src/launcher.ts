import { EventEmitter } from 'node:events';
import os from 'node:os';
import {
  ComponentRegistration,
  createNodeCache,
  createPoolComponentCache,
  createRequestCache,
  ImageUploadCache,
  NodepoolZk,
  isCloudError,
  isZkError,
  systemClock,
  ZkClient,
  type Clock,
  type TimerClock,
  type Driver,
  type LauncherComponentContent,
  type NodepoolConfig,
  type ProviderConfig,
} from '@cloudpool/common';
import { pino, type Logger } from 'pino';
import { CleanupLeader } from './cleanup/cleanup-leader.js';
import { DEFAULT_TIMINGS, type LauncherContext, type LauncherEvents, type LauncherTimings } from './context.js';
import { installationsInClouds, resolveInstallationId } from './installation-id.js';
import { Maintenance } from './nodes/maintenance.js';
import { LauncherNotifications } from './notifications/launcher-notifications.js';
import { NodeDeleter } from './nodes/node-deleter.js';
import { PeriodicTask } from './periodic-task.js';
import { PoolWorker } from './pool/pool-worker.js';
import { ProviderRuntime } from './providers/provider-runtime.js';

export interface LauncherOptions {
  config: NodepoolConfig;
  drivers: ReadonlyMap<string, Driver>;
  logger?: Logger;
  /** The launcher's clock; when it is a `TimerClock`, it also times the retries of failed provider starts. */
  clock?: Clock;
  timings?: Partial<LauncherTimings>;
  /** Name of this launcher in components and node records; default: the host name and pid. */
  hostname?: string;
}

/** First wait before a provider whose start failed transiently is started again; doubles up to the cap. */
const START_RETRY_FIRST_MS = 1000;
const START_RETRY_MAX_MS = 60_000;

/** A configured provider that is not running: why, and whether it is tried again. */
export interface DownProvider {
  reason: string;
  /** False for a permanent error (bad credentials, bad config): it stays down until a reload. */
  retrying: boolean;
  attempts: number;
  /** The cloud refused the provider's credentials (a CloudError with `credentialsRefused`). */
  credentialsRefused: boolean;
  /** Epoch ms on the launcher's clock of the first failed start. */
  since: number;
}

/** Whether a failed provider start may succeed if tried again (a transient, throttled or capacity cloud error, or a ZooKeeper connection loss). */
function isTransientStartError(error: unknown): boolean {
  return (isCloudError(error) && error.retryable) || isZkError(error, 'ConnectionLoss');
}

/** One provider as the launcher runs it. */
interface RunningProvider {
  runtime: ProviderRuntime;
  workers: PoolWorker[];
  cleanup: CleanupLeader;
}

/**
 * The launcher daemon's core: serves Nodepool node requests from ZooKeeper with the configured
 * providers. `Launcher.start` connects, reads the installation id, syncs the node and request
 * caches, registers the launcher component and starts every provider; `applyConfig` swaps in
 * a new configuration (changed providers are idled and replaced, removed ones finish their
 * work, unchanged ones keep running untouched); `stop` finishes or releases in-flight work.
 */
export class Launcher {
  private readonly providers = new Map<string, RunningProvider>();
  private readonly retiring = new Set<Promise<void>>();
  private readonly tasks: PeriodicTask[] = [];
  private readonly down = new Map<string, DownProvider & { timer?: unknown; fingerprint: string }>();
  private readonly deleter: NodeDeleter;
  private readonly maintenance: Maintenance;
  private config: NodepoolConfig;
  private stopping = false;

  private constructor(
    readonly context: LauncherContext,
    private readonly drivers: ReadonlyMap<string, Driver>,
    private readonly registration: ComponentRegistration<LauncherComponentContent>,
    config: NodepoolConfig,
    private readonly timers: TimerClock,
    /** Node state-change notifications and their sinks (log, `/events` replay window, webhook). */
    readonly notifications: LauncherNotifications,
  ) {
    this.config = config;
    this.deleter = new NodeDeleter(context, () => this.runtimes());
    this.maintenance = new Maintenance(context, () => this.servedLabels(), () => this.activeRequests());
  }

  static async start(options: LauncherOptions): Promise<Launcher> {
    const { config } = options;
    const logger = options.logger ?? pino({ name: 'cloudpool' });
    const clock = options.clock ?? systemClock;
    const hostname = options.hostname ?? `${os.hostname()}-${process.pid}`;
    const timings = { ...DEFAULT_TIMINGS, ...options.timings };
    const [first] = config.zookeeperServers;
    const client = await ZkClient.connect({
      hosts: config.zookeeperServers.map(({ host, port }) => ({ host, port })),
      ...(first?.chroot ? { chroot: first.chroot } : {}),
      sessionTimeoutMs: config.zookeeperTimeout * 1000,
      ...(config.zookeeperTls ? { tls: config.zookeeperTls } : {}),
      ...(config.zookeeperAuth ? { auth: config.zookeeperAuth } : {}),
    });
    client.on('suspended', () => logger.warn('ZooKeeper connection suspended'));
    client.on('lost', () => logger.error('ZooKeeper session lost: every lock is gone; in-flight requests will be recovered'));
    client.on('reconnected', () => logger.info('ZooKeeper connection restored'));
    let current = config;
    const events = new EventEmitter<LauncherEvents>();
    const timers = 'setTimeout' in clock ? (clock as TimerClock) : systemClock;
    const notifications = new LauncherNotifications({ events, clock, timers, logger, launcherId: hostname, config: () => current });
    const zk = new NodepoolZk(client, { identifier: hostname, now: () => clock.now(), onNodeState: notifications.feed.written });
    let systemId: string;
    try {
      systemId = await resolveInstallationId(zk, config, logger, () => installationsInClouds(zk, config, options.drivers, logger));
    } catch (error) {
      notifications.close();
      await client.close();
      throw error;
    }
    // Bad records and failed background reads go to the launcher's log, not to process warnings.
    const nodes = createNodeCache(client, { onError: (error) => logger.warn({ err: error }, `node cache: ${String(error)}`) });
    const requests = createRequestCache(client, { onError: (error) => logger.warn({ err: error }, `request cache: ${String(error)}`) });
    const images = new ImageUploadCache(client, { onError: (error) => logger.warn({ err: error }, `image cache: ${String(error)}`) });
    const pools = createPoolComponentCache(client, { onError: (error) => logger.warn({ err: error }, `skipping a pool registration: ${String(error)}`) });
    await Promise.all([nodes.start(), requests.start(), images.start(), pools.start()]);
    await Promise.all([nodes.waitForSync(), requests.waitForSync(), images.synced(), pools.waitForSync()]);
    const context: LauncherContext = {
      zk,
      client,
      nodes,
      requests,
      images,
      pools,
      logger,
      clock,
      launcherId: hostname,
      hostname,
      systemId,
      timings,
      config: () => current,
      events,
      nodeStates: notifications.feed,
    };
    const registration = new ComponentRegistration<LauncherComponentContent>(
      client,
      'launcher',
      hostname,
      { kind: 'launcher', hostname, state: 'running', version: null },
      { onError: (error) => logger.error({ err: error }, 'launcher component re-registration failed') },
    );
    await registration.register();
    const launcher = new Launcher(context, options.drivers, registration, config, timers, notifications);
    notifications.follow(nodes, (provider) => launcher.providers.has(provider));
    launcher.setConfig = (next) => (current = next);
    logger.info({ systemId }, `launcher ${hostname} started`);
    await launcher.applyConfig(config);
    launcher.startLoops();
    return launcher;
  }

  /** Replaced in `start` so the shared context always reads the config in force. */
  private setConfig: (config: NodepoolConfig) => void = () => undefined;

  get currentConfig(): NodepoolConfig {
    return this.config;
  }

  /** Providers running now, by name. */
  runtimes(): Map<string, ProviderRuntime> {
    return new Map([...this.providers].map(([name, running]) => [name, running.runtime]));
  }

  poolWorkers(): PoolWorker[] {
    return [...this.providers.values()].flatMap((p) => p.workers);
  }

  cleanupLeaders(): Map<string, CleanupLeader> {
    return new Map([...this.providers].map(([name, running]) => [name, running.cleanup]));
  }

  /**
   * Applies a (re)loaded configuration. A provider whose config changed is idled, a new copy
   * starts, and the old one stops once its in-flight work ended; a removed provider stops
   * taking requests and finishes its work; unchanged providers are not touched.
   */
  async applyConfig(config: NodepoolConfig): Promise<void> {
    this.config = config;
    this.setConfig(config);
    for (const name of [...this.providers.keys()]) {
      if (!config.providers.has(name)) this.retire(name, 'removed from the configuration');
    }
    for (const name of [...this.down.keys()]) {
      if (config.providers.get(name)?.fingerprint !== this.down.get(name)!.fingerprint) this.clearDown(name);
    }
    for (const [name, providerConfig] of config.providers) {
      const running = this.providers.get(name);
      if (running && running.runtime.config.fingerprint === providerConfig.fingerprint) continue;
      if (this.down.get(name)?.retrying) continue;
      if (running) this.retire(name, 'configuration changed');
      this.clearDown(name);
      await this.tryStartProvider(providerConfig, 1);
    }
  }

  /** Configured providers that are not running, by name (see `DownProvider`). */
  downProviders(): Map<string, DownProvider> {
    return new Map([...this.down].map(([name, { reason, retrying, attempts, credentialsRefused, since }]) => [name, { reason, retrying, attempts, credentialsRefused, since }]));
  }

  /**
   * Starts a provider; on a transient error tries again after a backoff (1 s doubling to 60 s,
   * on the launcher's clock), on a permanent one leaves it down, logged and listed in
   * `downProviders()` (and `/ready` waits for it) until a reload changes its configuration.
   */
  private async tryStartProvider(providerConfig: ProviderConfig, attempt: number): Promise<void> {
    const { name } = providerConfig;
    try {
      await this.startProvider(providerConfig);
      if (attempt > 1) this.context.logger.info({ provider: name }, `provider ${name} started on attempt ${attempt}`);
      this.down.delete(name);
      return;
    } catch (error) {
      const retrying = isTransientStartError(error) && !this.stopping;
      const reason = error instanceof Error ? error.message : String(error);
      const credentialsRefused = isCloudError(error) && error.credentialsRefused;
      const since = this.down.get(name)?.since ?? this.context.clock.now();
      const entry = { reason, retrying, attempts: attempt, credentialsRefused, since, fingerprint: providerConfig.fingerprint } as DownProvider & { timer?: unknown; fingerprint: string };
      this.down.set(name, entry);
      if (!retrying) {
        this.context.logger.error({ provider: name, err: error }, `provider ${name} could not start (permanent error); it stays down until the configuration changes; other providers keep running`);
        return;
      }
      const delay = Math.min(START_RETRY_MAX_MS, START_RETRY_FIRST_MS * 2 ** (attempt - 1));
      this.context.logger.warn({ provider: name, err: error, attempt }, `provider ${name} could not start (transient error); trying again in ${delay} ms`);
      entry.timer = this.timers.setTimeout(() => {
        if (this.down.get(name) !== entry || this.stopping) return;
        entry.timer = undefined;
        void this.tryStartProvider(providerConfig, attempt + 1);
      }, delay);
    }
  }

  private clearDown(name: string): void {
    const entry = this.down.get(name);
    if (entry?.timer !== undefined) this.timers.clearTimeout(entry.timer);
    this.down.delete(name);
  }

  /**
   * Stops taking work, lets in-flight launches and deletes end, and closes the session. When
   * ZooKeeper stays unreachable for `zooKeeperShutdownGraceMs` meanwhile, it gives up on it (and
   * says so): the session is closed, unfinished records are left to other launchers' recovery.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const name of [...this.down.keys()]) this.clearDown(name);
    const unreachable = this.zooKeeperUnreachableFor(this.context.timings.zooKeeperShutdownGraceMs);
    const outcome = await Promise.race([this.finishWork().then(() => 'finished' as const), unreachable.promise]);
    unreachable.cancel();
    if (outcome === 'gave-up') {
      this.context.logger.warn(
        { activeRequests: [...this.activeRequests()], deleting: this.deleter.deleting },
        `ZooKeeper unreachable for ${this.context.timings.zooKeeperShutdownGraceMs} ms while stopping: giving up on it; unfinished requests and nodes are left to recovery`,
      );
    }
    this.notifications.close();
    this.context.nodes.stop();
    this.context.requests.stop();
    this.context.images.stop();
    this.context.pools.stop();
    await this.context.client.close();
    this.context.logger.info('launcher stopped');
  }

  private async finishWork(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.stop()));
    for (const name of [...this.providers.keys()]) this.retire(name, 'shutting down');
    await Promise.all([...this.retiring]);
    await this.deleter.settle();
    await this.registration.unregister().catch(() => undefined);
  }

  /** Resolves 'gave-up' once the client has been without a connection for `ms` in a row. */
  private zooKeeperUnreachableFor(ms: number): { promise: Promise<'gave-up'>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<'gave-up'>((resolve) => {
      let since: number | undefined;
      timer = setInterval(() => {
        if (this.context.client.connectionState === 'connected') since = undefined;
        else if ((since ??= Date.now()) + ms <= Date.now()) resolve('gave-up');
      }, Math.min(100, ms));
    });
    return { promise, cancel: () => clearInterval(timer) };
  }

  /** A snapshot for diagnostics (SIGUSR2) and the web API. */
  report(): Record<string, unknown> {
    return {
      launcher: this.context.launcherId,
      systemId: this.context.systemId,
      zookeeper: { state: this.context.client.connectionState, sessionId: this.context.client.sessionId },
      providers: [...this.providers.values()].map(({ runtime, workers, cleanup }) => ({
        name: runtime.name,
        driver: runtime.config.driver,
        idled: runtime.provider.idled,
        queue: runtime.queue.stats(),
        cleanupLeader: cleanup.leading,
        pools: workers.map((w) => ({ id: w.id, paused: w.isPaused, activeRequests: w.activeRequests })),
      })),
      deleting: this.deleter.deleting,
      down: Object.fromEntries(this.downProviders()),
    };
  }

  private async startProvider(providerConfig: ProviderConfig): Promise<void> {
    const driver = this.drivers.get(providerConfig.driver);
    if (!driver) throw new Error(`provider ${providerConfig.name}: unknown driver "${providerConfig.driver}"`);
    const runtime = new ProviderRuntime(providerConfig, driver, this.context);
    await runtime.start();
    const workers = [...providerConfig.pools.values()].map((pool) => new PoolWorker(this.context, runtime, pool));
    await Promise.all(workers.map((w) => w.start()));
    const cleanup = new CleanupLeader(this.context, runtime);
    cleanup.start();
    this.providers.set(providerConfig.name, { runtime, workers, cleanup });
  }

  /** Takes a provider out of service in the background: no new work, in-flight work ends, then it stops. */
  private retire(name: string, why: string): void {
    const running = this.providers.get(name);
    if (!running) return;
    this.providers.delete(name);
    this.context.logger.info({ provider: name }, `retiring provider ${name}: ${why}`);
    running.runtime.provider.idle();
    const done = (async () => {
      await running.cleanup.stop();
      await Promise.all(running.workers.map((w) => w.stop()));
      await running.runtime.stop();
    })()
      .catch((error: unknown) => this.context.logger.error({ provider: name, err: error }, 'retiring provider failed'))
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  private startLoops(): void {
    const { timings, logger } = this.context;
    this.tasks.push(
      new PeriodicTask('pool workers', timings.poolIntervalMs, () => this.runPoolWorkers(), logger),
      new PeriodicTask('node deleter', timings.deleteIntervalMs, () => this.deleter.runOnce(), logger),
      new PeriodicTask('maintenance', timings.maintenanceIntervalMs, () => this.maintenance.runOnce(), logger),
    );
    for (const task of this.tasks) task.start();
  }

  /** One pass of every pool worker; a pass that throws is logged and does not keep the others from running. */
  private async runPoolWorkers(): Promise<void> {
    for (const worker of this.poolWorkers()) {
      await worker.runOnce().catch((error: unknown) => this.context.logger.error({ pool: worker.id, err: error }, 'pool worker pass failed; will retry'));
    }
  }

  private servedLabels(): Set<string> {
    return new Set(this.poolWorkers().flatMap((w) => [...w.pool.labels.keys()]));
  }

  private activeRequests(): Set<string> {
    return new Set(this.poolWorkers().flatMap((w) => w.activeRequests));
  }
}
