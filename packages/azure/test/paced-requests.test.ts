import { ApiQueue, ManualClock } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ArmClientRegistry } from '../src/sdk/client-registry.js';
import { openSdkPort } from '../src/sdk/open-port.js';
import { pacedOperation } from '../src/sdk/paced-requests.js';
import { useSimulatedAzure } from '../src/testing/test-bed.js';

/** Each ARM request the SDK sends takes a token of the provider's queue and is counted there (sdk/paced-requests.ts). */
describe('pacing at the Azure pipeline policy', () => {
  const azure = useSimulatedAzure();
  const queues: ApiQueue[] = [];
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop();
  });
  const armRequests = () => azure().totalCalls() - azure().calls('token');

  it("paces and counts the GETs of the SDK's own long-running-operation poller", async () => {
    const queue = new ApiQueue({ name: 'paced', ratePerSecond: 10_000, concurrency: 4 });
    queues.push(queue);
    // Its parts stay behind (Detach): ARM answers the DELETE 202, and the poller follows the operation.
    azure().sim.seedVirtualMachines(1, {}, { name: 'np-poller', deleteOption: 'Detach' });
    azure().sim.setKnobs({ deleteTimeMs: 50 });
    const before = armRequests();

    await pacedOperation({ queue, action: 'virtualMachines.delete', kind: 'write' }, () =>
      azure().clients.compute.virtualMachines.delete(azure().resourceGroup, 'np-poller', { updateIntervalInMs: 5 }),
    );

    const { actions } = queue.stats();
    expect(actions['virtualMachines.delete']).toMatchObject({ calls: 1, failures: {} });
    const polls = actions['virtualMachines.delete.poll']?.calls ?? 0;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(1 + polls).toBe(armRequests() - before);
  });

  it('takes one token per page of a listing read through the SDK pager: the next page waits for its token', async () => {
    const clock = new ManualClock();
    const queue = new ApiQueue({ name: 'paced', ratePerSecond: 1, burst: 1, concurrency: 4, clock });
    queues.push(queue);
    azure().sim.setKnobs({ maxPageSize: 2 });
    azure().sim.seedVirtualMachines(5, {});
    const port = await openSdkPort({ authPath: azure().authPath, ca: azure().sim.ca, registry: new ArmClientRegistry(), queue });
    try {
      const listing = port.listVirtualMachines(azure().resourceGroup);
      await waitFor(() => queue.stats().waiting === 1 || undefined);
      expect(azure().calls('virtualMachines.list')).toBe(1);
      clock.advance(1_000);
      await waitFor(() => (azure().calls('virtualMachines.list') === 2 && queue.stats().waiting === 1) || undefined);
      clock.advance(1_000);
      expect(await listing).toHaveLength(5);
      expect(azure().calls('virtualMachines.list')).toBe(3);
      expect(queue.stats().actions['virtualMachines.list']).toMatchObject({ calls: 3, throttles: 0 });
    } finally {
      port.close();
    }
  });
});
