import type { Driver } from '@cloudpool/common';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Launcher } from '../../src/launcher.js';
import { FAST_TIMINGS, fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { get, useWebServers } from './web-test-support.js';

const CONFIG = `labels:
  - name: small
cloudpool:
  system-id: readiness-test
  cleanup:
    interval: 0.5
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 2\n        labels:\n${label('small')}`)}`;

describe('web: /ready', () => {
  const harness = useLauncherHarness();
  const startWeb = useWebServers();

  it('answers 503 while a configured provider has not started, then OK for good once every one has', async () => {
    const h = harness();
    // The provider cannot start at first (say, its cloud is unreachable); a reload starts it.
    let failures = 1;
    const flaky: Driver = {
      name: 'fake',
      getProviderConfig: (raw) => h.driver.getProviderConfig(raw),
      getProvider: (config, context) => {
        if (failures-- > 0) throw new Error('cloud unreachable');
        return h.driver.getProvider(config, context);
      },
    };
    const launcher = await Launcher.start({
      config: h.config(CONFIG),
      drivers: new Map([['fake', flaky]]),
      logger: pino({ level: 'silent' }),
      timings: FAST_TIMINGS,
      hostname: 'launcher-1',
    });
    h.launchers.push(launcher);
    const web = await startWeb(launcher);

    const before = await get(web, '/ready');
    expect(before.status).toBe(503);
    expect(before.body).toBe('Service Unavailable: waiting for provider fake-a');

    await launcher.applyConfig(h.config(CONFIG));
    const after = await get(web, '/ready');
    expect(after).toMatchObject({ status: 200, body: 'OK' });

    // Removing the provider later does not make a started launcher unready again.
    await launcher.applyConfig(h.config(CONFIG.replace(/providers:[\s\S]*/, 'providers: []\n')));
    expect((await get(web, '/ready')).status).toBe(200);
  });
});
