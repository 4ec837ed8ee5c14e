import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

const CONFIG = `labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 10\n        labels:\n${label('small')}`)}`;

describe('launcher: oversized records', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(() => {
    h = harness();
  });

  it('leaves an 800 KB request alone, names it in the log, keeps its session and serves the others', async () => {
    const lines: string[] = [];
    const launcher = await h.startLauncher(CONFIG, 'launcher-1', undefined, (line) => lines.push(line));
    const sessionEvents: string[] = [];
    for (const event of ['lost', 'suspended'] as const) launcher.context.client.on(event, () => sessionEvents.push(event));
    const big = await h.request(['small'], { event_id: 'x'.repeat(800 * 1024) });
    const small = await h.waitForRequest(await h.request(['small']));
    expect(small.state).toBe('fulfilled');
    expect((await h.requester.getRequest(big))?.state).toBe('requested');
    expect(lines.some((line) => line.includes(`not handling request ${big}`))).toBe(true);
    expect(sessionEvents).toEqual([]);
  });
});
