import { type LaunchResult, ManualClock, type ProviderCommonSettings, StateMachineRequestHandler } from '@cloudpool/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label, pool, PROVIDER, SimulatedAzure, startAdapter, SYSTEM_ID } from './support/simulated-azure.js';

/** Nodepool's Azure defaults: boot-timeout 120 s, launch-timeout 3600 s. */
const settings = (launchTimeout: number): ProviderCommonSettings => ({
  ratePerSecond: 1000,
  launchRetries: 1,
  launchTimeout,
  bootTimeout: 120,
  maxConcurrency: 0,
  priority: 100,
});

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
      { adapter, providerName: PROVIDER, systemId: SYSTEM_ID, settings: settings(launchTimeout), clock },
      pool,
      `100-${nodeId}`,
    );
    const startedAt = clock.now();
    handler.launch(nodeId, label, { externalId: () => undefined });
    for (let tick = 0; tick < 2_000 && !handler.launchesComplete(); tick++) {
      handler.advance();
      await new Promise((resolve) => setTimeout(resolve, 2));
      await clock.advanceSettling(5_000);
    }
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
