import { waitFor } from '@cloudpool/common/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

const CONFIG = `labels:
  - name: small
  - name: big
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 10\n        labels:\n${label('small')}      - name: second\n        max-servers: 10\n        labels:\n${label('big')}`)}`;

/** One bad znode written by someone else must not stop serving. */
describe('launcher: junk znodes', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(() => {
    h = harness();
  });

  it('serves requests of every pool while a pool registration is not JSON and a request znode has a malformed name', async () => {
    await h.requester.client.mkdirp('/nodepool/components/pool');
    await h.requester.client.create('/nodepool/components/pool/junk-0000000001', 'not json {');
    await h.requester.client.mkdirp('/nodepool/requests');
    await h.requester.client.create('/nodepool/requests/not-a-request-id', JSON.stringify({ state: 'requested', node_types: ['small'], state_time: 1 }));
    await h.startLauncher(CONFIG);
    const small = await h.waitForRequest(await h.request(['small']));
    const big = await h.waitForRequest(await h.request(['big']));
    expect([small.state, big.state]).toEqual(['fulfilled', 'fulfilled']);
    // The junk is left alone: it is not ours to delete.
    expect(await h.requester.client.exists('/nodepool/requests/not-a-request-id')).toBeDefined();
  });
});

describe('launcher: reports bad records in its log', () => {
  const harness = useLauncherHarness();

  it('logs a node record that is not JSON as a warning of its JSON log, not as a process warning', async () => {
    const h = harness();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      await h.requester.client.mkdirp('/nodepool/nodes');
      await h.requester.client.create('/nodepool/nodes/0000000077', 'not json');
      const lines: string[] = [];
      await h.startLauncher(CONFIG, 'logged', undefined, (line) => lines.push(line));
      await waitFor(() => lines.some((line) => line.includes('/nodepool/nodes/0000000077')));
      expect(JSON.parse(lines.find((line) => line.includes('/nodepool/nodes/0000000077'))!)).toMatchObject({ level: 40 });
      expect(warnings.filter((w) => w.includes('0000000077'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
