import { TAG } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

const CONFIG = (top = '', pool = '        max-servers: 10\n') => `labels:
  - name: small
${top}cloudpool:
  cleanup:
    interval: 0.2
    min-age: 0
providers:
${fakeProvider('fake-a', `      - name: main\n${pool}        labels:\n${label('small')}`)}`;

describe('launcher: recovery', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(() => {
    h = harness();
  });

  it('resets a lost request (pending, nobody holding its lock) and fulfils it', async () => {
    const id = await h.request(['small']);
    const request = (await h.requester.getRequest(id))!;
    request.state = 'pending';
    await h.requester.updateRequest(request);
    await h.startLauncher(CONFIG());
    expect((await h.waitForRequest(id)).state).toBe('fulfilled');
  });

  it('deallocates a ready node whose request vanished, then reuses it', async () => {
    await h.startLauncher(CONFIG());
    const first = await h.waitForRequest(await h.request(['small']));
    const nodeId = first.nodes[0]!;
    await h.requester.deleteRequest(first.id);
    await waitFor(async () => (await h.requester.getNode(nodeId))?.allocated_to === null);
    const reused = await h.waitForRequest(await h.request(['small']));
    expect(reused.nodes).toEqual([nodeId]);
    expect(h.driver.cloud('fake-a').calls.get('create')).toBe(1);
  });

  it('retries a launch whose instance failed, deleting that instance first', async () => {
    await h.startLauncher(CONFIG());
    const cloud = h.driver.cloud('fake-a');
    cloud.failNextBoots.push({ kind: 'capacity', message: 'No valid host was found' });
    const request = await h.waitForRequest(await h.request(['small']));
    expect(request.state).toBe('fulfilled');
    expect(cloud.calls.get('create')).toBe(2);
    expect(cloud.calls.get('delete-instance')).toBe(1);
    const node = (await h.requester.getNode(request.nodes[0]!))!;
    expect([...cloud.instances.values()].map((i) => i.id)).toEqual([node.external_id]);
  });

  it('retries a launch that failed before the cloud gave an id, and fails the request after launch-retries', async () => {
    await h.startLauncher(CONFIG());
    const cloud = h.driver.cloud('fake-a');
    cloud.failNextCreates.push('transient');
    expect((await h.waitForRequest(await h.request(['small']))).state).toBe('fulfilled');
    cloud.failNextCreates.push('transient', 'transient', 'transient');
    const failed = await h.waitForRequest(await h.request(['small']));
    expect(failed).toMatchObject({ state: 'failed', declined_by: ['fake-a-main'] });
    await waitFor(async () => (await h.nodes()).every((n) => n.state === 'ready'));
    expect(cloud.calls.get('create')).toBe(5);
  });

  it('deletes a leaked instance after two cleanup passes and replaces a min-ready node', async () => {
    await h.startLauncher(CONFIG().replace('  - name: small\n', '  - name: small\n    min-ready: 1\n'));
    const cloud = h.driver.cloud('fake-a');
    const ready = await waitFor(async () => (await h.nodes()).find((n) => n.state === 'ready'));
    const instanceId = ready.external_id as string;
    const systemId = cloud.instances.get(instanceId)!.tags[TAG.systemId];
    const leaked = cloud.plantInstance({ [TAG.providerName]: 'fake-a', [TAG.systemId]: systemId!, [TAG.nodeId]: await h.goneNodeId() }, { ageMs: 60_000 });
    const foreign = cloud.plantInstance({ [TAG.providerName]: 'fake-a', [TAG.systemId]: 'someone-else', [TAG.nodeId]: '0000009998' }, { ageMs: 60_000 });
    await waitFor(() => !cloud.instances.has(leaked.id));
    expect(cloud.instances.has(foreign.id)).toBe(true);
    expect(cloud.instances.has(instanceId)).toBe(true);
    // A min-ready node whose record is lost leaks; cleanup removes it and min-ready replaces it.
    await h.requester.client.deleteRecursive(`/nodepool/nodes/${ready.id}`);
    await waitFor(() => !cloud.instances.has(instanceId));
    await waitFor(async () => (await h.nodes()).some((n) => n.state === 'ready' && n.id !== ready.id));
  });

  it('serves requests from two launchers without allocating a node or fulfilling a request twice', async () => {
    const config = CONFIG('', '        max-servers: 30\n');
    await h.startLauncher(config, 'launcher-1');
    await h.startLauncher(config, 'launcher-2');
    const ids = await Promise.all(Array.from({ length: 12 }, () => h.request(['small', 'small'])));
    const requests = await Promise.all(ids.map((id) => h.waitForRequest(id, ['fulfilled', 'failed'], 30_000)));
    expect(requests.every((r) => r.state === 'fulfilled')).toBe(true);
    const allocated = requests.flatMap((r) => r.nodes);
    expect(new Set(allocated).size).toBe(24);
    const nodes = await h.nodes();
    expect(nodes).toHaveLength(24);
    for (const node of nodes) expect(ids).toContain(node.allocated_to);
    expect(h.driver.cloud('fake-a').instances.size).toBe(24);
    expect(new Set(nodes.map((n) => n.launcher))).toEqual(new Set(['launcher-1', 'launcher-2']));
    await Promise.all(ids.map((id) => h.requester.deleteRequest(id)));
    await Promise.all(nodes.map((n) => h.markUsed(n.id)));
    await waitFor(async () => (await h.nodes()).length === 0, 20_000);
    expect(h.driver.cloud('fake-a').calls.get('delete-instance')).toBe(24);
  });

  it('deletes an unused ready node older than max-ready-age, and a held node past its hold expiration', async () => {
    await h.startLauncher(CONFIG().replace('  - name: small\n', '  - name: small\n    max-ready-age: 2\n'));
    const first = await h.waitForRequest(await h.request(['small']));
    const second = await h.waitForRequest(await h.request(['small']));
    const [aging, held] = [first.nodes[0]!, second.nodes[0]!];
    const locked = await h.requester.lockNode(held, { timeoutMs: 5000 });
    locked!.node.state = 'hold';
    locked!.node.hold_expiration = 1;
    await h.requester.updateNode(locked!.node);
    await locked!.lock.release();
    await h.requester.deleteRequest(first.id);
    await h.requester.deleteRequest(second.id);
    // The aging node is deallocated, then expires; the held node stays held until its expiration passes.
    await waitFor(async () => !(await h.requester.getNode(aging)), 15_000);
    await waitFor(async () => !(await h.requester.getNode(held)), 15_000);
    expect(h.driver.cloud('fake-a').instances.size).toBe(0);
  });

  it('keeps a held node without an expiration, and ready nodes of labels without max-ready-age', async () => {
    await h.startLauncher(CONFIG());
    const request = await h.waitForRequest(await h.request(['small', 'small']));
    const [held, ready] = request.nodes as [string, string];
    const locked = await h.requester.lockNode(held, { timeoutMs: 5000 });
    locked!.node.state = 'hold';
    await h.requester.updateNode(locked!.node);
    await locked!.lock.release();
    await h.requester.deleteRequest(request.id);
    await waitFor(async () => (await h.requester.getNode(ready))?.allocated_to === null);
    // Nothing should happen: give the deleter about 25 passes (40 ms apart) to prove it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await h.requester.getNode(held))?.state).toBe('hold');
    expect((await h.requester.getNode(ready))?.state).toBe('ready');
  });
});

