import type { ProviderConfig } from '../../driver/config-model.js';
import type { Driver, Provider, ProviderContext } from '../../driver/driver.js';
import { StateMachineProvider } from '../../driver/state-machine-provider.js';
import type { Clock } from '../../time/clock.js';
import { FakeAdapter } from './fake-adapter.js';
import { FakeCloud } from './fake-cloud.js';
import { FakeProviderConfig } from './fake-config.js';

/**
 * The `fake` driver: providers on in-memory clouds, one per provider name, kept across config
 * reloads (a restarted provider finds its instances again, as with a real cloud). Tests reach a
 * provider's cloud through `cloud(name)` to inject failures and inspect what was made.
 */
export class FakeDriver implements Driver {
  readonly name = 'fake';
  private readonly clouds = new Map<string, FakeCloud>();

  constructor(private readonly options: { clock?: Clock; listTtlMs?: number } = {}) {}

  getProviderConfig(raw: Record<string, unknown>): FakeProviderConfig {
    return new FakeProviderConfig(raw);
  }

  getProvider(config: ProviderConfig, context: ProviderContext): Provider {
    if (!(config instanceof FakeProviderConfig)) throw new Error(`provider ${config.name} is not a fake provider`);
    const { bootTime, cloudLimits } = config.settings;
    const cloud = this.cloud(config.name, { bootTimeMs: bootTime * 1000, limits: cloudLimits });
    const adapter = new FakeAdapter(cloud, { providerName: config.name, queue: context.queue, listTtlMs: this.options.listTtlMs ?? 200 });
    return new StateMachineProvider(config, adapter, context);
  }

  /** The cloud of a provider, made on first use. */
  cloud(providerName: string, initial: { bootTimeMs?: number; limits?: FakeCloud['limits'] } = {}): FakeCloud {
    let cloud = this.clouds.get(providerName);
    if (!cloud) {
      cloud = new FakeCloud({ ...initial, ...(this.options.clock ? { clock: this.options.clock } : {}) });
      this.clouds.set(providerName, cloud);
    }
    return cloud;
  }
}
