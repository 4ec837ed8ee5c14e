import { ApiQueue, describeRate, type ProviderHealthMonitor, RETRY_POLICY, readZooKeeperReferences, type CleanupSettings, type Driver, type Provider, type ProviderConfig } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import { monitorHealth } from './provider-health.js';

/**
 * What a provider runtime needs: this installation, the ZooKeeper reads leak cleanup makes, and
 * the provider loop's interval. A launcher's context has it; so can a one-off CLI command.
 */
export type ProviderRuntimeContext = Pick<LauncherContext, 'zk' | 'systemId' | 'logger' | 'clock' | 'config'> & {
  timings: Pick<LauncherContext['timings'], 'providerLoopMs'>;
};

/** `max-concurrency: 0` means no limit; the rate still paces calls. */
const UNLIMITED_CONCURRENCY = 1000;

/**
 * One running provider: its driver's Provider and the API queue every cloud call of it goes
 * through. A provider whose config changed gets a new runtime; the old one is idled, then stopped.
 */
export class ProviderRuntime {
  readonly queue: ApiQueue;
  readonly provider: Provider;
  /** The provider's health (see ProviderHealthMonitor), fed by every call through `queue`. */
  readonly health: ProviderHealthMonitor;

  constructor(
    readonly config: ProviderConfig,
    driver: Driver,
    private readonly context: ProviderRuntimeContext,
  ) {
    const { common } = config;
    this.health = monitorHealth(config.name, context);
    this.queue = new ApiQueue({
      name: config.name,
      ratePerSecond: common.ratePerSecond,
      concurrency: common.maxConcurrency > 0 ? common.maxConcurrency : UNLIMITED_CONCURRENCY,
      adaptive: true,
      throttleRetries: RETRY_POLICY.throttledCall.retries,
    });
    this.provider = driver.getProvider(config, {
      systemId: context.systemId,
      queue: this.health.watch(this.queue),
      logger: context.logger.child({ provider: config.name }),
      clock: context.clock,
      cleanup: liveCleanupSettings(() => context.config().cloudpool.cleanup),
      readReferences: (tagged) => readZooKeeperReferences(context.zk, config.name, tagged),
      loopIntervalMs: context.timings.providerLoopMs,
    });
  }

  get name(): string {
    return this.config.name;
  }

  async start(): Promise<void> {
    const rate = describeRate(this.config.driver, this.config.common.rate);
    this.context.logger.info({ provider: this.name, driver: this.config.driver }, `starting provider ${this.name}: ${rate}`);
    await this.provider.start();
  }

  /** Idles, waits for in-flight launches and deletes, then stops the queue. */
  async stop(): Promise<void> {
    this.provider.idle();
    await this.provider.stop();
    await this.queue.stop();
  }
}

/**
 * Cleanup settings that always read the configuration in force, so that a reload applies them
 * to running providers on their next pass (`dry-run`, `min-age`, `max-delete-*`), not only to
 * providers started after it. (`adopt-nodepool-resources` is read when a provider starts.)
 */
function liveCleanupSettings(current: () => CleanupSettings): CleanupSettings {
  return {
    get interval() {
      return current().interval;
    },
    get minAge() {
      return current().minAge;
    },
    get dryRun() {
      return current().dryRun;
    },
    get adoptNodepoolResources() {
      return current().adoptNodepoolResources;
    },
    get maxDeleteShare() {
      return current().maxDeleteShare;
    },
    get maxDeleteCount() {
      return current().maxDeleteCount;
    },
  };
}
