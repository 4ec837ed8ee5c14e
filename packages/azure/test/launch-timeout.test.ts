import { type LaunchResult, ManualClock, StateMachineRequestHandler } from '@cloudpool/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label, pool, PROVIDER, providerSettings, SimulatedAzure, startAdapter, SYSTEM_ID, tickUntil } from '../src/testing/test-bed.js';


/** VMs take ten minutes of the shared clock to reach `Succeeded`, as large real ones may. */
const PROVISIONING_MS = 10 * 60_000;

describe('Azure launch timeouts', () => {
  let clock: ManualClock;
  let azure: SimulatedAzure;

  beforeAll(async () => {
    clock = new ManualClock();
    azure = await SimulatedAzure.start({ clock, knobs: { bootTimeMs: PROVISIONING_MS } });
  });
  afterAll(async () => {
    await azure.stop();
  });

  /** Launches one node and ticks the shared clock 5 s at a time until the launch ends; returns its result and the clock time it took. */
  async function launch(nodeId: string, launchTimeout: number): Promise<{ result: LaunchResult; tookMs: number }> {
    azure.sim.reset();
    const adapter = await startAdapter(azure, { clock, timers: clock, listRefreshGapMs: 0 });
    const handler = new StateMachineRequestHandler(
      { adapter, providerName: PROVIDER, systemId: SYSTEM_ID, settings: providerSettings({ launchTimeout, launchRetries: 1 }), clock },
      pool,
      `100-${nodeId}`,
    );
    const startedAt = clock.now();
    handler.launch(nodeId, label, { externalId: () => undefined });
    await tickUntil(clock, () => handler.launchesComplete(), { step: () => handler.advance(), stepMs: 5_000 });
    return { result: handler.results()[0]!, tookMs: clock.now() - startedAt };
  }

  it('waits past boot-timeout for a VM that is still provisioning: launch-timeout bounds that wait', async () => {
    const { result, tookMs } = await launch('0000000501', 3600);
    expect(result).toMatchObject({ status: 'ready' });
    expect(tookMs).toBeGreaterThanOrEqual(PROVISIONING_MS);
  });

  it('gives the VM up once launch-timeout has passed', async () => {
    const { result, tookMs } = await launch('0000000502', 300);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringContaining('launch timeout of 300s') });
    expect(tookMs).toBeLessThan(PROVISIONING_MS);
  });
});
