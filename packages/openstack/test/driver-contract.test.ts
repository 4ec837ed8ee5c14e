import { defineDriverContract } from '@cloudpool/common/testing';
import { PROVIDER, poolWithLabel, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

const clouds = new WeakMap<object, SimulatedOpenStack>();

defineDriverContract('openstack', {
  async setup(options) {
    const cloud = await SimulatedOpenStack.start();
    cloud.sim.setKnobs({ quotas: { instances: 100, cores: 400, ramMb: 819_200 } });
    const { adapter } = cloud.adapter({ adoptNodepoolResources: options?.adoptNodepoolResources ?? false });
    const { pool, label } = poolWithLabel();
    const context = {
      adapter,
      providerName: PROVIDER,
      systemId: SYSTEM_ID,
      pool,
      label,
      clock: cloud.clock,
      async settle() {
        cloud.settle();
      },
      rawResources: () => cloud.rawResources(),
      async failNextCreateWithQuota() {
        cloud.sim.setKnobs({ quotas: { instances: 0 } });
      },
      async failListing(failing: boolean) {
        cloud.sim.setKnobs({ faults: { serverErrorRatio: failing ? 1 : 0 } });
      },
      async plantForeignInstance(tags: Record<string, string>) {
        cloud.sim.seed({ servers: [{ name: 'foreign', metadata: tags }] });
      },
    };
    clouds.set(context, cloud);
    return context;
  },
  async teardown(context) {
    await context.adapter.stop?.();
    await clouds.get(context)?.stop();
  },
});
