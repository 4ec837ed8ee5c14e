import { loadConfig, ManualClock } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { Launcher } from '@cloudpool/launcher';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configText, FAST_TIMINGS, LauncherHarness } from '../../packages/launcher/test/support/launcher-harness.js';
import { AzureCloud } from './support/azure-cloud.js';
import { testLogger } from './support/test-logger.js';

/**
 * An Azure provider whose start meets the AAD token endpoint's faults (#26 item 6), through the
 * azure driver and the official SDKs against the simulator. The launcher's clock is a
 * ManualClock, so the start retry's backoff is stepped, not slept.
 */
describe('launcher on azure: a provider start that meets AAD faults', () => {
  let cloud: AzureCloud;
  let zk: LauncherHarness;
  let clock: ManualClock;
  beforeEach(async () => {
    cloud = new AzureCloud();
    zk = new LauncherHarness();
    await Promise.all([cloud.start(), zk.connect()]);
    clock = new ManualClock(Date.now());
  });
  afterEach(async () => {
    await zk.stop();
    await cloud.stop();
  });

  async function startLauncher(): Promise<Launcher> {
    // A pinned installation id: the start-up makes no other cloud call than the provider's own.
    const body = `cloudpool:\n  system-id: azure-start-test\nlabels:\n  - name: small\n  - name: large\nproviders:\n${cloud.providerYaml()}`;
    const launcher = await Launcher.start({
      config: loadConfig({ text: configText(zk.chroot, body), path: 'nodepool.yaml' }, { drivers: { azure: cloud.driver } }),
      drivers: new Map([['azure', cloud.driver]]),
      logger: testLogger('azure-start'),
      timings: FAST_TIMINGS,
      clock,
      hostname: 'azure-start',
    });
    zk.launchers.push(launcher);
    return launcher;
  }

  const tokenRequests = (outcome: 'ok' | 'server-error' | 'client-error') => cloud.calls('token', outcome);

  it('starts again after an identity-token outage, with backoff, then serves every request (none declined)', async () => {
    cloud.sim.setKnobs({ azure: { tokenOutageRequests: 1 } });
    const launcher = await startLauncher();
    const down = launcher.downProviders().get(cloud.providerName);
    expect(down).toMatchObject({ retrying: true, attempts: 1 });
    expect(down?.reason).toMatch(/temporarily_unavailable|AADSTS90033|503/);
    expect(cloud.sim.azureKnobs.tokenOutageRequests).toBe(0);
    // Not before the first backoff (1 s on the launcher's clock) is over.
    await clock.advanceSettling(900);
    expect(launcher.runtimes().has(cloud.providerName)).toBe(false);
    // Then on each backoff (doubling), until it starts: MSAL replays the 503 for its Retry-After
    // (1 s of real time), so an attempt within that second fails again, transiently.
    for (let attempt = 2, wait = 100; attempt <= 6 && !launcher.runtimes().has(cloud.providerName); attempt++, wait = 2 ** (attempt - 2) * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 600));
      await clock.advanceSettling(wait);
      await waitFor(() => launcher.runtimes().has(cloud.providerName) || (launcher.downProviders().get(cloud.providerName)?.attempts ?? 0) >= attempt, 10_000);
      expect(launcher.downProviders().get(cloud.providerName)?.retrying ?? true).toBe(true);
    }
    expect(launcher.runtimes().has(cloud.providerName)).toBe(true);
    expect(launcher.downProviders().size).toBe(0);
    const ids = await Promise.all([zk.request(['small']), zk.request(['large']), zk.request(['small', 'small'])]);
    const requests = await Promise.all(ids.map((id) => zk.waitForRequest(id, ['fulfilled', 'failed'], 30_000)));
    expect(requests.map((r) => r.state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(requests.flatMap((r) => r.declined_by)).toEqual([]);
  }, 60_000);

  it('stays down, visibly, with bad credentials: no retry however long it waits', async () => {
    await cloud.breakCredentials();
    const launcher = await startLauncher();
    const down = launcher.downProviders().get(cloud.providerName);
    expect(down).toMatchObject({ retrying: false, attempts: 1 });
    expect(down?.reason).toMatch(/invalid_client|AADSTS7000215/);
    const refused = tokenRequests('client-error') + tokenRequests('ok');
    await clock.advanceSettling(600_000);
    expect(tokenRequests('client-error') + tokenRequests('ok')).toBe(refused);
    expect(launcher.runtimes().has(cloud.providerName)).toBe(false);
    expect(launcher.report().down).toMatchObject({ [cloud.providerName]: { retrying: false } });
  }, 60_000);
});
