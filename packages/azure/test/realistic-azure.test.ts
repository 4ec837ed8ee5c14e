import { DeleteNodeStateMachine, ManualClock, StateMachineRequestHandler, TAG } from '@cloudpool/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label, pool, PROVIDER, providerSettings, SimulatedAzure, startAdapter, SYSTEM_ID, tickUntil } from '../src/testing/test-bed.js';

/**
 * The driver against the simulator at Azure's pace (its default): public IPs `Updating` first, a
 * VM provisioning for a minute, deletions taking half a minute, a VM create that ARM cancels.
 */
describe("Azure at Azure's pace", () => {
  const clock = new ManualClock();
  let azure: SimulatedAzure;

  beforeAll(async () => {
    azure = await SimulatedAzure.start({ clock, timing: 'realistic' });
  });
  afterAll(async () => {
    await azure.stop();
  });

  it('launches through a canceled first VM (retried after its deletion), then deletes every part', async () => {
    azure.sim.setKnobs({ azure: { asyncCancelRatio: 1 } });
    const adapter = await startAdapter(azure, { clock, timers: clock, listRefreshGapMs: 0, pollIntervalMs: 5_000 });
    const handler = new StateMachineRequestHandler({ adapter, providerName: PROVIDER, systemId: SYSTEM_ID, settings: providerSettings(), clock }, pool, '100-0000000901');
    const retries: string[] = [];
    handler.launch('0000000901', label, {
      externalId: () => undefined,
      retrying: (_nodeId, _attempt, reason) => {
        retries.push(reason);
        azure.sim.setKnobs({ azure: { asyncCancelRatio: 0 } });
      },
    });
    await tickUntil(clock, () => handler.launchesComplete(), { step: () => handler.advance() });

    expect(retries).toEqual([expect.stringMatching(/Canceled/)]);
    const [result] = handler.results();
    expect(result, JSON.stringify(result)).toMatchObject({ status: 'ready' });
    // The public IP was followed while `Updating` before the NIC referred to it.
    expect(azure.calls('publicIPAddresses.get')).toBeGreaterThan(0);

    const instance = result!.status === 'ready' ? result!.instance : undefined;
    const remove = new DeleteNodeStateMachine(adapter, instance!.externalId);
    await tickUntil(clock, () => remove.complete || remove.failed, { step: () => remove.advance() });
    expect(remove.error).toBeUndefined();
    await clock.advanceSettling(60_000);
    const left = (await azure.rawResources()).filter((resource) => resource.tags[TAG.nodeId] === '0000000901');
    expect(left).toEqual([]);
  });
});
