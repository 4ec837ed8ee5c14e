import { JUTE_MAX_BUFFER } from '@cloudpool/common';
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

  it('serves an 800 KB request on the same session', async () => {
    const launcher = await h.startLauncher(CONFIG);
    const sessionEvents: string[] = [];
    for (const event of ['lost', 'suspended'] as const) launcher.context.client.on(event, () => sessionEvents.push(event));
    const big = await h.waitForRequest(await h.request(['small'], { event_id: 'x'.repeat(800 * 1024) }));
    expect(big.state).toBe('fulfilled');
    expect(big.nodes).toHaveLength(1);
    expect(sessionEvents).toEqual([]);
  });

  it('leaves a request too large to rewrite alone, names it in the log, keeps its session and serves the others', async () => {
    const lines: string[] = [];
    const launcher = await h.startLauncher(CONFIG, 'launcher-1', undefined, (line) => lines.push(line));
    const sessionEvents: string[] = [];
    for (const event of ['lost', 'suspended'] as const) launcher.context.client.on(event, () => sessionEvents.push(event));
    // Zuul can write it (it fits one request), but not with what the launcher would add to it.
    const big = await h.request(['small'], { event_id: 'x'.repeat(JUTE_MAX_BUFFER - 8 * 1024) });
    const small = await h.waitForRequest(await h.request(['small']));
    expect(small.state).toBe('fulfilled');
    expect((await h.requester.getRequest(big))?.state).toBe('requested');
    expect(lines.some((line) => line.includes(`not handling request ${big}`))).toBe(true);
    expect(sessionEvents).toEqual([]);
  });
});
