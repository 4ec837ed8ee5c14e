import { QuotaSet, ManualClock, providerOwnership, type PoolConfig, type PoolLabelConfig } from '@cloudpool/common';
import { defineDriverContract, FakeAdapter, FakeCloud, passthroughQueue } from '@cloudpool/common/testing';


defineDriverContract('fake', {
  async setup(options) {
    const clock = new ManualClock();
    const cloud = new FakeCloud({ clock, bootTimeMs: 5_000, deleteTimeMs: 2_000, limits: { instances: 50, cores: 200, ram: 409_600 } });
    const label: PoolLabelConfig = { name: 'small', poolName: 'main', tags: { team: 'ci' }, hostKeyChecking: false, settings: { cores: 2, ram: 2048 } };
    const pool: PoolConfig = {
      name: 'main',
      providerName: 'fake-provider',
      limits: QuotaSet.of({ instances: 10 }),
      priority: 100,
      nodeAttributes: {},
      azs: [],
      labels: new Map([['small', label]]),
      settings: {},
    };
    const adapter = new FakeAdapter(cloud, {
      providerName: 'fake-provider',
      owner: providerOwnership('fake-provider', { systemId: 'system-under-test', cleanup: { adoptNodepoolResources: options?.adoptNodepoolResources ?? false } }),
      queue: passthroughQueue,
      listTtlMs: 1_000,
    });
    return {
      adapter,
      providerName: 'fake-provider',
      systemId: 'system-under-test',
      pool,
      label,
      clock,
      async settle() {
        clock.advance(10_000);
      },
      async rawResources() {
        return [
          ...[...cloud.instances.values()].map((i) => ({ type: 'instance', id: i.id, tags: i.tags })),
          ...[...cloud.volumes.values()].map((v) => ({ type: 'volume', id: v.id, tags: v.tags })),
        ];
      },
      async failNextCreateWithQuota() {
        cloud.failNextCreates.push('quota');
      },
      async failListing(failing) {
        cloud.failListsWith = failing ? 'transient' : undefined;
      },
      async plantForeignInstance(tags) {
        cloud.plantInstance(tags);
      },
    };
  },
});
