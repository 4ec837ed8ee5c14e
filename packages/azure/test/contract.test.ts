import { ManualClock } from '@cloudpool/common';
import { defineDriverContract } from '@cloudpool/common/testing';
import { afterAll } from 'vitest';
import { label, pool, PROVIDER, SimulatedAzure, startAdapter, SYSTEM_ID } from '../src/testing/test-bed.js';

/** Calls that read lists; `failListing` throttles them all. */
const LIST_ACTIONS = ['virtualMachines.list', 'networkInterfaces.list', 'publicIPAddresses.list', 'resources.list'];

let azure: SimulatedAzure | undefined;
afterAll(async () => {
  await azure?.stop();
});

defineDriverContract('azure', {
  async setup(options) {
    azure ??= await SimulatedAzure.start();
    const simulated = azure;
    simulated.sim.reset();
    // The simulator stamps resources with the system's time; leak cleanup measures ages on this clock.
    const clock = new ManualClock(Date.now());
    const adapter = await startAdapter(simulated, { clock, adoptNodepoolResources: options?.adoptNodepoolResources ?? false });
    return {
      adapter,
      providerName: PROVIDER,
      systemId: SYSTEM_ID,
      pool,
      label,
      clock,
      async settle() {
        clock.advance(60_000);
      },
      rawResources: () => simulated.rawResources(),
      async failNextCreateWithQuota() {
        // Without the NIC reservation that follows a refusal (refused-vm.test.ts outwaits it on a manual clock).
        simulated.sim.setKnobs({ quotas: { instances: 0 }, azure: { nicReservationMs: 0 } });
      },
      async failListing(failing) {
        const limit = failing ? { perSecond: 0, burst: 0 } : { perSecond: 1e9, burst: 1e9 };
        simulated.sim.setKnobs({ rateLimits: Object.fromEntries(LIST_ACTIONS.map((action) => [action, limit])) });
      },
      async plantForeignInstance(tags) {
        simulated.sim.seedVirtualMachines(1, tags);
      },
    };
  },
});
