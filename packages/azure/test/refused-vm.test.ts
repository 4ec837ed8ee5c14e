import { ManualClock, nodeTags, TAG } from '@cloudpool/common';
import { vmNameOf } from '../src/names.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { label, pool, PROVIDER, RecordingLogger, SimulatedAzure, startAdapter, SYSTEM_ID, tickUntil } from '../src/testing/test-bed.js';

describe('Azure: a VM that ARM refuses', () => {
  let clock: ManualClock;
  let azure: SimulatedAzure;

  beforeAll(async () => {
    clock = new ManualClock();
    azure = await SimulatedAzure.start({ clock });
  });
  afterAll(async () => {
    await azure.stop();
  });
  beforeEach(() => {
    azure.sim.reset();
  });

  const request = (nodeId: string) => ({
    nodeId,
    attempt: 1,
    hostname: `np${nodeId}`,
    label,
    pool,
    tags: nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {}),
  });

  /** Runs `work` while ticking the shared clock 5 s at a time; returns its outcome and the clock time it took. */
  async function ticking<T>(work: Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; tookMs: number }> {
    const startedAt = clock.now();
    let settled: PromiseSettledResult<T> | undefined;
    void work.then(
      (value) => (settled = { status: 'fulfilled', value }),
      (reason: unknown) => (settled = { status: 'rejected', reason }),
    );
    await tickUntil(clock, () => settled !== undefined, { stepMs: 5_000 });
    return { outcome: settled!, tookMs: clock.now() - startedAt };
  }

  it('keeps deleting the NIC Azure reserves for it (NicReservedForAnotherVm) until the reservation ends, then the public IP: nothing is left', async () => {
    azure.sim.setKnobs({ quotas: { cores: 1 } });
    const logger = new RecordingLogger();
    const adapter = await startAdapter(azure, { clock, timers: clock, logger });
    const nodeId = '0000000601';
    const { outcome, tookMs } = await ticking(adapter.createResource(request(nodeId), { onExternalId: () => undefined, signal: new AbortController().signal }));

    expect(outcome).toMatchObject({ status: 'rejected', reason: { kind: 'quota' } });
    // The NIC was held for the refused VM: compensation had to outwait Azure's 180 s.
    expect(tookMs).toBeGreaterThanOrEqual(azure.sim.azureKnobs.nicReservationMs);
    const left = (await azure.rawResources()).filter((resource) => resource.tags[TAG.nodeId] === nodeId);
    expect(left).toEqual([]);
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
  });

  it('is reserved its NIC by the simulator, as Azure does: deleting the NIC at once fails with ARM\'s code', async () => {
    azure.sim.setKnobs({ azure: { unavailableSizes: ['Standard_B2s'] } });
    const adapter = await startAdapter(azure, { clock, timers: clock });
    const nodeId = '0000000602';
    const abort = new AbortController();
    const creating = adapter.createResource(request(nodeId), { onExternalId: () => undefined, signal: abort.signal });
    // Wait for the refusal, then look at the NIC from outside while compensation waits.
    for (let tries = 0; tries < 200 && azure.calls('networkInterfaces.delete') === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 5));
    const { network } = azure.clients;
    await expect(network.networkInterfaces.delete(azure.resourceGroup, `${vmNameOf({ systemId: SYSTEM_ID, providerName: PROVIDER, nodeId, nonce: undefined })}-nic`)).rejects.toMatchObject({ code: 'NicReservedForAnotherVm', statusCode: 400 });
    abort.abort(new Error('shutdown'));
    await expect(creating).rejects.toMatchObject({ kind: 'capacity', code: 'SkuNotAvailable' });
  });
});
