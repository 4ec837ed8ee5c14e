import type { PoolConfig, ProviderConfig } from '@cloudpool/common';

/**
 * A `fake` provider's config with one pool, built by hand for tests that drive a
 * StateMachineProvider without loading a nodepool.yaml.
 */
export function fakeProviderConfig(pool: PoolConfig, { common = {}, cloudImages = new Map() }: { common?: Partial<ProviderConfig['common']>; cloudImages?: ProviderConfig['cloudImages'] } = {}): ProviderConfig {
  return {
    name: 'fake',
    driver: 'fake',
    getSchema: () => {
      throw new Error('not used');
    },
    load: () => undefined,
    pools: new Map([[pool.name, pool]]),
    cloudImages,
    diskimages: new Map(),
    common: { ratePerSecond: 10, launchRetries: 3, launchTimeout: 600, bootTimeout: 120, maxConcurrency: 0, priority: 100, ...common },
    settings: {},
    fingerprint: 'x',
  };
}
