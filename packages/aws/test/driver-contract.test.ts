import { defineDriverContract, type DriverContractContext } from '@cloudpool/common/testing';
import { startAwsTestBed, type AwsTestBed } from '../src/testing/test-bed.js';
import { PROVIDER_NAME, SYSTEM_ID } from '../src/testing/provider-fixture.js';

const beds = new WeakMap<DriverContractContext, AwsTestBed>();

defineDriverContract('aws', {
  async setup(options) {
    const bed = await startAwsTestBed({ adoptNodepoolResources: options?.adoptNodepoolResources ?? false });
    const context: DriverContractContext = {
      adapter: bed.adapter,
      providerName: PROVIDER_NAME,
      systemId: SYSTEM_ID,
      pool: bed.pool,
      label: bed.label(),
      clock: bed.clock,
      async settle() {
        bed.settle();
      },
      rawResources: bed.rawResources,
      async failNextCreateWithQuota() {
        bed.sim.setKnobs({ quotas: { cores: 0 } });
      },
      async failListing(failing) {
        bed.sim.setKnobs({ faults: { serverErrorRatio: failing ? 1 : 0 } });
      },
      async plantForeignInstance(tags) {
        bed.sim.seedInstances(1, tags);
      },
    };
    beds.set(context, bed);
    return context;
  },
  async teardown(context) {
    await beds.get(context)?.stop();
  },
});
