import { ManualClock } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { Launcher } from '../src/launcher.js';
import { FAST_TIMINGS, fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

// A pinned installation id: no start-up look into the clouds for another one, so every start
// counted here is the provider's own.
const CONFIG = `cloudpool:
  system-id: provider-start-test
labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 10\n        labels:\n${label('small')}`)}`;

describe('launcher: a provider that fails to start', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  let clock: ManualClock;
  beforeEach(() => {
    h = harness();
    clock = new ManualClock(Date.now());
  });

  async function start(): Promise<Launcher> {
    const launcher = await Launcher.start({
      config: h.config(CONFIG),
      drivers: new Map([['fake', h.driver]]),
      logger: pino({ level: 'silent' }),
      timings: FAST_TIMINGS,
      clock,
      hostname: 'start-test',
    });
    h.launchers.push(launcher);
    return launcher;
  }

  it('is started again with backoff after transient errors, then serves', async () => {
    const cloud = h.driver.cloud('fake-a');
    cloud.failNextStarts.push('transient', 'transient');
    const launcher = await start();
    expect(launcher.downProviders().get('fake-a')).toMatchObject({ retrying: true, attempts: 1 });
    await clock.advanceSettling(999);
    expect(cloud.calls.get('connect')).toBe(1);
    await clock.advanceSettling(1);
    await waitFor(() => launcher.downProviders().get('fake-a')?.attempts === 2);
    // The second wait is twice as long.
    await clock.advanceSettling(1999);
    expect(cloud.calls.get('connect')).toBe(2);
    await clock.advanceSettling(1);
    await waitFor(() => launcher.runtimes().has('fake-a'));
    expect(launcher.downProviders().size).toBe(0);
    expect((await h.waitForRequest(await h.request(['small']))).state).toBe('fulfilled');
  });

  it('stays down, visibly, after a permanent error (bad credentials)', async () => {
    const cloud = h.driver.cloud('fake-a');
    cloud.failNextStarts.push('auth');
    const launcher = await start();
    await clock.advanceSettling(600_000);
    expect(cloud.calls.get('connect')).toBe(1);
    expect(launcher.runtimes().has('fake-a')).toBe(false);
    expect(launcher.downProviders().get('fake-a')).toMatchObject({ retrying: false, reason: expect.stringContaining('auth') });
    expect(launcher.report().down).toMatchObject({ 'fake-a': { retrying: false } });
  });
});
