import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { FakeProviderConfig } from '../../src/testing/fake/fake-config.js';
import { MINIMAL, options, problems } from './helpers.js';

describe('FakeProviderConfig', () => {
  const load = (text: string) => loadConfig({ text }, options()).providers.get('fake-1') as FakeProviderConfig;

  it('defaults: no cloud limits, no latency, 1 core and 1024 MiB per node', () => {
    const provider = load(MINIMAL);
    expect(provider.driver).toBe('fake');
    expect(provider.settings).toEqual({ cloudLimits: {}, createLatency: 0, bootTime: 0 });
    expect(provider.pools.get('main')!.labels.get('small')!.settings).toEqual({ cores: 1, ram: 1024, flavor: undefined });
  });

  it('loads its provider and label keys; rate is requests per second', () => {
    const text = MINIMAL.replace(
      'driver: fake\n',
      'driver: fake\n    rate: 20\n    cloud-limits: {instances: 10, cores: 40}\n    create-latency: 0.5\n    boot-time: 30\n',
    ).replace('cloud-image: image\n', 'cloud-image: image\n            cores: 4\n            ram: 8192\n            flavor: large\n');
    const provider = load(text);
    expect(provider.common.ratePerSecond).toBe(20);
    expect(provider.settings).toEqual({ cloudLimits: { instances: 10, cores: 40 }, createLatency: 0.5, bootTime: 30 });
    expect(provider.pools.get('main')!.labels.get('small')!.settings).toEqual({ cores: 4, ram: 8192, flavor: 'large' });
  });

  it('accepts no other key', () => {
    const text = MINIMAL.replace('driver: fake\n', 'driver: fake\n    region-name: nowhere\n    cloud-limits: {gpus: 1}\n');
    expect(problems(text)).toEqual([
      'providers[0].region-name: unknown key (line 9)',
      'providers[0].cloud-limits.gpus: unknown key (line 10)',
    ]);
  });
});
