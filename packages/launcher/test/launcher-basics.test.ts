import { TAG } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

const CONFIG = `labels:
  - name: small
  - name: large
providers:
${fakeProvider(
  'fake-a',
  `      - name: main
        max-servers: 10
        labels:
${label('small', 2, 2048)}${label('large', 8, 16384)}`,
)}
`;

describe('launcher: serving requests', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(() => {
    h = harness();
  });

  it('fulfils a request with ready, tagged nodes in label order, then deletes them once used', async () => {
    const launcher = await h.startLauncher(CONFIG);
    const events: string[] = [];
    launcher.context.events.on('launch', (e) => events.push(`launch ${e.label} ${e.result}`));
    launcher.context.events.on('request', (e) => events.push(`request ${e.request} ${e.outcome}`));
    launcher.context.events.on('nodeDeleted', (e) => events.push(`deleted ${e.node}`));
    const id = await h.request(['small', 'large']);
    const request = await h.waitForRequest(id);
    expect(request.state).toBe('fulfilled');
    await waitFor(() => events.includes(`request ${id} fulfilled`));
    expect(events.filter((e) => e.startsWith('launch')).sort()).toEqual(['launch large ready', 'launch small ready']);
    expect(request.nodes).toHaveLength(2);
    const nodes = await Promise.all(request.nodes.map((n) => h.requester.getNode(n)));
    expect(nodes.map((n) => n!.type)).toEqual([['small'], ['large']]);
    for (const node of nodes) {
      expect(node).toMatchObject({ state: 'ready', provider: 'fake-a', pool: 'main', allocated_to: id, launcher: 'launcher-1' });
      expect(node!.external_id).toMatch(/^fake-/);
      expect(node!.interface_ip).toBe('10.0.0.1');
    }
    expect(nodes[1]!.resources).toEqual({ instances: 1, cores: 8, ram: 16384 });
    const cloud = h.driver.cloud('fake-a');
    const instance = cloud.instances.get(nodes[0]!.external_id as string)!;
    expect(instance.tags).toMatchObject({ [TAG.nodeId]: nodes[0]!.id, [TAG.providerName]: 'fake-a', [TAG.poolName]: 'main' });
    expect(instance.tags[TAG.systemId]).toMatch(/[0-9a-f-]{36}/);

    await h.requester.deleteRequest(id);
    for (const node of nodes) await h.markUsed(node!.id);
    await waitFor(async () => (await h.nodes()).length === 0);
    expect(cloud.instances.size).toBe(0);
    // The record disappears just before the deleter reports it.
    await waitFor(() => events.filter((e) => e.startsWith('deleted')).length === 2);
    expect(events.filter((e) => e.startsWith('deleted')).sort()).toEqual(request.nodes.map((n) => `deleted ${n}`).sort());
  });

  it('declines a label no pool serves and fails the request when every pool declined', async () => {
    await h.startLauncher(CONFIG.replace('  - name: large\n', '  - name: large\n  - name: gpu\n'));
    const id = await h.request(['gpu']);
    const request = await h.waitForRequest(id);
    expect(request.state).toBe('failed');
    expect(request.declined_by).toEqual(['fake-a-main']);
  });
});
