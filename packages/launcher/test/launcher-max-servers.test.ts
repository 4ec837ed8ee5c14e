import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from './support/launcher-harness.js';

const CONFIG = `labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 3\n        labels:\n${label('small')}`, '    boot-time: 0.3\n')}`;

describe('launcher: max-servers with three launchers on one pool', () => {
  const harness = useLauncherHarness();

  it('never has more instances than max-servers while three launchers serve a burst', async () => {
    const h = harness();
    await Promise.all([1, 2, 3].map((i) => h.startLauncher(CONFIG, `launcher-${i}`)));
    const cloud = h.driver.cloud('fake-a');
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, [...cloud.instances.values()].filter((i) => i.goneAt === undefined).length);
    }, 5);
    try {
      const ids = await Promise.all(Array.from({ length: 12 }, () => h.request(['small'])));
      // Each fulfilled request gives its node back at once, as a job that ends does.
      const done = new Set<string>();
      await waitFor(async () => {
        for (const id of ids) {
          if (done.has(id)) continue;
          const request = await h.requester.getRequest(id);
          if (request?.state !== 'fulfilled') continue;
          done.add(id);
          for (const node of request.nodes) await h.markUsed(node);
          await h.requester.deleteRequest(id);
        }
        return done.size === ids.length;
      }, 60_000);
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeLessThanOrEqual(3);
  }, 90_000);
});
